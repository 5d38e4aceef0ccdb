"""One generic bepaling reaches every region (issue 15): the nine core zorgvormen at "2 uur per week"
(verblijf "7 etmalen per week", dagbehandeling "4 dagdelen per week") for six months maps and builds
valid JW301s and JW315s for a gemeente in each of the seven regions; every conversion by a contract's
rule and every split is shown by ``ijw map`` (text and JSON); ``--all-regions`` shows them side by side;
the gemeente assigns every product it is asked for; the ledger links every part to the case."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.ledger.ledger import Ledger
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.tussentaal import REGIOS, Bepaling, default_catalog
from ijw_gateway.tussentaal.besluit import besluit
from ijw_gateway.tussentaal.mapping import Toewijzing, map_bepaling
from ijw_gateway.tussentaal.zorgvormen import KERN_ZORGVORMEN
from ijw_gateway.workflows.build import build

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "bepalingen" / "11-rivierenland-culemborg-315.yaml"
RAW = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
CATALOG = default_catalog()
GEMEENTE = {regio: min(g for g, v in CATALOG.gemeenten.items() if v.regio == regio) for regio in REGIOS}
DAGTEKENING = date(2026, 4, 13)


def bepaling(regio: str, route: str) -> Bepaling:
    return Bepaling.model_validate(copy.deepcopy(RAW) | {"gemeente": GEMEENTE[regio], "route": route})


def test_the_example_is_the_issues_bepaling() -> None:
    b = Bepaling.model_validate(RAW)
    assert [h.zorgvorm for h in b.hulp] == list(KERN_ZORGVORMEN)
    omvang = {h.zorgvorm: (h.omvang.volume, h.omvang.eenheid, h.omvang.frequentie) for h in b.hulp}
    assert omvang["DAGBEH-SPEC"] == (4, "dagdeel", "week")
    for zorgvorm in ("PLEEGZORG", "GEZINSHUIS", "VERBLIJF-BEH", "CRISIS-VERBLIJF"):
        assert omvang[zorgvorm] == (7, "etmaal", "week")
    assert {omvang[z] for z in ("AMB-REG-IND", "AMB-SPEC-IND", "AMB-SPEC-GEZIN", "DIAGNOSTIEK")} == {(2, "uur", "week")}
    assert {h.duur for h in b.hulp} == {"P6M"}


@pytest.mark.parametrize("regio", REGIOS)
@pytest.mark.parametrize("route", ["301", "315"])
def test_the_nine_core_zorgvormen_build_in_every_region(official, regio: str, route: str) -> None:
    b = bepaling(regio, route)
    mapping = map_bepaling(b)
    assert mapping.buildable, mapping.as_json()
    messages = build(b, dagtekening=DAGTEKENING)
    naam = "JW301" if route == "301" else "JW315"
    products = []
    for message in messages:
        assert berichttype_of(message).naam == naam
        data = ijw.to_xml(message)
        assert official.accepts(naam, data) and ijw.validate(data).valid
        products += (message.Client.ToegewezenProducten.ToegewezenProduct if route == "301"
                     else message.Client.AangevraagdeProducten.AangevraagdProduct)
    # one product per toewijzing: the split lines as consecutive ones, each with its own number or reference
    lines = [line for line in mapping.lines if isinstance(line, Toewijzing)]
    assert len(products) == sum(len(line.perioden) for line in lines)
    keys = [p.ToewijzingNummer if route == "301" else p.ReferentieAanbieder for p in products]
    assert len(set(keys)) == len(keys)
    assert sorted((p.ToewijzingIngangsdatum if route == "315" else p.Ingangsdatum, p.Omvang.Volume)
                  for p in products) == sorted((q.ingangsdatum, q.volume) for line in lines for q in line.perioden)
    if route == "315":  # the gemeente assigns everything it is asked for: the requests fit its contract
        answers = [a for m in messages for a in besluit(m, date(2026, 4, 14))]
        assert {berichttype_of(a).naam for a in answers} == {"JW301"}
        assigned = [p for a in answers for p in a.Client.ToegewezenProducten.ToegewezenProduct]
        assert sorted(p.ReferentieAanbieder for p in assigned) == sorted(keys)


def test_every_region_converts_or_splits_something_and_says_how() -> None:
    conversions = {}
    for regio in REGIOS:
        mapping = map_bepaling(bepaling(regio, "315"))
        by_rule = [line for line in mapping.lines if not line.omrekening.exact]
        split = [line for line in mapping.lines if line.splitsing is not None]
        assert split, regio  # crisis verblijf (at most 4 or 6 weeks), diagnostiek (3 or 4 months)
        conversions[regio] = {line.zorgvorm: line.omrekening.regel for line in by_rule}
    assert conversions["Rivierenland"]["AMB-REG-IND"] == "52/12 weken per maand, naar boven afgerond"
    assert conversions["Rivierenland"]["PLEEGZORG"] == "52/12 weken per maand, naar boven afgerond"  # 31 a month
    assert conversions["Noord-Veluwe"]["AMB-SPEC-GEZIN"] == "52/12 weken per maand, naar boven afgerond"
    assert "naar beneden afgerond" in conversions["FoodValley"]["DIAGNOSTIEK"]  # minutes, rounded down
    assert "vervolgtraject" in conversions["Midden-IJssel/Oost-Veluwe"]["DIAGNOSTIEK"]


def test_map_shows_every_conversion_and_split_in_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", str(EXAMPLE)]) == 0
    text = capsys.readouterr().out
    assert main(["map", str(EXAMPLE), "--format", "json"]) == 0
    lines = json.loads(capsys.readouterr().out)["lines"]
    assert "eenheid 04 per frequentie" not in text and "× eenheid" not in text  # words, codes in parentheses
    assert "2 uur per week → 9 uur per maand (eenheid 04, frequentie 4; 52/12 weken per maand, naar boven " \
           "afgerond)" in text
    assert "split into 7 consecutive toewijzingen of at most P4W" in text
    assert "2026-07-15–2026-10-14  27 uur in totaal (92 dagen = 13 1/7 weken, naar boven afgerond)" in text
    for line in lines:
        assert line["omrekening"]["tekst"] in text
        assert set(line["omrekening"]) == {"origineel", "omgerekend", "exact", "regel", "tekst"}
        if line["splitsing"]:
            assert line["splitsing"]["tekst"] in text
            for part in line["perioden"]:
                assert f"{part['ingangsdatum']}–{part['einddatum']}" in text
    diagnostiek = next(line for line in lines if line["zorgvorm"] == "DIAGNOSTIEK")
    assert diagnostiek["omrekening"]["origineel"] == {"volume": 2, "eenheid": "uur", "frequentie": "week"}
    assert diagnostiek["omrekening"]["omgerekend"] == {"volume": 53, "eenheid": "04", "frequentie": "6"}
    assert [p["volume"] for p in diagnostiek["perioden"]] == [26, 27]


def test_map_all_regions_side_by_side(tmp_path: Path) -> None:
    """The real ``ijw`` in a subprocess, text and JSON."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IJW_")}

    def ijw_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ijw_gateway.cli", *args], capture_output=True, text=True,
                              timeout=60, env=env)

    done = ijw_cli("map", str(EXAMPLE), "--all-regions", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["gemeente"], result["regio"]) == ("0216", "Rivierenland")
    assert [r["regio"] for r in result["regios"]] == list(REGIOS)
    for region in result["regios"]:
        assert region["ok"] and region["buildable"] and len(region["lines"]) == 9
        assert region["eigen_regio"] == (region["regio"] == "Rivierenland")
        for line in region["lines"]:
            assert line["regio"] == region["regio"]
            assert line["gemeente"] == ("0216" if region["eigen_regio"] else None)
            assert {"productcode", "eenheid", "frequentie", "volume", "omrekening", "splitsing",
                    "gecontracteerde_aanbieders"} <= set(line)
    text = ijw_cli("map", str(EXAMPLE), "--all-regions")
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert out.count("line 1 AMB-REG-IND") == 1 and all(regio in out for regio in REGIOS)
    assert "Rivierenland *" in out and "* the region of gemeente 0216" in out
    assert "Noord-Veluwe               45/45A48  9 uur per maand (eenheid 04, frequentie 4; 52/12 weken per maand, " \
           "naar boven afgerond)" in out
    assert "1 traject in each of 2 toewijzingen" in out  # Midden-IJssel/Oost-Veluwe and Noord-Veluwe diagnostiek

    # a bepaling that one region cannot take: the reason in that region's row, exit 1
    source = ROOT / "examples" / "bepalingen" / "10-fout-rijk-van-nijmegen-logeren.yaml"
    done = ijw_cli("map", str(source), "--all-regions")
    assert done.returncode == 1, done.stderr
    assert re.search(r"\n  Rijk van Nijmegen \* +cannot be mapped: contract Rijk van Nijmegen 2026 does not buy "
                     r"zorgvorm LOGEREN", done.stdout)
    assert "Achterhoek                 44/JH114  4 etmalen per maand" in done.stdout


