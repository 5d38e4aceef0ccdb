"""The ledger fixture: every ledger test runs on SQLite and on PostgreSQL.

PostgreSQL runs when ``IJW_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one);
each test gets its own schema, dropped afterwards. Without the URL the PostgreSQL
variants skip with that reason; under ``CI=true`` they fail instead, so CI never passes
without PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

TEST_KEY = "ijw-test-key-0123456789abcdef0123456789abcdef"


def postgres_base_url() -> str:
    url = os.environ.get("IJW_TEST_POSTGRES_URL", "")
    if url:
        return url
    reason = "PostgreSQL ledger tests skipped: set IJW_TEST_POSTGRES_URL (e.g. .ci/run starts a server and sets it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason.replace("skipped", "required under CI=true"))
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty ledger database URL (the key in IJW_LEDGER_KEY)."""
    monkeypatch.setenv("IJW_LEDGER_KEY", TEST_KEY)
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, connect_args={"connect_timeout": 10})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # an unreachable server is a failure, with its reason
        admin.dispose()
        pytest.fail(f"PostgreSQL at IJW_TEST_POSTGRES_URL is not usable: {error}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
