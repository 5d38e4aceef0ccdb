"""The external sources of controleniveau 4: the CBS municipality list and the product code lists.

Validation asks them through :class:`ExterneBronnen`; the shipped reference data
(``tussentaal.Catalog``: CBS codes, the national standard list, the regional contracts)
answers by default. A caller may give other sources, or none: then the rules that need
them are not judged, and the verdict says so.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, runtime_checkable


class Oordeel(Protocol):
    """An answer of :meth:`ExterneBronnen.productcode_past`: ``past`` True, False or None (cannot judge)."""

    past: bool | None
    reden: str


@runtime_checkable
class ExterneBronnen(Protocol):
    def cbs_geldig(self, gemeentecode: str, datum: date) -> bool:
        """TR378: the gemeentecode is in the CBS list valid on ``datum``."""
        ...

    def cbs_altijd_geldig(self, gemeentecode: str) -> bool:
        """TR378 whatever the date (a fast path: most gemeentecodes never change)."""
        ...

    def productcode_past(self, productcategorie: str, productcode: str, gemeentecode: str,
                         datum: date) -> Oordeel:
        """TR381: the product code fits the category in the list the gemeente uses on ``datum``."""
        ...


def default_bronnen() -> ExterneBronnen:
    """The shipped reference data, loaded on first use."""
    # Imported here, not at the top: the catalog (CBS list, standard list, contracts) is read
    # only when a rule first needs it, which keeps `ijw validate one.xml` quick to start.
    from ijw_gateway.tussentaal.catalog import default_catalog

    return default_catalog()


def contracttarief(productcode: str, gemeentecode: str, datum: date) -> tuple[int, str] | None:
    """TR418: (tarief in eurocent, its eenheid) of ``productcode`` in the contract the gemeente uses on
    ``datum``, from the shipped reference data; None when no contract has the product."""
    from ijw_gateway.tussentaal.catalog import default_catalog  # the contracts: only for a declaration

    product = default_catalog().contractproduct(productcode, gemeentecode, datum)
    return None if product is None else (product.tarief, product.eenheid)
