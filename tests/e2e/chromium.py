"""Debian's headless Chromium for the page tests, with no route to any host but the server.

Every host name but 127.0.0.1 resolves to nothing and every connection but to 127.0.0.1 goes
to a closed proxy port, so a page that needs a CDN does not render here, as behind a firewall.
Needs ``chromium`` and ``chromium-driver`` (.ci/run installs them): skipped without them on a
developer's machine, a failure in CI (CI=true).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
OFFLINE = ("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
           "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,900", *OFFLINE)
TIMEOUT_S = 30


def require_browser() -> None:
    problems = [f"{p} is missing" for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        problems.append("selenium is not installed (pip install -e '.[test]')")
    if problems:
        message = "; ".join(problems) + " (apt-get install -y chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail("the browser tests must run in CI: " + message)
        pytest.skip(message)


@contextmanager
def offline_chromium():
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    profile = tempfile.mkdtemp(prefix="policykg-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    # an explicit driver path: Selenium Manager is never asked to download one
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(TIMEOUT_S)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def loaded_urls(driver) -> list[str]:
    """Every URL the page loaded (the page and its resources)."""
    return driver.execute_script(
        "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name))")
