"""The declaration messages JW323 and JW325: every rule broken on its own, clean messages that stay clean.

The clean messages are ours (``examples/berichten/jw323-declaratie.xml``: three clients, seven
prestaties, a credit and its corrected debet; ``jw325-declaratie-antwoord.xml``: the gemeente's
answer rejecting one of them). Each breaking case changes the clean message so that exactly the
rules it names break.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from stdnum.nl import bsn as stdnum_bsn

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.messages import basisschema as b
from ijw_gateway.messages import jw323 as m323
from ijw_gateway.messages import jw325 as m325
from ijw_gateway.validation.rules.declaratie import _laatste_dag, _per_minuut_uit_uurtarief
from ijw_gateway.validation.rules.engine import expand
from ijw_gateway.validation.rules.registry import all_rules

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "berichten"
TODAY = date(2026, 11, 23)
DECLARATIES = ("JW323", "JW325")


def jw323() -> m323.JW323:
    return ijw.parse((EXAMPLES / "jw323-declaratie.xml").read_bytes())  # type: ignore[return-value]


def jw325() -> m325.JW325:
    return ijw.parse((EXAMPLES / "jw325-declaratie-antwoord.xml").read_bytes())  # type: ignore[return-value]


def prestaties(message) -> list:
    body = message.Declaratie if isinstance(message, m323.JW323) else message.DeclaratieAntwoord
    return [p for client in body.Clienten.Client for p in client.Prestaties.Prestatie]


def signed(bedrag) -> int:
    value = bedrag.Bedrag if hasattr(bedrag, "Bedrag") else bedrag.TotaalBedrag
    return -value if bedrag.DebetCredit == "C" else value


def totaal(value: int) -> b.CDT_TotaalBedragMetDC:
    return b.CDT_TotaalBedragMetDC(TotaalBedrag=abs(value), DebetCredit="C" if value < 0 else "D")


def retotal(message: m323.JW323) -> None:
    """TotaalIngediendBedrag set to the prestaties' sum again (after a change to an amount)."""
    message.Declaratie.TotaalIngediendBedrag = totaal(sum(signed(p.IngediendBedrag) for p in prestaties(message)))


def _set(obj, **values) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


def periode(begin: date, eind: date) -> b.CDT_GeslotenPeriode:
    return b.CDT_GeslotenPeriode(Begindatum=begin, Einddatum=eind)


def _p(index: int) -> Callable:
    return lambda m: prestaties(m)[index]


P1, P2, P3, P4, P5, P6 = (_p(i) for i in range(6))
"""JW323: P1 45A53 and P2 41A04 of client 1; P3 credits a March prestatie of client 2 and P4 declares it
again, P5 is that client's April; P6 (client 3) is a stay. JW325: P1 is the one rejected prestatie."""


def _credit_zero(m) -> None:
    _set(P1(m), GeleverdVolume=0, IngediendBedrag=b.CDT_BedragMetDC(Bedrag=0, DebetCredit="C"),
         ProductReferentie=b.CDT_Referentie(ReferentieNummer="P2604-000101", VorigReferentieNummer="P2603-000100"))
    retotal(m)


def _tweede_credit(m) -> None:
    _set(P5(m), IngediendBedrag=b.CDT_BedragMetDC(Bedrag=P5(m).IngediendBedrag.Bedrag, DebetCredit="C"),
         ProductReferentie=b.CDT_Referentie(ReferentieNummer="P2604-000203", VorigReferentieNummer="P2603-000187"))
    retotal(m)


def _bedrag(m, value: int) -> None:
    P1(m).IngediendBedrag.Bedrag = value
    retotal(m)


def _dubbele_client_325(m) -> None:
    client = m.DeclaratieAntwoord.Clienten.Client[0]
    copy = client.model_copy(deep=True)
    copy.Prestaties.Prestatie[0].ProductReferentie.ReferentieNummer = "P2604-000199"
    m.DeclaratieAntwoord.Clienten.Client.append(copy)
    rejected = signed(copy.Prestaties.Prestatie[0].IngediendBedrag)
    m.DeclaratieAntwoord.TotaalToegekendBedrag = totaal(signed(m.DeclaratieAntwoord.TotaalToegekendBedrag) - rejected)


