"""Conversion rules the contracts declare (issue 15): rules, refusals that name the missing rule,
long lines split into consecutive toewijzingen, and the property that every mapping in every
region either respects the region's declared rule (checked here with our own arithmetic) or
fails naming the rule that forbids it; what maps builds messages the official XSDs accept."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import ijw_gateway as ijw
from ijw_gateway.errors import DataError
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.tussentaal import REGIOS, Bepaling, Catalog, Hulp, default_catalog
from ijw_gateway.tussentaal.contract_import import import_contract_csv
from ijw_gateway.tussentaal.contracts import ContractProduct, contract_to_yaml, load_contract
from ijw_gateway.tussentaal.mapping import (
    MAX_TOEWIJZINGEN_PER_REGEL,
    OnmapbareRegel,
    Toewijzing,
    map_line,
    map_line_in_regio,
)
from ijw_gateway.tussentaal.omvang import OmrekenFout, Omrekenregel, omreken, omschrijf, verdeel_totaal
from ijw_gateway.workflows.build import build

from .conftest import BASE
from .test_data import CORE_ROWS, HEADER

D = date.fromisoformat
CATALOG = default_catalog()


def bep(gemeente: str, zorgvorm: str, volume: int, eenheid: str, frequentie: str, *, start: str = "2026-04-15",
        duur: str | None = "P6M", eind: str | None = None, aanbieder: str | None = None) -> Bepaling:
    contract = CATALOG.contract_voor_gemeente(gemeente, D(start))
    product = contract.product(zorgvorm) if contract else None
    line = {"zorgvorm": zorgvorm, "aanbieder": aanbieder or (product.aanbieders[0] if product else "42420001"),
            "ingangsdatum": start, "omvang": {"volume": volume, "eenheid": eenheid, "frequentie": frequentie}}
    line.update({"duur": duur} if eind is None else {"einddatum": eind})
    data = copy.deepcopy(BASE) | {"gemeente": gemeente, "hulp": [line]}
    return Bepaling.model_validate(data)


def mapped(b: Bepaling, catalog: Catalog | None = None) -> Toewijzing:
    return map_line(b.hulp[0], b.gemeente, catalog=catalog or CATALOG)


def catalog_with(data_copy: Path, slug: str, change) -> Catalog:  # type: ignore[no-untyped-def]
    """A catalog whose contract ``slug`` (2026) is changed by ``change(dict)``."""
    path = data_copy / "contracten" / "2026" / f"{slug}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return Catalog.load(data_copy)


def product_of(data: dict, zorgvorm: str) -> dict:
    return next(p for p in data["producten"] if p["zorgvorm"] == zorgvorm)


# ----------------------------------------------------------------- the rules, one by one
S, E = D("2026-04-15"), D("2026-10-14")  # six months: 183 days, 26 1/7 weeks, 6 whole months
RULE = Omrekenregel(weken_per_maand="52/12", afronding="naar_boven")


@pytest.mark.parametrize(
    ("args", "regel", "volume", "tekst"),
    [
        ((2, "04", "2", "04", "4"), RULE, 9, "52/12 weken per maand, naar boven afgerond"),  # 8.67
        ((2, "04", "2", "04", "4"), Omrekenregel(weken_per_maand="4.33", afronding="naar_beneden"), 8,
         "4.33 weken per maand, naar beneden afgerond"),
        ((2, "04", "2", "04", "4"), Omrekenregel(weken_per_maand="13/3", afronding="naar_dichtstbijzijnde"), 9,
         "13/3 weken per maand, naar het dichtstbijzijnde gehele getal afgerond"),
        ((3, "04", "2", "04", "4"), RULE, 13, "52/12 weken per maand"),  # 13 exactly: by rule, not rounded
        ((7, "14", "2", "14", "4"), RULE, 31, "52/12 weken per maand, naar boven afgerond"),  # 30.33
        ((7, "14", "2", "14", "4"), Omrekenregel(weken_per_maand="4", afronding="naar_boven"), 28,
         "4 weken per maand"),
        ((9, "04", "4", "04", "2"), RULE, 3, "52/12 weken per maand, naar boven afgerond"),  # 2.08
        ((2, "16", "1", "16", "2"), Omrekenregel(dagen_per_week=5), 10, "5 dagen per week"),
        ((2, "04", "2", "04", "6"), RULE, 53, "183 dagen = 26 1/7 weken, naar boven afgerond"),  # 52.29
        ((7, "14", "2", "14", "6"), None, 183, None),  # exactly: 183 days of 7 etmalen a week
        ((3, "04", "4", "04", "6"), None, 18, None),  # six whole months
        ((90, "01", "2", "04", "2"), Omrekenregel(afronding="naar_dichtstbijzijnde"), 2,
         "naar het dichtstbijzijnde gehele getal afgerond"),  # 1.5: a half rounds up
        ((90, "01", "2", "04", "2"), Omrekenregel(afronding="naar_beneden"), 1, "naar beneden afgerond"),
        ((2, "04", "2", "01", "2"), None, 120, None),
    ],
)
def test_omreken_by_the_declared_rule(args: tuple, regel: Omrekenregel | None, volume: int, tekst: str | None) -> None:
    result = omreken(*args, S, E, regel, waar="contract X")
    assert (result.volume, result.regel) == (volume, tekst)


@pytest.mark.parametrize(
    ("args", "regel", "message"),
    [
        ((2, "04", "2", "04", "4"), Omrekenregel(), "a month has no fixed number of days or weeks, and contract X "
                                                    "declares no weken_per_maand (omrekening.weken_per_maand)"),
        ((2, "04", "2", "04", "4"), Omrekenregel(weken_per_maand="52/12"),
         "is 8 2/3 uur per maand, not a whole number; the iJw Volume is a whole number, and contract X declares no "
         "afronding (omrekening.afronding)"),
        ((2, "04", "2", "04", "4"), None, "allows exact conversions only (omrekening: exact)"),
        ((2, "04", "4", "04", "6", S, E + timedelta(days=3)), Omrekenregel(afronding="naar_boven"),
         "is not a whole number of calendar months, and contract X declares no weken_per_maand"),
        ((1, "04", "4", "04", "2"), Omrekenregel(weken_per_maand="52/12", afronding="naar_beneden"),
         "which naar beneden afgerond is 0; the iJw Volume is at least 1"),
        ((744, "04", "4", "04", "2"), RULE, "more than a week holds (168)"),  # 171.7 uur a week
        ((2, "14", "2", "04", "2"), RULE, "cannot be expressed in 04 (Uur)"),
    ],
)
def test_omreken_refusals_name_the_rule(args: tuple, regel: Omrekenregel | None, message: str) -> None:
    full = args if len(args) == 7 else (*args, S, E)
    with pytest.raises(OmrekenFout) as info:
        omreken(*full, regel, waar="contract X")
    assert message in str(info.value)


def test_the_limits_of_a_rule_are_checked_where_it_is_declared() -> None:
    for bad in ("3.9", "4.5", "31/6", "52/0", "vier", "4.33.1"):
        with pytest.raises(ValidationError):
            Omrekenregel(weken_per_maand=bad)
    assert Omrekenregel(weken_per_maand="31/7").weken == Fraction(31, 7)  # 7 etmalen × 31/7 = 31: still possible
    assert Omrekenregel(weken_per_maand="4,33").weken_per_maand == "4.33"
    for field, value in (("dagen_per_week", 0), ("dagen_per_week", 8), ("afronding", "omhoog")):
        with pytest.raises(ValidationError):
            Omrekenregel(**{field: value})
    contract = Omrekenregel(weken_per_maand="52/12", afronding="naar_boven")
    assert contract.samen_met(Omrekenregel(dagen_per_week=5)) == Omrekenregel(
        weken_per_maand="52/12", dagen_per_week=5, afronding="naar_boven")


def test_vervolgtrajecten_only_on_a_traject() -> None:
    base = dict(zorgvorm="DIAGNOSTIEK", productcode="XX001", productcategorie="45", eenheid="04", frequenties=["6"],
                max_duur="P3M", tarief=100, aanbieders=["12345678"])
    with pytest.raises(ValidationError, match="vervolgtrajecten applies to an output traject only"):
        ContractProduct(**base, vervolgtrajecten=1)
    assert ContractProduct(**(base | {"eenheid": "82"}), vervolgtrajecten=2).vervolgtrajecten == 2


@pytest.mark.parametrize("totaal", [1, 2, 7, 20, 53, 1000])
@pytest.mark.parametrize("afronding", ["naar_boven", "naar_beneden", "naar_dichtstbijzijnde"])
def test_a_total_divided_adds_up_and_each_part_is_within_one_of_its_share(totaal: int, afronding: str) -> None:
    delen = [(D("2026-01-01"), D("2026-03-31")), (D("2026-04-01"), D("2026-06-30")), (D("2026-07-01"),
                                                                                       D("2026-07-10"))]
    days = [(e - s).days + 1 for s, e in delen]
    try:
        volumes = verdeel_totaal(totaal, delen, Omrekenregel(afronding=afronding))
    except OmrekenFout as exc:
        assert "a part would be 0" in str(exc) and totaal < len(delen) * 10
        return
    assert sum(volumes) == totaal and min(volumes) >= 1
    for volume, d in zip(volumes, days, strict=True):
        assert abs(volume - Fraction(totaal * d, sum(days))) < 1


def test_a_total_that_divides_exactly_needs_no_rule() -> None:
    delen = [(D("2026-01-01"), D("2026-01-14")), (D("2026-01-15"), D("2026-01-21"))]
    assert verdeel_totaal(21, delen, Omrekenregel()) == [14, 7]
    with pytest.raises(OmrekenFout, match=r"declares no afronding \(omrekening\.afronding\)"):
        verdeel_totaal(20, delen, Omrekenregel(), waar="contract X")


# ----------------------------------------------------------------- the shipped contracts
def test_the_seven_contracts_declare_differing_rules() -> None:
    rules = {c.regio: c.omrekening for c in CATALOG.contracten}
    assert set(rules) == set(REGIOS) and all(rules.values())
    assert len({str(r) for r in rules.values()}) >= 5  # not all the same
    assert {r.afronding for r in rules.values()} == {"naar_boven", "naar_beneden", "naar_dichtstbijzijnde"}
    assert rules["Rijk van Nijmegen"].weken_per_maand is None  # it buys ambulant care per week only
    exact = [(c.regio, p.zorgvorm) for c in CATALOG.contracten for p in c.producten if p.omrekening == "exact"]
    assert exact and [(c.regio, p.zorgvorm) for c in CATALOG.contracten for p in c.producten if p.vervolgtrajecten]


def test_the_issue_example_and_its_json() -> None:
    line = mapped(bep("0243", "AMB-REG-IND", 2, "uur", "week"))  # Noord-Veluwe: per maand or in totaal
    assert (line.productcode, line.eenheid, line.frequentie, line.volume) == ("45A48", "04", "4", 9)
    assert line.omrekening.tekst == ("2 uur per week → 9 uur per maand (eenheid 04, frequentie 4; 52/12 weken per "
                                     "maand, naar boven afgerond)")
    assert line.as_json()["omrekening"] == {
        "origineel": {"volume": 2, "eenheid": "uur", "frequentie": "week"},
        "omgerekend": {"volume": 9, "eenheid": "04", "frequentie": "4"},
        "exact": False, "regel": "52/12 weken per maand, naar boven afgerond", "tekst": line.omrekening.tekst}


def test_without_the_rule_the_refusal_names_it(data_copy: Path) -> None:
    catalog = catalog_with(data_copy, "noord-veluwe", lambda d: d.pop("omrekening"))
    with pytest.raises(OnmapbareRegel) as info:
        mapped(bep("0243", "AMB-REG-IND", 2, "uur", "week"), catalog)
    text = str(info.value)
    assert text.startswith("hulp line 1 (AMB-REG-IND) in region Noord-Veluwe cannot be mapped: the omvang does not "
                           "fit the contract: ")
    assert "contract Noord-Veluwe 2026 declares no weken_per_maand (omrekening.weken_per_maand)" in text
    assert "contract Noord-Veluwe 2026 declares no afronding (omrekening.afronding)" in text  # the total: 52 2/7


def test_a_product_that_converts_exactly_only(data_copy: Path) -> None:
    # Rivierenland's crisis ambulant (a total of at most four weeks) is never converted by rule
    assert mapped(bep("0281", "CRISIS-AMBULANT", 2, "uur", "week", duur="P4W")).volume == 8
    with pytest.raises(OnmapbareRegel, match=r"product JH115 of contract Rivierenland 2026 allows exact "
                                             r"conversions only \(omrekening: exact\)"):
        mapped(bep("0281", "CRISIS-AMBULANT", 2, "uur", "week", eind="2026-05-09"))  # 25 days: 7 1/7 uur
    catalog = catalog_with(data_copy, "rivierenland", lambda d: product_of(d, "CRISIS-AMBULANT").pop("omrekening"))
    line = mapped(bep("0281", "CRISIS-AMBULANT", 2, "uur", "week", eind="2026-05-09"), catalog)
    assert (line.volume, line.omrekening.regel) == (8, "25 dagen = 3 4/7 weken, naar boven afgerond")


def test_a_products_own_days_per_week() -> None:
    line = mapped(bep("0197", "DAGBEH-SPEC", 2, "dagdeel", "dag"))  # Achterhoek: dagbehandeling on school days
    assert (line.frequentie, line.volume, line.omrekening.regel) == ("2", 10, "5 dagen per week")
    line = mapped(bep("0202", "DAGBEH-SPEC", 2, "dagdeel", "dag"))  # Centraal Gelderland: a week has 7 days
    assert (line.volume, line.omrekening.exact) == (14, True)


def test_split_totals_per_part_and_divided_totals() -> None:
    # a rate becomes a total per toewijzing, each over its own period (Achterhoek: diagnostiek P3M, naar boven)
    line = mapped(bep("0197", "DIAGNOSTIEK", 2, "uur", "week"))
    assert [(str(p.ingangsdatum), str(p.einddatum), p.volume) for p in line.perioden] == [
        ("2026-04-15", "2026-07-14", 26), ("2026-07-15", "2026-10-14", 27)]
    assert [p.regel for p in line.perioden] == [None, "92 dagen = 13 1/7 weken, naar boven afgerond"]
    assert line.volume == 53 and line.splitsing is not None and line.splitsing.toewijzingen == 2
    # a total of the bepaling is divided in proportion to the days; the parts add up to it
    line = mapped(bep("0197", "DIAGNOSTIEK", 21, "uur", "totaal"))
    assert [p.volume for p in line.perioden] == [11, 10] and line.volume == 21
    line = mapped(bep("0228", "DIAGNOSTIEK", 21, "uur", "totaal"))  # FoodValley: in minutes, naar beneden
    assert sum(p.volume for p in line.perioden) == 1260 and [p.volume for p in line.perioden] == [626, 634]


def test_too_many_consecutive_toewijzingen_are_refused() -> None:
    with pytest.raises(OnmapbareRegel, match=f"more than {MAX_TOEWIJZINGEN_PER_REGEL} consecutive toewijzingen"):
        mapped(bep("0197", "VERBLIJF-BEH", 7, "etmaal", "week", duur="P70Y"))


def test_contract_yaml_round_trip_keeps_the_rules(tmp_path: Path) -> None:
    for contract in CATALOG.contracten:
        path = tmp_path / "c.yaml"
        path.write_text(contract_to_yaml(contract), encoding="utf-8")
        assert load_contract(path) == contract


def test_csv_import_accepts_the_rule_columns(tmp_path: Path, data_copy: Path) -> None:
    header = HEADER.rstrip("\n") + ";weken_per_maand;dagen_per_week;afronding;omrekening;vervolgtrajecten\n"
    rows = [row + ";;;;;" for row in CORE_ROWS]
    rows[0] = CORE_ROWS[0] + ";4,33;;naar boven;;"
    rows[4] = CORE_ROWS[4] + ";;5;;;"  # DAGBEH-SPEC
    rows[8] = CORE_ROWS[8] + ";;;;exact;"  # CRISIS-VERBLIJF
    rows[3] = CORE_ROWS[3] + ";;;;;1"  # DIAGNOSTIEK, a traject in the test list
    csv_path = tmp_path / "lijst.csv"
    csv_path.write_text(header + "\n".join(rows) + "\n")
    contract = import_contract_csv(csv_path, "Noord-Veluwe", 2027, dest=data_copy,
                                   omrekening=Omrekenregel(weken_per_maand="52/12", afronding="naar_dichtstbijzijnde"))
    assert contract.product("AMB-REG-IND").omrekening == Omrekenregel(weken_per_maand="4.33", afronding="naar_boven")
    assert contract.product("DAGBEH-SPEC").omrekening == Omrekenregel(dagen_per_week=5)
    assert contract.product("CRISIS-VERBLIJF").omrekening == "exact"
    assert contract.product("DIAGNOSTIEK").vervolgtrajecten == 1
    assert contract.omrekenregel(contract.product("DAGBEH-SPEC")) == Omrekenregel(
        weken_per_maand="52/12", dagen_per_week=5, afronding="naar_dichtstbijzijnde")
    assert Catalog.load(data_copy).contract("Noord-Veluwe", D("2027-05-01")) == contract

    rows[0] = CORE_ROWS[0] + ";5;8;omhoog;misschien;veel"
    rows[1] = CORE_ROWS[1] + ";4,33;;;exact;"
    csv_path.write_text(header + "\n".join(rows) + "\n")
    with pytest.raises(DataError) as info:
        import_contract_csv(csv_path, "Noord-Veluwe", 2027)
    text = str(info.value)
    for expected in ["line 2, column weken_per_maand: '5'", "line 2, column dagen_per_week: '8'",
                     "line 2, column afronding: 'omhoog'", "line 2, column omrekening: 'misschien'",
                     "line 2, column vervolgtrajecten: 'veel'", "line 3, column omrekening: 'exact' — exact without"]:
        assert expected in text, text
    rows[1], rows[0] = CORE_ROWS[1] + ";;;;;", CORE_ROWS[0] + ";;;;;1"  # vervolgtrajecten on an inspanning product
    csv_path.write_text(header + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match="vervolgtrajecten applies to an output traject only"):
        import_contract_csv(csv_path, "Noord-Veluwe", 2027)


# ----------------------------------------------------------------- the property (issue 15, item 5)
MINUTEN = {"01": 1, "04": 60, "16": 240}
CODE = {"minuut": "01", "uur": "04", "dagdeel": "16", "etmaal": "14", "euro": "83"}
FREQ = {"dag": "1", "week": "2", "maand": "4", "totaal": "6"}
PER_DAG = {"01": 1440, "04": 24, "16": 6, "14": 1}
ROUND = {"naar_boven": math.ceil, "naar_beneden": math.floor,
         "naar_dichtstbijzijnde": lambda x: math.floor(x + Fraction(1, 2))}
AFRONDING = {"naar_boven": "naar boven afgerond", "naar_beneden": "naar beneden afgerond",
             "naar_dichtstbijzijnde": "naar het dichtstbijzijnde gehele getal afgerond"}


@dataclass
class Rule:
    """The declared rule of a product, merged here from the contract data (not by the code under test)."""

    exact_only: bool
    wpm: Fraction | None
    wpm_text: str | None
    dpw: int
    afronding: str | None


def rule_of(regio: str, product: ContractProduct) -> Rule:
    contract = CATALOG.contract(regio, D("2026-06-01"))
    if product.omrekening == "exact":
        return Rule(True, None, None, 7, None)
    fields = dict(contract.omrekening.model_dump() if contract.omrekening else {})
    if product.omrekening is not None:
        fields.update({k: v for k, v in product.omrekening.model_dump().items() if v is not None})
    text = fields.get("weken_per_maand")
    wpm = None
    if text:
        number, _, per = text.partition("/")
        wpm = Fraction(number) / (int(per) if per else 1)
    return Rule(False, wpm, text, fields.get("dagen_per_week") or 7, fields.get("afronding"))


def whole_months(start: date, end: date) -> int | None:
    for n in range(1, 400):
        index = start.year * 12 + start.month - 1 + n
        year, month = divmod(index, 12)
        try:
            anniversary = date(year, month + 1, start.day)
        except ValueError:  # the day does not exist: the first of the next month
            year2, month2 = divmod(index + 1, 12)
            anniversary = date(year2, month2 + 1, 1)
        if anniversary - timedelta(days=1) == end:
            return n
        if anniversary > end:
            return None
    return None


class NeedsRule(Exception):
    """The conversion needs a rule field the product does not have."""


def periods_in(freq: str, start: date, end: date, rule: Rule, used: set[str]) -> Fraction:
    days = (end - start).days + 1
    if freq == "1":
        if rule.dpw != 7:
            used.add("dpw")
        return Fraction(days * rule.dpw, 7)
    if freq == "2":
        return Fraction(days, 7)
    months = whole_months(start, end)
    if months is not None:
        return Fraction(months)
    if rule.wpm is None:
        raise NeedsRule("weken_per_maand")
    used.add("wpm")
    return Fraction(days, 7) / rule.wpm


def weeks_in_one(freq: str, rule: Rule, used: set[str]) -> Fraction:
    if freq == "2":
        return Fraction(1)
    if freq == "1":
        if rule.dpw != 7:
            used.add("dpw")
        return Fraction(1, rule.dpw)
    if rule.wpm is None:
        raise NeedsRule("weken_per_maand")
    used.add("wpm")
    return rule.wpm


def expected_exact(volume: int, bron: str, freq: str, eenheid: str, naar: str, start: date, end: date, rule: Rule,
                   used: set[str]) -> Fraction:
    """The exact value of the omvang in the contract's unit and frequency over start..end."""
    factor = Fraction(1) if bron == eenheid else Fraction(MINUTEN[bron], MINUTEN[eenheid])
    if freq == naar:
        return volume * factor
    if naar == "6":
        return volume * factor * periods_in(freq, start, end, rule, used)
    if freq == "6":
        return volume * factor / periods_in(naar, start, end, rule, used)
    return volume * factor * weeks_in_one(naar, rule, used) / weeks_in_one(freq, rule, used)


