"""Scaling benchmark: is every check linear (or n·log n) in the size of its input? (issue 11, item 5)

    python benchmarks/scaling_bench.py [--max-products 30000] [--max-items 100000] [--budget 120]
                                       [--skip-rules TR302,TR386]

Per series, one input grows over the sizes below its maximum and the time per item is printed;
the verdict compares the time per item at the largest size with that at the smallest, measured
in this one run (the ratio of a linear check stays near 1, a quadratic one grows with the size):
PASS when it is at most 2.

* JW301 and JW315 with N products (100 … 30,000) through full validation, ``ijw.validate``
  (safe parse, XSD, every rule). Each product has its own period, so the messages are valid.
* Bepalingen with N list items (10 … 100,000): ``Bepaling.load`` of a JSON file with N
  evaluatiemomenten and of a YAML file with N hulp lines (both past their domain bound, so they
  must be refused at once whatever N is); ``Bepaling.model_validate`` of N evaluatiemomenten
  (dates) and of N keys that are no field (each one a problem, capped in the listing).

A size whose time, extrapolated from the two sizes before it, would exceed ``--budget`` seconds
is not run; the series then FAILs with the growth measured so far. The small sizes are timed
best of several runs after a warm-up, so fixed costs do not hide the per-item cost. Print the
machine's load with the result: others may share the cores. ``--skip-rules`` leaves rules out of
the message series (a diagnosis: is the rest linear?); the verdicts then say so.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import ijw_gateway as ijw  # noqa: E402
from ijw_gateway.errors import BepalingError  # noqa: E402
from ijw_gateway.tussentaal.bepaling import Bepaling  # noqa: E402

TODAY = date(2026, 11, 23)
FIRST = date(2026, 1, 5)
MAX_RATIO = 2.0
BEPALING = ROOT / "examples" / "bepalingen" / "02-centraal-gelderland-arnhem-315.yaml"


# --------------------------------------------------------------------------- inputs
def _message(example: str, container: str, product: str, count: int, fill: Callable[[str, int], str]) -> bytes:
    """The example message with its one product replaced by ``count`` products made by ``fill``."""
    text = (ROOT / "examples" / "berichten" / example).read_text(encoding="utf-8")
    start = text.index(f"<{product}>")
    end = text.index(f"</{product}>") + len(f"</{product}>")
    indent = text[text.rindex("\n", 0, start) + 1:start]
    block = text[start:end]
    products = f"\n{indent}".join(fill(block, i) for i in range(count))
    head, tail = text[:start], text[end:]
    assert container in head
    return (head + products + tail).replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def _period(i: int) -> tuple[str, str]:
    """Product ``i``'s own week (products of the same code must not overlap: TR302/TR386)."""
    start = FIRST + timedelta(weeks=i)
    return start.isoformat(), (start + timedelta(days=6)).isoformat()


def jw301(count: int) -> bytes:
    def fill(block: str, i: int) -> str:
        start, end = _period(i)
        return (block.replace("<jw301:ToewijzingNummer>202600001<", f"<jw301:ToewijzingNummer>{202600001 + i}<")
                .replace("<jw301:Ingangsdatum>2026-04-27<", f"<jw301:Ingangsdatum>{start}<")
                .replace("<jw301:Einddatum>2026-10-26<", f"<jw301:Einddatum>{end}<"))

    return _message("jw301-toewijzing.xml", "ToegewezenProducten", "jw301:ToegewezenProduct", count, fill)


def jw315(count: int) -> bytes:
    def fill(block: str, i: int) -> str:
        start, end = _period(i)
        return (block.replace(">GI-2026-000123-1<", f">GI-2026-000123-{i + 1}<")
                .replace("<jw315:ToewijzingIngangsdatum>2026-04-27<", f"<jw315:ToewijzingIngangsdatum>{start}<")
                .replace("<jw315:ToewijzingEinddatum>2026-10-26<", f"<jw315:ToewijzingEinddatum>{end}<"))

    return _message("jw315-verzoek-om-toewijzing.xml", "AangevraagdeProducten", "jw315:AangevraagdProduct",
                    count, fill)


def _base() -> dict[str, Any]:
    return json.loads(json.dumps(yaml.safe_load(BEPALING.read_text(encoding="utf-8")), default=str))


