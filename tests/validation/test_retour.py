"""Retourberichten carry the retourcodes per berichtklasse as IV028/IV032 prescribe, and pass the official XSDs."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import etree

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.validation.retour import build_retour
from ijw_gateway.validation.validator import ValidationContext, check

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "berichten"
TODAY = date(2026, 11, 23)
CONTEXT = ValidationContext(today=TODAY)


def _retour(message) -> tuple[object, bytes]:
    data = ijw.to_xml(type(message).model_validate(message.model_dump()))
    retour = build_retour(check(data, CONTEXT), TODAY)
    return retour, (ijw.to_xml(retour) if retour is not None else b"")


def _codes(node) -> list[str]:
    return list(node.RetourCodes.RetourCode) if node.RetourCodes else []


def jw301():
    return ijw.parse((EXAMPLES / "jw301-toewijzing.xml").read_bytes())


def jw315():
    return ijw.parse((EXAMPLES / "jw315-verzoek-om-toewijzing.xml").read_bytes())


def test_a_valid_message_gets_a_header_without_retourcodes(official) -> None:
    retour, xml = _retour(jw301())
    assert isinstance(retour, ijw.JW302) and retour.Client is None and retour.Header.RetourCodes is None
    assert retour.Header.Afzender == "0202" and retour.Header.Ontvanger == "99100001"
    assert retour.Header.DagtekeningRetour == TODAY and len(retour.Header.IdentificatieRetour) == 12
    assert official.accepts("JW302", xml)


def test_a_rule_of_controleniveau_2_rejects_with_0001_in_the_header_only(official) -> None:
    message = jw315()
    message.Client.AangevraagdeProducten.AangevraagdProduct[0].ToewijzingEinddatum = date(2026, 4, 1)  # CS003
    retour, xml = _retour(message)
    assert retour.Client is None and _codes(retour.Header) == ["0001"] and retour.Header.XsltVersie
    assert official.accepts("JW316", xml)


def test_an_external_rule_in_the_header_returns_the_header_with_its_code(official) -> None:
    message = jw301()
    message.Header.BerichtIdentificatie.Dagtekening = TODAY + timedelta(days=1)  # TR135
    retour, xml = _retour(message)
    assert retour.Client is None and _codes(retour.Header) == ["8848"]
    assert official.accepts("JW302", xml)


def test_an_external_rule_on_a_product_returns_every_class_with_its_code(official) -> None:
    message = jw315()
    products = message.Client.AangevraagdeProducten.AangevraagdProduct
    second = products[0].model_copy(deep=True)
    second.ReferentieAanbieder = "GI-2026-000123-2"
    second.Product.Code = "ZZ999"  # TR381
    second.ToewijzingIngangsdatum, second.ToewijzingEinddatum = date(2026, 10, 27), date(2027, 1, 31)
    products.append(second)
    retour, xml = _retour(message)
    assert _codes(retour.Header) == ["0200"] and _codes(retour.Client) == ["0200"]
    assert [_codes(p) for p in retour.Client.AangevraagdeProducten.AangevraagdProduct] == [["0200"], ["S329"]]
    assert retour.Client.Bsn == message.Client.Bsn
    assert official.accepts("JW316", xml)


def test_a_product_error_in_a_jw301_marks_the_other_classes(official) -> None:
    message = jw301()
    message.Client.ToegewezenProducten.ToegewezenProduct[0].Product.Code = "ZZ999"  # TR381
    retour, xml = _retour(message)
    assert _codes(retour.Client) == ["0200"]
    assert _codes(retour.Client.Contactgegevens.Contact[0]) == ["0200"]
    assert _codes(retour.Client.ToegewezenProducten.ToegewezenProduct[0]) == ["S329"]
    assert official.accepts("JW302", xml)


def test_a_message_that_fails_its_xsd_gets_no_retourbericht() -> None:
    data = (EXAMPLES.parent / "invalid" / "invalid-jw315-september-31.xml").read_bytes()
    assert build_retour(check(data, CONTEXT), TODAY) is None


def test_the_same_message_gets_the_same_identificatie_retour() -> None:
    assert _retour(jw301())[0].Header.IdentificatieRetour == _retour(jw301())[0].Header.IdentificatieRetour


def test_validate_with_retour_dir_writes_one_retourbericht_per_heenbericht(official, tmp_path: Path, capsys) -> None:
    out = tmp_path / "retour"
    code = main(["validate", str(EXAMPLES), str(EXAMPLES.parent / "invalid"), "--retour-dir", str(out),
                 "--today", "2026-11-23"])
    assert code == 1
    written = sorted(p.name for p in out.iterdir())
    assert written == ["jw301-toewijzing-JW302.xml", "jw305-start-zorg-JW306.xml", "jw307-stop-zorg-JW308.xml",
                       "jw315-verzoek-om-toewijzing-JW316.xml", "jw317-verzoek-om-wijziging-JW318.xml",
                       "jw319-antwoord-geen-contract-JW320.xml"]
    for path in out.iterdir():
        bericht = path.stem.rsplit("-", 1)[1]
        assert official.schema(bericht).validate(etree.parse(str(path)))


def test_respond_answers_and_exits_1_for_a_rejected_message(tmp_path: Path, capsys) -> None:
    code = main(["respond", str(EXAMPLES / "jw301-toewijzing.xml"), str(EXAMPLES.parent / "invalid"),
                 "--out", str(tmp_path), "--today", "2026-11-23"])
    out = capsys.readouterr().out
    assert code == 1
    assert "JW301 accepted" in out and "no retourbericht" in out
    assert [p.name for p in tmp_path.iterdir()] == ["jw301-toewijzing-JW302.xml"]


@pytest.mark.parametrize("option", ["--retour-dir"])
def test_an_unwritable_retour_dir_is_a_usage_error(option: str, tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["validate", str(EXAMPLES), option, str(blocker / "sub")])
    assert code == 2 and "cannot create the directory" in capsys.readouterr().err