def maximum(eenheid: str, freq: str, start: date, end: date) -> int | None:
    if eenheid not in PER_DAG:
        return None
    days = (end - start).days + 1
    return PER_DAG[eenheid] * {"1": 1, "2": 7, "4": 31, "6": days}[freq]


RULE_PHRASES = ("(omrekening.weken_per_maand)", "(omrekening.afronding)", "(omrekening: exact)", "vervolgtraject",
                "cannot be expressed in", "holds (", "the iJw Volume is at least 1", "consecutive toewijzingen",
                "cannot be converted to", ", not in stuks")


def check_refusal(error: OnmapbareRegel, hulp: Hulp, regio: str, product: ContractProduct) -> None:
    """A refusal names the rule that forbids the mapping, and that rule is really the product's."""
    text = str(error)
    named = [p for p in RULE_PHRASES if p in text]
    assert named, text
    rule = rule_of(regio, product)
    if "(omrekening.weken_per_maand)" in text:
        assert rule.wpm is None, text
    if "(omrekening.afronding)" in text:
        assert rule.afronding is None, text
    if "(omrekening: exact)" in text:
        assert rule.exact_only, text
    if "vervolgtraject" in text:
        assert product.eenheid == "82" and "allows" in text, text
    if "cannot be expressed in" in text:
        assert not ({CODE.get(hulp.omvang.eenheid), product.eenheid} <= set(MINUTEN)), text


