"""Which case a message belongs to, and which recorded message it answers (pure: no database).

The rules, in order: our kenmerk in its ReferentieAanbieder (``<kenmerk>-<line>``, on the
messages we built), the message a retourbericht answers, product references
(ReferentieAanbieder / ToewijzingNummer) shared with earlier messages between the same two
parties, and last the hashed BSN within the gemeente of the message, open cases first.

They judge a :class:`Known`: what the ledger holds that a batch of messages could link to,
read in a few statements for the whole batch (:func:`wanted` says what to read) and
extended with every message recorded in the batch, so a message can link to one recorded
just before it in the same batch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ijw_gateway.errors import LedgerError
from ijw_gateway.ledger.extract import MessageInfo

__all__ = ["Known", "Linkable", "Wanted", "answered", "find_case", "wanted"]

_KENMERK_REF = re.compile(r"^(?P<kenmerk>.+)-(?P<line>[0-9]{1,3})$")
_REQUESTS = ("JW315", "JW317")  # what a JW301 or JW319 answers, found by its references


@dataclass(frozen=True)
class Linkable:
    """A recorded message as linking sees it; ``rank`` orders messages of one dagtekening
    (the row id; recorded in this batch: after every stored one)."""

    id: int
    case_id: str
    berichttype: str
    afzender: str
    ontvanger: str
    identificatie: str
    dagtekening: date
    bsn_hash: str | None
    rank: tuple[int, int]


@dataclass
class Known:
    """What a batch can link to (filled by the repository's look-ups, then by the batch itself)."""

    case_bsn: dict[str, str] = field(default_factory=dict)
    """case id → hashed BSN of its jeugdige (a case's never changes)."""
    by_identificatie: dict[str, list[Linkable]] = field(default_factory=dict)
    by_ref: dict[str, list[Linkable]] = field(default_factory=dict)
    bsn_cases: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """hashed BSN → (case id, gemeente) of the jeugdige's cases."""
    closed: set[str] = field(default_factory=set)
    """Cases with an ``afgesloten`` event."""

    def add(self, message: Linkable, refs: Iterable[str]) -> None:
        self.by_identificatie.setdefault(message.identificatie, []).append(message)
        for ref in dict.fromkeys(refs):
            self.by_ref.setdefault(ref, []).append(message)


@dataclass(frozen=True)
class Wanted:
    """What to read for a batch: cases by id, messages by their key (the batch's own, and the
    heenberichten its retourberichten answer) and by reference, jeugdigen by hashed BSN."""

    case_ids: frozenset[str]
    keys: frozenset[tuple[str, str, str, str, str]]
    refs: frozenset[str]
    bsn_hashes: frozenset[str]


def kenmerken(info: MessageInfo) -> set[str]:
    """The kenmerken of bepalingen named in the message's ReferentieAanbieder (``<kenmerk>-<line>``)."""
    return {m["kenmerk"] for r in info.referenties if (m := _KENMERK_REF.match(r))}


def wanted(items: Iterable[tuple[MessageInfo, str | None]], cases: Iterable[str] = ()) -> Wanted:
    """What :func:`find_case`, :func:`answered` and the duplicate check read for these
    (message, hashed BSN) items, besides ``cases`` named by the caller."""
    case_ids: set[str] = set(cases)
    keys: set[tuple[str, str, str, str, str]] = set()
    refs: set[str] = set()
    bsns: set[str] = set()
    for info, bsn_hash in items:
        case_ids |= kenmerken(info)
        keys.add((info.berichttype, info.afzender, info.ontvanger, info.identificatie, info.retour_op or ""))
        if info.heenbericht and info.retour_op:  # the heenbericht went between the same two parties
            keys.add((info.heenbericht, info.afzender, info.ontvanger, info.retour_op, ""))
            keys.add((info.heenbericht, info.ontvanger, info.afzender, info.retour_op, ""))
        refs.update(info.producten)
        if bsn_hash is not None:
            bsns.add(bsn_hash)
    return Wanted(frozenset(case_ids), frozenset(keys), frozenset(refs), frozenset(bsns))


def find_case(info: MessageInfo, bsn_hash: str | None, known: Known) -> str:
    """The case of a message; LedgerError (one sentence) when none or more than one fits."""
    label = f"{info.berichttype} {info.identificatie}"
    parties = {info.afzender, info.ontvanger}

    def chosen(case_ids: set[str], how: str) -> str | None:
        if not case_ids:
            return None
        if len(case_ids) > 1:
            raise LedgerError(
                f"{label} matches {len(case_ids)} cases by {how} ({', '.join(sorted(case_ids))}); "
                "record it for one case with Ledger.link_message"
            )
        case_id = case_ids.pop()
        if bsn_hash is not None and known.case_bsn.get(case_id) != bsn_hash:
            raise LedgerError(f"{label} names case {case_id} by {how}, but its BSN is another jeugdige's")
        return case_id

    # 1. the kenmerk of a bepaling in ReferentieAanbieder (<kenmerk>-<line>) of messages we built
    found = {k for k in kenmerken(info) if k in known.case_bsn}
    if (case_id := chosen(found, "the kenmerk in ReferentieAanbieder")) is not None:
        return case_id
    # 2. a retourbericht: the message it answers
    if info.heenbericht and info.retour_op:
        found = {m.case_id for m in known.by_identificatie.get(info.retour_op, ())
                 if m.berichttype == info.heenbericht and {m.afzender, m.ontvanger} == parties}
        if (case_id := chosen(found, f"the {info.heenbericht} it answers")) is not None:
            return case_id
    # 3. product references (ReferentieAanbieder / ToewijzingNummer) shared with earlier messages
    found = {
        m.case_id
        for ref in info.producten
        for m in known.by_ref.get(ref, ())
        if {m.afzender, m.ontvanger} == parties and (bsn_hash is None or m.bsn_hash is None or m.bsn_hash == bsn_hash)
    }
    if (case_id := chosen(found, "ReferentieAanbieder / ToewijzingNummer")) is not None:
        return case_id
    # 4. the hashed BSN, within the gemeente of the message; open cases first
    if bsn_hash is not None:
        found = {case for case, gemeente in known.bsn_cases.get(bsn_hash, ()) if gemeente in parties}
        if len(found) > 1:
            found = (found - known.closed) or found
        if (case_id := chosen(found, "BSN and gemeente")) is not None:
            return case_id
    raise LedgerError(
        f"{label} belongs to no case in the ledger (no known kenmerk, reference, answered message or "
        "BSN of this gemeente); open the case of its bepaling first"
    )


def answered(case_id: str, info: MessageInfo, known: Known) -> Linkable | None:
    """The recorded message of ``case_id`` this one answers: the heenbericht of a retourbericht,
    the JW315 / JW317 a JW301 or JW319 decides on (by its references); the latest one."""
    if info.heenbericht and info.retour_op:
        candidates = [m for m in known.by_identificatie.get(info.retour_op, ())
                      if m.case_id == case_id and m.berichttype == info.heenbericht]
    elif info.berichttype in ("JW301", "JW319") and info.referenties:
        candidates = [m for ref in info.referenties for m in known.by_ref.get(ref, ())
                      if m.case_id == case_id and m.berichttype in _REQUESTS]
    else:
        return None
    return max(candidates, key=lambda m: (m.dagtekening, m.rank), default=None)
