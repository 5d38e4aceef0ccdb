"""Bad use of every command: each exits 2 with one sentence and leaves nothing behind.

Missing paths, unreadable directories, wrong option values, unwritable outputs, corrupt and
locked ledgers. Every case must exit 2 with exactly one line on stderr that names what was
wrong and what is expected, show no traceback unless ``--debug`` (and one with it), and leave
the directory it ran in byte for byte as it was: no output file, no temporary file, no changed
database. Cases run in-process through ``main`` (what the console script calls); a subset
runs the real ``python -m ijw_gateway.cli`` so the real exit path is tested too, and the
permission cases run in a subprocess that has lost root's power to ignore file modes.
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ijw_gateway.cli import main
from ijw_gateway.ledger import Ledger, store
from tests.tussentaal.test_data import CORE_ROWS, HEADER

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BEPALING = EXAMPLES / "bepalingen" / "02-centraal-gelderland-arnhem-315.yaml"
CASE = "GI-2026-000123"  # the kenmerk of BEPALING
KEY = "ijw-test-key-0123456789abcdef0123456789abcdef"


@dataclass
class Work:
    """A directory with everything the cases refer to; the cases run with it as the current directory."""

    root: Path
    places: dict[str, str]

    def args(self, template: list[str]) -> list[str]:
        return [a.format(**self.places) for a in template]

    def snapshot(self) -> dict[str, bytes | None]:
        """Every directory and file (hidden ones too) with its bytes; the good ledger by name only (SQLite
        may touch it)."""
        found: dict[str, bytes | None] = {}
        for directory, dirs, files in os.walk(self.root):
            found.update((str((Path(directory) / name).relative_to(self.root)) + "/", None) for name in dirs)
            for name in files:
                path = Path(directory) / name
                relative = str(path.relative_to(self.root))
                found[relative] = None if name.startswith("ledger.db") else path.read_bytes()
        return found


def _ledger_counts(url: str) -> dict[str, int]:
    with Ledger(url) as ledger:
        return ledger.counts()


@pytest.fixture(scope="module")
def template_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger with the case of BEPALING opened, made once and copied into each test's directory."""
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IJW_LEDGER_KEY", KEY)
        with Ledger(f"sqlite:///{path}") as ledger:
            ledger.open(BEPALING, at=date(2026, 4, 24))
    return path


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_ledger: Path) -> Work:
    monkeypatch.setenv("IJW_LEDGER_KEY", KEY)
    monkeypatch.delenv("IJW_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copy(BEPALING, tmp_path / "bep.yaml")
    shutil.copytree(EXAMPLES / "berichten", tmp_path / "msgs")
    (tmp_path / "empty").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "lijst.csv").write_text(HEADER + "\n".join(CORE_ROWS) + "\n")
    (tmp_path / "afile").write_text("a file, not a directory\n")
    (tmp_path / "corrupt.db").write_bytes(random.Random(6).randbytes(16384))
    (tmp_path / "text.db").write_text("this is a text file where the ledger should be\n" * 50)
    shutil.copy(template_ledger, tmp_path / "ledger.db")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    places = {
        "bep": "bep.yaml", "msgs": "msgs", "empty": "empty", "out": "out", "csv": "lijst.csv", "file": "afile",
        "missing": "missing", "db": url, "corrupt": f"sqlite:///{tmp_path / 'corrupt.db'}",
        "text": f"sqlite:///{tmp_path / 'text.db'}", "dbfile": str(tmp_path / "ledger.db"), "root": str(tmp_path),
    }
    return Work(tmp_path, places)


def _case(name: str, args: str, *expected: str) -> Any:
    return pytest.param(args.split(), expected, id=name)


