"""A realistic ledger for the monitor report: 28 cases in the seven Gelderse regions, both
routes, four GIs, with steps met, late, open and overdue (used by the report tests and by
``make screenshot``, which renders ``docs/report.png``)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ijw_gateway.ledger.calendar import WorkingDayCalendar
from tests.ledger import builders as b

TODAY = date(2026, 6, 1)
#: (gemeente, GI) per case slot: every region, several municipalities, the four GIs.
PLACES = [
    ("0202", "JBG"), ("0222", "JBG"), ("0228", "WSS"), ("0200", "LDH"), ("0243", "JVV"), ("0268", "WSS"),
    ("0281", "LDH"), ("0274", "JBG"), ("0294", "JVV"), ("0203", "WSS"), ("0301", "LDH"), ("0230", "JBG"),
    ("0296", "JVV"), ("0297", "WSS"),
]
CAL = WorkingDayCalendar()
#: Four weeks after the toewijzingen of April some are not started by TODAY: the list is not empty.
NIET_GESTART_WEKEN = 4


def _bsn(i: int) -> str:
    """A test BSN (9999 range) that passes the elfproef, one per case."""
    n = 100 + i
    while True:
        prefix = f"9999{n:04d}"
        total = sum(int(c) * w for c, w in zip(prefix, range(9, 1, -1), strict=True))
        if total % 11 != 10:
            return prefix + str(total % 11)
        n += 1000


def wd(day: date, n: int) -> date:
    return CAL.add_working_days(day, n)


def populate(ledger: Any, cases: int = 28) -> list[str]:
    """Open ``cases`` cases and run them through their routes; returns the case ids."""
    ids = []
    for i in range(cases):
        gemeente, gi = PLACES[i % len(PLACES)]
        route = "315" if i % 2 == 0 else "301"
        kenmerk = f"GI-2026-{700 + i:06d}"
        bsn = _bsn(i)
        bep = b.bepaling(kenmerk, route, gemeente, bsn).model_copy(update={"gecertificeerde_instelling": gi})
        opened = date(2026, 3, 2) + timedelta(days=(i * 3) % 75)
        ledger.open(bep, at=opened)
        ids.append(kenmerk)
        scenario = (i // 2) % 5
        ref = f"{kenmerk}-1"

        def record(event: str, day: date, case: str = kenmerk) -> None:
            if day <= TODAY:
                ledger.record(case, event, at=day)

        def ingest(data: bytes, direction: str, day: date) -> None:
            if day <= TODAY:
                results = ledger.ingest(data, direction, at=day)
                assert all(r.ok for r in results), [r.detail for r in results]

        # Step 1: late in scenario 3, missing in scenario 2 of the 301 route.
        if route == "301" and scenario == 2:
            continue
        overleg = wd(opened, 7 if scenario == 3 else 2)
        record("overleg", overleg)
        if route == "315" and scenario == 2:
            continue  # stuck after the consultation: steps 2, 3 and 2-3 run out
        record("bepaling_vastgesteld", wd(overleg, 2))
        verstuurd = wd(overleg, 8 if scenario == 1 else 4)
        record("bepaling_verstuurd", verstuurd)
        if scenario == 4:  # no provider: network, then RET, then escalation
            if route == "301":
                t301 = b.jw301(f"G{i:04d}A", wd(verstuurd, 3), bsn, gemeente, 202600700 + i, ref)
                ingest(t301, "sent", wd(verstuurd, 3))
                ingest(b.retour(t301, wd(verstuurd, 5)), "received", wd(verstuurd, 5))
                record("afwijzing", wd(verstuurd, 10))
            record("ret_aangemeld", wd(verstuurd, 11))
            if i % 4 == 0:
                record("ret_besproken", wd(verstuurd, 24))
            record("escalatie_gestart", wd(verstuurd, 26))
            continue
        if route == "315":
            day = wd(verstuurd, 2 if scenario != 1 else 6)
            v315 = b.jw315(f"Z{i:04d}", day, bsn, gemeente, [ref])
            ingest(v315, "received", day)
            if scenario != 1:
                ingest(b.retour(v315, wd(day, 2)), "sent", wd(day, 2))
            if scenario == 1:  # 'in onderzoek', no JW301 yet: 4b overdue, OP274 (8 weeks) open
                ingest(b.jw319(f"A{i:04d}", wd(day, 3), gemeente, ref, "2"), "sent", wd(day, 3))
                continue
            day = wd(day, 4 if scenario != 3 else 8)
            t301 = b.jw301(f"G{i:04d}", day, bsn, gemeente, 202600700 + i, ref)
            ingest(t301, "sent", day)
            ingest(b.retour(t301, wd(day, 2)), "received", wd(day, 2))
            start(i, bsn, gemeente, day, scenario, ingest)
        else:
            day = wd(verstuurd, 3 if scenario != 1 else 9)
            t301 = b.jw301(f"G{i:04d}", day, bsn, gemeente, 202600700 + i, ref)
            ingest(t301, "sent", day)
            if scenario != 1:  # scenario 1: no JW302 comes back (OP090 overdue)
                back = wd(day, 1 if scenario != 3 else 5)
                ingest(b.retour(t301, back), "received", back)
            start(i, bsn, gemeente, day, scenario, ingest)
    return ids


#: The example JW301's Ingangsdatum (b.jw301 keeps it): care can start from then.
INGANG = date(2026, 4, 27)


def start(i: int, bsn: str, gemeente: str, toegewezen: date, scenario: int, ingest: Any) -> None:
    """The provider's JW305 for most toewijzingen: soon, later, or (scenario 3) not yet (zorg niet gestart)."""
    if scenario == 3:
        return
    vanaf = max(toegewezen, INGANG)
    begin = wd(vanaf, (2, 9, 25, 4, 14)[i % 5])
    sent = wd(begin, 3 if i % 3 else 7)  # OP271: met, or late
    ingest(b.jw305(f"S{i:04d}", sent, bsn, gemeente, 202600700 + i, begin), "received", sent)


