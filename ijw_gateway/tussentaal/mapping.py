"""Mapping a bepaling's hulp lines to the responsible region's contract.

gemeente → jeugdhulpregio → contract in force on the line's ingangsdatum → product bought for the
zorgvorm → productcategorie, productcode, eenheid, frequentie, volume per toewijzing.

Rules (documented in ``productcodes/README.md``):

* The contract in force on the line's *ingangsdatum* applies to the whole line, also to periods
  after its ``geldig_tot`` (a later contract change is a JW301 wijziging, reden 03).
* Frequency: the bepaling's frequentie when the contract allows it, else the first of the
  contract's frequenties (in the contract's order) to which the omvang converts; an exact
  conversion is preferred to one by the contract's ``omrekening`` rule, which the result shows
  (:class:`Omrekening`). Without the rule the refusal names the missing rule field.
* Output-based products bought per traject (eenheid 82, frequentie 6 only) take one traject:
  volume 1, frequentie 6, whatever the bepaling's time omvang (it stays the indication).
* A line longer than the contract's ``max_duur`` is **split** into consecutive toewijzingen, each
  at most ``max_duur`` (the last one ends on the line's einddatum), each with its own
  ToewijzingNummer: per dag/week/maand with the same omvang; a total per toewijzing (converted
  for its own period, or the bepaling's total divided in proportion to the days, rounded as the
  contract says). A traject is split only when the contract allows ``vervolgtrajecten``.
  With ``splitsen=False`` every over-long line is refused.
* A provider without a contract for the product is not an error: ``aanbieder_gecontracteerd`` is
  False and ``gecontracteerde_aanbieders`` lists the contracted AGB codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict

from ijw_gateway.errors import MappingError
from ijw_gateway.tussentaal import duur as _duur
from ijw_gateway.tussentaal.bepaling import Bepaling, Hulp, Omvang
from ijw_gateway.tussentaal.catalog import Catalog, default_catalog
from ijw_gateway.tussentaal.contracts import Contract, ContractProduct
from ijw_gateway.tussentaal.gemeenten import REGIOS, regio_slug
from ijw_gateway.tussentaal.omvang import (
    AFRONDING_TEKST,
    EENHEID_CODES,
    FREQUENTIE_CODES,
    FREQUENTIE_WOORD,
    OUTPUT,
    TOTAAL,
    OmrekenFout,
    fysiek_maximum,
    omreken,
    omschrijf,
    omschrijf_woorden,
    verdeel_totaal,
)

#: The most consecutive toewijzingen one hulp line may become (two years in parts of four weeks is 27).
MAX_TOEWIJZINGEN_PER_REGEL = 60


class OnmapbareRegel(MappingError):
    """A hulp line that cannot be mapped; names the line (1-based), zorgvorm, region and reason."""

    def __init__(self, regel: int, zorgvorm: str, regio: str | None, reden: str) -> None:
        where = f" in region {regio}" if regio else ""
        super().__init__(f"hulp line {regel} ({zorgvorm}){where} cannot be mapped: {reden}")
        self.regel = regel
        self.zorgvorm = zorgvorm
        self.regio = regio
        self.reden = reden


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Periode(_Frozen):
    """One toewijzing of a line (inclusive dates) with its volume; ``regel`` the rule that made it (None: exact)."""

    ingangsdatum: date
    einddatum: date
    volume: int
    regel: str | None = None


class OmvangCodes(_Frozen):
    """An omvang in iJw codes (WJ756 eenheid, WMO757 frequentie)."""

    volume: int
    eenheid: str
    frequentie: str


class Omrekening(_Frozen):
    """From the bepaling's omvang to the contract's: ``regel`` names the declared rule applied (None: exact)."""

    origineel: Omvang
    omgerekend: OmvangCodes
    exact: bool
    regel: str | None
    tekst: str


class Splitsing(_Frozen):
    """A line longer than the contract's maximum, as consecutive toewijzingen."""

    max_duur: str
    toewijzingen: int
    verdeling: str
    tekst: str