def _nul_credit_325(m) -> None:
    rejected = sum(signed(p.IngediendBedrag) for p in prestaties(m))
    m.DeclaratieAntwoord.TotaalIngediendBedrag = b.CDT_TotaalBedragMetDC(TotaalBedrag=0, DebetCredit="C")
    m.DeclaratieAntwoord.TotaalToegekendBedrag = totaal(-rejected)


Mutation = Callable[[object], None]
CASES: list[tuple[str, Callable[[], object], Mutation, set[str]]] = [
    # --- JW323 ---------------------------------------------------------------------------------------
    ("CS002", jw323, lambda m: _set(m.Declaratie.Clienten.Client[1], Bsn="999900032"), {"CS002"}),
    # A ProductPeriode before 2021 lies more than five years before a DeclaratieDagtekening after 2025.
    ("CS100", jw323, lambda m: (_set(m.Declaratie, DeclaratieDagtekening=date(2025, 12, 31)),
                                _set(P1(m), ProductPeriode=periode(date(2020, 12, 1), date(2020, 12, 31)))), {"CS100"}),
    ("CS340", jw323, lambda m: _set(m.Declaratie.DeclaratiePeriode, Begindatum=date(2026, 4, 2)), {"CS340"}),
    ("CS337", jw323, lambda m: _set(P5(m).ProductPeriode, Begindatum=date(2026, 3, 20)), {"CS337"}),
    ("CS325", jw323, _credit_zero, {"CS325"}),
    ("CD060", jw323, lambda m: _set(P3(m).ProductReferentie, VorigReferentieNummer=None), {"CD060"}),
    ("CD087", jw323, lambda m: _set(P1(m), ProductTarief=None), {"CD087"}),
    ("CS339", jw323, lambda m: _set(P1(m), Eenheid="83", ProductTarief=None, GeleverdVolume=83000), {"CS339"}),
    ("TR134", jw323, lambda m: _set(m.Declaratie, DeclaratieDagtekening=date(2026, 5, 7)), {"TR134"}),
    ("TR137", jw323, lambda m: _set(P1(m), ProductPeriode=periode(date(2026, 4, 30), date(2026, 4, 1))), {"TR137"}),
    ("TR335", jw323, lambda m: _set(P1(m), ProductPeriode=periode(date(2021, 3, 1), date(2021, 3, 31))), {"TR335"}),
    ("TR319", jw323, lambda m: _set(P1(m), ProductPeriode=periode(date(2026, 5, 1), date(2026, 5, 5))), {"TR319"}),
    ("TR101", jw323, lambda m: _set(m.Declaratie.Clienten.Client[2], Bsn="999900018"), {"TR101"}),
    ("TR314", jw323, lambda m: _set(P6(m).ProductReferentie, ReferentieNummer="P2604-000101"), {"TR314"}),
    ("TR315", jw323, _tweede_credit, {"TR315"}),
    ("TR316", jw323, lambda m: _set(P3(m).ProductReferentie, VorigReferentieNummer="P2604-000101"), {"TR316"}),
    ("TR416", jw323, lambda m: _set(P5(m), ProductPeriode=periode(date(2026, 3, 1), date(2026, 3, 31))), {"TR416"}),
    ("TR346", jw323, lambda m: _bedrag(m, 83633), {"TR346"}),
    ("TR358", jw323, lambda m: _set(m.Declaratie, TotaalIngediendBedrag=totaal(827406)), {"TR358"}),
    ("TR135", jw323, lambda m: _set(m.Header.BerichtIdentificatie, Dagtekening=TODAY + timedelta(days=1)), {"TR135"}),
    ("TR378", jw323, lambda m: _set(m.Header, Ontvanger="9999"), {"TR378"}),
    ("TR381", jw323, lambda m: _set(P1(m), ProductCode="ZZ999"), {"TR381"}),
    # --- JW325 ---------------------------------------------------------------------------------------
    ("CS002", jw325, lambda m: _set(m.DeclaratieAntwoord.Clienten.Client[0], Bsn="999900019"), {"CS002"}),
    ("CS325", jw325, _nul_credit_325, {"CS325"}),
    ("CD060", jw325, lambda m: _set(P1(m).ProductReferentie, VorigReferentieNummer="P2603-000001"), {"CD060"}),
    ("TR134", jw325, lambda m: _set(m.Header.DeclaratieIdentificatie, Dagtekening=date(2026, 5, 14)), {"TR134"}),
    ("TR137", jw325, lambda m: _set(P1(m), ProductPeriode=periode(date(2026, 4, 30), date(2026, 4, 1))), {"TR137"}),
    ("TR101", jw325, _dubbele_client_325, {"TR101"}),
    ("TR342", jw325, lambda m: _set(m.DeclaratieAntwoord, TotaalToegekendBedrag=totaal(763132)), {"TR342"}),
    ("TR135", jw325, lambda m: _set(m.Header.BerichtIdentificatie, Dagtekening=TODAY + timedelta(days=2)), {"TR135"}),
    ("TR378", jw325, lambda m: _set(m.Header, Afzender="0000"), {"TR378"}),
]


