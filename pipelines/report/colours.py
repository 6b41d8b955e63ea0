"""The colours the pack's charts and icons draw with, one home each (the page's own colours live in
html.CSS), and the WCAG contrast they are held to.

Text (in a chart or an icon) must reach 4.5:1 against the white it sits on, and a mark that carries
meaning (an SPC signal, an icon's ring, a reference line) 3:1 (WCAG 2.2, 1.4.3 and 1.4.11). The
Making Data Count colours are darker shades of the published MDC blue, orange and grey (#41B6E6,
#ED8B00, #A6A6A6 reach only 2.3-2.5:1 on white): the same hues, so they still read as MDC's."""

from __future__ import annotations

NHS_BLUE = "#005EB8"
NHS_BLACK = "#212B32"  # body text
NHS_DARK_GREY = "#425563"  # chart text, axis and limit lines (7.7:1 on white)
NHS_MID_GREY = "#768692"  # a chart's plain data line (3.7:1): a mark, never text
NHS_PALE_GREY = "#E8EDEE"  # grid lines and the "similar" map fill: background, not a mark
WHITE = "#FFFFFF"

# Making Data Count: special cause of improvement blue, of concern orange, with no better
# direction purple; common cause grey. All at least 4.5:1 on white (their letters are text).
MDC_IMPROVEMENT = "#0072B2"
MDC_CONCERN = "#B35900"
MDC_NEUTRAL = "#7C2855"
MDC_COMMON_CAUSE = "#6B7780"
# the ICS's own value, a dashed reference line across a dot chart of its areas
ICS_LINE = MDC_CONCERN
# the ICS's own series among its places' lines: the darkest, drawn thickest
ICS_TREND = NHS_BLACK

TEXT_CONTRAST, MARK_CONTRAST = 4.5, 3.0  # WCAG AA minimums: text, and meaningful graphics


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str = WHITE) -> float:
    """WCAG contrast ratio of two #RRGGBB colours, 1 to 21."""
    darker, lighter = sorted((luminance(foreground), luminance(background)))
    return (lighter + 0.05) / (darker + 0.05)