def check_mapping(line: Toewijzing, hulp: Hulp, regio: str, product: ContractProduct) -> None:
    """Our own arithmetic: every toewijzing's volume is what the declared rule gives, within the physical limits."""
    o = hulp.omvang
    rule = rule_of(regio, product)
    start, end = hulp.ingangsdatum, hulp.periode_einde
    assert line.perioden[0].ingangsdatum == start and line.perioden[-1].einddatum == end
    for a, b in zip(line.perioden, line.perioden[1:], strict=False):
        assert b.ingangsdatum == a.einddatum + timedelta(days=1)
    assert len(line.perioden) == 1 or line.splitsing is not None
    if product.eenheid == "82" and line.frequentie == "6" and o.eenheid != "stuks":  # a traject per toewijzing
        assert all(p.volume == 1 for p in line.perioden)
        assert len(line.perioden) - 1 <= product.vervolgtrajecten
        return
    bron = product.eenheid if o.eenheid == "stuks" else CODE[o.eenheid]
    used: set[str] = set()
    texts = " ".join(filter(None, [line.omrekening.regel, *(p.regel for p in line.perioden)]))
    if line.frequentie != "6":  # a rate, the same in every part
        values = [expected_exact(o.volume, bron, o.frequentie_code, product.eenheid, line.frequentie, start, end,
                                 rule, used)] * len(line.perioden)
    elif o.frequentie == "totaal":  # the bepaling's total, divided in proportion to the days
        total = expected_exact(o.volume, bron, "6", product.eenheid, "6", start, end, rule, used)
        whole = total if total.denominator == 1 else ROUND[rule.afronding](total)  # type: ignore[index]
        assert sum(p.volume for p in line.perioden) == whole
        days = (end - start).days + 1
        values = [Fraction(whole * ((p.einddatum - p.ingangsdatum).days + 1), days) for p in line.perioden]
        for p, share in zip(line.perioden, values, strict=True):
            assert abs(p.volume - share) < 1 and p.volume >= 1
            if share.denominator != 1:
                assert rule.afronding is not None
        values = []
    else:  # a rate of the bepaling, a total per toewijzing over its own period
        values = [expected_exact(o.volume, bron, o.frequentie_code, product.eenheid, "6", p.ingangsdatum,
                                 p.einddatum, rule, used) for p in line.perioden]
    for p, value in zip(line.perioden, values, strict=False):
        if value.denominator == 1:
            assert p.volume == value, (p, value)
        else:
            assert rule.afronding is not None and p.volume == ROUND[rule.afronding](value), (p, value, rule)
            assert AFRONDING[rule.afronding] in texts
    if "wpm" in used:
        assert f"{rule.wpm_text} weken per maand" in texts
    if "dpw" in used:
        assert f"{rule.dpw} dagen per week" in texts
    if rule.exact_only:
        assert not texts and line.omrekening.exact
    for p in line.perioden:
        limit = maximum(product.eenheid, line.frequentie, p.ingangsdatum, p.einddatum)
        assert 1 <= p.volume <= (limit or 99_999_999)
    assert line.omrekening.exact == (not texts)
    assert line.omrekening.origineel == o
    assert omschrijf(line.volume, line.eenheid, line.frequentie) in line.omrekening.tekst


