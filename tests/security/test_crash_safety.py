"""kill -9 in the middle of writing: no partial file, and a re-run finishes the work exactly.

A real ``python -m ijw_gateway.cli`` is killed with SIGKILL (its whole process group, worker
processes included) while it writes: ``ijw validate --retour-dir`` on a batch of a few thousand
messages, and ``ijw build``. A small wrapper pauses the process inside the fsync of a file it is
writing, so the kill lands mid-write every time: the file in flight must then be a hidden
temporary file (or in a hidden staging directory of ours), never the final name. A killed run
has published nothing: the retourberichten of ``--retour-dir`` appear together at the end of a
run that succeeded, the messages of ``build`` all or none. Running the command again leaves
exactly the uninterrupted run's files: no duplicates, no temporary files, no staging directory.
(A killed ``ijw ledger ingest`` is tested in ``tests/ledger/test_ledger_store.py``: a consistent
ledger, and a re-run records the rest without duplicates.)
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ijw_gateway as ijw

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TODAY = "2026-05-04"
MESSAGES = 2000
TEMPORARY = re.compile(r"\.(?P<name>.+)\.ijw-\d+-[0-9a-f]{8}-[0-9a-f]{8}\.tmp")
STAGE = re.compile(r"\.ijw-stage-\d+-[0-9a-f]{8}-[0-9a-f]{8}")

# Runs ijw with os.fsync wrapped: the Nth fsync of each process prints the file it belongs to and
# then waits to be killed. Written data has reached the file by then; only the rename is to come.
PAUSE_IN_FSYNC = """
import os, sys, time
pause_at, calls, real_fsync = int(os.environ["IJW_TEST_PAUSE_AT"]), [0], os.fsync
def fsync(fd):
    calls[0] += 1
    if calls[0] == pause_at:
        print("writing", os.readlink(f"/proc/self/fd/{fd}"), flush=True)
        time.sleep(120)
    real_fsync(fd)
