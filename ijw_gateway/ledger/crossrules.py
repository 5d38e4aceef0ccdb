"""Controleniveau 3 against the ledger: the berichtoverstijgende rules of one message, judged on
what the ledger holds of its chain (``ijw validate --ledger``, ``ijw respond --ledger``).

:func:`judge` reads, per message, only the rows its own keys name — the toewijzingen of its
ToewijzingNummers, the earlier starts, stops and prestaties on them, the verzoeken of its
client — each an indexed look-up with the message's keys in one IN list (chunked), so a
declaration of 20,000 prestaties costs a handful of queries and one pass in Python. The
message itself, when the ledger has it already, does not count against itself.

Every finding names its rule and the retourcode of the standard and points at the element
it judges; no finding repeats a personal value (BSN, name).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ijw_gateway.ledger.chain import ChainFacts, Levering, Prestatie, chain_facts, hashed
from ijw_gateway.ledger.chain_sql import ChainCursor, chain_cursor, marks
from ijw_gateway.ledger.store import transaction
from ijw_gateway.validation.bronnen import contracttarief
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.findings import Finding, MessageReport
from ijw_gateway.validation.rules.berichtoverstijgend import JUDGED_BY_LEDGER
from ijw_gateway.validation.rules.registry import Status

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import Ledger

__all__ = ["RETOURCODE", "ChainRegister", "Judgement", "State", "Toegewezen", "judge", "judge_chain", "judge_facts",
           "with_level3"]

CHUNK = 500
PER_DAG, PER_WEEK, PER_MAAND, TOTAAL = "1", "2", "4", "6"
UUR, MINUUT = "04", "01"
VERWIJDERD, ADMINISTRATIEVE_CORRECTIE = "13", "01"
EERSTE, GEWIJZIGD, VERWIJDEREN = "1", "2", "3"
TIJDELIJK = "20"  # RedenBeeindiging: tijdelijke stop



def _retourcodes() -> dict[str, str]:
    """Each judged rule's retourcode, as the registry has it (TR314 is also a rule within one message)."""
    import ijw_gateway.validation.rules  # noqa: F401  (registers every rule)
    from ijw_gateway.validation.rules.registry import REGISTRY

    codes = {code: r.retourcode for code in JUDGED_BY_LEDGER for r in REGISTRY[code]
             if r.status is Status.LEDGER and r.retourcode}
    codes["TR314"] = next(r.retourcode for r in REGISTRY["TR314"] if r.retourcode)  # type: ignore[misc]
    return codes


RETOURCODE = _retourcodes()
"""Each rule's WJ001 retourcode, as the regelrapport gives it (one source: the registry)."""

_2020 = date(2020, 12, 31)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


@dataclass(frozen=True)
class Toegewezen:
    """The current statement of a toewijzing (latest Toewijzingsdatum/-tijd)."""

    nummer: str
    aanbieder: str
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: str | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None
    bsn_hash: str | None
    referentie_aanbieder: str | None

    def current_on(self, day: date) -> bool:
        """A current toewijzing (TR349): valid on or after ``day``, and not removed or withdrawn."""
        if self.einddatum is not None and self.einddatum == self.ingangsdatum and self.reden_wijziging in (
                VERWIJDERD, ADMINISTRATIEVE_CORRECTIE):
            return False
        return self.einddatum is None or self.einddatum >= day


@dataclass
class _Earlier:
    """An earlier prestatie as it stands: its message, and whether it counts (not rejected)."""

    referentie: str
    vorig_referentie: str | None
    nummer: str
    categorie: str
    code: str
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str
    bedrag: int
    debet_credit: str
    identificatie: str
    approved: bool = False
    """A JW325 answered its declaration without rejecting it (for TR385)."""


@dataclass
class State:
    """The standing prestaties on one declaration's toewijzingen, read once (:func:`_prestaties`)."""

    prestaties: dict[str, list[_Earlier]] = field(default_factory=dict)  # per ToewijzingNummer
    referenties: set[str] = field(default_factory=set)  # ReferentieNummers used before (TR314)


# ---------------------------------------------------------------------- reading the ledger
def _toewijzingen(cur: ChainCursor, gemeente: str, nummers: Iterable[str], by_bsn: str | None = None
                  ) -> dict[str, Toegewezen]:
    cols = ("nummer, aanbieder, categorie, code, ingangsdatum, einddatum, reden_wijziging, volume, eenheid, "
            "frequentie, budget, bsn_hash, referentie_aanbieder, toegewezen_op, message_id")
    rows: list[tuple[Any, ...]] = []
    if by_bsn is not None:
        rows = cur.all(f"SELECT {cols} FROM ledger_toewijzing WHERE bsn_hash = ? AND gemeente = ?", (by_bsn, gemeente))
    else:
        for chunk in _chunks(nummers):
            rows += cur.all(f"SELECT {cols} FROM ledger_toewijzing WHERE gemeente = ? AND nummer IN "
                            f"({marks(len(chunk))})", [gemeente, *chunk])
    current: dict[str, tuple[tuple[str, int], Toegewezen]] = {}
    for r in rows:
        order = (str(r[13]), int(r[14]))
        if r[0] in current and current[r[0]][0] >= order:
            continue
        current[r[0]] = (order, Toegewezen(r[0], r[1], r[2], r[3], _day(r[4]), _day(r[5]), r[6],  # type: ignore[arg-type]
                                            r[7], r[8], r[9], r[10], r[11], r[12]))
    return {nummer: t for nummer, (_, t) in current.items()}


def _rejected(cur: ChainCursor, heenbericht: str, afzender: str, identificaties: Iterable[str]
              ) -> dict[str, set[int]]:
    """Per identificatie of a heenbericht, the positions its retour (or JW325) rejected (0: all of it)."""
    found: dict[str, set[int]] = {}
    for chunk in _chunks(identificaties):
        for ident, position in cur.all(
                "SELECT identificatie, position FROM ledger_retour_item WHERE heenbericht = ? AND afzender = ? "
                f"AND identificatie IN ({marks(len(chunk))})", [heenbericht, afzender, *chunk]):
            found.setdefault(ident, set()).add(int(position))
    return found


