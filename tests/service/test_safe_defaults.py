"""Safe by default: body limit (413), content types (415), timeout and busy (503), no traceback, security
headers, the report's strict CSP on /monitor, access logs without BSN, names or tokens; the OpenAPI
document describes every endpoint with its schemas."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from ijw_gateway import logging as ijw_logging
from ijw_gateway.ledger.report import CSP
from ijw_gateway.service.routes import ops
from tests.service.conftest import BEPALING_01, EXAMPLES, Service, bepaling_json, make_service

JW301 = (EXAMPLES / "berichten" / "jw301-toewijzing.xml").read_bytes()
XML = {"content-type": "application/xml"}


@pytest.fixture
def small(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    """A service with small limits: 4,000-byte bodies, 0.5 s per request, one request at a time."""
    from tests.ledger.conftest import TEST_KEY

    monkeypatch.setenv("IJW_LEDGER_KEY", TEST_KEY)
    yield from make_service(f"sqlite:///{tmp_path / 'ledger.db'}", max_body_bytes=4000, request_timeout=0.5,
                            max_concurrency=1, queue_timeout=0.2)


def test_a_body_over_the_limit_is_413_declared_or_streamed(small: Service) -> None:
    big = b"<a>" + b" " * 5000 + b"</a>"
    declared = small.client.post("/v1/validate", content=big, headers={**XML, **small.auth("gemeente:0202")})
    assert declared.status_code == 413
    assert "4,000 bytes" in declared.json()["detail"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while it is read
        for _ in range(10):
            yield b" " * 1000

    streamed = small.client.post("/v1/validate", content=chunks(), headers={**XML, **small.auth("gemeente:0202")})
    assert streamed.status_code == 413
    assert streamed.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("path", "kind"), [("/v1/validate", "application/json"), ("/v1/respond", "text/plain"),
                                            ("/v1/messages?direction=sent", "application/json"),
                                            ("/v1/map", "application/xml"), ("/v1/build", "text/yaml"),
                                            ("/v1/cases", "application/x-www-form-urlencoded"),
                                            ("/v1/validate/batch", "application/xml")])
def test_a_wrong_content_type_is_415(service: Service, path: str, kind: str) -> None:
    response = service.client.post(path, content=b"{}", headers={"content-type": kind,
                                                                 **service.auth("gemeente:0222")})
    assert response.status_code == 415, response.text
    assert kind in response.json()["detail"]


def test_an_unexpected_error_is_a_500_problem_without_traceback_or_personal_data(
    service: Service, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("jeugdige Lotte Bakker, BSN 999900018")

    monkeypatch.setattr(ops, "tenant_report", broken)
    ijw_logging.configure(verbose=True, log_format="json")
    try:
        response = service.client.get("/monitor", headers=service.auth("gemeente:0222"))
    finally:
        ijw_logging.configure()
    assert response.status_code == 500
    assert response.json()["detail"] == "internal error (RuntimeError); the service log has the details"
    captured = capsys.readouterr()
    for text in (response.text, captured.err, captured.out):
        assert "999900018" not in text and "Lotte" not in text and "Traceback" not in text


def test_the_per_message_endpoints_answer_as_the_others(
    service: Service, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """/v1/validate and /v1/messages skip FastAPI's machinery (service.direct): the same headers, problem
    documents and access log as every endpoint, and an unexpected error is a 500 without a traceback."""
    from ijw_gateway.service.routes import messages

    headers = {**XML, **service.auth("gemeente:0202")}
    ijw_logging.configure(verbose=True, log_format="json")
    try:
        good = service.client.post("/v1/validate", content=JW301, headers=headers)
        empty = service.client.post("/v1/messages?direction=sent", content=b"", headers=headers)

        def broken(*_args: Any) -> Any:
            raise RuntimeError("jeugdige Lotte Bakker, BSN 999900018")

        monkeypatch.setattr(messages, "_validate", broken)
        failed = service.client.post("/v1/validate", content=JW301, headers=headers)
    finally:
        ijw_logging.configure()
    assert good.status_code == 200 and good.json()["valid"] is True
    for response in (good, empty, failed):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert empty.status_code == 400 and empty.headers["content-type"] == "application/problem+json"
    assert failed.status_code == 500
    assert failed.json()["detail"] == "internal error (RuntimeError); the service log has the details"
    log = capsys.readouterr().err
    assert '"path": "/v1/validate"' in log and '"path": "/v1/messages"' in log
    assert "999900018" not in log and "Lotte" not in log and "Traceback" not in log


def test_a_slow_request_is_503_and_a_busy_process_says_retry(small: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*_args: Any) -> Any:
        time.sleep(1.0)
        return {}

    monkeypatch.setattr(ops, "tenant_report", slow)
    headers = small.auth("gemeente:0222")
    results: list[Any] = []
    first = threading.Thread(target=lambda: results.append(small.client.get("/monitor", headers=headers)))
    first.start()
    time.sleep(0.1)
    busy = small.client.get("/monitor", headers=headers)  # the one slot is taken for 0.5 s; the queue waits 0.2
    first.join()
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert "busy" in busy.json()["detail"]
    assert results[0].status_code == 503
    assert "longer than 0.5 seconds" in results[0].json()["detail"]
    time.sleep(0.6)  # the slow thread ends; the slot is free again
    assert small.client.get("/healthz").status_code == 200


def test_security_headers_everywhere_and_the_strict_csp_on_monitor(service: Service) -> None:
    for path in ("/healthz", "/v1/status", "/openapi.json"):
        headers = service.client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"
        assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    page = service.client.get("/monitor", headers=service.auth("gemeente:0222"))
    assert page.headers["content-security-policy"] == CSP
    assert f'content="{CSP}"' in page.text
    assert "<script" not in page.text


def test_access_log_names_the_route_and_token_id_never_data_or_the_token(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    token = service.token("gemeente:0222")
    headers = {"Authorization": f"Bearer {token}"}
    body = bepaling_json(BEPALING_01)
    ijw_logging.configure(verbose=True, log_format="json")
    try:
        service.client.post("/v1/cases", json=body, headers=headers)
        service.client.post(f"/v1/cases/{body['kenmerk']}/events", json={"event": "overleg"}, headers=headers)
        service.client.post("/v1/validate", params={"name": "999900018"}, content=JW301, headers={**XML, **headers})
    finally:
        ijw_logging.configure()
    log = capsys.readouterr().err
    assert '"path": "/v1/cases/{case}/events"' in log
    assert token.split("_")[1] in log  # the token's public id
    for secret in (token, token.split("_", 2)[2], body["jeugdige"]["bsn"], "Bakker", "Lotte"):
        assert secret not in log


def test_openapi_describes_every_endpoint_with_its_schemas(service: Service) -> None:
    document = service.client.get("/openapi.json").json()
    paths = document["paths"]
    expected = {"/v1/validate": "post", "/v1/validate/batch": "post", "/v1/map": "post", "/v1/build": "post",
                "/v1/respond": "post", "/v1/cases": "post", "/v1/cases/{case}/events": "post",
                "/v1/messages": "post", "/v1/status": "get", "/v1/report": "get", "/monitor": "get",
                "/healthz": "get", "/readyz": "get"}
    for path, method in expected.items():
        operation = paths[path][method]
        assert operation.get("description") or operation.get("summary"), path
        ok = operation["responses"].get("200") or operation["responses"].get("201")
        assert ok and ok.get("content"), path
        if method == "post":
            assert operation["requestBody"]["content"], path
    schemas = document["components"]["schemas"]
    for name in ("ValidationResult", "Finding", "Built", "Responded", "Status", "Deadline", "Problem", "CaseInfo",
                 "Bepaling"):
        assert name in schemas
    text = json.dumps(document)
    for ref in set(re.findall(r'"#/components/schemas/([^"]+)"', text)):
        assert ref in schemas, ref  # every reference resolves
    assert "hulp" in schemas["Bepaling"]["properties"]
    assert paths["/v1/build"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Bepaling"}


def test_a_json_body_larger_than_a_bepaling_file_may_be_is_413(service: Service) -> None:
    body = bepaling_json(BEPALING_01, commentaar="x" * (1024 * 1024))
    response = service.client.post("/v1/map", json=body, headers=service.auth("gemeente:0222"))
    assert response.status_code == 413
    assert "a bepaling may have" in response.json()["detail"]


def test_lazy_start_up_ijw_validate_loads_no_web_stack() -> None:
    import subprocess
    import sys

    code = ("import sys; from ijw_gateway.cli import main; main(['validate', '--help']); "
            "import ijw_gateway.cli.serve, ijw_gateway.cli.tokens; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_an_invalid_message_is_not_recorded_and_says_why(service: Service) -> None:
    headers = {**XML, **service.auth("gemeente:0202")}
    broken = JW301.replace(b"<jw301:Header>", b"<jw301:Header><jw301:Oeps/>", 1)
    response = service.client.post("/v1/messages", params={"direction": "sent"}, content=broken, headers=headers)
    assert response.status_code == 422
    assert response.json()["status"] == "invalid" and "not a valid iJw message" in response.json()["detail"]
    wrong = service.client.post("/v1/messages", params={"direction": "sideways"}, content=JW301, headers=headers)
    assert wrong.status_code == 400 and "expected 'sent' or 'received'" in wrong.json()["detail"]
    assert service.ledger.counts()["messages"] == 0


def test_a_zip_that_unpacks_over_the_limit_is_413(small: Service) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.xml", b" " * 2_000_000)  # a few kilobytes packed
    assert len(buffer.getvalue()) < 4000
    response = small.client.post("/v1/validate/batch", content=buffer.getvalue(),
                                 headers={"content-type": "application/zip", **small.auth("gemeente:0202")})
    assert response.status_code == 413 and "bomb.xml" in response.json()["detail"]
