"""Every statement of the ledger's write and fact paths, in one style: SQLAlchemy Core.

A :class:`Repository` works on one connection inside a transaction that its caller holds
(:func:`~ijw_gateway.ledger.store.transaction`); it decides nothing. Look-ups take a batch's
keys at once and writes take many rows, so recording a batch of messages costs about ten
statements whatever its size (it was nine per message). Where the dialects differ the
statements do too, built once per dialect (:func:`_statements`): SQLite gets an OR of exact
natural-key matches (answered from the unique index) and ``executemany``; PostgreSQL gets
one array per column, joined or inserted through ``unnest`` — short statements the server
prepares once instead of long ones it plans every batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import String, Table, and_, any_, bindparam, func, or_, select, text
from sqlalchemy.engine import Connection, Row
from sqlalchemy.types import ARRAY

from ijw_gateway.ledger.store import (
    PG_COUNTER_LOCK,
    CaseRow,
    EventRow,
    MessageProductRow,
    MessageRow,
    MetaRow,
    SeenIdentificatieRow,
    ToewijzingNummerRow,
)

__all__ = ["CASE", "EVENT", "MESSAGE", "PRODUCT", "MessageKey", "Repository", "SeenKey"]

CASE: Table = CaseRow.__table__  # type: ignore[assignment]
EVENT: Table = EventRow.__table__  # type: ignore[assignment]
MESSAGE: Table = MessageRow.__table__  # type: ignore[assignment]
PRODUCT: Table = MessageProductRow.__table__  # type: ignore[assignment]
META: Table = MetaRow.__table__  # type: ignore[assignment]
SEEN: Table = SeenIdentificatieRow.__table__  # type: ignore[assignment]
NUMMER: Table = ToewijzingNummerRow.__table__  # type: ignore[assignment]

#: Values per IN list (SQLite allows 32,766 bound values; PostgreSQL 65,535): far below both.
CHUNK = 500
#: Natural keys per look-up statement (an OR of that many key matches).
KEYS_PER_STATEMENT = 64


class MessageKey(NamedTuple):
    """The natural key of a message (``retour_op`` is '' for a heenbericht)."""

    berichttype: str
    afzender: str
    ontvanger: str
    identificatie: str
    retour_op: str


class SeenKey(NamedTuple):
    """The key of a TR056 claim: a sender's Identificatie for a message type."""

    berichttype: str
    afzender: str
    identificatie: str


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


_LINKABLE = (MESSAGE.c.id, MESSAGE.c.case_id, MESSAGE.c.berichttype, MESSAGE.c.afzender, MESSAGE.c.ontvanger,
             MESSAGE.c.identificatie, MESSAGE.c.retour_op, MESSAGE.c.dagtekening, MESSAGE.c.bsn_hash,
             MESSAGE.c.content_hash)
_MESSAGE_KEY = (MESSAGE.c.berichttype, MESSAGE.c.afzender, MESSAGE.c.ontvanger, MESSAGE.c.identificatie,
                MESSAGE.c.retour_op)
_SEEN_COLUMNS = (SEEN.c.berichttype, SEEN.c.afzender, SEEN.c.identificatie, SEEN.c.content_hash, SEEN.c.seen_at)
_SEEN_KEY_COLUMNS = (SEEN.c.berichttype, SEEN.c.afzender, SEEN.c.identificatie)
_WRITTEN = {  # the columns each bulk insert writes
    "events": (EVENT, ("case_id", "name", "day", "at", "recorded_at")),
    "messages": (MESSAGE, ("case_id", "berichttype", "direction", "afzender", "ontvanger", "identificatie",
                           "retour_op", "dagtekening", "at", "answers_id", "verzoek_antwoord", "zorgdatum",
                           "bsn_hash", "content_hash", "recorded_at")),
    "products": (PRODUCT, ("message_id", "ref", "kind", "product", "datum", "einddatum")),
    "seen": (SEEN, ("berichttype", "afzender", "identificatie", "content_hash", "seen_at")),
}


