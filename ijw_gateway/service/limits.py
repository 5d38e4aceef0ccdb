"""Safe defaults around every request: body limit, timeout, bounded concurrency, headers, access log.

One pure ASGI middleware, :class:`Guard`, outermost: it refuses a body over the limit (413,
from Content-Length before reading, or while reading a chunked one), lets at most
``max_concurrency`` requests of this process work at once (the next wait up to
``queue_timeout`` seconds, then 503 with Retry-After), answers 503 after
``request_timeout`` seconds, adds the security headers, turns any error that escaped the
app into a problem document without a traceback, and writes one access-log line per request
through our structlog logging: method, path template, status, milliseconds, the token's id
and organisation — never a query string, a body, a BSN, a name or a token.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from ijw_gateway.logging import get_logger
from ijw_gateway.service.problems import PROBLEM, TITLES
from ijw_gateway.service.settings import Settings

log = get_logger("ijw_gateway.service.access")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect")
BATCH_PATHS = ("/v1/validate/batch",)
BATCH_TIMEOUT_FACTOR = 10
"""A batch (up to ``max_batch_bytes``) may take this many times the request timeout; its results stream."""


class BodyTooLarge(Exception):
    """A body without Content-Length went over the limit while it was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _problem(status: int, detail: str, extra_headers: list[tuple[bytes, bytes]] = ()) -> tuple[list, bytes]:  # type: ignore[assignment]
    body = json.dumps({"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status,
                       "detail": detail}).encode()
    headers = [(b"content-type", PROBLEM.encode()), (b"content-length", str(len(body)).encode()), *extra_headers]
    return headers, body


class Guard:
    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.slots is None:
            self.slots = asyncio.Semaphore(self.settings.max_concurrency)
        started = time.perf_counter()
        path: str = scope.get("path", "")
        batch = path in BATCH_PATHS
        limit = self.settings.max_batch_bytes if batch else self.settings.max_body_bytes
        timeout = self.settings.request_timeout * (BATCH_TIMEOUT_FACTOR if batch else 1)
        state = {"status": 0, "started": False}
        scope.setdefault("state", {})

        async def guarded_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if b"content-security-policy" not in names and path not in DOCS_PATHS:
                    headers.append((b"content-security-policy", API_CSP))
                message = {**message, "headers": headers}
            await send(message)

        async def answer(status: int, detail: str, extra: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
            if state["started"]:
                return
            headers, body = _problem(status, detail, extra)
            await guarded_send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        try:
            length = _content_length(scope)
            if length is not None and length > limit:
                await answer(413, f"the request body is {length:,} bytes, more than the limit of {limit:,} bytes")
                return
            received = 0

            async def counted_receive() -> dict[str, Any]:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise BodyTooLarge(limit)
                return message  # type: ignore[no-any-return]

            try:
                if self.slots.locked():  # the fast path takes a free slot without a timer
                    async with asyncio.timeout(self.settings.queue_timeout):
                        await self.slots.acquire()
                else:
                    await self.slots.acquire()
            except TimeoutError:
                await answer(503, "the service is busy; try again in a moment", [(b"retry-after", b"1")])
                return
            try:
                async with asyncio.timeout(timeout):  # no task of its own, unlike wait_for
                    await self.app(scope, counted_receive, guarded_send)
            finally:
                self.slots.release()
        except BodyTooLarge:
            await answer(413, f"the request body is more than the limit of {limit:,} bytes")
        except TimeoutError:
            await answer(503, f"the request took longer than {timeout:g} seconds; try again "
                              "(writes are idempotent)", [(b"retry-after", b"1")])
        except Exception as error:  # answered by problems._internal already, or here: never a traceback
            log.error("internal error", error=type(error).__name__, path=_route_of(scope))
            await answer(500, f"internal error ({type(error).__name__}); the service log has the details")
        finally:
            app_state = scope.get("state", {})
            log.info("request", http_method=scope.get("method"), path=_route_of(scope), status=state["status"],
                     ms=round((time.perf_counter() - started) * 1000, 1), token=app_state.get("token_id"),
                     org=app_state.get("org"))


def _content_length(scope: dict[str, Any]) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _route_of(scope: dict[str, Any]) -> str:
    """The path template (``/v1/cases/{case}/events``), not the path: a case id stays out of the log."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else "(no route)"
