"""What the route modules share: the ledger of the process, query parameters and dates, the OpenAPI bodies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ijw_gateway.dates import parse_date
from ijw_gateway.service.problems import HttpProblem


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


@dataclass(frozen=True)
class Param:
    """A query parameter read by hand (:func:`query`) on the per-message endpoints, where FastAPI's parameter
    resolution cost more than judging a small message; :func:`documented` describes it in the OpenAPI."""

    name: str
    description: str
    required: bool = False
    max_length: int | None = None


def documented(*params: Param, **extra: Any) -> dict[str, Any]:
    """``openapi_extra`` naming ``params`` (as FastAPI's ``Query`` would), merged with ``extra``."""
    described = [{"name": p.name, "in": "query", "required": p.required, "description": p.description,
                  "schema": {"type": "string", **({"maxLength": p.max_length} if p.max_length else {})}}
                 for p in params]
    return {**extra, "parameters": described}


def query(request: Request, param: Param, default: str | None = None) -> str | None:
    """The value of ``param`` in the query string: 400 (one sentence, as for a declared parameter) when a
    required one is missing or a value is too long."""
    # most calls have no query string at all: no QueryParams parsed for them
    value = request.query_params.get(param.name) if request.scope.get("query_string") else None
    if value is None:
        if param.required:
            raise HttpProblem(400, f"{param.name}: Field required")
        return default
    if param.max_length is not None and len(value) > param.max_length:
        raise HttpProblem(400, f"{param.name}: String should have at most {param.max_length} characters")
    return value


T = TypeVar("T")
INLINE_BELOW = 64 * 1024
"""A message smaller than this is judged on the event loop (well under a millisecond); a larger one, and
anything that waits for the database, in the thread pool, so the loop keeps answering."""


async def off_loop(size: int, work: Callable[[], T]) -> T:
    """``work()`` inline for a small body, else in the thread pool."""
    if size < INLINE_BELOW:
        return work()
    return await run_in_threadpool(work)