@cache
def _statements(dialect: str) -> dict[str, Any]:
    """The statements whose form depends on the dialect: ``ON CONFLICT DO NOTHING`` (each
    dialect's own construct), a list of values (SQLite: an expanding IN list; PostgreSQL: one
    array, ``= ANY``), and the bulk inserts (SQLite: ``executemany``; PostgreSQL: one INSERT …
    SELECT FROM ``unnest`` of one array per column — one short statement the server prepares once)."""
    postgres = dialect == "postgresql"
    if postgres:
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert

    def among(column: Any) -> Any:
        if postgres:
            return column == any_(bindparam("ids", type_=ARRAY(column.type)))
        return column.in_(bindparam("ids", expanding=True))

    def bulk(name: str) -> Any:
        table, names = _WRITTEN[name]
        if not postgres:
            return insert(table)
        rows = func.unnest(*(bindparam(f"u_{n}", type_=ARRAY(table.c[n].type)) for n in names)).table_valued(
            *names).render_derived()
        return insert(table).from_select(list(names), select(*(rows.c[n] for n in names)))

    keys = ["berichttype", "afzender", "ontvanger", "identificatie", "retour_op"]
    return {
        "meta": insert(META).on_conflict_do_nothing(index_elements=["name"]),
        "case": insert(CASE).on_conflict_do_nothing().returning(CASE.c.id),
        "event": insert(EVENT).on_conflict_do_nothing(index_elements=["case_id", "name", "day"]).returning(EVENT.c.id),
        "events": bulk("events").on_conflict_do_nothing(index_elements=["case_id", "name", "day"]),
        "messages": bulk("messages").on_conflict_do_nothing(index_elements=keys).returning(
            MESSAGE.c.id, *(MESSAGE.c[k] for k in keys)
        ),
        "products": bulk("products").on_conflict_do_nothing(),
        "seen": bulk("seen").on_conflict_do_nothing().returning(SEEN.c.identificatie),
        "cases_by_id": select(CASE.c.id, CASE.c.bsn_hash).where(among(CASE.c.id)),
        "cases_by_bsn": select(CASE.c.id, CASE.c.gemeente, CASE.c.bsn_hash).where(among(CASE.c.bsn_hash)),
        "closed": select(EVENT.c.case_id).where(among(EVENT.c.case_id) & (EVENT.c.name == "afgesloten")).distinct(),
        "by_ref": select(*_LINKABLE, PRODUCT.c.ref).join(PRODUCT, PRODUCT.c.message_id == MESSAGE.c.id).where(
            among(PRODUCT.c.ref)),
        "event_keys": select(EVENT.c.case_id, EVENT.c.name, EVENT.c.day).where(among(EVENT.c.case_id)),
    }


_KEYED = {"message": (MESSAGE, _LINKABLE, _MESSAGE_KEY), "seen": (SEEN, _SEEN_COLUMNS, _SEEN_KEY_COLUMNS)}


@cache
def _by_keys(what: str, count: int) -> Any:
    """SQLite: the rows with one of ``count`` natural keys, as an OR of exact key matches, which
    it answers from the key's unique index (a row-value IN list is a table scan there)."""
    _, columns, key = _KEYED[what]
    terms = [and_(*(c == bindparam(f"k{i}_{j}") for j, c in enumerate(key))) for i in range(count)]
    return select(*columns).where(or_(*terms))


@cache
def _by_key_arrays(what: str) -> Any:
    """PostgreSQL: the rows of the keys given as one array per key column, joined on
    ``unnest`` — one short statement whatever the number of keys, prepared once by the server."""
    table, columns, key = _KEYED[what]
    names = [f"k{j}" for j in range(len(key))]
    keys = func.unnest(*(bindparam(n, type_=ARRAY(String)) for n in names)).table_valued(*names).render_derived()
    return select(*columns).select_from(table.join(keys, and_(*(c == keys.c[n] for c, n in zip(key, names,
                                                                                              strict=True)))))
_SEEN_KEY = ((SEEN.c.berichttype == bindparam("k_type")) & (SEEN.c.afzender == bindparam("k_from"))
             & (SEEN.c.identificatie == bindparam("k_id")))
_FILL_SEEN = SEEN.update().where(_SEEN_KEY & (SEEN.c.content_hash == "")).values(content_hash=bindparam("k_hash"))
_SET_ANSWERS = MESSAGE.update().where(MESSAGE.c.id == bindparam("k_id")).values(answers_id=bindparam("k_answers"))
_NUMMER_KEY = (NUMMER.c.gemeente == bindparam("k_gemeente")) & (NUMMER.c.sleutel == bindparam("k_sleutel"))


