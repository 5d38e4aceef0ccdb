"""Every endpoint refuses every kind of wrong token, and every ledger read and write stays within the
token's organisation: a gemeente, a region, a GI and a provider each see their own cases only."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from ijw_gateway.ledger.store import transaction
from ijw_gateway.ledger.tokens import SCOPES, TOKEN_TABLE, create_token, revoke_token
from ijw_gateway.service.orgs import parse_org
from tests.service.conftest import BEPALING_01, EXAMPLES, Service, bepaling_json

BEPALING_03 = EXAMPLES / "bepalingen" / "03-foodvalley-ede-301.yaml"  # gemeente 0228, WSS, 42420002 + 42423001
CASE_A = "JBG-2026-000101"
JW301 = (EXAMPLES / "berichten" / "jw301-toewijzing.xml").read_bytes()  # from gemeente 0202 to 99100001
JW315 = (EXAMPLES / "berichten" / "jw315-verzoek-om-toewijzing.xml").read_bytes()  # from 99100001 to 0202


BUILT: list[bytes] = []  # the JW301s of case A as recorded (two_cases)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.xml", JW301)
    return buffer.getvalue()


XML, JSON, ZIP = "application/xml", "application/json", "application/zip"
# (method, path, scope, content type, body)
ENDPOINTS = [
    ("POST", "/v1/validate", "validate", XML, JW301),
    ("POST", "/v1/validate/batch", "validate", ZIP, _zip()),
    ("POST", "/v1/map", "build", JSON, None),
    ("POST", "/v1/build", "build", JSON, None),
    ("POST", "/v1/respond", "respond", XML, JW315),
    ("POST", "/v1/cases", "ledger:write", JSON, None),
    ("POST", f"/v1/cases/{CASE_A}/events", "ledger:write", JSON, b'{"event": "overleg"}'),
    ("POST", "/v1/messages?direction=sent", "ledger:write", XML, JW301),
    ("GET", "/v1/status", "ledger:read", None, None),
    ("GET", "/v1/report", "ledger:read", None, None),
    ("GET", "/monitor", "ledger:read", None, None),
]


def _call(service: Service, endpoint: tuple, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    method, path, _scope, kind, body = endpoint
    if body is None and kind == JSON:
        import json

        body = json.dumps(bepaling_json(BEPALING_01)).encode()
    extra = {"content-type": kind} if kind else {}
    return service.client.request(method, path, content=body, headers={**extra, **headers})


def _wrong_tokens(service: Service) -> dict[str, dict[str, str]]:
    revoked, token = create_token(service.ledger, parse_org("gemeente:0222"), SCOPES)
    revoke_token(service.ledger, token.id)
    expired, old = create_token(service.ledger, parse_org("gemeente:0222"), SCOPES)
    with transaction(service.ledger.engine, service.ledger.url) as conn:
        conn.execute(update(TOKEN_TABLE).where(TOKEN_TABLE.c.id == old.id)
                     .values(expires_on=date.today() - timedelta(days=1)))
    unknown = "ijw_0123456789ab_" + "A" * 43
    return {
        "missing": {},
        "not bearer": {"Authorization": f"Basic {unknown}"},
        "malformed": {"Authorization": "Bearer hello"},
        "unknown": {"Authorization": f"Bearer {unknown}"},
        "revoked": {"Authorization": f"Bearer {revoked}"},
        "expired": {"Authorization": f"Bearer {expired}"},
    }


def test_every_endpoint_refuses_every_wrong_token_and_writes_nothing(service: Service) -> None:
    wrong = _wrong_tokens(service)
    before = service.ledger.counts()
    for endpoint in ENDPOINTS:
        for why, headers in wrong.items():
            response = _call(service, endpoint, headers)
            assert response.status_code == 401, (endpoint[1], why, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"].startswith("Bearer")
            token = headers.get("Authorization", "").partition(" ")[2]
            assert not token or token not in response.text
        others = tuple(s for s in SCOPES if s != endpoint[2])
        response = _call(service, endpoint, service.auth("gemeente:0222", others))
        assert response.status_code == 403, (endpoint[1], response.text)
        assert endpoint[2] in response.json()["detail"]
    assert service.ledger.counts() == before


def _refused_value(parameter: dict[str, Any]) -> str | None:
    """A value the parameter's OpenAPI schema refuses, or None when its schema refuses no value."""
    schema = parameter["schema"]
    if schema.get("type") == "boolean":
        return "maybe"
    if schema.get("type") == "integer":
        return "abc"
    if "enum" in schema:
        return "bogus"
    if "maxLength" in schema:
        return "x" * (schema["maxLength"] + 1)
    if schema.get("format") in ("date", "date-time"):
        return "2026-13-45"
    return None


