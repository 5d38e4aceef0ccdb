"""Conversion rules, durations, region peculiarities, splitting, TR381, JW315 decisions, properties."""

from __future__ import annotations

import copy
import itertools
import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ijw_gateway.errors import MappingError
from ijw_gateway.tussentaal import duur as d
from ijw_gateway.tussentaal.beoordeling import beoordeel_verzoek
from ijw_gateway.tussentaal.bepaling import Bepaling
from ijw_gateway.tussentaal.catalog import Catalog, default_catalog
from ijw_gateway.tussentaal.mapping import OnmapbareRegel, map_bepaling, map_line
from ijw_gateway.tussentaal.omvang import OmrekenFout, converteer

from .conftest import BASE

D = date.fromisoformat


# ----------------------------------------------------------------- durations and conversion
@pytest.mark.parametrize(
    ("start", "duur", "eind"),
    [("2026-04-15", "P6M", "2026-10-14"), ("2026-01-31", "P1M", "2026-02-28"), ("2026-01-01", "P1Y", "2026-12-31"),
     ("2026-03-02", "P4W", "2026-03-29"), ("2026-01-01", "P10D", "2026-01-10"), ("2024-02-29", "P1Y", "2025-02-28"),
     ("2026-01-15", "P1Y6M", "2027-07-14")],
)
def test_einddatum_na(start: str, duur: str, eind: str) -> None:
    assert d.einddatum_na(D(start), duur) == D(eind)


@pytest.mark.parametrize("text", ["6M", "P", "P0M", "PT6H", "P-1M", "P1.5M", ""])
def test_duur_invalid(text: str) -> None:
    with pytest.raises(ValueError, match=r"ISO 8601|longer than zero"):
        d.Duur.parse(text)


def test_split_and_whole_periods() -> None:
    parts = d.splits(D("2026-04-01"), D("2027-03-31"), d.Duur.parse("P6M"))
    assert [(p.ingangsdatum, p.einddatum) for p in parts] == [
        (D("2026-04-01"), D("2026-09-30")), (D("2026-10-01"), D("2027-03-31"))]
    assert d.hele_weken(D("2026-03-02"), D("2026-03-29")) == 4
    assert d.hele_weken(D("2026-03-02"), D("2026-03-30")) is None
    assert d.hele_maanden(D("2026-04-15"), D("2026-10-14")) == 6
    assert d.hele_maanden(D("2026-04-15"), D("2026-10-15")) is None


S, E = D("2026-03-02"), D("2026-03-29")  # four whole weeks, not whole months


@pytest.mark.parametrize(
    ("args", "result"),
    [
        ((2, "04", "2", "01", "2"), 120),  # uur → minuut
        ((90, "01", "2", "04", "2"), None),  # 1.5 uur: inexact
        ((120, "01", "2", "04", "2"), 2),
        ((2, "16", "2", "04", "2"), 8),  # dagdeel = 4 uur
        ((8, "04", "2", "16", "2"), 2),
        ((1, "14", "1", "14", "2"), 7),  # per dag → per week
        ((7, "14", "2", "14", "1"), 1),
        ((14, "14", "2", "14", "1"), None),  # 2 etmalen a day: more than a day holds
        ((3, "14", "2", "14", "1"), None),
        ((2, "04", "2", "04", "6"), 8),  # 4 whole weeks → total
        ((8, "04", "6", "04", "2"), 2),
        ((9, "04", "6", "04", "2"), None),
        ((2, "04", "4", "04", "6"), None),  # not whole months
        ((2, "04", "4", "04", "2"), None),  # maand ↔ week never exact
        ((1, "14", "2", "04", "2"), None),  # etmaal ↛ uur
        ((1, "04", "1", "04", "6"), 28),
    ],
)
def test_converteer(args: tuple, result: int | None) -> None:
    if result is None:
        with pytest.raises(OmrekenFout):
            converteer(*args, S, E)
    else:
        assert converteer(*args, S, E) == result


def test_converteer_months_and_reason() -> None:
    assert converteer(3, "04", "4", "04", "6", D("2026-04-15"), D("2026-10-14")) == 18
    with pytest.raises(OmrekenFout, match=r"90 minuten per week is 1\.5 uur per week, not a whole number"):
        converteer(90, "01", "2", "04", "2", S, E)
    # 29 days are 4 1/7 weeks: exact for 7 etmalen a week, not for 2 uur
    assert converteer(7, "14", "2", "14", "6", S, E + timedelta(days=1)) == 29
    with pytest.raises(OmrekenFout, match=r"over 29 dagen = 4 1/7 weken is 8 2/7 uur in totaal, not a whole number"):
        converteer(2, "04", "2", "04", "6", S, E + timedelta(days=1))


