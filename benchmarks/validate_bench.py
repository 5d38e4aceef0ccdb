"""Batch validation benchmark: ratios against a baseline measured in the same run.

    python benchmarks/validate_bench.py [--messages 20000] [--memory-messages 100000]

(a) baseline: bare lxml parse + official-XSD validation per message, one process;
(b) our full validation (safe parse, XSD, all rules) with 1 worker;
(c) the same with 2 workers;
(d) xmlschema-only validation on a sample.
Then the peak memory of ``ijw validate`` over a batch of --memory-messages files.
Targets (issues 3 and 12): (b)/(a) >= 0.5, (c)/(b) >= 1.7 on 2 cores, peak memory < 300 MB.
The official XSDs are looked up in ../shared/reference (or IJW_REFERENCE).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ijw_gateway as ijw  # noqa: E402
from ijw_gateway.messages.registry import BY_NAMESPACE  # noqa: E402
from ijw_gateway.validation.batch import BatchOptions, discover, run  # noqa: E402

REFERENCE = Path(os.environ.get("IJW_REFERENCE", ROOT.parent / "shared" / "reference"))
TODAY = date(2026, 11, 23)


def write_corpus(directory: Path, count: int) -> list[Path]:
    """``count`` distinct, valid messages of every type we have an example of (JW301 … JW325), built from
    the examples with varied values."""
    bases = [ijw.parse(path.read_bytes()) for path in sorted((ROOT / "examples" / "berichten").glob("jw*.xml"))]
    paths = []
    for i in range(count):
        message = bases[i % len(bases)].model_copy(deep=True)
        message.Header.BerichtIdentificatie.Identificatie = f"B{i:011}"
        path = directory / f"m{i:06}.xml"
        path.write_bytes(ijw.to_xml(message))
        paths.append(path)
    return paths


def baseline(paths: list[Path]) -> float:
    schemas = {uri: etree.XMLSchema(etree.parse(str(REFERENCE / "ijw-3.2" / "xsd" / f"{t.naam}.xsd")))
               for uri, t in BY_NAMESPACE.items()}
    started = time.perf_counter()
    for path in paths:
        tree = etree.fromstring(path.read_bytes()).getroottree()
        assert schemas[etree.QName(tree.getroot()).namespace].validate(tree)
    return len(paths) / (time.perf_counter() - started)


def ours(paths: list[Path], workers: int) -> float:
    sources = discover([str(p) for p in paths])
    started = time.perf_counter()
    reports = run(sources, BatchOptions(today=TODAY), workers=workers)
    invalid = sum(not r.valid for r in reports)
    assert invalid == 0, f"{invalid} messages invalid"
    return len(paths) / (time.perf_counter() - started)


def xmlschema_only(paths: list[Path]) -> float:
    import xmlschema

    schemas: dict[str, xmlschema.XMLSchema] = {}
    started = time.perf_counter()
    for path in paths:
        data = path.read_text(encoding="utf-8")
        name = next(t.naam for t in BY_NAMESPACE.values() if f"{t.naam.lower()}:Bericht" in data[:400])
        if name not in schemas:  # compiled on first use, outside the timing's spirit but once per type
            schemas[name] = xmlschema.XMLSchema(str(REFERENCE / "ijw-3.2" / "xsd" / f"{name}.xsd"))
        schemas[name].validate(data)
    return len(paths) / (time.perf_counter() - started)


def _tree_memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in bytes of a process and its descendants, from /proc.

    PSS divides pages shared between the forked workers among them, so the sum is the
    memory the batch really holds; summed RSS counts shared pages once per process.
    """
    pss = rss = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text().splitlines()
            pss += int(next(line.split()[1] for line in rollup if line.startswith("Pss:"))) * 1024
            rss += int(next(line.split()[1] for line in rollup if line.startswith("Rss:"))) * 1024
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        pending.extend(int(c) for c in children)
    return pss, rss


def peak_memory(directory: Path) -> tuple[int, int, float]:
    command = [sys.executable, "-m", "ijw_gateway.cli", "validate", str(directory), "--format", "json",
               "--output", os.devnull, "--no-progress", "--today", TODAY.isoformat()]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    peak_pss = peak_rss = 0

    def sample() -> None:
        nonlocal peak_pss, peak_rss
        while process.poll() is None:
            pss, rss = _tree_memory(process.pid)
            peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    sampler.join()
    return peak_pss, peak_rss, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--memory-messages", type=int, default=100_000)
    parser.add_argument("--xmlschema-sample", type=int, default=300)
    args = parser.parse_args()
    if not (REFERENCE / "ijw-3.2" / "xsd").is_dir():
        sys.exit(f"the official XSDs are needed as the baseline: not found under {REFERENCE}")

    with tempfile.TemporaryDirectory(prefix="ijw-bench-") as tmp:
        corpus = write_corpus(Path(tmp), args.messages)
        print(f"corpus: {len(corpus)} messages of every type with an example, "
              f"{sum(p.stat().st_size for p in corpus):,} bytes")
        a = baseline(corpus)
        b = ours(corpus, 1)
        c = ours(corpus, 2)
        d = xmlschema_only(corpus[: args.xmlschema_sample])
        print(f"(a) lxml parse + official XSD, 1 process : {a:9.0f} messages/s")
        print(f"(b) ijw full validation, 1 worker         : {b:9.0f} messages/s   (b)/(a) = {b / a:.2f}  target >= 0.5")
        print(f"(c) ijw full validation, 2 workers        : {c:9.0f} messages/s   (c)/(b) = {c / b:.2f}  target >= 1.7")
        sample = f"sample of {args.xmlschema_sample}"
        print(f"(d) xmlschema only, {sample:<21}: {d:9.0f} messages/s   (d)/(a) = {d / a:.3f}")

    if args.memory_messages:
        with tempfile.TemporaryDirectory(prefix="ijw-bench-mem-") as tmp:
            write_corpus(Path(tmp), args.memory_messages)
            pss, rss, seconds = peak_memory(Path(tmp))
            print(f"peak memory of `ijw validate` over {args.memory_messages} files, all processes: "
                  f"{pss / 2**20:.0f} MB PSS ({rss / 2**20:.0f} MB summed RSS) in {seconds:.0f} s   target < 300 MB")


if __name__ == "__main__":
    main()
