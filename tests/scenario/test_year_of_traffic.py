"""A year of one region's traffic (Arnhem, one aanbieder): toewijzingen, starts, stops, changes and monthly
declarations with deliberate mistakes, played through `ijw validate --ledger`, `ijw ledger ingest` and
`ijw respond --ledger`, month by month.

The generator decides every mistake and so knows, without our code, which rule each message breaks
and what each JW325 must say: which prestaties are rejected with which retourcodes (read from the
reference's rule texts) and the totals. The test checks that every cross-message rule that fires is
the expected one, that every JW325 is exactly right, that the ledger keeps the chain, and that the
waiting-time monitor shows the waits the generator planned (counted here with its own werkdagen).
"""

from __future__ import annotations

import json
import random
import re
import statistics
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.ledger.cases import CaseDescription
from ijw_gateway.ledger.ledger import Ledger
from tests.conftest import require_reference
from tests.ledger.chain_builders import Client, Levering, Prestatie, Toewijzing, jw301, jw305, jw307, jw323

GEMEENTE, AANBIEDER, YEAR = "0202", "42420001", 2026
PRODUCTS = {  # code: (categorie, eenheid, volume per maand, contract tarief)
    "45A53": ("45", "04", 20, 10454),
    "41A04": ("41", "16", 12, 10712),
}
CLIENTS = 130
UNKNOWN = 209999999


def first(month: int) -> date:
    return date(YEAR, month, 1) if month <= 12 else date(YEAR + 1, month - 12, 1)


def last(month: int) -> date:
    day = first(month)
    return day.replace(day=monthrange(day.year, day.month)[1])


def bsns(count: int) -> list[str]:
    """Valid (elfproef) test BSNs."""
    found = []
    n = 999_900_000
    while len(found) < count:
        n += 1
        digits = [int(c) for c in str(n)]
        if (sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]) % 11 == 0:
            found.append(str(n))
    return found


def retourcodes_of_the_reference() -> dict[str, str]:
    """Rule → retourcode as the reference's rule texts state it (the oracle, not our registry)."""
    folder = require_reference() / "ijw-3.2" / "regels" / "technische-regels" / "berichtoverstijgend"
    codes = {}
    for path in folder.glob("TR*.md"):
        found = re.search(r"\| Retourcode \| (\d{4}) \|", path.read_text(encoding="utf-8"))
        if found:
            codes[path.stem] = found.group(1)
    codes["OP033"] = codes["TR074"]
    return codes


@dataclass
class Tw:
    nummer: int
    bsn: str
    code: str
    start_month: int
    started: bool = True
    stop_month: int | None = None
    end_month: int | None = None  # a change (JW301 again) ends it with this month

    @property
    def product(self) -> tuple[str, str, int, int]:
        return PRODUCTS[self.code]

    def declarable(self, month: int) -> bool:
        return (self.started and month >= self.start_month and (self.stop_month is None or month <= self.stop_month)
                and (self.end_month is None or month <= self.end_month))


@dataclass
class Expected:
    rules: set[str] = field(default_factory=set)


@dataclass
class Declared:
    """One prestatie as the generator sent it, and what must become of it."""

    prestatie: Prestatie
    bsn: str
    rules: set[str] = field(default_factory=set)


@dataclass
class Month:
    jw301_check: list[tuple[str, bytes, set[str]]] = field(default_factory=list)  # validated, ingested when clean
    respond: list[tuple[str, bytes, set[str]]] = field(default_factory=list)
    declaraties: dict[str, tuple[list[Declared], str | None]] = field(default_factory=dict)  # name → (…, whole)


