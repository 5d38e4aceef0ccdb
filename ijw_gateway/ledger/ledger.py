"""``Ledger``: cases, route events and messages on SQLite or PostgreSQL (``ijw.Ledger``).

Every method is one transaction (``ingest``: one per message) and idempotent: opening the
same case, recording the same event on the same day, or recording the same message
(sender, type, identificatie) again changes nothing. Concurrent writers in other
processes queue (SQLite) or rely on the unique keys (PostgreSQL); nothing is lost or
doubled.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Table, bindparam, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ijw_gateway.errors import LedgerError, MessageError, UsageError
from ijw_gateway.files import DanglingLink, NotARegularFile, not_a_message_file, read_regular_file, xml_files
from ijw_gateway.ledger import chain_store
from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.cases import CaseDescription
from ijw_gateway.ledger.deadlines import Deadline
from ijw_gateway.ledger.extract import MessageInfo
from ijw_gateway.ledger.facts import AMSTERDAM, CaseFacts, Direction, Event, MessageFact, event_name, local_date
from ijw_gateway.ledger.prepare import Prepared, PreparePool, prepare, prepare_model, worker_count
from ijw_gateway.ledger.privacy import Hasher, discard_new_key, load_key
from ijw_gateway.ledger.routes import Definitions, load_definitions
from ijw_gateway.ledger.schema import ensure_schema
from ijw_gateway.ledger.store import (
    DEFAULT_URL,
    PG_COUNTER_LOCK,
    CaseRow,
    EventRow,
    MessageProductRow,
    MessageRow,
    MetaRow,
    SeenIdentificatieRow,
    ToewijzingNummerRow,
    aware,
    connect,
    describe_url,
    explain,
    transaction,
)
from ijw_gateway.ledger.writer import RawCursor, driver_errors, marks, savepoint
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.codec import to_xml
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.findings import MessageReport
from ijw_gateway.validation.validator import ValidationContext, check

__all__ = ["MAX_MESSAGE_BYTES", "CaseInfo", "EventResult", "IngestResult", "Ledger", "ledger_url"]

log = get_logger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
#: ``ingest`` writes this many messages per transaction (each in a SAVEPOINT of its own), or
#: what it has after INGEST_BATCH_SECONDS, so other writers wait at most that long.
INGEST_BATCH = 64
INGEST_BATCH_SECONDS = 0.5
#: From this many messages on, ``ingest`` parses in worker processes (prepare.py) while it stores.
INGEST_PARALLEL_MIN = 32
IngestStatus = Literal["recorded", "duplicate", "conflict", "invalid", "unlinked", "skipped"]
Moment = datetime | date
_KENMERK_REF = re.compile(r"^(?P<kenmerk>.+)-(?P<line>[0-9]{1,3})$")

_CASE: Table = CaseRow.__table__  # type: ignore[assignment]
_EVENT: Table = EventRow.__table__  # type: ignore[assignment]
_MESSAGE: Table = MessageRow.__table__  # type: ignore[assignment]
_PRODUCT: Table = MessageProductRow.__table__  # type: ignore[assignment]
_META: Table = MetaRow.__table__  # type: ignore[assignment]
_SEEN: Table = SeenIdentificatieRow.__table__  # type: ignore[assignment]
_NUMMER: Table = ToewijzingNummerRow.__table__  # type: ignore[assignment]
MAX_TOEWIJZINGNUMMER = 999_999_999  # LDT_Nummer

# The write path's statements on the DB-API cursor (writer.RawCursor); the natural keys as in store.py.
_SQL_EXISTING = ("SELECT case_id, content_hash FROM ledger_message WHERE berichttype = ? AND afzender = ? "
                 "AND ontvanger = ? AND identificatie = ? AND retour_op = ?")
_SQL_MESSAGE = (
    'INSERT INTO ledger_message (case_id, berichttype, direction, afzender, ontvanger, identificatie, retour_op, '
    'dagtekening, "at", answers_id, verzoek_antwoord, zorgdatum, bsn_hash, content_hash, recorded_at) '
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (berichttype, afzender, ontvanger, identificatie, retour_op) DO NOTHING RETURNING id"
)
_SQL_PRODUCT = "INSERT INTO ledger_message_product (message_id, ref, kind) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
_SQL_SEEN = ("INSERT INTO ledger_identificatie (berichttype, afzender, identificatie, content_hash, seen_at) "
             "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING identificatie")


def ledger_url(url: str | None = None) -> str:
    """The ledger URL: the argument, else env ``IJW_DB``, else ``sqlite:///ijw-ledger.db``."""
    return url or os.environ.get("IJW_DB") or DEFAULT_URL


def _now() -> datetime:
    return datetime.now(AMSTERDAM)


