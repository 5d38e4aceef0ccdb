"""The waiting-time monitor (*bovenregionale monitor beschikbaar hulpaanbod vs. wachtlijsten*).

Per toewijzing (a ToewijzingNummer of a case, as the JW301s, JW305s and JW307s in the
ledger name it) two waits, in werkdagen (:meth:`WorkingDayCalendar.working_days_between`):

* **bepaling → toewijzing**: from the day the case was opened (the voorgenomen bepaling) to
  the day of the first JW301 that names the toewijzing. Within the route terms when that
  JW301 came on or before the latest due date of the route's chains of steps that end in
  a JW301, each step taking its full term (:func:`toewijzing_chains`, read from ``routes.yaml``:
  route 301 steps 1 → 3 → 4 and 1 → 2-4; route 315 steps 1 → 3 → 4a → 4b);
* **toewijzing → start**: from the day the toewijzing took effect (its JW301's day, or its
  Ingangsdatum when later: a split toewijzing starts when the one before ends) to the
  earliest Begindatum of a JW305 naming it; 0 when care started before (a retroactive
  toewijzing). Within the term when care started within ``weken`` weeks (the standard sets
  no term here; ``ijw ledger report --niet-gestart-weken N``, default 6).

A toewijzing without a JW305 ``weken`` weeks after it took effect is *zorg niet gestart*,
unless it was stopped (a JW307) or its case closed (``afgesloten``). Each toewijzing is
counted under its case's region, gemeente and GI and under the tussentaal zorgvorm of its
product code (``zorgvorm``: a reverse lookup the caller passes in; the ledger knows no
tussentaal), ``onbekend`` when the code cannot be read back. The status is as of
``today``: messages and events dated after it are ignored. No personal data: cases by
their id, toewijzingen by their number.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ijw_gateway.errors import UsageError
from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.facts import local_date
from ijw_gateway.ledger.routes import Definitions, Ref, Step, Termijn
from ijw_gateway.ledger.store import EventRow, MessageProductRow, MessageRow, transaction

__all__ = ["DEFAULT_WEKEN", "ONBEKEND", "Toewijzing", "ZorgvormLookup", "build_wachttijden", "read_toewijzingen",
           "toewijzing_chains"]

DEFAULT_WEKEN = 6
"""Weeks after which a toewijzing without a start is listed as *zorg niet gestart*."""
ONBEKEND = "onbekend"
"""The zorgvorm of a product code the lookup cannot read back (or without a lookup)."""
MAX_WEKEN = 520

ZorgvormLookup = Callable[[str, str, date], "str | None"]
"""(product code, gemeentecode, date) → the tussentaal zorgvorm, or None."""

GROUPS = (("regio", "regio"), ("gemeente", "gemeente"), ("gi", "gecertificeerde_instelling"),
          ("zorgvorm", "zorgvorm"))


@dataclass(frozen=True)
class Toewijzing:
    """One toewijzing as the ledger's messages show it (dated on or before the day judged)."""

    case: str
    nummer: str
    product: str | None
    ingangsdatum: date | None
    toegewezen: date
    """The day of the first JW301 naming it."""
    gestart: date | None = None
    """The earliest Begindatum of a JW305 naming it."""
    gestopt: bool = False
    """A JW307 names it."""
    afgesloten: bool = False
    """Its case was closed."""

    @property
    def vanaf(self) -> date:
        """The day the toewijzing took effect: its JW301, or its Ingangsdatum when later."""
        return max(self.toegewezen, self.ingangsdatum) if self.ingangsdatum else self.toegewezen


