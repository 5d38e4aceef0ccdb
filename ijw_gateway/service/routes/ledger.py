"""The ledger over HTTP: open cases, record events and messages, read the status and the report — each
confined to the token's organisation (``tenancy``)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRouter
from starlette.concurrency import run_in_threadpool

from ijw_gateway.ledger.facts import AMSTERDAM
from ijw_gateway.service.auth import Principal, authorize, secured
from ijw_gateway.service.bodies import json_body, xml_body
from ijw_gateway.service.problems import HttpProblem
from ijw_gateway.service.routes.bepaling import BEPALING_SCHEMA, parse_bepaling
from ijw_gateway.service.routes.common import (
    Param,
    day,
    documented,
    flag,
    json_request,
    ledger,
    number,
    query,
    xml_request,
)
from ijw_gateway.service.schemas import PROBLEMS, CaseInfo, Event, EventResult, IngestResult, Status
from ijw_gateway.service.tenancy import check_bepaling, check_case, check_party, header_parties, visible_cases
from ijw_gateway.validation.output import not_valid_sentence

router = APIRouter(prefix="/v1", tags=["ledger"])

INGEST_STATUS = {"recorded": 201, "duplicate": 200, "conflict": 409, "invalid": 422, "unlinked": 422}


def _moment(value: str | None, name: str) -> Any:
    from ijw_gateway.dates import parse_moment

    return parse_moment(value, name)


AT = Param("at", "When the bepaling was voorgenomen: a date and time, or a date YYYY-MM-DD (default now).",
           format="date-time")


@router.post("/cases", response_model=CaseInfo, status_code=201, responses={**PROBLEMS, 200: {
    "model": CaseInfo, "description": "The case was open already; nothing changed."}},
    openapi_extra=secured("ledger:write", **documented(AT, **json_request(
        "A bepaling (the fields of a bepaling file); its kenmerk is the case id.", BEPALING_SCHEMA))))
async def open_case(request: Request) -> Any:
    """Open the case of a bepaling, as `ijw ledger open`; opening it again changes nothing (200)."""
    who = await authorize(request, "ledger:write")
    moment = _moment(query(request, AT), "at")
    data = await json_body(request)
    book = ledger(request)

    def work() -> JSONResponse:
        bep = parse_bepaling(data)
        check_bepaling(who.org, bep, "case")
        info = book.open(bep, at=moment)
        return JSONResponse(info.as_dict(), status_code=201 if info.created else 200)

    return await run_in_threadpool(work)


IDEMPOTENCY_KEY = Param("Idempotency-Key", "A client's key for this request: a retry with the same key gets the "
                        "first answer.", max_length=200, location="header")


@router.post("/cases/{case}/events", response_model=EventResult, status_code=201, responses={**PROBLEMS, 200: {
    "model": EventResult, "description": "Recorded before (the same event on the same day, or the same "
    "Idempotency-Key)."}, 404: {"description": "No such case for this organisation."},
    409: {"description": "The Idempotency-Key was used for another request."}},
    openapi_extra=secured("ledger:write", **documented(IDEMPOTENCY_KEY, **json_request(
        "The route event.", Event.model_json_schema()))))
async def record_event(request: Request, case: str) -> Any:
    """Record a route event of a case, as `ijw ledger record`; the same event on the same day records once."""
    from ijw_gateway.ledger.tokens import remember, remembered

    who = await authorize(request, "ledger:write")
    idempotency_key = query(request, IDEMPOTENCY_KEY)
    data = await json_body(request)
    if not isinstance(data, dict) or not isinstance(data.get("event"), str) or set(data) - {"event", "at"}:
        raise HttpProblem(400, 'the body must be {"event": NAME, "at": DATETIME (optional)}')
    at = data.get("at")
    if at is not None and not isinstance(at, str):
        raise HttpProblem(400, "at: expected YYYY-MM-DD or an ISO date and time as text")
    book = ledger(request)
    fingerprint = hashlib.sha256(json.dumps([case, data], sort_keys=True).encode()).hexdigest()

    def work() -> JSONResponse:
        if idempotency_key is not None:
            before = remembered(book, who.token.id, idempotency_key)
            if before is not None:
                return _replay(before, fingerprint)
        check_case(book, who.org, case)
        moment = _moment(at, "at") if at is not None else datetime.now(AMSTERDAM)
        result = book.record(case, data["event"], at=moment)
        status, body = (201 if result.created else 200), json.dumps(result.as_dict())
        if idempotency_key is not None:  # another process may have answered first: its answer stands
            return _replay(remember(book, who.token.id, idempotency_key, fingerprint, status, body), fingerprint)
        return JSONResponse(result.as_dict(), status_code=status)

    return await run_in_threadpool(work)


def _replay(before: tuple[str, int, str], fingerprint: str) -> JSONResponse:
    request_hash, status, body = before
    if request_hash != fingerprint:
        raise HttpProblem(409, "this Idempotency-Key was used for another request; use a new key for a new request")
    return JSONResponse(json.loads(body), status_code=status)


DIRECTION = Param("direction", "sent or received, from the token's organisation's side.", required=True,
                  choices=("sent", "received"))


@router.post("/messages", response_model=IngestResult, status_code=201, responses={**PROBLEMS, 200: {
    "model": IngestResult, "description": "Recorded before (a retry): nothing changed."},
    409: {"model": IngestResult, "description": "Another message under this sender, type and identificatie."}},
    openapi_extra=secured("ledger:write", **documented(DIRECTION, **xml_request(
        "An iJw message the token's organisation sent or received."))))
async def ingest(request: Request) -> Any:
    """Record a message, linked to its case, as `ijw ledger ingest`; the same message twice records once."""
    from ijw_gateway.ledger.ledger import IngestResult as Result
    from ijw_gateway.validation.validator import ValidationContext, check

    who = await authorize(request, "ledger:write")
    direction = query(request, DIRECTION)
    data = await xml_body(request)
    book = ledger(request)

    def work() -> JSONResponse:
        parties = header_parties(data)
        if parties is not None:
            check_party(who.org, *parties, direction)
        checked = check(data, ValidationContext(rules=False))
        if checked.model is None:
            detail = not_valid_sentence(checked.report.findings)
            result = Result(source="<request>", status="invalid", berichttype=checked.bericht, detail=detail)
        elif parties is None:
            raise HttpProblem(400, "the message has no Header with Afzender and Ontvanger")
        else:
            result = book.record_checked([(checked, direction)])[0]
        return JSONResponse(result.as_dict(), status_code=INGEST_STATUS[result.status])

    return await run_in_threadpool(work)


def _visible_status(book: Any, who: Principal, case: str | None, today: Any, overdue: bool,
                    due_within: int | None) -> list[Any]:
    if case is not None:
        check_case(book, who.org, case)
        return book.status(case, today=today, overdue=overdue, due_within=due_within)  # type: ignore[no-any-return]
    mine = visible_cases(book, who.org)
    return [d for d in book.status(today=today, overdue=overdue, due_within=due_within) if d.case in mine]


def _today(value: str | None) -> Any:
    return day(value, "today") or datetime.now(AMSTERDAM).date()


CASE = Param("case", "Only this case.")
OVERDUE = Param("overdue", "Only overdue deadlines.", kind="boolean")
DUE_WITHIN = Param("due_within", "Only open deadlines due within N werkdagen.", kind="integer")
TODAY = Param("today", "The date to judge on, YYYY-MM-DD (default today).", format="date")
FORMAT = Param("format", "json (default) or html.", choices=("json", "html"))


@router.get("/status", response_model=Status, responses=PROBLEMS,
            openapi_extra=secured("ledger:read", **documented(CASE, OVERDUE, DUE_WITHIN, TODAY)))
async def status(request: Request) -> Any:
    """The deadlines of the organisation's cases: `ijw ledger status --format json`, with its filters."""
    who = await authorize(request, "ledger:read")
    case, overdue, due_within = query(request, CASE), flag(request, OVERDUE), number(request, DUE_WITHIN)
    on = _today(query(request, TODAY))
    book = ledger(request)

    def work() -> JSONResponse:
        deadlines = _visible_status(book, who, case, on, overdue, due_within)
        return JSONResponse({"today": on.isoformat(), "deadlines": [d.model_dump(mode="json") for d in deadlines]})

    return await run_in_threadpool(work)


def tenant_report(book: Any, who: Principal, on: Any) -> dict[str, Any]:
    """``ijw ledger report``'s data over the organisation's cases only."""
    from ijw_gateway.ledger.report import build_report

    mine = visible_cases(book, who.org)
    cases = [c for c in book.cases() if c.case in mine]
    deadlines = [d for d in book.status(today=on) if d.case in mine]
    return build_report(cases, deadlines, today=on, calendar=book.calendar, definitions=book.definitions)


@router.get("/report", responses={**PROBLEMS, 200: {"content": {"application/json": {}, "text/html": {}},
                                                    "description": "The monitor report."}},
            openapi_extra=secured("ledger:read", **documented(FORMAT, TODAY)))
async def report(request: Request) -> Response:
    """The monitor report of the organisation's cases: `ijw ledger report --format json|html`."""
    from ijw_gateway.ledger.report import CSP, render_html

    who = await authorize(request, "ledger:read")
    format = query(request, FORMAT, "json")
    on = _today(query(request, TODAY))
    data = await run_in_threadpool(tenant_report, ledger(request), who, on)
    if format == "json":
        return JSONResponse(data)
    return HTMLResponse(render_html(data), headers={"Content-Security-Policy": CSP})