@dataclass(frozen=True)
class CaseInfo:
    """A case as the ledger holds it (no personal data)."""

    case: str
    route: str
    gemeente: str
    regio: str | None
    gi: str
    maatregel: str
    opened_at: datetime
    created: bool = False
    mapping: str | None = None
    """Why the bepaling could not be mapped to the region's contract when the case was opened (None: it could)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "route": self.route,
            "gemeente": self.gemeente,
            "regio": self.regio,
            "gi": self.gi,
            "maatregel": self.maatregel,
            "opened": local_date(self.opened_at).isoformat(),
            "created": self.created,
            "mapping": self.mapping,
        }


@dataclass(frozen=True)
class EventResult:
    case: str
    event: str
    day: date
    created: bool

    def as_dict(self) -> dict[str, Any]:
        return {"case": self.case, "event": self.event, "day": self.day.isoformat(), "created": self.created}


@dataclass(frozen=True)
class IngestResult:
    """The outcome for one message: ``recorded`` (new), ``duplicate`` (already there, same
    content), ``conflict`` (already there under this identificatie with other content; the
    first is kept), ``invalid`` (not a valid iJw message), ``unlinked`` (no case found) or
    ``skipped`` (a named pipe, device or dangling link: not a message file, not read)."""

    source: str
    status: IngestStatus
    berichttype: str | None = None
    identificatie: str | None = None
    case: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("recorded", "duplicate")

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "bericht": self.berichttype,
            "identificatie": self.identificatie,
            "case": self.case,
            "detail": self.detail,
        }


class Ledger:
    """The ledger at a database URL; the same operations as ``ijw ledger …``.

    ``Ledger()`` uses env ``IJW_DB`` or ``sqlite:///ijw-ledger.db``. The hashing key of
    personal data comes from ``key``/``key_file`` or the environment (see
    :mod:`ijw_gateway.ledger.privacy`). Raises LedgerError when the database cannot be
    used (unreachable, locked, corrupt, of a newer version, another key). ``read_only=True``
    (``ledger status``, ``ledger report``) reads without a key, a migration or write access.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        key: str | bytes | None = None,
        key_file: Path | str | None = None,
        calendar: WorkingDayCalendar | None = None,
        definitions: Definitions | None = None,
        read_only: bool = False,
    ) -> None:
        self.url = ledger_url(url)
        self.calendar = calendar or WorkingDayCalendar()
        self.definitions = definitions or load_definitions()
        self.engine = connect(self.url, read_only=read_only)
        self._workers: PreparePool[bytes | Path] | None = None
        try:
            self.revision = ensure_schema(self.engine, self.url, read_only=read_only)
            self._hash = _ReadOnly() if read_only else self._init_key(key, key_file)
        except BaseException:
            self.engine.dispose()
            raise

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()
            self._workers = None
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({describe_url(self.url)!r})"

    def _insert(self, table: Table) -> Any:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    @cached_property
    def _sql(self) -> dict[str, Any]:
        """The statements of the write path, built once with bound parameters: SQLAlchemy then
        neither rebuilds nor re-keys them for every message (most of the cost of a small insert)."""
        p = bindparam
        return {
            "existing": select(_MESSAGE.c.case_id, _MESSAGE.c.content_hash).where(
                (_MESSAGE.c.berichttype == p("k_type"))
                & (_MESSAGE.c.afzender == p("k_from"))
                & (_MESSAGE.c.ontvanger == p("k_to"))
                & (_MESSAGE.c.identificatie == p("k_id"))
                & (_MESSAGE.c.retour_op == p("k_retour"))
            ),
            "message": self._insert(_MESSAGE)
            .on_conflict_do_nothing(
                index_elements=["berichttype", "afzender", "ontvanger", "identificatie", "retour_op"]
            )
            .returning(_MESSAGE.c.id),
            "product": self._insert(_PRODUCT).on_conflict_do_nothing(),
            "seen": self._insert(_SEEN).on_conflict_do_nothing().returning(_SEEN.c.identificatie),
            "case_bsn": select(_CASE.c.bsn_hash).where(_CASE.c.id == p("k_case")),
            "cases_in": select(_CASE.c.id).where(_CASE.c.id.in_(p("k_ids", expanding=True))),
            "event": self._insert(_EVENT).on_conflict_do_nothing(index_elements=["case_id", "name", "day"]),
            "answered_heen": select(_MESSAGE.c.id)
            .where(
                (_MESSAGE.c.case_id == p("k_case"))
                & (_MESSAGE.c.berichttype == p("k_type"))
                & (_MESSAGE.c.identificatie == p("k_id"))
            )
            .order_by(_MESSAGE.c.dagtekening.desc(), _MESSAGE.c.id.desc())
            .limit(1),
            "answered_request": select(_MESSAGE.c.id)
            .join(_PRODUCT, _PRODUCT.c.message_id == _MESSAGE.c.id)
            .where(
                (_MESSAGE.c.case_id == p("k_case"))
                & (_MESSAGE.c.berichttype.in_(("JW315", "JW317")))
                & (_PRODUCT.c.ref.in_(p("k_refs", expanding=True)))
            )
            .order_by(_MESSAGE.c.dagtekening.desc(), _MESSAGE.c.id.desc())
            .limit(1),
            "heen": select(_MESSAGE.c.case_id, _MESSAGE.c.afzender, _MESSAGE.c.ontvanger).where(
                (_MESSAGE.c.berichttype == p("k_type")) & (_MESSAGE.c.identificatie == p("k_id"))
            ),
            "by_ref": select(_MESSAGE.c.case_id, _MESSAGE.c.afzender, _MESSAGE.c.ontvanger, _MESSAGE.c.bsn_hash)
            .join(_PRODUCT, _PRODUCT.c.message_id == _MESSAGE.c.id)
            .where(_PRODUCT.c.ref.in_(p("k_refs", expanding=True))),
        }

    def _init_key(self, key: str | bytes | None, key_file: Path | str | None) -> Hasher:
        with transaction(self.engine, self.url) as conn:
            stored = conn.execute(select(_META.c.value).where(_META.c.name == "key_check")).scalar()
        hasher = Hasher(load_key(self.url, key, key_file, stored=stored))
        if stored is None:
            with transaction(self.engine, self.url) as conn:
                conn.execute(
                    self._insert(_META)
                    .values(name="key_check", value=hasher.fingerprint())
                    .on_conflict_do_nothing(index_elements=["name"])
                )
                stored = conn.execute(select(_META.c.value).where(_META.c.name == "key_check")).scalar()
            if stored != hasher.fingerprint():  # another process made this ledger at the same moment: its key
                discard_new_key(hasher.fingerprint())
                hasher = Hasher(load_key(self.url, key, key_file, stored=stored))
        if stored != hasher.fingerprint():
            raise LedgerError(
                f"the ledger {describe_url(self.url)} was made with another key; give its key "
                "(IJW_LEDGER_KEY or IJW_LEDGER_KEY_FILE) to use it"
            )
        return hasher

    # ------------------------------------------------------------------ cases and events
    def open(self, bepaling: Any, at: Moment | None = None) -> CaseInfo:
        """Open the case of a bepaling (a file path, a Bepaling or a mapping) at ``at`` (default now)."""
        return self.open_case(_case_of(bepaling), at)

    def open_case(self, case: CaseDescription, at: Moment | None = None) -> CaseInfo:
        """Open ``case`` at ``at`` (default now); opening it again changes nothing but ``mapping``
        (why its bepaling cannot be mapped, which a changed contract or bepaling may change)."""
        with transaction(self.engine, self.url) as conn:
            info = self._open_in(conn, case, at)
        log.info("case opened" if info.created else "case already open", case=info.case, route=info.route)
        return info

    def _open_in(self, conn: Connection, case: CaseDescription, at: Moment | None) -> CaseInfo:
        opened_at = aware(at) if at is not None else _now()
        values = {
            "id": case.case,
            "route": case.route,
            "gemeente": case.gemeente,
            "regio": case.regio,
            "gi": case.gi,
            "maatregel": case.maatregel,
            "vastgesteld_op": case.vastgesteld_op,
            "bsn_hash": self._hash.bsn(case.bsn),
            "opened_at": opened_at,
            "recorded_at": _now(),
            "mapping": case.mapping,
        }
        inserted = self._insert(_CASE).values(**values).on_conflict_do_nothing().returning(_CASE.c.id)
        created = conn.execute(inserted).scalar() is not None
        row = conn.execute(select(_CASE).where(_CASE.c.id == case.case)).one()
        for name in ("route", "gemeente", "bsn_hash"):
            if getattr(row, name) != values[name]:
                what = "jeugdige" if name == "bsn_hash" else name
                raise LedgerError(f"case {case.case} is already open with another {what}; a kenmerk names one case")
        info = _case_info(row, created)
        if info.mapping != case.mapping:  # opened again after the contract (or the bepaling) changed
            conn.execute(_CASE.update().where(_CASE.c.id == case.case).values(mapping=case.mapping))
            info = replace(info, mapping=case.mapping)
        return info

    def case(self, case: str) -> CaseInfo:
        """One case; LedgerError when the ledger does not have it."""
        with transaction(self.engine, self.url) as conn:
            return _case_info(self._case_row(conn, case))

    def cases(self) -> list[CaseInfo]:
        with transaction(self.engine, self.url) as conn:
            return [_case_info(r) for r in conn.execute(select(_CASE).order_by(_CASE.c.id))]

    def _case_row(self, conn: Connection, case: str) -> Any:
        row = conn.execute(select(_CASE).where(_CASE.c.id == case)).first()
        if row is None:
            raise LedgerError(f"the ledger has no case {case!r}; open it first with `ijw ledger open BEPALING`")
        return row

    def record(self, case: str, event: str, at: Moment | None = None) -> EventResult:
        """Record a route event (``overleg``, ``bepaling_verstuurd``, …) of a case, at ``at`` (default now)."""
        name = event_name(event)
        moment = aware(at) if at is not None else _now()
        day = local_date(moment)
        with transaction(self.engine, self.url) as conn:
            self._case_row(conn, case)
            result = conn.execute(
                self._insert(_EVENT)
                .values(case_id=case, name=name, day=day, at=moment, recorded_at=_now())
                .on_conflict_do_nothing(index_elements=["case_id", "name", "day"])
                .returning(_EVENT.c.id)
            )
            created = result.scalar() is not None
        log.info("event recorded" if created else "event already recorded", case=case, route_event=name, day=str(day))
        return EventResult(case=case, event=name, day=day, created=created)

    def record_many(self, events: Iterable[tuple[str, str, Moment]]) -> list[EventResult]:
        """Record many route events (case, event, at) in one transaction: all or, on any error
        (an unknown event or case), none. Each is idempotent as with :meth:`record`."""
        items = []
        for case, event, at in events:
            moment = aware(at)
            items.append((case, event_name(event), local_date(moment), moment))
        if not items:
            return []
        recorded_at = _now()
        with transaction(self.engine, self.url) as conn:
            cur = RawCursor(conn)
            wanted = sorted({c for c, *_ in items})
            known: set[str] = set()
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                known.update(r[0] for r in cur.all(f"SELECT id FROM ledger_case WHERE id IN ({marks(len(chunk))})",
                                                   chunk))
            missing = [c for c in wanted if c not in known]
            if missing:
                raise LedgerError(f"the ledger has no case {missing[0]!r}"
                                  + (f" (nor {len(missing) - 1} more)" if len(missing) > 1 else "")
                                  + "; open it first with `ijw ledger open BEPALING`")
            existing: set[tuple[Any, ...]] = set()  # (case, name, day as the column holds it)
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                existing.update(cur.all(
                    f"SELECT case_id, name, day FROM ledger_event WHERE case_id IN ({marks(len(chunk))})", chunk
                ))
            results = []
            rows = []
            stamp = cur.moment(recorded_at)
            for case, name, day, moment in items:
                key = (case, name, cur.day(day))
                created = key not in existing
                if created:
                    existing.add(key)
                    rows.append((*key, cur.moment(moment), stamp))
                results.append(EventResult(case=case, event=name, day=day, created=created))
            cur.many('INSERT INTO ledger_event (case_id, name, day, "at", recorded_at) VALUES (?, ?, ?, ?, ?) '
                     "ON CONFLICT (case_id, name, day) DO NOTHING", rows)
            cur.close()
        log.info("events recorded", events=len(results), created=len(rows))
        return results

    # ------------------------------------------------------------------ messages
    def ingest(
        self,
        sources: str | Path | bytes | Iterable[str | Path | bytes],
        direction: Direction,
        at: Moment | None = None,
    ) -> list[IngestResult]:
        """Record message files (paths, directories searched for ``*.xml``, or bytes), each
        linked to its case, each all or nothing (a SAVEPOINT of its own; up to INGEST_BATCH of
        them share a transaction). ``at`` defaults to each message's (retour)dagtekening.
        Database failures raise LedgerError (the messages before it stay recorded); a message
        that is invalid or belongs to no case is reported in its result and not recorded."""
        _check_direction(direction)
        items = [sources] if isinstance(sources, str | Path | bytes | bytearray) else list(sources)
        plan: list[tuple[str, bytes | Path]] = []  # every path is checked before anything is written
        skipped: list[IngestResult] = []
        for index, item in enumerate(items, start=1):
            if isinstance(item, bytes | bytearray):
                plan.append((f"<bytes {index}>", bytes(item)))
                continue
            for path in _expand(Path(item)):
                if why := not_a_message_file(path):
                    skipped.append(IngestResult(source=str(path), status="skipped",
                                                detail=f"{why}, not a message file, so it is not read"))
                else:
                    plan.append((str(path), path))
        results: list[IngestResult | None] = []
        batch: list[tuple[int, str, Prepared]] = []  # (position in results, source, prepared message)
        started = batch_started = time.perf_counter()
        for source, prepared in self._prepared(plan):
            if isinstance(prepared, str):  # vanished, unreadable, too large or not a valid message: go on
                results.append(IngestResult(source=source, status="invalid", detail=prepared))
                continue
            batch.append((len(results), source, prepared))
            results.append(None)
            if len(batch) >= INGEST_BATCH or time.perf_counter() - batch_started >= INGEST_BATCH_SECONDS:
                self._store_batch(batch, direction, at, results)
                batch, batch_started = [], time.perf_counter()
        if batch:
            self._store_batch(batch, direction, at, results)
        done = skipped + [r for r in results if r is not None]
        counts: dict[str, int] = {}
        for result in done:
            counts[result.status] = counts.get(result.status, 0) + 1
        log.info("ingested", files=len(plan), direction=direction, seconds=round(time.perf_counter() - started, 3),
                 **counts)
        return done

    def _prepared(self, plan: Sequence[tuple[str, bytes | Path]]) -> Iterator[tuple[str, Prepared | str]]:
        """Each message parsed and hashed (or why it is invalid), in order: in worker processes
        for INGEST_PARALLEL_MIN messages or more, where there is a second core."""
        if len(plan) >= INGEST_PARALLEL_MIN and self._workers is None and (workers := worker_count()):
            self.engine.dispose()  # no pooled connection may be shared with the forked workers
            self._workers = PreparePool(self._hash, workers, _message_bytes)
        if len(plan) >= INGEST_PARALLEL_MIN and self._workers is not None:
            yield from self._workers.run(plan)
            return
        for source, content in plan:
            try:
                yield source, prepare(_message_bytes(content), self._hash)
            except (UsageError, MessageError) as error:  # vanished, unreadable or too large mid-batch
                yield source, str(error)

    def _store_batch(
        self,
        batch: list[tuple[int, str, Prepared]],
        direction: Direction,
        at: Moment | None,
        results: list[IngestResult | None],
    ) -> None:
        """Store parsed messages in one transaction, each in a SAVEPOINT: a database error undoes
        that message only; the ones before it are committed, then the error is raised."""
        failed: BaseException | None = None
        with transaction(self.engine, self.url) as conn:
            cur = RawCursor(conn)
            db_errors = (DBAPIError, SQLAlchemyError, driver_errors(conn))
            for position, source, prepared in batch:
                try:
                    with savepoint(cur):
                        results[position] = self._store_raw(conn, cur, source, prepared, direction, at, None)
                except UsageError as error:  # a (retour)dagtekening outside the ledger's dates: this one only
                    results[position] = IngestResult(source=source, status="invalid", detail=str(error))
                except db_errors as error:
                    failed = error
                    break
            cur.close()
        for position, *_ in batch:
            result = results[position]
            if result is not None and result.status == "recorded":
                log.info("message recorded", case=result.case, bericht=result.berichttype, direction=direction)
        if failed is not None:
            raise LedgerError(explain(failed, self.url))

    def link_message(
        self, case: str, message: Any, direction: Direction, at: Moment | None = None
    ) -> IngestResult:
        """Record a message we built (bytes or model) for ``case`` without searching for the case."""
        _check_direction(direction)
        checked = _as_checked(message)
        model, data = checked.model, checked.data
        return self._store("<message>", model, data, direction, at, case=case)

    def _store(
        self, source: str, model: Any, data: bytes, direction: Direction, at: Moment | None, case: str | None = None
    ) -> IngestResult:
        with transaction(self.engine, self.url) as conn:
            result = self._store_in(conn, source, model, data, direction, at, case)
        if result.status == "recorded":
            log.info("message recorded", case=result.case, bericht=result.berichttype, direction=direction)
        return result

    def _store_in(
        self,
        conn: Connection,
        source: str,
        model: Any,
        data: bytes,
        direction: Direction,
        at: Moment | None,
        case: str | None = None,
        raw: RawCursor | None = None,
    ) -> IngestResult:
        cur = raw or RawCursor(conn)
        try:
            return self._store_raw(conn, cur, source, prepare_model(model, data, self._hash), direction, at, case)
        finally:
            if raw is None:
                cur.close()

    def _store_raw(
        self,
        conn: Connection,
        cur: RawCursor,
        source: str,
        prepared: Prepared,
        direction: Direction,
        at: Moment | None,
        case: str | None,
    ) -> IngestResult:
        """One message, its products and its TR056 claim, on the DB-API cursor (see writer.py)."""
        info, bsn_hash, content_hash = prepared.info, prepared.bsn_hash, prepared.content_hash
        moment = aware(at) if at is not None else aware(info.dagtekening)
        base = {"source": source, "berichttype": info.berichttype, "identificatie": info.identificatie}
        key = (info.berichttype, info.afzender, info.ontvanger, info.identificatie, info.retour_op or "")
        existing = cur.one(_SQL_EXISTING, key)
        if existing is not None:
            return _duplicate(base, existing, content_hash)
        try:
            if case is not None:
                row = self._case_row(conn, case)
                if bsn_hash is not None and row.bsn_hash != bsn_hash:
                    raise LedgerError(f"the BSN of the message differs from the jeugdige of case {case}")
                case_id = case
            else:  # a declaration spans clients: the case of its first toewijzing (chain_store.py)
                case_id = chain_store.declaration_case(conn, prepared.chain) or self._find_case(cur, info, bsn_hash)
        except LedgerError as error:
            if case is not None:
                raise
            return IngestResult(status="unlinked", detail=str(error), **base)
        answers = self._answered(cur, case_id, info)
        inserted = cur.one(
            _SQL_MESSAGE,
            (case_id, info.berichttype, direction, info.afzender, info.ontvanger, info.identificatie,
             info.retour_op or "", cur.day(info.dagtekening), cur.moment(moment), answers, info.verzoek_antwoord,
             cur.day(info.zorgdatum), bsn_hash, content_hash, cur.moment(_now())),
        )
        if inserted is None:  # another process recorded it since we looked
            existing = cur.one(_SQL_EXISTING, key)
            if existing is None:
                raise LedgerError(f"{info.berichttype} {info.identificatie} could not be recorded; try again")
            return _duplicate(base, existing, content_hash)
        new_id = inserted[0]
        products = [(new_id, r, "RA") for r in info.referenties]
        products += [(new_id, n, "TN") for n in info.toewijzingnummers if n not in info.referenties]
        cur.many(_SQL_PRODUCT, products)
        if prepared.chain is not None:  # the toewijzingen, starts, stops, prestaties it states (chain_store.py)
            chain_store.record(conn, new_id, case_id, prepared.chain, bsn_hash)
        if not info.heenbericht:
            self._claim(conn, info.berichttype, info.afzender, info.identificatie, prepared.claim_hash, raw=cur)
        return IngestResult(status="recorded", case=case_id, **base)

    def record_messages(
        self,
        messages: Sequence[tuple[Any, Direction]],
        *,
        case: str | None = None,
        bepaling: Any = None,
        opened_at: Moment | None = None,
    ) -> list[IngestResult]:
        """Record messages that belong together in one transaction: all of them or, on a database
        error, none. ``messages`` are (bytes, model or checked message, direction); see
        :meth:`record_checked`, which this is for callers that have not validated them."""
        checked = [(_as_checked(message), direction) for message, direction in messages]
        described = _case_of(bepaling) if bepaling is not None else None
        return self.record_checked(checked, case=described or case, opened_at=opened_at)

    def record_checked(
        self,
        messages: Sequence[tuple[CheckedMessage, Direction]],
        *,
        case: str | CaseDescription | None = None,
        opened_at: Moment | None = None,
    ) -> list[IngestResult]:
        """Record checked messages that belong together (what ``ijw build`` or ``ijw respond``
        wrote) in one transaction: all of them or, on a database error, none. Nothing is parsed.

        With a :class:`CaseDescription` the case is opened first when it is not yet (at
        ``opened_at``, default its vastgesteld_op) and every message is recorded for it; with a
        case id for that case; otherwise the case is found from the first message, and when it
        belongs to no case nothing is recorded and every result says ``unlinked``.
        """
        items: list[tuple[Prepared, Direction]] = []
        for message, direction in messages:
            _check_direction(direction)
            if message.model is None:
                raise UsageError("only a schema-valid iJw message can be recorded in the ledger")
            items.append((prepare_model(message.model, message.data, self._hash), direction))
        results: list[IngestResult] = []
        case_id = case if isinstance(case, str) else None
        try:
            with transaction(self.engine, self.url) as conn:
                cur = RawCursor(conn)
                try:
                    if isinstance(case, CaseDescription):
                        opened = opened_at if opened_at is not None else case.vastgesteld_op
                        case_id = self._open_in(conn, case, opened).case
                    for prepared, direction in items:
                        result = self._store_raw(conn, cur, "<message>", prepared, direction, None, case_id)
                        if result.status == "unlinked":
                            raise _Unlinked(result.detail)  # rolls back what this call wrote
                        case_id = case_id or result.case
                        results.append(result)
                finally:
                    cur.close()
        except _Unlinked as unlinked:
            results = [IngestResult(status="unlinked", detail=unlinked.detail, source="<message>",
                                    berichttype=p.info.berichttype, identificatie=p.info.identificatie)
                       for p, _ in items]
        recorded = sum(r.status == "recorded" for r in results)
        log.info("messages recorded", case=case_id, messages=len(results), recorded=recorded)
        return results

    # ------------------------------------------------------------------ identifiers
    def toewijzingnummer(self, gemeente: str, *sleutel: object) -> int:
        """The gemeente's next ToewijzingNummer (1, 2, 3, …), for what ``sleutel`` names.

        Asking again for the same gemeente and sleutel gives the same number, so a re-run
        of a build writes the same JW301. The counter is shared by every process on the
        ledger: SQLite queues the writers, PostgreSQL takes the gemeente's advisory lock.
        """
        if not (len(gemeente) == 4 and gemeente.isascii() and gemeente.isdigit()):
            raise UsageError(f"gemeente {gemeente!r}: expected a CBS gemeentecode of four digits")
        key = "|".join(map(str, sleutel))
        if not key or len(key) > 120:
            raise UsageError("a ToewijzingNummer needs a sleutel of 1 to 120 characters")
        where = (_NUMMER.c.gemeente == gemeente) & (_NUMMER.c.sleutel == key)
        with transaction(self.engine, self.url) as conn:
            if self.engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_COUNTER_LOCK + int(gemeente)})
            found = conn.execute(select(_NUMMER.c.nummer).where(where)).scalar()
            if found is not None:
                return int(found)
            last = conn.execute(select(func.max(_NUMMER.c.nummer)).where(_NUMMER.c.gemeente == gemeente)).scalar()
            nummer = (last or 0) + 1
            if nummer > MAX_TOEWIJZINGNUMMER:
                raise LedgerError(f"gemeente {gemeente} has given out every ToewijzingNummer up to {last}")
            conn.execute(_NUMMER.insert().values(gemeente=gemeente, sleutel=key, nummer=nummer, created_at=_now()))
        log.info("toewijzingnummer given", gemeente=gemeente, nummer=nummer)
        return nummer

    def claim_identificatie(self, berichttype: str, afzender: str, identificatie: str, digest: str) -> datetime | None:
        """TR056 across batches: note that ``afzender`` used ``identificatie`` for a ``berichttype``.

        ``digest`` is :func:`~ijw_gateway.messages.identificatie.content_digest` of the message.
        Returns None when the Identificatie is new or was seen for this same message, and when
        another message used it, the moment that one was first seen.
        """
        with transaction(self.engine, self.url) as conn:
            return self._claim(conn, berichttype, afzender, identificatie, self._hash.content(digest.encode()))

    def _claim(
        self, conn: Connection, berichttype: str, afzender: str, identificatie: str, content_hash: str,
        raw: RawCursor | None = None,
    ) -> datetime | None:
        if raw is not None:
            inserted = raw.one(_SQL_SEEN, (berichttype, afzender, identificatie, content_hash, raw.moment(_now())))
        else:
            inserted = conn.execute(
                self._sql["seen"],
                {"berichttype": berichttype, "afzender": afzender, "identificatie": identificatie,
                 "content_hash": content_hash, "seen_at": _now()},
            ).scalar()
        if inserted is not None:
            return None
        key = (
            (_SEEN.c.berichttype == berichttype)
            & (_SEEN.c.afzender == afzender)
            & (_SEEN.c.identificatie == identificatie)
        )
        row = conn.execute(select(_SEEN.c.content_hash, _SEEN.c.seen_at).where(key)).one()
        if row.content_hash == content_hash:
            return None
        if row.content_hash == "":  # carried over from schema 0001: the content was not kept
            conn.execute(_SEEN.update().where(key).values(content_hash=content_hash))
            return None
        return row.seen_at  # type: ignore[no-any-return]

    def _find_case(self, cur: RawCursor, info: MessageInfo, bsn_hash: str | None) -> str:
        """The case of a message: by our kenmerk in its references, by the message it answers,
        by shared product references, and last by the hashed BSN and the gemeente."""
        label = f"{info.berichttype} {info.identificatie}"
        parties = {info.afzender, info.ontvanger}
        case_bsn: dict[str, str] = {}  # the jeugdige of cases read already (a case's bsn_hash never changes)

        def chosen(case_ids: set[str], how: str) -> str | None:
            if not case_ids:
                return None
            if len(case_ids) > 1:
                raise LedgerError(
                    f"{label} matches {len(case_ids)} cases by {how} ({', '.join(sorted(case_ids))}); "
                    "record it for one case with Ledger.link_message"
                )
            case_id = case_ids.pop()
            if bsn_hash is not None:
                if case_id not in case_bsn:
                    row = cur.one("SELECT bsn_hash FROM ledger_case WHERE id = ?", (case_id,))
                    if row is not None:
                        case_bsn[case_id] = row[0]
                if case_bsn.get(case_id) != bsn_hash:
                    raise LedgerError(f"{label} names case {case_id} by {how}, but its BSN is another jeugdige's")
            return case_id

        # 1. the kenmerk of a bepaling in ReferentieAanbieder (<kenmerk>-<line>) of messages we built
        kenmerken = {m["kenmerk"] for r in info.referenties if (m := _KENMERK_REF.match(r))}
        if kenmerken:
            ids = sorted(kenmerken)
            case_bsn.update(cur.all(f"SELECT id, bsn_hash FROM ledger_case WHERE id IN ({marks(len(ids))})", ids))
            found = set(case_bsn)
            if (case_id := chosen(found, "the kenmerk in ReferentieAanbieder")) is not None:
                return case_id
        # 2. a retourbericht: the message it answers
        if info.heenbericht and info.retour_op:
            # afzender and ontvanger narrow it on the unique key's index (the check below stays the same)
            rows = cur.all(
                "SELECT case_id, afzender, ontvanger FROM ledger_message WHERE berichttype = ? "
                "AND afzender IN (?, ?) AND ontvanger IN (?, ?) AND identificatie = ?",
                (info.heenbericht, info.afzender, info.ontvanger, info.afzender, info.ontvanger, info.retour_op),
            )
            found = {case_id for case_id, afzender, ontvanger in rows if {afzender, ontvanger} == parties}
            if (case_id := chosen(found, f"the {info.heenbericht} it answers")) is not None:
                return case_id
        # 3. product references (ReferentieAanbieder / ToewijzingNummer) shared with earlier messages
        if info.producten:
            refs = list(info.producten)
            rows = cur.all(
                "SELECT m.case_id, m.afzender, m.ontvanger, m.bsn_hash FROM ledger_message m "
                "JOIN ledger_message_product p ON p.message_id = m.id "
                f"WHERE p.ref IN ({marks(len(refs))})", refs,
            )
            found = {
                case_id
                for case_id, afzender, ontvanger, row_bsn in rows
                if {afzender, ontvanger} == parties
                and (bsn_hash is None or row_bsn is None or row_bsn == bsn_hash)
            }
            if (case_id := chosen(found, "ReferentieAanbieder / ToewijzingNummer")) is not None:
                return case_id
        # 4. the hashed BSN, within the gemeente of the message; open cases first
        if bsn_hash is not None:
            gemeenten = sorted(parties)
            rows = cur.all(f"SELECT id FROM ledger_case WHERE bsn_hash = ? AND gemeente IN ({marks(len(gemeenten))})",
                           [bsn_hash, *gemeenten])
            found = {r[0] for r in rows}
            if len(found) > 1:
                ids = sorted(found)
                closed = {r[0] for r in cur.all(
                    f"SELECT case_id FROM ledger_event WHERE case_id IN ({marks(len(ids))}) AND name = 'afgesloten'",
                    ids)}
                found = (found - closed) or found
            if (case_id := chosen(found, "BSN and gemeente")) is not None:
                return case_id
        raise LedgerError(
            f"{label} belongs to no case in the ledger (no known kenmerk, reference, answered message or "
            "BSN of this gemeente); open the case of its bepaling first"
        )

    def _answered(self, cur: RawCursor, case_id: str, info: MessageInfo) -> int | None:
        """The id of the message this one answers, when it is in the ledger."""
        row = None
        if info.heenbericht and info.retour_op:
            row = cur.one(
                "SELECT id FROM ledger_message WHERE case_id = ? AND berichttype = ? AND identificatie = ? "
                "ORDER BY dagtekening DESC, id DESC LIMIT 1", (case_id, info.heenbericht, info.retour_op),
            )
        elif info.berichttype in ("JW301", "JW319") and info.referenties:
            refs = list(info.referenties)
            row = cur.one(
                "SELECT m.id FROM ledger_message m JOIN ledger_message_product p ON p.message_id = m.id "
                f"WHERE m.case_id = ? AND m.berichttype IN ('JW315', 'JW317') AND p.ref IN ({marks(len(refs))}) "
                "ORDER BY m.dagtekening DESC, m.id DESC LIMIT 1", [case_id, *refs],
            )
        return None if row is None else int(row[0])

    # ------------------------------------------------------------------ reading
    def facts(self, case: str | None = None) -> list[CaseFacts]:
        """The deadline engine's input for one case or all cases."""
        with transaction(self.engine, self.url) as conn:
            if case is not None:
                cases = [self._case_row(conn, case)]
            else:
                cases = list(conn.execute(select(_CASE).order_by(_CASE.c.id)))
            where_case = (lambda col: col == case) if case is not None else (lambda col: col.is_not(None))
            events: dict[str, list[Event]] = {}
            for r in conn.execute(select(_EVENT).where(where_case(_EVENT.c.case_id)).order_by(_EVENT.c.id)):
                events.setdefault(r.case_id, []).append(Event(name=r.name, at=r.at))
            products: dict[int, list[str]] = {}
            query = (
                select(_PRODUCT.c.message_id, _PRODUCT.c.ref, _PRODUCT.c.kind)
                .join(_MESSAGE, _PRODUCT.c.message_id == _MESSAGE.c.id)
                .where(where_case(_MESSAGE.c.case_id))
                .order_by(_PRODUCT.c.message_id, _PRODUCT.c.kind, _PRODUCT.c.ref)
            )
            for r in conn.execute(query):
                products.setdefault(r.message_id, []).append(r.ref)
            messages: dict[str, list[MessageFact]] = {}
            for r in conn.execute(select(_MESSAGE).where(where_case(_MESSAGE.c.case_id)).order_by(_MESSAGE.c.id)):
                messages.setdefault(r.case_id, []).append(
                    MessageFact(
                        berichttype=r.berichttype,
                        direction=r.direction,
                        at=r.at,
                        identificatie=r.identificatie,
                        retour_op=r.retour_op or None,
                        verzoek_antwoord=r.verzoek_antwoord,
                        producten=tuple(products.get(r.id, ())),
                        zorgdatum=r.zorgdatum,
                    )
                )
        return [
            CaseFacts(
                case=c.id,
                route=c.route,
                opened_at=c.opened_at,
                events=tuple(events.get(c.id, ())),
                messages=tuple(messages.get(c.id, ())),
            )
            for c in cases
        ]

    def status(
        self,
        case: str | None = None,
        *,
        today: date | None = None,
        overdue: bool = False,
        due_within: int | None = None,
    ) -> list[Deadline]:
        """The deadlines as of ``today`` (default: today in Amsterdam), filtered like ``ijw ledger status``."""
        day = today or _now().date()
        if due_within is not None and due_within < 0:
            raise UsageError(f"--due-within {due_within}: expected a number of werkdagen of 0 or more")
        if case is not None:
            self.case(case)  # LedgerError when the ledger does not have it
        # Same result as select_deadlines(compute_all(self.facts(case))), read lean and split over the cores.
        from ijw_gateway.ledger.reader import ledger_deadlines

        return ledger_deadlines(self.engine, self.url, today=day, calendar=self.calendar,
                                definitions=self.definitions, case=case, overdue=overdue, due_within=due_within)

    def counts(self) -> dict[str, int]:
        """How many cases, events, messages and product references the ledger holds."""
        with transaction(self.engine, self.url) as conn:
            return {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in (
                    ("cases", _CASE),
                    ("events", _EVENT),
                    ("messages", _MESSAGE),
                    ("products", _PRODUCT),
                )
            }