def write_reports(directory: Path, url: str) -> tuple[dict[str, Any], Path, str]:
    """Populate the ledger at ``url``; write the report as JSON, HTML and text through the CLI.

    Returns (the JSON report, the HTML file, the text report)."""
    from ijw_gateway.cli import main
    from ijw_gateway.ledger import Ledger

    with Ledger(url) as ledger:
        populate(ledger)
    outputs = {}
    for fmt in ("json", "html", "text"):
        path = directory / f"report.{fmt}"
        code = main(["ledger", "report", "--format", fmt, "--today", TODAY.isoformat(), "--db", url, "-o", str(path),
                     "--niet-gestart-weken", str(NIET_GESTART_WEKEN)])
        assert code == 0, f"ijw ledger report --format {fmt} exited {code}"
        outputs[fmt] = path
    return json.loads(outputs["json"].read_text("utf-8")), outputs["html"], outputs["text"].read_text("utf-8")


def _value(element: Any) -> Any:
    value = element.get("data-value")
    return value if element.get("data-key") in ("due", "sinds") else json.loads(value)  # dates as they are


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def assert_html_matches(report: dict[str, Any], page: str) -> int:
    """Every number of the HTML page (found by its id / data-* attributes) equals the JSON
    report's, and the text shown is that number. Returns how many numbers were compared."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(page)
    compared = 0

    def one(xpath: str) -> Any:
        found = root.xpath(xpath)
        assert len(found) == 1, f"{xpath}: {len(found)} elements"
        return found[0]

    def same(element: Any, expected: Any, shown: str | None = None) -> None:
        nonlocal compared
        assert _value(element) == expected, (element.get("data-key"), _value(element), expected)
        if shown is not None:
            assert element.text_content().strip() == shown, (element.text_content(), shown)
        compared += 1

    assert one("//*[@id='report-today']").get("datetime") == report["today"]
    if report["period"]["from"]:
        assert one("//*[@id='report-from']").get("datetime") == report["period"]["from"]
    terms = {dt.text_content(): dt.getnext().text_content() for dt in root.xpath("//dl[@id='glossary']/dt")}
    assert terms == report["glossary"]
    compared += len(terms)
    for key, value in report["summary"].items():
        if key in ("deadlines", "met", "late"):
            continue  # in the text report and the step tables, not as a tile
        element = one(f"//*[@id='kpi-{key}']")
        same(element, value, _pct(value) if key == "on_time" else str(value))
    for step in report["steps"]:
        # a step without deadlines: folded away (its row in a table of its own, no bar, named below the chart)
        table = f"table-steps-{step['route']}" + ("" if step["deadlines"] else "-none")
        row = one(f"//table[@id='{table}']//tr[@data-step=\"{step['step']}\"]")
        for key in ("met", "late", "overdue", "open", "on_time", "median_werkdagen"):
            cell = row.xpath(f".//td[@data-key='{key}']")[0]
            same(cell, step[key], _pct(step[key]) if key == "on_time" else None)
        bars = root.xpath(f"//*[@id='chart-steps-{step['route']}']//*[@data-step=\"{step['step']}\"]")
        if not step["deadlines"]:
            assert bars == [] and step["met"] == step["late"] == step["overdue"] == step["open"] == 0
            (folded,) = root.xpath(f"//*[@id='chart-steps-{step['route']}']/following-sibling::p[@data-key="
                                   "'no_deadlines']")
            assert step["step"] in folded.text_content().removeprefix("No deadlines in this period: ")[:-1].split(", ")
            continue
        (bar,) = bars
        assert json.loads(bar.get("data-on-time")) == step["on_time"]
        assert int(bar.get("data-overdue")) == step["overdue"] and int(bar.get("data-steps-done")) == step["steps_done"]
        compared += 3
    for attr, label in (("regio", "regio"), ("gemeente", "gemeente"), ("gi", "gecertificeerde_instelling")):
        for group in report["groups"][attr]:
            row = one(f"//table[@id='table-{attr}']//tr[@data-name='{group[label]}']")
            for key in ("cases", "steps_done", "on_time", "overdue", "overdue_cases"):
                same(row.xpath(f".//td[@data-key='{key}']")[0], group[key])
            for cell in root.xpath(f"//table[@id='matrix-{attr}']//tr[@data-name='{group[label]}']/td[@data-key]"):
                expected = next(p for p in group["per_step"]
                                if (p["route"], p["step"]) == (cell.get("data-route"), cell.get("data-step")))
                same(cell, expected["on_time"])
                assert int(cell.get("data-overdue")) == expected["overdue"]
            for cell in root.xpath(f"//table[@id='medians-{attr}']//tr[@data-name='{group[label]}']/td[@data-key]"):
                expected = next(p for p in group["per_step"]
                                if (p["route"], p["step"]) == (cell.get("data-route"), cell.get("data-step")))
                shown = "–" if expected["median_werkdagen"] is None else f"{expected['median_werkdagen']:g}"
                same(cell, expected["median_werkdagen"], shown)
            if attr != "gemeente":
                bar = one(f"//*[@id='chart-{attr}']//*[@data-name='{group[label]}']")
                assert json.loads(bar.get("data-on-time")) == group["on_time"]
                compared += 1
    if "wachttijden" in report:
        compared += _wachttijden_match(report["wachttijden"], root, one, same)
    rows = root.xpath("//table[@id='table-overdue']/tbody/tr")
    assert len(rows) == len(report["overdue"])
    assert int(one("//*[@data-key='overdue_count']").get("data-value")) == len(report["overdue"])
    for row, item in zip(rows, report["overdue"], strict=True):
        assert (row.get("data-case"), row.get("data-route"), row.get("data-step")) == (
            item["case"], item["route"], item["step"])
        same(row.xpath(".//td[@data-key='due']")[0], item["due"], item["due"])
        same(row.xpath(".//td[@data-key='werkdagen_overdue']")[0], item["werkdagen_overdue"],
             str(item["werkdagen_overdue"]))
        assert item["escalation"] in row.text_content()
        notes = row.xpath(".//*[@data-key='mapping']")
        assert len(notes) == (1 if item["mapping"] else 0)
        if item["mapping"]:
            assert item["mapping"] in row.text_content()
    return compared


def _wachttijden_match(w: dict[str, Any], root: Any, one: Any, same: Any) -> int:
    """The waiting-time tables of the page hold the JSON's numbers (and show them)."""
    compared = 0

    def row_matches(row: Any, m: dict[str, Any]) -> None:
        nonlocal compared
        same(row.xpath(".//td[@data-key='toewijzingen']")[0], m["toewijzingen"], str(m["toewijzingen"]))
        same(row.xpath(".//td[@data-key='niet_gestart']")[0], m["niet_gestart"], str(m["niet_gestart"]))
        for wait in ("bepaling_toewijzing", "toewijzing_start"):
            for key, value in m[wait].items():
                shown = _pct(value) if key == "binnen_termijn" else ("–" if value is None else f"{value:g}")
                same(row.xpath(f".//td[@data-key='{wait}.{key}']")[0], value, shown)
        compared += 1

    assert int(one("//*[@data-key='weken_niet_gestart']").get("data-value")) == w["weken_niet_gestart"]
    row_matches(one("//table[@id='table-wachttijden-totaal']//tr[@data-name='totaal']"), w["totaal"])
    for attr, label in (("regio", "regio"), ("gemeente", "gemeente"), ("gi", "gecertificeerde_instelling"),
                        ("zorgvorm", "zorgvorm")):
        rows = root.xpath(f"//table[@id='table-wachttijden-{attr}']/tbody/tr")
        assert [r.get("data-name") for r in rows] == [g[label] for g in w["groups"][attr]]
        for row, group in zip(rows, w["groups"][attr], strict=True):
            row_matches(row, group)
    assert int(one("//*[@data-key='niet_gestart_count']").get("data-value")) == len(w["niet_gestart"])
    rows = root.xpath("//table[@id='table-niet-gestart']/tbody/tr")
    assert [(r.get("data-case"), r.get("data-toewijzing")) for r in rows] == [
        (n["case"], n["toewijzing"]) for n in w["niet_gestart"]]
    for row, n in zip(rows, w["niet_gestart"], strict=True):
        same(row.xpath(".//td[@data-key='sinds']")[0], n["sinds"], n["sinds"])
        same(row.xpath(".//td[@data-key='werkdagen']")[0], n["werkdagen"], str(n["werkdagen"]))
    return compared
