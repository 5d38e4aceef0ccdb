"""The example messages published with the standard (../shared/reference/ijw-3.2/berichten)."""

import pytest

import ijw_gateway as ijw


@pytest.mark.parametrize("bericht", ["JW301", "JW302", "JW305", "JW306", "JW307", "JW308", "JW316",
                                     "JW319", "JW320", "JW325"])
def test_published_examples_are_accepted(reference, bericht: str) -> None:
    """(The JW323 example declares one ProductReferentie twice: see tests/validation/test_rules_declaratie.py.)"""
    report = ijw.validate((reference / "ijw-3.2" / "berichten" / f"{bericht}.xml").read_bytes(), today=None)
    assert report.bericht == bericht
    assert [f for f in report.findings if f.severity == "error"] == []
    assert report.valid


def test_the_jw315_example_with_june_31_is_rejected_at_that_element(reference) -> None:
    report = ijw.validate((reference / "ijw-3.2" / "berichten" / "JW315.xml").read_bytes())
    assert not report.valid and report.bericht == "JW315"
    paths = {f.path for f in report.findings if f.rule == "XSD"}
    assert (
        "/jw315:Bericht/jw315:Client/jw315:AangevraagdeProducten/jw315:AangevraagdProduct[1]/jw315:ToewijzingEinddatum"
        in paths
    )
    first = next(f for f in report.findings if f.rule == "XSD")
    assert first.retourcode == "0001" and first.line and "2027-06-31" in first.message and "date" in first.message


def test_the_jw317_example_ends_a_new_product_before_it_starts(reference) -> None:
    """CS003: its NieuwProduct asks for 2026-11-01 to 2024-02-28; the standard rejects it (0001)."""
    report = ijw.validate((reference / "ijw-3.2" / "berichten" / "JW317.xml").read_bytes())
    assert not report.valid and [(f.rule, f.retourcode) for f in report.findings] == [("CS003", "0001")]
    assert report.findings[0].path == ("/jw317:Bericht/jw317:Client/jw317:Verzoek/jw317:NieuweProducten/"
                                       "jw317:NieuwProduct[1]/jw317:Einddatum")


def test_the_jw318_example_breaks_its_xsd(reference) -> None:
    report = ijw.validate((reference / "ijw-3.2" / "berichten" / "JW318.xml").read_bytes())
    assert not report.valid
    assert any(f.path and f.path.endswith("jw318:RetourCode") for f in report.findings)


def test_parse_of_an_invalid_message_raises_with_findings(reference) -> None:
    with pytest.raises(ijw.MessageError) as raised:
        ijw.parse((reference / "ijw-3.2" / "berichten" / "JW315.xml").read_bytes())
    assert "ToewijzingEinddatum" in str(raised.value)
    assert raised.value.findings[0].rule == "XSD"


def test_parse_detects_the_type_from_the_namespace(reference) -> None:
    message = ijw.parse((reference / "ijw-3.2" / "berichten" / "JW319.xml").read_bytes())
    assert isinstance(message, ijw.JW319)
    assert message.Antwoord.RedenAfwijzingVerzoek == "8"
    assert message.Antwoord.Woonplaatsbeginsel.Gemeente == "1916"


def test_validate_refuses_text_instead_of_bytes() -> None:
    with pytest.raises(ijw.UsageError, match="bytes"):
        ijw.validate("<x/>")  # type: ignore[arg-type]
