"""Bepaling → JW301/JW315 for every region, through the CLI and the library."""

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.tussentaal import Bepaling, default_catalog
from ijw_gateway.tussentaal.mapping import OnmapbareRegel, map_line
from ijw_gateway.tussentaal.zorgvormen import KERN_ZORGVORMEN
from ijw_gateway.workflows.build import build
from tests.tussentaal.test_mapping import lines

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "bepalingen"
DAGTEKENING = date(2026, 4, 20)
START = date(2026, 5, 4)
OMVANGEN = [(4, "uur", "week"), (2, "dagdeel", "week"), (7, "etmaal", "week"), (1, "stuks", "totaal"),
            (16, "uur", "maand"), (30, "etmaal", "maand"), (20, "uur", "totaal")]
PERIODS = [START + timedelta(weeks=12) - timedelta(days=1), date(2026, 8, 3), date(2026, 11, 3)]


def _gemeente_per_regio() -> dict[str, str]:
    catalog = default_catalog()
    found: dict[str, str] = {}
    for code in sorted(catalog.gemeenten):
        found.setdefault(catalog.regio(code), code)
    return found


def _bepaling(gemeente: str, route: str) -> Bepaling:
    """A bepaling with the nine core zorgvormen, each with an omvang the region's contract can take."""
    catalog = default_catalog()
    contract = catalog.contract_voor_gemeente(gemeente, START)
    hulp = []
    for zorgvorm in KERN_ZORGVORMEN:
        aanbieder = contract.product(zorgvorm).aanbieders[0]
        for (volume, eenheid, frequentie), einde in itertools.product(OMVANGEN, PERIODS):
            line = {"zorgvorm": zorgvorm, "aanbieder": aanbieder, "ingangsdatum": START, "einddatum": einde,
                    "omvang": {"volume": volume, "eenheid": eenheid, "frequentie": frequentie}}
            candidate = Bepaling.model_validate(_base(gemeente, route, [line]))
            try:
                map_line(candidate.hulp[0], gemeente)
            except OnmapbareRegel:
                continue
            hulp.append(line)
            break
        else:
            pytest.fail(f"no omvang maps {zorgvorm} in {catalog.regio(gemeente)}")
    return Bepaling.model_validate(_base(gemeente, route, hulp))


def _base(gemeente: str, route: str, hulp: list[dict]) -> dict:
    return {"kenmerk": f"T-{gemeente}-{route}", "gecertificeerde_instelling": "WSS", "jeugdbeschermer": "J. Jansen",
            "maatregel": "OTS", "vastgesteld_op": "2026-04-15", "route": route, "gemeente": gemeente,
            "jeugdige": {"bsn": "999900006", "geboortedatum": "2011-03-01", "geslacht": 2, "achternaam": "Berg",
                         "voorvoegsel": "van den", "voorletters": "S", "voornamen": "Sara"},
            "hulp": hulp}


@pytest.mark.parametrize("regio", sorted(_gemeente_per_regio()))
@pytest.mark.parametrize("route", ["301", "315"])
def test_the_nine_core_zorgvormen_build_valid_messages_in_every_region(official, regio: str, route: str) -> None:
    gemeente = _gemeente_per_regio()[regio]
    bepaling = _bepaling(gemeente, route)
    messages = build(bepaling, dagtekening=DAGTEKENING)
    expected = "JW301" if route == "301" else "JW315"
    catalog = default_catalog()
    codes = set()
    for message in messages:
        assert berichttype_of(message).naam == expected
        data = ijw.to_xml(message)
        assert official.accepts(expected, data)
        assert ijw.validate(data).valid
        products = (message.Client.ToegewezenProducten.ToegewezenProduct if route == "301"
                    else message.Client.AangevraagdeProducten.AangevraagdProduct)
        codes |= {p.Product.Code for p in products}
    contract = catalog.contract_voor_gemeente(gemeente, START)
    assert codes == {contract.product(z).productcode for z in KERN_ZORGVORMEN}
    for code in codes:  # reverse lookup gives back the zorgvorm
        assert catalog.zorgvorm_voor_productcode(code, gemeente, START) in KERN_ZORGVORMEN