BROKEN_BODY = {XML: b"", JSON: b'{"kenmerk": ', ZIP: b"PK not a zip"}


def _bad_requests(operation: dict[str, Any], endpoint: tuple) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[type-arg]
    """Each way the OpenAPI says ``endpoint`` can be asked wrongly: one parameter refused (or a required one left
    out), the body of another type or broken; each as (what, the request's arguments but the token)."""
    method, path, _scope, kind, body = endpoint
    url = httpx.URL(path)
    if body is None and kind == JSON:
        body = json.dumps(bepaling_json(BEPALING_01)).encode()
    base = {"params": dict(url.params), "headers": {"content-type": kind} if kind else {}, "content": body}
    bad: list[tuple[str, dict[str, Any]]] = []
    for parameter in operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        if where == "path":
            continue
        value = _refused_value(parameter)
        if value is not None:
            target = "params" if where == "query" else "headers"
            bad.append((name, {**base, target: {**base[target], name: value}}))
        if parameter["required"]:
            bad.append((name, {**base, "params": {k: v for k, v in base["params"].items() if k != name}}))
    if method == "POST":
        bad.append(("content-type", {**base, "headers": {"content-type": "text/plain"}}))
        bad.append(("body", {**base, "content": BROKEN_BODY[kind]}))
    return [(what, {**request, "url": str(url.copy_with(query=None))}) for what, request in bad]


def test_the_token_is_judged_before_any_query_header_or_body(service: Service) -> None:
    """Whatever else a request gets wrong, without a token it is the one 401 of any request without a token and,
    with a token lacking the scope, 403: a caller learns nothing of an endpoint's parameters before its token is
    judged. With a right token each of these requests is refused (a 400 naming the parameter), and none writes."""
    document = service.client.get("/openapi.json").json()
    secured = {(m.upper(), p) for p, ops in document["paths"].items() for m, op in ops.items() if "security" in op}
    endpoints = {(e[0], httpx.URL(e[1]).path.replace(CASE_A, "{case}")): e for e in ENDPOINTS}
    assert secured == set(endpoints)  # a new endpoint is asked here too
    unknown = {"Authorization": "Bearer ijw_0123456789ab_" + "A" * 43}
    who_are_you = service.client.get("/v1/status").json()
    before = service.ledger.counts()
    asked = 0
    for (method, template), endpoint in sorted(endpoints.items()):
        operation = document["paths"][template][method.lower()]
        bad = _bad_requests(operation, endpoint)
        if operation.get("parameters") or "requestBody" in operation:
            assert bad, template
        lacking = service.auth("gemeente:0222", tuple(s for s in SCOPES if s != endpoint[2]))
        for what, request in bad:
            def send(token: dict[str, str], method: str = method, request: dict[str, Any] = request) -> httpx.Response:
                return service.client.request(method, request["url"], params=request["params"],
                                              content=request["content"], headers={**request["headers"], **token})

            for token in ({}, unknown):
                response = send(token)
                assert response.status_code == 401, (template, what, response.text)
                assert response.headers["www-authenticate"].startswith("Bearer")
                if not token:
                    assert response.json() == who_are_you, (template, what)
            response = send(lacking)
            assert response.status_code == 403, (template, what, response.text)
            assert endpoint[2] in response.json()["detail"]
            right = send(service.auth("gemeente:0222"))
            assert right.status_code in (400, 415), (template, what, right.text)
            assert right.headers["content-type"] == "application/problem+json"
            if what not in ("content-type", "body"):
                assert right.json()["detail"].startswith(what), (template, what, right.text)
            asked += 1
    assert asked >= 30
    assert service.ledger.counts() == before