def read_toewijzingen(ledger: Any, today: date) -> list[Toewijzing]:
    """The toewijzingen of every case from the JW301s, JW305s and JW307s in ``ledger``, as of ``today``."""
    m, p, e = MessageRow.__table__, MessageProductRow.__table__, EventRow.__table__  # type: ignore[attr-defined]
    query = (select(m.c.case_id, m.c.berichttype, m.c.at, p.c.ref, p.c.product, p.c.datum)
             .join(p, p.c.message_id == m.c.id)
             .where(m.c.berichttype.in_(("JW301", "JW305", "JW307")) & p.c.datum.is_not(None))
             .order_by(m.c.case_id, m.c.at, m.c.id))
    with transaction(ledger.engine, ledger.url) as conn:
        rows = list(conn.execute(query))
        closed = {case_id for case_id, in conn.execute(
            select(e.c.case_id).where((e.c.name == "afgesloten") & (e.c.day <= today)))}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for case_id, berichttype, at, ref, product, datum in rows:
        day = local_date(at)
        if day > today:
            continue
        item = found.get((case_id, ref))
        if berichttype == "JW301":
            if item is None or "toegewezen" not in item:
                found[(case_id, ref)] = {**(item or {}), "toegewezen": day, "product": product, "ingangsdatum": datum}
        elif berichttype == "JW305":
            item = found.setdefault((case_id, ref), {})
            if datum <= today and ("gestart" not in item or datum < item["gestart"]):
                item["gestart"] = datum
        else:
            found.setdefault((case_id, ref), {})["gestopt"] = True
    return [
        Toewijzing(case=case_id, nummer=ref, product=item["product"], ingangsdatum=item["ingangsdatum"],
                   toegewezen=item["toegewezen"], gestart=item.get("gestart"), gestopt=item.get("gestopt", False),
                   afgesloten=case_id in closed)
        for (case_id, ref), item in sorted(found.items())
        if "toegewezen" in item  # a start or stop of a toewijzing the ledger has no JW301 of
    ]


# ----------------------------------------------------------------------------- the route terms
def toewijzing_chains(definitions: Definitions, route: str) -> list[list[Step]]:
    """The chains of steps from the case's opening to a step done by a JW301, in route order.

    A step's start is followed back through its first alternative that is a step, or a
    message that a step of the route is done by; a step that starts on events only (the
    network of providers, the RET) is another branch, not the route's own path.
    """
    steps = definitions.routes[route].steps
    by_key = {s.key: s for s in steps}

    def done_by(ref: Ref) -> list[Step]:
        return [s for s in steps if any(r.kind == "message" and r.name == ref.name for r in s.done_by)]

    def back(step: Step, seen: tuple[str, ...]) -> list[list[Step]]:
        if step.key in seen:
            return []
        chains: list[list[Step]] = []
        for ref in step.start:
            if ref.kind == "opened":
                return [[step]]
            if ref.kind == "step":
                before = [by_key[str(ref.name)]]
            elif ref.kind == "message":
                before = done_by(ref)
            else:
                continue
            for s in before:
                chains += [[*chain, step] for chain in back(s, (*seen, step.key))]
            if chains:
                return chains
        return chains

    ends = [s for s in steps if any(r.kind == "message" and r.name == "JW301" for r in s.done_by)]
    return [chain for end in ends for chain in back(end, ())]


def _due(opened: date, chains: list[list[Step]], calendar: WorkingDayCalendar) -> date | None:
    dues = []
    for chain in chains:
        day = opened
        for step in chain:
            day = step.term.due(day, calendar)
        dues.append(day)
    return max(dues) if dues else None


def _describe(chain: list[Step]) -> str:
    return " → ".join(f"{s.step} ({s.term})" for s in chain)


# ----------------------------------------------------------------------------- the numbers
def _median(values: list[int]) -> float | int | None:
    if not values:
        return None
    m = statistics.median(values)
    return int(m) if float(m).is_integer() else float(m)


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


@dataclass(frozen=True)
class _Measured:
    toewijzing: Toewijzing
    regio: str
    gemeente: str
    gi: str
    zorgvorm: str
    bepaling_werkdagen: int
    bepaling_binnen: bool | None
    start_werkdagen: int | None
    start_binnen: bool | None
    niet_gestart: bool


def _measures(items: list[_Measured]) -> dict[str, Any]:
    bepaling = [m.bepaling_werkdagen for m in items]
    judged = [m.bepaling_binnen for m in items if m.bepaling_binnen is not None]
    started = [m for m in items if m.start_werkdagen is not None]
    return {
        "toewijzingen": len(items),
        "bepaling_toewijzing": {"aantal": len(bepaling), "mediaan_werkdagen": _median(bepaling),
                                "binnen_termijn": _share(sum(judged), len(judged))},
        "toewijzing_start": {"aantal": len(started),
                             "mediaan_werkdagen": _median([m.start_werkdagen for m in started]),  # type: ignore[misc]
                             "binnen_termijn": _share(sum(bool(m.start_binnen) for m in started), len(started))},
        "niet_gestart": sum(m.niet_gestart for m in items),
    }


