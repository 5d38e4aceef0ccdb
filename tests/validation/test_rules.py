"""Every implemented rule: a message that breaks only that rule, and the valid base that satisfies it."""

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ijw_gateway as ijw
from ijw_gateway.messages import basisschema as b
from ijw_gateway.messages import jw319 as jw319m
from ijw_gateway.validation.rules.registry import all_rules
from tests.strategies import simple_values

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "berichten"
TODAY = date(2026, 11, 23)


def base(name: str):
    return ijw.parse((EXAMPLES / name).read_bytes())


def jw301():
    return base("jw301-toewijzing.xml")


def jw315():
    return base("jw315-verzoek-om-toewijzing.xml")


def jw319():
    return base("jw319-antwoord-geen-contract.xml")


def product301(m):
    return m.Client.ToegewezenProducten.ToegewezenProduct[0]


def product315(m):
    return m.Client.AangevraagdeProducten.AangevraagdProduct[0]


def contact(m):
    return m.Client.Contactgegevens.Contact[0]


TELEFOON = b.CDT_Telefoonnummers(Telefoon01=b.CDT_Telefoon(Telefoonnummer="0261234567", Landnummer="0031"))
Mutation = Callable[[object], None]


def _second_product(m, product_of, **changes) -> None:
    first = product_of(m)
    second = first.model_copy(deep=True, update=changes)
    container = m.Client.ToegewezenProducten.ToegewezenProduct if hasattr(m.Client, "ToegewezenProducten") else (
        m.Client.AangevraagdeProducten.AangevraagdProduct
    )
    container.append(second)


def _set(obj, **values) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


