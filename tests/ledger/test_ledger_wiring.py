"""The ledger behind the other commands: the ToewijzingNummer counter (`ijw build`/`respond
--ledger`), recording what they write, and TR056 across batches (`validate --ledger`).

Runs on SQLite and PostgreSQL (the ``ledger_url`` fixture).
"""

from __future__ import annotations

import json
import multiprocessing
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.ledger.facts import local_date
from ijw_gateway.ledger.ledger import Ledger
from ijw_gateway.ledger.schema import _config, head_revision
from ijw_gateway.ledger.store import connect
from tests.ledger import builders as b

EXAMPLES = b.EXAMPLES / "bepalingen"
TIEL_301 = EXAMPLES / "07-rivierenland-tiel-301.yaml"
ARNHEM_315 = EXAMPLES / "02-centraal-gelderland-arnhem-315.yaml"
TODAY = "2026-11-23"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def nummers(directory: Path) -> list[int]:
    found = []
    for path in sorted(directory.glob("*-JW301-*.xml")):
        message = ijw.parse(path.read_bytes())
        found += [p.ToewijzingNummer for p in message.Client.ToegewezenProducten.ToegewezenProduct]
    return found


# --------------------------------------------------------------------------- the counter
def test_counter_counts_per_gemeente_and_repeats_for_the_same_sleutel(ledger_url: str) -> None:
    with Ledger(ledger_url) as ledger:
        assert [ledger.toewijzingnummer("0202", "K-1", line, None) for line in (1, 2, 3)] == [1, 2, 3]
        assert ledger.toewijzingnummer("0202", "K-1", 2, None) == 2  # asked again: the same number
        assert ledger.toewijzingnummer("0281", "K-1", 1, None) == 1  # another gemeente counts on its own
        assert ledger.toewijzingnummer("0202", "K-2", 1, None) == 4
    with Ledger(ledger_url) as ledger:  # persistent
        assert ledger.toewijzingnummer("0202", "K-3", 1, None) == 5


@pytest.mark.parametrize("gemeente", ["202", "02A2", ""])
def test_counter_refuses_what_is_not_a_gemeentecode(ledger_url: str, gemeente: str) -> None:
    with Ledger(ledger_url) as ledger, pytest.raises(ijw.UsageError, match="gemeentecode"):
        ledger.toewijzingnummer(gemeente, "K-1", 1)


def _allocate(url: str, name: str, queue: multiprocessing.Queue) -> None:
    try:
        with Ledger(url) as ledger:
            queue.put([ledger.toewijzingnummer("0202", name, line) for line in range(40)])
    except BaseException as error:
        queue.put(repr(error))


def test_two_processes_share_the_counter_without_doubles(ledger_url: str) -> None:
    Ledger(ledger_url).close()  # create the schema before the race
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_allocate, args=(ledger_url, name, queue)) for name in ("A", "B")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    got = [queue.get(timeout=5) for _ in workers]
    assert all(isinstance(g, list) for g in got), got
    assert sorted(got[0] + got[1]) == list(range(1, 81))


