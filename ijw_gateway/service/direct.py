"""The per-message endpoints answered without FastAPI's request machinery.

``/v1/validate`` and ``/v1/messages`` are called once per message, and for a small message FastAPI's
routing, parameter resolution and middleware cost more than judging it. Their endpoint functions take
only the :class:`~starlette.requests.Request` and return a ``Response``, so :class:`Direct` calls them
straight from the ASGI scope; they stay FastAPI routes as well, so the OpenAPI document describes them
as every other endpoint. Errors become problem documents through :func:`.problems.known_problem`
(the same mapping FastAPI's handlers use); anything else goes on to ``limits.Guard`` (500, logged).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.routing import BaseRoute

from ijw_gateway.service.problems import known_problem

DIRECT_PATHS = ("/v1/validate", "/v1/messages")


class Direct:
    """ASGI: a POST to one of ``paths`` goes to its endpoint function, everything else to the FastAPI app."""

    def __init__(self, api: FastAPI, routes: Iterable[BaseRoute], paths: tuple[str, ...] = DIRECT_PATHS) -> None:
        """``routes``: the routes of the routers ``api`` includes (where the endpoints of ``paths`` are)."""
        self.api = api
        self.routes: dict[str, APIRoute] = {}
        for route in routes:
            if isinstance(route, APIRoute) and route.path in paths and "POST" in route.methods:
                if list(inspect.signature(route.endpoint).parameters) != ["request"]:
                    raise TypeError(f"{route.path}: a direct endpoint takes only the request")
                self.routes[route.path] = route
        if missing := set(paths) - set(self.routes):
            raise ValueError(f"no POST route for {', '.join(sorted(missing))}")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        route = self.routes.get(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        if route is None:
            await self.api(scope, receive, send)
            return
        scope["app"] = self.api  # request.app.state: the ledger, settings and token cache
        scope["route"] = route  # the path template for the access log
        try:
            response = await route.endpoint(Request(scope, receive))
        except Exception as error:
            response = known_problem(error)
            if response is None:
                raise
        await response(scope, receive, send)