# Each: the arguments (placeholders from ``Work.places``) and what stderr must name.
CASES = [
    # ijw validate
    _case("validate-missing-path", "validate {missing}.xml", "missing.xml: no such file or directory"),
    _case("validate-no-messages", "validate {empty}", "no messages found", "no *.xml files"),
    _case("validate-bad-format", "validate {msgs} --format yaml", "--format yaml", "expected text, json or junit"),
    _case("validate-bad-date", "validate {msgs} --today 2026-02-30", "--today 2026-02-30", "YYYY-MM-DD"),
    _case("validate-date-out-of-range", "validate {msgs} --today 0001-01-01", "--today 0001-01-01",
          "between 1900-01-01 and 2199-12-31"),
    _case("validate-workers-0", "validate {msgs} --workers 0", "--workers 0", "at least 1"),
    _case("validate-workers-text", "validate {msgs} --workers many", "--workers", "integer"),
    _case("validate-schemas-missing", "validate {msgs} --schemas {missing}", "--schemas", "not a directory"),
    _case("validate-schemas-empty", "validate {msgs} --schemas {empty}", "--schemas", "expected JW301.xsd"),
    _case("validate-output-no-directory", "validate {msgs} --output {missing}/r.json", "--output",
          "does not exist"),
    _case("validate-output-is-directory", "validate {msgs} --output {out}", "--output", "is a directory"),
    _case("validate-retour-dir-is-file", "validate {msgs} --retour-dir {file}", "--retour-dir",
          "cannot create the directory"),
    _case("validate-ledger-corrupt", "validate {msgs} --ledger {corrupt}", "not a readable SQLite database"),
    # ijw respond
    _case("respond-missing-path", "respond {missing}.xml --out {out}", "missing.xml: no such file or directory"),
    _case("respond-bad-date", "respond {msgs} --out {out} --today 31-12-2026", "--today 31-12-2026", "YYYY-MM-DD"),
    _case("respond-out-is-file", "respond {msgs} --out {file}", "--out", "cannot create the directory"),
    _case("respond-ledger-text-file", "respond {msgs} --out {out} --ledger {text}", "not a readable SQLite database"),
    # ijw map
    _case("map-missing-bepaling", "map {missing}.yaml", "missing.yaml", "cannot be read", "file not found"),
    _case("map-bepaling-is-directory", "map {empty}", "cannot be read", "not a regular file"),
    _case("map-bad-format", "map {bep} --format xml", "--format xml", "expected text or json"),
    _case("map-productcodes-missing", "map {bep} --productcodes {missing}", "not a productcodes directory",
          "expected a directory with gemeenten.csv"),
    # ijw build
    _case("build-missing-bepaling", "build {missing}.yaml --out {out}", "missing.yaml", "file not found"),
    _case("build-bad-route", "build {bep} --out {out} --route 302", "--route 302", "expected 301 or 315"),
    _case("build-bad-date", "build {bep} --out {out} --dagtekening 2026-02-30", "--dagtekening 2026-02-30",
          "YYYY-MM-DD"),
    _case("build-date-out-of-range", "build {bep} --out {out} --dagtekening 9999-12-31", "--dagtekening",
          "between 1900-01-01 and 2199-12-31"),
    _case("build-out-is-file", "build {bep} --out {file}", "--out", "cannot create the directory"),
    _case("build-productcodes-missing", "build {bep} --out {out} --productcodes {missing}",
          "not a productcodes directory"),
    _case("build-ledger-corrupt", "build {bep} --out {out} --ledger {corrupt}", "not a readable SQLite database"),
    # ijw rules
    _case("rules-bad-format", "rules --format xml", "--format xml", "expected text, markdown or json"),
    _case("rules-extra-argument", "rules everything", "unexpected extra argument", "ijw rules --help"),
    # ijw productcodes import
    _case("import-missing-csv", "productcodes import {missing}.csv --regio Achterhoek --jaar 2027 --dest {out}",
          "missing.csv: file not found"),
    _case("import-bad-regio", "productcodes import {csv} --regio Veluwe --jaar 2027 --dest {out}",
          "regio 'Veluwe'", "expected one of"),
    _case("import-jaar-text", "productcodes import {csv} --regio Achterhoek --jaar volgend --dest {out}",
          "--jaar", "integer"),
    _case("import-jaar-out-of-range", "productcodes import {csv} --regio Achterhoek --jaar 99999 --dest {out}",
          "--jaar", "2099"),
    _case("import-bad-date", "productcodes import {csv} --regio Achterhoek --jaar 2027 --geldig-vanaf 2027-13-01",
          "--geldig-vanaf 2027-13-01", "YYYY-MM-DD"),
    _case("import-no-regio", "productcodes import {csv} --jaar 2027", "Missing option", "--regio"),
    _case("import-dest-under-a-file", "productcodes import {csv} --regio Achterhoek --jaar 2027 --dest {file}/pc",
          "--dest afile/pc: ", "cannot create the directory", "afile is a file, not a directory"),
    # ijw ledger open
    _case("open-missing-bepaling", "ledger open {missing}.yaml --db {db}", "missing.yaml", "file not found"),
    _case("open-bad-date", "ledger open {bep} --at 2026-02-30 --db {db}", "--at 2026-02-30",
          "expected a date YYYY-MM-DD"),
    _case("open-date-out-of-range", "ledger open {bep} --at 9999-12-31 --db {db}", "--at 9999-12-31",
          "between 1900-01-01 and 2199-12-31"),
    _case("open-corrupt-ledger", "ledger open {bep} --db {corrupt}", "corrupt.db",
          "not a readable SQLite database"),
    _case("open-text-file-ledger", "ledger open {bep} --db {text}", "text.db", "not a readable SQLite database"),
    _case("open-ledger-directory-missing", "ledger --db sqlite:///{root}/missing/l.db open {bep}",
          "missing", "does not exist"),
    _case("open-ledger-is-a-directory", "ledger open {bep} --db sqlite:///{root}/out", "cannot be opened or written",
          "writable"),
    _case("open-not-a-url", "ledger open {bep} --db ledger.sqlite", "is not a database URL", "sqlite:///FILE"),
    _case("open-other-database", "ledger open {bep} --db mysql://x@localhost/l", "SQLite or PostgreSQL"),
    # ijw ledger record
    _case("record-bad-date", "ledger record " + CASE + " overleg --at tomorrow --db {db}", "--at tomorrow",
          "expected a date YYYY-MM-DD"),
    _case("record-unknown-event", "ledger record " + CASE + " overlegd --db {db}", "unknown event 'overlegd'",
          "use one of"),
    _case("record-unknown-case", "ledger record GI-0000-000000 overleg --db {db}", "no case 'GI-0000-000000'",
          "ijw ledger open"),
    _case("record-corrupt-ledger", "ledger record " + CASE + " overleg --db {corrupt}",
          "not a readable SQLite database"),
    # ijw ledger ingest
    _case("ingest-missing-path", "ledger ingest {missing}.xml --direction received --db {db}",
          "missing.xml: no such file or directory"),
    _case("ingest-bad-direction", "ledger ingest {msgs} --direction sideways --db {db}", "--direction sideways",
          "expected 'sent' or 'received'"),
    _case("ingest-no-direction", "ledger ingest {msgs} --db {db}", "Missing option", "--direction"),
    _case("ingest-bad-format", "ledger ingest {msgs} --direction sent --format xml --db {db}", "--format xml",
          "expected text or json"),
    _case("ingest-bad-date", "ledger ingest {msgs} --direction sent --at 2026-04-31 --db {db}", "--at 2026-04-31"),
    _case("ingest-no-messages", "ledger ingest {empty} --direction sent --db {db}", "no messages found"),
    _case("ingest-corrupt-ledger", "ledger ingest {msgs} --direction received --db {corrupt}",
          "not a readable SQLite database"),
    # ijw ledger status
    _case("status-bad-date", "ledger status --today 2026-4-1 --db {db}", "--today 2026-4-1", "YYYY-MM-DD"),
    _case("status-due-within-text", "ledger status --due-within soon --db {db}", "--due-within", "integer"),
    _case("status-due-within-negative", "ledger status --due-within -3 --db {db}", "--due-within -3", "0 or more"),
    _case("status-bad-format", "ledger status --format html --db {db}", "--format html", "expected text or json"),
    _case("status-unknown-case", "ledger status --case GI-0000-000000 --db {db}", "no case 'GI-0000-000000'"),
    _case("status-no-ledger", "ledger status --db sqlite:///{root}/typo.db", "no ledger at",
          "expected an existing ledger"),
    _case("status-corrupt-ledger", "ledger status --db {corrupt}", "not a readable SQLite database"),
    # ijw ledger report
    _case("report-bad-format", "ledger report --format pdf --db {db}", "--format pdf", "expected text or json or html"),
    _case("report-bad-date", "ledger report --today 2026-02-29 --db {db}", "--today 2026-02-29", "YYYY-MM-DD"),
    _case("report-output-no-directory", "ledger report --output {missing}/r.html --db {db}", "--output",
          "does not exist"),
    _case("report-output-is-directory", "ledger report --output {out} --db {db}", "--output", "is a directory"),
    _case("report-no-ledger", "ledger report --output {out}/r.txt --db sqlite:///{root}/typo.db", "no ledger at"),
    _case("report-text-file-ledger", "ledger report --output {out}/r.txt --db {text}",
          "not a readable SQLite database"),
    # global options
    _case("bad-log-format", "--log-format xml rules", "--log-format", "expected 'text' or 'json'"),
    _case("unknown-command", "valideer {msgs}", "No such command", "ijw --help"),
]


