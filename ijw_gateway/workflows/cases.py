"""A bepaling as the ledger's case: the one place that turns the one into the other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ijw_gateway.errors import UsageError
from ijw_gateway.ledger.cases import CaseDescription
from ijw_gateway.tussentaal import Bepaling, Catalog, default_catalog

__all__ = ["bepaling_of", "case_of"]


def bepaling_of(bepaling: Any) -> Bepaling:
    """A Bepaling from a file path, a Bepaling or a mapping (BepalingError naming every problem)."""
    if isinstance(bepaling, Bepaling):
        return bepaling
    if isinstance(bepaling, str | Path):
        return Bepaling.load(bepaling)
    if isinstance(bepaling, dict):
        return Bepaling.model_validate(bepaling)
    raise UsageError(f"expected a bepaling file, Bepaling or mapping, got {type(bepaling).__name__}")


def case_of(bepaling: Any, catalog: Catalog | None = None) -> CaseDescription:
    """The ledger's case of a bepaling: its kenmerk, route, gemeente and region, GI, maatregel, jeugdige."""
    bep = bepaling_of(bepaling)
    return CaseDescription(
        case=bep.kenmerk,
        route=bep.route,
        gemeente=bep.gemeente,
        regio=(catalog or default_catalog()).regio(bep.gemeente),
        gi=bep.gecertificeerde_instelling,
        maatregel=bep.maatregel,
        vastgesteld_op=bep.vastgesteld_op,
        bsn=bep.jeugdige.bsn,
    )
