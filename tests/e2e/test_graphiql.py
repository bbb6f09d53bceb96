"""GraphiQL (GET /graphql in a browser) renders and runs a query in headless Chromium with no
route to any host but the server: React, ReactDOM and GraphiQL come from the package."""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import TIMEOUT_S, loaded_urls, offline_chromium

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"  # looked at by people, not committed


@pytest.fixture(scope="module")
def browser():
    with offline_chromium() as driver:
        yield driver


def test_graphiql_renders_and_runs_a_query_offline(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    query = '{ city(name: "許昌") { name nameEn } }'  # traditional characters: a name too
    browser.get(server.url + "/graphql?q=" + query.replace(" ", "%20"))
    wait = WebDriverWait(browser, TIMEOUT_S)
    wait.until(lambda d: d.execute_script("return document.body.dataset.state") == "ready")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".graphiql-container .graphiql-execute-button"))
    assert "許昌" in browser.find_element(By.CSS_SELECTOR, ".graphiql-query-editor").text
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    result = wait.until(lambda d: "许昌市" in (t := d.find_element(By.CSS_SELECTOR, ".result-window").text) and t)
    assert '"nameEn": "Xuchang"' in result
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "graphiql.png"))
    # nothing came from elsewhere, and nothing was refused by the page's policy
    assert all(u.startswith(server.url) or u.startswith("data:") for u in loaded_urls(browser)), loaded_urls(browser)
    refused = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert refused == []