def map_and_check(regio: str, product: ContractProduct, volume: int, eenheid: str, frequentie: str,
                  start: date, days: int) -> Toewijzing | None:
    try:
        hulp = Hulp.model_validate({
            "zorgvorm": product.zorgvorm, "aanbieder": product.aanbieders[0], "ingangsdatum": start,
            "einddatum": start + timedelta(days=days - 1),
            "omvang": {"volume": volume, "eenheid": eenheid, "frequentie": frequentie}})
    except ValidationError:
        return None  # an omvang the bepaling itself refuses (more than the time holds)
    try:
        line = map_line_in_regio(hulp, regio)
    except OnmapbareRegel as error:
        check_refusal(error, hulp, regio, product)
        return None
    check_mapping(line, hulp, regio, product)
    return line


GEMEENTE = {regio: min(g for g, v in CATALOG.gemeenten.items() if v.regio == regio) for regio in REGIOS}
PRODUCTS = [(regio, p) for regio in REGIOS for p in CATALOG.contract(regio, D("2026-06-01")).producten]
EENHEDEN = ["minuut", "uur", "dagdeel", "etmaal", "stuks", "euro"]


@pytest.mark.parametrize(("regio", "product"), PRODUCTS, ids=[f"{r}-{p.zorgvorm}" for r, p in PRODUCTS])
def test_every_region_zorgvorm_unit_frequency_and_duration(regio: str, product: ContractProduct) -> None:
    """The whole grid: every unit and frequency a bepaling allows, durations from 1 week to 2 years."""
    mapped_lines = 0
    for eenheid in EENHEDEN:
        for frequentie in FREQ:
            for days in (7, 29, 183, 366, 730):
                for volume in (2, 9):
                    line = map_and_check(regio, product, volume, eenheid, frequentie, D("2026-03-02"), days)
                    mapped_lines += line is not None
    assert mapped_lines > 0  # every product takes some omvang


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PRODUCTS), st.sampled_from(EENHEDEN), st.sampled_from(list(FREQ)), st.integers(1, 60),
       st.dates(D("2026-01-01"), D("2026-12-31")), st.integers(7, 730), st.sampled_from(["301", "315"]))
