"""``/v1/map`` and ``/v1/build``: a bepaling (the bepaling file's fields, as JSON) through the tussentaal."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRouter
from starlette.concurrency import run_in_threadpool

from ijw_gateway.service.auth import authorize, secured
from ijw_gateway.service.bodies import json_body
from ijw_gateway.service.problems import HttpProblem
from ijw_gateway.service.routes.common import Param, day, documented, flag, json_request, ledger, query
from ijw_gateway.service.schemas import PROBLEMS, Built, Mapping
from ijw_gateway.service.tenancy import check_bepaling

router = APIRouter(prefix="/v1", tags=["bepalingen"])


BEPALING_SCHEMA = {"$ref": "#/components/schemas/Bepaling"}
"""The request body of /v1/map, /v1/build and /v1/cases; ``app.openapi_document`` adds the model's schema."""


def parse_bepaling(data: Any) -> Any:
    """The Bepaling of a JSON body; BepalingError (422) listing every problem, as ``ijw map`` does for a file."""
    from ijw_gateway.tussentaal import Bepaling, default_catalog

    return Bepaling.model_validate(data, context={"catalog": default_catalog()})


def _bepaling_body(*params: Param) -> dict[str, Any]:
    return documented(*params, **json_request(
        "A bepaling: the fields of a bepaling file (kenmerk, gecertificeerde_instelling, …, hulp).", BEPALING_SCHEMA))


ALL_REGIONS = Param("all_regions", "Map the bepaling in each of the seven regions.", kind="boolean")
ROUTE = Param("route", "301 or 315 (default: the bepaling's).", choices=("301", "315"))
DAGTEKENING = Param("dagtekening", "The messages' Dagtekening, YYYY-MM-DD (default today).", format="date")
RECORD = Param("record", "Number the toewijzingen from the ledger, open the case and record the messages, as "
                         "`ijw build --ledger` (needs ledger:write).", kind="boolean")


@router.post("/map", response_model=Mapping, responses=PROBLEMS,
             openapi_extra=secured("build", **_bepaling_body(ALL_REGIONS)))
async def map_bepaling(request: Request) -> Any:
    """How each hulp line maps to the responsible region's contract: `ijw map --format json`."""
    from ijw_gateway.tussentaal import default_catalog, map_alle_regios
    from ijw_gateway.tussentaal import map_bepaling as map_one
    from ijw_gateway.tussentaal.mapping import alle_regios_json

    await authorize(request, "build")
    all_regions = flag(request, ALL_REGIONS)
    data = await json_body(request)

    def work() -> JSONResponse:
        bep = parse_bepaling(data)
        catalog = default_catalog()
        if all_regions:
            return JSONResponse(alle_regios_json(bep, map_alle_regios(bep, catalog=catalog), catalog=catalog))
        return JSONResponse(map_one(bep, catalog=catalog).as_json())

    return await run_in_threadpool(work)


@router.post("/build", response_model=Built, responses=PROBLEMS,
             openapi_extra=secured("build", **_bepaling_body(ROUTE, DAGTEKENING, RECORD)))
async def build(request: Request) -> Any:
    """The JW301s (route 301) or JW315s (route 315) of a bepaling, as `ijw build` writes them; a gemeente, its
    region or the GI builds either, a provider only the JW315s of its own hulp lines."""
    from ijw_gateway.tussentaal import default_catalog
    from ijw_gateway.tussentaal.build import bestandsnaam
    from ijw_gateway.workflows.build import build_and_record
    from ijw_gateway.workflows.cases import bepaling_of

    who = await authorize(request, "build")
    route, record = query(request, ROUTE), flag(request, RECORD)
    on = day(query(request, DAGTEKENING), "dagtekening")
    if record and not who.may("ledger:write"):
        raise HttpProblem(403, f"token {who.token.id} of {who.org} does not have the scope ledger:write "
                               "(record=true records in the ledger)")
    data = await json_body(request)
    book = ledger(request) if record else None

    def work() -> JSONResponse:
        bep = bepaling_of(parse_bepaling(data))
        check_bepaling(who.org, bep, route or bep.route)
        if book is not None and who.org.kind == "aanbieder":
            book.case(bep.kenmerk)  # a provider records in a case its GI or gemeente opened; it opens none
        built = build_and_record(bep, None, route=route, dagtekening=on, catalog=default_catalog(), ledger=book)
        return JSONResponse({
            "messages": [{"bericht": m.bericht, "file": bestandsnaam(bep.kenmerk, m.model), "xml":  # type: ignore[arg-type]
                          m.data.decode("utf-8")} for m in built.messages],
            "recorded": [r.as_dict() for r in built.recorded] if built.recorded is not None else None,
        })

    return await run_in_threadpool(work)
