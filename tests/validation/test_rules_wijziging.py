"""JW317 Verzoek om wijziging: one message per rule that breaks only that rule, and a clean one that stays clean."""

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ijw_gateway as ijw
from ijw_gateway.messages import basisschema as b
from ijw_gateway.messages import jw317 as m317
from ijw_gateway.validation.rules.registry import all_rules
from tests.strategies import simple_values
from tests.validation.oracles import later_of_overlapping_pairs, rules_of_the_reference

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "berichten"
TODAY = date(2026, 11, 23)


def jw317() -> ijw.JW317:
    return ijw.parse((EXAMPLES / "jw317-verzoek-om-wijziging.xml").read_bytes())  # type: ignore[return-value]


def te_wijzigen(m):
    return m.Client.Verzoek.TeWijzigenProducten.TeWijzigenProduct[0]


def nieuw(m):
    return m.Client.Verzoek.NieuweProducten.NieuwProduct[0]


def _set(obj, **values) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


def _tweede_nieuw(m, **changes) -> None:
    m.Client.Verzoek.NieuweProducten.NieuwProduct.append(nieuw(m).model_copy(deep=True, update=changes))


def report_of(message, today: date = TODAY) -> ijw.MessageReport:
    message = type(message).model_validate(message.model_dump())  # re-validate the mutated model
    return ijw.validate(ijw.to_xml(message), today=today)


Mutation = Callable[[object], None]
BUDGET_ZONDER_EINDE = {"Omvang": None, "Budget": 5000, "Einddatum": None}
PER_WEEK_ZONDER_EINDE = {"Einddatum": None}
WEEK = b.CDT_Omvang(Volume=3, Eenheid="04", Frequentie="2")
ETMAAL_PER_DAG = b.CDT_Omvang(Volume=1, Eenheid="14", Frequentie="1")

# (code, which class it breaks in, mutation, the rules broken)
CASES: list[tuple[str, str, Mutation, set[str]]] = [
    ("CS002", "Client", lambda m: _set(m.Client, Bsn="999900007"), {"CS002"}),
    ("CS003", "TeWijzigenProduct", lambda m: _set(te_wijzigen(m), Einddatum=date(2026, 9, 30)), {"CS003"}),
    ("CS003", "NieuwProduct", lambda m: _set(nieuw(m), Einddatum=date(2026, 9, 30)), {"CS003"}),
    ("CD075", "TeWijzigenProduct", lambda m: _set(te_wijzigen(m), **BUDGET_ZONDER_EINDE), {"CD075"}),
    ("CD075", "NieuwProduct", lambda m: _set(nieuw(m), Product=b.CDT_Product(Categorie="45"), **BUDGET_ZONDER_EINDE),
     {"CD075"}),
    ("CD076", "TeWijzigenProduct", lambda m: _set(te_wijzigen(m), Omvang=WEEK, **PER_WEEK_ZONDER_EINDE), {"CD076"}),
    ("CD076", "NieuwProduct", lambda m: _set(nieuw(m), Omvang=WEEK, **PER_WEEK_ZONDER_EINDE), {"CD076"}),
    # CD077 and CD078 are two sides of one condition: Omvang and Budget together break both.
    ("CD077", "TeWijzigenProduct", lambda m: _set(te_wijzigen(m), Budget=1000), {"CD077", "CD078"}),
    ("CD078", "NieuwProduct", lambda m: _set(nieuw(m), Budget=1000), {"CD077", "CD078"}),
    ("CS338", "TeWijzigenProduct", lambda m: _set(te_wijzigen(m), Omvang=ETMAAL_PER_DAG), {"CS338"}),
    ("CS338", "NieuwProduct", lambda m: _set(nieuw(m), Omvang=ETMAAL_PER_DAG), {"CS338"}),
    ("CD079", "NieuwProduct", lambda m: _set(nieuw(m), Product=None, Omvang=None), {"CD079"}),
    ("CD041", "NieuwProduct", lambda m: _set(nieuw(m), Omvang=None), {"CD041"}),
    ("CD096", "NieuwProduct", lambda m: _set(nieuw(m), Product=b.CDT_Product(Categorie="45")), {"CD096"}),
    ("TR352", "Verzoek", lambda m: _set(m.Client.Verzoek, OngewijzigdeProducten=None, TeWijzigenProducten=None),
     {"TR352"}),
    ("TR353", "Verzoek", lambda m: _set(m.Client.Verzoek, TeWijzigenProducten=None, NieuweProducten=None), {"TR353"}),
    ("TR380", "NieuwProduct", lambda m: _set(nieuw(m), GewensteIngangsdatum=m.Header.BerichtIdentificatie.Dagtekening),
     {"TR380"}),
    ("TR410", "NieuwProduct", lambda m: _tweede_nieuw(m, GewensteIngangsdatum=date(2027, 3, 31),
                                                     Einddatum=date(2027, 9, 30)), {"TR410"}),
    ("TR101", "OngewijzigdProduct", lambda m: m.Client.Verzoek.OngewijzigdeProducten.OngewijzigdProduct.append(
        m317.OngewijzigdProduct(ToewijzingNummer=202600455)), {"TR101"}),
    ("TR101", "TeWijzigenProduct", lambda m: m.Client.Verzoek.TeWijzigenProducten.TeWijzigenProduct.append(
        te_wijzigen(m).model_copy(update={"GewensteIngangsdatum": date(2026, 12, 1)})), {"TR101"}),
    ("TR135", "Header", lambda m: (_set(m.Header.BerichtIdentificatie, Dagtekening=TODAY + timedelta(days=1)),
                                   _set(nieuw(m), GewensteIngangsdatum=date(2026, 12, 1))), {"TR135"}),
    ("TR378", "Header", lambda m: _set(m.Header, Ontvanger="9999"), {"TR378"}),
    ("TR381", "NieuwProduct", lambda m: _set(nieuw(m).Product, Categorie="43"), {"TR381"}),
]