def _prestaties(cur: ChainCursor, facts: ChainFacts, nummers: Iterable[str], refs: Iterable[str]) -> State:
    state = State()
    rows: list[tuple[Any, ...]] = []
    cols = ("referentie, vorig_referentie, nummer, categorie, code, begindatum, einddatum, volume, eenheid, bedrag, "
            "debet_credit, identificatie, berichttype")
    for chunk in _chunks(nummers):
        rows += cur.all(f"SELECT {cols} FROM ledger_prestatie WHERE gemeente = ? AND aanbieder = ? AND nummer IN "
                        f"({marks(len(chunk))})", [facts.gemeente, facts.aanbieder, *chunk])
    own = facts.identificatie if facts.berichttype == "JW323" else None
    for chunk in _chunks(refs):
        state.referenties.update(r[0] for r in cur.all(
            "SELECT referentie FROM ledger_prestatie WHERE aanbieder = ? AND gemeente = ? AND berichttype = 'JW323' "
            f"AND identificatie <> ? AND referentie IN ({marks(len(chunk))})",
            [facts.aanbieder, facts.gemeente, own or "", *chunk]))
    declared = [r for r in rows if r[12] == "JW323" and r[11] != own]
    answers = {r[11] for r in rows if r[12] == "JW325"}
    answered_by: dict[str, str] = {}  # a JW325's identificatie → the declaration it answers
    for chunk in _chunks(answers):
        answered_by.update((r[0], r[1]) for r in cur.all(
            "SELECT identificatie, declaratie_identificatie FROM ledger_declaratie WHERE berichttype = 'JW325' "
            f"AND gemeente = ? AND aanbieder = ? AND identificatie IN ({marks(len(chunk))})",
            [facts.gemeente, facts.aanbieder, *chunk]))
    rejected_refs = {(r[0], answered_by.get(r[11])) for r in rows if r[12] == "JW325"}  # (ref, declaration)
    idents = {r[11] for r in declared}
    rejected = _rejected(cur, "JW323", facts.aanbieder, idents)
    answered: set[str] = set()
    for chunk in _chunks(idents):
        answered.update(r[0] for r in cur.all(
            "SELECT declaratie_identificatie FROM ledger_declaratie WHERE berichttype = 'JW325' AND gemeente = ? "
            f"AND aanbieder = ? AND declaratie_identificatie IN ({marks(len(chunk))})",
            [facts.gemeente, facts.aanbieder, *chunk]))
    for r in declared:
        if (r[0], r[11]) in rejected_refs or 0 in rejected.get(r[11], ()):
            continue  # rejected: as if never declared
        earlier = _Earlier(r[0], r[1], r[2], r[3], r[4], _day(r[5]), _day(r[6]), int(r[7]), r[8],  # type: ignore[arg-type]
                           int(r[9]), r[10], r[11], approved=r[11] in answered)
        state.prestaties.setdefault(earlier.nummer, []).append(earlier)
    return state


