"""Deciding a JW315 *verzoek om toewijzing* against the region's contract (``ijw respond``).

The answer names whether a JW301 may follow or which WJ759 *RedenAfwijzingVerzoek* a JW319 carries:
``5`` andere gemeente (not one of the 54 municipalities we hold contracts for), ``3`` geen contract
(no contract in force, product not bought, or provider not contracted for it), ``4`` past niet
binnen contract (category, unit, frequency or duration outside the contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ijw_gateway.tussentaal import duur as _duur
from ijw_gateway.tussentaal.catalog import Catalog, default_catalog


@dataclass(frozen=True)
class Beoordeling:
    """``toegestaan`` → answer with a JW301; else a JW319 with ``reden_afwijzing`` (WJ759)."""

    toegestaan: bool
    reden_afwijzing: str | None
    toelichting: str
    zorgvorm: str | None = None


def beoordeel_verzoek(*, gemeentecode: str, productcategorie: str, productcode: str | None, eenheid: str | None,
                      frequentie: str | None, aanbieder: str, ingangsdatum: date, einddatum: date | None,
                      catalog: Catalog | None = None) -> Beoordeling:
    """Decide one requested product (AangevraagdProduct) of a JW315 against the contract."""
    catalog = catalog or default_catalog()
    regio = catalog.regio(gemeentecode)
    if regio is None:
        return Beoordeling(False, "5", f"gemeente {gemeentecode} is not one of the municipalities whose "
                                       "contracts this gateway holds")
    contract = catalog.contract(regio, ingangsdatum)
    if contract is None:
        return Beoordeling(False, "3", f"no contract of {regio} is in force on {ingangsdatum}")
    if productcode is None:
        return Beoordeling(False, "4", f"contract {contract.naam} assigns specific products only; "
                                       "the request names no productcode")
    product = contract.product_met_code(productcode)
    if product is None:
        zorgvorm = catalog.zorgvorm_van_standaardcode.get(productcode)
        bought = contract.product(zorgvorm) if zorgvorm else None
        if bought is not None:
            return Beoordeling(False, "4", f"{productcode} is not a code of contract {contract.naam}; it buys "
                                           f"{zorgvorm} as {bought.productcode}", zorgvorm)
        return Beoordeling(False, "3", f"contract {contract.naam} does not buy product {productcode}", zorgvorm)
    z = product.zorgvorm
    if product.productcategorie != productcategorie:
        return Beoordeling(False, "4", f"{productcode} has productcategorie {product.productcategorie} in "
                                       f"contract {contract.naam}, not {productcategorie}", z)
    if aanbieder not in product.aanbieders:
        return Beoordeling(False, "3",
                           f"provider {aanbieder} is not contracted for {productcode} in {contract.naam}", z)
    if eenheid is not None and eenheid != product.eenheid:
        return Beoordeling(False, "4", f"{productcode} is bought in eenheid {product.eenheid}, not {eenheid}", z)
    if frequentie is not None and frequentie not in product.frequenties:
        return Beoordeling(False, "4", f"{productcode} is bought per frequentie {'/'.join(product.frequenties)}, "
                                       f"not {frequentie}", z)
    if einddatum is not None and not _duur.past_binnen(ingangsdatum, einddatum, product.duur):
        return Beoordeling(False, "4", f"{ingangsdatum}..{einddatum} is longer than the contract's maximum "
                                       f"{product.max_duur} for one toewijzing", z)
    return Beoordeling(True, None, f"fits contract {contract.naam} ({z})", z)
