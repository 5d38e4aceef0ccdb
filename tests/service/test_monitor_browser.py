"""``/monitor`` of a real ``ijw serve`` in headless Chromium: the page renders without a console message
under the strict CSP the service sends, and holds the numbers of ``/v1/report`` for the same token.

A browser cannot add a bearer token by itself; as behind a company's authenticating proxy, a small
loopback proxy in the test adds ``Authorization`` and passes the service's answer (headers and all) on.
"""

from __future__ import annotations

import http.client
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from benchmarks.serve_bench import serving
from ijw_gateway.ledger.ledger import Ledger
from ijw_gateway.ledger.report import CSP
from ijw_gateway.ledger.tokens import SCOPES, create_token
from ijw_gateway.service.orgs import parse_org
from tests.ledger.conftest import TEST_KEY
from tests.ledger.report_fixture import assert_html_matches, populate
from tests.ledger.test_report_browser import page_messages, require_chromium, run_chromium

pytestmark = pytest.mark.browser


@contextmanager
def authenticating_proxy(backend: str, token: str) -> Iterator[str]:
    host, _, port = backend.removeprefix("http://").partition(":")

    class Forward(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            upstream = http.client.HTTPConnection(host, int(port), timeout=60)
            upstream.request("GET", self.path, headers={"Authorization": f"Bearer {token}"})
            answer = upstream.getresponse()
            body = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            upstream.close()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_monitor_renders_in_chromium_with_the_report_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chromium = require_chromium()
    monkeypatch.setenv("IJW_LEDGER_KEY", TEST_KEY)
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(url) as book:
        populate(book)
        token, _ = create_token(book, parse_org("regio:Achterhoek"), SCOPES)
        everyone = len(book.cases())
    with serving(url, 1, dict(os.environ)) as (base, _process), authenticating_proxy(base, token) as proxy:
        report = httpx.get(f"{base}/v1/report", headers={"Authorization": f"Bearer {token}"}, timeout=60).json()
        assert 0 < report["summary"]["cases"] < everyone  # the region's cases only
        direct = httpx.get(f"{proxy}/monitor", timeout=60)
        assert direct.headers["content-security-policy"] == CSP
        page = f"{proxy}/monitor"
        dumped = run_chromium(chromium, tmp_path / "profile", "--dump-dom", page)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    assert page_messages(dumped.stderr, page) == []
    dom = dumped.stdout
    assert "<svg" in dom and "Aanmeldroutes jeugdhulp" in dom
    assert assert_html_matches(report, dom) > 50  # the rendered DOM holds the JSON's numbers
