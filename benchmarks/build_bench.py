"""Bepaling → messages throughput: map, build and validate, one core.

    python benchmarks/build_bench.py [--rounds 100]

Target (issue 4): at least 1,000 bepalingen per second on one core. The baseline
measured in the same run is reading (validating) the bepaling files alone.
"""

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ijw_gateway.errors import MappingError  # noqa: E402
from ijw_gateway.tussentaal import Bepaling  # noqa: E402
from ijw_gateway.workflows.build import build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    files = sorted((ROOT / "examples" / "bepalingen").glob("*.yaml"))
    bepalingen = [Bepaling.load(f) for f in files]
    buildable = []
    for bep in bepalingen:
        try:
            build(bep, dagtekening=date(2026, 4, 20))
            buildable.append(bep)
        except MappingError:
            pass

    started = time.perf_counter()
    for _ in range(args.rounds):
        for f in files:
            Bepaling.load(f)
    loads = args.rounds * len(files) / (time.perf_counter() - started)

    started = time.perf_counter()
    messages = 0
    for _ in range(args.rounds):
        for bep in buildable:
            messages += len(build(bep, dagtekening=date(2026, 4, 20)))
    seconds = time.perf_counter() - started
    rate = args.rounds * len(buildable) / seconds
    print(f"baseline: reading and checking a bepaling file : {loads:8.0f} bepalingen/s")
    print(f"map + build + validate (XSD and all rules)    : {rate:8.0f} bepalingen/s "
          f"({messages / seconds:.0f} messages/s), ratio to baseline {rate / loads:.2f}; target >= 1000/s")


if __name__ == "__main__":
    main()
