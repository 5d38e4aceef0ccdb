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
    """A query (or header) parameter, read by hand with :func:`query`, :func:`flag` or :func:`number` after
    ``authorize`` has judged the token: no endpoint declares its parameters to FastAPI, which would validate
    them before the token (an unauthenticated caller must learn only "who are you"); :func:`documented`
    describes them in the OpenAPI as FastAPI's ``Query`` would."""

    name: str
    description: str
    required: bool = False
    max_length: int | None = None
    kind: str = "string"
    """The OpenAPI type: string, boolean (:func:`flag`) or integer (:func:`number`)."""
    choices: tuple[str, ...] = ()
    format: str | None = None
    """The OpenAPI format of a string (date, date-time); its value is checked where it is parsed."""
    location: str = "query"

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": self.kind}
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.format is not None:
            schema["format"] = self.format
        return schema


def documented(*params: Param, **extra: Any) -> dict[str, Any]:
    """``openapi_extra`` naming ``params`` (as FastAPI's ``Query`` would), merged with ``extra``."""
    described = [{"name": p.name, "in": p.location, "required": p.required, "description": p.description,
                  "schema": p.schema()} for p in params]
    return {**extra, "parameters": described}


def _raw(request: Request, param: Param) -> str | None:
    if param.location == "header":
        return request.headers.get(param.name)
    # most calls have no query string at all: no QueryParams parsed for them
    return request.query_params.get(param.name) if request.scope.get("query_string") else None


def query(request: Request, param: Param, default: str | None = None) -> str | None:
    """The value of ``param``: 400 (one sentence naming it) when a required one is missing, a value is too long
    or not one of its choices."""
    value = _raw(request, param)
    if value is None:
        if param.required:
            raise HttpProblem(400, f"{param.name}: Field required")
        return default
    if param.max_length is not None and len(value) > param.max_length:
        raise HttpProblem(400, f"{param.name}: String should have at most {param.max_length} characters")
    if param.choices and value not in param.choices:
        expected = " or ".join(f"'{c}'" for c in param.choices)
        raise HttpProblem(400, f"{param.name} {value[:40]}: expected {expected}")
    return value


TRUE, FALSE = frozenset({"true", "1", "yes", "on"}), frozenset({"false", "0", "no", "off"})


def flag(request: Request, param: Param) -> bool:
    """A boolean parameter (false when absent): true/false (also 1/0, yes/no, on/off), else 400."""
    value = _raw(request, param)
    if value is None:
        return False
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise HttpProblem(400, f"{param.name} {value[:40]}: expected true or false")


def number(request: Request, param: Param) -> int | None:
    """A whole-number parameter (None when absent), else 400."""
    value = _raw(request, param)
    if value is None:
        return None
    text = value.strip()
    if len(text) > 20 or not (text.isascii() and text.lstrip("+-").isdigit()):
        raise HttpProblem(400, f"{param.name} {value[:40]}: expected a whole number")
    return int(text)


T = TypeVar("T")
INLINE_BELOW = 64 * 1024
"""A message smaller than this is judged on the event loop (well under a millisecond); a larger one, and
anything that waits for the database, in the thread pool, so the loop keeps answering."""


async def off_loop(size: int, work: Callable[[], T]) -> T:
    """``work()`` inline for a small body, else in the thread pool."""
    if size < INLINE_BELOW:
        return work()
    return await run_in_threadpool(work)