def test_the_clean_message_satisfies_every_rule() -> None:
    report = report_of(jw317())
    assert report.findings == [] and report.valid


@pytest.mark.parametrize(("code", "klasse", "mutate", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_message_breaking_only_this_rule(code: str, klasse: str, mutate: Mutation, expected: set[str]) -> None:
    message = jw317()
    mutate(message)
    report = report_of(message)
    assert {f.rule for f in report.findings} == expected, [f.message for f in report.findings]
    finding = next(f for f in report.findings if f.rule == code)
    registered = next(r for r in all_rules() if r.code == code and r.implemented and r.applies_to("JW317"))
    assert finding.retourcode == registered.retourcode
    assert finding.path and f"jw317:{klasse}" in finding.path
    assert finding.line is None or finding.line > 0
    assert not report.valid


def test_every_implemented_rule_of_the_jw317_has_a_breaking_case() -> None:
    implemented = {r.code for r in all_rules() if r.implemented and r.applies_to("JW317") and r.code != "TR056"}
    assert implemented <= {c[0] for c in CASES}, sorted(implemented - {c[0] for c in CASES})


def test_the_official_example_breaks_cs003_as_the_issue_says(reference: Path) -> None:
    report = ijw.validate((reference / "ijw-3.2" / "berichten" / "JW317.xml").read_bytes(), today=TODAY)
    assert [(f.rule, f.retourcode) for f in report.findings] == [("CS003", "0001")] and not report.valid


# --- what the rules mean -------------------------------------------------------------------------------


def test_a_change_may_start_on_or_before_the_dagtekening_tr357_judges_that_with_the_toewijzing() -> None:
    message = jw317()
    te_wijzigen(message).GewensteIngangsdatum = date(2026, 5, 1)  # the original toewijzing's Ingangsdatum
    assert report_of(message).valid


def test_a_new_product_after_the_first_one_ends_does_not_overlap() -> None:
    message = jw317()
    _tweede_nieuw(message, GewensteIngangsdatum=date(2027, 4, 1), Einddatum=date(2027, 9, 30))
    assert report_of(message).valid


def test_a_new_product_without_code_overlaps_one_of_its_categorie() -> None:
    message = jw317()
    _tweede_nieuw(message, Product=b.CDT_Product(Categorie="45"), Omvang=None, Budget=2500)
    (finding,) = report_of(message).findings
    assert finding.rule == "TR410" and finding.path.endswith("jw317:NieuwProduct[2]")
    assert "categorie 45" in finding.message and "NieuwProduct 1" in finding.message


def test_the_same_toewijzing_in_two_classes_is_no_duplicate_within_one_class() -> None:
    """TR101 is per berichtklasse; whether 202600455 is current and in one group only is TR349–TR351 (ledger)."""
    message = jw317()
    te_wijzigen(message).ToewijzingNummer = 202600455
    assert "TR101" not in {f.rule for f in report_of(message).findings}


def test_without_new_products_the_gemeentecode_is_judged_on_the_dagtekening() -> None:
    message = jw317()
    message.Client.Verzoek.NieuweProducten = None
    message.Header.Ontvanger = "9999"
    (finding,) = report_of(message).findings
    assert finding.rule == "TR378" and "2026-09-14" in finding.message


CODES = [("45", "45A56"), ("45", "45A53"), ("45", None), ("43", "43A07"), (None, None)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CODES), st.integers(0, 60), st.integers(0, 40)), min_size=2, max_size=6))
def test_tr410_flags_what_comparing_every_pair_would(items: list) -> None:
    """The sweep over the NieuwProducten gives the verdict of the pairwise definition (the later of each pair)."""
    message = jw317()
    template = nieuw(message)
    start, plain, products = date(2026, 10, 1), [], []
    for (categorie, code), offset, length in items:
        begin, end = start + timedelta(days=offset), start + timedelta(days=offset + length)
        product = template.model_copy(deep=True, update={
            "GewensteIngangsdatum": begin, "Einddatum": end,
            "Product": b.CDT_Product(Categorie=categorie, Code=code) if categorie else None,
            "Omvang": template.Omvang if code else None, "Budget": None if code else 100})
        products.append(product)
        plain.append((categorie, code, begin, end))
    message.Client.Verzoek.NieuweProducten.NieuwProduct = products
    flagged = {f.path for f in report_of(message).findings if f.rule == "TR410"}
    path = "/jw317:Bericht/jw317:Client/jw317:Verzoek/jw317:NieuweProducten/jw317:NieuwProduct[{}]"
    assert flagged == {path.format(k + 1) for k in later_of_overlapping_pairs(plain)}