# ----------------------------------------------------------------- mapping per region
def bep(gemeente: str, zorgvorm: str, volume: int, eenheid: str, frequentie: str, *, aanbieder: str = "42420001",
        ingang: str = "2026-04-15", duur: str | None = "P6M", eind: str | None = None) -> Bepaling:
    data = copy.deepcopy(BASE)
    line = {"zorgvorm": zorgvorm, "aanbieder": aanbieder, "ingangsdatum": ingang,
            "omvang": {"volume": volume, "eenheid": eenheid, "frequentie": frequentie}}
    line.update({"duur": duur} if eind is None else {"einddatum": eind})
    data.update(gemeente=gemeente, hulp=[line])
    return Bepaling.model_validate(data)


def one(b: Bepaling, **kw) -> dict:
    return map_line(b.hulp[0], b.gemeente, **kw).as_json()


def test_interfaces_example(catalog: Catalog) -> None:
    line = one(Bepaling.model_validate(copy.deepcopy(BASE)))
    assert line | {"toelichting": ""} == line | {
        "zorgvorm": "AMB-SPEC-IND", "gemeente": "0202", "regio": "Centraal Gelderland", "productcategorie": "45",
        "productcode": "45A53", "eenheid": "04", "frequentie": "2", "volume": 2, "aanbieder": "42420001",
        "aanbieder_gecontracteerd": True, "ingangsdatum": "2026-04-15", "einddatum": "2026-10-14",
        "toelichting": ""}
    assert line["perioden"] == [{"ingangsdatum": "2026-04-15", "einddatum": "2026-10-14", "volume": 2, "regel": None}]
    assert line["omrekening"] == {"origineel": {"volume": 2, "eenheid": "uur", "frequentie": "week"},
                                  "omgerekend": {"volume": 2, "eenheid": "04", "frequentie": "2"},
                                  "exact": True, "regel": None, "tekst": "2 uur per week (eenheid 04, frequentie 2)"}
    assert line["splitsing"] is None
    json.dumps(line)


def test_own_codes_per_gemeente(catalog: Catalog) -> None:
    ach = one(bep("0197", "AMB-REG-IND", 2, "uur", "week"))
    riv = one(bep("0281", "AMB-REG-IND", 8, "uur", "maand"))
    assert ach["productcode"] != riv["productcode"]
    assert ach["productcode"] not in catalog.standaardlijst
    assert catalog.zorgvorm_voor_productcode("JH101", "0197", D("2026-05-01")) == "AMB-REG-IND"
    assert catalog.zorgvorm_voor_productcode("JH101", "0281", D("2026-05-01")) == "CRISIS-VERBLIJF"
    assert catalog.zorgvorm_voor_productcode("JH101") is None
    assert catalog.zorgvorm_voor_productcode("45A10") == "AMB-REG-IND"  # national, via the tussentaal


def test_minutes_region() -> None:
    line = one(bep("0228", "AMB-SPEC-IND", 2, "uur", "week"))
    assert (line["productcode"], line["eenheid"], line["volume"], line["frequentie"]) == ("FV002", "01", 120, "2")
    line = one(bep("0345", "DIAGNOSTIEK", 10, "uur", "totaal", duur="P2M"))
    assert (line["eenheid"], line["volume"], line["frequentie"]) == ("01", 600, "6")


def test_output_traject_region() -> None:
    line = one(bep("0200", "DIAGNOSTIEK", 20, "uur", "totaal", duur="P3M"))
    assert (line["eenheid"], line["frequentie"], line["volume"]) == ("82", "6", 1)
    assert "traject" in line["toelichting"]
    two = one(bep("0200", "DIAGNOSTIEK", 20, "uur", "totaal", duur="P6M"))  # P4M at most, one vervolgtraject
    assert [p["volume"] for p in two["perioden"]] == [1, 1] and two["volume"] == 2
    with pytest.raises(OnmapbareRegel, match=r"takes 3 trajects of at most P4M, and contract Midden-IJssel/Oost-Veluwe "
                                             r"2026 allows 1 vervolgtraject \(vervolgtrajecten: 1\)"):
        one(bep("0200", "DIAGNOSTIEK", 20, "uur", "totaal", duur="P9M"))
    line = one(bep("0243", "DIAGNOSTIEK", 20, "uur", "totaal", duur="P3M"))  # Noord-Veluwe, national output code
    assert (line["productcode"], line["eenheid"], line["volume"]) == ("45A03", "82", 1)