class Toewijzing(_Frozen):
    """A mapped hulp line: what the JW301/JW315 products of the line will carry.

    ``volume`` is the line's volume per ``frequentie``: for a total (frequentie 6) split into
    several toewijzingen the sum of theirs; ``perioden`` holds each toewijzing's own volume.
    ``gemeente`` is None when the line was mapped for a region (``--all-regions``).
    """

    regel: int
    zorgvorm: str
    gemeente: str | None
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
    omrekening: Omrekening
    splitsing: Splitsing | None
    tarief: int
    toelichting: str

    def as_json(self) -> dict[str, Any]:
        """The ``ijw map --format json`` line (dates as ISO text)."""
        return self.model_dump(mode="json")


class Regelfout(_Frozen):
    """A hulp line that could not be mapped, as shown by ``ijw map``."""

    regel: int
    zorgvorm: str
    gemeente: str | None
    regio: str | None
    aanbieder: str
    error: str

    def as_json(self) -> dict[str, Any]:
        """The ``ijw map --format json`` line."""
        return self.model_dump(mode="json")


class Mapping(_Frozen):
    """All lines of a bepaling, mapped or failed, in the bepaling's order."""

    lines: tuple[Toewijzing | Regelfout, ...]

    @property
    def ok(self) -> bool:
        """True when every line mapped."""
        return all(isinstance(line, Toewijzing) for line in self.lines)

    @property
    def buildable(self) -> bool:
        """True when every line mapped and every provider is contracted for its product."""
        return all(isinstance(line, Toewijzing) and line.aanbieder_gecontracteerd for line in self.lines)

    @property
    def fouten(self) -> list[Regelfout]:
        """The lines that could not be mapped."""
        return [line for line in self.lines if isinstance(line, Regelfout)]

    def as_json(self) -> dict[str, Any]:
        """``{"lines": [...]}`` as printed by ``ijw map --format json``."""
        return {"lines": [line.as_json() for line in self.lines]}


# --------------------------------------------------------------------------- choosing the omvang
@dataclass(frozen=True)
class _Keuze:
    frequentie: str
    volumes: list[int]
    regels: list[str | None]  # per toewijzing
    regel: str | None  # for the line as a whole

    @property
    def exact(self) -> bool:
        return self.regel is None and not any(self.regels)


def _oorspronkelijk(o: Omvang) -> str:
    return omschrijf_woorden(o.volume, o.eenheid, o.frequentie)