# --------------------------------------------------------------------------- ijw build --ledger
def test_build_numbers_from_the_ledger_and_records_the_case(
    tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["build", str(TIEL_301), "--out", str(out), "--dagtekening", TODAY, "--ledger", ledger_url]
    code, stdout, _ = run(args, capsys)
    assert code == 0, stdout
    first = nummers(out)
    assert sorted(first) == list(range(1, len(first) + 1))
    with Ledger(ledger_url) as ledger:
        case = ledger.case("JBG-2026-000777")
        assert case.route == "301" and case.gemeente == "0281"
        assert local_date(case.opened_at) == date(2026, 3, 1)  # vastgesteld_op of the bepaling
        assert ledger.counts()["messages"] == len(list(out.glob("*.xml")))
    code, stdout, _ = run(args, capsys)  # a re-run writes the same numbers and records nothing new
    assert code == 0 and nummers(out) == first
    assert "0 of" in stdout or "conflict" in stdout
    with Ledger(ledger_url) as ledger:
        assert ledger.counts()["messages"] == len(list(out.glob("*.xml")))


def test_build_with_an_unusable_ledger_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database" * 100)
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = run(["build", str(TIEL_301), "--out", str(out), "--ledger", f"sqlite:///{corrupt}"], capsys)
    assert code == 2
    assert "not a readable SQLite database" in err and "Traceback" not in err
    assert list(out.iterdir()) == []


# --------------------------------------------------------------------------- ijw validate --ledger (TR056)
def _other_message_same_identificatie(data: bytes) -> bytes:
    """The same header (sender, type, Identificatie) on a message with another content."""
    text_ = data.decode()
    changed = text_.replace("<ijw:Volume>2</ijw:Volume>", "<ijw:Volume>3</ijw:Volume>", 1)
    assert changed != text_
    return changed.encode()


def test_tr056_across_batches_through_the_ledger(
    tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    original = (b.EXAMPLES / "berichten" / "jw315-verzoek-om-toewijzing.xml").read_bytes()
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a.xml").write_bytes(original)
    (second / "b.xml").write_bytes(_other_message_same_identificatie(original))
    base = ["validate", "--format", "json", "--today", "2026-05-04", "--ledger", ledger_url]
    assert run([*base, str(first)], capsys)[0] == 0
    assert run([*base, str(first)], capsys)[0] == 0  # the same message again is not a second use
    retour = tmp_path / "retour"
    retour.mkdir()
    code, stdout, _ = run([*base, "--retour-dir", str(retour), str(second)], capsys)
    assert code == 1
    (result,) = json.loads(stdout)["results"]
    assert [f["rule"] for f in result["findings"]] == ["TR056"]
    assert "recorded in the ledger" in result["findings"][0]["message"]
    assert b"9056" in (retour / "b-JW316.xml").read_bytes()
    assert run([*base[:-2], str(second)], capsys)[0] == 0  # without the ledger the batch alone counts


# --------------------------------------------------------------------------- ijw respond --ledger
def test_respond_numbers_decisions_and_records_the_exchange(
    tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sent, answers = tmp_path / "sent", tmp_path / "answers"
    code, _, _ = run(["build", str(ARNHEM_315), "--out", str(sent), "--dagtekening", TODAY,
                      "--ledger", ledger_url], capsys)
    assert code == 0
    with Ledger(ledger_url) as ledger:
        ledger.toewijzingnummer("0202", "earlier toewijzing")  # the counter is already at 1
    code, stdout, _ = run(["respond", *map(str, sent.glob("*.xml")), "--out", str(answers), "--today", TODAY,
                           "--ledger", ledger_url], capsys)
    assert code == 0, stdout
    assert nummers(answers) and min(nummers(answers)) == 2
    with Ledger(ledger_url) as ledger:
        facts = ledger.facts("GI-2026-000123")[0]
    kinds = sorted(m.berichttype for m in facts.messages)
    assert kinds.count("JW315") == 1 and "JW316" in kinds and "JW301" in kinds
    for path in answers.glob("*.xml"):
        assert ijw.validate(path.read_bytes(), today=date(2026, 11, 23)).valid


def test_respond_reports_a_message_of_no_case_and_goes_on(
    tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    message = tmp_path / "in.xml"
    message.write_bytes(b.jw315("STRANGER0001", date(2026, 5, 4), "999900006", "0202", ["R-1"]))
    code, stdout, _ = run(["respond", str(message), "--out", str(tmp_path), "--today", "2026-05-04",
                           "--ledger", ledger_url], capsys)
    assert code == 0
    assert "not recorded in the ledger" in stdout and "belongs to no case" in stdout
    with Ledger(ledger_url) as ledger:
        assert ledger.counts()["messages"] == 0


# --------------------------------------------------------------------------- migration 0001 → 0002
def test_a_ledger_of_schema_0001_opens_and_keeps_its_identificaties(ledger_url: str) -> None:
    engine = connect(ledger_url)
    with engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        config.attributes.pop("connection", None)
        connection.execute(text(
            "INSERT INTO ledger_case (id, route, gemeente, gi, maatregel, bsn_hash, opened_at, recorded_at) "
            "VALUES ('K-1', '315', '0202', 'JBG', 'OTS', 'h', '2026-05-04 00:00:00', '2026-05-04 00:00:00')"))
        connection.execute(text(
            "INSERT INTO ledger_message (case_id, berichttype, direction, afzender, ontvanger, identificatie, "
            "retour_op, dagtekening, at, content_hash, recorded_at) VALUES ('K-1', 'JW315', 'received', "
            "'42420001', '0202', 'OLD000000001', '', '2026-05-04', '2026-05-04 00:00:00', 'x', "
            "'2026-05-04 00:00:00')"))
    engine.dispose()
    with Ledger(ledger_url) as ledger:
        assert ledger.revision == head_revision()
        assert ledger.claim_identificatie("JW315", "42420001", "OLD000000001", "d1") is None  # content was unknown
        assert ledger.claim_identificatie("JW315", "42420001", "OLD000000001", "d1") is None  # now known: same
        assert ledger.claim_identificatie("JW315", "42420001", "OLD000000001", "d2") is not None  # another one
