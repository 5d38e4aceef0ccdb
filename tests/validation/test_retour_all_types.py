"""Retourberichten on a JW305 (JW306), JW307 (JW308), JW317 (JW318) and JW319 (JW320): IV028/IV032, official XSDs."""

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import etree

import ijw_gateway as ijw
from ijw_gateway.messages import jw319 as jw319m
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.validation.retour import build_retour
from ijw_gateway.validation.validator import ValidationContext, check

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "berichten"
TODAY = date(2026, 11, 23)
CONTEXT = ValidationContext(today=TODAY)
CLEAN = {"JW305": "jw305-start-zorg.xml", "JW307": "jw307-stop-zorg.xml", "JW317": "jw317-verzoek-om-wijziging.xml",
         "JW319": "jw319-antwoord-geen-contract.xml"}
RETOUR = {"JW305": "JW306", "JW307": "JW308", "JW317": "JW318", "JW319": "JW320"}


def clean(bericht: str):
    return ijw.parse((EXAMPLES / CLEAN[bericht]).read_bytes())


def retour_of(message) -> tuple[object, bytes]:
    data = ijw.to_xml(type(message).model_validate(message.model_dump()))
    retour = build_retour(check(data, CONTEXT), TODAY)
    assert retour is not None
    return retour, ijw.to_xml(retour)


def codes(node) -> list[str]:
    return list(node.RetourCodes.RetourCode) if node.RetourCodes else []


@pytest.mark.parametrize("bericht", sorted(CLEAN))
def test_a_valid_message_gets_its_header_back_without_retourcodes(official, bericht: str) -> None:
    message = clean(bericht)
    retour, xml = retour_of(message)
    assert berichttype_of(retour).naam == RETOUR[bericht]
    assert retour.Header.RetourCodes is None and retour.Header.XsltVersie is None
    assert next(name for name in type(retour).model_fields if name != "Header") in {"Client", "Antwoord"}
    assert all(getattr(retour, name) is None for name in type(retour).model_fields if name != "Header")
    assert (retour.Header.Afzender, retour.Header.Ontvanger) == (message.Header.Afzender, message.Header.Ontvanger)
    assert retour.Header.DagtekeningRetour == TODAY and len(retour.Header.IdentificatieRetour) == 12
    assert official.accepts(RETOUR[bericht], xml)


BREAK_IN_CONTENT = {  # a rule of controleniveau 2 (retourcode 0001) for each heenbericht
    "JW305": lambda m: setattr(m.Client.StartProducten.StartProduct[0], "StatusAanlevering", "2"),  # CS058
    "JW307": lambda m: setattr(m.Client.StopProducten.StopProduct[0], "Einddatum", date(2026, 5, 1)),  # TR018
    "JW317": lambda m: setattr(m.Client.Verzoek, "TeWijzigenProducten", None) or setattr(
        m.Client.Verzoek, "NieuweProducten", None),  # TR353
    "JW319": lambda m: setattr(m.Antwoord, "RedenAfwijzingVerzoek", None),  # CD085
}


@pytest.mark.parametrize("bericht", sorted(CLEAN))
def test_a_rule_of_controleniveau_2_returns_the_header_with_0001_and_the_xslt_version(official, bericht: str) -> None:
    message = clean(bericht)
    BREAK_IN_CONTENT[bericht](message)
    retour, xml = retour_of(message)
    assert codes(retour.Header) == ["0001"] and retour.Header.XsltVersie
    assert all(getattr(retour, name) is None for name in type(retour).model_fields if name != "Header")
    assert official.accepts(RETOUR[bericht], xml)


@pytest.mark.parametrize("bericht", sorted(CLEAN))
def test_an_external_rule_in_the_header_returns_the_header_with_its_code(official, bericht: str) -> None:
    message = clean(bericht)
    message.Header.BerichtIdentificatie.Dagtekening = TODAY + timedelta(days=1)  # TR135
    if bericht == "JW317":  # keep TR380 (a new product starts after the Dagtekening) satisfied
        message.Client.Verzoek.NieuweProducten.NieuwProduct[0].GewensteIngangsdatum = date(2026, 12, 1)
    retour, xml = retour_of(message)
    assert codes(retour.Header) == ["8848"]
    assert official.accepts(RETOUR[bericht], xml)


@pytest.mark.parametrize("bericht", ["JW305", "JW307"])
def test_a_wrong_product_code_marks_that_product_and_passes_the_others(official, bericht: str) -> None:
    message = clean(bericht)
    producten = (message.Client.StartProducten.StartProduct if bericht == "JW305"
                 else message.Client.StopProducten.StopProduct)
    producten[1].Product.Categorie = "43"  # TR381: JH107 is a categorie-45 code of Rivierenland
    retour, xml = retour_of(message)
    assert codes(retour.Header) == ["0200"] and codes(retour.Client) == ["0200"]
    retour_producten = (retour.Client.StartProducten.StartProduct if bericht == "JW305"
                        else retour.Client.StopProducten.StopProduct)
    assert [codes(p) for p in retour_producten] == [["0200"], ["S329"]]
    assert retour.Client.Bsn == message.Client.Bsn and retour_producten[1].Begindatum == producten[1].Begindatum
    assert official.accepts(RETOUR[bericht], xml)


