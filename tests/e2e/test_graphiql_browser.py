"""GraphiQL in a real browser, offline: Debian's chromium (through chromedriver) opens
/graphql on a real ``clientgate serve``, the token goes into GraphiQL's headers editor (via
the page's ``?headers=`` prefill), a clients query runs and its result shows the client.
Every script and stylesheet must come from this server's /static, never from a CDN.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from graphql_api.graphiql import assets_available
from tests.conftest import IN_CI
from tests.e2e.conftest import LiveServer, base_env, database_url, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOT = Path("/tmp/graphiql.png")


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return "chromium is not installed"
    if not (Path(CHROMEDRIVER).exists() or shutil.which("chromedriver")):
        return "chromedriver is not installed"
    if not assets_available():
        return "node_modules is missing (run `make assets`)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    reason = _missing()
    if reason:
        if IN_CI:
            pytest.fail(f"GraphiQL browser test needs it in CI: {reason}")
        pytest.skip(f"GraphiQL browser test skipped: {reason}")
    tmp = tmp_path_factory.mktemp("graphiql")
    with database_url("sqlite", tmp) as url:
        live = start_server(base_env(url, tmp), tmp)
        try:
            yield live
        finally:
            if not live.stopped:
                live.assert_clean_exit()


def _driver(profile: Path):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    # An explicit driver path: selenium-manager must not try to download anything.
    driver_path = CHROMEDRIVER if Path(CHROMEDRIVER).exists() else str(shutil.which("chromedriver"))
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def test_graphiql_runs_a_clients_query_offline(server: LiveServer, tmp_path: Path) -> None:
    made = server.cli("accounts", "create", "--name", "Browser SAC", "--country", "PE", "--json")
    assert made.returncode == 0, made.stderr
    token = json.loads(made.stdout)["token"]
    created = httpx.post(
        server.base_url + "/graphql",
        json={
            "query": 'mutation { createClient(input: {firstName: "Zoila", lastName: "Navegadora"})'
            " { client { id } userErrors { message } } }"
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert created["data"]["createClient"]["userErrors"] == [], created

    query = "{ clients(first: 5) { edges { node { firstName lastName } } } }"
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    url = f"{server.base_url}/graphql?{urlencode({'q': query, 'headers': headers})}"

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _driver(tmp_path / "chromium-profile")
    try:
        driver.get(url)
        wait = WebDriverWait(driver, 30)
        run = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button")))
        # The headers editor holds the token (the page's own prefill mechanism).
        wait.until(lambda d: token[:12] in d.execute_script("return document.body.innerText"))
        run.click()
        wait.until(
            lambda d: "Navegadora" in d.find_element(By.CSS_SELECTOR, ".graphiql-response").text
        )
        result = driver.find_element(By.CSS_SELECTOR, ".graphiql-response").text
        assert "Zoila" in result and "errors" not in result
        # Back on /graphql in the same tab (no prefill in the link): the tab's editors come
        # back from sessionStorage, token included, and the query runs again.
        driver.get(f"{server.base_url}/graphql")
        run = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button")))
        run.click()
        wait.until(
            lambda d: "Navegadora" in d.find_element(By.CSS_SELECTOR, ".graphiql-response").text
        )
        session = driver.execute_script("return JSON.stringify(Object.assign({}, sessionStorage))")
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        scripts = driver.execute_script(
            "return Array.from(document.querySelectorAll('script[src], link[href]'))"
            ".map(e => e.src || e.href)"
        )
        # Headers are not persisted: the token never lands in localStorage.
        stored = driver.execute_script("return JSON.stringify(Object.assign({}, localStorage))")
        time.sleep(0.3)  # let the editor settle before the screenshot
        driver.save_screenshot(str(SCREENSHOT))
    finally:
        driver.quit()
    assert token not in stored
    assert token in session  # kept for the tab only
    assert any(s.endswith("/static/graphiql/graphiql.min.js") for s in scripts), scripts
    for loaded in [*scripts, *resources]:
        # Inline data: URLs (the empty favicon) involve no network.
        local = loaded.startswith((server.base_url + "/", "data:"))
        assert local, f"loaded from outside the server: {loaded}"


def test_api_docs_page_renders_every_operation_offline(server: LiveServer, tmp_path: Path) -> None:
    """/docs: Swagger UI, served from this server's /static, renders /openapi.json: one block
    per operation of the document, the Bsale and BusinessPartner paths among them."""
    document = httpx.get(server.base_url + "/openapi.json", timeout=10).json()
    operations = sum(
        1 for item in document["paths"].values() for method in item if method != "parameters"
    )

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _driver(tmp_path / "chromium-profile")
    try:
        driver.get(f"{server.base_url}/docs")
        wait = WebDriverWait(driver, 30)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) == operations)
        paths = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]
        title = driver.find_element(By.CSS_SELECTOR, ".info .title").text
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        driver.save_screenshot(str(SCREENSHOT.with_name("apidocs.png")))
    finally:
        driver.quit()
    assert "clientgate REST API" in title
    joined = " ".join(paths).replace("\u200b", "")
    for path in ("/v1/clients.json", "/BusinessPartner/create", "/resellers/clients/batch"):
        assert path in joined, path
    assert any(r.endswith("/static/swagger-ui/swagger-ui-bundle.js") for r in resources)
    assert any(r.endswith("/openapi.json") for r in resources)
    for loaded in resources:
        local = loaded.startswith((server.base_url + "/", "data:"))
        assert local, f"loaded from outside the server: {loaded}"
