"""``Ledger``: cases, route events and messages on SQLite or PostgreSQL (``ijw.Ledger``).

A thin facade over what the ledger is made of: :mod:`.recording` (cases, events and messages,
each call one unit of work), :mod:`.linking` (which case a message belongs to), :mod:`.ingest`
(message files in batches, parsed in worker processes), :mod:`.counters` (ToewijzingNummers,
TR056 claims), :mod:`.repository` (every statement) and :mod:`.store` (tables, engine, and the
one place database errors become a LedgerError).

Every method is one transaction (``ingest``: one per batch, each message all or nothing) and
idempotent: opening the same case, recording the same event on the same day, or recording the
same message (sender, type, identificatie) again changes nothing. Concurrent writers in other
processes queue (SQLite) or rely on the unique keys (PostgreSQL); nothing is lost or doubled.

The ledger takes checked messages (:class:`~ijw_gateway.validation.checked.CheckedMessage`)
and plain case descriptions (:class:`~ijw_gateway.ledger.cases.CaseDescription`); it knows
no bepaling, region or contract.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ijw_gateway.errors import LedgerError, MessageError, UsageError
from ijw_gateway.ledger import counters, recording
from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.cases import CaseDescription
from ijw_gateway.ledger.deadlines import Deadline
from ijw_gateway.ledger.facts import CaseFacts, Direction, Event, MessageFact
from ijw_gateway.ledger.ingest import MAX_MESSAGE_BYTES, Ingester
from ijw_gateway.ledger.prepare import Prepared, prepare_checked
from ijw_gateway.ledger.privacy import Hasher, discard_new_key, load_key
from ijw_gateway.ledger.recording import Item
from ijw_gateway.ledger.repository import Repository, SeenKey
from ijw_gateway.ledger.results import CaseInfo, EventResult, IngestResult, Moment, case_info, now
from ijw_gateway.ledger.routes import Definitions, load_definitions
from ijw_gateway.ledger.schema import ensure_schema
from ijw_gateway.ledger.store import DEFAULT_URL, connect, describe_url, transaction
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.codec import to_xml
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.findings import MessageReport
from ijw_gateway.validation.validator import ValidationContext, check

__all__ = ["MAX_MESSAGE_BYTES", "CaseInfo", "EventResult", "IngestResult", "Ledger", "ledger_url"]

log = get_logger(__name__)

DescribeCase = Callable[[Any], CaseDescription]
"""Turns what a caller calls a case (a bepaling file, a Bepaling, a mapping) into a CaseDescription."""


def ledger_url(url: str | None = None) -> str:
    """The ledger URL: the argument, else env ``IJW_DB``, else ``sqlite:///ijw-ledger.db``."""
    return url or os.environ.get("IJW_DB") or DEFAULT_URL


