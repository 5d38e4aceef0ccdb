"""``ijw start`` / ``ijw stop --ledger``: recorded with the case, again idempotent; a message of no case
or a ledger that cannot be used. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.ledger.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]
TIEL_301 = ROOT / "examples" / "bepalingen" / "07-rivierenland-tiel-301.yaml"
EXAMPLE = ROOT / "examples" / "berichten" / "jw301-toewijzing.xml"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_start_and_stop_are_recorded_with_the_case_once(
    tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sent, out = tmp_path / "sent", tmp_path / "out"
    assert run(["build", str(TIEL_301), "--out", str(sent), "--dagtekening", "2026-03-02", "--ledger", ledger_url],
               capsys)[0] == 0
    (toewijzing,) = [p for p in sent.glob("*.xml") if b"<jw301:ToewijzingNummer>1<" in p.read_bytes()]
    args = ["start", str(toewijzing), "--begindatum", "2026-03-05", "--today", "2026-03-09", "--out", str(out),
            "--ledger", ledger_url]
    code, stdout, _ = run(args, capsys)
    assert code == 0 and "ledger: case JBG-2026-000777, 1 of 2 messages newly recorded" in stdout
    code, stdout, _ = run(args, capsys)  # again: the same file, nothing new in the ledger
    assert code == 0 and "ledger: case JBG-2026-000777, 0 of 2 messages newly recorded" in stdout
    assert len(list(out.iterdir())) == 1
    with Ledger(ledger_url) as ledger:
        facts = ledger.facts("JBG-2026-000777")[0]
        starts = [m for m in facts.messages if m.berichttype == "JW305"]
    assert [(m.direction, m.producten, m.zorgdatum.isoformat() if m.zorgdatum else None) for m in starts] == [
        ("sent", ("1",), "2026-03-05")]


def test_a_toewijzing_of_no_case_is_written_and_said_not_recorded(
    tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, _ = run(["start", str(EXAMPLE), "--begindatum", "2026-05-04", "--today", "2026-05-06",
                           "--out", str(tmp_path), "--ledger", ledger_url], capsys)
    assert code == 0
    assert "not recorded in the ledger" in stdout and "belongs to no case" in stdout
    (written,) = tmp_path.glob("JW305-*.xml")
    assert ijw.validate(written.read_bytes(), today=None).bericht == "JW305"
    with Ledger(ledger_url) as ledger:
        assert ledger.counts()["messages"] == 0


@pytest.mark.parametrize("command", ["start", "stop"])
def test_an_unusable_ledger_writes_nothing(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database" * 100)
    out = tmp_path / "out"
    extra = ["--einddatum", "2026-06-01", "--reden", "31"] if command == "stop" else []
    code, stdout, err = run([command, str(EXAMPLE), "--begindatum", "2026-05-04", *extra, "--today", "2026-06-02",
                             "--out", str(out), "--ledger", f"sqlite:///{corrupt}"], capsys)
    assert code == 2 and stdout == ""
    assert "not a readable SQLite database" in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
