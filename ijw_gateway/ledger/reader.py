"""The status path of a whole ledger: a few plain queries, facts read as they are stored,
deadlines made into models only when they are returned, and large ledgers split over the
cores.

``ijw ledger status --overdue`` over tens of thousands of cases spends its time on reading
and on the deadline engine, not on the database. This module reads only the columns the
engine needs on the DB-API cursor, turns every moment into its Europe/Amsterdam date once
(cached per UTC hour: the offset changes only on the hour), hands the engine its own light
case objects and keeps only the deadlines asked for. A ledger of more than
:data:`PARALLEL_MIN_CASES` cases is split into ranges of case ids, one per worker process
(fork, where the platform has it); each reads its range in a read-only snapshot of its own,
without the write lock. Same results as ``compute_all(Ledger.facts())`` followed by
``select_deadlines`` — the tests hold both to it.
"""

from __future__ import annotations

import gc
import heapq
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from ijw_gateway.errors import LedgerError
from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.deadlines import Deadline, Keep, Row, _as_deadline, _Case, _case_rows, _Msg
from ijw_gateway.ledger.facts import AMSTERDAM
from ijw_gateway.ledger.routes import Definitions
from ijw_gateway.ledger.store import raise_mapped
from ijw_gateway.logging import get_logger
from ijw_gateway.workers import fork_available, start_process

__all__ = ["PARALLEL_MIN_CASES", "ledger_deadlines", "load_cases"]

log = get_logger(__name__)

#: Below this many cases one process does it all; above, one worker per core (at most 4).
PARALLEL_MIN_CASES = 6000
MAX_WORKERS = 4

_LOCAL: dict[Any, date] = {}
_Item = tuple[date, str, int, Row]  # (due, case, position in the case, row): the order of the result


_DAYS: dict[Any, date] = {}


def _day(value: date | str) -> date:
    found = _DAYS.get(value)
    if found is None:
        found = date.fromisoformat(value[:10]) if isinstance(value, str) else value
        if len(_DAYS) < 200_000:
            _DAYS[value] = found
    return found


def _local_day(value: datetime | str) -> date:
    """The Amsterdam date of a stored moment (naive UTC: a datetime, or SQLite's text)."""
    key = value[:13] if isinstance(value, str) else (value.date(), value.hour)
    found = _LOCAL.get(key)
    if found is None:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        found = moment.replace(tzinfo=UTC).astimezone(AMSTERDAM).date()
        if len(_LOCAL) < 200_000:
            _LOCAL[key] = found
    return found


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector off: hundreds of thousands of small acyclic objects are made,
    and it would walk them over and over (a third of the time of reading) to free nothing."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class _Reader:
    """Plain reads on a DB-API connection, in one read-only snapshot (no write lock)."""

    def __init__(self, engine: Any) -> None:
        self.postgres = engine.dialect.name == "postgresql"
        self.pooled = engine.raw_connection()
        self.raw = self.pooled.dbapi_connection
        cursor = self.raw.cursor()
        if self.postgres:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        else:
            cursor.execute("BEGIN")  # deferred: a read snapshot in WAL mode, writers go on
        cursor.close()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql.replace("?", "%s") if self.postgres else sql, tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def close(self) -> None:
        try:
            self.raw.rollback()
        finally:
            self.pooled.close()


def load_cases(reader: _Reader, *, today: date, case: str | None = None,
               id_range: tuple[str, str] | None = None) -> list[_Case]:
    """The cases (one, a range of ids, or all) with their events and messages dated on or before
    ``today``, as the deadline engine reads them."""
    if case is not None:
        where, on_case, params = " WHERE case_id = ?", " WHERE id = ?", [case]
    elif id_range is not None:
        where, on_case, params = " WHERE case_id BETWEEN ? AND ?", " WHERE id BETWEEN ? AND ?", list(id_range)
    else:
        where, on_case, params = "", "", []
    events: dict[str, dict[str, list[date]]] = {}
    for case_id, name, day in reader.rows(f"SELECT case_id, name, day FROM ledger_event{where}", params):
        d = _day(day)
        if d <= today:
            events.setdefault(case_id, {}).setdefault(name, []).append(d)
    for by_name in events.values():
        for days in by_name.values():
            days.sort()
    products: dict[int, list[str]] = {}
    einden: dict[int, dict[str, date]] = {}
    product_sql = "SELECT p.message_id, p.ref, p.einddatum FROM ledger_message_product p"
    if where:
        product_sql += " JOIN ledger_message m ON m.id = p.message_id" + where.replace("case_id", "m.case_id")
    for message_id, ref, einddatum in reader.rows(product_sql + " ORDER BY p.message_id, p.kind, p.ref", params):
        products.setdefault(message_id, []).append(ref)
        if einddatum is not None:
            einden.setdefault(message_id, {})[ref] = _day(einddatum)
    messages: dict[str, list[_Msg]] = {}
    none: tuple[str, ...] = ()
    for message_id, case_id, berichttype, at, identificatie, retour_op, antwoord, zorgdatum in reader.rows(
        "SELECT id, case_id, berichttype, at, identificatie, retour_op, verzoek_antwoord, zorgdatum "
        f"FROM ledger_message{where} ORDER BY id",
        params,
    ):
        day = _local_day(at)
        if day > today:
            continue
        refs = products.get(message_id)
        messages.setdefault(case_id, []).append(
            _Msg(berichttype, day, identificatie, retour_op or None, antwoord, tuple(refs) if refs else none,
                 _day(zorgdatum) if zorgdatum is not None else None, einden.get(message_id))
        )
    cases = reader.rows(f"SELECT id, route, opened_at FROM ledger_case{on_case} ORDER BY id", params)
    return [
        _Case.prepared(case_id, route, _local_day(opened_at), events.get(case_id, {}), messages.get(case_id, []))
        for case_id, route, opened_at in cases
    ]


