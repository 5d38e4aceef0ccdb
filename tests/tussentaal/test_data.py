"""Shipped data, data loading errors, and the importers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from ijw_gateway.errors import DataError
from ijw_gateway.tussentaal.catalog import Catalog
from ijw_gateway.tussentaal.contract_import import import_contract_csv
from ijw_gateway.tussentaal.gemeenten import REGIOS, import_cbs_csv, load_cbs
from ijw_gateway.tussentaal.standaardlijst import import_standaardlijst, load_standaardlijst
from ijw_gateway.tussentaal.zorgvormen import KERN_ZORGVORMEN

STANDAARDLIJST = Path("productcodes") / "standaardproductcodelijst-jeugdwet.json"


def test_shipped_counts(catalog: Catalog) -> None:
    assert len(catalog.gemeenten) == 54
    assert sum(g.provincie == "Gelderland" for g in catalog.gemeenten.values()) == 51
    assert {g.naam for g in catalog.gemeenten.values() if g.provincie != "Gelderland"} == {
        "Mook en Middelaar", "Renswoude", "Veenendaal"}
    assert {g.regio for g in catalog.gemeenten.values()} == set(REGIOS)
    assert len(catalog.cbs.entries) == 342
    assert len(catalog.standaardlijst) == 450
    assert len(catalog.zorgvormen) >= 25
    assert {c.regio for c in catalog.contracten} == set(REGIOS)


def test_contract_variety(catalog: Catalog) -> None:
    contracts = {c.regio: c for c in catalog.contracten}
    assert sum(c.codering == "eigen" for c in contracts.values()) >= 3
    assert sum(c.codering == "standaard" for c in contracts.values()) >= 2
    assert any(p.eenheid == "01" for c in contracts.values() for p in c.producten)
    assert any(p.is_traject for c in contracts.values() for p in c.producten)
    for c in contracts.values():
        assert c.fictief and all(a.fictief and a.agb.startswith("4242") for a in c.aanbieders)
        assert all(c.product(z) for z in KERN_ZORGVORMEN)
        assert len(c.aanbieders) >= 5
        assert any(len(p.aanbieders) < len(c.aanbieders) for p in c.producten)
        for p in c.producten:
            assert (p.productcode in catalog.standaardlijst) == (c.codering == "standaard")
    # The same own code means different things in two regions.
    assert contracts["Achterhoek"].product_met_code("JH101").zorgvorm != \
        contracts["Rivierenland"].product_met_code("JH101").zorgvorm


def test_core_standard_codes(catalog: Catalog) -> None:
    expected = {"AMB-REG-IND": {"45A48"}, "AMB-SPEC-IND": {"45A53"}, "AMB-SPEC-GEZIN": {"45A56"},
                "DIAGNOSTIEK": {"45A06"}, "DAGBEH-SPEC": {"41A04"}, "PLEEGZORG": {"44A07", "43A09"},
                "GEZINSHUIS": {"44A08", "43A10"}, "VERBLIJF-BEH": {"43A07"}, "CRISIS-VERBLIJF": {"46A03"}}
    for code, codes in expected.items():
        assert codes <= set(catalog.zorgvormen[code].standaardcodes)


def test_cbs_validity(catalog: Catalog, tmp_path: Path) -> None:
    assert catalog.cbs_geldig("0202", date(2026, 6, 1))
    assert catalog.cbs_geldig("0202", date(2019, 1, 1))  # before our earliest list: that list is used
    assert not catalog.cbs_geldig("9999", date(2026, 6, 1))
    dest = tmp_path / "cbs.csv"
    dest.write_text("gemeentecode,naam,provincie,geldig_vanaf,geldig_tot\n"
                    "0202,Arnhem,Gelderland,2026-01-01,\n0203,Barneveld,Gelderland,2026-01-01,\n")
    export = tmp_path / "export.csv"
    export.write_text("Gemeentecode;Gemeentenaam;Provincienaam\nGM0202;Arnhem;Gelderland\n"
                      "GM2001;Nieuwegemeente;Gelderland\n")
    assert import_cbs_csv(export, dest, date(2027, 1, 1)) == (1, 1)
    entries = {e.gemeentecode: e for e in load_cbs(dest)}
    assert entries["0203"].geldig_tot == date(2026, 12, 31)
    assert entries["2001"].geldig_vanaf == date(2027, 1, 1)
    export.write_text("Code;Naam\n1;x\n")
    with pytest.raises(DataError, match="missing column"):
        import_cbs_csv(export, dest, date(2028, 1, 1))


def test_import_standaardlijst(tmp_path: Path, reference: Path) -> None:
    dest = tmp_path / "std.csv"
    assert import_standaardlijst(reference / STANDAARDLIJST, dest) == 450
    shipped = Path(__file__).resolve().parents[2] / "productcodes" / "standaardproductcodes.csv"
    assert dest.read_text() == shipped.read_text()
    assert load_standaardlijst(dest)["40A00"].productcategorie is None


def test_import_standaardlijst_errors(tmp_path: Path) -> None:
    src = tmp_path / "s.json"
    dest = tmp_path / "d.csv"
    for content, message in [
        ("{", "not valid JSON"),
        ('{"products": []}', "non-empty list"),
        ('{"products": [{"productcode": "45A48"}]}', "missing key"),
        (json.dumps({"products": [dict.fromkeys(
            ["productcode", "omschrijving", "productcategorie_code", "productcategorie_omschrijving",
             "uitvoeringsvariant", "dimensie_hulpvorm_code", "dimensie_hulpvorm_omschrijving",
             "nza_declaratiecode"], "x")]}), "column productcode"),
    ]:
        src.write_text(content)
        with pytest.raises(DataError, match=message):
            import_standaardlijst(src, dest)
    assert not dest.exists()


def _edit_yaml(path: Path, edit) -> None:
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


CONTRACT = "contracten/2026/achterhoek.yaml"


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        (CONTRACT, lambda d: d["producten"][0].update(zorgvorm="ONBEKEND"), "is not a zorgvorm of the tussentaal"),
        (CONTRACT, lambda d: d["producten"][0].update(productcode="45A48"), "collides with the national standard"),
        (CONTRACT, lambda d: d["producten"].pop(0), "does not buy the core zorgvorm(en) AMB-REG-IND"),
        (CONTRACT, lambda d: d["producten"][0].update(eenheid="99"), "eenheid: '99' — expected a WJ756"),
        (CONTRACT, lambda d: d["producten"][0].update(eenheid="16", frequenties=["1"]), "is not allowed with eenheid"),
        (CONTRACT, lambda d: d["producten"][0].update(aanbieders=["12345678"]), "not in the contract's aanbieders"),
        (CONTRACT, lambda d: d["producten"][1].update(productcode=d["producten"][0]["productcode"]),
         "is used for two zorgvormen"),
        (CONTRACT, lambda d: d["producten"][0].update(max_duur="1 jaar"), "an ISO 8601 duration"),
        (CONTRACT, lambda d: d.update(regio="Gelderland"), "regio: 'Gelderland' — expected one of"),
        (CONTRACT, lambda d: d.update(jaar=2027), "belongs in contracten/2027/"),
        (CONTRACT, lambda d: d.update(geldig_tot=None), "overlap"),
        ("contracten/2026/noord-veluwe.yaml", lambda d: d["producten"][0].update(productcode="45A49"),
         "is grouped by AMB-REG-GROEP, not by AMB-REG-IND"),
        ("contracten/2026/noord-veluwe.yaml", lambda d: d["producten"][0].update(productcode="ZZ001"),
         "is not in the standard product code list"),
        ("contracten/2026/noord-veluwe.yaml", lambda d: d["producten"][0].update(productcategorie="41"),
         "has productcategorie 45"),
        ("contracten/2026/noord-veluwe.yaml", lambda d: d["producten"][0].update(eenheid="82"), "does not fit the"),
        ("tussentaal.yaml", lambda d: d["zorgvormen"][0].update(standaardcodes=["99X99"]),
         "99X99 is not in the standard product code list"),
        ("tussentaal.yaml", lambda d: d["zorgvormen"][1]["standaardcodes"].append("45A48"), "already grouped by"),
        ("tussentaal.yaml", lambda d: d["zorgvormen"][0].update(eenheid="uren"), "zorgvormen[1 AMB-REG-IND].eenheid"),
        ("tussentaal.yaml", lambda d: d["zorgvormen"].pop(0), "core zorgvorm(en) AMB-REG-IND are missing"),
    ],
)
def test_data_errors(data_copy: Path, file: str, edit, message: str) -> None:
    if "overlap" in message:
        extra = data_copy / "contracten" / "2027" / "achterhoek.yaml"
        extra.parent.mkdir()
        text = (data_copy / CONTRACT).read_text().replace("jaar: 2026", "jaar: 2027")
        extra.write_text(text.replace("2026-01-01", "2027-01-01").replace("2026-12-31", "2027-12-31"))
    _edit_yaml(data_copy / file, edit)
    with pytest.raises(DataError) as info:
        Catalog.load(data_copy)
    assert message in str(info.value)
    assert str(data_copy) in str(info.value) or "overlap" in message


def test_csv_errors(data_copy: Path) -> None:
    path = data_copy / "gemeenten.csv"
    text = path.read_text()
    path.write_text(text + "9999,Nergens,Gelderland,Achterhoek\n")
    with pytest.raises(DataError, match=r"gemeente 9999 .* is not in cbs-gemeenten\.csv"):
        Catalog.load(data_copy)
    path.write_text(text + "0202,Arnhem,Gelderland,Achterhoek\n")
    with pytest.raises(DataError, match="line 56, column gemeentecode: 0202 appears twice"):
        Catalog.load(data_copy)
    path.write_text(text.replace("Achterhoek", "Oost", 1))
    with pytest.raises(DataError, match="column regio: 'Oost'"):
        Catalog.load(data_copy)
    path.write_text("code,naam\n")
    with pytest.raises(DataError, match="missing column"):
        Catalog.load(data_copy)
    (data_copy / "gemeenten.csv").unlink()
    with pytest.raises(DataError, match="file not found"):
        Catalog.load(data_copy)
    with pytest.raises(DataError, match="not a productcodes directory"):
        Catalog.load(data_copy / "nope")


def test_two_years_choose_contract_by_date(data_copy: Path) -> None:
    src = (data_copy / CONTRACT).read_text()
    nxt = data_copy / "contracten" / "2027" / "achterhoek.yaml"
    nxt.parent.mkdir()
    nxt.write_text(src.replace("jaar: 2026", "jaar: 2027").replace("2026-01-01", "2027-01-01")
                   .replace("2026-12-31", "2027-12-31").replace("JH101", "JH201"))
    cat = Catalog.load(data_copy)
    assert cat.contract("Achterhoek", date(2026, 12, 31)).jaar == 2026
    assert cat.contract("Achterhoek", date(2027, 1, 1)).jaar == 2027
    assert cat.contract("Achterhoek", date(2028, 1, 1)) is None
    assert cat.zorgvorm_voor_productcode("JH201", "0197", date(2027, 3, 1)) == "AMB-REG-IND"
    assert cat.zorgvorm_voor_productcode("JH201", "0197", date(2026, 3, 1)) is None


HEADER = "zorgvorm;productcode;productcategorie;omschrijving;eenheid;frequenties;max_duur;tarief;aanbieders\n"
CORE_ROWS = [
    "AMB-REG-IND;XA001;45;Ambulant;uur;week|maand;P12M;71,50;12345678|23456789",
    "AMB-SPEC-IND;XA002;45;;04;2;P12M;98.00;12345678",
    "AMB-SPEC-GEZIN;XA003;45;;uur;2;P12M;101;12345678",
    "DIAGNOSTIEK;XA004;45;;stuks output;totaal;P4M;1850;23456789",
    "DAGBEH-SPEC;XA005;41;;dagdeel;2;P6M;104;23456789",
    "PLEEGZORG;XA006;44;;etmaal;2|4;P24M;42,60;34567890",
    "GEZINSHUIS;XA007;44;;etmaal;2;P24M;196,50;34567890",
    "VERBLIJF-BEH;XA008;43;;etmaal;2;P12M;278,50;23456789",
    "CRISIS-VERBLIJF;XA009;46;;etmaal;2;P4W;412;34567890",
]


def test_import_contract_csv(tmp_path: Path, catalog: Catalog, data_copy: Path) -> None:
    csv_path = tmp_path / "lijst.csv"
    csv_path.write_text(HEADER + "\n".join(CORE_ROWS) + "\n")
    contract = import_contract_csv(csv_path, "Noord-Veluwe", 2027, dest=data_copy,
                                   aanbieder_namen={"12345678": "Aanbieder A"})
    assert contract.codering == "eigen" and contract.geldig_vanaf == date(2027, 1, 1)
    p = contract.product("AMB-REG-IND")
    assert (p.eenheid, p.frequenties, p.tarief) == ("04", ("2", "4"), 7150)
    assert contract.product("DIAGNOSTIEK").is_traject
    assert contract.aanbieder("12345678").naam == "Aanbieder A"
    written = data_copy / "contracten" / "2027" / "noord-veluwe.yaml"
    assert written.is_file()
    loaded = Catalog.load(data_copy)
    assert loaded.contract("Noord-Veluwe", date(2027, 5, 1)) == contract


def test_import_contract_csv_errors(tmp_path: Path) -> None:
    csv_path = tmp_path / "lijst.csv"
    rows = list(CORE_ROWS)
    rows[0] = "AMB-REG-IND;XA001;45;;uren;week;12 maanden;71,555;1234"
    rows[1] = "ONBEKEND;TOOLONG;99;;16;1;P1M;-1;12345678"
    csv_path.write_text(HEADER + "\n".join(rows) + "\n")
    with pytest.raises(DataError) as info:
        import_contract_csv(csv_path, "Noord-Veluwe", 2027)
    text = str(info.value)
    for expected in ["line 2, column eenheid: 'uren'", "line 2, column max_duur: '12 maanden'",
                     "line 2, column tarief: '71,555'", "line 2, column aanbieders: '1234'",
                     "line 3, column zorgvorm: 'ONBEKEND'", "line 3, column productcode: 'TOOLONG'",
                     "line 3, column productcategorie: '99'", "line 3, column tarief: '-1'"]:
        assert expected in text, text
    csv_path.write_text(HEADER + "\n".join(CORE_ROWS[:-1]) + "\n")
    with pytest.raises(DataError, match="core zorgvorm"):
        import_contract_csv(csv_path, "Noord-Veluwe", 2027)
    csv_path.write_text(HEADER + "\n".join([*CORE_ROWS[1:], CORE_ROWS[0].replace("XA001", "45A48")]) + "\n")
    with pytest.raises(DataError, match="mixes national standard codes"):
        import_contract_csv(csv_path, "Noord-Veluwe", 2027)
    csv_path.write_text(HEADER + "\n".join([*CORE_ROWS, CORE_ROWS[0]]) + "\n")
    with pytest.raises(DataError, match="each zorgvorm once"):
        import_contract_csv(csv_path, "Noord-Veluwe", 2027)
    csv_path.write_text("zorgvorm;productcode\n")
    with pytest.raises(DataError, match="missing column"):
        import_contract_csv(csv_path, "Noord-Veluwe", 2027)
    with pytest.raises(DataError, match="expected one of"):
        import_contract_csv(csv_path, "Veluwe", 2027)


def test_cli_productcodes_import(tmp_path: Path, data_copy: Path, capsys) -> None:
    from ijw_gateway.cli import main

    csv_path = tmp_path / "lijst.csv"
    csv_path.write_text(HEADER + "\n".join(CORE_ROWS) + "\n")
    code = main(["productcodes", "import", str(csv_path), "--regio", "Noord-Veluwe", "--jaar", "2027",
                 "--dest", str(data_copy)])
    assert code == 0 and "imported" in capsys.readouterr().out
    assert (data_copy / "contracten" / "2027" / "noord-veluwe.yaml").is_file()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "AMB-REG-IND;XA001;45;;uren;week;P1Y;7150;12345678\n")
    assert main(["productcodes", "import", str(bad), "--regio", "Noord-Veluwe", "--jaar", "2027",
                 "--dest", str(data_copy)]) == 2
    assert "column eenheid: 'uren'" in capsys.readouterr().err


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _full_width_agb(contract: dict, agb: str) -> None:
    """The provider's AGB code in full-width digits, wherever the contract names it."""
    for aanbieder in contract["aanbieders"]:
        if aanbieder["agb"] == agb:
            aanbieder["agb"] = agb.translate(FULL_WIDTH)
    for product in contract["producten"]:
        product["aanbieders"] = [a.translate(FULL_WIDTH) if a == agb else a for a in product["aanbieders"]]


