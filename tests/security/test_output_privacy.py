"""No output echoes personal data: findings, reports (text, JSON, JUnit), error messages.

Messages with distinctive personal values that break the XSD (a BSN with a letter, an
impossible birth date, a name too long, initials with dots, a house number too large, a street
name too long) and a rule of the regelrapport (CS089 on a postcode) go through the real ``ijw
validate`` and ``ijw respond`` in every format; none of those values may appear in what they
print. The findings still name the element and the expected form.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import ijw_gateway as ijw
from ijw_gateway.messages.personal import personal_kind_at
from ijw_gateway.tussentaal import default_catalog
from ijw_gateway.tussentaal.build import gecertificeerde_instellingen
from ijw_gateway.validation.findings import Finding
from tests.security.privacy import assert_no_personal_values, personal_texts

ROOT = Path(__file__).resolve().parents[2]
JW301 = (ROOT / "examples" / "berichten" / "jw301-toewijzing.xml").read_text(encoding="utf-8")
TODAY = "2026-05-04"

#: element → (the example's text, a personal value that breaks the XSD, what the finding says instead)
XSD_BREAKS = {
    "Bsn": ("<jw301:Bsn>999900006</jw301:Bsn>", "<jw301:Bsn>99990471X</jw301:Bsn>", "(a BSN, not shown)"),
    "Geboortedatum": ("<ijw:Datum>2010-02-14</ijw:Datum>", "<ijw:Datum>2011-02-29</ijw:Datum>",
                      "(a birth date, not shown)"),
    "Achternaam": ("<ijw:Achternaam>Wit</ijw:Achternaam>", "<ijw:Achternaam>" + "Zonnebloemveldhuis" * 12
                   + "</ijw:Achternaam>", "exceeds the allowed maximum length of 200"),
    "Voorletters": ("<ijw:Voorletters>T</ijw:Voorletters>", "<ijw:Voorletters>Q.Z.X</ijw:Voorletters>",
                    "(a name, not shown)"),
    "Huisnummer": ("<ijw:Huisnummer>12</ijw:Huisnummer>", "<ijw:Huisnummer>9381712</ijw:Huisnummer>",
                   "(an address, not shown)"),
    "Straatnaam": ("<ijw:Straatnaam>Voorbeeldstraat</ijw:Straatnaam>",
                   "<ijw:Straatnaam>Klaprozenhofjesteegachterom</ijw:Straatnaam>", "maximum length of 24"),
}
#: schema-valid, but CS089 rejects the postcode (a rule whose message is not ours to word)
CS089_BREAK = ("<ijw:Postcode>9999ZZ</ijw:Postcode>", "<ijw:Postcode>99998XQ</ijw:Postcode>")


def _message(*changes: tuple[str, str]) -> bytes:
    text = JW301
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return text.encode("utf-8")


@pytest.fixture(scope="module")
def messages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    directory = tmp_path_factory.mktemp("personal")
    found = {name: _message(change[:2]) for name, change in XSD_BREAKS.items()}
    found["all"] = _message(*(change[:2] for change in XSD_BREAKS.values()))
    found["cs089"] = _message(CS089_BREAK)
    for name, data in found.items():
        (directory / f"{name}.xml").write_bytes(data)
    return directory, found


def _ijw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ijw_gateway.cli", *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize("name", sorted(XSD_BREAKS))
def test_an_xsd_finding_names_the_element_and_the_form_never_the_value(name: str) -> None:
    says = XSD_BREAKS[name][2]
    data = _message(XSD_BREAKS[name][:2])
    report = ijw.validate(data, today=None)
    findings = [f for f in report.findings if f.rule == "XSD"]
    assert len(findings) == 1, findings
    finding = findings[0]
    assert finding.path and finding.path.split("/")[-1].endswith(name if name != "Geboortedatum" else "Datum")
    assert says in finding.message
    assert_no_personal_values(data, finding.message, min_length=4)


def test_a_value_that_is_not_personal_is_still_shown() -> None:
    data = _message(("<jw301:Einddatum>2026-10-26</jw301:Einddatum>", "<jw301:Einddatum>2026-10-32</jw301:Einddatum>"))
    (finding,) = [f for f in ijw.validate(data).findings if f.rule == "XSD"]
    assert finding.message.startswith("'2026-10-32' is not a valid date")


@pytest.mark.parametrize("output_format", ["text", "json", "junit"])
def test_validate_reports_hold_no_personal_value(messages: tuple[Path, dict[str, bytes]], output_format: str) -> None:
    directory, found = messages
    done = _ijw("validate", str(directory), "--format", output_format, "--today", TODAY)
    assert done.returncode == 1, done.stderr
    assert "(a BSN, not shown)" in done.stdout and "CS089" in done.stdout
    for data in found.values():
        assert_no_personal_values(data, done.stdout, done.stderr)
    if output_format == "json":
        assert json.loads(done.stdout)["summary"]["invalid"] == len(found)


def test_respond_prints_no_personal_value(messages: tuple[Path, dict[str, bytes]], tmp_path: Path) -> None:
    directory, found = messages
    done = _ijw("respond", *sorted(str(p) for p in directory.glob("*.xml")), "--out", str(tmp_path / "answers"),
                "--today", TODAY)
    assert "CS089" in done.stdout + done.stderr, done.stdout + done.stderr
    for data in found.values():
        assert_no_personal_values(data, done.stdout, done.stderr)


def test_the_net_removes_quoted_values_of_personal_elements_only() -> None:
    from ijw_gateway.validation.output import describe_finding, without_personal_values

    postcode = "/jw301:Bericht/jw301:Client/jw301:Contactgegevens/jw301:Contact[1]/jw301:Adres/ijw:Postcode"
    einde = "/jw301:Bericht/jw301:Client/jw301:ToegewezenProducten/jw301:ToegewezenProduct[1]/jw301:Einddatum"
    leaky = Finding(rule="CS089", retourcode="8001", path=postcode, message="'99998XQ' is not a Dutch postcode")
    assert without_personal_values(leaky).message == "(not shown) is not a Dutch postcode"
    assert "99998XQ" not in describe_finding(leaky)
    plain = Finding(rule="XSD", retourcode="0001", path=einde, message="'2026-10-32' is not a valid date")
    assert without_personal_values(plain) is plain


def test_error_sentences_pass_through_the_same_net() -> None:
    """The sentence of a MessageError (CLI, library, HTTP problem detail) quotes the first error as
    the reports do: never a personal value."""
    from ijw_gateway.validation.output import first_error, not_valid_sentence

    postcode = "/jw301:Bericht/jw301:Client/jw301:Contactgegevens/jw301:Contact[1]/jw301:Adres/ijw:Postcode"
    leaky = Finding(rule="XSD", retourcode="0001", path=postcode, message="'99998XQ' is not a Dutch postcode")
    sentence = not_valid_sentence([leaky])
    assert "99998XQ" not in sentence and sentence.startswith(f"not a valid iJw message at {postcode}: ")
    assert first_error([leaky]).message == "(not shown) is not a Dutch postcode"  # type: ignore[union-attr]
    assert not_valid_sentence([]) == "not a valid iJw message: unreadable"


@pytest.mark.parametrize(("path", "kind"), [
    ("/jw315:Bericht/jw315:Client/jw315:Bsn", "BSN"),
    ("/jw301:Bericht/jw301:Client/jw301:Geboortedatum/ijw:Datum", "birth date"),
    ("/jw301:Bericht/jw301:Client/jw301:Relaties/jw301:Relatie[2]/jw301:Geboortedatum/ijw:Datum", "birth date"),
    ("/jw301:Bericht/jw301:Client/jw301:Naam/ijw:Geslachtsnaam/ijw:Voorvoegsel", "name"),
    ("/jw301:Bericht/jw301:Client/jw301:Relaties/jw301:Relatie[1]/jw301:Contact/jw301:Telefoon/ijw:Telefoon01/"
     "ijw:Telefoonnummer", "telephone number"),
    ("/jw301:Bericht/jw301:Client/jw301:Contactgegevens/jw301:Contact[1]/jw301:Emailadres", "e-mail address"),
    ("/jw315:Bericht/jw315:Client/jw315:AangevraagdeProducten/jw315:AangevraagdProduct[1]/jw315:Verwijzer/"
     "ijw:Naam", "name"),
    ("/jw302:Bericht/jw302:Client/jw302:Bsn", "BSN"),
    ("/foreign:Bericht/foreign:Client/foreign:Bsn", "BSN"),  # not a layout we know: judged by the name
    ("/jw301:Bericht/jw301:Client/jw301:ToegewezenProducten/jw301:ToegewezenProduct[1]/jw301:Ingangsdatum", None),
    ("/jw301:Bericht/jw301:Header/jw301:BerichtIdentificatie/ijw:Dagtekening", None),
    ("/jw301:Bericht/jw301:Client/jw301:Geslacht", None),
    ("/jw301:Bericht/jw301:Client/jw301:Contactgegevens/jw301:Contact[1]/jw301:Organisatie", None),
    (None, None),
])
def test_the_list_of_personal_elements(path: str | None, kind: str | None) -> None:
    assert personal_kind_at(path) == kind


def test_the_helper_finds_every_personal_value_of_the_example() -> None:
    texts = set(personal_texts(JW301.encode("utf-8")).values())
    assert {"999900006", "2010-02-14", "Wit", "de", "T", "12", "9999ZZ", "Voorbeeldstraat", "Arnhem"} == texts


def test_the_demo_tells_its_story_without_personal_data(tmp_path: Path) -> None:
    """The account and the monitor page of a real ``ijw demo``: no value of a personal element of any message it
    wrote or answered, nor of the jeugdige or jeugdbeschermer of its bepalingen."""
    directory = tmp_path / "demo"
    done = _ijw("demo", "--dir", str(directory))
    assert done.returncode == 0, done.stderr
    outputs = (done.stdout, done.stderr, (directory / "report.html").read_text(encoding="utf-8"))
    # shown as gemeente (also a Plaatsnaam), and the GIs by name in the glossary (also a verwijzer's Naam)
    public = {g.naam for g in default_catalog().gemeenten.values()} | {
        gi.naam for gi in gecertificeerde_instellingen().values()}
    messages = sorted((directory / "berichten").glob("*.xml"))
    assert len(messages) > 20
    checked = 0
    for path in messages:
        checked += assert_no_personal_values(path.read_bytes(), *outputs, public=public, require=False)
    assert checked > 50
    for path in sorted((ROOT / "examples" / "bepalingen").glob("*.yaml")):
        bepaling = yaml.safe_load(path.read_text(encoding="utf-8"))
        values = [str(v) for v in bepaling["jeugdige"].values()] + [bepaling["jeugdbeschermer"]]
        for value in (v for v in values if len(v) >= 4):
            assert all(value not in output for output in outputs), (path.name, value)
