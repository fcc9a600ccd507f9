"""A frontend on another origin calls /graphql from a real browser (Debian's chromium): a page
served from an allowed origin runs a query with a token; a page from an origin that is not
allowed is refused by the browser (no CORS headers for it). Without the setting, no origin is
allowed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.e2e.conftest import LiveServer, base_env, database_url, free_port, start_server
from tests.e2e.test_graphiql_browser import _driver, _missing

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PAGE = """<!doctype html><html><body><pre id="out">pending</pre><script>
fetch(%(url)s, {method: "POST", headers: {"Content-Type": "application/json",
  "Authorization": "Bearer " + %(token)s},
  body: JSON.stringify({query: "{ clients(first: 1) { totalCount } }"})})
  .then(r => r.json()).then(b => { out.textContent = JSON.stringify(b.data); })
  .catch(e => { out.textContent = "refused: " + e; });
</script></body></html>"""


def _page_server(page: str, port: int) -> ThreadingHTTPServer:
    """Serves ``page`` at ``http://127.0.0.1:<port>/`` from a thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture
def allowed_origin_port() -> int:
    return free_port()


@pytest.fixture
def server(tmp_path: Path, allowed_origin_port: int) -> Iterator[LiveServer]:
    reason = _missing()
    if reason:
        pytest.fail(f"the CORS browser test needs chromium: {reason}")
    with database_url("sqlite", tmp_path) as url:
        env = base_env(
            url, tmp_path, CLIENTGATE_CORS_ORIGINS=f"http://127.0.0.1:{allowed_origin_port}"
        )
        live = start_server(env, tmp_path)
        try:
            yield live
        finally:
            live.assert_clean_exit()


def _run_page(tmp_path: Path, url: str) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _driver(tmp_path / "chromium-profile")
    try:
        driver.get(url)
        wait = WebDriverWait(driver, 30)
        wait.until(lambda d: d.execute_script("return out.textContent") != "pending")
        text: str = driver.execute_script("return out.textContent")
        return text
    finally:
        driver.quit()


def test_allowed_origin_runs_a_query_and_others_are_refused(
    server: LiveServer, tmp_path: Path, allowed_origin_port: int
) -> None:
    made = server.cli("accounts", "create", "--name", "Front", "--country", "PE", "--json")
    token = json.loads(made.stdout)["token"]
    page = PAGE % {"url": json.dumps(server.base_url + "/graphql"), "token": json.dumps(token)}

    other_port = free_port()
    allowed = _page_server(page, allowed_origin_port)
    other = _page_server(page, other_port)
    try:
        ok = _run_page(tmp_path / "a", f"http://127.0.0.1:{allowed_origin_port}/")
        refused = _run_page(tmp_path / "b", f"http://127.0.0.1:{other_port}/")
    finally:
        for httpd in (allowed, other):
            httpd.shutdown()
            httpd.server_close()
    assert json.loads(ok) == {"clients": {"totalCount": 0}}
    assert refused.startswith("refused:"), refused
