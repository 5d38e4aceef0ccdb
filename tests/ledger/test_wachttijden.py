"""The waiting-time monitor against waits computed here, independently, from a generated year of cases.

The cases, JW301s, JW305s and JW307s are generated with known dates and ingested as messages;
the test counts werkdagen with its own loop over the 2026 feestdagen of the Algemene
termijnenwet and its own route terms (aanmeldroutes.md), never with the ledger's calendar
or the monitor's code. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import random
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.ledger import Ledger
from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.routes import load_definitions
from ijw_gateway.ledger.wachttijden import build_wachttijden, read_toewijzingen
from tests.ledger import builders as b
from tests.ledger.report_fixture import PLACES, _bsn

TODAY = date(2026, 10, 15)
CLOSED = {date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 4, 27), date(2026, 5, 5),
          date(2026, 5, 14), date(2026, 5, 25), date(2026, 12, 25), date(2026, 12, 26)}
#: The test's own reverse lookup: product code → zorgvorm (the CLI's comes from the contracts).
ZORGVORM = {"45A53": "AMB-SPEC-IND", "45A56": "AMB-SPEC-GEZIN", "43A07": "VERBLIJF-BEH"}
WEKEN = 6


def working(day: date) -> bool:
    return day.weekday() < 5 and day not in CLOSED


def werkdagen(a: date, b_: date) -> int:
    """Working days d with a < d ≤ b (negative when b is before a), counted one by one."""
    if b_ < a:
        return -werkdagen(b_, a)
    return sum(working(a + timedelta(days=i)) for i in range(1, (b_ - a).days + 1))


def plus_werkdagen(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= working(day)
    return day


def route_term(route: str, opened: date) -> date:
    """The latest JW301 within the route's terms (aanmeldroutes.md): 301 steps 1 (3 wd) → 3 (5 wd) → 4 (5 wd)
    or 1 (3 wd) → 2-4 (3 weeks); 315 steps 1 → 3 → 4a → 4b (5 wd each)."""
    if route == "301":
        return max(plus_werkdagen(opened, 13), plus_werkdagen(opened, 3) + timedelta(days=21))
    return plus_werkdagen(opened, 20)


@dataclass
class Planned:
    case: str
    route: str
    gemeente: str
    gi: str
    opened: date
    nummer: int
    code: str
    toegewezen: date
    ingang: date
    begin: date | None = None
    begin_sent: date | None = None
    stopped: bool = False
    closed: bool = False


def _message(name: str, ident: str, day: date, afzender: str, ontvanger: str) -> Any:
    model = ijw.parse((b.EXAMPLES / "berichten" / name).read_bytes())
    model = b.with_field(model, "Header.BerichtIdentificatie.Identificatie", ident)
    model = b.with_field(model, "Header.BerichtIdentificatie.Dagtekening", day)
    model = b.with_field(model, "Header.Afzender", afzender)
    return b.with_field(model, "Header.Ontvanger", ontvanger)


def jw301(p: Planned, bsn: str) -> bytes:
    model = b.with_field(_message("jw301-toewijzing.xml", f"T{p.nummer}", p.toegewezen, p.gemeente, b.AGB),
                         "Client.Bsn", bsn)
    product = model.Client.ToegewezenProducten.ToegewezenProduct[0]
    product = product.model_copy(update={
        "ToewijzingNummer": p.nummer, "Toewijzingsdatum": p.toegewezen, "Ingangsdatum": p.ingang,
        "Einddatum": p.ingang + timedelta(days=180), "Product": product.Product.model_copy(update={"Code": p.code})})
    return ijw.to_xml(b.with_field(model, "Client.ToegewezenProducten.ToegewezenProduct", [product]))


def regiebericht(p: Planned, bsn: str, kind: str, sent: date, datum: date) -> bytes:
    name = "jw305-start-zorg.xml" if kind == "JW305" else "jw307-stop-zorg.xml"
    model = b.with_field(_message(name, f"{kind[2:]}{p.nummer}", sent, b.AGB, p.gemeente), "Client.Bsn", bsn)
    field = "StartProducten.StartProduct" if kind == "JW305" else "StopProducten.StopProduct"
    item = b.with_field(model, "Client", model.Client)
    items = getattr(getattr(item.Client, field.split(".")[0]), field.split(".")[1])
    update = {"ToewijzingNummer": p.nummer, "ToewijzingIngangsdatum": p.ingang,
              "Product": items[0].Product.model_copy(update={"Code": p.code}),
              "Begindatum": datum if kind == "JW305" else p.ingang}
    if kind == "JW307":
        update["Einddatum"] = datum
    return ijw.to_xml(b.with_field(model, f"Client.{field}", [items[0].model_copy(update=update)]))


def generate(ledger: Ledger, seed: int = 14, cases: int = 48) -> list[Planned]:
    """Cases across the seven regions and four GIs; per case one or two toewijzingen, most started."""
    rng = random.Random(seed)
    planned: list[Planned] = []
    messages: list[bytes] = []
    nummer = 300_000
    for i in range(cases):
        gemeente, gi = PLACES[i % len(PLACES)]
        route = "315" if i % 3 == 0 else "301"
        kenmerk = f"WT-2026-{i:06d}"
        bsn = _bsn(i)
        opened = date(2026, 1, 5) + timedelta(days=rng.randrange(0, 240))
        bep = b.bepaling(kenmerk, route, gemeente, bsn).model_copy(update={"gecertificeerde_instelling": gi})
        ledger.open(bep, at=opened)
        toegewezen = plus_werkdagen(opened, rng.randrange(0, 35))
        closed = i % 11 == 5
        if closed:
            ledger.record(kenmerk, "afgesloten", at=min(TODAY, toegewezen + timedelta(days=3)))
        for k in range(1 + (i % 4 == 0)):
            nummer += 1
            ingang = toegewezen + timedelta(days=rng.choice([-4, 0, 0, 3, 10]) + 120 * k)  # k=1: a split
            p = Planned(kenmerk, route, gemeente, gi, opened, nummer, rng.choice(sorted(ZORGVORM)), toegewezen,
                        ingang, closed=closed)
            if toegewezen > TODAY:
                continue
            messages.append(jw301(p, bsn))
            chance = rng.random()
            vanaf = max(toegewezen, ingang)
            if chance < 0.7:
                begin = vanaf + timedelta(days=rng.randrange(-6, 60))
                sent = begin + timedelta(days=rng.randrange(0, 9))
                if begin <= TODAY:
                    messages.append(regiebericht(p, bsn, "JW305", max(sent, toegewezen), begin))
                    p.begin, p.begin_sent = begin, max(sent, toegewezen)
            elif chance < 0.8:
                stop = vanaf + timedelta(days=rng.randrange(0, 30))
                if stop <= TODAY:
                    messages.append(regiebericht(p, bsn, "JW307", stop, stop))
                    p.stopped = True
            planned.append(p)
    results = ledger.ingest(messages, "received")
    assert all(r.ok and r.status == "recorded" for r in results), [r.detail for r in results if not r.ok]
    for p in planned:  # a JW305 sent after the day judged does not count yet
        if p.begin_sent is not None and p.begin_sent > TODAY:
            p.begin = None
    return planned


def expected(planned: list[Planned], regio: dict[str, str]) -> dict[str, Any]:
    """The monitor's numbers, computed here from the plan."""

    def measures(items: list[Planned]) -> dict[str, Any]:
        bepaling = [max(0, werkdagen(p.opened, p.toegewezen)) for p in items]
        within = [p.toegewezen <= route_term(p.route, p.opened) for p in items]
        started = [p for p in items if p.begin is not None]
        waits = [max(0, werkdagen(max(p.toegewezen, p.ingang), p.begin)) for p in started]  # type: ignore[arg-type]
        start_within = [p.begin <= max(p.toegewezen, p.ingang) + timedelta(weeks=WEKEN) for p in started]  # type: ignore[operator]

        def median(values: list[int]) -> float | int | None:
            if not values:
                return None
            m = statistics.median(values)
            return int(m) if float(m).is_integer() else m

        return {
            "toewijzingen": len(items),
            "bepaling_toewijzing": {"aantal": len(items), "mediaan_werkdagen": median(bepaling),
                                    "binnen_termijn": round(sum(within) / len(within), 3) if within else None},
            "toewijzing_start": {"aantal": len(started), "mediaan_werkdagen": median(waits),
                                 "binnen_termijn": round(sum(start_within) / len(started), 3) if started else None},
            "niet_gestart": sum(niet_gestart(p) for p in items),
        }

    keys = {"regio": lambda p: regio[p.case], "gemeente": lambda p: p.gemeente, "gi": lambda p: p.gi,
            "zorgvorm": lambda p: ZORGVORM[p.code]}
    labels = {"regio": "regio", "gemeente": "gemeente", "gi": "gecertificeerde_instelling", "zorgvorm": "zorgvorm"}
    groups = {}
    for attr, key in keys.items():
        members: dict[str, list[Planned]] = defaultdict(list)
        for p in planned:
            members[key(p)].append(p)
        groups[attr] = [{labels[attr]: name, **measures(members[name])} for name in sorted(members)]
    return {"totaal": measures(planned), "groups": groups,
            "niet_gestart": sorted((p.case, str(p.nummer)) for p in planned if niet_gestart(p))}