class _Kiezer:
    """Finds the contract's omvang for one hulp line over its toewijzingen."""

    def __init__(self, hulp: Hulp, contract: Contract, product: ContractProduct, delen: list[_duur.Periode],
                 fail: Any) -> None:
        self.o = hulp.omvang
        self.product = product
        self.start, self.eind = hulp.ingangsdatum, hulp.periode_einde
        self.delen = delen
        self.regel = contract.omrekenregel(product)
        self.waar = contract.omrekening_bron(product)
        self.fail = fail

    def traject(self) -> _Keuze:
        """Output-based: one traject per toewijzing, the time omvang is the indication."""
        n = len(self.delen)
        tekst = "output-based: one traject per toewijzing, the omvang is the indication"
        if n > 1:
            tekst += f"; {n - 1} vervolgtraject{'en' if n > 2 else ''} (the contract allows " \
                     f"{self.product.vervolgtrajecten})"
        return _Keuze(TOTAAL, [1] * n, [None] * n, tekst)

    def kies(self) -> _Keuze:
        o, product = self.o, self.product
        if product.eenheid in EENHEID_CODES[o.eenheid]:
            bron = product.eenheid
        elif len(EENHEID_CODES[o.eenheid]) == 1:
            bron = EENHEID_CODES[o.eenheid][0]
        else:
            self.fail(f"the contract buys {product.productcode} in eenheid {product.eenheid}, not in {o.eenheid}")
        kandidaten = list(dict.fromkeys(f for f in (o.frequentie_code, *product.frequenties)
                                        if f in product.frequenties))
        redenen: list[str] = []
        door_regel: _Keuze | None = None
        for freq in kandidaten:
            try:
                keuze = self._per_frequentie(bron, freq)
            except OmrekenFout as exc:
                redenen.append(str(exc))
                continue
            if keuze.exact:
                return keuze
            door_regel = door_regel or keuze
        if door_regel is not None:
            return door_regel
        self.fail("the omvang does not fit the contract: " + "; ".join(redenen))
        raise AssertionError("unreachable")

    def _per_frequentie(self, bron: str, freq: str) -> _Keuze:
        o, product = self.o, self.product
        n = len(self.delen)
        if freq != TOTAAL:  # a rate: the same in every toewijzing
            r = omreken(o.volume, bron, o.frequentie_code, product.eenheid, freq, self.start, self.eind,
                        self.regel, waar=self.waar)
            return _Keuze(freq, [r.volume] * n, [None] * n, r.regel)
        if o.frequentie_code == TOTAAL:  # the bepaling's total, in the contract's unit, divided over the parts
            r = omreken(o.volume, bron, TOTAAL, product.eenheid, TOTAAL, self.start, self.eind, self.regel,
                        waar=self.waar)
            if n == 1:
                return _Keuze(freq, [r.volume], [None], r.regel)
            wat = omschrijf(r.volume, product.eenheid, TOTAAL)
            volumes = verdeel_totaal(r.volume, [(p.ingangsdatum, p.einddatum) for p in self.delen], self.regel,
                                     waar=self.waar, wat=wat)
            regels: list[str | None] = []
            for volume, p in zip(volumes, self.delen, strict=True):
                maximum = fysiek_maximum(product.eenheid, TOTAAL, p.ingangsdatum, p.einddatum)
                if maximum is not None and volume > maximum:
                    raise OmrekenFout(f"{wat} divided over {n} toewijzingen gives {p.ingangsdatum}..{p.einddatum} "
                                      f"{volume}, more than that period holds ({maximum})")
                exact = volume * _duur.dagen(self.start, self.eind) == r.volume * _duur.dagen(p.ingangsdatum,
                                                                                             p.einddatum)
                # not exact only by the contract's afronding (verdeel_totaal refuses otherwise)
                regels.append(None if exact else "in proportion to its days, "
                              + AFRONDING_TEKST[self.regel.afronding])  # type: ignore[union-attr,index]
            return _Keuze(freq, volumes, regels, r.regel)
        # a rate becomes a total per toewijzing, each over its own period
        delen = [omreken(o.volume, bron, o.frequentie_code, product.eenheid, TOTAAL, p.ingangsdatum, p.einddatum,
                         self.regel, waar=self.waar) for p in self.delen]
        return _Keuze(freq, [d.volume for d in delen], [d.regel for d in delen], None)


def _delen(hulp: Hulp, contract: Contract, product: ContractProduct, splitsen: bool, traject: bool,
           fail: Any) -> list[_duur.Periode]:
    """The toewijzingen of the line: one, or consecutive ones of at most ``max_duur``."""
    start, eind = hulp.ingangsdatum, hulp.periode_einde
    if _duur.past_binnen(start, eind, product.duur):
        return [_duur.Periode(start, eind)]
    te_lang = f"the period {start}..{eind} is longer than the contract's maximum {product.max_duur} for one " + \
              ("traject" if traject else "toewijzing")
    if not splitsen:
        fail(te_lang)
    delen = _duur.splits(start, eind, product.duur, limit=MAX_TOEWIJZINGEN_PER_REGEL + 1)
    if len(delen) > MAX_TOEWIJZINGEN_PER_REGEL:
        fail(f"{te_lang}, and it would take more than {MAX_TOEWIJZINGEN_PER_REGEL} consecutive toewijzingen")
    if traject and len(delen) - 1 > product.vervolgtrajecten:
        toegestaan = f"allows {product.vervolgtrajecten}" if product.vervolgtrajecten else "allows no"
        fail(f"{te_lang}: it takes {len(delen)} trajects of at most {product.max_duur}, and contract {contract.naam} "
             f"{toegestaan} vervolgtraject (vervolgtrajecten: {product.vervolgtrajecten}) for {product.productcode}")
    return delen