def test_an_endpoint_that_lets_fastapi_validate_before_the_token_is_refused_at_start() -> None:
    from fastapi import APIRouter, Query, Request

    from ijw_gateway.service.app import check_token_first
    from ijw_gateway.service.auth import secured

    router = APIRouter()

    @router.get("/v1/things/{thing}", openapi_extra=secured("ledger:read"))
    async def things(request: Request, thing: str, limit: int = Query(10)) -> None: ...

    with pytest.raises(TypeError, match=r"/v1/things/\{thing\}: limit would be validated before the token"):
        check_token_first(router.routes)


def test_health_and_openapi_need_no_token(service: Service) -> None:
    assert service.client.get("/healthz").json() == {"status": "ok"}
    assert service.client.get("/readyz").json() == {"status": "ready"}
    assert service.client.get("/openapi.json").status_code == 200
    assert service.client.get("/docs").status_code == 200


@pytest.fixture
def two_cases(service: Service) -> tuple[str, str]:
    """Case A of gemeente 0222 (JBG), built and recorded (JW301s to 42420001, 42421002); B of 0228 (WSS), opened."""
    a = service.client.post("/v1/build", params={"record": True, "dagtekening": "2026-03-06"},
                            json=bepaling_json(BEPALING_01), headers=service.auth("gemeente:0222"))
    assert a.status_code == 200, a.text
    assert [r["status"] for r in a.json()["recorded"]] == ["recorded", "recorded"]
    body_b = bepaling_json(BEPALING_03)
    b = service.client.post("/v1/cases", json=body_b, headers=service.auth("gi:WSS"))
    assert b.status_code == 201, b.text
    BUILT[:] = [m["xml"].encode() for m in a.json()["messages"]]
    return CASE_A, body_b["kenmerk"]


@pytest.mark.parametrize(("org", "sees"), [
    ("gemeente:0222", "A"), ("gemeente:0228", "B"), ("gemeente:0202", ""),
    ("regio:Achterhoek", "A"), ("regio:FoodValley", "B"), ("regio:Rivierenland", ""),
    ("gi:JBG", "A"), ("gi:WSS", "B"), ("gi:LDH", ""),
    ("aanbieder:42420001", "A"), ("aanbieder:42421002", "A"), ("aanbieder:42420002", ""),
])
def test_status_report_and_monitor_show_only_the_organisations_cases(
    service: Service, two_cases: tuple[str, str], org: str, sees: str
) -> None:
    a, b = two_cases
    expected = {"A": {a}, "B": {b}, "": set()}[sees]
    headers = service.auth(org)
    status = service.client.get("/v1/status", params={"today": "2026-09-02"}, headers=headers)
    assert status.status_code == 200
    assert {d["case"] for d in status.json()["deadlines"]} == expected
    report = service.client.get("/v1/report", params={"today": "2026-09-02"}, headers=headers).json()
    assert report["summary"]["cases"] == len(expected)
    page = service.client.get("/monitor", headers=headers).text
    for case in {a, b} - expected:  # another's case does not exist for this organisation
        assert case not in page
        one = service.client.get("/v1/status", params={"case": case}, headers=headers)
        assert one.status_code == 404, one.text
        event = service.client.post(f"/v1/cases/{case}/events", json={"event": "overleg"}, headers=headers)
        assert event.status_code == 404
    for case in expected:
        assert service.client.get("/v1/status", params={"case": case}, headers=headers).status_code == 200


