"""The rule engine: rules run on the tree, never echo personal values, and stay linear; what a verdict judged."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from stdnum.nl import bsn as stdnum_bsn

import ijw_gateway as ijw
from ijw_gateway.messages import basisschema as b
from ijw_gateway.messages.layout import elements
from ijw_gateway.messages.registry import BERICHTTYPEN
from ijw_gateway.validation.rules.berichtinhoud import elfproef_breaks
from ijw_gateway.validation.rules.engine import compiled
from ijw_gateway.validation.rules.registry import namespaces_of
from ijw_gateway.validation.validator import ValidationContext, check
from tests.validation.oracles import later_of_overlapping_pairs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "berichten"
TODAY = date(2026, 11, 23)


def jw301() -> ijw.JW301:
    return ijw.parse((EXAMPLES / "jw301-toewijzing.xml").read_bytes())  # type: ignore[return-value]


def jw315() -> ijw.JW315:
    return ijw.parse((EXAMPLES / "jw315-verzoek-om-toewijzing.xml").read_bytes())  # type: ignore[return-value]


def report_of(message: object) -> ijw.MessageReport:
    message = type(message).model_validate(message.model_dump())  # type: ignore[attr-defined]
    return ijw.validate(ijw.to_xml(message), today=TODAY)  # type: ignore[arg-type]


# --- every name a rule uses exists in the message's layout ------------------------------------------


def _qualified_names(bericht: str) -> set[str]:
    """``m:Name`` / ``ijw:Name`` of every element a message of type ``bericht`` can hold."""
    found: set[str] = set()
    seen: set[type] = set()
    pending = [BERICHTTYPEN[bericht].model]
    prefix = {BERICHTTYPEN[bericht].namespace.uri: "m", namespaces_of(bericht)["ijw"]: "ijw"}
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for element in elements(model):
            found.add(f"{prefix.get(model.xsd_namespace.uri, '?')}:{element.name}")
            if element.complex_type is not None:
                pending.append(element.complex_type)
    return found | {"m:Bericht"}


@pytest.mark.parametrize("bericht", sorted(BERICHTTYPEN))
def test_every_name_in_a_rule_is_an_element_of_its_message(bericht: str) -> None:
    """A misspelt name or a wrong prefix would make a rule never fire: XPath does not complain."""
    names = _qualified_names(bericht)
    rules = compiled(bericht)
    expressions = [s.select.path for s in rules.selectors] + ([rules.gate.path] if rules.gate is not None else [])
    used = {m for e in expressions for m in re.findall(r"\b(?:m|ijw):[A-Za-z]\w*", e)}
    assert used <= names, sorted(used - names)


# --- the elfproef in XPath is python-stdnum's -----------------------------------------------------


@settings(max_examples=300)
@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_the_elfproef_in_xpath_agrees_with_python_stdnum(value: str) -> None:
    breaks = etree.XPath(f"boolean({elfproef_breaks('.')})")
    node = etree.fromstring(f"<Bsn>{value}</Bsn>")
    assert breaks(node) is not stdnum_bsn.is_valid(value)


# --- TR302 / TR386: a sweep, the same verdict as comparing every pair ------------------------------

CODES = [("45", "45A53"), ("45", "45A48"), ("45", None), ("43", "43A07"), (None, None)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CODES), st.integers(0, 60), st.integers(0, 40)), min_size=2, max_size=7))
def test_overlapping_periods_equal_the_pairwise_definition(items: list) -> None:
    message = jw315()
    template = message.Client.AangevraagdeProducten.AangevraagdProduct[0]
    products, plain = [], []
    start = date(2026, 1, 1)
    for index, ((categorie, code), offset, length) in enumerate(items, 1):
        begin, end = start + timedelta(days=offset), start + timedelta(days=offset + length)
        product = template.model_copy(deep=True, update={
            "ReferentieAanbieder": f"REF-{index}", "ToewijzingIngangsdatum": begin, "ToewijzingEinddatum": end,
            "Product": b.CDT_Product(Categorie=categorie, Code=code) if categorie else None,
            "Omvang": template.Omvang if code else None, "Budget": None if code or not categorie else 100,
        })
        if categorie is None:
            product.Budget, product.Omvang = 100, None
        products.append(product)
        plain.append((categorie, code, begin, end))
    message.Client.AangevraagdeProducten.AangevraagdProduct = products
    flagged = {f.path for f in report_of(message).findings if f.rule == "TR386"}
    path = "/jw315:Bericht/jw315:Client/jw315:AangevraagdeProducten/jw315:AangevraagdProduct[{}]"
    assert flagged == {path.format(k + 1) for k in later_of_overlapping_pairs(plain)}


def test_a_product_without_code_overlaps_a_coded_product_of_its_category() -> None:
    message = jw301()
    first = message.Client.ToegewezenProducten.ToegewezenProduct[0]
    second = first.model_copy(deep=True, update={"ToewijzingNummer": 202600002,
                                                 "Product": b.CDT_Product(Categorie=first.Product.Categorie),
                                                 "Omvang": None, "Budget": 1000})
    message.Client.ToegewezenProducten.ToegewezenProduct.append(second)
    assert "TR302" in {f.rule for f in report_of(message).findings}


# --- what a finding never says ---------------------------------------------------------------------


def test_rule_findings_name_the_element_not_the_personal_value() -> None:
    message = jw301()
    message.Client.Bsn = "999900007"  # breaks the elfproef
    message.Client.Geboortedatum.Datum = date(1890, 3, 4)  # more than 120 years before the Dagtekening
    message.Client.Geboortedatum.DatumGebruik = "1"  # and not the first of a month
    message.Client.Contactgegevens.Contact[0].Adres.Postcode = "0999AB"  # no Dutch postcode
    report = report_of(message)
    assert {"CS002", "TR002", "CS139", "CS089"} <= {f.rule for f in report.findings}
    text = " ".join(f.message for f in report.findings)
    for value in ("999900007", "1890-03-04", "1890", "0999AB", "0999"):
        assert value not in text


# --- the standard's wording of the rules ------------------------------------------------------------


def test_cs089_allows_lower_case_letters_as_the_rule_does() -> None:
    message = jw301()
    message.Client.Contactgegevens.Contact[0].Adres.Postcode = "9999xz"
    assert "CS089" not in {f.rule for f in report_of(message).findings}
    message.Client.Contactgegevens.Contact[0].Adres.Postcode = "9999X1"
    assert "CS089" in {f.rule for f in report_of(message).findings}


@pytest.mark.parametrize(("ends", "words"), [(b"\n", "LF only"), (b"\r", "CR only")])
def test_op192_warns_of_lf_only_and_of_cr_only_line_ends(ends: bytes, words: str) -> None:
    data = ijw.to_xml(jw301()).replace(b"\r\n", ends)
    report = ijw.validate(data, today=TODAY)
    warnings = [f for f in report.findings if f.rule == "OP192"]
    assert report.valid and len(warnings) == 1 and words in warnings[0].message
    assert warnings[0].severity == "warning"


@pytest.mark.parametrize(("namespace", "words"), [
    ("http://www.istandaarden.nl/iwmo/3_2/wmo301/schema", "iWmo 3.2"),
    ("http://www.istandaarden.nl/ijw/3_1/jw301/schema", "superseded by iJw 3.2"),
    ("http://www.istandaarden.nl/ijw/3_0/jw315/schema", "iJw 3.0"),
    ("urn:example:other", "urn:example:other"),
])
def test_a_foreign_message_is_named_for_what_it_is(namespace: str, words: str) -> None:
    data = ijw.to_xml(jw301()).replace(b"http://www.istandaarden.nl/ijw/3_2/jw301/schema", namespace.encode())
    (finding,) = ijw.validate(data).findings
    assert finding.rule == "XML" and words in finding.message and "not an iJw 3.2 message" in finding.message


# --- a verdict says what it judged ------------------------------------------------------------------


def test_the_levels_a_verdict_judged() -> None:
    data = ijw.to_xml(jw301())
    levels = {level["level"]: level for level in ijw.validate(data, today=TODAY).as_json()["levels"]}
    assert [levels[n]["judged"] for n in (1, 2, 3, 4)] == [True, True, False, True]
    assert "ledger" in levels[3]["why"]
    bad = data.replace(b"<jw301:Bsn>", b"<jw301:Bsn>X", 1)
    levels = {level["level"]: level for level in ijw.validate(bad, today=TODAY).as_json()["levels"]}
    assert levels[1]["judged"] and not any(levels[n]["judged"] for n in (2, 3, 4))
    assert "XSD" in levels[2]["why"]
    without_sources = check(data, ValidationContext(today=TODAY, bronnen=None)).report
    assert "TR378" in {lvl["level"]: lvl for lvl in without_sources.levels()}[4]["why"]


def test_no_rule_needs_the_typed_model() -> None:
    """A valid message is judged on its tree: the model is built only when a later step asks for it."""
    checked = check(ijw.to_xml(jw301()), ValidationContext(today=TODAY))
    assert checked.valid and "model" not in checked.__dict__
    assert isinstance(checked.model, ijw.JW301)



def test_op179_a_sent_file_over_25_mb_is_refused() -> None:
    data = ijw.to_xml(jw301())
    padding = (b"<!--" + b" " * 9_000_000 + b"-->") * 3  # libxml2 takes at most 10 MB per node
    report = ijw.validate(data.replace(b"<jw301:Client>", padding + b"<jw301:Client>", 1), today=TODAY)
    assert [f.rule for f in report.findings if f.severity == "error"] == ["OP179"]
    assert "25 MB" in report.findings[0].message and not report.valid


def test_tr101_two_tijdelijke_verblijfadressen_of_different_periods_are_two_contacts() -> None:
    message = jw301()
    first = message.Client.Contactgegevens.Contact[0]
    for begin in (date(2026, 1, 1), date(2026, 6, 1)):
        message.Client.Contactgegevens.Contact.append(first.model_copy(deep=True, update={
            "Soort": "04", "Periode": b.CDT_OpenPeriode(Begindatum=begin)}))
    assert "TR101" not in {f.rule for f in report_of(message).findings}
    message.Client.Contactgegevens.Contact.append(message.Client.Contactgegevens.Contact[-1].model_copy(deep=True))
    assert "TR101" in {f.rule for f in report_of(message).findings}


def test_the_text_report_and_junit_say_which_levels_were_judged(tmp_path: Path) -> None:
    import io

    from ijw_gateway.validation.output import ReportWriter

    report = ijw.validate(ijw.to_xml(jw301()), today=TODAY)
    for output_format, expected in (("text", "judged on controleniveau 1, 2 and 4; not 3 ("),
                                    ("junit", 'name="controleniveau 3 berichtoverstijgend" value="not judged: ')):
        stream = io.StringIO()
        writer = ReportWriter(stream, output_format)  # type: ignore[arg-type]
        writer.add(report)
        writer.finish()
        assert expected in stream.getvalue()