def test_frequency_fallback_and_refusal() -> None:
    line = one(bep("0243", "AMB-REG-IND", 2, "uur", "week", duur="P26W"))  # NV buys per maand or totaal
    assert (line["frequentie"], line["volume"]) == ("6", 52)  # 26 whole weeks × 2: exact wins over the rule
    line = one(bep("0243", "AMB-REG-IND", 2, "uur", "week", eind="2026-10-14"))  # 183 days: no whole weeks
    assert (line["frequentie"], line["volume"]) == ("4", 9)  # the contract's rule: 52/12 weken per maand, up
    assert line["omrekening"]["regel"] == "52/12 weken per maand, naar boven afgerond"
    with pytest.raises(OnmapbareRegel) as info:  # Rijk van Nijmegen declares no weeks per month
        one(bep("0268", "AMB-REG-IND", 8, "uur", "maand"))
    err = info.value
    assert (err.regel, err.zorgvorm, err.regio) == (1, "AMB-REG-IND", "Rijk van Nijmegen")
    assert "hulp line 1 (AMB-REG-IND)" in str(err)
    assert "contract Rijk van Nijmegen 2026 declares no weken_per_maand (omrekening.weken_per_maand)" in str(err)
    line = one(bep("0197", "AMB-REG-IND", 90, "minuut", "week"))  # 1.5 uur, naar boven
    assert (line["volume"], line["omrekening"]["regel"]) == (2, "naar boven afgerond")


def test_split_or_refuse_long_lines() -> None:
    line = one(bep("0268", "AMB-SPEC-IND", 1, "uur", "week", duur="P1Y", ingang="2026-04-01"))
    assert line["perioden"] == [{"ingangsdatum": "2026-04-01", "einddatum": "2026-09-30", "volume": 1, "regel": None},
                                {"ingangsdatum": "2026-10-01", "einddatum": "2027-03-31", "volume": 1, "regel": None}]
    assert line["einddatum"] == "2027-03-31"
    with pytest.raises(OnmapbareRegel, match="longer than the contract's maximum P6M"):
        one(bep("0268", "AMB-SPEC-IND", 1, "uur", "week", duur="P1Y"), splitsen=False)
    line = one(bep("0202", "DIAGNOSTIEK", 10, "uur", "totaal", duur="P6M"))  # a total divided by days, rounded
    assert [p["volume"] for p in line["perioden"]] == [5, 5] and line["volume"] == 10
    assert line["splitsing"]["toewijzingen"] == 2 and line["splitsing"]["max_duur"] == "P3M"


def test_provider_not_contracted_is_not_an_error() -> None:
    line = one(bep("0202", "PLEEGZORG", 7, "etmaal", "week", aanbieder="42421001"))
    assert line["aanbieder_gecontracteerd"] is False
    assert line["gecontracteerde_aanbieders"] == ["42420002"]


def test_unmappable_lines() -> None:
    b = bep("0268", "LOGEREN", 4, "etmaal", "maand")
    result = map_bepaling(b)
    assert not result.ok
    line = result.as_json()["lines"][0]
    assert set(line) == {"regel", "zorgvorm", "gemeente", "regio", "aanbieder", "error"}
    assert "does not buy zorgvorm LOGEREN" in line["error"] and line["regio"] == "Rijk van Nijmegen"
    with pytest.raises(MappingError, match="no contract of Achterhoek is in force"):
        one(bep("0197", "AMB-REG-IND", 2, "uur", "week", ingang="2027-02-01"))
    with pytest.raises(MappingError, match="cannot be expressed"):
        one(bep("0197", "PLEEGZORG", 10, "uur", "week"))


# ----------------------------------------------------------------- TR381 and JW315 decisions
def test_productcode_past(catalog: Catalog) -> None:
    on = D("2026-06-01")
    assert catalog.productcode_past("45", "JH101", "0197", on).past is True
    assert catalog.productcode_past("46", "JH101", "0197", on).past is False
    assert catalog.productcode_past("46", "JH101", "0281", on).past is True
    assert catalog.productcode_past("45", "45A48", "0197", on).past is True  # national code, any gemeente
    assert catalog.productcode_past("43", "45A48", "0202", on).past is False
    assert catalog.productcode_past("45", "45A00", "0202", on).past is False  # chapter heading
    assert catalog.productcode_past("45", "ZZ999", "0202", on).past is False
    unknown = catalog.productcode_past("45", "ZZ999", "0363", on)  # Amsterdam: no list known
    assert unknown.past is None and "no productcode list is known" in unknown.reden
    assert catalog.productcode_past("45", "JH101", "0197", D("2027-06-01")).past is None