# ---------------------------------------------------------------------- helpers
def _case_info(row: Any, created: bool = False) -> CaseInfo:
    return CaseInfo(
        case=row.id,
        route=row.route,
        gemeente=row.gemeente,
        regio=row.regio,
        gi=row.gi,
        maatregel=row.maatregel,
        opened_at=row.opened_at,
        created=created,
        mapping=row.mapping,
    )


class _ReadOnly:
    """The hashing key of a ledger opened for reading only: reading needs none, writing is refused."""

    def __getattr__(self, _name: str) -> Any:
        raise LedgerError("this ledger was opened for reading only (status, report); open it without read_only")


class _Unlinked(Exception):
    def __init__(self, detail: str | None) -> None:
        self.detail = detail


def _case_of(bepaling: Any) -> CaseDescription:
    """The case of a bepaling (a file path, a Bepaling, a mapping) or a CaseDescription as it is."""
    if isinstance(bepaling, CaseDescription):
        return bepaling
    from ijw_gateway.workflows.cases import case_of  # the use-case layer knows bepalingen; the store does not

    return case_of(bepaling)


def _as_checked(message: Any) -> CheckedMessage:
    """A message given as bytes (parsed and schema-checked now), a model or a checked message."""
    if isinstance(message, CheckedMessage):
        return message
    if isinstance(message, bytes | bytearray):
        checked = check(bytes(message), ValidationContext(rules=False))
        if checked.model is None:
            errors = [f for f in checked.report.findings if f.severity == "error"]
            raise MessageError(f"not a valid iJw message: {errors[0].message}", errors)
        return checked
    return CheckedMessage(to_xml(message), MessageReport.of(None, berichttype_of(message).naam, []),
                          berichttype_of(message), xsd_valid=True, model=message)


