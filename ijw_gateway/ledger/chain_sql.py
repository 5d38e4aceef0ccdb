"""The chain's statements on the DB-API cursor of a SQLAlchemy connection, in its transaction.

The chain writes a few rows per message and reads a few IN lists per judged message; through
SQLAlchemy's execution machinery each statement costs ~150 µs of Python, on the DB-API cursor
~10 µs, which keeps ingest at its speed. Statements are written with ``?``; values are bound as
SQLAlchemy would store them (SQLite: dates as ISO text). It depends only on a
:class:`~sqlalchemy.engine.Connection`, so whichever write path records a message can call the
chain in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

__all__ = ["ChainCursor", "chain_cursor", "marks"]


class ChainCursor:
    """Positional ``?`` statements on the connection's DB-API cursor (``%s`` on PostgreSQL); a driver
    error is raised as SQLAlchemy's DBAPIError, as the rest of the ledger expects."""

    def __init__(self, conn: Connection) -> None:
        self.postgres = conn.dialect.name == "postgresql"
        self.cursor = conn.connection.cursor()
        self.errors: type[BaseException] = conn.dialect.loaded_dbapi.Error

    def _execute(self, sql: str, params: Sequence[Any], many: bool = False) -> None:
        statement = sql.replace("?", "%s") if self.postgres else sql
        try:
            if many:
                self.cursor.executemany(statement, params)
            else:
                self.cursor.execute(statement, tuple(params))
        except self.errors as error:
            raise DBAPIError.instance(sql, None, error, self.errors) from error  # type: ignore[arg-type]

    def day(self, value: date | None) -> Any:
        """A date as its column stores it."""
        if value is None or self.postgres:
            return value
        return value.isoformat()

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._execute(sql, params)

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        self._execute(sql, params)
        rows = self.cursor.fetchall()
        return tuple(rows[0]) if rows else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._execute(sql, params)
        return [tuple(r) for r in self.cursor.fetchall()]

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._execute(sql, [tuple(r) for r in rows], many=True)

    def close(self) -> None:
        self.cursor.close()


@contextmanager
def chain_cursor(conn: Connection) -> Iterator[ChainCursor]:
    cur = ChainCursor(conn)
    try:
        yield cur
    finally:
        cur.close()


def marks(count: int) -> str:
    """``?, ?, …`` for an IN list of ``count`` values."""
    return ", ".join("?" * count)