CASES: list[tuple[str, Callable[[], object], Mutation, set[str]]] = [
    # --- JW301 ---------------------------------------------------------------------------------
    ("CS002", jw301, lambda m: _set(m.Client, Bsn="999900007"), {"CS002"}),
    ("TR002", jw301, lambda m: _set(m.Client.Geboortedatum, Datum=date(1900, 1, 2)), {"TR002"}),
    ("TR134", jw301, lambda m: _set(m.Client.Geboortedatum, Datum=date(2026, 5, 1)), {"TR134"}),
    ("CS139", jw301, lambda m: _set(m.Client.Geboortedatum, DatumGebruik="1"), {"CS139"}),
    ("CS003", jw301, lambda m: _set(product301(m), Einddatum=date(2026, 4, 26)), {"CS003"}),
    ("CD075", jw301, lambda m: _set(product301(m), Product=b.CDT_Product(Categorie="45"), Omvang=None,
                                    Budget=1000, Einddatum=None), {"CD075"}),
    ("CD076", jw301, lambda m: _set(product301(m), Einddatum=None), {"CD076"}),
    # CD077 and CD078 are two sides of one condition: Omvang and Budget together break both.
    ("CD077", jw301, lambda m: _set(product301(m), Budget=1000), {"CD077", "CD078"}),
    ("CD078", jw315, lambda m: _set(product315(m), Budget=1000), {"CD077", "CD078"}),
    ("CD079", jw301, lambda m: _set(product301(m), Product=None, Omvang=None), {"CD079"}),
    ("CD041", jw301, lambda m: _set(product301(m), Omvang=None), {"CD041"}),
    ("CD080", jw301, lambda m: _set(product301(m), Product=b.CDT_Product(Categorie="45")), {"CD080"}),
    ("CS338", jw301, lambda m: _set(product301(m).Omvang, Eenheid="14", Frequentie="1"), {"CS338"}),
    ("TR302", jw301, lambda m: _second_product(m, product301, ToewijzingNummer=202600002), {"TR302"}),
    ("TR101", jw301, lambda m: _second_product(m, product301, Ingangsdatum=date(2026, 10, 27),
                                               Einddatum=date(2027, 1, 31)), {"TR101"}),
    # the Contact's key is its Soort: the client's address twice
    ("TR101", jw301, lambda m: m.Client.Contactgegevens.Contact.append(contact(m).model_copy(deep=True)), {"TR101"}),
    ("CS335", jw301, lambda m: _set(product301(m), RedenWijziging="13"), {"CS335"}),
    ("CS336", jw301, lambda m: _set(product301(m), RedenWijziging="01"), {"CS336"}),
    ("CS050", jw301, lambda m: _set(m.Client.Naam, NaamGebruik="5"), {"CS050"}),
    ("CS318", jw301, lambda m: _set(m.Client.Naam, NaamGebruik="6"), {"CS318"}),
    ("CD007", jw301, lambda m: _set(m.Client, Communicatie=b.CDT_Communicatie(Vorm="1")), {"CD007"}),
    ("CD009", jw301, lambda m: _set(contact(m), Periode=b.CDT_OpenPeriode(Begindatum=date(2026, 1, 1))), {"CD009"}),
    ("CD034", jw301, lambda m: (_set(contact(m).Adres, Postcode=None, LandCode=None),
                                _set(contact(m), Telefoon=TELEFOON)), {"CD034"}),
    ("CD025", jw301, lambda m: (_set(contact(m).Adres, Huis=None), _set(contact(m), Telefoon=TELEFOON)), {"CD025"}),
    ("CD005", jw301, lambda m: _set(contact(m).Adres, LandCode=None), {"CD005"}),
    ("CS089", jw301, lambda m: _set(contact(m).Adres, Postcode="9999 ZZ"), {"CS089"}),
    ("TR006", jw301, lambda m: _set(contact(m), Soort="02", Adres=None), {"TR006"}),
    ("TR061", jw301, lambda m: _set(contact(m), Soort="04"), {"TR061"}),
    ("TR135", jw301, lambda m: _set(m.Header.BerichtIdentificatie, Dagtekening=TODAY + timedelta(days=1)),
     {"TR135"}),
    ("TR378", jw301, lambda m: _set(m.Header, Afzender="9999"), {"TR378"}),
    ("TR381", jw301, lambda m: _set(product301(m).Product, Categorie="43"), {"TR381"}),
    # --- JW315 ---------------------------------------------------------------------------------
    ("CS002", jw315, lambda m: _set(m.Client, Bsn="999900007"), {"CS002"}),
    ("TR002", jw315, lambda m: _set(m.Client.Geboortedatum, Datum=date(1900, 1, 2)), {"TR002"}),
    ("CS139", jw315, lambda m: _set(m.Client.Geboortedatum, DatumGebruik="2"), {"CS139"}),
    ("CS003", jw315, lambda m: _set(product315(m), ToewijzingEinddatum=date(2026, 4, 1)), {"CS003"}),
    ("CD076", jw315, lambda m: _set(product315(m), ToewijzingEinddatum=None), {"CD076"}),
    ("CD041", jw315, lambda m: _set(product315(m), Omvang=None), {"CD041"}),
    ("CD095", jw315, lambda m: _set(product315(m), Product=b.CDT_Product(Categorie="45")), {"CD095"}),
    ("CS343", jw315, lambda m: _set(product315(m).Omvang, Eenheid="16", Frequentie="1"), {"CS343"}),
    ("TR386", jw315, lambda m: _second_product(m, product315, ReferentieAanbieder="GI-2026-000123-9"), {"TR386"}),
    # In a JW315 the logical key of an AangevraagdProduct (TR101) is its ReferentieAanbieder (TR383).
    ("TR383", jw315, lambda m: _second_product(m, product315, ToewijzingIngangsdatum=date(2026, 10, 27),
                                               ToewijzingEinddatum=date(2027, 1, 31)), {"TR383", "TR101"}),
    ("TR101", jw315, lambda m: _second_product(m, product315, ToewijzingIngangsdatum=date(2026, 10, 27),
                                               ToewijzingEinddatum=date(2027, 1, 31)), {"TR383", "TR101"}),
    ("CD043", jw315, lambda m: _set(product315(m), BeschikkingNummer=12), {"CD043"}),
    ("CD066", jw315, lambda m: _set(product315(m).Verwijzer, Type="02", ZorgverlenerCode="01234567"), {"CD066"}),
    ("CD067", jw315, lambda m: _set(product315(m).Verwijzer, Type="02", Naam=None), {"CD067"}),
    ("CD068", jw315, lambda m: _set(product315(m).Verwijzer, Type="01", ZorgverlenerCode="01234567"), {"CD068"}),
    ("TR135", jw315, lambda m: _set(m.Header.BerichtIdentificatie, Dagtekening=TODAY + timedelta(days=3)),
     {"TR135"}),
    ("TR378", jw315, lambda m: _set(m.Header, Ontvanger="0000"), {"TR378"}),
    ("TR381", jw315, lambda m: _set(product315(m).Product, Code="ZZ999"), {"TR381"}),
    # --- JW319 ---------------------------------------------------------------------------------
    ("CD085", jw319, lambda m: _set(m.Antwoord, RedenAfwijzingVerzoek=None), {"CD085"}),
    ("CD086", jw319, lambda m: _set(m.Antwoord, VerzoekAntwoord="2"), {"CD086"}),
    ("TR377", jw319, lambda m: _set(m.Antwoord, RedenAfwijzingVerzoek="8"), {"TR377"}),
    ("TR409", jw319, lambda m: _set(m.Antwoord, Woonplaatsbeginsel=jw319m.Woonplaatsbeginsel(Gemeente="0200")),
     {"TR409"}),
    ("TR378", jw319, lambda m: _set(m.Antwoord, RedenAfwijzingVerzoek="8",
                                    Woonplaatsbeginsel=jw319m.Woonplaatsbeginsel(Gemeente="0001")), {"TR378"}),
]


