"""The gemeente's decision on a JW315: JW301 when the contract allows it, otherwise a JW319 with the reason."""

from datetime import date
from pathlib import Path

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.tussentaal import Bepaling
from ijw_gateway.tussentaal.besluit import besluit
from ijw_gateway.workflows.build import build

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "bepalingen"
DAG = date(2026, 4, 21)


def _verzoek() -> ijw.JW315:
    (message,) = build(Bepaling.load(EXAMPLES / "02-centraal-gelderland-arnhem-315.yaml"), dagtekening=DAG)
    return message


def test_an_allowed_request_is_answered_with_a_jw301_honouring_it(official) -> None:
    (toewijzing,) = besluit(_verzoek(), DAG)
    assert isinstance(toewijzing, ijw.JW301)
    product = toewijzing.Client.ToegewezenProducten.ToegewezenProduct[0]
    assert product.ReferentieAanbieder == "GI-2026-000123-1"
    assert toewijzing.Header.Afzender == "0202" and toewijzing.Header.Ontvanger == "42420001"
    data = ijw.to_xml(toewijzing)
    assert official.accepts("JW301", data) and ijw.validate(data).valid


def test_a_provider_without_contract_gets_a_jw319_reden_3(official) -> None:
    verzoek = _verzoek()
    verzoek.Header.Afzender = "42429999"
    (antwoord,) = besluit(verzoek, DAG)
    assert isinstance(antwoord, ijw.JW319)
    assert (antwoord.Antwoord.VerzoekAntwoord, antwoord.Antwoord.RedenAfwijzingVerzoek) == ("1", "3")
    assert antwoord.Antwoord.ReferentieAanbieder == "GI-2026-000123-1"
    data = ijw.to_xml(antwoord)
    assert official.accepts("JW319", data) and ijw.validate(data).valid


def test_a_product_outside_the_contract_gets_reden_4() -> None:
    verzoek = _verzoek()
    verzoek.Client.AangevraagdeProducten.AangevraagdProduct[0].Omvang.Frequentie = "1"  # per dag: not bought so
    (antwoord,) = besluit(verzoek, DAG)
    assert antwoord.Antwoord.RedenAfwijzingVerzoek == "4"


def test_another_gemeente_gets_reden_5() -> None:
    verzoek = _verzoek()
    verzoek.Header.Ontvanger = "0363"  # Amsterdam: not one of our regions
    (antwoord,) = besluit(verzoek, DAG)
    assert antwoord.Antwoord.RedenAfwijzingVerzoek == "5"


def test_without_a_known_gi_the_request_is_in_onderzoek() -> None:
    verzoek = _verzoek()
    verzoek.Client.AangevraagdeProducten.AangevraagdProduct[0].Verwijzer.Naam = "Onbekende instelling"
    (antwoord,) = besluit(verzoek, DAG)
    assert (antwoord.Antwoord.VerzoekAntwoord, antwoord.Antwoord.RedenAfwijzingVerzoek) == ("2", None)


def test_respond_writes_the_jw316_and_the_decision(tmp_path: Path, capsys) -> None:
    verzoek = _verzoek()
    verzoek.Header.Afzender = "42429999"
    source = tmp_path / "in" / "verzoek.xml"
    source.parent.mkdir()
    source.write_bytes(ijw.to_xml(verzoek))
    out = tmp_path / "out"
    assert main(["respond", str(source), "--out", str(out), "--today", "2026-04-21"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["verzoek-JW316.xml", "verzoek-JW319-1.xml"]
    assert main(["validate", str(out)]) == 0