class Ledger:
    """The ledger at a database URL; the same operations as ``ijw ledger …``.

    ``Ledger()`` uses env ``IJW_DB`` or ``sqlite:///ijw-ledger.db``. The hashing key of
    personal data comes from ``key``/``key_file`` or the environment (see
    :mod:`ijw_gateway.ledger.privacy`). Raises LedgerError when the database cannot be
    used (unreachable, locked, corrupt, of a newer version, another key). ``read_only=True``
    (``ledger status``, ``ledger report``) reads without a key, a migration or write access.
    ``describe``: how :meth:`open` and :meth:`record_messages` turn a bepaling into a case
    (default: the use-case layer's ``case_of``).
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
        describe: DescribeCase | None = None,
    ) -> None:
        self.url = ledger_url(url)
        self.calendar = calendar or WorkingDayCalendar()
        self.definitions = definitions or load_definitions()
        self.engine = connect(self.url, read_only=read_only)
        self._describe = describe
        try:
            self.revision = ensure_schema(self.engine, self.url, read_only=read_only)
            self._hash: Hasher = _ReadOnly() if read_only else self._init_key(key, key_file)  # type: ignore[assignment]
        except BaseException:
            self.engine.dispose()
            raise
        self._ingester = Ingester(self.engine, self.url, self._hash)

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self._ingester.close()
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({describe_url(self.url)!r})"

    def _init_key(self, key: str | bytes | None, key_file: Path | str | None) -> Hasher:
        with transaction(self.engine, self.url) as conn:
            stored = Repository(conn).meta("key_check")
        hasher = Hasher(load_key(self.url, key, key_file, stored=stored))
        if stored is None:
            with transaction(self.engine, self.url) as conn:
                repo = Repository(conn)
                repo.add_meta("key_check", hasher.fingerprint())
                stored = repo.meta("key_check")
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
        """Open the case of a bepaling (a CaseDescription, file path, Bepaling or mapping) at ``at`` (default now)."""
        return self.open_case(self._case_of(bepaling), at)

    def open_case(self, case: CaseDescription, at: Moment | None = None) -> CaseInfo:
        """Open ``case`` at ``at`` (default now); opening it again changes nothing but ``mapping``
        (why its bepaling cannot be mapped, which a changed contract or bepaling may change)."""
        with transaction(self.engine, self.url) as conn:
            info = recording.open_case(Repository(conn), self._hash, case, at)
        log.info("case opened" if info.created else "case already open", case=info.case, route=info.route)
        return info

    def case(self, case: str) -> CaseInfo:
        """One case; LedgerError when the ledger does not have it."""
        with transaction(self.engine, self.url) as conn:
            return case_info(recording.case_row(Repository(conn), case))

    def cases(self) -> list[CaseInfo]:
        with transaction(self.engine, self.url) as conn:
            return [case_info(r) for r in Repository(conn).cases()]

    def record(self, case: str, event: str, at: Moment | None = None) -> EventResult:
        """Record a route event (``overleg``, ``bepaling_verstuurd``, …) of a case, at ``at`` (default now)."""
        with transaction(self.engine, self.url) as conn:
            result = recording.record_event(Repository(conn), case, event, at)
        log.info("event recorded" if result.created else "event already recorded", case=case,
                 route_event=result.event, day=str(result.day))
        return result

    def record_many(self, events: Iterable[tuple[str, str, Moment]]) -> list[EventResult]:
        """Record many route events (case, event, at) in one transaction: all or, on any error
        (an unknown event or case), none. Each is idempotent as with :meth:`record`."""
        items = list(events)
        if not items:
            return []
        with transaction(self.engine, self.url) as conn:
            results = recording.record_events(Repository(conn), items)
        log.info("events recorded", events=len(results), created=sum(r.created for r in results))
        return results

    # ------------------------------------------------------------------ messages
    def ingest(
        self,
        sources: str | Path | bytes | Iterable[str | Path | bytes],
        direction: Direction,
        at: Moment | None = None,
    ) -> list[IngestResult]:
        """Record message files (paths, directories searched for ``*.xml``, or bytes), each
        linked to its case, each all or nothing (up to INGEST_BATCH of them share a
        transaction). ``at`` defaults to each message's (retour)dagtekening.
        Database failures raise LedgerError (the messages before it stay recorded); a message
        that is invalid or belongs to no case is reported in its result and not recorded."""
        _check_direction(direction)
        items = [sources] if isinstance(sources, str | Path | bytes | bytearray) else list(sources)
        return self._ingester.ingest(items, direction, at)

    def link_message(
        self, case: str, message: Any, direction: Direction, at: Moment | None = None
    ) -> IngestResult:
        """Record a message we built (bytes, model or checked message) for ``case`` without searching for the case."""
        _check_direction(direction)
        item = Item("<message>", self._prepared(_as_checked(message)), direction, at)
        with transaction(self.engine, self.url) as conn:
            [result] = recording.record_messages(Repository(conn), [item], case=case)
        if result.status == "recorded":
            log.info("message recorded", case=result.case, bericht=result.berichttype, direction=direction)
        return result

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
        described = self._case_of(bepaling) if bepaling is not None else None
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
        items: list[Item] = []
        for message, direction in messages:
            _check_direction(direction)
            items.append(Item("<message>", self._prepared(message), direction))
        case_id = case if isinstance(case, str) else None
        try:
            with transaction(self.engine, self.url) as conn:
                repo = Repository(conn)
                if isinstance(case, CaseDescription):
                    opened = opened_at if opened_at is not None else case.vastgesteld_op
                    case_id = recording.open_case(repo, self._hash, case, opened).case
                # Without a case, the first message names it (or none: then nothing of this call stays).
                results = recording.record_messages(repo, items[:1]) if case_id is None else []
                if results and results[0].status == "unlinked":
                    raise _Unlinked(results[0].detail)
                case_id = case_id or (results[0].case if results else None)
                results += recording.record_messages(repo, items[len(results):], case=case_id)
        except _Unlinked as unlinked:
            results = [IngestResult(status="unlinked", detail=unlinked.detail, source="<message>",
                                    berichttype=it.prepared.info.berichttype,
                                    identificatie=it.prepared.info.identificatie) for it in items]
        recorded = sum(r.status == "recorded" for r in results)
        log.info("messages recorded", case=case_id, messages=len(results), recorded=recorded)
        return results

    def _prepared(self, message: CheckedMessage) -> Prepared:
        prepared = prepare_checked(message, self._hash)
        if prepared is None:
            raise UsageError("only a schema-valid iJw message can be recorded in the ledger")
        return prepared

    def _case_of(self, bepaling: Any) -> CaseDescription:
        if isinstance(bepaling, CaseDescription):
            return bepaling
        if self._describe is not None:
            return self._describe(bepaling)
        # The use-case layer knows bepalingen, the store does not; imported on use only, so that the
        # ledger package does not depend on the use-case layer (which depends on it) when it loads.
        from ijw_gateway.workflows.cases import case_of

        return case_of(bepaling)

    # ------------------------------------------------------------------ identifiers
    def toewijzingnummer(self, gemeente: str, *sleutel: object) -> int:
        """The gemeente's next ToewijzingNummer (1, 2, 3, …), for what ``sleutel`` names.

        Asking again for the same gemeente and sleutel gives the same number, so a re-run
        of a build writes the same JW301. The counter is shared by every process on the
        ledger: SQLite queues the writers, PostgreSQL takes the gemeente's advisory lock.
        """
        key = counters.sleutel_of(gemeente, sleutel)
        with transaction(self.engine, self.url) as conn:
            nummer, given = counters.toewijzingnummer(Repository(conn), gemeente, key)
        if given:
            log.info("toewijzingnummer given", gemeente=gemeente, nummer=nummer)
        return nummer

    def claim_identificatie(self, berichttype: str, afzender: str, identificatie: str, digest: str) -> datetime | None:
        """TR056 across batches: note that ``afzender`` used ``identificatie`` for a ``berichttype``.

        ``digest`` is :func:`~ijw_gateway.messages.identificatie.content_digest` of the message.
        Returns None when the Identificatie is new or was seen for this same message, and when
        another message used it, the moment that one was first seen.
        """
        content_hash = self._hash.content(digest.encode())
        with transaction(self.engine, self.url) as conn:
            return counters.claim(Repository(conn), SeenKey(berichttype, afzender, identificatie), content_hash)

    # ------------------------------------------------------------------ reading
    def facts(self, case: str | None = None) -> list[CaseFacts]:
        """The deadline engine's input for one case or all cases."""
        with transaction(self.engine, self.url) as conn:
            repo = Repository(conn)
            cases = [recording.case_row(repo, case)] if case is not None else repo.cases()
            event_rows, product_rows, message_rows = repo.facts_rows(case)
        events: dict[str, list[Event]] = {}
        for r in event_rows:
            events.setdefault(r.case_id, []).append(Event(name=r.name, at=r.at))
        products: dict[int, list[str]] = {}
        einden: dict[int, list[tuple[str, date]]] = {}
        for r in product_rows:
            products.setdefault(r.message_id, []).append(r.ref)
            if r.einddatum is not None:
                einden.setdefault(r.message_id, []).append((r.ref, r.einddatum))
        messages: dict[str, list[MessageFact]] = {}
        for r in message_rows:
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
                    einden=tuple(einden.get(r.id, ())),
                )
            )
        return [
            CaseFacts(case=c.id, route=c.route, opened_at=c.opened_at, events=tuple(events.get(c.id, ())),
                      messages=tuple(messages.get(c.id, ())))
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
        day = today or now().date()
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
            return Repository(conn).counts()


# ---------------------------------------------------------------------- helpers
class _ReadOnly:
    """The hashing key of a ledger opened for reading only: reading needs none, writing is refused."""

    def __getattr__(self, _name: str) -> Any:
        raise LedgerError("this ledger was opened for reading only (status, report); open it without read_only")


class _Unlinked(Exception):
    def __init__(self, detail: str | None) -> None:
        self.detail = detail


def _as_checked(message: Any) -> CheckedMessage:
    """A message given as bytes (parsed and schema-checked now), a model or a checked message."""
    if isinstance(message, CheckedMessage):
        return message
    if isinstance(message, bytes | bytearray):
        checked = check(bytes(message), ValidationContext(rules=False))
        if not checked.xsd_valid:
            from ijw_gateway.validation.output import not_valid_sentence

            errors = [f for f in checked.report.findings if f.severity == "error"]
            raise MessageError(not_valid_sentence(errors), errors)
        return checked
    return CheckedMessage(to_xml(message), MessageReport.of(None, berichttype_of(message).naam, []),
                          berichttype_of(message), xsd_valid=True, model=message)


def _check_direction(direction: str) -> None:
    if direction not in ("sent", "received"):
        raise UsageError(f"--direction {direction}: expected 'sent' or 'received'")