def test_a_jw315_carries_the_kenmerk_and_the_gi_as_verwijzer() -> None:
    bep = Bepaling.load(EXAMPLES / "02-centraal-gelderland-arnhem-315.yaml")
    (message,) = build(bep, dagtekening=DAGTEKENING)
    product = message.Client.AangevraagdeProducten.AangevraagdProduct[0]
    assert product.ReferentieAanbieder == "GI-2026-000123-1"
    assert product.Verwijzer.Type == "04" and product.Verwijzer.Naam == "Jeugdbescherming Gelderland"
    assert message.Header.Ontvanger == "0202"


def test_building_twice_gives_the_same_identificatie_and_numbers() -> None:
    bep = Bepaling.load(EXAMPLES / "01-achterhoek-doetinchem-301.yaml")
    first, second = build(bep, dagtekening=DAGTEKENING), build(bep, dagtekening=DAGTEKENING)
    assert [m.Header.BerichtIdentificatie for m in first] == [m.Header.BerichtIdentificatie for m in second]
    nummers = [p.ToewijzingNummer for m in first for p in m.Client.ToegewezenProducten.ToegewezenProduct]
    assert len(set(nummers)) == len(nummers)


def test_cli_build_writes_the_messages(tmp_path: Path, capsys) -> None:
    code = main(["build", str(EXAMPLES / "04-midden-ijssel-apeldoorn-315.yaml"), "--out", str(tmp_path),
                 "--dagtekening", "2026-04-20"])
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    senders = sorted(ijw.parse((tmp_path / n).read_bytes()).Header.Afzender for n in names)
    # two providers send a JW315 to the same gemeente: one file each, named by both parties
    assert names == [f"JVV-2026-000042-JW315-0200-{agb}.xml" for agb in senders] and len(set(senders)) == 2
    assert main(["validate", str(tmp_path)]) == 0


def test_cli_build_of_an_unmappable_bepaling_exits_1_and_writes_nothing(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    code = main(["build", str(EXAMPLES / "10-fout-rijk-van-nijmegen-logeren.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and not out.exists()
    assert "line 1 (LOGEREN)" in err and "Rijk van Nijmegen" in err


def test_cli_build_refuses_a_provider_without_contract(tmp_path: Path, capsys) -> None:
    text = (EXAMPLES / "02-centraal-gelderland-arnhem-315.yaml").read_text().replace('"42420001"', '"42429999"')
    source = tmp_path / "b.yaml"
    source.write_text(text)
    code = main(["build", str(source), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and "42429999" in err and "contracted:" in err
    assert not (tmp_path / "out").exists()
    assert main(["map", str(source)]) == 1
    assert "NOT contracted" in capsys.readouterr().out


def test_cli_map_json_shape(capsys) -> None:
    import json

    code = main(["map", str(EXAMPLES / "02-centraal-gelderland-arnhem-315.yaml"), "--format", "json"])
    line = json.loads(capsys.readouterr().out)["lines"][0]
    assert code == 0
    assert {"zorgvorm", "gemeente", "regio", "productcategorie", "productcode", "eenheid", "frequentie", "volume",
            "aanbieder", "aanbieder_gecontracteerd", "gecontracteerde_aanbieders"} <= set(line)
    assert line["regio"] == "Centraal Gelderland"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=lines(), route=st.sampled_from(["301", "315"]))
def test_any_valid_bepaling_builds_messages_that_pass_the_official_xsds_and_our_rules(official, case, route) -> None:
    bepaling, _ = case
    messages = build(bepaling, route=route, dagtekening=DAGTEKENING)
    assert messages
    for message in messages:
        data = ijw.to_xml(message)
        assert official.accepts(berichttype_of(message).naam, data)
        assert ijw.validate(data, today=date(2030, 1, 1)).valid
