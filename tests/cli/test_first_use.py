"""First use, as a new user tries it: the version, unwritable places, empty inputs, read-only
ledgers, skipped files, imported contracts that the other commands then read, help texts that
follow the conventions, one name for the ledger option, and words a person reads.

The commands run as a user starts them (``python -m ijw_gateway.cli``); the permission cases in
a process that has given up root's power to ignore file modes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from ijw_gateway import __version__
from ijw_gateway.cli import main
from ijw_gateway.ledger.facts import EVENTS
from tests.cli.test_misuse import _drop_file_capabilities, ijw
from tests.tussentaal.test_data import CORE_ROWS, HEADER

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MESSAGES = EXAMPLES / "berichten"
BEPALINGEN = EXAMPLES / "bepalingen"
KEY = "ijw-test-key-0123456789abcdef0123456789abcdef"
NOT_AS_ROOT = _drop_file_capabilities if os.geteuid() == 0 else None


def one_sentence(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("ijw: "), done.stderr
    assert "internal error" not in done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def tree(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


# ------------------------------------------------------------------ item 9
def test_version(tmp_path: Path) -> None:
    done = ijw("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"ijw {__version__}\n", "")


def test_demo_into_an_unwritable_place_is_one_sentence(tmp_path: Path) -> None:
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o555)
    try:
        done = ijw("demo", "--dir", str(read_only / "demo"), cwd=tmp_path, preexec=NOT_AS_ROOT)
    finally:
        read_only.chmod(0o755)
    one_sentence(done, f"--dir {read_only / 'demo'}", "cannot write in", "Permission denied")
    assert tree(tmp_path) == ["ro"]


def test_respond_without_messages_exits_2_and_creates_no_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    one_sentence(ijw("respond", "empty", "--out", "answers", cwd=tmp_path), "no messages found")
    assert tree(tmp_path) == ["empty"]


@pytest.mark.parametrize("args", [
    ["validate", str(MESSAGES), "--retour-dir", "new/retour", "--ledger", "sqlite:///{corrupt}"],
    ["respond", str(MESSAGES), "--out", "new/answers", "--ledger", "sqlite:///{corrupt}"],
    ["build", str(BEPALINGEN / "04-midden-ijssel-apeldoorn-315.yaml"), "--out", "new/out",
     "--ledger", "sqlite:///{corrupt}"],
    ["productcodes", "import", "{csv}", "--regio", "Achterhoek", "--jaar", "2027", "--geldig-vanaf", "2026-06-01",
     "--dest", "new/pc"],
])
def test_a_failed_command_leaves_no_empty_directory_behind(tmp_path: Path, args: list[str]) -> None:
    corrupt, csv = tmp_path / "corrupt.db", tmp_path / "lijst.csv"
    corrupt.write_bytes(b"not a database" * 1000)
    csv.write_text(HEADER + "\n".join(CORE_ROWS) + "\n")  # from 2026-06-01 it overlaps the shipped 2026 contract
    before = tree(tmp_path)
    done = ijw(*[a.format(corrupt=corrupt, csv=csv) for a in args], cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert tree(tmp_path) == before


@pytest.fixture
def read_only_ledger(tmp_path: Path) -> Path:
    """A ledger with a case, in a directory nobody may write (the ledger's WAL files gone, as after a clean close)."""
    from ijw_gateway.ledger import Ledger

    directory = tmp_path / "archive"
    directory.mkdir()
    with Ledger(f"sqlite:///{directory / 'l.db'}", key=KEY) as ledger:
        ledger.open(BEPALINGEN / "02-centraal-gelderland-arnhem-315.yaml", at=date(2026, 4, 24))
    assert sorted(p.name for p in directory.iterdir()) == ["l.db"]
    (directory / "l.db").chmod(0o444)
    directory.chmod(0o555)
    yield directory / "l.db"
    directory.chmod(0o755)


@pytest.mark.parametrize("command", [["ledger", "status", "--today", "2026-05-04"],
                                     ["ledger", "report", "--today", "2026-05-04", "--format", "json"]])
def test_status_and_report_read_a_ledger_in_a_read_only_directory(
    read_only_ledger: Path, tmp_path: Path, command: list[str]
) -> None:
    done = ijw(*command, "--ledger", f"sqlite:///{read_only_ledger}", cwd=tmp_path, preexec=NOT_AS_ROOT)
    assert done.returncode == 0, done.stderr
    assert ("GI-2026-000123" in done.stdout or '"cases": 1' in done.stdout) and done.stderr == ""
    assert sorted(p.name for p in read_only_ledger.parent.iterdir()) == ["l.db"]


def test_ingest_names_the_files_it_skips(tmp_path: Path) -> None:
    sent = tmp_path / "sent"
    sent.mkdir()
    shutil.copy(MESSAGES / "jw315-verzoek-om-toewijzing.xml", sent / "a.xml")
    os.mkfifo(sent / "pipe.xml")
    if os.geteuid() == 0:  # a device of its own: the machine's /dev/null may be what another program broke
        os.mknod(tmp_path / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    (sent / "device.xml").symlink_to(tmp_path / "null" if os.geteuid() == 0 else "/dev/null")
    (sent / "gone.xml").symlink_to(sent / "nothing-here.xml")
    done = ijw("ledger", "ingest", "sent", "--direction", "received", "--ledger", f"sqlite:///{tmp_path / 'l.db'}",
               cwd=tmp_path)
    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stderr
    for name, why in (("pipe.xml", "a named pipe"), ("device.xml", "a device"),
                      ("gone.xml", "a symbolic link to a file that does not exist")):
        assert f"skipped   sent/{name}: {why}, not a message file, so it is not read" in lines, done.stdout
    assert lines[-1] == "4 files: 3 skipped, 1 unlinked"


# ------------------------------------------------------------------ item 10
def _bepaling_2027(tmp_path: Path) -> Path:
    """A Doetinchem (Achterhoek) bepaling in 2027, for a provider of the imported contract."""
    data = yaml.safe_load((BEPALINGEN / "01-achterhoek-doetinchem-301.yaml").read_text())
    data["vastgesteld_op"] = date(2027, 3, 1)
    data["hulp"] = [{"zorgvorm": "AMB-REG-IND", "aanbieder": "12345678", "ingangsdatum": date(2027, 3, 15),
                     "duur": "P6M", "omvang": {"volume": 2, "eenheid": "uur", "frequentie": "week"}}]
    path = tmp_path / "bepaling-2027.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_an_imported_contract_is_where_map_and_build_look(tmp_path: Path) -> None:
    """Run outside a checkout, import wrote a stray ./productcodes that map never read."""
    (tmp_path / "lijst.csv").write_text(HEADER + "\n".join(CORE_ROWS) + "\n")
    data = tmp_path / "my-data"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IJW_DATA_DIR": str(data)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ijw_gateway.cli", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    done = run("productcodes", "import", "lijst.csv", "--regio", "Achterhoek", "--jaar", "2027")
    written = data / "productcodes" / "contracten" / "2027" / "achterhoek.yaml"
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"imported 9 products of Achterhoek 2027 into {written}"
    assert not (tmp_path / "productcodes").exists()
    bepaling = _bepaling_2027(tmp_path)
    mapped = run("map", str(bepaling), "--format", "json")
    assert mapped.returncode == 0, mapped.stdout + mapped.stderr
    (line,) = json.loads(mapped.stdout)["lines"]
    assert (line["contract"], line["productcode"]) == ("Achterhoek 2027", "XA001")
    built = run("build", str(bepaling), "--out", "out", "--dagtekening", "2027-03-01")
    assert built.returncode == 0, built.stderr
    assert b"XA001" in next((tmp_path / "out").glob("*.xml")).read_bytes()


def test_an_import_with_dest_is_read_with_productcodes(tmp_path: Path) -> None:
    (tmp_path / "lijst.csv").write_text(HEADER + "\n".join(CORE_ROWS) + "\n")
    done = ijw("productcodes", "import", "lijst.csv", "--regio", "Achterhoek", "--jaar", "2027", "--dest", "pc",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "imported 9 products of Achterhoek 2027 into pc/contracten/2027/achterhoek.yaml",
        "map and build read it with --productcodes pc"]
    mapped = ijw("map", str(_bepaling_2027(tmp_path)), "--format", "json", "--productcodes", "pc", cwd=tmp_path)
    assert mapped.returncode == 0, mapped.stdout + mapped.stderr
    assert json.loads(mapped.stdout)["lines"][0]["contract"] == "Achterhoek 2027"


def test_an_import_that_does_not_fit_the_other_contracts_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "lijst.csv").write_text(HEADER + "\n".join(CORE_ROWS) + "\n")
    done = ijw("productcodes", "import", "lijst.csv", "--regio", "Achterhoek", "--jaar", "2027", "--dest", "pc",
               "--geldig-vanaf", "2026-06-01", cwd=tmp_path)
    one_sentence(done, "overlap")
    assert not (tmp_path / "pc").exists()


# ------------------------------------------------------------------ item 12
def _help(*command: str) -> str:
    done = subprocess.run([sys.executable, "-m", "ijw_gateway.cli", *command, "--help"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


COMMANDS = [["validate"], ["respond"], ["map"], ["build"], ["demo"], ["rules"], ["productcodes", "import"],
            ["ledger"], ["ledger", "open"], ["ledger", "record"], ["ledger", "ingest"], ["ledger", "status"],
            ["ledger", "report"], []]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "ijw")
def test_help_follows_the_conventions(command: list[str]) -> None:
    text = _help(*command)
    assert not re.search(r"<(str|bool|int|path|list\[str\])>|\{\w+\}", text), "typer's type names as metavars"
    assert "``" not in text and "`" not in text, "raw markup"
    assert not re.search(r"--[\w-]+ (TEXT|BOOLEAN|INTEGER|PATH)\b", text)
    assert not re.search(r"[A-Za-z]-$", text, re.M), "a word (an option, a date) broken at its hyphen"
    paragraphs = [p for p in text.split("\n\n") if not p.lstrip().startswith(("Usage:", "Options:", "Arguments:",
                                                                               "Commands:"))]
    for paragraph in paragraphs:  # prose is reflowed: a line ends short only at the end of its paragraph
        lines = paragraph.splitlines()
        for line in lines[:-1]:
            assert len(line) > 60, f"a line broken mid-sentence: {line!r}"


def test_help_metavars() -> None:
    text = _help("validate")
    for expected in ("--format [text|json|junit]", "--today DATE", "-o, --output FILE", "--retour-dir DIR",
                     "--workers N", "--ledger, --db URL", "PATH..."):
        assert expected in text, text
    assert re.search(r"^\s+--no-progress\s{2,}No progress bar", text, re.M), "a flag shows no metavar"
    assert "--dagtekening DATE" in _help("build") and "--route [301|315]" in _help("build")
    assert "--format [text|json|html]" in _help("ledger", "report")


def test_ledger_record_help_lists_the_events() -> None:
    text = " ".join(_help("ledger", "record").split())
    assert all(event in text for event in EVENTS), text


@pytest.mark.parametrize("option", ["--ledger", "--db"])
def test_one_name_for_the_ledger_on_every_command(tmp_path: Path, option: str, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IJW_LEDGER_KEY", KEY)
    url = f"sqlite:///{tmp_path / 'l.db'}"
    bepaling = BEPALINGEN / "04-midden-ijssel-apeldoorn-315.yaml"
    for args in (["ledger", option, url, "open", str(bepaling), "--at", "2026-04-10"],
                 ["ledger", "record", "JVV-2026-000042", "overleg", "--at", "2026-04-14", option, url],
                 ["build", str(bepaling), "--out", str(tmp_path / "out"), "--dagtekening", "2026-04-20", option, url],
                 ["validate", str(tmp_path / "out"), "--today", "2026-04-21", option, url],
                 ["respond", str(tmp_path / "out"), "--out", str(tmp_path / "answers"), "--today", "2026-04-21",
                  option, url],
                 ["ledger", "ingest", str(tmp_path / "answers"), "--direction", "sent", option, url],
                 ["ledger", "status", "--today", "2026-05-04", option, url],
                 ["ledger", "report", "--today", "2026-05-04", option, url]):
        code = main(args)
        assert code in (0, 1), (args, capsys.readouterr().err)
    assert "JVV-2026-000042" in capsys.readouterr().out


def test_retour_dir_says_what_it_wrote_and_which_messages_got_none(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(MESSAGES / "jw301-toewijzing.xml", tmp_path / "in" / "a.xml")
    (tmp_path / "in" / "broken.xml").write_bytes(b"<not xml")
    done = ijw("validate", "in", "--today", "2026-11-23", "--retour-dir", "retour", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-4:] == [
        "2 files: 1 valid, 1 invalid",
        "1 message judged on controleniveau 1, 2 and 4; not 3 (only TR056, within this run; the other "
        "cross-message rules need --ledger)",
        "retour: 1 retourbericht written; 1 message got none:",
        "  in/broken.xml: it is not an iJw message of a type we know, so there is nothing to answer",
    ]
    retourbericht = tmp_path / "retour" / "a-JW302.xml"
    respond_out = ijw("validate", str(retourbericht), "--today", "2026-11-23", "--retour-dir", "again",
                      "--format", "json", cwd=tmp_path)
    assert json.loads(respond_out.stdout)["summary"]["files"] == 1  # the account goes to stderr beside JSON
    assert respond_out.stderr == (f"again: 0 retourberichten written; 1 message got none:\n  {retourbericht}: "
                                  "it is itself the answer to a JW301 (a retourbericht); "
                                  "the standard answers it with nothing\n")


def test_build_says_what_it_wrote(tmp_path: Path) -> None:
    done = ijw("build", str(BEPALINGEN / "04-midden-ijssel-apeldoorn-315.yaml"), "--dagtekening", "2026-04-20",
               "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "out/JVV-2026-000042-JW315-0200-42420001.xml: JW315 from aanbieder 42420001 to gemeente 0200, 1 product",
        "out/JVV-2026-000042-JW315-0200-42424001.xml: JW315 from aanbieder 42424001 to gemeente 0200, 1 product",
        "wrote 2 messages for JVV-2026-000042 to out",
    ]


# ------------------------------------------------------------------ item 11 (words)
def test_counts_of_one_are_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IJW_LEDGER_KEY", KEY)
    url = f"sqlite:///{tmp_path / 'l.db'}"
    assert main(["validate", str(MESSAGES / "jw301-toewijzing.xml"), "--today", "2026-11-23"]) == 0
    assert capsys.readouterr().out.startswith("1 file: 1 valid, 0 invalid\n1 message judged on controleniveau")
    main(["ledger", "open", str(BEPALINGEN / "02-centraal-gelderland-arnhem-315.yaml"), "--at", "2026-04-24",
          "--db", url])
    capsys.readouterr()
    main(["ledger", "status", "--db", url, "--today", "2026-04-27", "--case", "GI-2026-000123"])
    assert re.search(r"^1 deadline on 2026-04-27, 0 overdue$", capsys.readouterr().out, re.M)
    main(["ledger", "ingest", str(MESSAGES / "jw315-verzoek-om-toewijzing.xml"), "--direction", "received",
          "--db", url])
    assert capsys.readouterr().out.splitlines()[-1] == "1 file: 1 recorded"


def test_a_file_that_is_not_a_message_is_named_in_a_sentence(tmp_path: Path, capsys) -> None:
    (tmp_path / "broken.xml").write_bytes(b"<not xml")
    assert main(["validate", str(tmp_path / "broken.xml")]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first == f"{tmp_path / 'broken.xml'}: invalid; it could not be read as an iJw message"


def test_nothing_written_is_left_with_a_temporary_mode(tmp_path: Path) -> None:
    """(The staging directory is owner-only while it is ours; what is published has the umask's mode.)"""
    done = ijw("validate", str(MESSAGES), "--today", "2026-11-23", "--retour-dir", "retour", cwd=tmp_path)
    assert done.returncode == 0
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "retour").iterdir()}
    assert modes == {0o666 & ~_umask()}


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