def test_a_jw318_carries_a_code_for_every_class_of_the_verzoek(official) -> None:
    message = clean("JW317")
    message.Client.Verzoek.NieuweProducten.NieuwProduct[0].Product.Categorie = "43"  # TR381
    retour, xml = retour_of(message)
    verzoek = retour.Client.Verzoek
    assert codes(retour.Header) == codes(retour.Client) == codes(verzoek) == ["0200"]
    assert codes(verzoek.OngewijzigdeProducten.OngewijzigdProduct[0]) == ["0200"]
    assert codes(verzoek.TeWijzigenProducten.TeWijzigenProduct[0]) == ["0200"]
    assert codes(verzoek.NieuweProducten.NieuwProduct[0]) == ["S329"]
    assert verzoek.ReferentieAanbieder == message.Client.Verzoek.ReferentieAanbieder
    assert official.accepts("JW318", xml)


def test_a_jw320_marks_the_woonplaatsbeginsel_whose_gemeente_does_not_exist(official) -> None:
    message = clean("JW319")
    message.Antwoord.RedenAfwijzingVerzoek = "8"
    message.Antwoord.Woonplaatsbeginsel = jw319m.Woonplaatsbeginsel(Gemeente="0001")  # TR378 on the gemeente named
    retour, xml = retour_of(message)
    assert codes(retour.Header) == ["0200"] and codes(retour.Antwoord) == ["0200"]
    assert codes(retour.Antwoord.Woonplaatsbeginsel) == ["S300"]
    assert official.accepts("JW320", xml)


@pytest.mark.parametrize("bericht", ["JW305", "JW307"])
def test_the_official_examples_get_a_retourbericht_the_official_xsd_accepts(official, reference, bericht) -> None:
    data = (reference / "ijw-3.2" / "berichten" / f"{bericht}.xml").read_bytes()
    retour = build_retour(check(data, CONTEXT), TODAY)
    assert retour is not None and official.accepts(RETOUR[bericht], ijw.to_xml(retour))


def test_the_official_jw317_example_is_answered_with_0001(official, reference) -> None:
    data = (reference / "ijw-3.2" / "berichten" / "JW317.xml").read_bytes()  # breaks CS003
    retour = build_retour(check(data, CONTEXT), TODAY)
    xml = ijw.to_xml(retour)
    assert codes(retour.Header) == ["0001"] and official.accepts("JW318", xml)


# --- from the command line -------------------------------------------------------------------------------


def _ijw(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "ijw_gateway.cli", *args], capture_output=True, text=True,
                          env=environment, cwd=ROOT, timeout=120)


@pytest.fixture
def heenberichten(tmp_path: Path) -> Path:
    """The four clean heenberichten and a JW305 that breaks CS058."""
    directory = tmp_path / "in"
    directory.mkdir()
    for name in CLEAN.values():
        (directory / name).write_bytes((EXAMPLES / name).read_bytes())
    broken = clean("JW305")
    BREAK_IN_CONTENT["JW305"](broken)
    (directory / "start-status-2.xml").write_bytes(ijw.to_xml(type(broken).model_validate(broken.model_dump())))
    return directory


def _retourberichten(directory: Path, official) -> dict[str, etree._ElementTree]:
    found = {}
    for path in sorted(directory.iterdir()):
        tree = etree.parse(str(path))
        bericht = path.stem.rsplit("-", 1)[1]
        assert official.schema(bericht).validate(tree), path.name
        found[path.name] = tree
    return found


def _codes_in(tree: etree._ElementTree) -> list[str]:
    return [e.text for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith("}RetourCode")]


def test_validate_with_retour_dir_answers_every_heenbericht(official, heenberichten: Path, tmp_path: Path) -> None:
    out = tmp_path / "retour"
    result = _ijw("validate", str(heenberichten), "--retour-dir", str(out), "--today", TODAY.isoformat(),
                  "--no-progress")
    assert result.returncode == 1, result.stderr
    assert "start-status-2.xml: JW305 is invalid" in result.stdout and "CS058" in result.stdout
    written = _retourberichten(out, official)
    assert sorted(written) == ["jw305-start-zorg-JW306.xml", "jw307-stop-zorg-JW308.xml",
                               "jw317-verzoek-om-wijziging-JW318.xml", "jw319-antwoord-geen-contract-JW320.xml",
                               "start-status-2-JW306.xml"]
    assert _codes_in(written["start-status-2-JW306.xml"]) == ["0001"]
    assert all(_codes_in(tree) == [] for name, tree in written.items() if name != "start-status-2-JW306.xml")


def test_respond_answers_every_heenbericht(official, heenberichten: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _ijw("respond", str(heenberichten), "--out", str(out), "--today", TODAY.isoformat())
    assert result.returncode == 1, result.stderr
    written = _retourberichten(out, official)
    assert sorted(written) == ["jw305-start-zorg-JW306.xml", "jw307-stop-zorg-JW308.xml",
                               "jw317-verzoek-om-wijziging-JW318.xml", "jw319-antwoord-geen-contract-JW320.xml",
                               "start-status-2-JW306.xml"]
    assert _codes_in(written["start-status-2-JW306.xml"]) == ["0001"]