def _selector(today: date, overdue: bool, due_within: int | None, calendar: WorkingDayCalendar) -> Keep | None:
    """The ``--overdue`` / ``--due-within`` filter of :func:`~ijw_gateway.ledger.deadlines.select_deadlines`."""
    if not overdue and due_within is None:
        return None
    limit = calendar.add_working_days(today, due_within) if due_within is not None else None

    def keep(due: date, done: date | None, state: str) -> bool:
        return (overdue and state == "overdue") or (limit is not None and done is None and due <= limit)

    return keep


def _items(cases: list[_Case], today: date, calendar: WorkingDayCalendar, definitions: Definitions,
           keep: Keep | None) -> list[_Item]:
    items = [
        (row[7], row[0], i, row)
        for c in cases
        for i, row in enumerate(_case_rows(c, today, calendar, definitions, keep))
    ]
    items.sort(key=lambda item: item[:3])
    return items


def _part(engine: Any, id_range: tuple[str, str] | None, case: str | None, today: date,
          calendar: WorkingDayCalendar, definitions: Definitions, keep: Keep | None) -> list[_Item]:
    with _no_gc():
        reader = _Reader(engine)
        try:
            cases = load_cases(reader, today=today, case=case, id_range=id_range)
        finally:
            reader.close()
        return _items(cases, today, calendar, definitions, keep)


def _worker(engine: Any, id_range: tuple[str, str], today: date, calendar: WorkingDayCalendar,
            definitions: Definitions, keep: Keep | None, pipe: Any) -> None:
    try:
        engine.dispose(close=False)  # the parent's connections are not ours to use
        pipe.send(("ok", _part(engine, id_range, None, today, calendar, definitions, keep)))
    except BaseException as error:  # reported to the parent, which raises it as a LedgerError
        pipe.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        pipe.close()


def _workers(cases: int) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if not fork_available():
        return 1
    return max(1, min(cores, MAX_WORKERS, cases // (PARALLEL_MIN_CASES // 2)))


def ledger_deadlines(
    engine: Any,
    url: str,
    *,
    today: date,
    calendar: WorkingDayCalendar,
    definitions: Definitions,
    case: str | None = None,
    overdue: bool = False,
    due_within: int | None = None,
    workers: int | None = None,
) -> list[Deadline]:
    """The deadlines of the ledger behind ``engine`` as of ``today``, filtered like ``ijw ledger status``.

    ``workers``: processes to use (default: one per core when the ledger is large).
    Database problems raise LedgerError.
    """
    with _no_gc():
        return _deadlines(engine, url, today, calendar, definitions, case, overdue, due_within, workers)


def _deadlines(engine: Any, url: str, today: date, calendar: WorkingDayCalendar, definitions: Definitions,
               case: str | None, overdue: bool, due_within: int | None, workers: int | None) -> list[Deadline]:
    keep = _selector(today, overdue, due_within, calendar)
    try:
        if case is not None:
            items = _part(engine, None, case, today, calendar, definitions, keep)
            return [_as_deadline(item[3]) for item in items]
        reader = _Reader(engine)
        try:
            ids = [r[0] for r in reader.rows("SELECT id FROM ledger_case ORDER BY id")]
        finally:
            reader.close()
        n = min(workers, max(1, len(ids))) if workers else _workers(len(ids))
        if n <= 1 or len(ids) < 2:
            items = _part(engine, None, None, today, calendar, definitions, keep)
            return [_as_deadline(item[3]) for item in items]
        size = -(-len(ids) // n)
        ranges = [(ids[k], ids[min(k + size, len(ids)) - 1]) for k in range(0, len(ids), size)]
        engine.dispose()  # no pooled connection may be shared with the forked workers
        children = []
        gc.freeze()  # the workers' garbage collector leaves the parent's objects (and their pages) alone
        try:
            for id_range in ranges[1:]:
                receive, send = multiprocessing.Pipe(duplex=False)
                process = start_process(_worker, engine, id_range, today, calendar, definitions, keep, send)
                send.close()
                children.append((process, receive))
        finally:
            gc.unfreeze()
        try:
            parts = [_part(engine, ranges[0], None, today, calendar, definitions, keep)]
            for process, receive in children:
                try:
                    status, payload = receive.recv()
                except EOFError:
                    status, payload = "error", "a worker process ended without an answer"
                process.join()
                if status != "ok":
                    raise LedgerError(f"the deadlines of the ledger could not be computed: {payload}")
                parts.append(payload)
        finally:  # interrupted, or a worker failed: none is left running
            for process, _ in children:
                if process.is_alive():
                    process.terminate()
        log.info("status computed", cases=len(ids), workers=len(ranges))
        return [_as_deadline(item[3]) for item in heapq.merge(*parts, key=lambda item: item[:3])]
    except LedgerError:
        raise
    except Exception as error:
        raise_mapped(error, url)
