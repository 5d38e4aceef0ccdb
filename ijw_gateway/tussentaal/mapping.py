"""Mapping a bepaling's hulp lines to the responsible region's contract.

gemeente → jeugdhulpregio → contract in force on the line's ingangsdatum → product bought for the
zorgvorm → productcategorie, productcode, eenheid, frequentie, volume (exact conversion only).

Rules (documented in ``productcodes/README.md``):

* The contract in force on the line's *ingangsdatum* applies to the whole line, also to periods
  after its ``geldig_tot`` (a later contract change is a JW301 wijziging, reden 03).
* Frequency: the bepaling's frequentie when the contract allows it, else the first of the
  contract's frequenties (in the contract's order) to which the omvang converts exactly.
* Output-based products bought per traject (eenheid 82, frequentie 6 only) take one traject:
  volume 1, frequentie 6, whatever the bepaling's time omvang (it stays the indication).
* A line longer than the contract's ``max_duur`` is **split** into consecutive periods, each at
  most ``max_duur`` (the last one ends on the line's einddatum), with the same omvang per
  dag/week/maand. A *total* (frequentie 6, including a traject) cannot be divided exactly, so such
  a line is refused. With ``splitsen=False`` every over-long line is refused.
* A provider without a contract for the product is not an error: ``aanbieder_gecontracteerd`` is
  False and ``gecontracteerde_aanbieders`` lists the contracted AGB codes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from ijw_gateway.errors import MappingError
from ijw_gateway.tussentaal import duur as _duur
from ijw_gateway.tussentaal.bepaling import Bepaling, Hulp
from ijw_gateway.tussentaal.catalog import Catalog, default_catalog
from ijw_gateway.tussentaal.contracts import ContractProduct
from ijw_gateway.tussentaal.gemeenten import regio_slug
from ijw_gateway.tussentaal.omvang import (
    EENHEID_CODES,
    FREQUENTIE_CODES,
    OUTPUT,
    TOTAAL,
    OmrekenFout,
    converteer,
    omschrijf,
)


class OnmapbareRegel(MappingError):
    """A hulp line that cannot be mapped; names the line (1-based), zorgvorm, region and reason."""

    def __init__(self, regel: int, zorgvorm: str, regio: str | None, reden: str) -> None:
        where = f" in region {regio}" if regio else ""
        super().__init__(f"hulp line {regel} ({zorgvorm}){where} cannot be mapped: {reden}")
        self.regel = regel
        self.zorgvorm = zorgvorm
        self.regio = regio
        self.reden = reden


class Periode(BaseModel):
    """One toewijzing period (inclusive)."""

    model_config = ConfigDict(frozen=True)

    ingangsdatum: date
    einddatum: date


class Toewijzing(BaseModel):
    """A mapped hulp line: what a JW301/JW315 product will carry."""

    model_config = ConfigDict(frozen=True)

    regel: int
    zorgvorm: str
    gemeente: str
    regio: str
    contract: str
    productcategorie: str
    productcode: str
    eenheid: str
    frequentie: str
    volume: int
    aanbieder: str
    aanbieder_gecontracteerd: bool
    gecontracteerde_aanbieders: tuple[str, ...]
    ingangsdatum: date
    einddatum: date
    perioden: tuple[Periode, ...]
    tarief: int
    toelichting: str

    def as_json(self) -> dict[str, Any]:
        """The ``ijw map --format json`` line (dates as ISO text)."""
        return self.model_dump(mode="json")


class Regelfout(BaseModel):
    """A hulp line that could not be mapped, as shown by ``ijw map``."""

    model_config = ConfigDict(frozen=True)

    regel: int
    zorgvorm: str
    gemeente: str
    regio: str | None
    aanbieder: str
    error: str

    def as_json(self) -> dict[str, Any]:
        """The ``ijw map --format json`` line."""
        return self.model_dump(mode="json")


class Mapping(BaseModel):
    """All lines of a bepaling, mapped or failed, in the bepaling's order."""

    model_config = ConfigDict(frozen=True)

    lines: tuple[Toewijzing | Regelfout, ...]

    @property
    def ok(self) -> bool:
        """True when every line mapped."""
        return all(isinstance(line, Toewijzing) for line in self.lines)

    @property
    def fouten(self) -> list[Regelfout]:
        """The lines that could not be mapped."""
        return [line for line in self.lines if isinstance(line, Regelfout)]

    def as_json(self) -> dict[str, Any]:
        """``{"lines": [...]}`` as printed by ``ijw map --format json``."""
        return {"lines": [line.as_json() for line in self.lines]}