class Year:
    """The generator: a region's year, its mistakes and their expected outcomes."""

    def __init__(self, seed: int = 14) -> None:
        self.rng = random.Random(seed)
        self.months: dict[int, Month] = {m: Month() for m in range(1, 14)}
        self.clients = bsns(CLIENTS + 1)
        self.stranger = self.clients.pop()  # a BSN with no case: the TR332 mistake
        self.tw: list[Tw] = []
        self.seq = 0
        self.approved: dict[tuple[int, int], Declared] = {}  # (nummer, month) → the debet that stands
        self.used_refs: list[str] = []
        self._plan()

    def ident(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix}{self.seq:07d}"

    # ----------------------------------------------------------------- the plan
    def _plan(self) -> None:
        nummer = 202600000
        for bsn in self.clients:
            for _ in range(self.rng.choice((1, 2, 2, 3))):
                nummer += 1
                self.tw.append(Tw(nummer, bsn, self.rng.choice(sorted(PRODUCTS)), self.rng.randint(1, 8)))
        never = self.tw[5]
        never.started = False
        for t in self.rng.sample(self.tw[10:], len(self.tw) // 7):
            if t.start_month <= 9:
                t.stop_month = self.rng.randint(t.start_month + 1, 10)
        for t in self.rng.sample([t for t in self.tw[10:] if t.stop_month is None], len(self.tw) // 10):
            if t.start_month <= 7:
                t.end_month = self.rng.randint(t.start_month + 1, 8)
        for t in self.tw:
            self._toewijzing(t)
            if t.started:
                self.months[t.start_month].respond.append(
                    (f"a-start-{t.nummer}", jw305(self.ident("S"), first(t.start_month) + timedelta(days=2), t.bsn,
                                                  [self._levering(t)]), set()))
            if t.stop_month is not None:
                self.months[t.stop_month + 1].respond.append(
                    (f"b-stop-{t.nummer}", jw307(self.ident("E"), first(t.stop_month + 1) + timedelta(days=1), t.bsn,
                                                 [self._levering(t, einddatum=last(t.stop_month))]), set()))
            if t.end_month is not None:
                self._change(t)
        self._regie_mistakes(never)
        for month in range(1, 13):
            self._declaration(month)

    def _levering(self, t: Tw, code: str | None = None, **kw: object) -> Levering:
        return Levering(t.nummer, first(t.start_month), categorie=t.product[0], code=code or t.code,
                        **kw)  # type: ignore[arg-type]

    def _toewijzing(self, t: Tw, end: date | None = None, day: date | None = None) -> Toewijzing:
        categorie, eenheid, volume, _ = t.product
        return Toewijzing(t.nummer, first(t.start_month), end, categorie=categorie, code=t.code, volume=volume,
                          eenheid=eenheid, frequentie="4", toegewezen=day)

    def _jw301(self, t: Tw, day: date, end: date | None = None, bsn: str | None = None) -> bytes:
        return jw301(self.ident("T"), day, bsn or t.bsn, [self._toewijzing(t, end, day)])

    def _change(self, t: Tw) -> None:
        assert t.end_month is not None
        day = first(t.end_month) + timedelta(days=4)
        self.months[t.end_month].jw301_check.append((f"change-{t.nummer}", self._jw301(t, day, last(t.end_month)),
                                                     set()))

    def _regie_mistakes(self, never: Tw) -> None:
        started = [t for t in self.tw if t.started and t.start_month <= 2 and t.stop_month is None
                   and t.end_month is None]
        a, b, c = started[:3]
        m2 = self.months[2].respond
        m2.append(("c-start-unknown", jw305(self.ident("S"), first(2) + timedelta(days=9), a.bsn, [
            Levering(UNKNOWN, first(2), categorie="45", code="45A53")]), {"TR019"}))
        self.months[3].respond.append(("c-start-again", jw305(self.ident("S"), first(3) + timedelta(days=2), a.bsn, [
            Levering(a.nummer, first(3), categorie=a.product[0], code=a.code)]), {"TR326"}))
        self.months[max(4, never.start_month + 1)].respond.append((
            "c-stop-unstarted", jw307(self.ident("E"), first(max(4, never.start_month + 1)) + timedelta(days=3),
                                      never.bsn, [self._levering(never, einddatum=last(never.start_month))]),
            {"TR382"}))
        self.months[5].respond.append(("c-start-twice", jw305(self.ident("S"), first(5) + timedelta(days=3), b.bsn,
                                                              [self._levering(b)]), {"TR074"}))
        other = "45A56" if c.code == "45A53" else "45A53"
        self.months[6].respond.append(("c-start-corrected", jw305(
            self.ident("S"), first(6) + timedelta(days=3), c.bsn,
            [Levering(c.nummer, first(c.start_month), categorie=PRODUCTS.get(other, ("45",))[0], code=other)]),
            {"TR074", "OP033"}))
        # the gemeente's side: a JW301 reusing a ToewijzingNummer of another client, caught by validate --ledger
        self.months[9].jw301_check.append(("reused-nummer", self._jw301(a, first(9), bsn=self.stranger), {"TR332"}))
        for t in self.tw:
            self.months[t.start_month].jw301_check.insert(
                0, (f"toewijzing-{t.nummer}", self._jw301(t, first(t.start_month) - timedelta(days=10)), set()))

    # ----------------------------------------------------------------- declarations
    def _prestatie(self, t: Tw, month: int, ref: str | None = None, volume: int | None = None, **kw: object
                   ) -> Prestatie:
        categorie, eenheid, most, tarief = t.product
        values: dict[str, object] = {"categorie": categorie, "code": t.code, "eenheid": eenheid, "tarief": tarief}
        values.update(kw)
        ref = ref or f"P{month:02d}{t.nummer % 1000000:06d}{self.rng.randint(0, 9)}"
        nummer = int(values.pop("nummer", t.nummer))  # type: ignore[call-overload]
        return Prestatie(ref, nummer, first(month), last(month),
                         volume if volume is not None else self.rng.randint(1, most), **values)  # type: ignore[arg-type]

    def _declaration(self, month: int) -> None:
        lines: list[Declared] = []
        for t in self.tw:
            if t.declarable(month):
                lines.append(Declared(self._prestatie(t, month), t.bsn))
        eligible = [d for d in lines if self._tw(d).end_month is None and self._tw(d).stop_month is None]
        pick = self.rng.choice
        whole: str | None = None
        carried = getattr(self, "carried", [])
        lines = carried + lines
        self.carried = []
        if month == 3:
            d = pick(eligible)
            lines.append(Declared(self._prestatie(self._tw(d), month, ref=f"X{month:02d}UNKNOWN", nummer=UNKNOWN),
                                  d.bsn, {"TR338"}))
        if month == 4:
            d = next(d for d in eligible if d.prestatie.code == "45A53")
            self._replace(lines, d, self._prestatie(self._tw(d), month, categorie="41", code="41A04", volume=5,
                                                    tarief=PRODUCTS["41A04"][3]), {"TR339", "TR340"})
        if month == 2:
            d = pick(eligible)
            self._replace(lines, d, self._prestatie(self._tw(d), month, tarief=self._tw(d).product[3] + 100),
                          {"TR418"})
        if month == 5:
            d = pick(eligible)
            self._replace(lines, d, self._prestatie(self._tw(d), month, eenheid="14", volume=3), {"TR341"})
        if month == 6:
            d = pick(eligible)
            t = self._tw(d)
            self._replace(lines, d, self._prestatie(t, month, volume=t.product[2] + 5), {"TR321"})
            self.carried.append(Declared(self._prestatie(t, month, ref=f"R06{t.nummer % 1000000:06d}",
                                                         volume=t.product[2]), d.bsn))  # sent again in July, right
        if month == 7:
            d = pick([d for d in eligible if (d.prestatie.nummer, 5) in self.approved])
            again = self._prestatie(self._tw(d), 5, ref=f"D07{d.prestatie.nummer % 1000000:06d}")
            lines.append(Declared(again, d.bsn, {"TR389"}))
        if month == 8:
            d = pick(eligible)
            lines.append(Declared(self._prestatie(self._tw(d), 7, ref="C08NOSUCHDEBET", dc="C", vorig="P99NONE"),
                                  d.bsn, {"TR323"}))
            d = pick([d for d in eligible if (d.prestatie.nummer, 6) in self.approved and d.bsn != lines[-1].bsn])
            debet = self.approved[(d.prestatie.nummer, 6)].prestatie
            credit = Prestatie(f"C08{debet.nummer % 1000000:06d}", debet.nummer, debet.begin, debet.eind,
                               debet.volume, debet.categorie, debet.code, debet.eenheid, debet.tarief, "C",
                               debet.ref)
            redo = Prestatie(f"Q08{debet.nummer % 1000000:06d}", debet.nummer, debet.begin, debet.eind,
                             max(1, debet.volume - 1), debet.categorie, debet.code, debet.eenheid, debet.tarief)
            lines.append(Declared(credit, d.bsn))
            lines.append(Declared(redo, d.bsn))
        if month == 9:
            t = next(t for t in self.tw if t.end_month is not None and t.end_month < 9 and t.started
                     and t.start_month < t.end_month)
            late = self._prestatie(t, month, ref=f"L09{t.nummer % 1000000:06d}")
            assert t.end_month is not None
            standing = sum(d.prestatie.volume for (n, _), d in self.approved.items() if n == t.nummer)
            too_much = standing + late.volume > t.product[2] * (t.end_month - t.start_month + 1)
            lines.append(Declared(late, t.bsn, {"TR308"} | ({"TR322"} if too_much else set())))
        if month == 10:
            d = pick(eligible)
            old = next(p for (n, m), p in sorted(self.approved.items()) if n == d.prestatie.nummer)
            self._replace(lines, d, self._prestatie(self._tw(d), month, ref=old.prestatie.ref), {"TR314"})
        if month == 11:
            whole = "TR333"
            self.carried = [Declared(self._prestatie(self._tw(d), 11, ref=f"N11{d.prestatie.nummer % 1000000:06d}",
                                                     volume=d.prestatie.volume), d.bsn)
                            for d in lines]
        name = f"d-declaratie-{month:02d}"
        nummer = f"DA{YEAR}{month - 1 if whole else month:02d}"
        self.months[month + 1].declaraties[name] = (lines, whole)
        self.months[month + 1].respond.append((name, self._jw323(month, nummer, lines), set()))
        if whole is None:
            for d in lines:
                p = d.prestatie
                if d.rules:
                    continue
                if p.dc == "C":
                    self.approved.pop((p.nummer, p.begin.month), None)
                else:
                    self.approved[(p.nummer, p.begin.month)] = d

    def _tw(self, d: Declared) -> Tw:
        return next(t for t in self.tw if t.nummer == d.prestatie.nummer)

    def _replace(self, lines: list[Declared], old: Declared, new: Prestatie, rules: set[str]) -> None:
        lines[lines.index(old)] = Declared(new, old.bsn, rules)

    def _jw323(self, month: int, nummer: str, lines: list[Declared]) -> bytes:
        per_client: dict[str, list[Prestatie]] = {}
        for d in lines:
            per_client.setdefault(d.bsn, []).append(d.prestatie)
        day = first(month + 1) + timedelta(days=4)
        return jw323(self.ident("D"), day, nummer, (first(month), last(month)),
                     [Client(bsn, prestaties) for bsn, prestaties in per_client.items()])


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def rules_per_file(stdout: str) -> dict[str, set[str]]:
    """Which rules each file broke, from the respond or validate text output."""
    found: dict[str, set[str]] = {}
    current = None
    for line in stdout.splitlines():
        head = re.match(r"^(\S+\.xml): ", line)
        if head:
            current = Path(head.group(1)).stem
            found.setdefault(current, set())
            continue
        rule = re.match(r"^\s+error: (\w+) \[", line)
        if rule and current is not None:
            found[current].add(rule.group(1))
    return found


def test_a_year_of_traffic(ledger_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    year = Year()
    codes = retourcodes_of_the_reference()
    with Ledger(ledger_url) as ledger:
        for i, bsn in enumerate(year.clients):
            ledger.open_case(CaseDescription(f"K-YEAR-{i:03d}", "315", GEMEENTE, "Centraal Gelderland", "GI-JBG",
                                             "ots", date(YEAR - 1, 12, 1), bsn), at=date(YEAR - 1, 12, 1))
    fired: dict[str, set[str]] = {}
    expected: dict[str, set[str]] = {}
    answers = 0
    for month, plan in sorted(year.months.items()):
        folder = tmp_path / f"m{month:02d}"
        folder.mkdir()
        if plan.jw301_check:  # the gemeente validates its toewijzingen against the ledger, sends the clean ones
            paths = []
            for name, data, rules in plan.jw301_check:
                (folder / f"{name}.xml").write_bytes(data)
                paths.append(folder / f"{name}.xml")
                expected[name] = rules
            _, out = run(["validate", "--today", str(last(month)), "--ledger", ledger_url,
                             *map(str, paths)], capsys)
            judged = rules_per_file(out)
            for path in paths:
                fired[path.stem] = judged.get(path.stem, set())
            clean = [str(p) for p in paths if not fired[p.stem]]
            if clean:
                code, out = run(["ledger", "ingest", "--db", ledger_url, "--direction", "sent", *clean], capsys)
                assert code == 0, out
        if not plan.respond:
            continue
        paths = []
        for name, data, rules in plan.respond:
            (folder / f"{name}.xml").write_bytes(data)
            paths.append(folder / f"{name}.xml")
            expected[name] = rules | ({year_rule for d in plan.declaraties.get(name, ([], None))[0]
                                       for year_rule in d.rules}
                                      | ({plan.declaraties[name][1]} if plan.declaraties.get(name, ([], None))[1]
                                         else set()))
        out_dir = folder / "out"
        today = first(month) + timedelta(days=27)
        _, out = run(["respond", "--today", str(today), "--ledger", ledger_url, "--out", str(out_dir),
                         *map(str, sorted(paths))], capsys)
        assert "not recorded" not in out, out
        judged = rules_per_file(out)
        for path in paths:
            fired[path.stem] = judged.get(path.stem, set())
        for name, (lines, whole) in plan.declaraties.items():
            answers += 1
            check_answer(out_dir / f"{name}-JW325.xml", lines, whole, codes)
    mismatches = {name: (fired.get(name), rules) for name, rules in expected.items() if fired.get(name) != rules}
    assert not mismatches
    print(f"{len(year.tw)} toewijzingen, {len(expected)} messages judged, {sum(bool(r) for r in expected.values())} "
          f"with mistakes, {answers} JW325")
    assert answers == 12 and sum(bool(r) for r in expected.values()) >= 16
    with Ledger(ledger_url) as ledger:
        counts = ledger.counts()
        with ledger.engine.begin() as conn:
            chain = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                     for table in ("ledger_toewijzing", "ledger_levering", "ledger_prestatie")}
    assert counts["cases"] == CLIENTS and counts["messages"] > 2 * len(year.tw)
    check_monitor(year, ledger_url, tmp_path, capsys)
    declared = [(lines, whole) for plan in year.months.values() for lines, whole in plan.declaraties.values()]
    assert chain == {  # the chain keeps every toewijzing statement, start, stop and prestatie, once
        "ledger_toewijzing": len(year.tw) + sum(t.end_month is not None for t in year.tw),
        "ledger_levering": sum(name[0] in "abc" for plan in year.months.values() for name, _, _ in plan.respond),
        "ledger_prestatie": sum(len(lines) + (0 if whole else sum(bool(d.rules) for d in lines))
                                for lines, whole in declared),
    }


def signed(total: object) -> int:
    amount = int(total.TotaalBedrag)  # type: ignore[attr-defined]
    return -amount if total.DebetCredit == "C" else amount  # type: ignore[attr-defined]


def check_answer(path: Path, lines: list[Declared], whole: str | None, codes: dict[str, str]) -> None:
    """The JW325 says exactly what the generator expects."""
    answer = ijw.parse(path.read_bytes()).DeclaratieAntwoord
    ingediend = sum(d.prestatie.signed for d in lines)
    assert signed(answer.TotaalIngediendBedrag) == ingediend
    if whole is not None:
        assert answer.RetourCodes.RetourCode == [codes[whole]] and answer.Clienten is None
        assert answer.TotaalToegekendBedrag.TotaalBedrag == 0
        return
    rejected = {d.prestatie.ref: sorted(codes[r] for r in d.rules) for d in lines if d.rules}
    got = {p.ProductReferentie.ReferentieNummer: sorted(p.RetourCodes.RetourCode)
           for c in (answer.Clienten.Client if answer.Clienten else []) for p in c.Prestaties.Prestatie}
    assert got == rejected, path.name
    assert signed(answer.TotaalToegekendBedrag) == ingediend - sum(d.prestatie.signed for d in lines if d.rules)
    assert answer.RetourCodes.RetourCode == (["0200"] if rejected else ["8001"])


#: The feestdagen of the Algemene termijnenwet from the cases' opening to the end of the year.
CLOSED = {date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6),
          date(2026, 4, 27), date(2026, 5, 5), date(2026, 5, 14), date(2026, 5, 25), date(2026, 12, 25),
          date(2026, 12, 26)}
OPENED = date(YEAR - 1, 12, 1)


def werkdagen(a: date, b: date) -> int:
    """Working days d with a < d <= b, counted one by one (the test's own count, not the ledger's calendar)."""
    return sum((a + timedelta(days=i)).weekday() < 5 and a + timedelta(days=i) not in CLOSED
               for i in range(1, (b - a).days + 1))


def plus_werkdagen(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= day.weekday() < 5 and day not in CLOSED
    return day


def check_monitor(year: Year, ledger_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The waiting-time monitor of the year's ledger against the waits the generator planned: every case
    opened on 1 December (route 315: the JW301 due 4 × 5 werkdagen later), each toewijzing's JW301 ten
    days before its Ingangsdatum, care started on the Ingangsdatum."""
    report = tmp_path / "report.json"
    code, _ = run(["ledger", "report", "--db", ledger_url, "--today", f"{YEAR}-12-15", "--format", "json",
                   "-o", str(report)], capsys)
    assert code == 0
    totaal = json.loads(report.read_text("utf-8"))["wachttijden"]["totaal"]
    toegewezen = [first(t.start_month) - timedelta(days=10) for t in year.tw]
    waits = sorted(werkdagen(OPENED, day) for day in toegewezen)
    term = plus_werkdagen(OPENED, 20)
    started = [t for t in year.tw if t.started]
    assert totaal["toewijzingen"] == len(year.tw)
    assert totaal["bepaling_toewijzing"] == {
        "aantal": len(year.tw), "mediaan_werkdagen": statistics.median(waits),
        "binnen_termijn": round(sum(day <= term for day in toegewezen) / len(toegewezen), 3)}
    assert totaal["toewijzing_start"] == {"aantal": len(started), "mediaan_werkdagen": 0, "binnen_termijn": 1.0}