def _omrekening(hulp: Hulp, product: ContractProduct, keuze: _Keuze, volume: int) -> Omrekening:
    o = hulp.omvang
    naar = omschrijf(volume, product.eenheid, keuze.frequentie)
    codes = f"eenheid {product.eenheid}, frequentie {keuze.frequentie}"
    delen = len(keuze.volumes)
    if product.eenheid == OUTPUT and keuze.frequentie == TOTAAL and delen > 1 and set(keuze.volumes) == {1}:
        naar = f"1 traject in each of {delen} toewijzingen"
    elif keuze.frequentie == TOTAAL and delen > 1:
        naar += f" over {delen} toewijzingen: {' + '.join(map(str, keuze.volumes))}"
    van = _oorspronkelijk(o)
    regels = [r for r in (keuze.regel, *dict.fromkeys(r for r in keuze.regels if r)) if r]
    regel = "; ".join(regels) if regels else None
    if regel:
        tekst = f"{van} → {naar} ({codes}; {regel})"
    elif naar == van:
        tekst = f"{naar} ({codes})"
    else:
        tekst = f"{van} → {naar} ({codes}; exact)"
    return Omrekening(origineel=o, omgerekend=OmvangCodes(volume=volume, eenheid=product.eenheid,
                                                          frequentie=keuze.frequentie),
                      exact=regel is None, regel=regel, tekst=tekst)


def _splitsing(product: ContractProduct, keuze: _Keuze, traject: bool) -> Splitsing | None:
    n = len(keuze.volumes)
    if n == 1:
        return None
    if traject:
        verdeling = f"one traject per toewijzing: the first and {n - 1} vervolgtraject{'en' if n > 2 else ''}"
    elif keuze.frequentie != TOTAAL:
        verdeling = f"the same omvang per {FREQUENTIE_WOORD[keuze.frequentie]} in every toewijzing"
    else:
        verdeling = "a total per toewijzing, for its own period"
    return Splitsing(max_duur=product.max_duur, toewijzingen=n, verdeling=verdeling,
                     tekst=f"split into {n} consecutive toewijzingen of at most {product.max_duur} "
                           f"(the contract's maximum); {verdeling}")


# --------------------------------------------------------------------------- mapping
def _map(hulp: Hulp, regio: str, gemeente: str | None, regel: int, catalog: Catalog, splitsen: bool) -> Toewijzing:
    def fail(reden: str) -> NoReturn:
        raise OnmapbareRegel(regel, hulp.zorgvorm, regio, reden)

    contract = catalog.contract(regio, hulp.ingangsdatum)
    if contract is None:
        fail(f"no contract of {regio} is in force on the ingangsdatum {hulp.ingangsdatum}")
    product = contract.product(hulp.zorgvorm)
    if product is None:
        fail(f"contract {contract.naam} does not buy zorgvorm {hulp.zorgvorm} "
             f"(see contracten/{contract.jaar}/{regio_slug(regio)}.yaml)")
    o = hulp.omvang
    if product.eenheid == OUTPUT and o.eenheid != "stuks" and TOTAAL not in product.frequenties:
        fail(f"the contract buys {product.productcode} in stuks (output) per "
             f"{'/'.join(product.frequenties)}, which a {o.eenheid} omvang cannot be converted to")
    start, eind = hulp.ingangsdatum, hulp.periode_einde
    traject = product.eenheid == OUTPUT and o.eenheid != "stuks"  # a time omvang: the indication of one traject
    delen = _delen(hulp, contract, product, splitsen, traject or product.is_traject, fail)
    kiezer = _Kiezer(hulp, contract, product, delen, fail)
    keuze = kiezer.traject() if traject else kiezer.kies()
    volume = sum(keuze.volumes) if keuze.frequentie == TOTAAL else keuze.volumes[0]
    omrekening = _omrekening(hulp, product, keuze, volume)
    splitsing = _splitsing(product, keuze, traject)
    perioden = tuple(Periode(ingangsdatum=p.ingangsdatum, einddatum=p.einddatum, volume=v, regel=r)
                     for p, v, r in zip(delen, keuze.volumes, keuze.regels, strict=True))
    toelichting = omrekening.tekst + (f"; {splitsing.tekst}" if splitsing else "")
    return Toewijzing(
        regel=regel,
        zorgvorm=hulp.zorgvorm,
        gemeente=gemeente,
        regio=regio,
        contract=contract.naam,
        productcategorie=product.productcategorie,
        productcode=product.productcode,
        eenheid=product.eenheid,
        frequentie=keuze.frequentie,
        volume=volume,
        aanbieder=hulp.aanbieder,
        aanbieder_gecontracteerd=hulp.aanbieder in product.aanbieders,
        gecontracteerde_aanbieders=tuple(sorted(product.aanbieders)),
        ingangsdatum=start,
        einddatum=eind,
        perioden=perioden,
        omrekening=omrekening,
        splitsing=splitsing,
        tarief=product.tarief,
        toelichting=toelichting,
    )


