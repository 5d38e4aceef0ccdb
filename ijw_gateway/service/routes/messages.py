"""``/v1/validate``, ``/v1/validate/batch`` and ``/v1/respond``: a message judged and answered as the CLI does."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from ijw_gateway.service.auth import authorize, secured
from ijw_gateway.service.bodies import expect, xml_body
from ijw_gateway.service.problems import HttpProblem
from ijw_gateway.service.routes.common import Param, day, documented, ledger, off_loop, query, xml_request
from ijw_gateway.service.schemas import PROBLEMS, BatchLine, Responded, ValidationResult
from ijw_gateway.service.tenancy import header_parties, party_codes

router = APIRouter(prefix="/v1", tags=["messages"])
MAX_BATCH_MESSAGES = 10_000


def _validate(sources: list[Any], today: Any) -> Iterator[Any]:
    """What ``ijw validate`` does with these sources (TR056 within them, in order), in this process."""
    from ijw_gateway.validation.batch import BatchOptions, run

    return run(sources, BatchOptions(today=today), workers=1)


TODAY = Param("today", "The system date for date rules such as TR135, YYYY-MM-DD.", format="date")
RESPOND_TODAY = Param("today", "The system date (DagtekeningRetour, TR135), YYYY-MM-DD.", format="date")
NAME = Param("name", "The name the result gives the message (`file`); default `<request>`.", max_length=200)


@router.post("/validate", response_model=ValidationResult, responses=PROBLEMS,
             openapi_extra=secured("validate", **documented(TODAY, NAME, **xml_request("One iJw 3.2 message."))))
async def validate(request: Request) -> Any:
    """Validate one message: the same object as one entry of `ijw validate --format json`."""
    from ijw_gateway.validation.batch import Source
    from ijw_gateway.validation.output import json_entry

    await authorize(request, "validate")
    today, name = query(request, TODAY), query(request, NAME, "<request>")
    data = await xml_body(request)
    on = day(today, "today")
    report = await off_loop(len(data), lambda: next(iter(_validate([Source(name, data=data)], on))))
    return JSONResponse(json_entry(report))


async def _batch_sources(request: Request) -> list[Any]:
    from ijw_gateway.validation.batch import Source

    kind = expect(request, ("multipart/form-data", "application/zip"))
    sources: list[Any] = []
    if kind == "application/zip":
        data = await request.body()
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [m for m in archive.infolist() if not m.is_dir()]
        except (zipfile.BadZipFile, ValueError):
            raise HttpProblem(400, "the body is not a readable zip archive") from None
        limit = request.app.state.settings.max_body_bytes
        if len(members) > MAX_BATCH_MESSAGES:
            raise HttpProblem(413, f"the archive holds {len(members):,} files, more than {MAX_BATCH_MESSAGES:,}")
        total = 0
        for member in members:  # sizes read as declared, then bounded while reading (a zip bomb stops there)
            with archive.open(member) as handle:
                content = handle.read(limit + 1)
            total += len(content)
            if len(content) > limit or total > request.app.state.settings.max_batch_bytes:
                raise HttpProblem(413, f"{member.filename}: unpacked, the archive is larger than the limit")
            sources.append(Source(member.filename, data=content))
    else:
        form = await request.form(max_files=MAX_BATCH_MESSAGES, max_fields=100)
        for key, value in form.multi_items():
            if isinstance(value, str):
                continue
            sources.append(Source(value.filename or key, data=await value.read()))
    if not sources:
        raise HttpProblem(400, "the body holds no messages; send them as files of multipart/form-data or a zip")
    return sources


@router.post("/validate/batch", responses={**PROBLEMS, 200: {"content": {"application/x-ndjson": {
    "schema": BatchLine.model_json_schema()}}, "description": "One JSON line per message, in order; last the "
    "summary."}}, openapi_extra=secured("validate", **documented(TODAY, **{"requestBody": {"required": True,
        "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"files": {
            "type": "array", "items": {"type": "string", "format": "binary"}}}}},
        "application/zip": {"schema": {"type": "string", "format": "binary"}}}}})))
async def validate_batch(request: Request) -> StreamingResponse:
    """Validate several messages (files of a multipart form, or a zip): the results stream as NDJSON, in order,
    with TR056 judged across them as `ijw validate` does; the last line is the summary."""
    from ijw_gateway.validation.output import Summary, json_entry

    await authorize(request, "validate")
    on = day(query(request, TODAY), "today")
    sources = await _batch_sources(request)

    def lines() -> Iterator[bytes]:
        summary = Summary()
        for report in _validate(sources, on):
            summary.add(report)
            yield json.dumps({"result": json_entry(report)}, ensure_ascii=False).encode() + b"\n"
        yield json.dumps({"summary": summary.as_json()}).encode() + b"\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson")


def message_dict(message: Any, file: str | None = None) -> dict[str, Any]:
    return {"bericht": message.bericht, "file": file, "xml": message.data.decode("utf-8")}


@router.post("/respond", response_model=Responded, responses=PROBLEMS,
             openapi_extra=secured("respond", **documented(RESPOND_TODAY, **xml_request(
                 "A received iJw message, addressed to the token's organisation."))))
async def respond(request: Request) -> Any:
    """Answer a received message as `ijw respond --ledger` does: the retourbericht and, on a valid JW315, the
    gemeente's JW301/JW319 decisions; TR056 is judged against the ledger, toewijzingen are numbered from it and
    the message is recorded with its answers (when it belongs to a case)."""
    from ijw_gateway.validation.batch import BatchOptions, context_for
    from ijw_gateway.validation.output import json_entry
    from ijw_gateway.validation.validator import SeenIdentificaties, check
    from ijw_gateway.workflows.respond import respond_checked

    who = await authorize(request, "respond")
    on = day(query(request, RESPOND_TODAY), "today")
    data = await xml_body(request)
    book = ledger(request)

    def work() -> JSONResponse:
        parties = header_parties(data)
        if parties is not None and parties[1] not in party_codes(who.org):
            raise HttpProblem(403, f"this message is addressed to {parties[1]}, not to {who.org}; a message is "
                                   "answered by its Ontvanger")
        context = replace(context_for(BatchOptions(today=on)), seen=SeenIdentificaties(register=book))
        received = check(data, context, file="<request>")
        answered, recorded = respond_checked(received, context, ledger=book)
        return JSONResponse({
            "report": json_entry(answered.report),
            "retour": message_dict(answered.retour) if answered.retour is not None else None,
            "why_no_retour": answered.why_no_retour,
            "besluit": [message_dict(m) for m in answered.besluit],
            "ledger": [r.as_dict() for r in recorded] if recorded is not None else None,
        })

    return await run_in_threadpool(work)