def test_no_one_writes_for_another(service: Service, two_cases: tuple[str, str]) -> None:
    a, _b = two_cases
    before = service.ledger.counts()
    bep_a = bepaling_json(BEPALING_01)
    # a provider cannot build a JW301, nor a JW315 naming another provider's lines, nor open a case
    for route in ("301", "315"):
        refused = service.client.post("/v1/build", params={"route": route}, json=bep_a,
                                      headers=service.auth("aanbieder:42420001"))
        assert refused.status_code == 403, refused.text
    assert service.client.post("/v1/cases", json=bep_a, headers=service.auth("aanbieder:42420001")).status_code == 403
    # another gemeente, region or GI neither
    for org in ("gemeente:0228", "regio:FoodValley", "gi:WSS"):
        assert service.client.post("/v1/build", json=bep_a, headers=service.auth(org)).status_code == 403
        assert service.client.post("/v1/cases", json=bep_a, headers=service.auth(org)).status_code == 403
    # a message is recorded by its Afzender (sent) or Ontvanger (received) only
    jw301 = BUILT[0]  # from 0222 to 42420001
    xml = {"content-type": "application/xml"}
    for org, direction in (("gemeente:0228", "sent"), ("aanbieder:42421002", "received"),
                           ("aanbieder:42420001", "sent")):
        refused = service.client.post("/v1/messages", params={"direction": direction}, content=jw301,
                                      headers={**xml, **service.auth(org)})
        assert refused.status_code == 403, (org, refused.text)
    assert service.ledger.counts() == before
    # its receiver may record it: it is the message the gemeente recorded already
    again = service.client.post("/v1/messages", params={"direction": "received"}, content=jw301,
                                headers={**xml, **service.auth("aanbieder:42420001")})
    assert again.status_code == 200 and again.json()["status"] == "duplicate", again.text
    assert again.json()["case"] == a


def test_a_provider_builds_the_jw315s_of_its_own_lines(service: Service) -> None:
    body = bepaling_json(BEPALING_01, route="315")
    body["hulp"] = [h for h in body["hulp"] if h["aanbieder"] == "42420001"]
    built = service.client.post("/v1/build", json=body, headers=service.auth("aanbieder:42420001"))
    assert built.status_code == 200, built.text
    assert [m["bericht"] for m in built.json()["messages"]] == ["JW315"]


def test_respond_only_by_the_ontvanger_and_a_refusal_notes_no_identificatie(service: Service) -> None:
    xml = {"content-type": "application/xml"}
    refused = service.client.post("/v1/respond", content=JW315, headers={**xml, **service.auth("gemeente:0222")})
    assert refused.status_code == 403
    answered = service.client.post("/v1/respond", params={"today": "2026-05-04"}, content=JW315,
                                   headers={**xml, **service.auth("gemeente:0202")})
    assert answered.status_code == 200
    rules = [f["rule"] for f in answered.json()["report"]["findings"]]
    assert "TR056" not in rules  # the refused request did not claim its Identificatie
    assert answered.json()["retour"]["bericht"] == "JW316"
    again = service.client.post("/v1/respond", params={"today": "2026-05-04"}, content=JW315,
                                headers={**xml, **service.auth("gemeente:0202")})
    assert "TR056" not in [f["rule"] for f in again.json()["report"]["findings"]]  # the same message: no duplicate


