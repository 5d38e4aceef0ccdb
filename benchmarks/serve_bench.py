"""Load test of ``ijw serve``: 50 concurrent clients post messages to 2 workers on one PostgreSQL ledger.

    IJW_BENCH_POSTGRES_URL=postgresql+psycopg://… python benchmarks/serve_bench.py [--cases 1000] [--clients 50]

(falls back to IJW_TEST_POSTGRES_URL). Loopback only, bounded in count and time (--max-seconds).

1. baseline: the library's ``ijw.validate`` in one process, messages per second, over a mix of every
   message type we have an example of (as validate_bench) and over the JW301s of the ledger phase;
2. a real ``ijw serve --workers 2`` on a free loopback port, a schema of its own in the database;
   ``--clients`` threads post every message of the mix to ``/v1/validate``: throughput as a ratio to (1),
   p50/p99 latency, errors, and the CPU the workers and the clients spent per message; then the cases are
   opened and the JW301s posted to ``/v1/messages`` (ledger writes): the same figures;
3. kill: the same again on fresh cases, and one worker is killed with SIGKILL halfway; clients retry what got
   no answer (a write is idempotent); afterwards every acknowledged message must be in the ledger.

Targets (issue 16): throughput ratio >= 0.5, errors 0, no acknowledged write lost. Exit 1 when one is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import yaml  # noqa: E402

BEPALING = ROOT / "examples" / "bepalingen" / "01-achterhoek-doetinchem-301.yaml"  # gemeente 0222
KEY = "ijw-bench-key-0123456789abcdef0123456789abcdef"
DAGTEKENING = date(2026, 3, 6)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_bsns(start: int = 999_900_000) -> Iterator[str]:
    """Test BSNs (the 9999 series) that pass the elfproef, in order."""
    for number in range(start, 1_000_000_000):
        digits = [int(c) for c in f"{number:09d}"]
        if (sum(d * (9 - i) for i, d in enumerate(digits[:8])) - digits[8]) % 11 == 0:
            yield f"{number:09d}"


def bepalingen(count: int, prefix: str, first_bsn: int = 999_900_000) -> list[dict[str, Any]]:
    """``count`` bepalingen of gemeente 0222 (JSON bodies), each its own case (kenmerk ``<prefix>-<n>``)
    and jeugdige (a test BSN of its own)."""
    base = json.loads(json.dumps(yaml.safe_load(BEPALING.read_text(encoding="utf-8")), default=str))
    bsns = test_bsns(first_bsn)
    return [{**base, "kenmerk": f"{prefix}-{i:06d}", "jeugdige": {**base["jeugdige"], "bsn": next(bsns)}}
            for i in range(count)]


def mixed_messages(count: int) -> list[bytes]:
    """``count`` distinct messages of every type we have an example of (JW301 … JW325), as validate_bench."""
    import ijw_gateway as ijw

    bases = [ijw.parse(p.read_bytes()) for p in sorted((ROOT / "examples" / "berichten").glob("jw*.xml"))]
    out = []
    for i in range(count):
        message = bases[i % len(bases)].model_copy(deep=True)
        message.Header.BerichtIdentificatie.Identificatie = f"S{i:011}"  # type: ignore[attr-defined]
        out.append(ijw.to_xml(message))
    return out


def messages_of(bodies: list[dict[str, Any]]) -> list[bytes]:
    """The JW301s of every bepaling (two each), built and validated by the library."""
    from ijw_gateway.tussentaal import Bepaling
    from ijw_gateway.workflows.build import build_checked

    out: list[bytes] = []
    for body in bodies:
        out += [m.data for m in build_checked(Bepaling.model_validate(body), dagtekening=DAGTEKENING)]
    return out


@contextmanager
def serving(url: str, workers: int, env: dict[str, str], log: Path | None = None,
            ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real ``ijw serve`` on a free loopback port; yields its base URL and process, stops it after.
    With ``log``, its access log (JSON lines) goes to that file."""
    port = free_port()
    logging = ["--log-format", "json"] if log is not None else []
    process = subprocess.Popen(
        [sys.executable, "-m", "ijw_gateway.cli", *logging, "serve", "--ledger", url, "--port", str(port),
         "--workers", str(workers), *([] if log is not None else ["--no-access-log"])],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb") if log is not None else subprocess.PIPE,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                why = process.stderr.read().decode()[-500:] if process.stderr else log.read_text()[-500:]  # type: ignore[union-attr]
                raise RuntimeError(f"ijw serve ended: {why}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("ijw serve did not answer within 60 seconds")
            time.sleep(0.2)
        yield base, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def worker_pids(process: subprocess.Popen[bytes]) -> list[int]:
    """The worker processes uvicorn started (children of ``ijw serve``), from /proc."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    pids = []
    for pid in map(int, children):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            pids.append(pid)
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes ``pids`` have used so far (/proc/PID/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def client_seconds() -> float:
    """CPU seconds of this process and of its client processes that have ended (``--client-processes``)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def make_token(url: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "ijw_gateway.cli", "tokens", "create", "--org", "gemeente:0222",
                           "--scope", "validate,ledger:read,ledger:write", "--ledger", url],
                          env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    acknowledged: list[bytes] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def post_all(base: str, token: str, path: str, bodies: list[tuple[bytes, str]], clients: int,
             max_seconds: float, halfway: Any = None) -> tuple[Load, float]:
    """``clients`` threads post every body (content, content type) once, retrying what got no answer
    (a connection reset, a 503) up to 5 times; ``halfway`` runs when half of them are done."""
    load = Load()
    queue = list(reversed(bodies))
    done = [0]
    fired = [halfway is None]
    stop_at = time.monotonic() + max_seconds

    host, _, port = base.removeprefix("http://").partition(":")

    def client() -> None:  # http.client keeps the client's own cost small beside the server's on the same cores
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Authorization": f"Bearer {token}"}
        try:
            while time.monotonic() < stop_at:
                with load.lock:
                    if not queue:
                        return
                    body, kind = queue.pop()
                status, text = 0, ""
                for attempt in range(6):
                    started = time.perf_counter()
                    try:
                        connection.request("POST", path, body=body, headers={**headers, "content-type": kind})
                        response = connection.getresponse()
                        status, text = response.status, response.read().decode(errors="replace")
                    except (OSError, http.client.HTTPException) as error:  # the worker went away: a new connection
                        status, text = 0, type(error).__name__
                        connection.close()
                        connection = http.client.HTTPConnection(host, int(port), timeout=30)
                    if 0 < status < 500:
                        break
                    with load.lock:
                        load.retries += 1
                    time.sleep(0.2 * (attempt + 1))
                elapsed = time.perf_counter() - started
                with load.lock:
                    if status in (200, 201):
                        load.latencies.append(elapsed)
                        load.acknowledged.append(body)
                    else:
                        load.errors.append(f"{status}: {text[:200]}")
                    done[0] += 1
                    fire = not fired[0] and done[0] >= len(bodies) // 2
                    if fire:
                        fired[0] = True
                if fire:
                    halfway()
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if queue:
        load.errors.append(f"{len(queue)} messages not sent within {max_seconds:g} seconds")
    return load, seconds


def _share(job: tuple[str, str, str, list[tuple[bytes, str]], int, float]) -> tuple[list[float], list[bytes],
                                                                               list[str], int, float]:
    load, seconds = post_all(*job)
    return load.latencies, load.acknowledged, load.errors, load.retries, seconds


def post_spread(base: str, token: str, path: str, bodies: list[tuple[bytes, str]], clients: int,
                max_seconds: float, processes: int) -> tuple[Load, float]:
    """As :func:`post_all`, the clients spread over ``processes`` client processes (one Python process
    cannot drive 50 clients fast enough: its lock between threads would be what is measured)."""
    if processes <= 1:
        return post_all(base, token, path, bodies, clients, max_seconds)
    import multiprocessing

    jobs = [(base, token, path, bodies[i::processes], max(1, clients // processes), max_seconds)
            for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.map(_share, jobs)
    seconds = time.perf_counter() - started
    load = Load()
    for latencies, acknowledged, errors, retries, _ in parts:
        load.latencies += latencies
        load.acknowledged += acknowledged
        load.errors += errors
        load.retries += retries
    return load, seconds


def open_cases(base: str, token: str, bodies: list[dict[str, Any]], clients: int, max_seconds: float) -> Load:
    load, _ = post_all(base, token, "/v1/cases", [(json.dumps(b).encode(), "application/json") for b in bodies],
                       clients, max_seconds)
    return load


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def recorded_identificaties(url: str, messages: list[bytes]) -> tuple[set[str], set[str]]:
    """(the Identificaties of ``messages``, those of them the ledger holds)."""
    from sqlalchemy import create_engine, text

    from ijw_gateway.messages.safexml import parse

    wanted = set()
    for data in messages:
        root = parse(data).getroot()
        wanted.add(root.findtext(".//{*}Header/{*}BerichtIdentificatie/{*}Identificatie"))
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            held = {r[0] for r in conn.execute(text("SELECT identificatie FROM ledger_message"))}
    finally:
        engine.dispose()
    return wanted, wanted & held


@contextmanager
def schema(base_url: str) -> Iterator[str]:
    """A schema of its own on the PostgreSQL server (dropped after): the URL of a ledger in it."""
    from sqlalchemy import create_engine, text

    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def kill_one_worker(process: subprocess.Popen[bytes]) -> int:
    pids = worker_pids(process)
    if not pids:
        raise RuntimeError("found no worker process of ijw serve to kill")
    os.kill(pids[0], signal.SIGKILL)
    return pids[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000, help="cases per phase (two messages each)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--client-processes", type=int, default=1,
                        help="processes the clients are spread over (the kill phase uses one)")
    parser.add_argument("--validate-only", action="store_true",
                        help="only phase 2's /v1/validate (quick iterations on the HTTP layer)")
    parser.add_argument("--max-seconds", type=float, default=240.0, help="a bound on each phase")
    args = parser.parse_args()
    base_url = os.environ.get("IJW_BENCH_POSTGRES_URL") or os.environ.get("IJW_TEST_POSTGRES_URL")
    if not base_url:
        print("set IJW_BENCH_POSTGRES_URL (or IJW_TEST_POSTGRES_URL) to a PostgreSQL server", file=sys.stderr)
        return 2
    if not 1 <= args.cases <= 5000 or not 1 <= args.clients <= 200:
        print("--cases 1..5000 and --clients 1..200", file=sys.stderr)
        return 2
    import ijw_gateway as ijw

    env = {**os.environ, "IJW_LEDGER_KEY": KEY}
    os.environ["IJW_LEDGER_KEY"] = KEY
    load_bodies = bepalingen(args.cases, f"BENCH-{uuid.uuid4().hex[:6]}")
    kill_bodies = bepalingen(args.cases, f"KILL-{uuid.uuid4().hex[:6]}", first_bsn=999_950_000)
    messages, kill_messages = messages_of(load_bodies), messages_of(kill_bodies)

    mixed = mixed_messages(len(messages))
    started, cpu_started = time.perf_counter(), time.process_time()
    for data in mixed:
        assert ijw.validate(data).valid
    baseline = len(mixed) / (time.perf_counter() - started)
    cpu_baseline = (time.process_time() - cpu_started) / len(mixed)
    started = time.perf_counter()
    for data in messages:
        assert ijw.validate(data).valid
    baseline_301 = len(messages) / (time.perf_counter() - started)
    print(f"baseline  ijw.validate, 1 process: {baseline:,.0f} messages/s over {len(mixed)} messages of every "
          f"type; {baseline_301:,.0f}/s over the {len(messages)} JW301s")

    failed = False
    with schema(base_url) as url, serving(url, args.workers, env) as (base, process):
        token = make_token(url, env)
        opened = open_cases(base, token, load_bodies + kill_bodies, args.clients, args.max_seconds)
        if opened.errors:
            print(f"opening the cases failed: {opened.errors[:3]}")
            return 1
        workers = worker_pids(process)
        server_before, client_before = cpu_seconds(workers), client_seconds()
        checked, seconds = post_spread(base, token, "/v1/validate", [(m, "application/xml") for m in mixed],
                                       args.clients, args.max_seconds, args.client_processes)
        server_cpu = (cpu_seconds(workers) - server_before) / max(1, len(checked.acknowledged))
        client_cpu = (client_seconds() - client_before) / max(1, len(checked.acknowledged))
        rate = len(checked.acknowledged) / seconds
        ratio = rate / baseline
        print(f"validate  {args.clients} clients, {args.workers} workers: {rate:,.0f} messages/s "
              f"= {ratio:.2f}x ijw.validate (target >= 0.5); p50 {percentile(checked.latencies, 0.5) * 1000:.0f} ms, "
              f"p99 {percentile(checked.latencies, 0.99) * 1000:.0f} ms; errors {len(checked.errors)} (target 0)")
        print(f"          CPU per message: workers {server_cpu * 1000:.2f} ms, "
              f"clients {client_cpu * 1000:.2f} ms; "
              f"ijw.validate {cpu_baseline * 1000:.2f} ms (a figure the other load on the machine moves little)")
        failed |= ratio < 0.5 or bool(checked.errors)
        if args.validate_only:
            return 1 if failed else 0
        load, seconds = post_spread(base, token, "/v1/messages?direction=sent",
                                    [(m, "application/xml") for m in messages], args.clients, args.max_seconds,
                                    args.client_processes)
        rate = len(load.acknowledged) / seconds
        ratio = rate / baseline_301
        print(f"ledger    {args.clients} clients, {args.workers} workers on PostgreSQL: {rate:,.0f} messages/s "
              f"recorded = {ratio:.2f}x ijw.validate of them; p50 {percentile(load.latencies, 0.5) * 1000:.0f} ms, "
              f"p99 {percentile(load.latencies, 0.99) * 1000:.0f} ms; errors {len(load.errors)} (target 0), "
              f"retries {load.retries}")
        if load.errors:
            print(f"          first errors: {load.errors[:3]}")
        failed |= bool(load.errors)

        killed: list[int] = []
        kill, _ = post_all(base, token, "/v1/messages?direction=sent",
                           [(m, "application/xml") for m in kill_messages], args.clients, args.max_seconds,
                           halfway=lambda: killed.append(kill_one_worker(process)))
        wanted, held = recorded_identificaties(url, kill.acknowledged)
        lost = len(wanted - held)
        print(f"kill -9   worker {killed[0] if killed else '?'} killed halfway: {len(kill.acknowledged)} of "
              f"{len(kill_messages)} messages acknowledged, {lost} of them lost (target 0); "
              f"{len(kill.errors)} unanswered after retries, {kill.retries} retries")
        failed |= lost > 0 or not killed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