def _leveringen(cur: ChainCursor, facts: ChainFacts, nummers: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    rows: list[tuple[Any, ...]] = []
    cols = ("berichttype, identificatie, position, nummer, categorie, code, toewijzing_ingangsdatum, begindatum, "
            "einddatum, reden_beeindiging, status_aanlevering, dagtekening, id")
    for chunk in _chunks(nummers):
        rows += cur.all(f"SELECT {cols} FROM ledger_levering WHERE gemeente = ? AND aanbieder = ? AND nummer IN "
                        f"({marks(len(chunk))})", [facts.gemeente, facts.aanbieder, *chunk])
    rows = [r for r in rows if not (r[0] == facts.berichttype and r[1] == facts.identificatie)]
    rejected: dict[tuple[str, str], set[int]] = {}
    for berichttype in ("JW305", "JW307"):
        for ident, positions in _rejected(cur, berichttype, facts.aanbieder,
                                          {r[1] for r in rows if r[0] == berichttype}).items():
            rejected[(berichttype, ident)] = positions
    found: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(rows, key=lambda r: (_day(r[11]), int(r[12]))):
        positions = rejected.get((r[0], r[1]), set())
        if 0 in positions or int(r[2]) in positions:
            continue
        found.setdefault(r[3], []).append({
            "berichttype": r[0], "categorie": r[4], "code": r[5], "toewijzing_ingangsdatum": _day(r[6]),
            "begindatum": _day(r[7]), "einddatum": _day(r[8]), "reden": r[9], "status": r[10]})
    return found


# ---------------------------------------------------------------------- findings
class Judgement(list[Finding]):
    """The level-3 findings of one message; ``unjudged`` says what the ledger could not judge of it, if anything."""

    unjudged: str | None = None


class _Findings:
    def __init__(self, facts: ChainFacts) -> None:
        self.prefix = facts.berichttype.lower()
        self.items = Judgement()

    def path(self, *steps: str) -> str:
        return "/" + "/".join(f"{self.prefix}:{s}" if not s.startswith("ijw:") else s for s in ("Bericht", *steps))

    def add(self, rule: str, path: str, message: str) -> None:
        self.items.append(Finding(rule=rule, retourcode=RETOURCODE[rule], path=path, message=message))


def judge_facts(cur: ChainCursor, facts: ChainFacts, dagtekening: date | None = None) -> Judgement:
    """The level-3 findings of a message with these (BSN-hashed) facts, against the ledger on ``cur``."""
    found = _Findings(facts)
    day = dagtekening or facts.dagtekening
    judge = _JUDGES.get(facts.berichttype)
    if judge is not None:
        judge(cur, facts, found, day)
    return found.items


# --- JW301 --------------------------------------------------------------------------------------------
def _jw301(cur: ChainCursor, facts: ChainFacts, f: _Findings, day: date) -> None:
    nummers = {t.nummer for t in facts.toewijzingen}
    known = _toewijzing_rows(cur, facts.gemeente, nummers, facts)
    refs = {t.referentie_aanbieder for t in facts.toewijzingen if t.referentie_aanbieder}
    verzocht = _verzocht(cur, facts, refs)
    removed = {t.nummer for t in facts.toewijzingen if t.reden_wijziging == VERWIJDERD}
    state = _prestaties(cur, facts, removed, ()) if removed else State()
    for t in facts.toewijzingen:
        at = ("Client", "ToegewezenProducten", f"ToegewezenProduct[{t.position}]")
        for other in known.get(t.nummer, ()):
            what = [name for name, mine, theirs in (("client", facts.bsn, other["bsn_hash"]),
                                                   ("aanbieder", facts.aanbieder, other["aanbieder"]),
                                                   ("ProductCategorie", t.categorie, other["categorie"]))
                    if mine is not None and theirs is not None and mine != theirs]
            if what:
                f.add("TR332", f.path(*at, "ToewijzingNummer"),
                      f"ToewijzingNummer {t.nummer} of gemeente {facts.gemeente} already names a toewijzing of another "
                      f"{' and '.join(what)}; each ToegewezenProduct has a number of its own")
                break
        if t.referentie_aanbieder and t.referentie_aanbieder not in verzocht:
            f.add("TR379", f.path(*at, "ReferentieAanbieder"),
                  f"ReferentieAanbieder {t.referentie_aanbieder} honours no verzoek (JW315/JW317) of aanbieder "
                  f"{facts.aanbieder} in the ledger; leave it empty unless the toewijzing honours one")
        if t.nummer in removed:
            standing = _uncredited(state.prestaties.get(t.nummer, []), approved_only=True)
            if standing:
                f.add("TR385", f.path(*at, "RedenWijziging"),
                      f"toewijzing {t.nummer} has {len(standing)} approved prestatie(s) not credited; it cannot be "
                      "removed (RedenWijziging 13) until they are")


def _toewijzing_rows(cur: ChainCursor, gemeente: str, nummers: Iterable[str], facts: ChainFacts
                     ) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(nummers):
        for nummer, aanbieder, categorie, bsn_hash, ident in cur.all(
                "SELECT t.nummer, t.aanbieder, t.categorie, t.bsn_hash, m.identificatie FROM ledger_toewijzing t "
                "JOIN ledger_message m ON m.id = t.message_id "
                f"WHERE t.gemeente = ? AND t.nummer IN ({marks(len(chunk))})", [gemeente, *chunk]):
            if ident == facts.identificatie:
                continue
            found.setdefault(nummer, []).append({"aanbieder": aanbieder, "categorie": categorie, "bsn_hash": bsn_hash})
    return found


def _verzocht(cur: ChainCursor, facts: ChainFacts, refs: Iterable[str]) -> set[str]:
    """The ReferentieAanbieders among ``refs`` of verzoeken (JW315/JW317) of the aanbieder to the gemeente."""
    found: set[str] = set()
    for chunk in _chunks(refs):
        found.update(r[0] for r in cur.all(
            "SELECT p.ref FROM ledger_message_product p JOIN ledger_message m ON m.id = p.message_id "
            "WHERE p.kind = 'RA' AND m.berichttype IN ('JW315', 'JW317') AND m.afzender = ? AND m.ontvanger = ? "
            f"AND p.ref IN ({marks(len(chunk))})", [facts.aanbieder, facts.gemeente, *chunk]))
    return found


def _uncredited(prestaties: Sequence[_Earlier], approved_only: bool = False) -> list[_Earlier]:
    credited = {p.vorig_referentie for p in prestaties if p.debet_credit == "C" and p.vorig_referentie}
    return [p for p in prestaties if p.debet_credit == "D" and p.referentie not in credited
            and (p.approved or not approved_only)]


# --- JW305 / JW307 ------------------------------------------------------------------------------------
def _leveringen_judge(cur: ChainCursor, facts: ChainFacts, f: _Findings, day: date) -> None:
    nummers = {lv.nummer for lv in facts.leveringen if lv.nummer}
    toewijzingen = _toewijzingen(cur, facts.gemeente, nummers)
    earlier = _leveringen(cur, facts, nummers)
    start = facts.berichttype == "JW305"
    group, item = ("StartProducten", "StartProduct") if start else ("StopProducten", "StopProduct")
    for lv in facts.leveringen:
        at = ("Client", group, f"{item}[{lv.position}]")
        if lv.nummer is None:
            continue
        t = toewijzingen.get(lv.nummer)
        if t is None or t.aanbieder != facts.aanbieder:
            f.add("TR019", f.path(*at, "ToewijzingNummer"),
                  f"ToewijzingNummer {lv.nummer} is no toewijzing of gemeente {facts.gemeente} to aanbieder "
                  f"{facts.aanbieder} in the ledger; a start or stop relates to a toewijzing")
            continue
        history = earlier.get(lv.nummer, [])
        starts = _standing([h for h in history if h["berichttype"] == "JW305"], start_key)
        stops = _standing([h for h in history if h["berichttype"] == "JW307"], stop_key)
        before = len(f.items)
        if start:
            _judge_start(f, at, lv, starts, stops)
        else:
            _judge_stop(f, at, lv, starts, stops)
        if len(f.items) > before:
            continue  # rejected: later products of this message do not see it
        history.append({"berichttype": facts.berichttype, "categorie": lv.categorie, "code": lv.code,
                        "toewijzing_ingangsdatum": lv.toewijzing_ingangsdatum, "begindatum": lv.begindatum,
                        "einddatum": lv.einddatum, "reden": lv.reden_beeindiging, "status": lv.status_aanlevering})
        earlier[lv.nummer] = history


def start_key(h: dict[str, Any]) -> tuple[Any, ...]:
    return (h["begindatum"],)


def stop_key(h: dict[str, Any]) -> tuple[Any, ...]:
    return (h["begindatum"], h["einddatum"])


def _standing(history: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    """The deliveries that stand: each first delivery (1) not removed since by a 3 with its key."""
    standing: list[dict[str, Any]] = []
    for h in history:
        if h["status"] == VERWIJDEREN:
            standing = [s for s in standing if key(s) != key(h)]
        else:
            standing.append(h)
    return standing


def _content(h: dict[str, Any] | Levering) -> tuple[Any, ...]:
    get = h.get if isinstance(h, dict) else lambda name: getattr(h, name if name != "reden" else "reden_beeindiging")
    return (get("categorie"), get("code"), get("toewijzing_ingangsdatum"), get("reden"))


def _judge_start(f: _Findings, at: tuple[str, ...], lv: Levering, starts: list[dict[str, Any]],
                 stops: list[dict[str, Any]]) -> None:
    same = [s for s in starts if s["begindatum"] == lv.begindatum]
    stopped = {s["begindatum"] for s in stops}
    if lv.status_aanlevering == VERWIJDEREN:
        if not same:
            f.add("TR063", f.path(*at, "StatusAanlevering"),
                  f"StatusAanlevering 3 removes a start of toewijzing {lv.nummer} on {lv.begindatum} that the ledger "
                  "does not have; remove only what was delivered")
        elif lv.begindatum in stopped:
            f.add("TR071", f.path(*at, "StatusAanlevering"),
                  f"the start of toewijzing {lv.nummer} on {lv.begindatum} has a stop already; remove the stop first")
        return
    if same:
        f.add("TR074", f.path(*at, "Begindatum"),
              f"a start of toewijzing {lv.nummer} on {lv.begindatum} was delivered before; a first delivery (1) "
              "repeats no earlier key")
        if any(_content(s) != _content(lv) for s in same):
            f.add("OP033", f.path(*at, "StatusAanlevering"),
                  f"this corrects the start of toewijzing {lv.nummer} on {lv.begindatum}: remove it with "
                  "StatusAanlevering 3 and deliver it again with 1")
        return
    current = [s for s in starts if s["begindatum"] not in stopped]
    if current:
        f.add("TR326", f.path(*at),
              f"toewijzing {lv.nummer} has a current start (on {current[-1]['begindatum']}) without a stop; "
              "send a stop before a new start")


def _judge_stop(f: _Findings, at: tuple[str, ...], lv: Levering, starts: list[dict[str, Any]],
                stops: list[dict[str, Any]]) -> None:
    same_start = [s for s in stops if s["begindatum"] == lv.begindatum]
    if lv.status_aanlevering == VERWIJDEREN:
        if not any(s["einddatum"] == lv.einddatum for s in same_start):
            f.add("TR063", f.path(*at, "StatusAanlevering"),
                  f"StatusAanlevering 3 removes a stop of toewijzing {lv.nummer} ({lv.begindatum} – {lv.einddatum}) "
                  "that the ledger does not have; remove only what was delivered")
        return
    begun = [s for s in starts if s["begindatum"] == lv.begindatum]
    if not begun or not any(
            (lv.categorie is None or s["categorie"] in (None, lv.categorie)) and (lv.code is None or s["code"] in (
                None, lv.code)) for s in begun):
        f.add("TR382", f.path(*at, "Begindatum"),
              f"no start of toewijzing {lv.nummer} on {lv.begindatum} with this product is in the ledger; a stop "
              "repeats the key of its start unchanged")
    if any(s["einddatum"] == lv.einddatum for s in same_start):
        f.add("TR074", f.path(*at, "Einddatum"),
              f"a stop of toewijzing {lv.nummer} ({lv.begindatum} – {lv.einddatum}) was delivered before; a first "
              "delivery (1) repeats no earlier key")
        if any(_content(s) != _content(lv) for s in same_start if s["einddatum"] == lv.einddatum):
            f.add("OP033", f.path(*at, "StatusAanlevering"),
                  f"this corrects the stop of toewijzing {lv.nummer}: remove it with StatusAanlevering 3 and deliver "
                  "it again with 1")
        return
    if not same_start:
        return
    if any(s["reden"] != TIJDELIJK for s in same_start):
        f.add("TR415", f.path(*at),
              f"the start of toewijzing {lv.nummer} on {lv.begindatum} was stopped definitively already; no further "
              "stop follows")
    elif lv.reden_beeindiging == TIJDELIJK:
        f.add("TR413", f.path(*at, "RedenBeeindiging"),
              f"the start of toewijzing {lv.nummer} on {lv.begindatum} has a temporary stop (20) already; the next "
              "stop has another RedenBeeindiging")
    latest = max(s["einddatum"] for s in same_start)
    if lv.einddatum is not None and lv.einddatum < latest:
        f.add("TR414", f.path(*at, "Einddatum"),
              f"Einddatum {lv.einddatum} lies before {latest}, the Einddatum of the current stop on this start")


# --- JW315 / JW317 / JW319 ----------------------------------------------------------------------------
def _ra_messages(cur: ChainCursor, refs: Iterable[str], types: tuple[str, ...], afzender: str, ontvanger: str,
                 own: str) -> list[tuple[str, str, str | None, str]]:
    """(ref, berichttype, verzoek_antwoord, identificatie) of earlier messages of ``types`` naming ``refs``."""
    found: list[tuple[str, str, str | None, str]] = []
    for chunk in _chunks(refs):
        found += [tuple(r) for r in cur.all(  # type: ignore[misc]
            "SELECT p.ref, m.berichttype, m.verzoek_antwoord, m.identificatie FROM ledger_message_product p "
            f"JOIN ledger_message m ON m.id = p.message_id WHERE p.kind = 'RA' AND m.berichttype IN "
            f"({marks(len(types))}) AND m.afzender = ? AND m.ontvanger = ? AND p.ref IN ({marks(len(chunk))})",
            [*types, afzender, ontvanger, *chunk]) if r[3] != own]
    return found


def _open_verzoeken(cur: ChainCursor, facts: ChainFacts) -> list[str]:
    """The ReferentieAanbieders of the client's verzoeken to the gemeente that are still open (TR374)."""
    if facts.bsn is None:
        return []
    rows = cur.all("SELECT m.identificatie, p.ref FROM ledger_message m JOIN ledger_message_product p "
                   "ON p.message_id = m.id WHERE m.bsn_hash = ? AND m.berichttype IN ('JW315', 'JW317') "
                   "AND m.afzender = ? AND m.ontvanger = ? AND p.kind = 'RA'",
                   (facts.bsn, facts.aanbieder, facts.gemeente))
    rows = [r for r in rows if r[0] != facts.identificatie]
    rejected = _rejected(cur, "JW315", facts.aanbieder, {r[0] for r in rows})
    rejected.update(_rejected(cur, "JW317", facts.aanbieder, {r[0] for r in rows}))
    refs = {ref for ident, ref in rows if 0 not in rejected.get(ident, ())}
    answered = {ref for ref, berichttype, antwoord, _ in _ra_messages(cur, refs, ("JW301", "JW319"), facts.gemeente,
                                                                      facts.aanbieder, "")
                if berichttype == "JW301" or antwoord == "1"}
    return sorted(refs - answered)


def _verzoek_judge(cur: ChainCursor, facts: ChainFacts, f: _Findings, day: date) -> None:
    jw315 = facts.berichttype == "JW315"
    refs = {v.referentie for v in facts.verzoeken if v.referentie}
    used = {r[0] for r in _ra_messages(cur, refs, ("JW315", "JW317"), facts.aanbieder, facts.gemeente,
                                       facts.identificatie)}
    for v in facts.verzoeken:
        if v.soort not in ("aangevraagd", "verzoek") or v.referentie not in used:
            continue
        at = (("Client", "AangevraagdeProducten", f"AangevraagdProduct[{v.position}]") if jw315
              else ("Client", "Verzoek"))
        f.add("TR347", f.path(*at, "ReferentieAanbieder"),
              f"ReferentieAanbieder {v.referentie} was used before by aanbieder {facts.aanbieder} in a verzoek; "
              "each verzoek has a reference of its own")
    still_open = [r for r in _open_verzoeken(cur, facts) if r not in refs]
    if still_open:
        f.add("TR374", f.path("Client"),
              f"the client has an open verzoek of this aanbieder (ReferentieAanbieder {still_open[0]}), not yet "
              "answered with a toewijzing or a rejection; no new verzoek until it is (OP350)")
    if not jw315:
        _jw317(cur, facts, f, day)


def _jw317(cur: ChainCursor, facts: ChainFacts, f: _Findings, day: date) -> None:
    genoemd = [v for v in facts.verzoeken if v.soort in ("ongewijzigd", "te_wijzigen")]
    mine = _toewijzingen(cur, facts.gemeente, (), by_bsn=facts.bsn) if facts.bsn else {}
    toewijzingen = _toewijzingen(cur, facts.gemeente, {v.nummer for v in genoemd if v.nummer})
    bsn_checked = False
    for v in genoemd:
        group, item = (("OngewijzigdeProducten", "OngewijzigdProduct") if v.soort == "ongewijzigd"
                       else ("TeWijzigenProducten", "TeWijzigenProduct"))
        at = ("Client", "Verzoek", group, f"{item}[{v.position}]")
        t = toewijzingen.get(v.nummer or "")
        rule = "TR350" if v.soort == "ongewijzigd" else "TR351"
        if t is None or t.aanbieder != facts.aanbieder or not t.current_on(day):
            f.add(rule, f.path(*at, "ToewijzingNummer"),
                  f"ToewijzingNummer {v.nummer} is no current toewijzing of gemeente {facts.gemeente} to this "
                  "aanbieder in the ledger")
            continue
        if not bsn_checked and t.bsn_hash is not None and facts.bsn is not None and t.bsn_hash != facts.bsn:
            bsn_checked = True
            f.add("TR304", f.path("Client", "Bsn"),
                  f"the Bsn is not that of the client of toewijzing {v.nummer}")
        if v.soort != "te_wijzigen":
            continue
        if v.gewenste_ingangsdatum is not None and v.gewenste_ingangsdatum <= day and \
                v.gewenste_ingangsdatum != t.ingangsdatum:
            f.add("TR357", f.path(*at, "GewensteIngangsdatum"),
                  f"GewensteIngangsdatum {v.gewenste_ingangsdatum} is not after the Dagtekening, so it is the "
                  f"Ingangsdatum {t.ingangsdatum} of toewijzing {v.nummer}")
        total_changed = (v.budget is not None and v.budget != t.budget) or (
            v.omvang is not None and v.omvang[2] == TOTAAL and (v.omvang[0], v.omvang[1]) != (t.volume, t.eenheid))
        if total_changed and v.gewenste_ingangsdatum != t.ingangsdatum:
            f.add("TR373", f.path(*at, "GewensteIngangsdatum"),
                  f"a changed Budget or total changes toewijzing {v.nummer} for its whole loopduur: "
                  f"GewensteIngangsdatum is its Ingangsdatum {t.ingangsdatum}")
        runs_on = t.einddatum is None or t.einddatum > _2020
        if t.code is not None and v.omvang is None:
            f.add("TR411", f.path(*at, "Omvang"),
                  f"toewijzing {v.nummer} has a ProductCode, so the TeWijzigenProduct gives an Omvang")
        if t.code is None and runs_on and v.omvang is not None:
            rule = "TR375" if t.categorie is None else "TR412"
            f.add(rule, f.path(*at, "Omvang"),
                  f"toewijzing {v.nummer} has no {'Product' if rule == 'TR375' else 'ProductCode'} and runs after "
                  "2020, so the TeWijzigenProduct gives no Omvang")
    _overlap(f, facts, toewijzingen)
    named = {v.nummer for v in genoemd}
    missing = sorted(n for n, t in mine.items() if t.aanbieder == facts.aanbieder and t.current_on(day)
                     and n not in named)
    if missing:
        f.add("TR349", f.path("Client", "Verzoek"),
              f"the verzoek leaves out {len(missing)} current toewijzing(en) of the client (ToewijzingNummer "
              f"{', '.join(missing[:5])}); name each as OngewijzigdProduct or TeWijzigenProduct")


def _key(day: date | None, default: int) -> int:
    return int(day.strftime("%Y%m%d")) if day is not None else default


def _overlap(f: _Findings, facts: ChainFacts, toewijzingen: dict[str, Toegewezen]) -> None:
    """TR361: the products of the verzoek — the toewijzingen it names (their product, their period as it
    would be) and its NieuweProducten — overlap only where the product differs (one sweep: common.overlaps).
    Two NieuweProducten that overlap are TR410's, within the message."""
    from ijw_gateway.validation.rules.common import OPEN_END, Periode, overlaps

    perioden: list[Periode] = []
    paths: dict[int, tuple[str, str]] = {}
    groups = {"ongewijzigd": ("OngewijzigdeProducten", "OngewijzigdProduct"),
              "te_wijzigen": ("TeWijzigenProducten", "TeWijzigenProduct"),
              "nieuw": ("NieuweProducten", "NieuwProduct")}
    for v in facts.verzoeken:
        if v.soort not in groups:
            continue
        if v.soort == "nieuw":
            categorie, code, start, end = v.categorie, v.code, v.gewenste_ingangsdatum, v.einddatum
        else:
            t = toewijzingen.get(v.nummer or "")
            if t is None:
                continue  # TR350 / TR351
            end = (v.einddatum or t.einddatum) if v.soort == "te_wijzigen" else t.einddatum
            categorie, code, start = t.categorie, t.code, t.ingangsdatum
        index = len(perioden) + 1
        group, item = groups[v.soort]
        paths[index] = (v.soort, f.path("Client", "Verzoek", group, f"{item}[{v.position}]"))
        perioden.append(Periode(index, None, categorie, code, _key(start, 0), _key(end, OPEN_END)))  # type: ignore[arg-type]
    if len(perioden) < 2:
        return
    reported: set[int] = set()
    for later, earlier in sorted(overlaps(perioden), key=lambda pair: pair[0].index):
        if later.index in reported or (paths[later.index][0] == paths[earlier.index][0] == "nieuw"):
            continue
        reported.add(later.index)
        what = later.code or (f"of categorie {later.categorie}" if later.categorie else "without product")
        f.add("TR361", paths[later.index][1],
              f"product {what} overlaps another product of this verzoek in its period; the same product is in a "
              "verzoek more than once only for periods that do not overlap")


def _jw319(cur: ChainCursor, facts: ChainFacts, f: _Findings, day: date) -> None:
    v = facts.verzoeken[0]
    if v.referentie is None:
        return
    at = f.path("Antwoord", "ReferentieAanbieder")
    verzoeken = _ra_messages(cur, [v.referentie], ("JW315", "JW317"), facts.aanbieder, facts.gemeente, "")
    if not verzoeken:
        f.add("TR355", at, f"ReferentieAanbieder {v.referentie} is in no verzoek (JW315/JW317) of aanbieder "
                           f"{facts.aanbieder} in the ledger")
    answers = _ra_messages(cur, [v.referentie], ("JW301", "JW319"), facts.gemeente, facts.aanbieder,
                           facts.identificatie)
    if any(a[1] == "JW301" for a in answers):
        f.add("TR359", at, f"a toewijzing (JW301) with ReferentieAanbieder {v.referentie} was sent already; no "
                           "answer follows it")
    earlier = [a for a in answers if a[1] == "JW319"]
    if earlier and v.verzoek_antwoord == "2":
        f.add("TR360", f.path("Antwoord", "VerzoekAntwoord"),
              f"an answer on ReferentieAanbieder {v.referentie} was sent already; 'in onderzoek' (2) is only the "
              "first")
    if any(a[2] != "2" for a in earlier):
        f.add("TR365", f.path("Antwoord", "VerzoekAntwoord"),
              f"the earlier answer on ReferentieAanbieder {v.referentie} was final; only one after "
              "'in onderzoek' (2) may follow")


# --- JW323 --------------------------------------------------------------------------------------------
def _month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _months(begin: date, end: date) -> int:
    return (end.year - begin.year) * 12 + end.month - begin.month + 1


def allowed_volume(volume: int, frequentie: str, begin: date, end: date) -> int:
    """The most a toewijzing of ``volume`` per ``frequentie`` allows over ``begin``..``end`` (inclusive):
    per dag times the days, per week the weeks begun (days / 7 rounded up), per maand the months
    touched, a total once."""
    days = (end - begin).days + 1
    if frequentie == PER_DAG:
        return volume * days
    if frequentie == PER_WEEK:
        return -(-volume * days // 7)
    if frequentie == PER_MAAND:
        return volume * _months(begin, end)
    return volume


def _in_unit(volume: int, eenheid: str, toegewezen: str | None) -> int:
    """A declared volume in the toewijzing's unit, rounded up (minutes on a toewijzing in hours)."""
    if eenheid == MINUUT and toegewezen == UUR:
        return -(-volume // 60)
    return volume


def _jw323(cur: ChainCursor, facts: ChainFacts, f: _Findings, day: date) -> None:
    declaratie = facts.declaratie
    assert declaratie is not None
    nummers = {p.nummer for p in facts.prestaties}
    toewijzingen = _toewijzingen(cur, facts.gemeente, nummers)
    refs = {p.referentie for p in facts.prestaties}
    state = _prestaties(cur, facts, nummers, refs)
    used = cur.all("SELECT identificatie FROM ledger_declaratie WHERE aanbieder = ? AND gemeente = ? AND nummer = ? "
                   "AND berichttype = 'JW323'", (facts.aanbieder, facts.gemeente, declaratie.nummer))
    if any(r[0] != facts.identificatie for r in used):
        f.add("TR333", f.path("Declaratie", "DeclaratieNummer"),
              f"DeclaratieNummer {declaratie.nummer} was used before by aanbieder {facts.aanbieder}; each "
              "declaration has a number of its own")
    per_client: dict[int, int] = {}
    bsn_wrong: set[int] = set()
    for p in facts.prestaties:
        per_client[p.client] = index = per_client.get(p.client, 0) + 1
        at = ("Declaratie", "Clienten", f"Client[{p.client}]", "Prestaties", f"Prestatie[{index}]")
        codes = _judge_prestatie(f, at, p, toewijzingen.get(p.nummer), state, facts)
        t = toewijzingen.get(p.nummer)
        if t is not None and t.bsn_hash and p.bsn and t.bsn_hash != p.bsn and p.client not in bsn_wrong:
            bsn_wrong.add(p.client)
            f.add("TR304", f.path("Declaratie", "Clienten", f"Client[{p.client}]", "Bsn"),
                  f"the Bsn is not that of the client of toewijzing {p.nummer}")
            codes = True
        if not codes:  # approved so far: later prestaties of this declaration count it
            state.prestaties.setdefault(p.nummer, []).append(_Earlier(
                p.referentie, p.vorig_referentie, p.nummer, p.categorie, p.code, p.begindatum, p.einddatum,
                p.volume, p.eenheid, p.bedrag, p.debet_credit, facts.identificatie))
        state.referenties.add(p.referentie)


def _judge_prestatie(f: _Findings, at: tuple[str, ...], p: Prestatie, t: Toegewezen | None, state: State,
                     facts: ChainFacts) -> bool:
    """Add the findings of one prestatie; True when it has any."""
    before = len(f.items)
    if p.referentie in state.referenties:
        f.add("TR314", f.path(*at, "ProductReferentie", "ijw:ReferentieNummer"),
              f"ReferentieNummer {p.referentie} was used before by aanbieder {facts.aanbieder}")
    if t is None or t.aanbieder != facts.aanbieder:
        f.add("TR338", f.path(*at, "ToewijzingNummer"),
              f"ToewijzingNummer {p.nummer} is no toewijzing of gemeente {facts.gemeente} to aanbieder "
              f"{facts.aanbieder} in the ledger")
        return True
    _tarief(f, at, p, facts.gemeente)
    earlier = state.prestaties.get(p.nummer, [])
    if p.debet_credit == "C":
        _judge_credit(f, at, p, earlier)
        return len(f.items) > before
    if t.reden_wijziging == VERWIJDERD:
        f.add("TR384", f.path(*at, "ToewijzingNummer"), f"toewijzing {p.nummer} was removed (RedenWijziging 13)")
    if t.categorie is not None and p.categorie != t.categorie:
        f.add("TR339", f.path(*at, "ProductCategorie"),
              f"ProductCategorie {p.categorie} is not {t.categorie}, that of toewijzing {p.nummer}")
    if t.code is not None and p.code != t.code:
        f.add("TR340", f.path(*at, "ProductCode"),
              f"ProductCode {p.code} is not {t.code}, that of toewijzing {p.nummer}")
    unit_ok = t.eenheid is None or p.eenheid == t.eenheid or (t.eenheid == UUR and p.eenheid == MINUUT)
    if not unit_ok:
        f.add("TR341", f.path(*at, "Eenheid"), f"Eenheid {p.eenheid} does not fit Eenheid {t.eenheid} of toewijzing "
                                               f"{p.nummer}")
    if p.begindatum < t.ingangsdatum:
        f.add("TR307", f.path(*at, "ProductPeriode", "ijw:Begindatum"),
              f"ProductPeriode begins {p.begindatum}, before the Ingangsdatum {t.ingangsdatum} of toewijzing "
              f"{p.nummer}")
    if t.einddatum is not None and p.einddatum > t.einddatum:
        f.add("TR308", f.path(*at, "ProductPeriode", "ijw:Einddatum"),
              f"ProductPeriode ends {p.einddatum}, after the Einddatum {t.einddatum} of toewijzing {p.nummer}")
    first, last = _month_bounds(p.begindatum)
    expected_begin = max(first, t.ingangsdatum) if t.ingangsdatum <= last else first
    if p.begindatum != expected_begin:
        f.add("TR387", f.path(*at, "ProductPeriode", "ijw:Begindatum"),
              f"ProductPeriode begins {p.begindatum}; it begins {expected_begin}, the first of the month or the "
              "later Ingangsdatum of the toewijzing")
    first, last = _month_bounds(p.einddatum)
    expected_end = min(last, t.einddatum) if t.einddatum is not None and t.einddatum >= first else last
    if p.einddatum != expected_end:
        f.add("TR388", f.path(*at, "ProductPeriode", "ijw:Einddatum"),
              f"ProductPeriode ends {p.einddatum}; it ends {expected_end}, the last of the month or the earlier "
              "Einddatum of the toewijzing")
    standing = _uncredited(earlier)
    if any((d.categorie, d.code, d.begindatum, d.einddatum) == (p.categorie, p.code, p.begindatum, p.einddatum)
           and d.identificatie != facts.identificatie for d in standing):
        f.add("TR389", f.path(*at, "IngediendBedrag", "ijw:DebetCredit"),
              f"a debet on toewijzing {p.nummer} for {p.categorie}/{p.code} and ProductPeriode {p.begindatum} – "
              f"{p.einddatum} was declared before and not credited")
    if t.volume is not None and t.frequentie is not None and unit_ok:
        declared = _in_unit(p.volume, p.eenheid, t.eenheid)
        if t.frequentie != TOTAAL:
            most = allowed_volume(t.volume, t.frequentie, p.begindatum, p.einddatum)
            if declared > most:
                f.add("TR321", f.path(*at, "GeleverdVolume"),
                      f"GeleverdVolume {p.volume} exceeds the {most} that toewijzing {p.nummer} allows over the "
                      f"ProductPeriode ({t.volume} per frequentie {t.frequentie})")
        total_end = t.einddatum if t.einddatum is not None else None
        if t.frequentie == TOTAAL or total_end is not None:
            most = allowed_volume(t.volume, t.frequentie, t.ingangsdatum, total_end or t.ingangsdatum)
            used = sum(_in_unit(d.volume, d.eenheid, t.eenheid) for d in standing)
            if used + declared > most:
                f.add("TR322", f.path(*at, "GeleverdVolume"),
                      f"with this prestatie {used + declared} is declared on toewijzing {p.nummer}, more than the "
                      f"{most} of its Omvang over its loopduur")
    if t.budget is not None:
        used = sum(d.bedrag for d in standing)
        if used + p.bedrag > t.budget:
            f.add("TR369", f.path(*at, "IngediendBedrag", "ijw:Bedrag"),
                  f"with this prestatie {used + p.bedrag} is declared on toewijzing {p.nummer}, more than its "
                  f"Budget {t.budget}")
    return len(f.items) > before


def contract_tarief(productcode: str, eenheid: str, gemeente: str, day: date) -> int | None:
    """The tarief the gemeente's contract on ``day`` sets for ``productcode``, per declared ``eenheid``
    (IV081: minutes on an hourly tarief at round(uurtarief / 60), half up); None when no contract has it."""
    found = contracttarief(productcode, gemeente, day)
    if found is None:
        return None
    tarief, per = found
    if eenheid == MINUUT and per == UUR:
        return (tarief * 2 + 60) // 120
    return tarief


def _tarief(f: _Findings, at: tuple[str, ...], p: Prestatie, gemeente: str) -> None:
    if p.tarief is None:
        return
    expected = contract_tarief(p.code, p.eenheid, gemeente, p.begindatum)
    if expected is not None and p.tarief != expected:
        f.add("TR418", f.path(*at, "ProductTarief"),
              f"ProductTarief {p.tarief} is not {expected}, the contractual tarief of {p.code} for gemeente "
              f"{gemeente} on {p.begindatum} (eurocent)")


def _judge_credit(f: _Findings, at: tuple[str, ...], p: Prestatie, earlier: list[_Earlier]) -> None:
    debet = next((d for d in earlier if d.debet_credit == "D" and d.referentie == p.vorig_referentie), None)
    if debet is None or (debet.categorie, debet.code, debet.begindatum, debet.einddatum, debet.bedrag) != (
            p.categorie, p.code, p.begindatum, p.einddatum, p.bedrag):
        what = "names no earlier debet of this toewijzing" if debet is None else (
            "differs from the debet it credits (product, period or amount)")
        f.add("TR323", f.path(*at, "ProductReferentie", "ijw:VorigReferentieNummer"),
              f"the credit {what}; VorigReferentieNummer is the ReferentieNummer of the debet it cancels")
        return
    if any(c.debet_credit == "C" and c.vorig_referentie == debet.referentie for c in earlier):
        f.add("TR390", f.path(*at, "IngediendBedrag", "ijw:DebetCredit"),
              f"the debet {debet.referentie} was credited already")


# --- JW325 (the aanbieder's side) ------------------------------------------------------------------
_FIELDS = ("nummer", "categorie", "code", "begindatum", "einddatum", "volume", "eenheid", "tarief", "bedrag",
           "debet_credit")


def _jw325(cur: ChainCursor, facts: ChainFacts, f: _Findings, day: date) -> None:
    """TR366, TR367 and TR304 on a JW325's prestaties, against the declaration it answers (when the ledger has it:
    TR337 has no retourcode, so an answer to a declaration the ledger lacks is left unjudged)."""
    if facts.declaratie is None or not facts.prestaties:
        return
    row = cur.one("SELECT message_id FROM ledger_declaratie WHERE berichttype = 'JW323' AND aanbieder = ? "
                  "AND identificatie = ? AND gemeente = ?",
                  (facts.aanbieder, facts.declaratie.declaratie_identificatie, facts.gemeente))
    if row is None:
        f.items.unjudged = (f"TR366, TR367 and TR304: the ledger does not have declaration "
                            f"{facts.declaratie.declaratie_identificatie} that this answers")
        return
    declared = {r[0]: r[1:] for r in cur.all(
        f"SELECT referentie, {', '.join(_FIELDS)}, bsn_hash FROM ledger_prestatie WHERE message_id = ?", (row[0],))}
    per_client: dict[int, int] = {}
    wrong_client: set[int] = set()
    for p in facts.prestaties:
        per_client[p.client] = index = per_client.get(p.client, 0) + 1
        at = ("DeclaratieAntwoord", "Clienten", f"Client[{p.client}]", "Prestaties", f"Prestatie[{index}]")
        found = declared.get(p.referentie)
        if found is None:
            f.add("TR366", f.path(*at, "ProductReferentie", "ijw:ReferentieNummer"),
                  f"ReferentieNummer {p.referentie} is no prestatie of declaration "
                  f"{facts.declaratie.declaratie_identificatie}")
            continue
        mine = (p.nummer, p.categorie, p.code, p.begindatum, p.einddatum, p.volume, p.eenheid, p.tarief, p.bedrag,
                p.debet_credit)
        differ = [name for name, a, b in zip(_FIELDS, mine, found[:-1], strict=True)
                  if (_day(b) if name in ("begindatum", "einddatum") else b) != a]
        if differ:
            f.add("TR367", f.path(*at), f"the prestatie differs from {p.referentie} as declared in "
                                        f"{', '.join(differ)}")
        if found[-1] and p.bsn and found[-1] != p.bsn and p.client not in wrong_client:
            wrong_client.add(p.client)
            f.add("TR304", f.path("DeclaratieAntwoord", "Clienten", f"Client[{p.client}]", "Bsn"),
                  f"the Bsn is not that of the client of prestatie {p.referentie} in the declaration")


_JUDGES = {"JW301": _jw301, "JW305": _leveringen_judge, "JW307": _leveringen_judge, "JW315": _verzoek_judge,
           "JW317": _verzoek_judge, "JW319": _jw319, "JW323": _jw323, "JW325": _jw325}


# ---------------------------------------------------------------------- entry points
LEVEL = 3
JUDGED_WITH_LEDGER = "judged against the ledger"


def judge(ledger: Ledger, checked: CheckedMessage) -> Judgement:
    """The level-3 findings of a schema-valid checked message against ``ledger`` ([] for other messages)."""
    if checked.model is None:
        return []
    facts = chain_facts(checked.model)
    return judge_chain(ledger, facts) if facts is not None else Judgement()


def judge_chain(ledger: Ledger, facts: ChainFacts) -> Judgement:
    """:func:`judge_facts` on ``facts`` as read from a message (BSNs not yet hashed), in one read transaction."""
    bsns: dict[str, str] = {}
    hasher = ledger._hash  # the ledger's keyed hash: the same a recorded BSN got

    def hash_bsn(bsn: str) -> str:
        return bsns.get(bsn) or bsns.setdefault(bsn, hasher.bsn(bsn))

    facts = hashed(facts, hash_bsn)
    with transaction(ledger.engine, ledger.url) as conn, chain_cursor(conn) as cur:
        return judge_facts(cur, facts)


def with_level3(report: MessageReport, findings: Judgement | list[Finding]) -> MessageReport:
    """``report`` with the level-3 findings added and controleniveau 3 marked judged (when it judged the rest)."""
    for finding in findings:
        report = report.with_finding(finding)
    if report.not_judged.get(LEVEL) is not None and not (set(report.not_judged) & {1, 2}):
        rest = {k: v for k, v in report.not_judged.items() if k != LEVEL}
        unjudged = getattr(findings, "unjudged", None)
        report = report.model_copy(update={"not_judged": rest | ({LEVEL: unjudged} if unjudged else {})})
    return report


class ChainRegister:
    """A ledger as ``ijw validate --ledger`` uses it: TR056 claims and the chain's rules (``judge_chain``)."""

    facts_reader = staticmethod(chain_facts)
    """What a validating worker reads of each schema-valid message (batch.BatchOptions.facts)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def claim_identificatie(self, berichttype: str, afzender: str, identificatie: str, digest: str) -> Any:
        return self.ledger.claim_identificatie(berichttype, afzender, identificatie, digest)

    def judge_chain(self, report: MessageReport, facts: ChainFacts) -> MessageReport:
        return with_level3(report, judge_chain(self.ledger, facts))