def test_same_message_and_event_twice_record_once(service: Service, two_cases: tuple[str, str]) -> None:
    a, _ = two_cases
    headers = service.auth("gemeente:0222")
    counts = service.ledger.counts()
    first = service.client.post(f"/v1/cases/{a}/events", json={"event": "overleg", "at": "2026-02-25"},
                                headers={**headers, "Idempotency-Key": "k1"})
    assert first.status_code == 201
    retry = service.client.post(f"/v1/cases/{a}/events", json={"event": "overleg", "at": "2026-02-25"},
                                headers={**headers, "Idempotency-Key": "k1"})
    assert (retry.status_code, retry.json()) == (201, first.json())
    reused = service.client.post(f"/v1/cases/{a}/events", json={"event": "bepaling_vastgesteld"},
                                 headers={**headers, "Idempotency-Key": "k1"})
    assert reused.status_code == 409
    plain = service.client.post(f"/v1/cases/{a}/events", json={"event": "overleg", "at": "2026-02-25"},
                                headers=headers)
    assert plain.status_code == 200 and plain.json()["created"] is False
    assert service.ledger.counts()["events"] == counts["events"] + 1
    other = service.client.post(f"/v1/cases/{a}/events", json={"event": "overleg", "at": "2026-02-25"},
                                headers={**service.auth("gi:JBG"), "Idempotency-Key": "k1"})
    assert other.status_code == 200  # keys are per token: another token's k1 is another request


def test_a_revoked_token_is_refused_within_the_cache_time(ledger_url: str) -> None:
    import time

    from tests.service.conftest import make_service

    for seconds in (0.0, 0.5):
        for service in make_service(ledger_url, token_cache_seconds=seconds):
            secret, token = create_token(service.ledger, parse_org("gi:JBG"), SCOPES)
            headers = {"Authorization": f"Bearer {secret}"}
            assert service.client.get("/v1/status", headers=headers).status_code == 200
            revoke_token(service.ledger, token.id)
            if seconds:
                assert service.client.get("/v1/status", headers=headers).status_code == 200  # trusted a while
                time.sleep(seconds + 0.1)
            refused = service.client.get("/v1/status", headers=headers)
            assert refused.status_code == 401 and f"token {token.id} was revoked" in refused.json()["detail"]


def test_a_provider_records_its_jw315s_only_in_a_case_opened_for_it(service: Service) -> None:
    body = bepaling_json(BEPALING_01, route="315")
    body["hulp"] = [h for h in body["hulp"] if h["aanbieder"] == "42420001"]
    headers = service.auth("aanbieder:42420001")
    refused = service.client.post("/v1/build", params={"record": True}, json=body, headers=headers)
    assert refused.status_code == 409 and "open it first" in refused.json()["detail"]
    assert service.ledger.counts()["cases"] == 0
    assert service.client.post("/v1/cases", json=body, headers=service.auth("gi:JBG")).status_code == 201
    built = service.client.post("/v1/build", params={"record": True}, json=body, headers=headers)
    assert built.status_code == 200, built.text
    assert [r["status"] for r in built.json()["recorded"]] == ["recorded"]
    status = service.client.get("/v1/status", headers=headers).json()
    assert {d["case"] for d in status["deadlines"]} == {body["kenmerk"]}


def test_the_status_filters_mean_what_the_ledgers_do(service: Service, two_cases: tuple[str, str]) -> None:
    """The parameters read by hand are understood as FastAPI understood them (true/1, whole numbers)."""
    on = date(2026, 3, 9)  # case A's JW301s are of 2026-03-06: one deadline overdue, others open
    seen = []
    for params in ({}, {"overdue": "true"}, {"overdue": "1", "due_within": "3"}, {"due_within": "20"},
                   {"overdue": "false", "case": CASE_A}):
        response = service.client.get("/v1/status", params={**params, "today": on.isoformat()},
                                      headers=service.auth("gemeente:0222"))
        assert response.status_code == 200, response.text
        expected = service.ledger.status(params.get("case"), today=on, overdue=params.get("overdue") in ("true", "1"),
                                         due_within=int(params["due_within"]) if "due_within" in params else None)
        assert response.json()["deadlines"] == [d.model_dump(mode="json") for d in expected if d.case == CASE_A]
        seen.append(len(expected))
    assert seen[1] < seen[2] < seen[0]  # the filters were applied, not ignored