def test_any_omvang_respects_the_rule_or_names_it_and_builds_valid_messages(
    official, case: tuple[str, ContractProduct], eenheid: str, frequentie: str, volume: int, start: date,
    days: int, route: str,
) -> None:
    regio, product = case
    line = map_and_check(regio, product, volume, eenheid, frequentie, start, days)
    assume(line is not None)
    data = copy.deepcopy(BASE) | {"gemeente": GEMEENTE[regio], "route": route, "vastgesteld_op": "2026-01-01",
                                  "hulp": [{"zorgvorm": product.zorgvorm, "aanbieder": product.aanbieders[0],
                                            "ingangsdatum": start, "einddatum": start + timedelta(days=days - 1),
                                            "omvang": {"volume": volume, "eenheid": eenheid,
                                                       "frequentie": frequentie}}]}
    messages = build(Bepaling.model_validate(data), dagtekening=D("2026-01-02"))
    naam = "JW301" if route == "301" else "JW315"
    products = [p for m in messages for p in (m.Client.ToegewezenProducten.ToegewezenProduct if route == "301"
                                              else m.Client.AangevraagdeProducten.AangevraagdProduct)]
    assert [p.Omvang.Volume for p in products] == [p.volume for p in line.perioden]
    for message in messages:
        assert berichttype_of(message).naam == naam
        assert official.accepts(naam, ijw.to_xml(message))