def map_line(hulp: Hulp, gemeente: str, *, regel: int = 1, catalog: Catalog | None = None,
             splitsen: bool = True) -> Toewijzing:
    """Map one hulp line for ``gemeente``; raise :class:`OnmapbareRegel` when it cannot be mapped."""
    catalog = catalog or default_catalog()
    regio = catalog.regio(gemeente)
    if regio is None:
        raise OnmapbareRegel(regel, hulp.zorgvorm, None, f"gemeente {gemeente} is not one of the 54 municipalities "
                                                         "of the Gelderse jeugdhulpregio's")
    return _map(hulp, regio, gemeente, regel, catalog, splitsen)


def map_line_in_regio(hulp: Hulp, regio: str, *, regel: int = 1, catalog: Catalog | None = None,
                      splitsen: bool = True) -> Toewijzing:
    """Map one hulp line with the contract of ``regio`` (any of its gemeenten; ``gemeente`` is None)."""
    if regio not in REGIOS:
        raise MappingError(f"regio {regio!r}: expected one of {', '.join(REGIOS)}")
    return _map(hulp, regio, None, regel, catalog or default_catalog(), splitsen)


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


class RegioMapping(_Frozen):
    """A bepaling mapped with one region's contracts (``eigen_regio``: the region of its gemeente)."""

    regio: str
    eigen_regio: bool
    mapping: Mapping

    def as_json(self) -> dict[str, Any]:
        return {"regio": self.regio, "eigen_regio": self.eigen_regio, "ok": self.mapping.ok,
                "buildable": self.mapping.buildable, **self.mapping.as_json()}


def map_alle_regios(bepaling: Bepaling, *, catalog: Catalog | None = None) -> list[RegioMapping]:
    """The bepaling mapped in each of the seven regions, in the usual order of the regions.

    In the bepaling's own region the lines carry its gemeente; in the others ``gemeente`` is None
    (every gemeente of a region has the same contract).
    """
    catalog = catalog or default_catalog()
    eigen = catalog.regio(bepaling.gemeente)
    result: list[RegioMapping] = []
    for regio in REGIOS:
        gemeente = bepaling.gemeente if regio == eigen else None
        lines: list[Toewijzing | Regelfout] = []
        for index, hulp in enumerate(bepaling.hulp, start=1):
            try:
                lines.append(_map(hulp, regio, gemeente, index, catalog, True))
            except OnmapbareRegel as exc:
                lines.append(Regelfout(regel=index, zorgvorm=hulp.zorgvorm, gemeente=gemeente, regio=regio,
                                       aanbieder=hulp.aanbieder, error=str(exc)))
        result.append(RegioMapping(regio=regio, eigen_regio=regio == eigen, mapping=Mapping(lines=tuple(lines))))
    return result


def map_or_raise(bepaling: Bepaling, *, catalog: Catalog | None = None, splitsen: bool = True) -> list[Toewijzing]:
    """Map every line, raising the first :class:`OnmapbareRegel` (for ``ijw build``)."""
    catalog = catalog or default_catalog()
    return [map_line(h, bepaling.gemeente, regel=i, catalog=catalog, splitsen=splitsen)
            for i, h in enumerate(bepaling.hulp, start=1)]


__all__ = ["FREQUENTIE_CODES", "MAX_TOEWIJZINGEN_PER_REGEL", "Mapping", "Omrekening", "OmvangCodes",
           "OnmapbareRegel", "Periode", "Regelfout", "RegioMapping", "Splitsing", "Toewijzing", "map_alle_regios",
           "map_bepaling", "map_line", "map_line_in_regio", "map_or_raise"]


def alle_regios_json(
    bepaling: Bepaling, regios: list[RegioMapping], *, catalog: Catalog | None = None
) -> dict[str, Any]:
    """``ijw map --all-regions --format json`` (and ``/v1/map?all_regions=true``)."""
    catalog = catalog or default_catalog()
    return {"gemeente": bepaling.gemeente, "regio": catalog.regio(bepaling.gemeente),
            "regios": [r.as_json() for r in regios]}
