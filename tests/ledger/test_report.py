"""The monitor report: JSON shape, the same numbers in text and HTML, a self-contained and
escaped page. Runs on SQLite and PostgreSQL (the browser test is test_report_browser.py)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.deadlines import Deadline
from ijw_gateway.ledger.facts import local_date
from ijw_gateway.ledger.report import build_report, render_html, render_text
from tests.ledger.report_fixture import TODAY, assert_html_matches, write_reports


def test_report_numbers_match_in_json_text_and_html(tmp_path: Path, ledger_url: str) -> None:
    report, html_file, text = write_reports(tmp_path, ledger_url)
    summary = report["summary"]
    assert summary["cases"] == 28
    assert summary["deadlines"] == summary["met"] + summary["late"] + summary["overdue"] + summary["open"]
    assert summary["steps_done"] == summary["met"] + summary["late"]
    assert summary["on_time"] == round(summary["met"] / summary["steps_done"], 3)
    assert summary["overdue"] == len(report["overdue"]) > 0
    assert {r["regio"] for r in report["groups"]["regio"]} == {
        "Achterhoek", "Centraal Gelderland", "FoodValley", "Midden-IJssel/Oost-Veluwe", "Noord-Veluwe",
        "Rijk van Nijmegen", "Rivierenland"}
    assert {g["gecertificeerde_instelling"] for g in report["groups"]["gi"]} == {"JBG", "WSS", "LDH", "JVV"}
    # Steps: the step columns of both routes, in route order, then the process rules.
    assert [s["step"] for s in report["steps"] if s["route"] == "301"][:9] == [
        "1", "2", "3", "4", "2-4", "4'", "5A", "5B", "6"]
    assert [s["step"] for s in report["steps"] if s["route"] == "315"][:9] == [
        "1", "2", "3", "2-3", "4a", "4b", "5A", "5B", "6"]
    assert {s["step"] for s in report["steps"]} >= {"OP090", "OP274", "OP346", "OP271", "OP272"}
    for s in report["steps"]:
        assert s["deadlines"] == s["met"] + s["late"] + s["overdue"] + s["open"]
    # The per-step counts add up to the summary, and to each group's.
    assert sum(s["overdue"] for s in report["steps"]) == summary["overdue"]
    assert sum(s["steps_done"] for s in report["steps"]) == summary["steps_done"]
    for attr in ("regio", "gemeente", "gi"):
        assert sum(g["cases"] for g in report["groups"][attr]) == 28
        assert sum(g["steps_done"] for g in report["groups"][attr]) == summary["steps_done"]
        for g in report["groups"][attr]:
            assert sum(p["overdue"] for p in g["per_step"]) == g["overdue"]
    # Overdue: longest first, each with the escalation ladder's next step and a case id only.
    days = [o["werkdagen_overdue"] for o in report["overdue"]]
    assert days == sorted(days, reverse=True)
    assert all(o["escalation"] and re.fullmatch(r"GI-2026-\d{6}", o["case"]) for o in report["overdue"])
    first = report["overdue"][0]
    cal = WorkingDayCalendar()
    assert first["werkdagen_overdue"] == cal.working_days_between(date.fromisoformat(first["due"]), TODAY)
    # The HTML shows exactly these numbers.
    assert assert_html_matches(report, html_file.read_text("utf-8")) > 200
    # The text report too.
    assert f"{summary['cases']} cases, {summary['deadlines']} deadlines: {summary['met']} met" in text
    assert f"open overdue deadlines ({summary['overdue']})" in text
    for o in report["overdue"]:
        assert f"{o['case']} route {o['route']} step {o['step']} " in text
        assert f"due {o['due']}, {o['werkdagen_overdue']} werkdagen overdue" in text
    for s in report["steps"]:
        pct = "–" if s["on_time"] is None else f"{s['on_time'] * 100:.0f}%"
        if not s["deadlines"]:  # folded into one line per route
            assert not re.search(rf"^  {re.escape(s['step'])}\s+{re.escape(pct)} of", text, re.M), s
            continue
        assert re.search(rf"^  {re.escape(s['step'])}\s+{re.escape(pct)} of {s['steps_done']}\s", text, re.M), s
    for route in ("301", "315"):
        empty = [s["step"] for s in report["steps"] if s["route"] == route and not s["deadlines"]]
        assert empty and f"  no deadlines in this period: {', '.join(empty)}" in text
    assert f"cases opened from {report['period']['from']} to {report['today']}" in text
    # The waiting-time monitor: the same numbers in the text.
    w = report["wachttijden"]
    assert w["totaal"]["toewijzingen"] == sum(g["toewijzingen"] for g in w["groups"]["regio"]) > 0
    assert w["totaal"]["toewijzing_start"]["aantal"] > 0 and w["niet_gestart"]

    def waits(m: dict[str, Any]) -> str:
        parts = []
        for wait in ("bepaling_toewijzing", "toewijzing_start"):
            x = m[wait]
            median = "–" if x["mediaan_werkdagen"] is None else f"{x['mediaan_werkdagen']:g}"
            pct = "–" if x["binnen_termijn"] is None else f"{x['binnen_termijn'] * 100:.0f}%"
            parts.append(f"n {x['aantal']}, median {median} wd, {pct} within the term")
        return (f"toewijzingen {m['toewijzingen']}; bepaling → toewijzing {parts[0]}; toewijzing → start "
                f"{parts[1]}; zorg niet gestart {m['niet_gestart']}")

    assert f"  all: {waits(w['totaal'])}" in text
    for attr, label in (("regio", "regio"), ("gemeente", "gemeente"), ("gi", "gecertificeerde_instelling"),
                        ("zorgvorm", "zorgvorm")):
        for g in w["groups"][attr]:
            assert f"    {g[label]}: {waits(g)}" in text
    for n in w["niet_gestart"]:
        assert (f"    {n['case']} toewijzing {n['toewijzing']} ({n['regio']}, {n['gemeente']}, {n['gi']}, "
                f"{n['zorgvorm']}): in effect since {n['sinds']}, {n['werkdagen']} werkdagen without a start") in text
    for term, meaning in report["glossary"].items():
        assert f"  {term}: {meaning}" in text


def test_the_page_is_self_contained_and_private(tmp_path: Path, ledger_url: str) -> None:
    _, html_file, _ = write_reports(tmp_path, ledger_url)
    page = html_file.read_text("utf-8")
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    assert "url(" not in page and "src=" not in page
    assert re.findall(r"https?://[^\s\"'<>]+", page) == ["http://www.w3.org/2000/svg"] * page.count("<svg")
    assert "Content-Security-Policy" in page
    assert page.count("<svg") >= 4 and page.count("role=\"img\"") == page.count("<svg")
    assert page.count("<title") == page.count("<svg") + 1 + page.count('class="bar"')
    from tests.ledger.builders import ACHTERNAAM, VOORNAMEN

    assert ACHTERNAAM not in page and VOORNAMEN not in page
    assert not re.search(r"(?<!\d)9999\d{5}(?!\d)", page)  # no test BSN


class _Case:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


def test_everything_is_escaped() -> None:
    evil = "<script>alert('x')</script>&\""
    case = _Case(case=evil, route="301", gemeente=evil, regio=evil, gi=evil, maatregel="OTS")
    deadline = Deadline(case=evil, route="301", step="1", key="1", description=evil, term="3 werkdagen",
                        start=date(2026, 5, 1), due=date(2026, 5, 6), done=None, state="overdue",
                        subject=evil, escalation=evil)
    report = build_report([case], [deadline], today=date(2026, 6, 1), calendar=WorkingDayCalendar())
    page = render_html(report)
    assert "<script" not in page and "alert('x')" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;&quot;" in page
    assert report["overdue"][0]["case"] == evil and evil in render_text(report)


def test_an_empty_ledger_gives_an_empty_report() -> None:
    report = build_report([], [], today=date(2026, 6, 1), calendar=WorkingDayCalendar())
    assert report["summary"] == {"cases": 0, "deadlines": 0, "met": 0, "late": 0, "overdue": 0, "open": 0,
                                 "steps_done": 0, "on_time": None, "overdue_cases": 0}
    assert report["overdue"] == [] and all(s["on_time"] is None for s in report["steps"])
    page = render_html(report)
    assert "No deadline is overdue." in page
    assert "open overdue deadlines (0)" in render_text(report)


def test_the_glossary_names_every_abbreviation_the_page_uses(tmp_path: Path, ledger_url: str) -> None:
    report, html_file, _ = write_reports(tmp_path, ledger_url)
    glossary = report["glossary"]
    assert {"JB", "LTM", "ZA", "BO", "RET", "GI", "wd", "OP090", "OP274", "OP346", "OP271", "OP272",
            "JBG", "WSS", "LDH", "JVV"} <= set(glossary)
    assert glossary["wd"].startswith("werkdagen: working days") and "JW315" in glossary["OP274"]
    from lxml import html as lxml_html

    body = lxml_html.fromstring(html_file.read_text("utf-8")).xpath("//body")[0].text_content()
    words = set(re.findall(r"(?<![\w-])(?:[A-Z]{2,3}|OP\d{3}|wd)(?![\w-])", body))  # not codes like AMB-SPEC-IND
    assert not words - set(glossary) - {"BSN"}, words - set(glossary)


def test_the_period_is_from_the_first_case_opened_to_the_day_judged(tmp_path: Path, ledger_url: str) -> None:
    from ijw_gateway.ledger import Ledger

    report, _, _ = write_reports(tmp_path, ledger_url)
    with Ledger(ledger_url) as ledger:
        first = min(local_date(c.opened_at) for c in ledger.cases())
    assert report["period"] == {"from": first.isoformat(), "to": TODAY.isoformat()}


def test_group_medians_are_per_route_step_and_shown_as_a_grid(tmp_path: Path, ledger_url: str) -> None:
    report, html_file, text = write_reports(tmp_path, ledger_url)
    from lxml import html as lxml_html

    root = lxml_html.fromstring(html_file.read_text("utf-8"))
    for row in report["groups"]["regio"]:
        medians = {(p["route"], p["step"]): p["median_werkdagen"] for p in row["per_step"]}
        cells = root.xpath(f"//table[@id='medians-regio']//tr[@data-name='{row['regio']}']/td[@data-key]")
        assert {(c.get("data-route"), c.get("data-step")): json.loads(c.get("data-value")) for c in cells} == {
            k: v for k, v in medians.items() if any(s["steps_done"] for s in report["steps"]
                                                     if (s["route"], s["step"]) == k)}
        first = next(p for p in row["per_step"] if isinstance(p["median_werkdagen"], int | float))
        assert f"route {first['route']} step {first['step']}: " in text
    legend = root.xpath("//p[@id='matrix-regio-legend']")[0].text_content()
    assert "90% or more" in legend and "70–89%" in legend and "less than 70%" in legend and "overdue" in legend


def test_an_overdue_case_whose_bepaling_could_not_be_mapped_says_so(tmp_path: Path, ledger_url: str,
                                                                  capsys: Any) -> None:
    """The demo's Wijchen case: its contract does not buy LOGEREN, so no JW301 was ever made."""
    from ijw_gateway.cli import main
    from ijw_gateway.ledger import Ledger

    examples = Path(__file__).resolve().parents[2] / "examples" / "bepalingen"
    with Ledger(ledger_url) as ledger:
        info = ledger.open(examples / "10-fout-rijk-van-nijmegen-logeren.yaml", at=date(2026, 4, 1))
        assert info.mapping and "LOGEREN" in info.mapping and "cannot be mapped" in info.mapping
        assert ledger.open(examples / "02-centraal-gelderland-arnhem-315.yaml", at=date(2026, 4, 1)).mapping is None
    outputs = {}
    for fmt in ("json", "text", "html"):
        assert main(["ledger", "report", "--format", fmt, "--today", "2026-06-01", "--db", ledger_url,
                     "-o", str(tmp_path / f"r.{fmt}")]) == 0
        outputs[fmt] = (tmp_path / f"r.{fmt}").read_text("utf-8")
    report = json.loads(outputs["json"])
    unmapped = [o for o in report["overdue"] if o["case"] == info.case]
    assert unmapped and all(o["mapping"] == info.mapping for o in unmapped)
    assert all(o["mapping"] is None for o in report["overdue"] if o["case"] != info.case)
    assert outputs["text"].count(f"note: its bepaling could not be mapped to the region's contract: {info.mapping}") \
        == len(unmapped)
    assert assert_html_matches(report, outputs["html"]) > 20