@pytest.mark.parametrize(
    ("file", "edit"),
    [
        (CONTRACT, lambda d: _full_width_agb(d, d["aanbieders"][0]["agb"])),
        (CONTRACT, lambda d: d["producten"][0].update(productcategorie="４５")),
        (CONTRACT, lambda d: d["producten"][0].update(max_duur="P１Y")),
        ("tussentaal.yaml", lambda d: d["zorgvormen"][0].update(productcategorie="４５")),
    ],
)
def test_codes_in_the_data_take_ascii_digits_only(data_copy: Path, file: str, edit) -> None:
    """Python's \\d and int() take any script's digits; a code in our data takes 0-9 only."""
    _edit_yaml(data_copy / file, edit)
    with pytest.raises(DataError):
        Catalog.load(data_copy)


@pytest.mark.parametrize("csv_file", ["gemeenten.csv", "standaardproductcodes.csv"])
def test_codes_in_the_csv_data_take_ascii_digits_only(data_copy: Path, csv_file: str) -> None:
    path = data_copy / csv_file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    code, rest = lines[1].split(",", 1)
    path.write_text("".join([lines[0], code.translate(FULL_WIDTH) + "," + rest, *lines[2:]]), encoding="utf-8")
    with pytest.raises(DataError):
        Catalog.load(data_copy)
