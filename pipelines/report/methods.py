"""The methods page: each statistic in plain words, and the indicator catalogue from the registry."""

from __future__ import annotations

import pandas as pd

from pipelines.config import dbt_vars
from pipelines.contracts.model import source_title
from pipelines.report.html import MODEL_DOCS, esc, table
from pipelines.report.published import POLICY
from pipelines.statistics.spc import MIN_POINTS_FOR_ICONS

# the one home of the threshold is dbt_project.yml (var inequality_min_quintile_share)
MIN_QUINTILE_SHARE = float(dbt_vars()["inequality_min_quintile_share"])

EXPLANATIONS = [
    ("Proportions and Wilson score intervals",
     "A proportion is the share of a group with something (for example, current smokers among "
     "adults with a recorded smoking status), as a percentage. Its 95% confidence interval is the "
     "range within which the true value very probably lies given the numbers counted; we use the "
     "Wilson score method, which behaves well for small groups and for values near 0% or 100%."),
    ("Crude rates, ratios and Byar's intervals",
     "A crude rate counts events per head of population (for example, admissions per 100,000 "
     "children). Counts of events vary by chance from year to year; the interval uses the exact "
     "Poisson distribution below 10 events and Byar's close approximation above. Observed/expected "
     "ratios (hypertension case finding) use the same limits on the observed count."),
    ("Directly age-standardised rates (DSR) and Dobson intervals",
     "Areas with older populations have more deaths and admissions simply because they are older. "
     "A DSR applies each area's age-specific rates to the same standard population (the 2013 "
     "European Standard Population), so areas and years can be compared fairly. The interval uses "
     "Dobson's method (see Disclosure control for the smallest count shown); the age-band counts "
     "behind every DSR stay in the secure warehouse."),
    ("95% and 99.8% limits",
     "Charts of places and local authorities show two intervals: 95% (about 2 standard errors) and "
     "99.8% (about 3). An area is described as different from the ICS only when its 99.8% interval "
     "excludes the ICS value, as on a funnel plot; this keeps chance findings out of the narrative."),
    ("Deprivation quintiles, Core20 and the slope index of inequality",
     "Each person is placed in a fifth (quintile) of deprivation by the English Indices of "
     "Deprivation 2019 rank of their neighbourhood (LSOA): quintile 1 is the most deprived 20% in "
     "England, the Core20 of Core20PLUS5. Every inequality measure compares the most deprived with "
     "the least deprived, so a positive gap or SII, or a ratio or RII above 1, means the value is "
     "higher in more deprived areas (whether that is worse depends on the indicator). The gap is "
     "quintile 1 minus quintile 5 and the ratio quintile 1 over quintile 5. The slope index of "
     "inequality (SII) uses all five quintiles, weighted by their share of the indicator's "
     "denominator (its people, resident-years or decedents): a line is fitted to the values "
     "against each quintile's position in that denominator, on the log scale for rates and "
     "the logit scale for proportions (as PHE recommends), and the SII is the modelled value at "
     "the most deprived end minus the modelled value at the least deprived end. The relative index "
     "(RII) is the ratio of those two modelled values. Their 95% intervals come from 10,000 "
     "simulations of the quintile values within their own intervals (the PHE method, "
     "PHEindicatormethods' phe_sii). The SII is withheld, with the reason given, where a quintile "
     "has no residents or no value, where a quintile holds under "
     f"{MIN_QUINTILE_SHARE:.0%} of the indicator's denominator in the area (the national fifths "
     "are spread very unevenly across local authorities, and a slope through a near-empty fifth "
     "is unstable), where a quintile has no events (the log or logit of 0 is undefined), or where "
     "a quintile's repeat events cluster in so few people that its lower interval limit is 0 "
     "(its spread on the log scale is then unbounded)."),
    ("Repeat events and their intervals",
     "Some indicators count events that one person can have several times: ED attendances in "
     "the last 90 days of life, emergency admissions of care-home residents. Such events are not "
     "independent, so their intervals are widened by how the events cluster in people (the "
     "variance is the sum over people of their events squared), as PHE's method for "
     "non-independent events does."),
    ("Statistical process control (Making Data Count)",
     "Monthly series are drawn as XmR charts, computed as NHSRplotthedots (the NHS-R Making Data "
     "Count package) computes them: the mean and process limits at the mean ± 2.66 times the "
     "average month-to-month change, leaving out changes so large they are outliers themselves. "
     "Points are special cause (not just chance) when one falls beyond a limit, 7 in a row rise "
     "or fall, 2 of 3 on one side of the mean are close to a limit, or 7 in a row fall on one side "
     "of the mean (a point breaking several rules is labelled by the first). The variation icon "
     "shows whether the latest point is special cause of improvement (blue) or concern (orange), "
     "or common cause (grey); the assurance icon shows whether a target lies outside the limits "
     "(consistently passed or failed) or inside them (hit and miss). Icons are shown only for "
     f"series of at least {MIN_POINTS_FOR_ICONS} points, so not for the annual indicators."),
    ("Narrative sentences",
     "The sentence in each chart title is generated from the figures and only states a change, a "
     "gap or a difference when the intervals do not overlap (or an SPC rule fires); otherwise it "
     "says there is no clear difference."),
]


