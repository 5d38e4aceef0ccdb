"""The application: ``create_app(settings)``; ``from_environment()`` for uvicorn's worker processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from ijw_gateway import __version__
from ijw_gateway.service import problems
from ijw_gateway.service.auth import SCHEME_NAME, SECURITY_SCHEME, TokenCache
from ijw_gateway.service.direct import Direct
from ijw_gateway.service.limits import Guard
from ijw_gateway.service.routes import bepaling, ledger, messages, ops
from ijw_gateway.service.settings import Settings

DESCRIPTION = """The ijw gateway over HTTP: validate, map, build and answer iJw 3.2 messages and keep the case
ledger, for systems that are not written in Python. Every /v1 request and /monitor needs
`Authorization: Bearer <token>` (`ijw tokens create`); ledger reads and writes are confined to the
token's organisation. Errors are `application/problem+json` (RFC 9457)."""


ROUTES = (messages, bepaling, ledger, ops)
NO_TELEMETRY: Any = {"tracing": False, "metrics": False, "logs": False}
"""FastAPI's OpenTelemetry hooks off: no provider is configured, and asking on every request whether one is
costs time on each request; our access log is the record of requests."""


def create_app(settings: Settings, *, ledger_object: Any = None) -> Any:
    """The ASGI application on the ledger of ``settings`` (opened now: LedgerError when it cannot be used).

    The result is the FastAPI app behind :class:`~.direct.Direct` (the per-message endpoints) wrapped in
    :class:`~.limits.Guard`; the FastAPI app itself is its ``.app.api``.
    """
    from ijw_gateway.ledger.ledger import Ledger

    book = ledger_object if ledger_object is not None else Ledger(settings.ledger)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if ledger_object is None:
            book.close()

    api = FastAPI(title="ijw-gateway", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  redoc_url=None, telemetry=NO_TELEMETRY)
    api.state.ledger = book
    api.state.settings = settings
    api.state.tokens = TokenCache(settings.token_cache_seconds)
    problems.install(api)
    for module in ROUTES:
        api.include_router(module.router)
    check_token_first(api.routes)
    api.openapi = lambda: openapi_document(api)  # type: ignore[method-assign]
    return Guard(Direct(api, [r for module in ROUTES for r in module.router.routes]), settings)


def check_token_first(routes: Any) -> None:
    """Refuse (TypeError) a secured endpoint that declares a parameter FastAPI would validate before the endpoint
    runs ``authorize``: it takes the request and its path's own parameters only, and reads its query, headers and
    body by hand (``routes.common.query``), so a caller without a token gets 401 whatever else it sends."""
    import inspect

    from fastapi.routing import APIRoute

    for route in routes:
        if not isinstance(route, APIRoute) or "security" not in (route.openapi_extra or {}):
            continue
        declared = set(inspect.signature(route.endpoint).parameters) - {"request"}
        if extra := declared - set(route.param_convertors):
            raise TypeError(f"{route.path}: {', '.join(sorted(extra))} would be validated before the token; "
                            "read it by hand after authorize (routes.common.query)")


def openapi_document(api: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with the bepaling's own schema (the body of /v1/map, /v1/build, /v1/cases) and the
    bearer token's security scheme (each operation names it and its scope: ``auth.secured``)."""
    if api.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        from ijw_gateway.tussentaal import Bepaling

        document = get_openapi(title=api.title, version=api.version, description=api.description,
                               routes=api.routes)
        schema = Bepaling.model_json_schema(ref_template="#/components/schemas/{model}")
        components = document.setdefault("components", {}).setdefault("schemas", {})
        components.update(schema.pop("$defs", {}))
        components["Bepaling"] = schema
        document["components"].setdefault("securitySchemes", {})[SCHEME_NAME] = SECURITY_SCHEME
        api.openapi_schema = document
    return api.openapi_schema


def from_environment() -> Any:
    """The app of a worker process started by ``ijw serve --workers N`` (settings in the environment)."""
    from ijw_gateway import logging as ijw_logging

    settings = Settings.from_environment()
    ijw_logging.configure(verbose=settings.access_log, log_format=settings.log_format)  # type: ignore[arg-type]
    return create_app(settings)
