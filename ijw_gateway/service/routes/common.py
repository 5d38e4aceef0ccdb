"""What the route modules share: the ledger of the process, dates from queries, the OpenAPI bodies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ijw_gateway.dates import parse_date


def ledger(request: Request) -> Any:
    return request.app.state.ledger


def day(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD query parameter, checked as the CLI checks ``--today`` (the same sentence)."""
    return parse_date(value, name)


def xml_request(description: str) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description, "content": {
        "application/xml": {"schema": {"type": "string", "format": "binary"}}}}}


def json_request(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}


T = TypeVar("T")
INLINE_BELOW = 64 * 1024
"""A message smaller than this is judged on the event loop (well under a millisecond); a larger one, and
anything that waits for the database, in the thread pool, so the loop keeps answering."""


async def off_loop(size: int, work: Callable[[], T]) -> T:
    """``work()`` inline for a small body, else in the thread pool."""
    if size < INLINE_BELOW:
        return work()
    return await run_in_threadpool(work)