AREA_NAMES = {"ics": "ICS", "place": "places", "local_authority": "local authorities"}


def disclosure_control(values: pd.DataFrame) -> str:
    """The policy in words, quoted from dbt_project.yml, and what it cost in this pack."""
    text = (f"Before any figure leaves the warehouse, {POLICY.in_words()} (0 stays 0). A count is "
            "also withheld when its complement is that small (95 of 100 tells of 5 without it) "
            f"or when it is 100% of fewer than {POLICY.attribute_min_denominator} people. Then "
            "more counts are withheld until none of the withheld ones can be worked out from the "
            "published ones by adding or subtracting: breakdowns add up to their total, local "
            "authorities to places and places to the ICS, the five place-of-death shares to all "
            "deaths, months to years, and one indicator's count may be another's. Every value and "
            "interval is computed from the published (rounded) counts. Breakdowns by deprivation, "
            "sex, age and ethnicity are published for the "
            f"{' and '.join(AREA_NAMES[a] for a in POLICY.breakdown_area_types)}; other areas as "
            f"totals only. Proportions on fewer than {POLICY.low_numbers_denominator} people are "
            "flagged as low numbers; no "
            f"age-standardised rate is shown on fewer than {POLICY.dsr_min_events} events. "
            "Inequality summaries are computed from the published figures and withheld when any of "
            "their cells is. No person-level data appears in this pack.")
    shares = (values.assign(withheld=values["suppression"].notna())
              .groupby("area_type")["withheld"].agg(["size", "mean"]).reindex(["ics", "place",
                                                                             "local_authority"]))
    cost = pd.DataFrame({
        "Area type": [AREA_NAMES[a].capitalize() if a != "ics" else "ICS" for a in shares.index],
        "Published rows": [f"{int(n):,}" if n == n else "0" for n in shares["size"]],
        "Withheld": [f"{m:.1%}" if m == m else "-" for m in shares["mean"]],
    })
    return (f"<h3>Disclosure control</h3><p>{esc(text)}</p>"
            + table(cost, "Share of published rows with a withheld count, by area type",
                    text_columns=1))


def methods_body(indicators: dict[str, dict], page_of: dict[str, str],
                 values: pd.DataFrame) -> str:
    sections = "".join(f"<h3>{esc(title)}</h3><p>{esc(text)}</p>" for title, text in EXPLANATIONS)
    sections += disclosure_control(values)
    catalogue = pd.DataFrame([{
        "Indicator": m["id"], "Title": m["title"], "Numerator": m["numerator"],
        "Denominator": m["denominator"], "Value": f"{m['value_type']} ({m['unit']})",
        "Better": {"lower_is_better": "lower", "higher_is_better": "higher"}.get(m["polarity"], "-"),
        "Sources": ", ".join(source_title(s) for s in m["sources"]), "Page": page_of[m["id"]],
    } for m in indicators.values()])
    return (f"<section><h2>The statistics in plain words</h2>{sections}</section>"
            "<section><h2>Indicator catalogue</h2><p>Every indicator's definition lives once, in the "
            "dbt model's metadata; this table is generated from it. Every model, source, test "
            f'and column of the warehouse is documented in the <a href="{MODEL_DOCS}">model docs '
            "(dbt)</a>.</p>"
            + table(catalogue, "Indicators, their definitions and where they are shown",
                    text_columns=8) + "</section>")
