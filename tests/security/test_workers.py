"""Worker processes never outlive the command that started them.

Every command that forks (``validate``, ``ledger ingest``, ``ledger status``) runs as a user
starts it, with its workers held busy (a wrapper makes them sleep) so that they are alive when
the parent ends: after ``kill -9`` of the parent they are gone within two seconds (the kernel's
parent-death signal; a watcher thread where that is not available), and Ctrl-C (SIGINT to the
whole process group, as a terminal sends it) ends the command with exit 130, one line, no
output file and no worker left.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
KEY = "ijw-test-key-0123456789abcdef0123456789abcdef"

# The workers of every pool sleep before their first task, so they are alive when the parent dies.
BUSY_WORKERS = """
import os, sys, time
import ijw_gateway.ledger.prepare as prepare
import ijw_gateway.ledger.reader as reader
import ijw_gateway.validation.batch as batch
PARENT = os.getpid()
def busy(module, name):
    real = getattr(module, name, None)
    if real is None:
        return
    def held(*args, **kwargs):
        if os.getpid() != PARENT:
            time.sleep(600)
        return real(*args, **kwargs)
    held.__module__, held.__qualname__ = module.__name__, name  # pickled by name, like the real one
    setattr(module, name, held)
busy(batch, "_validate_chunk")
busy(prepare, "_work_window")
busy(prepare, "_work")
busy(reader, "_worker")
reader.PARALLEL_MIN_CASES = 2
from ijw_gateway.cli import run
run()
"""


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _stat(int(entry))[1:2] == [str(pid)]:
            found.append(int(entry))
    return found


def _stat(pid: int) -> list[str]:
    """(state, parent pid, …) of a process, [] when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return []


def running(pids: list[int]) -> list[int]:
    return [pid for pid in pids if _stat(pid)[:1] not in ([], ["Z"])]


@contextmanager
def started(args: list[str], cwd: Path, workers: int) -> Iterator[tuple[subprocess.Popen[str], list[int]]]:
    """``ijw ARGS`` with busy workers, in a process group of its own; (the process, its workers)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IJW_LEDGER_KEY": KEY}
    process = subprocess.Popen([sys.executable, "-c", BUSY_WORKERS, *args], cwd=cwd, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(pids) < workers and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            pids = children(process.pid)
        assert len(pids) >= workers, f"no workers started: {process.communicate(timeout=10)}"
        time.sleep(0.3)  # their initializers have run
        yield process, pids
    finally:
        for pid in [process.pid, *pids]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.communicate(timeout=30)


def assert_gone_within(pids: list[int], seconds: float) -> float:
    start = time.monotonic()
    while running(pids) and time.monotonic() - start < seconds + 3:
        time.sleep(0.02)
    waited = time.monotonic() - start
    assert running(pids) == [] and waited <= seconds, f"workers {running(pids)} outlived their parent ({waited:.1f} s)"
    return waited


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100 messages: enough for worker processes in every command (validate from 64, ingest from 32)."""
    directory = tmp_path_factory.mktemp("workers") / "in"
    directory.mkdir()
    template = (EXAMPLES / "berichten" / "jw315-verzoek-om-toewijzing.xml").read_bytes()
    for i in range(100):
        data = re.sub(rb"<ijw:Identificatie>[^<]*<", b"<ijw:Identificatie>W%07d<" % i, template, count=1)
        (directory / f"m{i:03d}.xml").write_bytes(data)
    return directory


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A ledger of two cases: ``ledger status`` splits it over worker processes (PARALLEL_MIN_CASES = 2)."""
    from ijw_gateway.ledger import Ledger

    url = f"sqlite:///{tmp_path_factory.mktemp('workers-ledger') / 'l.db'}"
    with Ledger(url, key=KEY) as book:
        for name in ("02-centraal-gelderland-arnhem-315.yaml", "04-midden-ijssel-apeldoorn-315.yaml"):
            book.open(EXAMPLES / "bepalingen" / name)
    return url


COMMANDS = {
    "validate": (["validate", "{batch}", "--workers", "2", "--no-progress"], 2),
    "ledger ingest": (["ledger", "ingest", "{batch}", "--direction", "received", "--db", "{copy}"], 2),
    "ledger status": (["ledger", "status", "--db", "{ledger}"], 1),
}


def _args(template: list[str], batch: Path, ledger: str, tmp_path: Path) -> list[str]:
    copy = tmp_path / "copy.db"
    copy.write_bytes(Path(ledger.removeprefix("sqlite:///")).read_bytes())
    return [a.format(batch=batch, ledger=ledger, copy=f"sqlite:///{copy}") for a in template]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("command", COMMANDS)
def test_workers_die_within_two_seconds_of_a_kill_9(command: str, batch: Path, ledger: str, tmp_path: Path) -> None:
    template, workers = COMMANDS[command]
    with started(_args(template, batch, ledger, tmp_path), tmp_path, workers) as (process, pids):
        assert running(pids) == pids
        os.kill(process.pid, signal.SIGKILL)  # the parent alone: nobody tells the workers
        process.wait(30)
        assert_gone_within(pids, 2.0)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("command", ["validate", "ledger ingest"])
def test_ctrl_c_is_exit_130_one_line_no_files_no_workers(
    command: str, batch: Path, ledger: str, tmp_path: Path
) -> None:
    template, workers = COMMANDS[command]
    args = _args(template, batch, ledger, tmp_path)
    if command == "validate":
        args += ["--format", "json", "--output", "report.json", "--retour-dir", "retour"]
    before = sorted(p.name for p in tmp_path.iterdir())
    with started(args, tmp_path, workers) as (process, pids):
        os.killpg(process.pid, signal.SIGINT)  # as a terminal sends it: to the workers too
        out, err = process.communicate(timeout=30)
        assert process.returncode == 130, err
        assert err == "ijw: interrupted\n" and out == ""
        assert_gone_within(pids, 2.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "an interrupted run left files"


WATCHED = """
import sys, threading, time
from ijw_gateway.workers import WorkerPool
POOLS = []
def start():  # not the main thread: the kernel's notice would follow this thread, so the watcher is used
    POOLS.append(WorkerPool(2))
    print(*[p.pid for p in POOLS[0]._executor._processes.values()], flush=True)
thread = threading.Thread(target=start)
thread.start()
thread.join()
time.sleep(600)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_workers_of_a_pool_started_from_another_thread_are_watched(tmp_path: Path) -> None:
    """The kernel's parent-death signal follows the thread that forked; such workers watch their parent."""
    process = subprocess.Popen([sys.executable, "-c", WATCHED], env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    pids = [int(pid) for pid in process.stdout.readline().split()]
    try:
        time.sleep(1.0)  # the thread that started them has ended: they must still be there
        assert len(pids) == 2 and running(pids) == pids
        process.kill()
        process.wait(30)
        assert_gone_within(pids, 2.0)
    finally:
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
