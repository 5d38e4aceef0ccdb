"""A bepaling as the ledger's case: the one place that turns the one into the other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ijw_gateway.errors import IjwError, UsageError
from ijw_gateway.ledger.cases import CaseDescription
from ijw_gateway.tussentaal import Bepaling, Catalog, default_catalog, map_bepaling

__all__ = ["bepaling_of", "case_of", "report_names"]


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
    catalog = catalog or default_catalog()
    return CaseDescription(
        case=bep.kenmerk,
        route=bep.route,
        gemeente=bep.gemeente,
        regio=catalog.regio(bep.gemeente),
        gi=bep.gecertificeerde_instelling,
        maatregel=bep.maatregel,
        vastgesteld_op=bep.vastgesteld_op,
        bsn=bep.jeugdige.bsn,
        mapping=mapping_problem(bep, catalog),
    )


def mapping_problem(bep: Bepaling, catalog: Catalog) -> str | None:
    """Why ``bep`` cannot be mapped to its region's contract (its first failed hulp line), or None."""
    failed = map_bepaling(bep, catalog=catalog).fouten
    if not failed:
        return None
    more = f" (and {len(failed) - 1} more hulp line{'s' if len(failed) > 2 else ''})" if len(failed) > 1 else ""
    text = failed[0].error + more
    return text if len(text) <= 300 else text[:299] + "…"


def report_names() -> dict[str, dict[str, str]]:
    """The names the ledger's report shows beside its codes: ``gemeente_namen`` (CBS code → name)
    and ``gi_namen`` (GI code → name); a list that cannot be read names nothing."""
    from ijw_gateway.tussentaal.build import gecertificeerde_instellingen  # the GI list: only for a report

    try:
        gemeenten = {code: g.naam for code, g in default_catalog().gemeenten.items()}
    except (IjwError, OSError):
        gemeenten = {}
    try:
        gis = {code: gi.naam for code, gi in gecertificeerde_instellingen().items()}
    except (IjwError, OSError):
        gis = {}
    return {"gemeente_namen": gemeenten, "gi_namen": gis}