os.fsync = fsync
from ijw_gateway.cli import run
run()
"""


def ijw_command(*args: str, pause_at: int | None = None) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if pause_at is None:
        return [sys.executable, "-m", "ijw_gateway.cli", *args], env
    return [sys.executable, "-c", PAUSE_IN_FSYNC, *args], {**env, "IJW_TEST_PAUSE_AT": str(pause_at)}


def run_to_the_end(*args: str) -> int:
    command, env = ijw_command(*args)
    return subprocess.run(command, env=env, capture_output=True, timeout=300, check=False).returncode


def kill_mid_write(*args: str, pause_at: int) -> Path:
    """Start ``ijw ARGS``, wait until a process of it is inside a write, SIGKILL them all; the file in flight."""
    command, env = ijw_command(*args, pause_at=pause_at)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("writing "):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(30)
                return Path(line.removeprefix("writing ").strip())
        process.wait(30)
        raise AssertionError(f"ijw {' '.join(args)} ended (exit {process.returncode}) before it was killed: "
                             f"{process.stderr.read() if process.stderr else ''}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)
        time.sleep(0.1)  # let the killed workers' exits settle before the directory is read


def files(directory: Path) -> dict[str, bytes]:
    """The files in ``directory`` by name (a directory, such as a staging one, as empty bytes)."""
    if not directory.exists():
        return {}
    return {p.name: b"" if p.is_dir() else p.read_bytes() for p in directory.iterdir()}


def assert_in_flight_file_is_temporary(in_flight: Path, directory: Path) -> None:
    staged = STAGE.fullmatch(in_flight.parent.name) is not None
    assert (in_flight.parent.parent if staged else in_flight.parent) == directory.resolve(), in_flight
    assert TEMPORARY.fullmatch(in_flight.name), f"{in_flight.name} was written under its final name"


def assert_only_complete_files(directory: Path, reference: dict[str, bytes]) -> list[str]:
    """Every file under a final name is the uninterrupted run's; returns the temporary files left."""
    left = files(directory)
    temporaries = [name for name in left if TEMPORARY.fullmatch(name)]
    for name, data in left.items():
        if name in temporaries:
            assert TEMPORARY.fullmatch(name)["name"] in reference, name  # type: ignore[index]
            continue
        assert name in reference, f"{name} is not a file the command writes"
        assert data == reference[name], f"{name} is partial or differs from an uninterrupted run"
    return temporaries


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few thousand JW301/JW315 messages; some reuse an Identificatie (TR056, 9056), a few fail their XSD."""
    directory = tmp_path_factory.mktemp("crash") / "in"
    directory.mkdir()
    templates = [(EXAMPLES / "berichten" / name).read_bytes()
                 for name in ("jw301-toewijzing.xml", "jw315-verzoek-om-toewijzing.xml")]
    for i in range(MESSAGES):
        number = i - 2 if i % 97 == 0 and i else i  # a repeated Identificatie of the same sender and type
        data = re.sub(rb"<ijw:Identificatie>[^<]*<", b"<ijw:Identificatie>K%07d<" % number, templates[i % 2], count=1)
        if i % 250 == 1:
            data = data.replace(b"-10-26<", b"-10-32<")  # no such day: no retourbericht (IV032)
        (directory / f"m{i:05d}.xml").write_bytes(data)
    return directory


def test_validate_killed_mid_batch_leaves_whole_files_and_a_rerun_finishes(batch: Path, tmp_path: Path) -> None:
    reference_dir, retour = tmp_path / "reference", tmp_path / "retour"
    validate = ["validate", str(batch), "--today", TODAY, "--workers", "2", "--no-progress", "--format", "json"]
    code = run_to_the_end(*validate, "--retour-dir", str(reference_dir), "--output", str(tmp_path / "reference.json"))
    reference = files(reference_dir)
    assert code == 1 and MESSAGES - 10 < len(reference) < MESSAGES  # the XSD-invalid ones get no retourbericht
    assert any(b">9056</" in data for data in reference.values())  # TR056 across the batch

    report = tmp_path / "report.json"
    in_flight = kill_mid_write(*validate, "--retour-dir", str(retour), "--output", str(report), pause_at=60)
    assert_in_flight_file_is_temporary(in_flight, retour)
    left = files(retour)
    assert [name for name in left if not STAGE.fullmatch(name)] == [], "a killed run published retourberichten"
    (stage,) = left
    staged = [name for name in files(retour / stage) if not TEMPORARY.fullmatch(name)]
    assert 50 <= len(staged) < len(reference), "not killed in the middle of the batch"
    assert_only_complete_files(retour / stage, reference)
    assert not report.exists(), "the report appears whole when the batch is done, or not at all"

    assert run_to_the_end(*validate, "--retour-dir", str(retour), "--output", str(report)) == 1
    assert files(retour) == reference, "the re-run left other files than an uninterrupted run"
    assert report.read_text() == (tmp_path / "reference.json").read_text()
    assert [p.name for p in tmp_path.iterdir() if TEMPORARY.fullmatch(p.name)] == [], "the report's temporary file"
    assert all(ijw.validate(data).bericht in ("JW302", "JW316") for data in list(reference.values())[::100])


def test_build_killed_mid_write_leaves_whole_files_and_a_rerun_finishes(tmp_path: Path) -> None:
    bepaling = EXAMPLES / "bepalingen" / "04-midden-ijssel-apeldoorn-315.yaml"  # two providers: two JW315s
    build = ["build", str(bepaling), "--dagtekening", "2026-04-20"]
    assert run_to_the_end(*build, "--out", str(tmp_path / "reference")) == 0
    reference = files(tmp_path / "reference")
    assert len(reference) == 2

    out = tmp_path / "out"
    in_flight = kill_mid_write(*build, "--out", str(out), pause_at=2)  # the first file is written, the second not
    assert_in_flight_file_is_temporary(in_flight, out)
    temporaries = assert_only_complete_files(out, reference)
    assert [name for name in files(out) if name not in temporaries] == [], "build wrote some of its messages"
    assert len(temporaries) == 2 and in_flight.name in temporaries

    assert run_to_the_end(*build, "--out", str(out)) == 0
    assert files(out) == reference, "the re-run left other files than an uninterrupted run (a temporary file?)"


def test_a_live_writers_temporary_file_is_kept(tmp_path: Path) -> None:
    """Cleaning up after killed writers never touches the file of a writer still at work."""
    from ijw_gateway.files import _temporary_name, remove_stale_temporaries

    live = tmp_path / _temporary_name("a.xml")  # this process's: it runs
    code = "from ijw_gateway.files import _temporary_name; print(_temporary_name('b.xml'))"
    dead = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    stale = tmp_path / dead.stdout.strip()
    for path in (live, stale, tmp_path / "c.xml"):
        path.write_text("x")
    assert remove_stale_temporaries(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, "c.xml"])
