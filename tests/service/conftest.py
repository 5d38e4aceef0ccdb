"""The service in-process (httpx over the ASGI transport) on SQLite and PostgreSQL,
with tokens of every kind of organisation; the bepalingen of examples/ as JSON bodies."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from ijw_gateway.ledger.ledger import Ledger
from ijw_gateway.ledger.tokens import SCOPES, create_token
from ijw_gateway.service.app import create_app
from ijw_gateway.service.orgs import parse_org
from ijw_gateway.service.settings import Settings
from tests.ledger.conftest import TEST_KEY, ledger_url  # noqa: F401 - the fixture: SQLite and PostgreSQL

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BEPALING_01 = EXAMPLES / "bepalingen" / "01-achterhoek-doetinchem-301.yaml"  # gemeente 0222, JBG, 42420001+42421002
BEPALING_02 = EXAMPLES / "bepalingen" / "02-centraal-gelderland-arnhem-315.yaml"


def bepaling_json(path: Path, **changes: Any) -> dict[str, Any]:
    """A bepaling file as the JSON body a client sends (dates as text)."""
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    data.update(changes)
    return data  # type: ignore[no-any-return]


class Client:
    """A synchronous face on ``httpx.AsyncClient`` over the in-process ASGI transport: one event loop in a
    thread of its own runs every request (as uvicorn's loop would), so the app's semaphore lives in one loop."""

    def __init__(self, app: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ijw.test")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        future = asyncio.run_coroutine_threadsafe(self._client.request(method, url, **kwargs), self._loop)
        return future.result(timeout=120)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._client.aclose(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()


@dataclass
class Service:
    client: Client
    ledger: Ledger
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, org: str, scopes: tuple[str, ...] = SCOPES) -> str:
        key = f"{org}|{','.join(scopes)}"
        if key not in self.tokens:
            self.tokens[key] = create_token(self.ledger, parse_org(org), scopes)[0]
        return self.tokens[key]

    def auth(self, org: str, scopes: tuple[str, ...] = SCOPES) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(org, scopes)}"}


def make_service(url: str, **settings: Any) -> Iterator[Service]:
    book = Ledger(url, key=TEST_KEY)
    app = create_app(Settings(ledger=url, **settings), ledger_object=book)
    client = Client(app)
    try:
        yield Service(client, book)
    finally:
        client.close()
        book.close()


@pytest.fixture
def service(ledger_url: str) -> Iterator[Service]:  # noqa: F811
    yield from make_service(ledger_url)