# --- what the rules leave free stays valid ---------------------------------------------------------------


@st.composite
def variations(draw: st.DrawFn):
    """The clean message with the fields no rule constrains drawn anew."""
    message = jw317()
    message.Header.Afzender = draw(simple_values(b.AGB_CODE))
    message.Header.BerichtIdentificatie.Identificatie = draw(simple_values(b.IDENTIFICATIE_BERICHT))
    verzoek = message.Client.Verzoek
    verzoek.ReferentieAanbieder = draw(simple_values(b.REFERENTIE))
    verzoek.RedenVerzoek = draw(simple_values(b.REDEN_VERZOEK))
    numbers = draw(st.lists(st.integers(1, 999_999_999), min_size=2, max_size=2, unique=True))
    verzoek.OngewijzigdeProducten.OngewijzigdProduct[0].ToewijzingNummer = numbers[0]
    te_wijzigen(message).ToewijzingNummer = numbers[1]
    te_wijzigen(message).GewensteIngangsdatum = draw(st.dates(date(2026, 1, 1), date(2027, 1, 1)))
    for product in (te_wijzigen(message), nieuw(message)):
        if product is nieuw(message):
            product.GewensteIngangsdatum = draw(st.dates(date(2026, 9, 15), date(2026, 12, 31)))
        product.Einddatum = draw(st.dates(product.GewensteIngangsdatum, date(2027, 12, 31)))
        product.Omvang = b.CDT_Omvang(Volume=draw(st.integers(1, 99)), Eenheid=draw(st.sampled_from(["01", "04"])),
                                      Frequentie=draw(simple_values(b.FREQUENTIE)))
    return message


@settings(max_examples=40, deadline=None)
@given(message=variations())
def test_variations_in_what_no_rule_constrains_stay_valid(message) -> None:
    report = report_of(message)
    assert report.valid and report.findings == [], [f.message for f in report.findings]


# --- the coverage table lists every rule of the reference for this type ----------------------------------


def test_every_rule_of_the_regelrapport_for_the_jw317_and_jw318_is_registered(reference: Path) -> None:
    registered: dict[str, set[str]] = {}
    for registration in all_rules():
        registered.setdefault(registration.code, set()).update(registration.berichten)
    expected = rules_of_the_reference(reference, {"JW317", "JW318"})
    missing = {code: sorted(b - registered.get(code, set())) for code, b in expected.items()}
    assert not {code: b for code, b in missing.items() if b}


def test_no_rule_of_the_jw317_is_left_unchecked_for_this_release() -> None:
    assert [r.code for r in all_rules() if r.applies_to("JW317") and "not checked in this release" in r.note] == []
