"""The monitor report of a ledger (``ijw ledger report``, the demo's ``report.html``): the deadlines and the
waiting-time monitor, with each toewijzing's product code read back to its tussentaal zorgvorm.

The ledger knows no tussentaal: the reverse lookup (a region's product code → zorgvorm, through the
contract in force) is made here, from the catalog, and passed in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ijw_gateway.errors import IjwError
from ijw_gateway.ledger.report import build_report
from ijw_gateway.ledger.wachttijden import DEFAULT_WEKEN, ZorgvormLookup, build_wachttijden, read_toewijzingen
from ijw_gateway.logging import get_logger
from ijw_gateway.workflows.cases import report_names

__all__ = ["monitor_report", "zorgvorm_lookup"]

log = get_logger(__name__)


def zorgvorm_lookup() -> ZorgvormLookup | None:
    """The catalog's reverse lookup of a product code; None when the catalog cannot be read (every
    zorgvorm then shows as unknown rather than the report failing)."""
    from ijw_gateway.tussentaal import default_catalog

    try:
        catalog = default_catalog()
    except IjwError as error:
        log.warning("no zorgvorm lookup", reason=str(error))
        return None
    return catalog.zorgvorm_voor_productcode


def monitor_report(ledger: Any, today: date, *, weken: int = DEFAULT_WEKEN,
                   zorgvorm: ZorgvormLookup | None = None) -> dict[str, Any]:
    """The JSON-ready report of ``ledger`` as of ``today`` (see :func:`~ijw_gateway.ledger.report.build_report`)."""
    cases = ledger.cases()
    wachttijden = build_wachttijden(cases, read_toewijzingen(ledger, today), today=today, calendar=ledger.calendar,
                                    definitions=ledger.definitions, zorgvorm=zorgvorm or zorgvorm_lookup(),
                                    weken=weken)
    return build_report(cases, ledger.status(today=today), today=today, calendar=ledger.calendar,
                        definitions=ledger.definitions, wachttijden=wachttijden, **report_names())