def test_the_ledger_links_every_part_to_the_case(tmp_path: Path) -> None:
    for route in ("315", "301"):
        b = Bepaling.model_validate(copy.deepcopy(RAW) | {"route": route, "kenmerk": f"WSS-2026-90{route}"})
        with Ledger(f"sqlite:///{tmp_path / f'ledger-{route}.db'}", key="k" * 32) as ledger:
            messages = build(b, dagtekening=DAGTEKENING, toewijzingnummer=ledger.toewijzingnummer)
            results = ledger.record_messages([(m, "sent") for m in messages], bepaling=b)
            assert {r.status for r in results} == {"recorded"} and {r.case for r in results} == {b.kenmerk}
            (facts,) = ledger.facts(b.kenmerk)
        products = [p for m in messages for p in (m.Client.AangevraagdeProducten.AangevraagdProduct if route == "315"
                                                  else m.Client.ToegewezenProducten.ToegewezenProduct)]
        refs = {str(p.ReferentieAanbieder if route == "315" else p.ToewijzingNummer) for p in products}
        linked = {ref for fact in facts.messages for ref in fact.producten}
        assert refs <= linked and len(refs) == len(products) == 16
        if route == "315":
            assert {f"WSS-2026-90315-9-{deel}" for deel in range(1, 8)} <= linked  # crisis verblijf in 7 parts