def _report(message) -> ijw.MessageReport:
    message = type(message).model_validate(message.model_dump())  # re-validate the mutated model
    return ijw.validate(ijw.to_xml(message), today=TODAY)


@pytest.mark.parametrize("builder", [jw301, jw315, jw319], ids=["JW301", "JW315", "JW319"])
def test_the_base_messages_satisfy_every_rule(builder) -> None:
    report = _report(builder())
    assert report.findings == [] and report.valid


@pytest.mark.parametrize(("code", "builder", "mutate", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_a_message_breaking_only_this_rule(code: str, builder, mutate: Mutation, expected: set[str]) -> None:
    message = builder()
    mutate(message)
    report = _report(message)
    assert {f.rule for f in report.findings} == expected, [f.message for f in report.findings]
    finding = next(f for f in report.findings if f.rule == code)
    registered = next(r for r in all_rules() if r.code == code and r.implemented)
    assert finding.retourcode == registered.retourcode
    assert finding.path and finding.path.startswith(f"/{builder.__name__}:Bericht/")
    assert finding.line is None or finding.line > 0
    assert not report.valid


def test_every_implemented_rule_has_a_breaking_case() -> None:
    """For JW301, JW315 and JW319; each other family's test module has its own (test_rules_start_stop.py, …)."""
    implemented = {r.code for r in all_rules() if r.implemented and {"JW301", "JW315", "JW319"} & set(r.berichten)}
    assert implemented <= {c[0] for c in CASES}


def test_tr056_a_repeated_identificatie_of_the_same_sender_is_rejected_in_a_batch(tmp_path: Path) -> None:
    from ijw_gateway.validation.batch import BatchOptions, discover, run

    data = (EXAMPLES / "jw301-toewijzing.xml").read_bytes()
    for name in ("a.xml", "b.xml"):
        (tmp_path / name).write_bytes(data)
    other = base("jw301-toewijzing.xml")
    other.Header.Afzender = "0200"  # another gemeente may use the same Identificatie
    (tmp_path / "c.xml").write_bytes(ijw.to_xml(other))
    reports = list(run(discover([str(tmp_path)]), BatchOptions(today=TODAY), workers=1))
    assert [r.valid for r in reports] == [True, False, True]
    finding = reports[1].findings[0]
    assert (finding.rule, finding.retourcode) == ("TR056", "9056")


# --- what no rule constrains may be anything the XSD allows ------------------------------------------


@st.composite
def variations(draw: st.DrawFn, builder: Callable[[], object]) -> object:
    """A clean JW301, JW315 or JW319 with the fields no rule constrains drawn anew."""
    m = builder()
    m.Header.BerichtIdentificatie.Identificatie = draw(simple_values(b.IDENTIFICATIE_BERICHT))  # type: ignore
    client = getattr(m, "Client", None)
    if client is not None:
        client.Geslacht = draw(simple_values(b.GESLACHT))
        client.Naam.Geslachtsnaam.Achternaam = draw(simple_values(b.NAAM))
        client.Naam.Voorletters = draw(st.none() | simple_values(b.VOORLETTERS))
        client.Geboortedatum = b.CDT_Geboortedatum(Datum=draw(st.dates(date(1910, 1, 1), date(2026, 4, 30))))
    if isinstance(m, ijw.JW301):
        adres = contact(m).Adres
        adres.Huis = b.CDT_Huis(Huisnummer=draw(simple_values(b.HUISNUMMER)))
        adres.Postcode = draw(st.from_regex(r"[1-9][0-9]{3}[a-zA-Z]{2}", fullmatch=True))
        product301(m).ToewijzingNummer = draw(st.integers(1, 999_999_999))
        product301(m).Omvang.Volume = draw(st.integers(1, 40))
    if isinstance(m, ijw.JW315):
        product315(m).ReferentieAanbieder = draw(st.from_regex(r"[A-Z0-9-]{1,36}", fullmatch=True))
        product315(m).Omvang.Volume = draw(st.integers(1, 40))
    return m


@pytest.mark.parametrize("builder", [jw301, jw315, jw319], ids=["JW301", "JW315", "JW319"])
def test_variations_in_what_no_rule_constrains_stay_valid(builder) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(message=variations(builder))
    def check(message) -> None:
        report = _report(message)
        assert report.valid and report.findings == [], [f.message for f in report.findings]

    check()
