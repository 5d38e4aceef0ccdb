"""Recording in the caller's unit of work: a case opened, route events, messages linked to their case.

Each function runs on a :class:`~ijw_gateway.ledger.repository.Repository` inside a
transaction the caller holds, and either writes all it was given or raises, so the caller's
rollback leaves nothing of it. Messages are recorded a batch at a time: what they could
link to is read in a few statements for the whole batch (:mod:`.linking` decides), their
rows are written with one statement per table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from ijw_gateway.errors import LedgerError, UsageError
from ijw_gateway.ledger import chain_store
from ijw_gateway.ledger.cases import CaseDescription
from ijw_gateway.ledger.facts import Direction, event_name, local_date
from ijw_gateway.ledger.linking import Known, Linkable, answered, find_case, wanted
from ijw_gateway.ledger.prepare import Prepared
from ijw_gateway.ledger.privacy import Hasher
from ijw_gateway.ledger.repository import MessageKey, Repository, SeenKey
from ijw_gateway.ledger.results import CaseInfo, EventResult, IngestResult, Moment, case_info, now
from ijw_gateway.ledger.store import aware

__all__ = ["Item", "Raced", "open_case", "record_event", "record_events", "record_messages"]

NO_CASE = "the ledger has no case {case!r}; open it first with `ijw ledger open BEPALING`"


# ---------------------------------------------------------------------- cases and events
def open_case(repo: Repository, hasher: Hasher, case: CaseDescription, at: Moment | None) -> CaseInfo:
    """Open ``case`` unless it is open; opening it again changes nothing but ``mapping``."""
    values = {
        "id": case.case,
        "route": case.route,
        "gemeente": case.gemeente,
        "regio": case.regio,
        "gi": case.gi,
        "maatregel": case.maatregel,
        "vastgesteld_op": case.vastgesteld_op,
        "bsn_hash": hasher.bsn(case.bsn),
        "opened_at": aware(at) if at is not None else now(),
        "recorded_at": now(),
        "mapping": case.mapping,
    }
    created = repo.insert_case(values)
    row = repo.case(case.case)
    assert row is not None
    for name in ("route", "gemeente", "bsn_hash"):
        if getattr(row, name) != values[name]:
            what = "jeugdige" if name == "bsn_hash" else name
            raise LedgerError(f"case {case.case} is already open with another {what}; a kenmerk names one case")
    info = case_info(row, created)
    if info.mapping != case.mapping:  # opened again after the contract (or the bepaling) changed
        repo.set_mapping(case.case, case.mapping)
        info = replace(info, mapping=case.mapping)
    return info


def case_row(repo: Repository, case: str) -> Any:
    row = repo.case(case)
    if row is None:
        raise LedgerError(NO_CASE.format(case=case))
    return row


def record_event(repo: Repository, case: str, event: str, at: Moment | None) -> EventResult:
    name = event_name(event)
    moment = aware(at) if at is not None else now()
    day = local_date(moment)
    case_row(repo, case)
    created = repo.insert_event({"case_id": case, "name": name, "day": day, "at": moment, "recorded_at": now()})
    return EventResult(case=case, event=name, day=day, created=created)


def record_events(repo: Repository, events: Iterable[tuple[str, str, Moment]]) -> list[EventResult]:
    """Route events (case, event, at), each once per case, name and day; LedgerError for an unknown case."""
    items = []
    for case, event, at in events:
        moment = aware(at)
        items.append((case, event_name(event), local_date(moment), moment))
    if not items:
        return []
    wanted_cases = sorted({c for c, *_ in items})
    known = repo.case_bsn(wanted_cases)
    missing = [c for c in wanted_cases if c not in known]
    if missing:
        raise LedgerError(NO_CASE.format(case=missing[0]).replace(
            ";", f" (nor {len(missing) - 1} more);" if len(missing) > 1 else ";", 1))
    existing = repo.event_keys(wanted_cases)
    results, rows = [], []
    stamp = now()
    for case, name, day, moment in items:
        created = (case, name, day) not in existing
        if created:
            existing.add((case, name, day))
            rows.append({"case_id": case, "name": name, "day": day, "at": moment, "recorded_at": stamp})
        results.append(EventResult(case=case, event=name, day=day, created=created))
    repo.insert_events(rows)
    return results


# ---------------------------------------------------------------------- messages
@dataclass(frozen=True)
class Item:
    """One message to record: where it came from, what the ledger keeps of it, and how it went."""

    source: str
    prepared: Prepared
    direction: Direction
    at: Moment | None = None


class Raced(Exception):
    """Another process recorded a message of the batch after the batch read the ledger."""


def _duplicate(base: dict[str, Any], existing: tuple[str, str], content_hash: str) -> IngestResult:
    case_id, stored_hash = existing
    if stored_hash == content_hash:
        return IngestResult(status="duplicate", case=case_id, **base)
    return IngestResult(
        status="conflict",
        case=case_id,
        detail="the ledger already has a different message under this sender, type and identificatie; kept the first",
        **base,
    )


def _key(prepared: Prepared) -> MessageKey:
    i = prepared.info
    return MessageKey(i.berichttype, i.afzender, i.ontvanger, i.identificatie, i.retour_op or "")


def _known(
    repo: Repository, items: Sequence[Item], case: str | None
) -> tuple[Known, dict[MessageKey, tuple[str, str]]]:
    """What the batch can link to, and the messages already recorded under its keys."""
    want = wanted(((it.prepared.info, it.prepared.bsn_hash) for it in items), [case] if case else [])
    by_ident = repo.messages(MessageKey(*k) for k in want.keys)
    by_ref = repo.messages_by_ref(want.refs) if want.refs else []
    of_bsn = repo.cases_of_bsn(want.bsn_hashes) if want.bsn_hashes else []
    known = Known()
    for r in of_bsn:
        known.case_bsn[r.id] = r.bsn_hash
        known.bsn_cases.setdefault(r.bsn_hash, []).append((r.id, r.gemeente))
    rest = (want.case_ids | {r.case_id for r in by_ident} | {r.case_id for r in by_ref}) - known.case_bsn.keys()
    if rest:
        known.case_bsn.update(repo.case_bsn(rest))
    several = [c for cases in known.bsn_cases.values() if len(cases) > 1 for c, _ in cases]
    if several:
        known.closed = repo.closed(several)
    seen: dict[int, Linkable] = {}
    for r in (*by_ident, *by_ref):
        if r.id not in seen:
            seen[r.id] = Linkable(r.id, r.case_id, r.berichttype, r.afzender, r.ontvanger, r.identificatie,
                                  r.dagtekening, r.bsn_hash, (0, r.id))
    for r in by_ident:
        known.by_identificatie.setdefault(r.identificatie, []).append(seen[r.id])
    for r in by_ref:
        known.by_ref.setdefault(r.ref, []).append(seen[r.id])
    keys = {_key(it.prepared) for it in items}
    existing = {k: (r.case_id, r.content_hash) for r in by_ident
                if (k := MessageKey(r.berichttype, r.afzender, r.ontvanger, r.identificatie, r.retour_op)) in keys}
    return known, existing


def record_messages(
    repo: Repository, items: Sequence[Item], *, case: str | None = None, lenient: bool = False
) -> list[IngestResult]:
    """Record messages, each linked to its case (``case``: all to that one, which must exist
    and be the jeugdige's), with their product references and TR056 claims.

    A message already recorded under its key is a ``duplicate`` (or ``conflict``); one that
    fits no case is ``unlinked``. ``lenient``: a (retour)dagtekening the ledger cannot keep
    makes that message ``invalid`` (else it raises UsageError). Raises :class:`Raced` when
    another process recorded one of the messages meanwhile (of a batch of more than one:
    the caller records them one at a time instead).
    """
    known, existing = _known(repo, items, case)
    stamp = now()
    results: list[IngestResult | None] = []
    rows: list[dict[str, Any]] = []
    planned: list[tuple[int, Item, str, Linkable | None]] = []  # (position, item, case, what it answers)
    for position, item in enumerate(items):
        prepared = item.prepared
        info = prepared.info
        base = {"source": item.source, "berichttype": info.berichttype, "identificatie": info.identificatie}
        try:
            moment = aware(item.at if item.at is not None else info.dagtekening)
        except UsageError as error:
            if not lenient:
                raise
            results.append(IngestResult(status="invalid", detail=str(error), **base))
            continue
        key = _key(prepared)
        if key in existing:
            results.append(_duplicate(base, existing[key], prepared.content_hash))
            continue
        if case is not None:
            if case not in known.case_bsn:
                raise LedgerError(NO_CASE.format(case=case))
            if prepared.bsn_hash is not None and known.case_bsn[case] != prepared.bsn_hash:
                raise LedgerError(f"the BSN of the message differs from the jeugdige of case {case}")
            case_id = case
        else:
            try:  # a declaration spans clients: the case of its first toewijzing (chain_store.py)
                case_id = (chain_store.declaration_case(repo.conn, prepared.chain)
                           or find_case(info, prepared.bsn_hash, known))
            except LedgerError as error:
                results.append(IngestResult(status="unlinked", detail=str(error), **base))
                continue
        target = answered(case_id, info, known)
        rows.append({
            "case_id": case_id, "berichttype": info.berichttype, "direction": item.direction,
            "afzender": info.afzender, "ontvanger": info.ontvanger, "identificatie": info.identificatie,
            "retour_op": key.retour_op, "dagtekening": info.dagtekening, "at": moment,
            "answers_id": target.id if target is not None and target.id > 0 else None,
            "verzoek_antwoord": info.verzoek_antwoord, "zorgdatum": info.zorgdatum, "bsn_hash": prepared.bsn_hash,
            "content_hash": prepared.content_hash, "recorded_at": stamp,
        })
        temp = -len(rows)  # the row's id until it is written
        known.add(Linkable(temp, case_id, info.berichttype, info.afzender, info.ontvanger, info.identificatie,
                           info.dagtekening, prepared.bsn_hash, (1, len(rows))), info.producten)
        existing[key] = (case_id, prepared.content_hash)
        planned.append((position, item, case_id, target))
        results.append(IngestResult(status="recorded", case=case_id, **base))
    _write(repo, rows, planned, results, stamp)
    return results  # type: ignore[return-value]


def _write(
    repo: Repository,
    rows: list[dict[str, Any]],
    planned: list[tuple[int, Item, str, Linkable | None]],
    results: list[IngestResult | None],
    stamp: datetime,
) -> None:
    """The planned messages, their products, the answers within the batch and the TR056 claims."""
    ids = repo.insert_messages(rows)
    if len(ids) < len(rows):
        if len(rows) > 1:
            raise Raced
        _, item, _, _ = planned[0]
        found = repo.existing([_key(item.prepared)]).get(_key(item.prepared))
        if found is None:
            info = item.prepared.info
            raise LedgerError(f"{info.berichttype} {info.identificatie} could not be recorded; try again")
        results[planned[0][0]] = _duplicate(
            {"source": item.source, "berichttype": item.prepared.info.berichttype,
             "identificatie": item.prepared.info.identificatie}, found, item.prepared.content_hash)
        return
    real = [ids[_key(item.prepared)] for _, item, _, _ in planned]
    products: list[dict[str, Any]] = []
    answers: list[tuple[int, int]] = []
    claims: dict[SeenKey, str] = {}
    for new_id, (_, item, _, target) in zip(real, planned, strict=True):
        info = item.prepared.info
        products += [_product(new_id, r, "RA", info.regie) for r in info.referenties]
        products += [_product(new_id, n, "TN", info.regie) for n in info.toewijzingnummers
                     if n not in info.referenties]
        if target is not None and target.id < 0:
            answers.append((new_id, real[-target.id - 1]))
        if not info.heenbericht:
            claims.setdefault(SeenKey(info.berichttype, info.afzender, info.identificatie), item.prepared.claim_hash)
    repo.insert_products(products)
    chain_store.record_all(repo.conn, [  # the toewijzingen, starts, stops, prestaties they state
        (new_id, case_id, item.prepared.chain, item.prepared.bsn_hash)
        for new_id, (_, item, case_id, _) in zip(real, planned, strict=True) if item.prepared.chain is not None])
    repo.set_answers(answers)
    if claims:
        seen = repo.seen(claims)
        repo.insert_seen([{"berichttype": k.berichttype, "afzender": k.afzender, "identificatie": k.identificatie,
                           "content_hash": h, "seen_at": stamp} for k, h in claims.items() if k not in seen])
        repo.fill_seen([(k, h) for k, h in claims.items() if k in seen and seen[k][0] == ""])


def _product(message_id: int, ref: str, kind: str,
             regie: dict[str, tuple[str | None, date | None, date | None]]) -> dict[str, Any]:
    """One product row: the reference, and of a ToewijzingNummer its product code, date and einddatum."""
    product, datum, einddatum = regie.get(ref, (None, None, None))
    return {"message_id": message_id, "ref": ref, "kind": kind, "product": product, "datum": datum,
            "einddatum": einddatum}
