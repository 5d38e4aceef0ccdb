"""Start-up benchmark: how long does a cold ``ijw validate one.xml`` take, as a process? (issue 12, item 5)

    python benchmarks/startup_bench.py [--runs 15] [--target 0.25]

Each run starts a new process, as a CI that validates file by file does: the ``ijw`` of this
environment validating one JW301, with ``--format json`` to a pipe. Byte code is compiled once
before the timed runs (an installed package ships it; a checkout writes it on first use), so
what is timed is the interpreter, our imports, the shipped reference data and the validation.
The baseline, measured in the same run, is a process that only starts Python and imports lxml:
the floor no Python CLI can go below on this machine. Printed: the median and best wall time of
each, their ratio, and the verdict against the absolute target (wall seconds of the median).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MESSAGE = ROOT / "examples" / "berichten" / "jw301-toewijzing.xml"


def _ijw() -> list[str]:
    script = Path(sys.executable).with_name("ijw")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "ijw_gateway.cli"]


def _time(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(argv)} failed (exit {done.returncode}): {done.stderr.decode()[-400:]}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed processes of each kind (default 15)")
    parser.add_argument("--target", type=float, default=0.25, help="wall seconds for the median (default 0.25)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["CI"] = env.get("CI", "")
    validate = [*_ijw(), "validate", "--today", "2026-11-23", "--format", "json", str(MESSAGE)]
    baseline = [sys.executable, "-c", "import lxml.etree"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "ijw_gateway")], env=env, check=True)
    _time(validate, env, 1)  # warm the file cache and any byte code compileall did not write

    ours, floor = [], []
    for _ in range(args.runs):  # interleaved, so a burst of load hits both alike
        ours += _time(validate, env, 1)
        floor += _time(baseline, env, 1)
    median, best = statistics.median(ours), min(ours)
    base_median, base_best = statistics.median(floor), min(floor)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"ijw validate one JW301, {args.runs} cold processes (load {load:.2f} on {os.cpu_count()} cores)")
    print(f"  ijw validate:        median {median:.3f} s   best {best:.3f} s")
    print(f"  python + lxml only:  median {base_median:.3f} s   best {base_best:.3f} s")
    print(f"  ratio (median):      {median / base_median:.1f}x the floor")
    verdict = "PASS" if median <= args.target else "MISS"
    print(f"{verdict}: median {median:.3f} s against the target of {args.target:.3f} s")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