def _duplicate(base: dict[str, Any], existing: tuple[Any, ...], content_hash: str) -> IngestResult:
    """``existing``: (case_id, content_hash) of the message already recorded under its key."""
    case_id, stored_hash = existing
    if stored_hash == content_hash:
        return IngestResult(status="duplicate", case=case_id, **base)
    return IngestResult(
        status="conflict",
        case=case_id,
        detail="the ledger already has a different message under this sender, type and identificatie; kept the first",
        **base,
    )


def _check_direction(direction: str) -> None:
    if direction not in ("sent", "received"):
        raise UsageError(f"--direction {direction}: expected 'sent' or 'received'")


def _expand(path: Path) -> Sequence[Path]:
    if path.is_dir():
        return xml_files(path)
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"{path}: no such file or directory")
    return [path]


def _message_bytes(content: bytes | Path) -> bytes:
    return content if isinstance(content, bytes) else _read_message(content)


def _read_message(path: Path) -> bytes:
    try:
        data = read_regular_file(path, MAX_MESSAGE_BYTES + 1)
    except NotARegularFile:
        raise UsageError(f"{path}: not a regular file (a pipe, device or socket), so it is not read") from None
    except DanglingLink:
        raise UsageError(f"{path}: a symbolic link to a file that does not exist, so it is not read") from None
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_MESSAGE_BYTES:
        raise UsageError(f"{path}: more than an iJw message can be ({MAX_MESSAGE_BYTES:,} bytes at most)")
    return data