def report_of(message) -> ijw.MessageReport:
    message = type(message).model_validate(message.model_dump())  # re-validate the mutated model
    return ijw.validate(ijw.to_xml(message), today=TODAY)


@pytest.mark.parametrize("builder", [jw323, jw325], ids=DECLARATIES)
def test_the_clean_declarations_satisfy_every_rule(builder) -> None:
    report = report_of(builder())
    assert report.findings == [] and report.valid


def test_the_clean_declarations_pass_the_official_xsds(official) -> None:
    for bericht, name in (("JW323", "jw323-declaratie.xml"), ("JW325", "jw325-declaratie-antwoord.xml")):
        assert official.accepts(bericht, (EXAMPLES / name).read_bytes()), name


@pytest.mark.parametrize(("code", "builder", "mutate", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_a_declaration_breaking_only_this_rule(code: str, builder, mutate: Mutation, expected: set[str]) -> None:
    message = builder()
    mutate(message)
    report = report_of(message)
    assert {f.rule for f in report.findings} == expected, [f.message for f in report.findings]
    bericht = builder.__name__.upper()
    finding = next(f for f in report.findings if f.rule == code)
    registered = next(r for r in all_rules() if r.code == code and r.implemented and r.applies_to(bericht))
    assert finding.retourcode == registered.retourcode
    assert finding.path and finding.path.startswith(f"/{builder.__name__}:Bericht/")
    assert finding.line is not None and finding.line > 0
    assert not report.valid


@pytest.mark.parametrize("bericht", DECLARATIES)
def test_every_implemented_rule_of_a_declaration_has_a_breaking_case(bericht: str) -> None:
    implemented = {r.code for r in all_rules() if r.implemented and r.applies_to(bericht) and r.code != "TR056"}
    assert implemented == {code for code, builder, _, _ in CASES if builder.__name__.upper() == bericht}


# --- the rules' wording, branch by branch -----------------------------------------------------------


def rules_of(message) -> set[str]:
    return {f.rule for f in report_of(message).findings}


def test_cs100_also_judges_the_declaratieperiode() -> None:
    message = jw323()
    message.Declaratie.DeclaratiePeriode = periode(date(2020, 12, 1), date(2020, 12, 31))
    findings = report_of(message).findings
    assert {f.path.rsplit("/", 1)[1] for f in findings if f.rule == "CS100"} == {"ijw:Begindatum", "ijw:Einddatum"}
    assert {f.rule for f in findings} == {"CS100", "TR319"}  # every prestatie now lies after the period


@given(st.dates(min_value=date(2021, 1, 1), max_value=date(2099, 12, 31)))
@settings(max_examples=200)
def test_the_last_day_of_a_month_in_xpath_is_the_calendars(day: date) -> None:
    number = day.year * 10_000 + day.month * 100 + day.day
    last = etree.XPath(expand(_laatste_dag(str(number))))(etree.fromstring("<x/>"))
    assert last == calendar.monthrange(day.year, day.month)[1]


@pytest.mark.parametrize(("begin", "eind", "whole"), [
    (date(2028, 2, 1), date(2028, 2, 29), True), (date(2028, 2, 1), date(2028, 2, 28), False),
    (date(2026, 2, 1), date(2026, 2, 28), True), (date(2026, 4, 1), date(2026, 5, 31), False),
    (date(2100, 2, 1), date(2100, 2, 28), True), (date(2000, 2, 1), date(2000, 2, 29), True),
])
def test_cs340_knows_leap_years(begin: date, eind: date, whole: bool) -> None:
    message = jw323()
    message.Declaratie.DeclaratiePeriode = periode(begin, eind)
    assert ("CS340" in rules_of(message)) is not whole


def test_tr137_a_productperiode_ending_after_the_dagtekening() -> None:
    message = jw323()
    message.Header.BerichtIdentificatie.Dagtekening = date(2026, 4, 29)
    message.Declaratie.DeclaratieDagtekening = date(2026, 4, 29)
    report = report_of(message)
    assert {f.rule for f in report.findings} == {"TR137"}
    assert all("after the Dagtekening" in f.message for f in report.findings)


@pytest.mark.parametrize(("change", "words"), [
    (lambda m: _set(P3(m).ProductReferentie, VorigReferentieNummer=None), "required for a credit"),
    (lambda m: _set(P1(m).ProductReferentie, VorigReferentieNummer="P2603-000001"), "empty for a debet"),
])
def test_cd060_both_ways(change, words: str) -> None:
    message = jw323()
    change(message)
    (finding,) = report_of(message).findings
    assert finding.rule == "CD060" and words in finding.message


def test_cd087_a_tarief_with_euros_is_refused_too() -> None:
    message = jw323()
    _set(P1(message), Eenheid="83", GeleverdVolume=83632)
    (finding,) = report_of(message).findings
    assert finding.rule == "CD087" and "must be empty" in finding.message


@pytest.mark.parametrize(("tarief", "minuten", "uurtarief"), [(174, 95, 10454), (123, 61, 7364), (187, 300, 11227)])
def test_tr346_minutes_are_priced_from_the_hourly_tariff(tarief: int, minuten: int, uurtarief: int) -> None:
    """IV081: ProductTarief is the hourly tariff per minute rounded; the amount is rounded from the hourly tariff."""
    assert tarief == (uurtarief * 2 + 60) // 120  # round half up of uurtarief / 60
    bedrag = (uurtarief * minuten * 2 + 60) // 120  # round half up of uurtarief × minutes / 60
    message = jw323()
    _set(P1(message), GeleverdVolume=minuten, Eenheid="01", ProductTarief=tarief,
         IngediendBedrag=b.CDT_BedragMetDC(Bedrag=bedrag, DebetCredit="D"))
    retotal(message)
    assert rules_of(message) == set()
    P1(message).IngediendBedrag.Bedrag = bedrag + minuten  # a cent a minute more: no hourly tariff gives it
    retotal(message)
    assert rules_of(message) == {"TR346"}


@given(uurtarief=st.integers(0, 100_000), volume=st.integers(0, 5_000), bedrag=st.integers(0, 10**7))
@settings(max_examples=300)
def test_the_iv081_window_is_the_brute_force_one(uurtarief: int, volume: int, bedrag: int) -> None:
    tarief = (uurtarief * 2 + 60) // 120
    exact = (uurtarief * volume * 2 + 60) // 120
    assert _per_minuut_uit_uurtarief(volume, tarief, exact)
    candidates = range(max(0, 60 * tarief - 30), 60 * tarief + 30)
    brute = any((u * volume * 2 + 60) // 120 == bedrag and (u * 2 + 60) // 120 == tarief for u in candidates)
    assert _per_minuut_uit_uurtarief(volume, tarief, bedrag) is brute


def test_tr342_a_rejected_declaratieantwoord_awards_nothing_and_holds_no_prestaties() -> None:
    message = jw325()
    message.DeclaratieAntwoord.RetourCodes.RetourCode = ["9333"]
    findings = report_of(message).findings
    assert {f.rule for f in findings} == {"TR342"} and len(findings) == 2
    assert {f.path.rsplit("/", 1)[1] for f in findings} == {"ijw:TotaalBedrag", "jw325:Clienten"}
    message.DeclaratieAntwoord.Clienten = None
    message.DeclaratieAntwoord.TotaalToegekendBedrag = totaal(0)
    assert rules_of(message) == set()


def test_tr342_an_awarded_prestatie_is_not_sent_back() -> None:
    message = jw325()
    P1(message).RetourCodes.RetourCode = ["0200"]
    (finding,) = report_of(message).findings
    assert finding.rule == "TR342" and finding.path.endswith("jw325:Prestatie[1]/jw325:RetourCodes")


def test_a_fully_awarded_declaration_has_equal_totals() -> None:
    message = jw325()
    message.DeclaratieAntwoord.Clienten = None
    message.DeclaratieAntwoord.RetourCodes.RetourCode = ["8001"]
    assert rules_of(message) == {"TR342"}
    message.DeclaratieAntwoord.TotaalToegekendBedrag = message.DeclaratieAntwoord.TotaalIngediendBedrag
    assert rules_of(message) == set()


# --- amounts with a sign: schema-valid, read exactly -----------------------------------------------------


def _with_plus_signs(data: bytes) -> bytes:
    for element in (b"ijw:Bedrag", b"ijw:TotaalBedrag", b"jw323:GeleverdVolume", b"jw323:ProductTarief"):
        data = data.replace(b"<" + element + b">", b"<" + element + b">+0")
    return data


def test_amounts_written_with_a_plus_sign_are_read_as_numbers() -> None:
    data = _with_plus_signs((EXAMPLES / "jw323-declaratie.xml").read_bytes())
    assert b"<ijw:TotaalBedrag>+0827405<" in data
    assert ijw.validate(data, today=TODAY).findings == []
    wrong = data.replace(b"<ijw:TotaalBedrag>+0827405<", b"<ijw:TotaalBedrag>+0827404<")
    assert {f.rule for f in ijw.validate(wrong, today=TODAY).findings} == {"TR358"}
    wrong = data.replace(b"<ijw:Bedrag>+083632<", b"<ijw:Bedrag>+083633<")
    assert {f.rule for f in ijw.validate(wrong, today=TODAY).findings} == {"TR346", "TR358"}


def test_a_comment_inside_a_value_is_read_as_the_xsd_reads_it() -> None:
    """A comment splits a text in two text nodes; the value is still their concatenation."""
    data = (EXAMPLES / "jw323-declaratie.xml").read_bytes()
    data = data.replace(b"<ijw:Bedrag>83632<", b"<ijw:Bedrag>836<!-- cents -->32<", 1)
    data = data.replace(b"<jw323:ProductCode>45A53<", b"<jw323:ProductCode>45<!-- x -->A53<", 1)
    assert b"<!-- cents -->" in data and b"<!-- x -->" in data
    assert ijw.validate(data, today=TODAY).findings == []
    wrong = data.replace(b"836<!-- cents -->32", b"836<!-- cents -->33")
    assert {f.rule for f in ijw.validate(wrong, today=TODAY).findings} == {"TR346", "TR358"}


def test_tr381_on_a_declaration_of_many_prestaties() -> None:
    """TR378/TR381 read a declaration's products from the one pass over its prestaties."""
    message = jw323()
    client = message.Declaratie.Clienten.Client[0]
    template = client.Prestaties.Prestatie[0]
    client.Prestaties.Prestatie = [template.model_copy(deep=True, update={
        "ProductReferentie": b.CDT_Referentie(ReferentieNummer=f"P2604-{index:06}"), "ToewijzingNummer": index})
        for index in range(40)]
    client.Prestaties.Prestatie[35].ProductCode = "ZZ999"
    retotal(message)
    (finding,) = report_of(message).findings
    assert finding.rule == "TR381" and finding.path.endswith("jw323:Client[1]/jw323:Prestaties/jw323:Prestatie[36]"
                                                             "/jw323:ProductCode")


def test_tr381_reads_more_than_32_products_of_a_toewijzing_as_columns() -> None:
    """Beyond 32 products TR378/TR381 read columns, not one union (quadratic in libxml2): the same verdict."""
    message = ijw.parse((EXAMPLES / "jw301-toewijzing.xml").read_bytes())
    template = message.Client.ToegewezenProducten.ToegewezenProduct[0]
    message.Client.ToegewezenProducten.ToegewezenProduct = [template.model_copy(deep=True, update={
        "ToewijzingNummer": 202600100 + index, "Ingangsdatum": template.Ingangsdatum + timedelta(days=3 * index),
        "Einddatum": template.Ingangsdatum + timedelta(days=3 * index + 1)}) for index in range(40)]
    assert report_of(message).findings == []
    message.Client.ToegewezenProducten.ToegewezenProduct[35].Product.Code = "ZZ999"
    (finding,) = report_of(message).findings
    assert finding.rule == "TR381" and finding.path.endswith("jw301:ToegewezenProduct[36]/jw301:Product/ijw:Code")


# --- properties -------------------------------------------------------------------------------------

VALID_BSNS = [f"9999{i:05}" for i in range(2000) if stdnum_bsn.is_valid(f"9999{i:05}")]
REFERENTIES = st.from_regex(r"[A-Z0-9][A-Z0-9-]{0,19}", fullmatch=True)
IDENTIFICATIE = st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_clean_jw323_stays_valid_in_what_no_rule_constrains(data: st.DataObject) -> None:
    message = jw323()
    items = prestaties(message)
    message.Header.BerichtIdentificatie.Identificatie = data.draw(IDENTIFICATIE)
    message.Declaratie.DeclaratieNummer = data.draw(IDENTIFICATIE)
    dagtekening = data.draw(st.dates(date(2026, 5, 1), TODAY))
    message.Header.BerichtIdentificatie.Dagtekening = dagtekening
    message.Declaratie.DeclaratieDagtekening = data.draw(st.dates(date(2026, 5, 1), dagtekening))
    bsns = data.draw(st.lists(st.sampled_from(VALID_BSNS), min_size=3, max_size=3, unique=True))
    for client, bsn in zip(message.Declaratie.Clienten.Client, bsns, strict=True):
        client.Bsn = bsn
    refs = data.draw(st.lists(REFERENTIES, min_size=len(items) + 1, max_size=len(items) + 1, unique=True))
    for item, ref in zip(items, refs, strict=False):
        item.ProductReferentie.ReferentieNummer = ref
    items[2].ProductReferentie.VorigReferentieNummer = refs[-1]  # the credit credits an earlier prestatie
    nummers = data.draw(st.lists(st.integers(0, 999_999_999), min_size=len(items), max_size=len(items)))
    for item, nummer in zip(items, nummers, strict=True):
        item.ToewijzingNummer = nummer
    items[3].ToewijzingNummer = items[2].ToewijzingNummer  # the corrected debet of the credited prestatie
    for index, item in enumerate(items):
        low = 1 if index == 2 else 0  # a credit of 0 would be debet (CS325)
        item.GeleverdVolume = data.draw(st.integers(low, 400))
        item.ProductTarief = data.draw(st.integers(low, 99_999))
        item.IngediendBedrag.Bedrag = item.GeleverdVolume * item.ProductTarief
    retotal(message)
    report = report_of(message)
    assert report.findings == [], [f.message for f in report.findings]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_clean_jw325_stays_valid_in_what_no_rule_constrains(data: st.DataObject) -> None:
    message = jw325()
    message.Header.BerichtIdentificatie.Identificatie = data.draw(IDENTIFICATIE)
    message.Header.BerichtIdentificatie.Dagtekening = data.draw(st.dates(date(2026, 5, 6), TODAY))
    message.DeclaratieAntwoord.Clienten.Client[0].Bsn = data.draw(st.sampled_from(VALID_BSNS))
    codes = ["0611", "9307", "9308", "9321", "9338", "9339", "9340", "9341", "9384"]
    P1(message).RetourCodes.RetourCode = data.draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3,
                                                            unique=True))
    report = report_of(message)
    assert report.findings == [], [f.message for f in report.findings]


PRESTATIE_AMOUNTS = st.lists(st.tuples(st.integers(0, 99_999_999), st.booleans()), min_size=1, max_size=30)


def _declaratie_with(amounts: list[tuple[int, bool]], total: int) -> bytes:
    message = jw323()
    template = P1(message)
    items = []
    for index, (bedrag, credit) in enumerate(amounts):
        item = template.model_copy(deep=True)
        item.ProductReferentie = b.CDT_Referentie(ReferentieNummer=f"R{index}",
                                                  VorigReferentieNummer=f"V{index}" if credit else None)
        item.ToewijzingNummer = index
        _set(item, Eenheid="83", ProductTarief=None, GeleverdVolume=bedrag,
             IngediendBedrag=b.CDT_BedragMetDC(Bedrag=bedrag, DebetCredit="C" if credit else "D"))
        if bedrag == 0:
            item.IngediendBedrag.DebetCredit, item.ProductReferentie.VorigReferentieNummer = "D", None
        items.append(item)
    message.Declaratie.Clienten.Client = [m323.Client(Bsn="999900018", Prestaties=m323.Prestaties(Prestatie=items))]
    message.Declaratie.TotaalIngediendBedrag = totaal(total)
    return ijw.to_xml(type(message).model_validate(message.model_dump()))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(amounts=PRESTATIE_AMOUNTS, off=st.sampled_from([-1, 1]))
def test_tr358_a_correct_total_passes_and_a_cent_off_fails(amounts: list[tuple[int, bool]], off: int) -> None:
    total = sum(-bedrag if credit and bedrag else bedrag for bedrag, credit in amounts)
    assert ijw.validate(_declaratie_with(amounts, total), today=TODAY).findings == []
    wrong = ijw.validate(_declaratie_with(amounts, total + off), today=TODAY)
    assert [f.rule for f in wrong.findings] == ["TR358"]
    assert wrong.findings[0].path == "/jw323:Bericht/jw323:Declaratie/jw323:TotaalIngediendBedrag/ijw:TotaalBedrag"


# --- the official examples, judged as the standard would ------------------------------------------------


def test_the_official_jw323_declares_one_productreferentie_twice(reference: Path) -> None:
    report = ijw.validate((reference / "ijw-3.2" / "berichten" / "JW323.xml").read_bytes(), today=TODAY)
    assert not report.valid
    assert {(f.rule, f.retourcode) for f in report.findings} == {("TR101", "0001"), ("TR314", "8021"),
                                                                  ("TR416", "0001")}
    client2 = "/jw323:Bericht/jw323:Declaratie/jw323:Clienten/jw323:Client[2]/jw323:Prestaties"
    assert {f.path for f in report.findings if f.rule != "TR416"} == {
        f"{client2}/jw323:Prestatie[3]/jw323:ProductReferentie",
        f"{client2}/jw323:Prestatie[3]/jw323:ProductReferentie/ijw:ReferentieNummer"}


def test_the_official_jw323_with_a_total_that_is_not_the_sum_fails_tr358(reference: Path) -> None:
    data = (reference / "ijw-3.2" / "berichten" / "JW323.xml").read_bytes()
    wrong = data.replace(b"<ijw:TotaalBedrag>79000<", b"<ijw:TotaalBedrag>79100<")
    assert wrong != data
    report = ijw.validate(wrong, today=TODAY)
    finding = next(f for f in report.findings if f.rule == "TR358")
    assert "79100 D" in finding.message and "79000 D" in finding.message


def test_the_official_jw325_is_valid(reference: Path) -> None:
    report = ijw.validate((reference / "ijw-3.2" / "berichten" / "JW325.xml").read_bytes(), today=TODAY)
    assert report.findings == [] and report.valid and report.bericht == "JW325"


# --- what a finding never says ---------------------------------------------------------------------


def test_findings_on_clients_name_the_element_not_the_bsn() -> None:
    message = jw323()
    message.Declaratie.Clienten.Client[0].Bsn = "999900032"  # not an elfproef number
    message.Declaratie.Clienten.Client[2].Bsn = "999900032"  # and the same client twice
    report = report_of(message)
    assert {"CS002", "TR101"} <= {f.rule for f in report.findings}
    assert not any("999900032" in f.message for f in report.findings)


# --- no retourbericht on a declaration, and why --------------------------------------------------------


def test_validate_with_retour_dir_says_why_a_declaration_gets_no_retourbericht(tmp_path: Path, capsys) -> None:
    retour = tmp_path / "retour"
    retour.mkdir()
    code = main(["validate", str(EXAMPLES / "jw323-declaratie.xml"), str(EXAMPLES / "jw325-declaratie-antwoord.xml"),
                 str(EXAMPLES / "jw301-toewijzing.xml"), "--retour-dir", str(retour), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 0 and [p.name for p in retour.iterdir()] == ["jw301-toewijzing-JW302.xml"]
    assert "2 messages got none" in out
    assert "jw323-declaratie.xml: a JW323 is answered with a JW325 Declaratie-antwoord" in out
    assert "jw325-declaratie-antwoord.xml: it is itself the answer to a JW323 (a Declaratie-antwoord)" in out


def test_respond_says_why_a_declaration_gets_no_retourbericht(tmp_path: Path, capsys) -> None:
    wrong = jw323()
    wrong.Declaratie.TotaalIngediendBedrag = totaal(1)
    (tmp_path / "wrong.xml").write_bytes(ijw.to_xml(wrong))
    code = main(["respond", str(EXAMPLES / "jw323-declaratie.xml"), str(tmp_path / "wrong.xml"),
                 "--out", str(tmp_path), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 1 and sorted(p.name for p in tmp_path.iterdir()) == ["wrong.xml"]
    lines = [line for line in out.splitlines() if ": JW323 " in line]
    assert len(lines) == 2 and all("answered with a JW325 Declaratie-antwoord" in line for line in lines)
    assert "accepted" in lines[0] and "rejected" in lines[1] and "TR358" in out
