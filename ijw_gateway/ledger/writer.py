"""The ledger's write path on the DB-API cursor of a SQLAlchemy connection, in its transaction.

Ingest runs a handful of small statements per message; through SQLAlchemy's execution
machinery each costs ~150 µs of Python, on the DB-API cursor ~10 µs. Values are bound as
SQLAlchemy would store them (SQLite: dates and naive-UTC moments as its text formats;
PostgreSQL: naive UTC datetimes), so both paths read and write the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ijw_gateway.ledger.store import aware

__all__ = ["RawCursor", "driver_errors", "marks", "savepoint"]

_SQLITE_MOMENT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite DATETIME storage format


def driver_errors(conn: Connection) -> type[BaseException]:
    """The DB-API driver's base error class (what a raw statement raises)."""
    return conn.dialect.loaded_dbapi.Error  # type: ignore[no-any-return]


class RawCursor:
    """Positional ``?`` statements on the connection's DB-API cursor (``%s`` on PostgreSQL).

    A driver error is raised as SQLAlchemy's DBAPIError, as the rest of the ledger expects
    (``store.transaction`` makes it a LedgerError).
    """

    def __init__(self, conn: Connection) -> None:
        self.postgres = conn.dialect.name == "postgresql"
        self.cursor = conn.connection.cursor()
        self.errors = driver_errors(conn)
        self._sql: dict[str, str] = {}

    def _execute(self, sql: str, params: Sequence[Any], many: bool = False) -> None:
        try:
            if many:
                self.cursor.executemany(self._q(sql), params)
            else:
                self.cursor.execute(self._q(sql), tuple(params))
        except self.errors as error:
            raise DBAPIError.instance(sql, None, error, self.errors) from error  # type: ignore[arg-type]

    def _fetch(self, how: str) -> Any:
        try:
            return getattr(self.cursor, how)()
        except self.errors as error:
            raise DBAPIError.instance("(fetch)", None, error, self.errors) from error  # type: ignore[arg-type]

    def _q(self, sql: str) -> str:
        if not self.postgres:
            return sql
        found = self._sql.get(sql)
        if found is None:
            found = self._sql[sql] = sql.replace("?", "%s")
        return found

    def moment(self, value: datetime | date) -> Any:
        """An aware moment as its column stores it (naive UTC)."""
        naive = aware(value).astimezone(UTC).replace(tzinfo=None)
        return naive if self.postgres else naive.strftime(_SQLITE_MOMENT)

    def day(self, value: date | None) -> Any:
        if value is None or self.postgres:
            return value
        return value.isoformat()

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._execute(sql, params)

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        self._execute(sql, params)
        row = self._fetch("fetchone")
        if row is not None:
            self._fetch("fetchall")  # let the statement finish (SQLite: RETURNING)
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._execute(sql, params)
        return [tuple(r) for r in self._fetch("fetchall")]

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._execute(sql, [tuple(r) for r in rows], many=True)

    def close(self) -> None:
        self.cursor.close()


@contextmanager
def savepoint(cur: RawCursor) -> Iterator[None]:
    """All or nothing within the transaction: any exception undoes what the block wrote."""
    cur.run("SAVEPOINT ijw_message")
    try:
        yield
    except BaseException:
        cur.run("ROLLBACK TO SAVEPOINT ijw_message")
        cur.run("RELEASE SAVEPOINT ijw_message")
        raise
    cur.run("RELEASE SAVEPOINT ijw_message")


def marks(count: int) -> str:
    """``?, ?, …`` for an IN list of ``count`` values."""
    return ", ".join("?" * count)
