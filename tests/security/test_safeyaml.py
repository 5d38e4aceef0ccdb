"""The one safe YAML loader: every data file we read has its size, alias, node and depth limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from ijw_gateway.errors import DataError, InputFileError
from ijw_gateway.ledger.routes import Definitions, load_definitions
from ijw_gateway.safeyaml import MAX_ALIASES, MAX_DEPTH, check_depth, load_json, load_yaml, read_yaml
from ijw_gateway.tussentaal.contracts import load_contract
from ijw_gateway.tussentaal.zorgvormen import load_tussentaal

LAUGHS = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]" for i in range(1, 9)]
) + "\n"


def test_codes_stay_text_and_numbers_are_numbers() -> None:
    assert load_yaml("a: 0202\nb: 12\nc: 0299\nd: 2026-04-01\ne: '007'\n", "x") == {
        "a": "0202", "b": 12, "c": "0299", "d": __import__("datetime").date(2026, 4, 1), "e": "007"}


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(DataError, match=r"^x: not valid YAML at line \d+, column \d+: more than 1,000,000 values "
                                        r"\(aliases expanded\)$"):
        load_yaml(LAUGHS, "x")


def test_too_many_aliases() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(DataError, match=f"more than {MAX_ALIASES} aliases"):
        load_yaml(text, "x")
    assert len(load_yaml("a: &a 1\nb: [" + ", ".join(["*a"] * MAX_ALIASES) + "]\n", "x")["b"]) == MAX_ALIASES


@pytest.mark.parametrize("flow", [True, False])
def test_nesting(flow: bool) -> None:
    def nested(depth: int) -> str:
        if flow:
            return "[" * depth + "]" * depth
        return "".join("  " * i + "- \n" for i in range(depth - 1)) + "  " * (depth - 1) + "- x\n"

    assert load_yaml(nested(MAX_DEPTH), "x") is not None
    for depth in (MAX_DEPTH + 1, 600, 20_000):
        with pytest.raises(DataError, match=f"nested deeper than {MAX_DEPTH} levels"):
            load_yaml(nested(depth), "x")


def test_json_nesting() -> None:
    assert load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "x") is not None
    for depth in (MAX_DEPTH + 1, 600, 100_000):
        with pytest.raises(DataError, match=f"^x: lists and mappings nested deeper than {MAX_DEPTH} levels$"):
            load_json("[" * depth + "]" * depth, "x")


def test_check_depth_is_iterative() -> None:
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(DataError, match="nested deeper"):
        check_depth(deep, "x")


def test_a_file_over_its_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: 1\n" + "#" * 2000)
    with pytest.raises(InputFileError, match="larger than the limit of 1000 bytes"):
        read_yaml(path, limit=1000, error=InputFileError)


def test_contracts_tussentaal_and_routes_use_it(tmp_path: Path) -> None:
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text(LAUGHS)
    for load in (load_contract, load_tussentaal):
        with pytest.raises(DataError, match="aliases expanded"):
            load(laughs)
    with pytest.raises(DataError, match="aliases expanded"):
        Definitions.from_yaml(LAUGHS, "routes")
    with pytest.raises(DataError, match="aliases expanded"):
        load_definitions(laughs)
    deep = tmp_path / "deep.yaml"
    deep.write_text("routes: " + "[" * 600 + "]" * 600 + "\n")
    with pytest.raises(DataError, match="nested deeper"):
        load_definitions(deep)
