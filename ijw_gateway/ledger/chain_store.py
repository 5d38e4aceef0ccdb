"""The chain's tables and its write path: each checked message's :class:`~.chain.ChainFacts`,
stored beside the message in the same transaction (``record``), on the DB-API cursor.

Rows carry their natural keys — (gemeente, ToewijzingNummer), (aanbieder, gemeente,
ReferentieNummer), the heenbericht's (type, afzender, identificatie) — and the case and
message they came with. A link is a query on those keys (indexed), so messages may arrive
in any order; a message is stored once (the ledger's own natural key guards that), so
recording it again adds nothing. BSNs are stored only as keyed hashes (``bsn_hash``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, MetaData, String, Table, UniqueConstraint
from sqlalchemy.engine import Connection

from ijw_gateway.ledger.chain import ChainFacts
from ijw_gateway.ledger.chain_sql import ChainCursor, chain_cursor, marks

__all__ = ["DECLARATIE", "LEVERING", "PRESTATIE", "RETOUR_ITEM", "TOEWIJZING", "declaration_case", "record"]

_META = MetaData()  # the chain's tables, as migration 0004 creates them (documentation and SQLAlchemy reads)


def _message() -> Column[int]:
    return Column("message_id", Integer, ForeignKey("ledger_message.id", ondelete="CASCADE"), nullable=False)


TOEWIJZING = Table(
    "ledger_toewijzing", _META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _message(),
    Column("case_id", String(50), nullable=False),
    Column("gemeente", String(4), nullable=False),
    Column("aanbieder", String(8), nullable=False),
    Column("nummer", String(10), nullable=False),
    Column("position", Integer, nullable=False),
    Column("referentie_aanbieder", String(36)),
    Column("categorie", String(2)),
    Column("code", String(5)),
    Column("ingangsdatum", Date, nullable=False),
    Column("einddatum", Date),
    Column("reden_wijziging", String(2)),
    Column("volume", Integer),
    Column("eenheid", String(2)),
    Column("frequentie", String(2)),
    Column("budget", Integer),
    Column("toegewezen_op", String(19), nullable=False),
    Column("bsn_hash", String(64)),
    UniqueConstraint("message_id", "position", name="uq_ledger_toewijzing"),
    Index("ix_ledger_toewijzing_nummer", "gemeente", "nummer"),
    Index("ix_ledger_toewijzing_bsn", "bsn_hash"),
)
"""Every statement of a toewijzing by a JW301; the current one of a number is the latest toegewezen_op."""

LEVERING = Table(
    "ledger_levering", _META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _message(),
    Column("case_id", String(50), nullable=False),
    Column("berichttype", String(5), nullable=False),
    Column("identificatie", String(20), nullable=False),
    Column("gemeente", String(4), nullable=False),
    Column("aanbieder", String(8), nullable=False),
    Column("position", Integer, nullable=False),
    Column("nummer", String(10)),
    Column("categorie", String(2)),
    Column("code", String(5)),
    Column("toewijzing_ingangsdatum", Date),
    Column("begindatum", Date, nullable=False),
    Column("einddatum", Date),
    Column("reden_beeindiging", String(2)),
    Column("status_aanlevering", String(1), nullable=False),
    Column("dagtekening", Date, nullable=False),
    UniqueConstraint("message_id", "position", name="uq_ledger_levering"),
    Index("ix_ledger_levering_nummer", "gemeente", "nummer"),
)
"""The StartProducten (JW305) and StopProducten (JW307)."""

PRESTATIE = Table(
    "ledger_prestatie", _META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _message(),
    Column("case_id", String(50), nullable=False),
    Column("berichttype", String(5), nullable=False),
    Column("identificatie", String(20), nullable=False),
    Column("gemeente", String(4), nullable=False),
    Column("aanbieder", String(8), nullable=False),
    Column("position", Integer, nullable=False),
    Column("referentie", String(20), nullable=False),
    Column("vorig_referentie", String(20)),
    Column("nummer", String(10), nullable=False),
    Column("categorie", String(2), nullable=False),
    Column("code", String(5), nullable=False),
    Column("begindatum", Date, nullable=False),
    Column("einddatum", Date, nullable=False),
    Column("volume", Integer, nullable=False),
    Column("eenheid", String(2), nullable=False),
    Column("tarief", Integer),
    Column("bedrag", Integer, nullable=False),
    Column("debet_credit", String(1), nullable=False),
    Column("bsn_hash", String(64)),
    Column("retourcodes", String(60), nullable=False),
    UniqueConstraint("message_id", "position", name="uq_ledger_prestatie"),
    Index("ix_ledger_prestatie_nummer", "gemeente", "nummer"),
    Index("ix_ledger_prestatie_referentie", "aanbieder", "gemeente", "referentie"),
)
"""The prestaties of every JW323 and the rejected ones of every JW325 (``retourcodes`` '' for a JW323's)."""

DECLARATIE = Table(
    "ledger_declaratie", _META,
    Column("message_id", Integer, ForeignKey("ledger_message.id", ondelete="CASCADE"), primary_key=True),
    Column("berichttype", String(5), nullable=False),
    Column("identificatie", String(20), nullable=False),
    Column("gemeente", String(4), nullable=False),
    Column("aanbieder", String(8), nullable=False),
    Column("nummer", String(12), nullable=False),
    Column("begindatum", Date),
    Column("einddatum", Date),
    Column("totaal", Integer, nullable=False),
    Column("declaratie_identificatie", String(20)),
    Index("ix_ledger_declaratie_nummer", "aanbieder", "gemeente", "nummer"),
    Index("ix_ledger_declaratie_identificatie", "aanbieder", "identificatie"),
    Index("ix_ledger_declaratie_answers", "aanbieder", "declaratie_identificatie"),
)
"""A JW323's Declaratie (its TotaalIngediendBedrag) or a JW325's answer (its TotaalToegekendBedrag)."""

RETOUR_ITEM = Table(
    "ledger_retour_item", _META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _message(),
    Column("heenbericht", String(5), nullable=False),
    Column("afzender", String(8), nullable=False),
    Column("identificatie", String(20), nullable=False),
    Column("position", Integer, nullable=False),
    Column("codes", String(60), nullable=False),
    UniqueConstraint("message_id", "position", name="uq_ledger_retour_item"),
    Index("ix_ledger_retour_item_heen", "heenbericht", "afzender", "identificatie"),
)
"""What a retourbericht (or a JW325 rejecting a whole declaration) rejected of its heenbericht."""

CHAIN_TABLES = (TOEWIJZING, LEVERING, PRESTATIE, DECLARATIE, RETOUR_ITEM)


def _insert(table: Table) -> str:
    names = [c.name for c in table.columns if not (c.primary_key and c.autoincrement is True)]
    return (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
            "ON CONFLICT DO NOTHING")


_SQL = {table.name: _insert(table) for table in CHAIN_TABLES}


def _cases_of(cur: ChainCursor, gemeente: str, nummers: list[str]) -> dict[str, str]:
    """The case of each toewijzing among ``nummers`` the ledger has (the case of its latest statement)."""
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(nummers), 500):
        chunk = nummers[start:start + 500]
        for nummer, case_id, at in cur.all(
                "SELECT nummer, case_id, toegewezen_op FROM ledger_toewijzing WHERE gemeente = ? AND nummer IN "
                f"({marks(len(chunk))})", [gemeente, *chunk]):
            if nummer not in found or found[nummer][1] < at:
                found[nummer] = (case_id, at)
    return {nummer: case_id for nummer, (case_id, _) in found.items()}


