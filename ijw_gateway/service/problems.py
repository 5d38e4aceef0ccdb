"""The one boundary where errors become ``application/problem+json`` (RFC 9457), and never a traceback.

Our own errors keep the one-sentence message the CLI prints (``ijw: <detail>``); their class
decides the status, as it decides the CLI's exit code. Errors of the HTTP layer itself
(401, 403, 404, 413, 415, 503) are :class:`HttpProblem`. Anything else becomes a 500 that says
only its kind; ``limits.Guard`` logs that kind, never a traceback.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ijw_gateway.errors import (
    BepalingError,
    DataError,
    IjwError,
    InputFileError,
    LedgerError,
    MappingError,
    MessageError,
    UsageError,
)
from ijw_gateway.logging import get_logger

log = get_logger(__name__)

PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
    409: "Conflict", 413: "Content too large", 415: "Unsupported media type", 422: "Unprocessable content",
    500: "Internal error", 503: "Service unavailable",
}


class HttpProblem(Exception):
    """An error of the HTTP layer: a status and one sentence."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem_response(status: int, detail: str, headers: dict[str, str] | None = None,
                     **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail,
            **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def status_of(error: IjwError) -> int:
    """The HTTP status of one of our errors (``cli.exit_code``'s counterpart)."""
    if isinstance(error, MessageError | BepalingError | MappingError):
        return 422  # the input was judged and found invalid (exit 1)
    if isinstance(error, UsageError | InputFileError):
        return 400
    if isinstance(error, LedgerError):
        text = str(error)
        return 503 if ("cannot connect" in text or "is locked" in text) else 409
    if isinstance(error, DataError):
        return 500
    return 500


def ijw_problem(error: IjwError) -> JSONResponse:
    from ijw_gateway.validation.output import without_personal_values

    extra: dict[str, Any] = {}
    detail = str(error)
    if isinstance(error, BepalingError):
        detail = Exception.__str__(error)
        if error.problems:
            extra["problems"] = error.problems
    if isinstance(error, MessageError) and error.findings:
        extra["findings"] = [without_personal_values(f).model_dump(mode="json") for f in error.findings]
    return problem_response(status_of(error), detail, **extra)


def known_problem(error: Exception) -> JSONResponse | None:
    """The problem document of an error of the HTTP layer or of ours, or None for any other."""
    if isinstance(error, HttpProblem):
        return problem_response(error.status, error.detail, error.headers, **error.extra)
    if isinstance(error, IjwError):
        return ijw_problem(error)
    return None


def install(app: FastAPI) -> None:
    """Every error handler of the app: the one mapping of errors to problem documents."""
    from ijw_gateway.service.limits import BodyTooLarge

    @app.exception_handler(BodyTooLarge)
    async def _too_large(_request: Request, error: BodyTooLarge) -> JSONResponse:
        return problem_response(413, f"the request body is more than the limit of {error.limit:,} bytes")

    @app.exception_handler(HttpProblem)
    @app.exception_handler(IjwError)
    async def _known(_request: Request, error: Exception) -> JSONResponse:
        return known_problem(error)  # type: ignore[return-value]

    @app.exception_handler(StarletteHTTPException)
    async def _starlette(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else TITLES.get(error.status_code, "Error")
        if error.status_code == 404:
            detail = "there is no such endpoint; see /openapi.json for the endpoints"
        elif error.status_code == 405:
            detail = "this endpoint does not take that method; see /openapi.json"
        return problem_response(error.status_code, detail, dict(error.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "header", "body"))
        what = first.get("msg", "invalid value")
        return problem_response(400, f"{where or 'the request'}: {what}")

    @app.exception_handler(Exception)
    async def _internal(_request: Request, error: Exception) -> JSONResponse:
        """Starlette answers with this, then raises the error on to ``limits.Guard``, which logs its kind."""
        return problem_response(500, f"internal error ({type(error).__name__}); the service log has the details")
