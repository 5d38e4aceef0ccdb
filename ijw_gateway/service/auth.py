"""Bearer tokens: every request names its token; the token names its organisation and scopes.

The token is looked up in the ledger database (by its hash); a process trusts what it read for
``Settings.token_cache_seconds`` (2 s), so a revoked token is refused by every process within that
time, and a busy process does not ask the database for the same token on every request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ijw_gateway.ledger.facts import AMSTERDAM
from ijw_gateway.ledger.tokens import Org, Token, find_token, token_hash
from ijw_gateway.service.problems import HttpProblem

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="ijw"'}


@dataclass(frozen=True)
class Principal:
    """Who is asking: the token (its id, never its secret) and its organisation."""

    token: Token

    @property
    def org(self) -> Org:
        return self.token.org

    def may(self, scope: str) -> bool:
        return scope in self.token.scopes


class TokenCache:
    """Tokens found in the ledger, trusted for ``seconds`` (unknown ones are asked again every time)."""

    MAX_ENTRIES = 10_000

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._found: dict[str, tuple[float, Token]] = {}
        self._lock = threading.Lock()

    def cached(self, bearer: str) -> Token | None:
        """The token, when it was read less than ``seconds`` ago (no database)."""
        if self.seconds <= 0:
            return None
        with self._lock:
            hit = self._found.get(token_hash(bearer))
        return hit[1] if hit is not None and time.monotonic() - hit[0] < self.seconds else None

    def find(self, ledger: Any, bearer: str) -> Token | None:
        """The token as the ledger has it now (and remembered for ``seconds``), or None."""
        now = time.monotonic()
        token = find_token(ledger, bearer)
        if self.seconds <= 0:
            return token
        key = token_hash(bearer)
        with self._lock:
            if token is None:
                self._found.pop(key, None)
            else:
                if len(self._found) >= self.MAX_ENTRIES:
                    self._found.clear()
                self._found[key] = (now, token)
        return token


async def authorize(request: Request, scope: str) -> Principal:
    """The caller, whose token must have ``scope``: 401 without a usable token, 403 without the scope.

    A plain function each endpoint awaits first, not a FastAPI dependency: resolving nested ``Depends``
    cost a third of a small request's time. The OpenAPI side is :func:`secured`.
    """
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    bearer = bearer.strip()
    if not bearer or scheme.lower() != "bearer":
        raise HttpProblem(401, "this request needs a token: send 'Authorization: Bearer <token>' "
                               "(make one with 'ijw tokens create')", _CHALLENGE)
    state = request.app.state
    cache: TokenCache = state.tokens
    token = cache.cached(bearer)
    if token is None:  # the database, off the event loop
        token = await run_in_threadpool(cache.find, state.ledger, bearer)
    if token is None:
        raise HttpProblem(401, "the token is not known to this service", _CHALLENGE)
    if token.revoked_at is not None:
        raise HttpProblem(401, f"token {token.id} was revoked", _CHALLENGE)
    if not token.usable(_today()):
        raise HttpProblem(401, f"token {token.id} expired on {token.expires_on}", _CHALLENGE)
    request.state.token_id = token.id  # for the access log
    request.state.org = str(token.org)
    if scope not in token.scopes:
        raise HttpProblem(403, f"token {token.id} of {token.org} does not have the scope {scope} "
                               f"(it has {', '.join(token.scopes)})")
    return Principal(token)


def _today() -> date:
    return datetime.now(AMSTERDAM).date()


SCHEME_NAME = "HTTPBearer"
SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "description": "A token of 'ijw tokens create'."}
"""``components.securitySchemes`` of the OpenAPI document (``app.openapi_document`` adds it)."""


def secured(scope: str, **extra: Any) -> dict[str, Any]:
    """The ``openapi_extra`` of an operation that calls ``authorize(request, scope)``, merged with ``extra``."""
    return {**extra, "security": [{SCHEME_NAME: []}], "x-ijw-scope": scope}