def _kies(hulp: Hulp, product: ContractProduct, start: date, eind: date, splitsen: bool,
          fail: Any) -> tuple[str, int, str]:
    """(frequentie, volume, toelichting) for the product, or ``fail(reason)``."""
    o = hulp.omvang
    te_lang = not _duur.past_binnen(start, eind, product.duur)
    if product.eenheid == OUTPUT and o.eenheid != "stuks":
        if TOTAAL not in product.frequenties:
            fail(f"the contract buys {product.productcode} in stuks (output) per "
                 f"{'/'.join(product.frequenties)}, which a {o.eenheid} omvang cannot be converted to")
        if te_lang:
            fail(f"the period {start}..{eind} is longer than the contract's maximum {product.max_duur} for one "
                 "traject, and one traject cannot be split")
        return TOTAAL, 1, (f"output-based: one traject (volume 1, frequentie 6); the bepaling's "
                           f"{o.volume} {o.eenheid} per {o.frequentie} is the indication")
    if product.eenheid in EENHEID_CODES[o.eenheid]:
        bron = product.eenheid
    elif len(EENHEID_CODES[o.eenheid]) == 1:
        bron = EENHEID_CODES[o.eenheid][0]
    else:
        fail(f"the contract buys {product.productcode} in eenheid {product.eenheid}, not in {o.eenheid}")
    kandidaten = [f for f in (o.frequentie_code, *product.frequenties) if f in product.frequenties]
    kandidaten = list(dict.fromkeys(kandidaten))
    redenen: list[str] = []
    for freq in kandidaten:
        if te_lang and (freq == TOTAAL or not splitsen):
            redenen.append(f"frequentie {freq}: the period {start}..{eind} is longer than the contract's maximum "
                           f"{product.max_duur}" + (" and a total cannot be divided over consecutive toewijzingen"
                                                    if freq == TOTAAL and splitsen else ""))
            continue
        try:
            volume = converteer(o.volume, bron, o.frequentie_code, product.eenheid, freq, start, eind)
        except OmrekenFout as exc:
            redenen.append(str(exc))
            continue
        tekst = omschrijf(volume, product.eenheid, freq)
        origineel = f"{o.volume} {o.eenheid} per {o.frequentie}" if o.frequentie != "totaal" \
            else f"{o.volume} {o.eenheid} in totaal"
        return freq, volume, (f"{origineel} = {tekst}" if tekst != omschrijf(o.volume, bron, o.frequentie_code)
                              else tekst)
    fail("the omvang does not fit the contract: " + "; ".join(redenen))
    raise AssertionError("unreachable")


def map_line(hulp: Hulp, gemeente: str, *, regel: int = 1, catalog: Catalog | None = None,
             splitsen: bool = True) -> Toewijzing:
    """Map one hulp line for ``gemeente``; raise :class:`OnmapbareRegel` when it cannot be mapped."""
    catalog = catalog or default_catalog()
    regio = catalog.regio(gemeente)

    def fail(reden: str) -> None:
        raise OnmapbareRegel(regel, hulp.zorgvorm, regio, reden)

    if regio is None:
        fail(f"gemeente {gemeente} is not one of the 54 municipalities of the Gelderse jeugdhulpregio's")
    assert regio is not None
    contract = catalog.contract(regio, hulp.ingangsdatum)
    if contract is None:
        fail(f"no contract of {regio} is in force on the ingangsdatum {hulp.ingangsdatum}")
    assert contract is not None
    product = contract.product(hulp.zorgvorm)
    if product is None:
        fail(f"contract {contract.naam} does not buy zorgvorm {hulp.zorgvorm} "
             f"(see contracten/{contract.jaar}/{regio_slug(regio)}.yaml)")
    assert product is not None
    start, eind = hulp.ingangsdatum, hulp.periode_einde
    frequentie, volume, toelichting = _kies(hulp, product, start, eind, splitsen, fail)
    perioden = _duur.splits(start, eind, product.duur)
    if len(perioden) > 1:
        toelichting += (f"; split into {len(perioden)} consecutive toewijzingen of at most {product.max_duur} "
                        "(the contract's maximum)")
    return Toewijzing(
        regel=regel,
        zorgvorm=hulp.zorgvorm,
        gemeente=gemeente,
        regio=regio,
        contract=contract.naam,
        productcategorie=product.productcategorie,
        productcode=product.productcode,
        eenheid=product.eenheid,
        frequentie=frequentie,
        volume=volume,
        aanbieder=hulp.aanbieder,
        aanbieder_gecontracteerd=hulp.aanbieder in product.aanbieders,
        gecontracteerde_aanbieders=tuple(sorted(product.aanbieders)),
        ingangsdatum=start,
        einddatum=eind,
        perioden=tuple(Periode(ingangsdatum=p.ingangsdatum, einddatum=p.einddatum) for p in perioden),
        tarief=product.tarief,
        toelichting=toelichting,
    )


def map_bepaling(bepaling: Bepaling, *, catalog: Catalog | None = None, splitsen: bool = True) -> Mapping:
    """Map every hulp line; failed lines become :class:`Regelfout` (nothing is raised)."""
    catalog = catalog or default_catalog()
    lines: list[Toewijzing | Regelfout] = []
    for index, hulp in enumerate(bepaling.hulp, start=1):
        try:
            lines.append(map_line(hulp, bepaling.gemeente, regel=index, catalog=catalog, splitsen=splitsen))
        except OnmapbareRegel as exc:
            lines.append(Regelfout(regel=index, zorgvorm=hulp.zorgvorm, gemeente=bepaling.gemeente,
                                   regio=exc.regio, aanbieder=hulp.aanbieder, error=str(exc)))
    return Mapping(lines=tuple(lines))


def map_or_raise(bepaling: Bepaling, *, catalog: Catalog | None = None, splitsen: bool = True) -> list[Toewijzing]:
    """Map every line, raising the first :class:`OnmapbareRegel` (for ``ijw build``)."""
    catalog = catalog or default_catalog()
    return [map_line(h, bepaling.gemeente, regel=i, catalog=catalog, splitsen=splitsen)
            for i, h in enumerate(bepaling.hulp, start=1)]


__all__ = ["FREQUENTIE_CODES", "Mapping", "OnmapbareRegel", "Periode", "Regelfout", "Toewijzing",
           "map_bepaling", "map_line", "map_or_raise"]
