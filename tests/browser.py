"""Open a page in real headless Chromium: rendered DOM, console errors, network requests, screenshot.

Chromium comes from Debian (`apt-get install chromium`; `make test` installs it when it can).
Tests skip with a clear message only where no Chromium can be found.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

# Chromium's own background calls (updates, time, account checks, the optimisation-guide models
# Chromium 156 fetches for larger pages despite --disable-background-networking), never made by
# our pages.
BROWSER_OWN_HOSTS = ("update.googleapis.com", "clients2.google.com", "accounts.google.com",
                     "optimizationguide-pa.googleapis.com")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=8000", "--window-size=1200,2600", "--enable-logging=stderr",
         "--v=0"]


def find_chromium() -> str:
    for candidate in (os.environ.get("BROWSER_PATH"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.skip("Chromium not found: install it with `apt-get install -y chromium` "
                "(or set BROWSER_PATH) to run the browser checks")


@dataclass
class PageVisit:
    dom: str
    console_errors: list[str]
    requests: list[str]  # every address asked for but the page's own files (file://)
    screenshot: Path


def visit(page: Path, workdir: Path) -> PageVisit:
    browser = find_chromium()
    netlog, shot = workdir / "netlog.json", workdir / f"{page.stem}.png"
    common = [browser, *FLAGS, f"--user-data-dir={workdir / 'profile'}"]
    url = page.resolve().as_uri()
    dom = subprocess.run([*common, f"--log-net-log={netlog}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120)
    subprocess.run([*common, f"--screenshot={shot}", url], capture_output=True, timeout=120)
    log = json.loads(netlog.read_text())
    request_type = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    asked = {e["params"]["url"] for e in log["events"]
             if e["type"] == request_type and "url" in e.get("params", {})}
    requests = sorted(url for url in asked if not url.startswith("file:")
                      and not any(host in url for host in BROWSER_OWN_HOSTS))
    errors = [line for line in dom.stderr.splitlines()
              if "CONSOLE" in line and ("Uncaught" in line or ":ERROR:" in line)]
    return PageVisit(dom.stdout, errors, requests, shot)
