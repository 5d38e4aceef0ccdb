"""`ijw validate`: every exit code and output format on valid, invalid and unreadable input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from ijw_gateway.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def messages(reference: Path, tmp_path: Path) -> Path:
    """A directory with a valid JW301, an invalid JW315 and a file that is not XML."""
    directory = tmp_path / "in"
    (directory / "sub").mkdir(parents=True)
    source = reference / "ijw-3.2" / "berichten"
    (directory / "a-jw301.xml").write_bytes((source / "JW301.xml").read_bytes())
    (directory / "sub" / "b-jw315.xml").write_bytes((source / "JW315.xml").read_bytes())
    (directory / "c-broken.xml").write_bytes(b"<not xml")
    (directory / "ignored.txt").write_text("not a message")
    return directory


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_valid_file_exits_0(messages: Path, capsys) -> None:
    code, out, _ = run(["validate", str(messages / "a-jw301.xml")], capsys)
    assert code == 0
    assert out == ("1 file: 1 valid, 0 invalid\n"  # one file, not "1 files"
                   "1 message judged on controleniveau 1, 2 and 4; not 3 (only TR056, within this run; the other "
                   "cross-message rules need --ledger)\n")


def test_directory_with_invalid_messages_exits_1_and_reports_each(messages: Path, capsys) -> None:
    code, out, _ = run(["validate", str(messages), "--format", "json", "--no-progress"], capsys)
    assert code == 1
    report = json.loads(out)
    assert report["summary"] == {"files": 3, "valid": 1, "invalid": 2}
    by_file = {Path(r["file"]).name: r for r in report["results"]}
    assert by_file["a-jw301.xml"]["valid"] and by_file["a-jw301.xml"]["bericht"] == "JW301"
    jw315 = by_file["b-jw315.xml"]
    assert jw315["bericht"] == "JW315" and not jw315["valid"]
    finding = jw315["findings"][0]
    assert finding["rule"] == "XSD" and finding["retourcode"] == "0001" and finding["severity"] == "error"
    assert finding["path"].endswith("jw315:AangevraagdProduct[1]/jw315:ToewijzingEinddatum")
    assert finding["line"] > 0 and "2027-06-31" in finding["message"]
    broken = by_file["c-broken.xml"]
    assert broken["bericht"] is None and broken["findings"][0]["rule"] == "XML"


def test_junit_output_is_xml_with_one_testcase_per_file(messages: Path, capsys) -> None:
    code, out, _ = run(["validate", str(messages), "--format", "junit"], capsys)
    assert code == 1
    suite = etree.fromstring(out.encode()).find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "2"
    assert len(suite.findall("testcase/failure")) == 2


def test_text_output_names_the_invalid_files(messages: Path, capsys) -> None:
    code, out, _ = run(["validate", str(messages)], capsys)
    assert code == 1
    assert "b-jw315.xml: JW315 is invalid\n" in out
    assert "c-broken.xml: invalid; it could not be read as an iJw message\n" in out  # not "unknown message invalid"
    assert "a-jw301.xml" not in out
    assert "3 files: 1 valid, 2 invalid\n1 message judged on controleniveau 1, 2 and 4" in out


def test_output_file_is_written_whole(messages: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(["validate", str(messages), "--format", "json", "--output", str(target)], capsys)
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["summary"]["files"] == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_schemas_option_validates_against_the_official_release(messages: Path, reference: Path, capsys) -> None:
    code, _out, _ = run(
        ["validate", str(messages / "a-jw301.xml"), "--schemas", str(reference / "ijw-3.2" / "xsd")], capsys
    )
    assert code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "does-not-exist.xml"], "does-not-exist.xml: no such file or directory"),
        (["validate", "--format", "yaml", "x"], "--format yaml: expected text, json or junit"),
        (["validate", "--today", "04-05-2026", "x"], "--today 04-05-2026: expected a date as YYYY-MM-DD"),
        (["validate", "--workers", "0", "x"], "--workers 0"),
        (["validate", "--schemas", "/nonexistent", "x"], "not a directory"),
        (["validate", "--output", "/nonexistent/dir/r.json", "x"], None),
    ],
)
def test_usage_errors_exit_2_with_one_sentence(messages: Path, capsys, args: list[str], message: str | None) -> None:
    args = [str(messages) if a == "x" else a for a in args]
    code, _out, err = run(args, capsys)
    assert code == 2
    assert "Traceback" not in err
    if message:
        assert message in err
    assert err.strip().count("\n") == 0


def test_unknown_option_is_a_usage_error(capsys) -> None:
    code, _, err = run(["validate", "--bogus"], capsys)
    assert code == 2 and "No such option" in err


def test_a_dangling_link_is_a_finding_that_says_so_and_the_batch_goes_on(messages: Path, capsys) -> None:
    (messages / "gone.xml").symlink_to(messages / "no-longer-there.xml")
    code, out, _ = run(["validate", str(messages), "--format", "json"], capsys)
    report = json.loads(out)
    assert code == 1 and report["summary"]["files"] == 4
    gone = next(r for r in report["results"] if r["file"].endswith("gone.xml"))
    assert "symbolic link to a file that does not exist" in gone["findings"][0]["message"]


def test_unreadable_file_is_a_finding_and_the_batch_goes_on(messages: Path, capsys) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    locked = messages / "locked.xml"
    locked.write_bytes(b"<x/>")
    locked.chmod(0)
    code, out, _ = run(["validate", str(messages), "--format", "json"], capsys)
    report = json.loads(out)
    assert code == 1 and report["summary"]["files"] == 4
    assert any("cannot be read" in f["message"] for r in report["results"] for f in r["findings"])


def test_stdin_and_the_console_script(messages: Path) -> None:
    data = (messages / "a-jw301.xml").read_bytes()
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "validate", "-", "--format", "json"],
        input=data, capture_output=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["file"] == "<stdin>"


def test_many_files_use_worker_processes_and_keep_order(messages: Path, tmp_path: Path, capsys) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    valid = (messages / "a-jw301.xml").read_bytes()
    for i in range(80):
        unique = valid.replace(b"123456789012", f"ID{i:010}".encode())  # TR056: one Identificatie per message
        (batch / f"m{i:03}.xml").write_bytes(unique if i % 10 else b"<broken")
    code, out, _ = run(["validate", str(batch), "--format", "json", "--workers", "2"], capsys)
    report = json.loads(out)
    assert code == 1 and report["summary"] == {"files": 80, "valid": 72, "invalid": 8}
    assert [Path(r["file"]).name for r in report["results"]] == [f"m{i:03}.xml" for i in range(80)]