class Repository:
    """The ledger's tables on one connection, in its caller's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self._sql = _statements(self.dialect)

    def _many(self, statement: Any, ids: Iterable[Any]) -> Iterator[Row[Any]]:
        for chunk in _chunks(ids):
            yield from self.conn.execute(statement, {"ids": chunk})

    def _bulk(self, name: str, rows: Sequence[dict[str, Any]]) -> Any:
        """Insert ``rows`` with the bulk statement ``name`` (see :func:`_statements`)."""
        if self.dialect != "postgresql":
            return self.conn.execute(self._sql[name], list(rows))
        _, names = _WRITTEN[name]
        return self.conn.execute(self._sql[name], {f"u_{n}": [r[n] for r in rows] for n in names})

    def _keyed(self, what: str, keys: Iterable[tuple[str, ...]]) -> Iterator[Row[Any]]:
        """The rows of these keys. On SQLite the key count is padded to a power of two (repeating the
        last key), so a handful of statement shapes serve every batch from SQLAlchemy's cache."""
        if self.dialect == "postgresql":
            for chunk in _chunks(keys):
                columns = list(zip(*chunk, strict=True))
                yield from self.conn.execute(_by_key_arrays(what), {f"k{j}": list(c) for j, c in enumerate(columns)})
            return
        for chunk in _chunks(keys):
            count = KEYS_PER_STATEMENT if len(chunk) > KEYS_PER_STATEMENT else 1 << (len(chunk) - 1).bit_length()
            for start in range(0, len(chunk), count):
                part = chunk[start:start + count]
                part += [part[-1]] * (count - len(part))
                params = {f"k{i}_{j}": value for i, k in enumerate(part) for j, value in enumerate(k)}
                yield from self.conn.execute(_by_keys(what, count), params)

    # ------------------------------------------------------------------ meta
    def meta(self, name: str) -> str | None:
        return self.conn.execute(select(META.c.value).where(META.c.name == name)).scalar()  # type: ignore[no-any-return]

    def add_meta(self, name: str, value: str) -> None:
        """Store a setting unless one of that name is there already."""
        self.conn.execute(self._sql["meta"], {"name": name, "value": value})

    # ------------------------------------------------------------------ cases
    def insert_case(self, values: dict[str, Any]) -> bool:
        """Insert a case unless its id exists; True when inserted."""
        return self.conn.execute(self._sql["case"], values).scalar() is not None

    def case(self, case_id: str) -> Row[Any] | None:
        return self.conn.execute(select(CASE).where(CASE.c.id == case_id)).first()

    def cases(self) -> list[Row[Any]]:
        return list(self.conn.execute(select(CASE).order_by(CASE.c.id)))

    def set_mapping(self, case_id: str, mapping: str | None) -> None:
        self.conn.execute(CASE.update().where(CASE.c.id == case_id).values(mapping=mapping))

    def case_bsn(self, ids: Iterable[str]) -> dict[str, str]:
        """case id → its hashed BSN, for the ids the ledger has."""
        return {r.id: r.bsn_hash for r in self._many(self._sql["cases_by_id"], ids)}

    def cases_of_bsn(self, bsn_hashes: Iterable[str]) -> list[Row[Any]]:
        """(id, gemeente, bsn_hash) of the cases of these jeugdigen."""
        return list(self._many(self._sql["cases_by_bsn"], bsn_hashes))

    def closed(self, ids: Iterable[str]) -> set[str]:
        """The cases among ``ids`` that have an ``afgesloten`` event."""
        return {r.case_id for r in self._many(self._sql["closed"], ids)}

    # ------------------------------------------------------------------ events
    def insert_event(self, values: dict[str, Any]) -> bool:
        """Insert a route event unless the case has it on that day; True when inserted."""
        return self.conn.execute(self._sql["event"], values).scalar() is not None

    def event_keys(self, case_ids: Iterable[str]) -> set[tuple[str, str, date]]:
        """(case, name, day) of every event of these cases."""
        return {(r.case_id, r.name, r.day) for r in self._many(self._sql["event_keys"], case_ids)}

    def insert_events(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._bulk("events", rows)

    # ------------------------------------------------------------------ messages
    def existing(self, keys: Iterable[MessageKey]) -> dict[MessageKey, tuple[str, str]]:
        """key → (case id, content hash) of the messages already recorded under these keys."""
        return {MessageKey(r.berichttype, r.afzender, r.ontvanger, r.identificatie, r.retour_op):
                (r.case_id, r.content_hash) for r in self.messages(keys)}

    def messages(self, keys: Iterable[MessageKey]) -> list[Row[Any]]:
        """The messages recorded under these keys (their key, case, dagtekening and hashes)."""
        return list(self._keyed("message", keys))

    def messages_by_ref(self, refs: Iterable[str]) -> list[Row[Any]]:
        """The messages sharing one of these product references, with the ``ref`` they share."""
        return list(self._many(self._sql["by_ref"], refs))

    def insert_messages(self, rows: Sequence[dict[str, Any]]) -> dict[MessageKey, int]:
        """Insert messages unless recorded under their key already; key → id of those inserted."""
        if not rows:
            return {}
        result = self._bulk("messages", rows)
        return {MessageKey(r.berichttype, r.afzender, r.ontvanger, r.identificatie, r.retour_op): r.id
                for r in result}

    def set_answers(self, pairs: Sequence[tuple[int, int]]) -> None:
        """(message id, id of the message it answers) for messages recorded before what they answer was."""
        if pairs:
            self.conn.execute(_SET_ANSWERS, [{"k_id": m, "k_answers": a} for m, a in pairs])

    def insert_products(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._bulk("products", rows)

    # ------------------------------------------------------------------ TR056 claims
    def seen(self, keys: Iterable[SeenKey]) -> dict[SeenKey, tuple[str, datetime]]:
        """key → (content hash, first seen) of the claims already made under these keys."""
        return {SeenKey(r.berichttype, r.afzender, r.identificatie): (r.content_hash, r.seen_at)
                for r in self._keyed("seen", keys)}

    def insert_seen(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert claims unless made already; how many were new."""
        return len(self._bulk("seen", rows).all()) if rows else 0

    def fill_seen(self, items: Sequence[tuple[SeenKey, str]]) -> None:
        """Give claims carried over from schema 0001 (content hash '') the hash of their message."""
        if items:
            self.conn.execute(_FILL_SEEN, [{"k_type": k.berichttype, "k_from": k.afzender, "k_id": k.identificatie,
                                            "k_hash": h} for k, h in items])

    # ------------------------------------------------------------------ ToewijzingNummer counters
    def lock_counter(self, gemeente: str) -> None:
        """Serialize one gemeente's counter between processes (SQLite: BEGIN IMMEDIATE does already)."""
        if self.dialect == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_COUNTER_LOCK + int(gemeente)})

    def nummer(self, gemeente: str, sleutel: str) -> int | None:
        found = self.conn.execute(select(NUMMER.c.nummer).where(_NUMMER_KEY),
                                  {"k_gemeente": gemeente, "k_sleutel": sleutel}).scalar()
        return None if found is None else int(found)

    def last_nummer(self, gemeente: str) -> int:
        last = self.conn.execute(select(func.max(NUMMER.c.nummer)).where(NUMMER.c.gemeente == gemeente)).scalar()
        return int(last or 0)

    def insert_nummer(self, values: dict[str, Any]) -> None:
        self.conn.execute(NUMMER.insert().values(**values))

    # ------------------------------------------------------------------ facts and counts
    def facts_rows(self, case: str | None) -> tuple[list[Row[Any]], list[Row[Any]], list[Row[Any]]]:
        """(events, product references, messages) of one case or of all, in recording order."""
        def of(column: Any) -> Any:
            return column == case if case is not None else column.is_not(None)

        events = list(self.conn.execute(select(EVENT).where(of(EVENT.c.case_id)).order_by(EVENT.c.id)))
        products = list(self.conn.execute(
            select(PRODUCT.c.message_id, PRODUCT.c.ref, PRODUCT.c.einddatum)
            .join(MESSAGE, PRODUCT.c.message_id == MESSAGE.c.id)
            .where(of(MESSAGE.c.case_id))
            .order_by(PRODUCT.c.message_id, PRODUCT.c.kind, PRODUCT.c.ref)
        ))
        messages = list(self.conn.execute(select(MESSAGE).where(of(MESSAGE.c.case_id)).order_by(MESSAGE.c.id)))
        return events, products, messages

    def counts(self) -> dict[str, int]:
        return {
            name: self.conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in (("cases", CASE), ("events", EVENT), ("messages", MESSAGE), ("products", PRODUCT))
        }

