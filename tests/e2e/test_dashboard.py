"""The officials' dashboard in a real browser: headless Chromium (Debian's, driven through chromedriver) opens
/dashboard on the running suite with data, signs in, and the charts render with the expected numbers, without a
console error; a district authority signed in with its client credentials sees its own unit only."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from devstack.suite import Suite
from testkit.data import random_uscc
from testkit.deploy import ROOT
from testkit.suites import suite_config
from testkit.waits import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

VENDORED = ROOT / "services/indexer/src/indexer/dashboard/static/vendor"
UNITS = {"500103": 5, "500104": 3, "500105": 1}


def browser() -> webdriver.Chrome:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.fail("Debian's chromium and chromium-driver are needed: `make tools` installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(driver))


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    config = suite_config(tmp_path_factory.mktemp("dashboard"))
    origin = f"http://127.0.0.1:{config.ports['indexer']}"
    config.extra_env["SHUZHUAN_REGISTRY_CORS_ORIGINS"] = json.dumps([origin])
    running = Suite(config, say=lambda _: None)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def with_data(suite: Suite) -> dict[str, str]:
    """Nine enterprises in three units; returns the city's headers once the indexer counted them."""
    city = {"Authorization": f"Bearer {suite.admin_token()}"}
    rng = __import__("random").Random(4)
    for unit, n in UNITS.items():
        for i in range(n):
            body = {"uscc": random_uscc(rng), "name": f"企业{unit}{i}", "district_code": unit, "industry_code": "C3670"}
            answer = httpx.post(f"{suite.url('registry')}/v1/enterprises", json=body, headers=city, timeout=30)
            assert answer.status_code == 201, answer.text

    def counted() -> bool:
        totals = httpx.get(f"{suite.url('indexer')}/v1/aggregates", headers=city, timeout=10).json()["totals"]
        return bool(totals["enterprises"] == sum(UNITS.values()))

    wait_until(counted, timeout=60, what="the indexer to count the enterprises")
    return city


def district_client(suite: Suite, city: dict[str, str]) -> dict[str, str]:
    body = {"name": "渝中区经信委", "role": "district", "districts": ["500103"]}
    created = httpx.post(f"{suite.url('registry')}/v1/clients", json=body, headers=city, timeout=30).json()
    return {"id": created["client_id"], "secret": created["client_secret"]}


def loaded(driver: webdriver.Chrome, timeout: float = 30) -> None:
    def done() -> bool:
        error = driver.find_element(By.ID, "signin_error").text
        assert not error, error
        return bool(driver.execute_script("return document.body.dataset.loaded === 'true'"))

    wait_until(done, timeout=timeout, what="the dashboard to load its data")


def chart_data(driver: webdriver.Chrome, chart: str) -> dict[str, Any]:
    script = f"const c = Chart.getChart('{chart}'); return c ? {{labels: c.data.labels, data: c.data.datasets[0].data}} : null"
    found = driver.execute_script(script)
    assert found is not None, f"chart {chart} not drawn"
    return dict(found)


def severe(driver: webdriver.Chrome) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_the_chart_library_is_vendored() -> None:
    digest = hashlib.sha256((VENDORED / "chart.umd.min.js").read_bytes()).hexdigest()
    assert digest in (VENDORED / "README.md").read_text()
    page = (VENDORED.parent / "index.html").read_text()
    assert "http" not in page.replace("http-equiv", ""), "the page loads nothing from another host"


def test_the_dashboard_renders_for_the_city_and_scopes_a_district(suite: Suite) -> None:
    city = with_data(suite)
    token = city["Authorization"].split()[1]
    district = district_client(suite, city)
    driver = browser()
    try:
        driver.get(f"{suite.url('indexer')}/dashboard")
        assert "监测看板" in driver.title
        assert driver.find_element(By.ID, "board").get_attribute("hidden") is not None  # no data before sign-in
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "#tokenform button").click()
        loaded(driver)
        row = driver.find_element(By.CSS_SELECTOR, "tr[data-indicator='enterprises_covered'] td.value")
        assert row.text == "9"
        covered = driver.find_element(By.CSS_SELECTOR, "tr[data-indicator='districts_covered'] td.value")
        assert covered.text == "3"
        ranking = chart_data(driver, "ranking")
        assert len(ranking["labels"]) == 2 and all("区" in label or "县" in label for label in ranking["labels"])
        assert sum(chart_data(driver, "levels")["data"]) == 0  # nobody assessed yet
        assert driver.find_element(By.CSS_SELECTOR, "dd[data-total='登记企业']").text == "9"
        assert severe(driver) == []

        driver.find_element(By.ID, "signout").click()
        driver.find_element(By.ID, "client_id").send_keys(district["id"])
        driver.find_element(By.ID, "client_secret").send_keys(district["secret"])
        url = driver.find_element(By.ID, "token_url")
        url.clear()
        url.send_keys(f"{suite.url('registry')}/v1/oauth/token")
        driver.find_element(By.CSS_SELECTOR, "#credentials button").click()
        loaded(driver)
        assert "500103" in driver.find_element(By.ID, "who").text
        assert driver.find_element(By.CSS_SELECTOR, "dd[data-total='登记企业']").text == "5"  # its own unit only
        assert "500103" in driver.find_element(By.ID, "totals_scope").text
        assert "渝中" in driver.find_element(By.ID, "levels_scope").text
        assert severe(driver) == []
    finally:
        driver.quit()


def test_no_data_without_a_token(suite: Suite) -> None:
    assert httpx.get(f"{suite.url('indexer')}/v1/aggregates", timeout=10).status_code == 401
    page = httpx.get(f"{suite.url('indexer')}/dashboard", timeout=10)
    assert page.status_code == 200 and "登录" in page.text
    assert httpx.get(f"{suite.url('indexer')}/dashboard/static/vendor/chart.umd.min.js", timeout=10).status_code == 200
    assert Path(VENDORED / "chart.js-LICENSE.md").exists()
