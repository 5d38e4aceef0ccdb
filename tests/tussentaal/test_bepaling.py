"""The bepaling file: valid input, every error path, privacy of personal data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ijw_gateway.errors import BepalingError
from ijw_gateway.tussentaal.bepaling import Bepaling

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "bepalingen").glob("*.yaml"))


def problems(data: Any) -> list[str]:
    with pytest.raises(BepalingError) as info:
        Bepaling.model_validate(data)
    return info.value.problems


def test_valid_dict(base: dict) -> None:
    bep = Bepaling.model_validate(base)
    assert bep.gemeente == "0202" and bep.route == "315" and bep.jeugdige.geslacht == "1"
    assert bep.hulp[0].periode_einde.isoformat() == "2026-10-14"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_load(path: Path) -> None:
    bep = Bepaling.load(path)
    assert bep.jeugdige.bsn.startswith("9999")


def test_examples_cover_regions_routes_and_core(catalog) -> None:
    beps = [Bepaling.load(p) for p in EXAMPLES]
    assert {catalog.regio(b.gemeente) for b in beps} == set(catalog.contracten[i].regio for i in range(7))
    assert {b.route for b in beps} == {"301", "315"}
    from ijw_gateway.tussentaal.zorgvormen import KERN_ZORGVORMEN
    assert set(KERN_ZORGVORMEN) <= {h.zorgvorm for b in beps for h in b.hulp}


def test_json_and_yaml_files(tmp_path: Path, base: dict) -> None:
    j = tmp_path / "b.json"
    j.write_text(json.dumps(base))
    y = tmp_path / "b.yaml"
    y.write_text(yaml.safe_dump(base))
    assert Bepaling.load(j) == Bepaling.load(y)


def test_duur_instead_of_einddatum(base: dict) -> None:
    del base["hulp"][0]["einddatum"]
    base["hulp"][0]["duur"] = "P6M"
    assert Bepaling.model_validate(base).hulp[0].periode_einde.isoformat() == "2026-10-14"


def test_unquoted_leading_zero_gemeente_stays_text(tmp_path: Path, base: dict) -> None:
    text = yaml.safe_dump(base).replace("gemeente: '0202'", "gemeente: 0202")
    assert "gemeente: 0202" in text
    path = tmp_path / "b.yaml"
    path.write_text(text)
    assert Bepaling.load(path).gemeente == "0202"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: b.update(kenmerk="a b/c"), "kenmerk: 'a b/c' — 1 to 50 letters"),
        (lambda b: b.update(gecertificeerde_instelling="XYZ"), "gecertificeerde_instelling: 'XYZ' — one of JBG, WSS"),
        (lambda b: b.update(maatregel="ots"), "maatregel: 'ots' — one of OTS"),
        (lambda b: b.update(vastgesteld_op="2026-02-30"), "vastgesteld_op: '2026-02-30' — an existing calendar date"),
        (lambda b: b.update(vastgesteld_op=20260401), "vastgesteld_op: 20260401 — a date YYYY-MM-DD"),
        (lambda b: b.update(route="302"), "route: '302' — \"301\""),
        (lambda b: b.update(gemeente="0363"), "gemeente: '0363' — the CBS code of one of the 54"),
        (lambda b: b.update(gemeente=130), "gemeente: 130 — a CBS gemeentecode of 4 digits"),
        (lambda b: b.update(onbekend=1), "onbekend: (hidden) — not a field of the bepaling"),
        (lambda b: b.pop("jeugdbeschermer"), "jeugdbeschermer: (missing) — required"),
        (lambda b: b.update(jeugdbeschermer=" "), "jeugdbeschermer: (hidden) — the name of the jeugdbeschermer"),
        (lambda b: b.update(hulp=[]), "hulp: (list) — a list of one or more hulp lines"),
        (lambda b: b["jeugdige"].update(bsn="999900007"), "jeugdige.bsn: (hidden) — a BSN of 9 digits"),
        (lambda b: b["jeugdige"].update(geslacht=3), "jeugdige.geslacht: 3 — 0 (onbekend)"),
        (lambda b: b["jeugdige"].update(achternaam="x" * 201),
         "jeugdige.achternaam: (hidden) — a text of at most 200"),
        (lambda b: b["jeugdige"].update(voorvoegsel="van der van den"),
         "jeugdige.voorvoegsel: (hidden) — a text of at most 10"),
        (lambda b: b["jeugdige"].update(voorletters="ABCDEFG"), "jeugdige.voorletters: (hidden) — 1 to 6 letters"),
        (lambda b: b["jeugdige"].update(geboortedatum="2026-05-01"),
         "jeugdige.geboortedatum: (hidden) — a date on or before"),
        (lambda b: b["hulp"][0].update(zorgvorm="AMB-XXX"),
         "hulp[1].zorgvorm: 'AMB-XXX' — a zorgvorm of the tussentaal"),
        (lambda b: b["hulp"][0].update(aanbieder="4242001"), "hulp[1].aanbieder: '4242001' — an AGB code of 8 digits"),
        (lambda b: b["hulp"][0].update(duur="P6M"), "hulp[1].einddatum: 2026-10-14 — either einddatum or duur"),
        (lambda b: b["hulp"][0].pop("einddatum"), "hulp[1].einddatum: (empty) — either einddatum or duur"),
        (lambda b: b["hulp"][0].update(einddatum="2026-04-01"),
         "hulp[1].einddatum: 2026-04-01 — on or after ingangsdatum"),
        (lambda b: b["hulp"][0].update(evaluatiemomenten=["2027-01-01"]),
         "hulp[1].evaluatiemomenten[1]: 2027-01-01 — a date within the period 2026-04-15..2026-10-14"),
        (lambda b: b["hulp"][0].update(evaluatiemomenten=["2026-07-15", "2026-07-15"]),
         "hulp[1].evaluatiemomenten: (empty) — each date once"),
        (lambda b: b["hulp"][0].update(commentaar="  "), "hulp[1].commentaar: (hidden) — a text, not empty"),
        (lambda b: b["hulp"][0].update(duur="6 maanden", einddatum=None), "hulp[1].duur: '6 maanden' — an ISO 8601"),
        (lambda b: b["hulp"][0]["omvang"].update(volume=0), "hulp[1].omvang.volume: 0 — a whole number from 1"),
        (lambda b: b["hulp"][0]["omvang"].update(volume=True), "hulp[1].omvang.volume: True — a whole number"),
        (lambda b: b["hulp"][0]["omvang"].update(volume=200), "hulp[1].omvang.volume: 200 — at most 168 uur per week"),
        (lambda b: b["hulp"][0]["omvang"].update(eenheid="uren"), "hulp[1].omvang.eenheid: 'uren' — one of minuut"),
        (lambda b: b["hulp"][0]["omvang"].update(frequentie="jaar"), "hulp[1].omvang.frequentie: 'jaar' — one of dag"),
        (lambda b: b["hulp"][0]["omvang"].update(eenheid="etmaal", frequentie="totaal", volume=190),
         "hulp[1].omvang.volume: 190 — at most 183 etmaal over the whole period"),
    ],
)
def test_every_field_error(base: dict, change: Any, expected: str) -> None:
    change(base)
    found = problems(base)
    assert any(p.startswith(expected) for p in found), found


def test_all_problems_reported_together(base: dict) -> None:
    base["route"] = "999"
    base["jeugdige"]["bsn"] = "123"
    line = dict(base["hulp"][0], zorgvorm="NOPE", duur="P1M")  # two problems on one line
    base["hulp"] = [line, dict(base["hulp"][0], einddatum="2026-01-01")]
    found = problems(base)
    assert len(found) == 5, found
    assert any(p.startswith("hulp[1].einddatum") for p in found)
    assert any(p.startswith("hulp[2].einddatum") for p in found)


def test_personal_data_never_in_errors_or_repr(base: dict) -> None:
    base["jeugdige"].update(bsn="999900007", achternaam="Geheimnaam" + "x" * 200)
    with pytest.raises(BepalingError) as info:
        Bepaling.model_validate(base)
    err = info.value
    assert "999900007" not in str(err) and "Geheimnaam" not in str(err)
    ok = Bepaling.model_validate(dict(base, jeugdige=dict(base["jeugdige"], bsn="999900006", achternaam="Wit")))
    assert "999900006" not in repr(ok) and "Wit" not in repr(ok) and "de Vries" not in repr(ok)


@pytest.mark.parametrize("data", [None, [], "text", 3])
def test_top_level_not_a_mapping(data: Any) -> None:
    assert problems(data) == [
        "top level: expected a mapping with kenmerk, gecertificeerde_instelling, …, hulp"
    ]


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(BepalingError, match="file not found"):
        Bepaling.load(tmp_path / "nope.yaml")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (Bepaling.MAX_BYTES + 1))
    with pytest.raises(BepalingError, match="larger than the limit"):
        Bepaling.load(big)
    bad = tmp_path / "bad.yaml"
    bad.write_text("kenmerk: [unclosed\n")
    with pytest.raises(BepalingError, match="not valid YAML at line"):
        Bepaling.load(bad)
    badj = tmp_path / "bad.json"
    badj.write_text("{")
    with pytest.raises(BepalingError, match="not valid JSON"):
        Bepaling.load(badj)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BepalingError, match="not UTF-8"):
        Bepaling.load(binary)
    with pytest.raises(BepalingError, match="not a regular file"):
        Bepaling.load(tmp_path)
    unsafe = tmp_path / "unsafe.yaml"
    unsafe.write_text("!!python/object/apply:os.system ['true']\n")
    with pytest.raises(BepalingError, match="not valid YAML"):
        Bepaling.load(unsafe)


# ------------------------------------------------------------------ issue 11: words, bounds, digits
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: b["hulp"][0].update(zorgvorm="AMB-SPEC-INDD"), "(did you mean AMB-SPEC-IND?;"),
        (lambda b: b["hulp"][0].update(zorgvorm="amb spec ind"), "(did you mean AMB-SPEC-IND?;"),
        (lambda b: b["hulp"][0].update(zorgvorm="logeeren"), "(did you mean LOGEREN?;"),
        (lambda b: b.update(gemeente="Arnhm"), 'written as text (did you mean "0202" (Arnhem)?)'),
        (lambda b: b.update(gemeente="nijmegen"), 'written as text (did you mean "0268" (Nijmegen)?)'),
        (lambda b: b["jeugdige"].update(geboortedatumm="2010-02-14"),
         "(check the spelling); did you mean geboortedatum?"),
        (lambda b: b["hulp"][0].update(Omvang=1), "(check the spelling); did you mean omvang?"),
    ],
)
def test_did_you_mean(base: dict, change: Any, expected: str) -> None:
    change(base)
    assert any(expected in p for p in problems(base)), problems(base)


def test_no_suggestion_when_nothing_is_close(base: dict) -> None:
    base["hulp"][0]["zorgvorm"] = "QQQQQQ"
    base["gemeente"] = "Amsterdam"
    found = problems(base)
    assert not any("did you mean" in p for p in found), found


@pytest.mark.parametrize(("where", "field"), [
    ("jeugdige", "bsn"), ("hulp", "aanbieder"), ("top", "gemeente"), ("top", "vastgesteld_op"),
    ("jeugdige", "geboortedatum"), ("hulp", "ingangsdatum"), ("hulp", "einddatum"),
])
def test_codes_and_dates_take_ascii_digits_only(base: dict, where: str, field: str) -> None:
    target = base["jeugdige"] if where == "jeugdige" else base["hulp"][0] if where == "hulp" else base
    target[field] = str(target[field]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    found = problems(base)
    assert any(p.split(":")[0].endswith(field) for p in found), found


def test_a_duur_takes_ascii_digits_only(base: dict) -> None:
    base["hulp"][0].pop("einddatum")
    base["hulp"][0]["duur"] = "P６M"
    assert any(p.startswith("hulp[1].duur: 'P６M' — an ISO 8601 duration") for p in problems(base))


@pytest.mark.parametrize("field", ["achternaam", "voornamen", "voorvoegsel"])
def test_a_name_is_on_one_line(base: dict, field: str) -> None:
    base["jeugdige"][field] = "de\nWit"
    assert f"jeugdige.{field}: (hidden) — a text on one line, without tabs" in problems(base)


def test_values_of_unknown_keys_and_free_text_are_hidden(base: dict) -> None:
    base["jeugdige"]["bsnr"] = "999900006"
    base["naam"] = "Zonnebloemveldhuis"
    base["hulp"][0]["commentaar"] = "Zonnebloemveldhuis \x01"
    found = "\n".join(problems(base))
    assert "999900006" not in found and "Zonnebloemveldhuis" not in found
    assert "jeugdige.bsnr: (hidden)" in found and "naam: (hidden)" in found and "commentaar: (hidden)" in found


def test_a_jeugdige_that_is_not_a_mapping_is_hidden(base: dict) -> None:
    base["jeugdige"] = "Tom de Wit, 999900006"
    assert problems(base) == ["jeugdige: (hidden) — a mapping of fields"]


def test_problems_are_capped_and_counted(base: dict) -> None:
    base.update({f"veld{i}": i for i in range(250)})
    with pytest.raises(BepalingError) as info:
        Bepaling.model_validate(base)
    assert str(info.value).startswith("the bepaling is invalid (250 problems)")
    assert len(info.value.problems) == 101 and info.value.problems[-1] == "… and 150 more problems"


def test_a_list_over_its_bound_is_one_problem_whatever_its_length(base: dict) -> None:
    base["hulp"][0]["evaluatiemomenten"] = ["2030-01-01"] * 200_000
    assert problems(base) == ["hulp[1].evaluatiemomenten: (list) — a list of at most 24 dates YYYY-MM-DD"]
    base["hulp"] = [base["hulp"][0]] * 100_000
    assert problems(base) == ["hulp: (list) — at most 50 hulp lines"]


def test_one_problem_is_one_problem(base: dict) -> None:
    base["route"] = "999"
    with pytest.raises(BepalingError, match=r"^the bepaling is invalid \(1 problem\)"):
        Bepaling.model_validate(base)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("depth", [33, 600, 5000])
def test_nesting_deeper_than_the_limit_is_one_problem(tmp_path: Path, base: dict, suffix: str, depth: int) -> None:
    from ijw_gateway.safeyaml import MAX_DEPTH

    path = tmp_path / f"deep{suffix}"
    path.write_text(json.dumps(base)[:-1] + ', "extra": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}")  # JSON is YAML
    with pytest.raises(BepalingError) as info:
        Bepaling.load(path)
    (problem,) = info.value.problems
    assert problem.startswith(str(path)) and problem.endswith(f"nested deeper than {MAX_DEPTH} levels"), problem


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_nesting_up_to_the_limit_is_read(tmp_path: Path, base: dict, suffix: str) -> None:
    from ijw_gateway.safeyaml import MAX_DEPTH

    path = tmp_path / f"deep{suffix}"
    path.write_text(json.dumps(base)[:-1] + ', "extra": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}")
    with pytest.raises(BepalingError) as info:
        Bepaling.load(path)
    assert info.value.problems == ["extra: (hidden) — not a field of the bepaling (check the spelling)"]
