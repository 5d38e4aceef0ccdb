"""Declaration benchmark: the cost of the JW323/JW325 rules, as ratios against a baseline in the same run.

    python benchmarks/declaratie_bench.py [--repeat 2000] [--sizes 1000,5000,20000]

(a) the clean example messages (examples/berichten/jw323-declaratie.xml, jw325-declaratie-antwoord.xml):
    ``validator.check`` (safe parse, OP192, XSD, every rule) against bare lxml parse + the official
    XSD, per message type. Target (issue 3): ours/baseline >= 0.5 in throughput.
(b) one JW323 of N prestaties (10 per client), valid: the time of ``check`` per prestatie should stay
    flat as N grows (linear), and its ratio to the baseline at each size;
(c) the same JW323 of the largest size where every prestatie breaks a rule (CD087), and where every
    prestatie repeats one ReferentieNummer (TR101/TR314): findings and time, which must stay linear too.
The official XSDs are looked up in ../shared/reference (or IJW_REFERENCE).
"""

import argparse
import copy
import os
import sys
import time
from datetime import date
from pathlib import Path

from lxml import etree
from stdnum.nl import bsn as stdnum_bsn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ijw_gateway.validation.validator import ValidationContext, check  # noqa: E402

REFERENCE = Path(os.environ.get("IJW_REFERENCE", ROOT.parent / "shared" / "reference"))
EXAMPLES = ROOT / "examples" / "berichten"
TODAY = date(2026, 11, 23)
NS = {"m": "http://www.istandaarden.nl/ijw/3_2/jw323/schema",
      "ijw": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"}


def official(bericht: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(REFERENCE / "ijw-3.2" / "xsd" / f"{bericht}.xsd")))


def rate_baseline(data: bytes, schema: etree.XMLSchema, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        assert schema.validate(etree.fromstring(data).getroottree())
    return repeat / (time.perf_counter() - started)


def rate_ours(data: bytes, context: ValidationContext, repeat: int, expect_valid: bool = True) -> tuple[float, int]:
    started = time.perf_counter()
    findings = 0
    for _ in range(repeat):
        checked = check(data, context)
        assert checked.valid is expect_valid, [f.message for f in checked.report.findings][:3]
        findings = len(checked.report.findings)
    return repeat / (time.perf_counter() - started), findings


def large_jw323(prestaties: int, per_client: int = 10, breaking: str | None = None) -> bytes:
    """The example JW323 grown to ``prestaties`` debet prestaties of 45A53, ``per_client`` to a client."""
    root = etree.parse(str(EXAMPLES / "jw323-declaratie.xml")).getroot()
    clienten = root.find("m:Declaratie/m:Clienten", NS)
    template = copy.deepcopy(clienten.find("m:Client", NS))
    prestatie = copy.deepcopy(template.find("m:Prestaties/m:Prestatie", NS))
    for child in list(clienten):
        clienten.remove(child)
    bsns = (f"9999{i:05}" for i in range(100_000) if stdnum_bsn.is_valid(f"9999{i:05}"))
    total = 0
    for index in range(prestaties):
        if index % per_client == 0:
            client = copy.deepcopy(template)
            client.find("m:Bsn", NS).text = next(bsns)
            container = client.find("m:Prestaties", NS)
            for child in list(container):
                container.remove(child)
            clienten.append(client)
        item = copy.deepcopy(prestatie)
        item.find("m:ProductReferentie/ijw:ReferentieNummer", NS).text = "R1" if breaking == "TR101" else f"R{index}"
        item.find("m:ToewijzingNummer", NS).text = str(100_000 + index)
        if breaking == "CD087":
            item.remove(item.find("m:ProductTarief", NS))
        container.append(item)
        total += int(item.find("m:IngediendBedrag/ijw:Bedrag", NS).text)
    root.find("m:Declaratie/m:TotaalIngediendBedrag/ijw:TotaalBedrag", NS).text = str(total)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").replace(b"\n", b"\r\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2000, help="checks of each clean example")
    parser.add_argument("--sizes", default="1000,5000,20000", help="prestaties in the large JW323s")
    args = parser.parse_args()
    if not (REFERENCE / "ijw-3.2" / "xsd").is_dir():
        sys.exit(f"the official XSDs are needed as the baseline: not found under {REFERENCE}")
    context = ValidationContext(today=TODAY)
    print(f"load: {os.getloadavg()[0]:.1f}")

    for bericht, name in (("JW323", "jw323-declaratie.xml"), ("JW325", "jw325-declaratie-antwoord.xml")):
        data = (EXAMPLES / name).read_bytes()
        schema = official(bericht)
        check(data, context)  # compile schemas and rules outside the measurement
        a = rate_baseline(data, schema, args.repeat)
        b, _ = rate_ours(data, context, args.repeat)
        print(f"(a) {bericht} clean example: baseline {a:7.0f}/s, check() {b:7.0f}/s   ratio {b / a:.2f}  "
              "target >= 0.5")

    schema = official("JW323")
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        data = large_jw323(size)
        repeat = max(1, 20_000 // size)
        a = rate_baseline(data, schema, repeat)
        b, _ = rate_ours(data, context, repeat)
        print(f"(b) JW323 of {size:6} prestaties ({len(data) / 2**20:5.1f} MB): check() {1e6 / b / size:5.1f} µs per "
              f"prestatie, baseline {1e6 / a / size:5.1f}   ratio {b / a:.2f}")

    for rule in ("CD087", "TR101"):
        data = large_jw323(sizes[-1], breaking=rule)
        b, findings = rate_ours(data, context, 1, expect_valid=False)
        print(f"(c) JW323 of {sizes[-1]} prestaties, each breaking {rule}: {findings} findings in {1 / b:.2f} s "
              f"({1e6 / b / sizes[-1]:.0f} µs per prestatie)")


if __name__ == "__main__":
    main()
