"""What the ledger keeps of a message reads the same from its checked tree as from its model:
recording a checked message never needs the model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ijw_gateway.ledger.extract import message_info, tree_info
from ijw_gateway.validation.retour import build_retour
from ijw_gateway.validation.validator import ValidationContext, check, check_built
from tests.ledger import builders as b

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "berichten").glob("*.xml"))
DAY = date(2026, 5, 4)
BUILT = {
    "jw315 two products": b.jw315("EX-1", DAY, "999900031", "0202", ["R-1", "R-2", "R-1"]),
    "jw301 with reference": b.jw301("EX-2", DAY, "999900031", "0202", 7, ref="R-1"),
    "jw319": b.jw319("EX-3", DAY, "0202", "R-1", "1"),
}


@pytest.mark.parametrize("data", [p.read_bytes() for p in EXAMPLES] + list(BUILT.values()),
                         ids=[p.name for p in EXAMPLES] + list(BUILT))
def test_the_tree_and_the_model_give_the_same_ledger_fields(data: bytes) -> None:
    checked = check(data, ValidationContext(rules=False))
    assert checked.xsd_valid and checked.tree is not None and checked.berichttype is not None
    from_tree = tree_info(checked.tree, checked.berichttype)
    model_info = message_info(checked.model)
    assert from_tree == model_info and from_tree.bsn == model_info.bsn
    assert from_tree.regie == model_info.regie  # compare=False: held to the same values here
    # and its retourbericht too, read from the tree built in memory and from the file
    retour = build_retour(checked, DAY)
    if retour is not None:
        built = check_built(retour, ValidationContext(rules=False))
        assert tree_info(built.tree, built.berichttype) == message_info(retour)  # type: ignore[arg-type]
        read = check(built.data, ValidationContext(rules=False))
        assert tree_info(read.tree, read.berichttype) == message_info(retour)  # type: ignore[arg-type]