def declaration_case(conn: Connection, facts: ChainFacts | None) -> str | None:
    """The case a JW323 or JW325 is recorded under: that of its first prestatie's toewijzing.

    A declaration covers every client of a month, so it spans cases; the message is kept
    under one of them and each prestatie row under its own toewijzing's case. None when the
    ledger has none of its toewijzingen (the message is then linked as any other).
    """
    if facts is None or facts.berichttype not in ("JW323", "JW325"):
        return None
    with chain_cursor(conn) as cur:
        return _declaration_case(cur, facts)


def _declaration_case(cur: ChainCursor, facts: ChainFacts) -> str | None:
    if facts.berichttype == "JW325":  # the case of the declaration it answers, when the ledger has it
        answered = facts.declaratie.declaratie_identificatie if facts.declaratie is not None else (
            facts.retour[0].identificatie if facts.retour else None)
        row = cur.one("SELECT case_id FROM ledger_message WHERE berichttype = 'JW323' AND afzender = ? "
                      "AND ontvanger = ? AND identificatie = ?", (facts.aanbieder, facts.gemeente, answered))
        if row is not None:
            return str(row[0])
    cases = _cases_of(cur, facts.gemeente, sorted({p.nummer for p in facts.prestaties}))
    return next((cases[p.nummer] for p in facts.prestaties if p.nummer in cases), None)