def test_beoordeel_verzoek() -> None:
    base = dict(gemeentecode="0202", productcategorie="45", productcode="45A53", eenheid="04", frequentie="2",
                aanbieder="42420001", ingangsdatum=D("2026-04-15"), einddatum=D("2026-10-14"))
    assert beoordeel_verzoek(**base).toegestaan
    for change, reden in [({"gemeentecode": "0363"}, "5"), ({"aanbieder": "42421001"}, "3"),
                          ({"productcode": "45A49"}, "3"), ({"productcode": "45A05"}, "4"),
                          ({"frequentie": "1"}, "4"), ({"eenheid": "01"}, "4"), ({"productcategorie": "41"}, "4"),
                          ({"einddatum": D("2027-10-14")}, "4"), ({"ingangsdatum": D("2030-01-01")}, "3"),
                          ({"productcode": None}, "4")]:
        result = beoordeel_verzoek(**(base | change))
        assert (result.toegestaan, result.reden_afwijzing) == (False, reden), (change, result)


# ----------------------------------------------------------------- properties
_CAT = default_catalog()
_PAIRS = sorted(
    (g, p.zorgvorm)
    for g in _CAT.gemeenten
    for p in _CAT.contract_voor_gemeente(g, D("2026-06-01")).producten
)


@st.composite
def lines(draw: st.DrawFn) -> tuple[Bepaling, str]:
    gemeente, zorgvorm = draw(st.sampled_from(_PAIRS))
    z = _CAT.zorgvormen[zorgvorm]
    product = _CAT.contract_voor_gemeente(gemeente, D("2026-06-01")).product(zorgvorm)
    start = D("2026-01-01") + timedelta(days=draw(st.integers(0, 364)))
    weeks = draw(st.integers(1, 8))
    eenheid = {"82": "uur", "83": "euro", "84": "stuks", "01": "minuut", "04": "uur", "16": "dagdeel",
               "14": "etmaal"}[product.eenheid]
    if product.eenheid == "01":
        eenheid = draw(st.sampled_from(["minuut", "uur"]))
    freq = {"1": "dag", "2": "week", "4": "maand", "6": "totaal"}[draw(st.sampled_from(product.frequenties))]
    volume = 1 if eenheid in ("etmaal", "dagdeel") and freq != "totaal" else draw(st.integers(1, 6))
    if product.is_traject:
        eenheid, freq, volume = z.eenheid if z.eenheid != "stuks" else "uur", "totaal", 10
    if freq == "totaal":  # a total cannot be split: stay within the shortest maximum (P4W)
        weeks = min(weeks, 4)
    duur = f"P{weeks}W" if freq != "maand" else f"P{draw(st.integers(1, 3))}M"
    data = copy.deepcopy(BASE)
    data.update(gemeente=gemeente, hulp=[{
        "zorgvorm": zorgvorm, "aanbieder": product.aanbieders[0], "ingangsdatum": start.isoformat(), "duur": duur,
        "omvang": {"volume": volume, "eenheid": eenheid, "frequentie": freq}}])
    return Bepaling.model_validate(data), zorgvorm


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines())
def test_any_valid_line_maps_deterministically_and_reverses(case: tuple[Bepaling, str]) -> None:
    b, zorgvorm = case
    first = map_bepaling(b)
    assert first.ok, first.as_json()
    assert first.as_json() == map_bepaling(b).as_json()
    line = first.lines[0]
    assert line.regio == _CAT.regio(b.gemeente) and line.aanbieder_gecontracteerd
    assert _CAT.zorgvorm_voor_productcode(line.productcode, b.gemeente, b.hulp[0].ingangsdatum) == zorgvorm
    assert _CAT.productcode_past(line.productcategorie, line.productcode, b.gemeente,
                                 b.hulp[0].ingangsdatum).past is True
    assert line.perioden[0].ingangsdatum == line.ingangsdatum and line.perioden[-1].einddatum == line.einddatum
    json.dumps(first.as_json())


@settings(max_examples=200, deadline=None)
@given(st.dates(D("2020-01-01"), D("2030-12-31")), st.integers(0, 3), st.integers(0, 30), st.integers(0, 60),
       st.integers(1, 900))
def test_split_covers_period_exactly(start: date, maanden: int, weken: int, dagen: int, lengte: int) -> None:
    maximum = d.Duur(0, maanden, weken, dagen)
    if maximum.is_leeg():
        maximum = d.Duur(dagen=1)
    eind = start + timedelta(days=lengte - 1)
    parts = d.splits(start, eind, maximum)
    assert parts[0].ingangsdatum == start and parts[-1].einddatum == eind
    for a, b in itertools.pairwise(parts):
        assert b.ingangsdatum == a.einddatum + timedelta(days=1)
    assert all(d.past_binnen(p.ingangsdatum, p.einddatum, maximum) for p in parts)
