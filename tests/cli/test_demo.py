"""`ijw demo`: the README's first command, end to end on the embedded SQLite ledger."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.messages.registry import berichttype_of
from tests.conftest import OfficialSchemas
from tests.ledger.report_fixture import assert_html_matches

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "examples" / "demo.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One real run of `ijw demo --dir DIR` as a user starts it (a subprocess)."""
    directory = tmp_path_factory.mktemp("demo") / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IJW_")}
    done = subprocess.run([sys.executable, "-m", "ijw_gateway.cli", "demo", "--dir", str(directory)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no key-file notice, no warnings, no traceback
    return directory, done.stdout


def test_demo_writes_messages_ledger_and_report(demo: tuple[Path, str]) -> None:
    directory, account = demo
    assert sorted(p.name for p in directory.iterdir()) == [
        "berichten", "ijw-ledger.db", "ijw-ledger.db.key", "report.html"]
    kinds = Counter(berichttype_of(ijw.parse(p.read_bytes())).naam for p in (directory / "berichten").glob("*.xml"))
    # built on both routes, answered with retourberichten and decisions of both kinds
    assert {"JW301", "JW302", "JW315", "JW316", "JW319", "JW320"} <= set(kinds)
    assert f"{sum(kinds.values())} files" in account
    assert str(directory / "report.html") in account


def test_every_message_the_demo_writes_passes_the_official_xsds(
    demo: tuple[Path, str], official: OfficialSchemas
) -> None:
    for path in sorted((demo[0] / "berichten").glob("*.xml")):
        data = path.read_bytes()
        naam = berichttype_of(ijw.parse(data)).naam
        assert official.accepts(naam, data), path.name


def test_the_account_tells_built_failed_answered_and_deadlines(demo: tuple[Path, str]) -> None:
    directory, account = demo
    story = yaml.safe_load(STORY.read_text(encoding="utf-8"))
    for case in story["cases"]:
        kenmerk = yaml.safe_load((STORY.parent / case["bepaling"]).read_text(encoding="utf-8"))["kenmerk"]
        assert kenmerk in account
    assert "✗ JBG-2026-000999" in account and "LOGEREN" in account and "not built" in account
    assert "JW319 (afgewezen, reden 3: geen contract)" in account
    # the deadline counts in the account are the ledger's own, as `ijw ledger status` gives them
    url = f"sqlite:///{directory / 'ijw-ledger.db'}"
    done = subprocess.run([sys.executable, "-m", "ijw_gateway.cli", "ledger", "--db", url, "status",
                           "--today", story["today"].isoformat(), "--format", "json"],
                          capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if not k.startswith("IJW_")})
    assert done.returncode == 0, done.stderr
    states = Counter(d["state"] for d in json.loads(done.stdout)["deadlines"])
    assert all(states[s] > 0 for s in ("met", "late", "open", "overdue")), states
    line = ", ".join(f"{states[s]} {s}" for s in ("met", "late", "open", "overdue"))
    assert line in account
    overdue = [d for d in json.loads(done.stdout)["deadlines"] if d["state"] == "overdue"]
    assert account.count("OVERDUE") == len(overdue) == account.count("next: ")
    # where the case that could not be mapped shows as overdue, the account and the monitor page say why
    unmapped = [d for d in overdue if d["case"] == "JBG-2026-000999" and not d["step"].startswith("OP")]
    assert unmapped and account.count("its bepaling could not be mapped") == len(unmapped)
    page = (directory / "report.html").read_text(encoding="utf-8")
    assert page.count("Its bepaling could not be mapped to the region's contract") == len(unmapped)


def test_the_demo_converts_and_splits_and_says_so(demo: tuple[Path, str]) -> None:
    _, account = demo
    assert "line 3 AMB-SPEC-GEZIN: 2 uur per week → 9 uur per maand (eenheid 04, frequentie 4; 52/12 weken per " \
           "maand, naar boven afgerond)" in account  # Rivierenland, Tiel
    assert "line 2 AMB-SPEC-IND: split into 2 consecutive toewijzingen of at most P6M" in account  # Nijmegen
    assert "line 4 DIAGNOSTIEK: 2 uur per week → 53 uur in totaal over 2 toewijzingen: 26 + 27" in account


def test_the_ledger_at_rest_holds_no_bsn_or_name(demo: tuple[Path, str]) -> None:
    directory, _ = demo
    raw = (directory / "ijw-ledger.db").read_bytes()
    with sqlite3.connect(directory / "ijw-ledger.db") as db:
        dump = "\n".join(db.iterdump())
    for path in sorted((ROOT / "examples" / "bepalingen").glob("*.yaml")):
        bepaling = yaml.safe_load(path.read_text(encoding="utf-8"))
        for secret in (bepaling["jeugdige"]["bsn"], bepaling["jeugdige"]["achternaam"], bepaling["jeugdbeschermer"]):
            assert secret.encode() not in raw and secret not in dump, path.name


def test_a_second_run_replaces_the_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "demo"
    assert main(["demo", "--dir", str(directory)]) == 0
    first = sorted(p.name for p in (directory / "berichten").iterdir())
    assert main(["demo", "--dir", str(directory)]) == 0
    assert sorted(p.name for p in (directory / "berichten").iterdir()) == first
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]  # no staging directory left behind
    capsys.readouterr()


def test_a_directory_with_other_files_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    assert main(["demo", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "holds other files (mine.txt)" in err and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_a_broken_story_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = yaml.safe_load(STORY.read_text(encoding="utf-8"))
    story["cases"][0]["events"]["koffie"] = story["today"]
    bad = tmp_path / "story" / "demo.yaml"
    bad.parent.mkdir()
    bad.write_text(yaml.safe_dump(story), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["demo", "--dir", str(out), "--scenario", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "demo scenario" in err and "koffie" in err
    assert not out.exists()


def test_today_before_the_story_ends_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--dir", str(tmp_path / "out"), "--today", "2026-01-01"]) == 2
    assert "--today 2026-01-01" in capsys.readouterr().err


def test_the_demo_report_holds_the_ledgers_numbers(demo: tuple[Path, str]) -> None:
    directory, _ = demo
    story = yaml.safe_load(STORY.read_text(encoding="utf-8"))
    done = subprocess.run([sys.executable, "-m", "ijw_gateway.cli", "ledger", "--db",
                           f"sqlite:///{directory / 'ijw-ledger.db'}", "report", "--format", "json",
                           "--today", story["today"].isoformat()],
                          capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if not k.startswith("IJW_")})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["cases"] == len(story["cases"])
    assert assert_html_matches(report, (directory / "report.html").read_text(encoding="utf-8")) > 50