def niet_gestart(p: Planned) -> bool:
    return (p.begin is None and not p.stopped and not p.closed
            and max(p.toegewezen, p.ingang) + timedelta(weeks=WEKEN) < TODAY)


def test_the_monitor_shows_the_waits_computed_independently(tmp_path: Path, ledger_url: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    with Ledger(ledger_url) as ledger:
        planned = generate(ledger)
        regio = {c.case: c.regio for c in ledger.cases()}
        want = expected(planned, regio)
        assert want["totaal"]["toewijzing_start"]["aantal"] > 10 and want["niet_gestart"]  # the set has both
        got = build_wachttijden(ledger.cases(), read_toewijzingen(ledger, TODAY), today=TODAY,
                                calendar=WorkingDayCalendar(), definitions=load_definitions(),
                                zorgvorm=lambda code, gemeente, day: ZORGVORM.get(code), weken=WEKEN)
    assert got["totaal"] == want["totaal"]
    assert got["groups"] == want["groups"]
    assert sorted((n["case"], n["toewijzing"]) for n in got["niet_gestart"]) == want["niet_gestart"]
    for n in got["niet_gestart"]:
        assert n["werkdagen"] == werkdagen(date.fromisoformat(n["sinds"]), TODAY)
    # The CLI's report (its zorgvorm from the contracts) holds the same numbers per region, gemeente and GI.
    out = tmp_path / "report.json"
    assert main(["ledger", "report", "--db", ledger_url, "--today", TODAY.isoformat(), "--format", "json",
                 "--niet-gestart-weken", str(WEKEN), "-o", str(out)]) == 0
    report = json.loads(out.read_text("utf-8"))["wachttijden"]
    assert report["totaal"] == want["totaal"]
    for attr in ("regio", "gemeente", "gi"):
        assert report["groups"][attr] == want["groups"][attr]
    assert sum(g["toewijzingen"] for g in report["groups"]["zorgvorm"]) == len(planned)
    capsys.readouterr()


def test_n_weeks_moves_what_is_not_started(ledger_url: str) -> None:
    with Ledger(ledger_url) as ledger:
        planned = generate(ledger, seed=3, cases=20)
        cases, toewijzingen = ledger.cases(), read_toewijzingen(ledger, TODAY)
    counts = []
    for weken in (1, 6, 26):
        got = build_wachttijden(cases, toewijzingen, today=TODAY, calendar=WorkingDayCalendar(),
                                definitions=load_definitions(), weken=weken)
        assert got["groups"]["zorgvorm"][0]["zorgvorm"] == "onbekend"  # without a lookup
        want = [p for p in planned if p.begin is None and not p.stopped and not p.closed
                and max(p.toegewezen, p.ingang) + timedelta(weeks=weken) < TODAY]
        assert got["totaal"]["niet_gestart"] == len(want)
        counts.append(len(want))
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("weken", ["0", "-1", "521", "zes"])
def test_a_wrong_number_of_weeks_is_one_sentence(weken: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IJW_LEDGER_KEY", "ijw-test-key-0123456789abcdef0123456789abcdef")
    url = f"sqlite:///{tmp_path / 'l.db'}"
    with Ledger(url):
        pass
    code = main(["ledger", "report", "--db", url, "--niet-gestart-weken", weken])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("ijw: ") and err.count("\n") == 1 and "--niet-gestart-weken" in err