def assert_one_sentence(code: int, err: str, expected: tuple[str, ...], debug: bool = False) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    if debug:
        assert "Traceback (most recent call last)" in err, err
    else:
        assert "Traceback" not in err and len(lines) == 1, err
    sentence = lines[-1]
    assert sentence.startswith("ijw: "), err
    for fragment in expected:
        assert fragment in sentence, f"{fragment!r} not in {sentence!r}"


def run_in_process(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_misuse_exits_2_with_one_sentence_and_writes_nothing(
    work: Work, capsys: pytest.CaptureFixture[str], template: list[str], expected: tuple[str, ...]
) -> None:
    before, counts = work.snapshot(), _ledger_counts(work.places["db"])
    for debug in (False, True):
        args = work.args(template)
        code, err = run_in_process(["--debug", *args] if debug else args, capsys)
        assert_one_sentence(code, err, expected, debug=debug)
    assert work.snapshot() == before, "a file was written, changed or left behind"
    assert _ledger_counts(work.places["db"]) == counts


# ------------------------------------------------------------------ a locked ledger
@contextmanager
def lock_held(work: Work) -> Iterator[None]:
    """Another process holds an exclusive lock on the good ledger until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()", work.places["dbfile"]],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate(timeout=10)


LOCKED = [
    _case("open", "ledger open {bep} --db {db}"),
    _case("record", "ledger record " + CASE + " overleg --at 2026-04-28 --db {db}"),
    _case("ingest", "ledger ingest {msgs} --direction received --db {db}"),
    _case("validate", "validate {msgs} --ledger {db} --output {out}/r.json --format json"),
    _case("respond", "respond {msgs} --out {out} --ledger {db}"),
    _case("build", "build {bep} --out {out} --ledger {db}"),
]


@pytest.mark.parametrize(("template", "_expected"), LOCKED)
def test_a_locked_ledger_exits_2_and_writes_nothing(
    work: Work, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    template: list[str], _expected: tuple[str, ...],
) -> None:
    monkeypatch.setattr(store, "SQLITE_BUSY_TIMEOUT_MS", 150)  # instead of waiting 30 s for the lock
    before, counts = work.snapshot(), _ledger_counts(work.places["db"])
    with lock_held(work):
        code, err = run_in_process(work.args(template), capsys)
    assert_one_sentence(code, err, ("ledger.db", "locked by another process", "try again"))
    assert work.snapshot() == before
    assert _ledger_counts(work.places["db"]) == counts


@pytest.mark.parametrize("args", [["ledger", "status", "--today", "2026-05-04"],
                                  ["ledger", "report", "--format", "json"]])
def test_readers_of_a_ledger_do_not_wait_for_its_writer(
    work: Work, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """status and report read a snapshot of the ledger (opened read-only), so a writer's lock does not stop them."""
    monkeypatch.setattr(store, "SQLITE_BUSY_TIMEOUT_MS", 150)
    with lock_held(work):
        code = main([*args, "--db", work.places["db"]])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert CASE in out


# ------------------------------------------------------------------ the real command in a subprocess
def ijw(*args: str, cwd: Path, wrapper: str | None = None,
        preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m ijw_gateway.cli ARGS`` (or ``wrapper`` code before it) as a user starts it."""
    entry = ["-m", "ijw_gateway.cli"] if wrapper is None else ["-c", wrapper]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *entry, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=preexec, check=False)


SUBPROCESS = {
    "validate-workers-text": False, "map-missing-bepaling": False, "open-corrupt-ledger": True,
    "report-output-no-directory": False, "respond-out-is-file": False,
}


@pytest.mark.parametrize(("name", "debug"), SUBPROCESS.items())
def test_the_real_command_exits_2_with_one_sentence(work: Work, name: str, debug: bool) -> None:
    template, expected = next(p.values for p in CASES if p.id == name)
    before = work.snapshot()
    done = ijw(*(["--debug"] if debug else []), *work.args(template), cwd=work.root)
    assert done.stdout == ""
    assert_one_sentence(done.returncode, done.stderr, expected, debug=debug)
    assert work.snapshot() == before


def test_the_real_command_on_a_locked_ledger(work: Work) -> None:
    wrapper = ("import ijw_gateway.ledger.store as store; store.SQLITE_BUSY_TIMEOUT_MS = 150\n"
               "from ijw_gateway.cli import run; run()")
    before = work.snapshot()
    with lock_held(work):
        done = ijw("ledger", "record", CASE, "overleg", "--db", work.places["db"], cwd=work.root, wrapper=wrapper)
    assert_one_sentence(done.returncode, done.stderr, ("locked by another process",))
    assert work.snapshot() == before


# ------------------------------------------------------------------ permissions (not as root)
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def _drop_file_capabilities() -> None:
    """In the child before exec: give up root's power to read and write whatever the file modes say."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


DRIVER = """
import contextlib, io, json, sys
from ijw_gateway.cli import main
results = []
for args in json.load(sys.stdin):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    results.append([code, err.getvalue()])
print(json.dumps(results))
"""

PERMISSION_CASES = [
    _case("validate-unreadable-subdirectory", "validate {tree}", "cannot read directory", "tree/secret",
          "Permission denied"),
    _case("respond-unreadable-subdirectory", "respond {tree} --out {out}", "cannot read directory", "tree/secret"),
    _case("ingest-unreadable-subdirectory", "ledger ingest {tree} --direction received --db {db}",
          "cannot read directory", "tree/secret"),
    _case("validate-unreadable-directory", "validate {tree}/secret", "cannot read directory", "Permission denied"),
    _case("map-unreadable-bepaling", "map {secret_bep}", "secret.yaml", "not readable"),
    _case("open-unreadable-bepaling", "ledger open {secret_bep} --db {db}", "secret.yaml", "cannot be read",
          "Permission denied"),
    _case("validate-output-read-only", "validate {msgs} --format json --output {ro}/r.json", "--output",
          "cannot write in", "Permission denied"),
    _case("validate-retour-dir-read-only", "validate {msgs} --retour-dir {ro}", "--retour-dir", "not writable"),
    _case("respond-out-read-only", "respond {msgs} --out {ro}", "--out", "not writable"),
    _case("build-out-read-only", "build {bep} --out {ro}", "--out", "not writable"),
    _case("import-dest-read-only", "productcodes import {csv} --regio Achterhoek --jaar 2027 --dest {ro}",
          "cannot create the directory", "Permission denied"),
    _case("report-output-read-only", "ledger report --output {ro}/r.html --db {db}", "cannot write in",
          "Permission denied"),
    _case("open-ledger-in-read-only-directory", "ledger open {bep} --db sqlite:///{ro}/new.db",
          "cannot be opened or written"),
]


def test_unreadable_directories_and_unwritable_outputs(work: Work) -> None:
    """Real file modes, in one subprocess; as root it first drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH."""
    preexec = _drop_file_capabilities if os.geteuid() == 0 else None
    tree, read_only = work.root / "tree", work.root / "ro"
    (tree / "secret").mkdir(parents=True)
    shutil.copy(work.root / "msgs" / "jw315-verzoek-om-toewijzing.xml", tree / "a.xml")
    shutil.copy(work.root / "msgs" / "jw301-toewijzing.xml", tree / "secret" / "b.xml")
    (work.root / "secret.yaml").write_bytes(BEPALING.read_bytes())
    read_only.mkdir()
    places = {**work.places, "tree": "tree", "ro": "ro", "secret_bep": "secret.yaml"}
    cases = [([a.format(**places) for a in p.values[0]], p.values[1]) for p in PERMISSION_CASES]
    before, counts = work.snapshot(), _ledger_counts(work.places["db"])
    for path, mode in ((tree / "secret", 0), (work.root / "secret.yaml", 0), (read_only, 0o555)):
        path.chmod(mode)
    try:
        done = subprocess.run(
            [sys.executable, "-c", DRIVER], input=json.dumps([args for args, _ in cases]), cwd=work.root,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300,
            preexec_fn=preexec, check=False,
        )
    finally:
        for path in (tree / "secret", work.root / "secret.yaml", read_only):
            path.chmod(0o755)
    assert done.returncode == 0, done.stderr
    for (args, expected), (code, err) in zip(cases, json.loads(done.stdout), strict=True):
        try:
            assert_one_sentence(code, err, expected)
        except AssertionError as error:
            raise AssertionError(f"ijw {' '.join(args)}: {error}") from None
    assert work.snapshot() == before, "a file was written, changed or left behind"
    assert list(read_only.iterdir()) == []
    assert _ledger_counts(work.places["db"]) == counts