def build_wachttijden(
    cases: Iterable[Any],
    toewijzingen: Iterable[Toewijzing],
    *,
    today: date,
    calendar: WorkingDayCalendar,
    definitions: Definitions,
    zorgvorm: ZorgvormLookup | None = None,
    weken: int = DEFAULT_WEKEN,
) -> dict[str, Any]:
    """The waiting-time monitor as a JSON-ready mapping (``ijw ledger report``'s ``wachttijden``).

    ``{"weken_niet_gestart", "termijnen": {"bepaling_toewijzing": {route: [chain, …]}, "toewijzing_start"},
    "totaal": measures, "groups": {"regio"|"gemeente"|"gi"|"zorgvorm": [{name, **measures}]},
    "niet_gestart": [...]}``; measures are ``toewijzingen``, ``bepaling_toewijzing`` and
    ``toewijzing_start`` (each ``aantal``, ``mediaan_werkdagen``, ``binnen_termijn``: the share
    within the term, None when there is none to judge) and ``niet_gestart``.
    """
    if isinstance(weken, bool) or not isinstance(weken, int) or not 1 <= weken <= MAX_WEKEN:
        raise UsageError(f"--niet-gestart-weken {weken}: expected a number of weeks from 1 to {MAX_WEKEN}")
    info = {c.case: c for c in cases}
    chains = {route: toewijzing_chains(definitions, route) for route in sorted(definitions.routes)}
    measured: list[_Measured] = []
    for t in toewijzingen:
        case = info.get(t.case)
        if case is None:
            continue
        opened = local_date(case.opened_at)
        due = _due(opened, chains.get(case.route, []), calendar)
        code = None
        if zorgvorm is not None and t.product:
            code = zorgvorm(t.product, case.gemeente, t.ingangsdatum or t.toegewezen)
        start_days = start_in = None
        if t.gestart is not None:
            start_days = max(0, calendar.working_days_between(t.vanaf, t.gestart))
            start_in = t.gestart <= calendar.add_weeks(t.vanaf, weken)
        niet_gestart = (t.gestart is None and not t.gestopt and not t.afgesloten
                        and today > calendar.add_weeks(t.vanaf, weken))
        measured.append(_Measured(
            toewijzing=t, regio=str(case.regio or "?"), gemeente=str(case.gemeente), gi=str(case.gi),
            zorgvorm=code or ONBEKEND,
            bepaling_werkdagen=max(0, calendar.working_days_between(opened, t.toegewezen)),
            bepaling_binnen=(t.toegewezen <= due) if due is not None else None,
            start_werkdagen=start_days, start_binnen=start_in, niet_gestart=niet_gestart,
        ))
    groups: dict[str, list[dict[str, Any]]] = {}
    for attr, label in GROUPS:
        members: dict[str, list[_Measured]] = defaultdict(list)
        for m in measured:
            members[getattr(m, attr)].append(m)
        groups[attr] = [{label: name, **_measures(members[name])} for name in sorted(members)]
    niet = sorted((m for m in measured if m.niet_gestart),
                  key=lambda m: (m.toewijzing.vanaf, m.toewijzing.case, m.toewijzing.nummer))
    return {
        "weken_niet_gestart": weken,
        "termijnen": {
            "bepaling_toewijzing": {route: [_describe(c) for c in found] for route, found in chains.items()},
            "toewijzing_start": str(Termijn(aantal=weken, eenheid="weken")),
        },
        "totaal": _measures(measured),
        "groups": groups,
        "niet_gestart": [
            {"case": m.toewijzing.case, "toewijzing": m.toewijzing.nummer, "regio": m.regio, "gemeente": m.gemeente,
             "gi": m.gi, "zorgvorm": m.zorgvorm, "product": m.toewijzing.product,
             "sinds": m.toewijzing.vanaf.isoformat(),
             "werkdagen": calendar.working_days_between(m.toewijzing.vanaf, today)}
            for m in niet
        ],
    }
