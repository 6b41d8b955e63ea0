"""A PDF of one of the pack's print pages (printed.py), printed by headless Chromium. The paper
(A4), margins and "Page N of M" footer are the page's own CSS (@page in html.py): Chromium's
--print-to-pdf has no footer template, but prints @page margin boxes."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PRINT_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-pdf-header-footer", "--virtual-time-budget=30000",
               "--run-all-compositor-stages-before-draw"]


def find_browser() -> str | None:
    """BROWSER_PATH (as kaleido reads it), else Chromium or Chrome on PATH."""
    for candidate in (os.environ.get("BROWSER_PATH"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def write_pdf(page: Path, pdf: Path) -> Path | None:
    """Print `page` to `pdf`; without a browser, say so and return None (the HTML pack stands)."""
    browser = find_browser()
    if browser is None:
        log.warning("no Chromium found (apt-get install chromium, or set BROWSER_PATH): "
                    "%s was not written", pdf.name)
        return None
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [browser, *PRINT_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
             page.resolve().as_uri()], capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not pdf.exists():
        log.warning("Chromium could not print %s: %s", pdf.name,
                    (done.stderr.strip().splitlines() or ["no message"])[-1])
        return None
    return pdf
