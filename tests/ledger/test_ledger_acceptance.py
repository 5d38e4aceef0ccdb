"""Issue 5 acceptance: a case in each route, opened before Koningsdag 2026, run through its steps
with `ijw ledger open|record|ingest`; `ijw ledger status --format json` shows the due dates of
aanmeldroutes.md with the right states. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ijw_gateway.cli import main
from tests.ledger import builders as b

OPENED = "2026-04-24"  # Friday before Koningsdag (Monday 27 April 2026)
TODAY = "2026-06-01"
CASE_315, CASE_301 = "GI-2026-315001", "GI-2026-301001"
BSN_315, BSN_301 = "999900031", "999900043"
ARNHEM, DOETINCHEM = "0202", "0222"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out


def write(directory: Path, name: str, data: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(data)
    return path


def build_cases(tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", url)
    for kenmerk, route, gemeente, bsn in ((CASE_315, "315", ARNHEM, BSN_315), (CASE_301, "301", DOETINCHEM, BSN_301)):
        path = b.write_bepaling(tmp_path / f"{kenmerk}.yaml", kenmerk, route, gemeente, bsn)
        code, out = run(capsys, "ledger", "open", str(path), "--at", OPENED, *db)
        assert code == 0 and f"opened case {kenmerk} on {OPENED}" in out

    def record(case: str, event: str, day: str) -> None:
        assert run(capsys, "ledger", "record", case, event, "--at", day, *db)[0] == 0

    def ingest(data: bytes, name: str, direction: str, day: str) -> None:
        path = write(tmp_path / "berichten", name, data)
        code, out = run(capsys, "ledger", "ingest", str(path), "--direction", direction, "--at", day, *db)
        assert code == 0, out
        assert out.startswith("recorded"), out

    # 315 route (Arnhem): step 1 met, 3 late, 4a met, JW316 in time, JW319 'in onderzoek', no JW301 yet.
    record(CASE_315, "overleg", "2026-05-04")
    record(CASE_315, "bepaling_vastgesteld", "2026-05-06")
    record(CASE_315, "bepaling_verstuurd", "2026-05-13")
    v315 = b.jw315("ZA-315-0001", date(2026, 5, 15), BSN_315, ARNHEM, [f"{CASE_315}-1"])
    ingest(v315, "v315.xml", "received", "2026-05-15T09:30")
    ingest(b.retour(v315, date(2026, 5, 18)), "v316.xml", "sent", "2026-05-18")
    ingest(b.jw319("AR-319-0001", date(2026, 5, 20), ARNHEM, f"{CASE_315}-1", "2"), "a319.xml", "sent", "2026-05-20")

    # 301 route (Doetinchem): step 1 late, 3 met, 4 met (JW301 linked by BSN + gemeente), JW302 in
    # time, afwijzing late, RET pending (open), escalation talk overdue.
    record(CASE_301, "overleg", "2026-05-04")
    record(CASE_301, "bepaling_vastgesteld", "2026-05-07")
    record(CASE_301, "bepaling_verstuurd", "2026-05-08")
    t301 = b.jw301("DO-301-0001", date(2026, 5, 18), BSN_301, DOETINCHEM, 202600301)
    ingest(t301, "t301.xml", "sent", "2026-05-18")
    ingest(b.retour(t301, date(2026, 5, 21)), "t302.xml", "received", "2026-05-21")
    record(CASE_301, "escalatie_gestart", "2026-05-20")
    record(CASE_301, "afwijzing", "2026-05-27")
    record(CASE_301, "ret_aangemeld", "2026-05-28")


EXPECTED = {
    # (case, step, subject starts with) : (due, done, state)
    (CASE_315, "1", None): ("2026-05-04", "2026-05-04", "met"),  # Koningsdag moves it to Monday 4 May
    (CASE_315, "2", None): ("2026-05-18", "2026-05-06", "met"),
    (CASE_315, "3", None): ("2026-05-12", "2026-05-13", "late"),  # Bevrijdingsdag 5 May
    (CASE_315, "2-3", None): ("2026-05-18", "2026-05-13", "met"),
    (CASE_315, "4a", None): ("2026-05-21", "2026-05-15", "met"),  # Hemelvaartsdag 14 May
    (CASE_315, "4b", None): ("2026-05-22", None, "overdue"),
    (CASE_315, "OP090", "JW315"): ("2026-05-20", "2026-05-18", "met"),
    (CASE_315, "OP274", "JW315"): ("2026-05-22", "2026-05-20", "met"),
    (CASE_315, "OP274", "JW319"): ("2026-07-10", None, "open"),  # 8 weeks after the JW315
    (CASE_315, "OP090", "JW319"): ("2026-05-26", None, "overdue"),  # Tweede Pinksterdag 25 May
    (CASE_301, "1", None): ("2026-04-30", "2026-05-04", "late"),
    (CASE_301, "2", None): ("2026-05-25", "2026-05-07", "met"),
    (CASE_301, "3", None): ("2026-05-12", "2026-05-08", "met"),
    (CASE_301, "4", None): ("2026-05-18", "2026-05-18", "met"),
    (CASE_301, "2-4", None): ("2026-05-25", "2026-05-18", "met"),
    (CASE_301, "4'", None): ("2026-05-26", "2026-05-27", "late"),
    (CASE_301, "5B", None): ("2026-06-11", None, "open"),
    (CASE_301, "6", None): ("2026-05-27", None, "overdue"),
    (CASE_301, "OP090", "JW301"): ("2026-05-21", "2026-05-21", "met"),
}


def _index(deadlines: list[dict]) -> dict[tuple, tuple]:
    found: dict[tuple, tuple] = {}
    for d in deadlines:
        subject = d["subject"][:5] if d["step"].startswith("OP") else None
        key = (d["case"], d["step"], subject)
        assert key not in found, f"two deadlines for {key}"
        found[key] = (d["due"], d["done"], d["state"])
    return found


def test_both_routes_through_their_steps(tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    build_cases(tmp_path, ledger_url, capsys)
    code, out = run(capsys, "ledger", "status", "--format", "json", "--today", TODAY, "--db", ledger_url)
    assert code == 0
    report = json.loads(out)
    assert report["today"] == TODAY
    for d in report["deadlines"]:
        assert {"case", "route", "step", "due", "done", "state"} <= d.keys()
        assert d["route"] == ("315" if d["case"] == CASE_315 else "301")
        assert (d["escalation"] is not None) == (d["state"] == "overdue")
    assert _index(report["deadlines"]) == EXPECTED

    code, out = run(capsys, "ledger", "status", "--format", "json", "--today", TODAY, "--overdue",
                    "--fail-on-overdue", "--db", ledger_url)
    assert code == 1
    overdue = {(d["case"], d["step"]) for d in json.loads(out)["deadlines"]}
    assert overdue == {(CASE_315, "4b"), (CASE_315, "OP090"), (CASE_301, "6")}

    code, out = run(capsys, "ledger", "status", "--case", CASE_301, "--due-within", "10", "--today", TODAY,
                    "--format", "json", "--db", ledger_url)
    assert code == 0
    assert {(d["step"], d["state"]) for d in json.loads(out)["deadlines"]} == {("5B", "open"), ("6", "overdue")}

    # On the day the case was opened, only step 1 is there, open, due after Koningsdag.
    code, out = run(capsys, "ledger", "status", "--case", CASE_315, "--today", OPENED, "--format", "json",
                    "--fail-on-overdue", "--db", ledger_url)
    assert code == 0
    assert [(d["step"], d["due"], d["state"]) for d in json.loads(out)["deadlines"]] == [("1", "2026-05-04", "open")]

    code, out = run(capsys, "ledger", "status", "--today", TODAY, "--db", ledger_url)
    assert code == 0 and "overdue" in out and CASE_301 in out


def test_everything_twice_changes_nothing(tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    build_cases(tmp_path, ledger_url, capsys)
    from ijw_gateway.ledger import Ledger

    with Ledger(ledger_url) as ledger:
        before = ledger.counts()
        status_before = ledger.status(today=date(2026, 6, 1))
    code, out = run(capsys, "ledger", "ingest", str(tmp_path / "berichten"), "--direction", "received",
                    "--db", ledger_url)
    assert code == 0
    assert out.strip().splitlines()[-1] == "5 files: 5 duplicate"
    for path in tmp_path.glob("GI-*.yaml"):
        code, out = run(capsys, "ledger", "open", str(path), "--at", "2026-05-01", "--db", ledger_url)
        assert code == 0 and "already open" in out
    code, out = run(capsys, "ledger", "record", CASE_315, "overleg", "--at", "2026-05-04T17:00", "--db", ledger_url)
    assert code == 0 and "already recorded" in out
    with Ledger(ledger_url) as ledger:
        assert ledger.counts() == before == {"cases": 2, "events": 9, "messages": 5, "products": 3}
        assert ledger.status(today=date(2026, 6, 1)) == status_before


def test_report_per_region_gemeente_and_gi(tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    build_cases(tmp_path, ledger_url, capsys)
    code, out = run(capsys, "ledger", "report", "--format", "json", "--today", TODAY, "--db", ledger_url)
    assert code == 0
    groups = json.loads(out)["groups"]
    regios = {r["regio"]: r for r in groups["regio"]}
    assert set(regios) == {"Centraal Gelderland", "Achterhoek"}
    arnhem = regios["Centraal Gelderland"]
    assert (arnhem["cases"], arnhem["steps_done"], arnhem["overdue_cases"]) == (1, 7, 1)
    assert arnhem["on_time"] == round(6 / 7, 3) and arnhem["median_werkdagen"]["3"] == 6
    assert [(g["gecertificeerde_instelling"], g["cases"]) for g in groups["gi"]] == [("JBG", 2)]
    html_file = tmp_path / "report.html"
    code, _ = run(capsys, "ledger", "report", "--format", "html", "--output", str(html_file), "--db", ledger_url)
    assert code == 0 and "Achterhoek" in html_file.read_text()
