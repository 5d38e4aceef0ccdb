"""``/healthz``, ``/readyz`` and ``/monitor``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRouter
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from ijw_gateway.ledger.facts import AMSTERDAM
from ijw_gateway.service.auth import authorize, secured
from ijw_gateway.service.routes.common import ledger
from ijw_gateway.service.routes.ledger import tenant_report

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process answers (no token needed: load balancers ask)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "The ledger database cannot be reached."}})
async def readyz(request: Request) -> Any:
    """The ledger database answers (no token needed)."""
    book = ledger(request)

    def ping() -> bool:
        try:
            with book.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    if await run_in_threadpool(ping):
        return {"status": "ready"}
    return JSONResponse({"status": "the ledger database cannot be reached"}, status_code=503)


@router.get("/monitor", response_class=HTMLResponse, responses={200: {"content": {"text/html": {}}}},
            openapi_extra=secured("ledger:read"))
async def monitor(request: Request) -> HTMLResponse:
    """The monitor page of the organisation's cases, live from the ledger (the report's HTML and strict CSP)."""
    from ijw_gateway.ledger.report import CSP, render_html

    who = await authorize(request, "ledger:read")
    data = await run_in_threadpool(tenant_report, ledger(request), who, datetime.now(AMSTERDAM).date())
    return HTMLResponse(render_html(data), headers={"Content-Security-Policy": CSP})