# --------------------------------------------------------------------------- measuring
class Series:
    def __init__(self, name: str, unit: str, sizes: list[int], prepare: Callable[[int], Any],
                 measure: Callable[[Any], None]) -> None:
        self.name, self.unit, self.sizes = name, unit, sizes
        self.prepare, self.measure = prepare, measure

    def run(self, budget: float) -> tuple[bool, str]:
        print(f"\n{self.name}")
        per_item: dict[int, float] = {}
        seconds: dict[int, float] = {}
        skipped = None
        self.measure(self.prepare(self.sizes[0]))  # warm-up: caches, schemas, imports
        for size in self.sizes:
            if len(seconds) >= 2:
                (n1, t1), (n2, t2) = list(seconds.items())[-2:]
                growth = max(1.0, math.log(max(t2, 1e-9) / max(t1, 1e-9)) / math.log(n2 / n1))
                predicted = t2 * (size / n2) ** growth
                if predicted > budget:
                    skipped = (size, predicted, growth)
                    break
            item = self.prepare(size)
            repeats = max(3, min(7, 2000 // size))  # best of several: others share the cores
            best, spent = math.inf, 0.0
            for _ in range(repeats):
                gc.collect()  # the garbage of the size before is not this size's cost
                started = time.perf_counter()
                self.measure(item)
                took = time.perf_counter() - started
                best, spent = min(best, took), spent + took
                if spent > 10:  # a slow size is its own evidence; repeat the quick ones against noise
                    break
            seconds[size], per_item[size] = best, best / size
            print(f"  {size:>7,} {self.unit:<9} {best:8.3f} s  {per_item[size] * 1e6:9.1f} µs per {self.unit[:-1]}")
        smallest, largest = min(per_item), max(per_item)
        ratio = per_item[largest] / per_item[smallest]
        growth = ""
        if len(seconds) >= 2:
            (n1, t1), (n2, t2) = list(seconds.items())[-2:]
            slope = math.log(max(t2, 1e-6) / max(t1, 1e-6)) / math.log(n2 / n1)  # ≈1 linear, ≈2 quadratic
            growth = f"; time grows as n^{slope:.1f} from {n1:,} to {n2:,}"
        if skipped is not None:
            size, predicted, growth = skipped
            verdict = (f"FAIL  {self.name}: {size:,} {self.unit} not run (extrapolated {predicted:,.0f} s, time grows "
                       f"as n^{growth:.1f}); per item {ratio:.2f}× at {largest:,} vs {smallest:,}")
            print(f"  {verdict}")
            return False, verdict
        passed = ratio <= MAX_RATIO
        verdict = (f"{'PASS' if passed else 'FAIL'}  {self.name}: time per item at {largest:,} is {ratio:.2f}× that "
                   f"at {smallest:,} (target ≤ {MAX_RATIO:g}×){growth}")
        print(f"  {verdict}")
        return passed, verdict


def _validate(data: bytes) -> None:
    report = ijw.validate(data, today=TODAY)
    errors = [f for f in report.findings if f.severity == "error"]
    assert not errors, errors[:3]


def _refused(load: Callable[[], Any]) -> None:
    try:
        load()
    except BepalingError:
        return
    raise AssertionError("the bepaling was accepted")


def _skip_rules(codes: set[str]) -> None:
    """Leave the rules ``codes`` out of every message type's rule layer, for this process."""
    from ijw_gateway.messages.registry import BERICHTTYPEN
    from ijw_gateway.validation.rules import registry

    for naam in BERICHTTYPEN:
        registry._IMPLEMENTED[naam] = [r for r in registry.implemented_for(naam) if r.code not in codes]


def _sizes(smallest: int, largest: int) -> list[int]:
    """1-3-10 steps from ``smallest`` up to ``largest``: 100, 300, 1,000, …"""
    sizes, size = [], smallest
    while size < largest:
        sizes.append(size)
        size = size * 3 if str(size)[0] == "1" else size * 10 // 3
    return [*sizes, largest]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-products", type=int, default=30_000)
    parser.add_argument("--max-items", type=int, default=100_000)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds one measurement may take at most")
    parser.add_argument("--skip-rules", default="", help="rule codes to leave out, e.g. TR302,TR386")
    args = parser.parse_args()
    skipped = {code.strip() for code in args.skip_rules.split(",") if code.strip()}
    if skipped:
        _skip_rules(skipped)
    print(f"scaling benchmark; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    products = _sizes(100, args.max_products)
    items = _sizes(10, args.max_items)
    tmp = Path(tempfile.mkdtemp(prefix="ijw-scaling-"))

    def json_bepaling(n: int) -> Path:
        data = _base()
        data["hulp"][0]["evaluatiemomenten"] = [0] * n  # short items: 100,000 of them fit in the 1 MiB limit
        path = tmp / f"evaluatiemomenten-{n}.json"
        path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        return path

    def yaml_bepaling(n: int) -> Path:
        text = BEPALING.read_text(encoding="utf-8")
        text = text[:text.index("hulp:")] + "hulp: [" + ", ".join(["0"] * n) + "]\n"
        path = tmp / f"hulp-{n}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def momenten(n: int) -> dict[str, Any]:
        data = _base()
        data["hulp"][0]["evaluatiemomenten"] = [(FIRST + timedelta(days=i % 3000)).isoformat() for i in range(n)]
        return data

    def keys(n: int) -> dict[str, Any]:
        return _base() | {f"veld{i}": i for i in range(n)}

    without = f" without {', '.join(sorted(skipped))}" if skipped else ""
    series = [
        Series(f"JW301 with N ToegewezenProducten, ijw.validate{without}", "products", products, jw301, _validate),
        Series(f"JW315 with N AangevraagdProducten, ijw.validate{without}", "products", products, jw315, _validate),
        Series("bepaling JSON with N evaluatiemomenten, Bepaling.load", "items", items, json_bepaling,
               lambda p: _refused(lambda: Bepaling.load(p))),
        Series("bepaling YAML with N hulp lines, Bepaling.load", "items", items, yaml_bepaling,
               lambda p: _refused(lambda: Bepaling.load(p))),
        Series("N evaluatiemomenten, Bepaling.model_validate", "items", items, momenten,
               lambda d: _refused(lambda: Bepaling.model_validate(d))),
        Series("N keys that are no field, Bepaling.model_validate", "items", items, keys,
               lambda d: _refused(lambda: Bepaling.model_validate(d))),
    ]
    verdicts = [s.run(args.budget) for s in series]
    print("\nsummary")
    for _, verdict in verdicts:
        print(f"  {verdict}")
    return 0 if all(ok for ok, _ in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