def record(conn: Connection, message_id: int, case_id: str, facts: ChainFacts, bsn_hash: str | None) -> None:
    """Store ``facts`` of the message just recorded as ``message_id`` for ``case_id`` (BSNs already hashed;
    ``bsn_hash``: the message's client), in the connection's transaction."""
    record_all(conn, [(message_id, case_id, facts, bsn_hash)])


def record_all(conn: Connection, recorded: Iterable[tuple[int, str, ChainFacts, str | None]]) -> None:
    """:func:`record` for the messages of a batch: one multi-row write per table, not one per message
    (on PostgreSQL each statement is a round trip)."""
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _TABLES}

    def flush() -> None:
        for table in _TABLES:
            cur.many(_SQL[table], rows[table])
            rows[table].clear()

    with chain_cursor(conn) as cur:
        for message_id, case_id, facts, bsn_hash in recorded:
            if facts.prestaties:  # they look up the toewijzingen: of this batch too, so write those first
                flush()
            _rows(cur, rows, message_id, case_id, facts, bsn_hash)
        flush()


_TABLES = ("ledger_toewijzing", "ledger_levering", "ledger_prestatie", "ledger_declaratie", "ledger_retour_item")


def _rows(cur: ChainCursor, rows: dict[str, list[tuple[Any, ...]]], message_id: int, case_id: str,
          facts: ChainFacts, bsn_hash: str | None) -> None:
    """The rows ``facts`` add to each chain table."""
    d = cur.day
    rows["ledger_toewijzing"] += [
        (message_id, case_id, facts.gemeente, facts.aanbieder, t.nummer, t.position, t.referentie_aanbieder,
         t.categorie, t.code, d(t.ingangsdatum), d(t.einddatum), t.reden_wijziging, t.volume, t.eenheid,
         t.frequentie, t.budget, t.toegewezen_op, bsn_hash)
        for t in facts.toewijzingen]
    rows["ledger_levering"] += [
        (message_id, case_id, facts.berichttype, facts.identificatie, facts.gemeente, facts.aanbieder,
         lv.position, lv.nummer, lv.categorie, lv.code, d(lv.toewijzing_ingangsdatum), d(lv.begindatum),
         d(lv.einddatum), lv.reden_beeindiging, lv.status_aanlevering, d(facts.dagtekening))
        for lv in facts.leveringen]
    if facts.prestaties:
        cases = _cases_of(cur, facts.gemeente, sorted({p.nummer for p in facts.prestaties}))
        rows["ledger_prestatie"] += [
            (message_id, cases.get(p.nummer, case_id), facts.berichttype, facts.identificatie, facts.gemeente,
             facts.aanbieder,
             p.position, p.referentie, p.vorig_referentie, p.nummer, p.categorie, p.code, d(p.begindatum),
             d(p.einddatum), p.volume, p.eenheid, p.tarief, p.bedrag, p.debet_credit, p.bsn, ",".join(p.retourcodes))
            for p in facts.prestaties]
    if facts.declaratie is not None:
        dc = facts.declaratie
        rows["ledger_declaratie"].append((
            message_id, facts.berichttype, facts.identificatie, facts.gemeente, facts.aanbieder, dc.nummer,
            d(dc.begindatum), d(dc.einddatum), dc.totaal, dc.declaratie_identificatie))
    rows["ledger_retour_item"] += [
        (message_id, r.heenbericht, r.afzender, r.identificatie, r.position, ",".join(r.codes))
        for r in facts.retour]
