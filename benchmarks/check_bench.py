"""Full validation of one message type against a baseline measured in the same run.

    python benchmarks/check_bench.py [--types JW305,JW307,JW317] [--messages 3000] [--rounds 5] [--scale 20]

As ``validate_bench.py`` does, per type on the same files: (a) baseline: read, bare lxml
parse and official-XSD validation of each message; (b) ``ijw validate``'s batch (safe read,
safe parse, transport rules, XSD, every rule of controleniveau 2 and 4), 1 worker. The two
alternate for ``--rounds`` rounds and the best round of each counts (others share the cores).
Target: (b)/(a) >= 0.5 (issue 3). Then the growth check: a message with ``--scale`` products
and one with 100 times as many; linear checks take about 100 times as long, a quadratic one
10,000 times. The messages are the clean examples under examples/berichten; the official
XSDs are looked up in ../shared/reference (or IJW_REFERENCE).
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ijw_gateway as ijw  # noqa: E402
from ijw_gateway.messages.xsd import IjwModel  # noqa: E402
from ijw_gateway.validation.batch import BatchOptions, Source, discover, run  # noqa: E402
from ijw_gateway.validation.validator import ValidationContext, check  # noqa: E402

REFERENCE = Path(os.environ.get("IJW_REFERENCE", ROOT.parent / "shared" / "reference"))
TODAY = date(2026, 11, 23)
EXAMPLES = {
    "JW301": "jw301-toewijzing.xml", "JW305": "jw305-start-zorg.xml", "JW307": "jw307-stop-zorg.xml",
    "JW315": "jw315-verzoek-om-toewijzing.xml", "JW317": "jw317-verzoek-om-wijziging.xml",
    "JW319": "jw319-antwoord-geen-contract.xml",
}


def clean(bericht: str) -> IjwModel:
    return ijw.parse((ROOT / "examples" / "berichten" / EXAMPLES[bericht]).read_bytes())


def corpus(bericht: str, count: int, directory: Path) -> list[Path]:
    """``count`` distinct message files: the clean example with another Identificatie each."""
    base = clean(bericht)
    paths = []
    for i in range(count):
        message = base.model_copy(deep=True)
        message.Header.BerichtIdentificatie.Identificatie = f"B{i:011}"  # type: ignore[attr-defined]
        path = directory / f"{bericht}-{i:06}.xml"
        path.write_bytes(ijw.to_xml(message))
        paths.append(path)
    return paths


def baseline(schema: etree.XMLSchema, paths: list[Path]) -> float:
    started = time.perf_counter()
    for path in paths:
        assert schema.validate(etree.fromstring(path.read_bytes()).getroottree())
    return len(paths) / (time.perf_counter() - started)


def ours(sources: list[Source]) -> float:
    started = time.perf_counter()
    invalid = sum(not report.valid for report in run(sources, BatchOptions(today=TODAY), workers=1))
    assert invalid == 0, f"{invalid} messages invalid"
    return len(sources) / (time.perf_counter() - started)


def _many(bericht: str, count: int) -> bytes:
    """A valid message of ``bericht`` with ``count`` products (distinct keys, periods that do not overlap)."""
    message = clean(bericht)
    start = date(2026, 10, 1)
    if bericht in ("JW305", "JW307"):
        products = (message.Client.StartProducten.StartProduct if bericht == "JW305"  # type: ignore[attr-defined]
                    else message.Client.StopProducten.StopProduct)  # type: ignore[attr-defined]
        products[:] = [products[i % 2].model_copy(update={"ToewijzingNummer": 300_000_000 + i}) for i in range(count)]
    elif bericht == "JW317":
        products = message.Client.Verzoek.NieuweProducten.NieuwProduct  # type: ignore[attr-defined]
        products[:] = [products[0].model_copy(update={"GewensteIngangsdatum": start + timedelta(days=2 * i),
                                                      "Einddatum": start + timedelta(days=2 * i + 1)})
                       for i in range(count)]
    else:
        raise SystemExit(f"--scale knows JW305, JW307 and JW317, not {bericht}")
    return ijw.to_xml(type(message).model_validate(message.model_dump()))


def seconds_per_check(data: bytes, repeat: int) -> float:
    context = ValidationContext(today=TODAY)
    assert check(data, context).valid
    started = time.perf_counter()
    for _ in range(repeat):
        check(data, context)
    return (time.perf_counter() - started) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--types", default="JW305,JW307,JW317")
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=int, default=20, help="products in the small message of the growth check")
    args = parser.parse_args()
    if not (REFERENCE / "ijw-3.2" / "xsd").is_dir():
        sys.exit(f"the official XSDs are needed as the baseline: not found under {REFERENCE}")
    types = [t.strip().upper() for t in args.types.split(",") if t.strip()]
    unknown = [t for t in types if t not in EXAMPLES]
    if unknown:
        sys.exit(f"--types {','.join(unknown)}: expected some of {', '.join(EXAMPLES)}")

    print(f"load: {os.getloadavg()[0]:.2f} (1 min); best of {args.rounds} alternating rounds")
    for bericht in types:
        with tempfile.TemporaryDirectory(prefix="ijw-check-bench-") as tmp:
            paths = corpus(bericht, args.messages, Path(tmp))
            schema = etree.XMLSchema(etree.parse(str(REFERENCE / "ijw-3.2" / "xsd" / f"{bericht}.xsd")))
            sources = discover([str(p) for p in paths])
            ours(sources[:50])  # compile our schema and the gate, load the reference data: outside the rounds
            a = b = 0.0
            for _ in range(args.rounds):
                a, b = max(a, baseline(schema, paths)), max(b, ours(sources))
        print(f"{bericht}: (a) read + lxml parse + official XSD {a:7.0f}/s   (b) ijw validate, 1 worker {b:7.0f}/s"
              f"   (b)/(a) = {b / a:.2f}  target >= 0.5")
    for bericht in types:
        if bericht not in ("JW305", "JW307", "JW317"):
            continue
        small, large = _many(bericht, args.scale), _many(bericht, 100 * args.scale)
        t_small, t_large = seconds_per_check(small, 200), seconds_per_check(large, 5)
        print(f"{bericht}: {args.scale} products {t_small * 1e3:7.2f} ms, {100 * args.scale} products "
              f"{t_large * 1e3:8.2f} ms: {t_large / t_small:.0f}x for 100x the size (linear ~100, quadratic ~10000)")


if __name__ == "__main__":
    main()
