"""Controleniveau 4: rules that need a source outside the message (system date, CBS list, product lists).

The CBS list and the product code lists come from :class:`~ijw_gateway.validation.bronnen.ExterneBronnen`
(by default the shipped reference data); without them TR378 and TR381 are not judged, and
the verdict says so. Both read the same few values of a message, once (``_feiten``), and
ask the sources through a cache: a batch names the same gemeenten, codes and days again
and again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from lxml import etree

from ijw_gateway.messages.xsd import BASISSCHEMA
from ijw_gateway.validation.bronnen import ExterneBronnen, Oordeel
from ijw_gateway.validation.rules.berichtinhoud import PRODUCTEN
from ijw_gateway.validation.rules.registry import Hit, Level, TreeInput, Violation, rule, xpath_rule

HEENBERICHTEN = ("JW301", "JW305", "JW307", "JW315", "JW317", "JW319", "JW323", "JW325")
NEEDS_BRONNEN = frozenset({"TR378", "TR381"})
"""The rules of this level that need the reference data (the others need only the system date)."""

xpath_rule(
    "TR135", "Header.BerichtIdentificatie.Dagtekening",
    "Dagtekening is een bestaande datum die niet in de toekomst ligt.",
    {b: Hit("m:Header/m:BerichtIdentificatie", "date(ijw:Dagtekening) > $today",
            lambda hit: f"Dagtekening {hit.text('ijw:Dagtekening')} lies after the system date", at="ijw:Dagtekening")
     for b in HEENBERICHTEN},
    retourcode="8848", level=Level.EXTERNE_BRON,
)

GEMEENTE_IS_AFZENDER = frozenset({"JW301", "JW319"})
"""The messages a gemeente sends; in the others the gemeente is the Ontvanger."""


@dataclass(frozen=True)
class _Product:
    categorie: str
    code: str | None
    ingang: str
    node: etree._Element


@dataclass(frozen=True)
class _Feiten:
    gemeente: str | None
    gemeente_path: str
    producten: tuple[_Product, ...]
    dagtekening: str | None


def _read_feiten(r: TreeInput) -> _Feiten:
    side = "m:Header/m:Afzender" if r.bericht in GEMEENTE_IS_AFZENDER else "m:Header/m:Ontvanger"
    p = PRODUCTEN.get(r.bericht)
    producten: list[_Product] = []
    if p is not None:  # Categorie, Code and ingangsdatum of every product, in one evaluation, in document order
        fields = r.select(f"{p.context}/m:Product/ijw:Categorie | {p.context}/m:Product/ijw:Code | "
                          f"{p.context}/m:{p.ingang}")
        categorie: str | None = None
        code: str | None = None
        for node in fields:
            tag = node.tag
            if tag == _CATEGORIE:
                categorie, code = node.text or "", None
            elif tag == _CODE:
                code = node.text or ""
            else:  # the ingangsdatum closes a product (it follows Product in every layout)
                if categorie is not None:
                    producten.append(_Product(categorie, code, node.text or "", node.getparent()))
                categorie, code = None, None
    dagtekening = r.text("m:Header/m:BerichtIdentificatie/ijw:Dagtekening") if not producten else None
    return _Feiten(r.text(side), side, tuple(producten), dagtekening)


_CATEGORIE, _CODE = f"{{{BASISSCHEMA.uri}}}Categorie", f"{{{BASISSCHEMA.uri}}}Code"


def _feiten(r: TreeInput) -> _Feiten:
    return r.shared("externe_bron", _read_feiten)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text else None
    except ValueError:  # a year beyond what Python holds
        return None


@lru_cache(maxsize=8192)
def _cbs_geldig(bronnen: ExterneBronnen, code: str, days: tuple[str, ...]) -> tuple[bool, str | None]:
    """(valid on one of the days, the earliest day as ISO text)."""
    parsed = [d for text in days if (d := _day(text)) is not None]
    if not parsed:
        return True, None
    return any(bronnen.cbs_geldig(code, d) for d in parsed), min(parsed).isoformat()


@lru_cache(maxsize=8192)
def _productcode_past(bronnen: ExterneBronnen, categorie: str, code: str, gemeente: str, ingang: str) -> Oordeel | None:
    day = _day(ingang)
    return None if day is None else bronnen.productcode_past(categorie, code, gemeente, day)


@rule("TR378", ("JW301", "JW315", "JW319"), "Header.Afzender / Header.Ontvanger / Woonplaatsbeginsel.Gemeente",
      "Gemeentecode bestaat in de CBS-lijst die actueel is op de (Toewijzing)Ingangsdatum.",
      retourcode="S300", level=Level.EXTERNE_BRON)
def gemeentecode_bestaat(r: TreeInput) -> Iterator[Violation]:
    bronnen = r.bronnen
    if bronnen is None:
        return
    feiten = _feiten(r)
    days = tuple(dict.fromkeys(p.ingang for p in feiten.producten)) or (feiten.dagtekening or "",)
    codes = [(feiten.gemeente, feiten.gemeente_path)]
    if r.bericht == "JW319":
        path = "m:Antwoord/m:Woonplaatsbeginsel/m:Gemeente"
        codes.append((r.text(path), path))
    for code, path in codes:
        if code is None:
            continue
        geldig, earliest = _cbs_geldig(bronnen, code.strip(), days)
        if not geldig:
            yield Violation(r.path(r.root, path),
                            f"gemeentecode {code} is not in the CBS list of municipalities valid on {earliest}")


@rule("TR381", ("JW301", "JW315"), "Product.Code",
      "ProductCode past bij de ProductCategorie volgens de productcodelijst die de gemeente hanteert.",
      retourcode="S329", level=Level.EXTERNE_BRON)
def productcode_past_in_lijst(r: TreeInput) -> Iterator[Violation]:
    bronnen = r.bronnen
    if bronnen is None:
        return
    feiten = _feiten(r)
    for product in feiten.producten:
        if product.code is None:
            continue
        oordeel = _productcode_past(bronnen, product.categorie, product.code, (feiten.gemeente or "").strip(),
                                    product.ingang)
        if oordeel is not None and oordeel.past is False:
            yield Violation(r.path(product.node, "m:Product/ijw:Code"),
                            f"productcode {product.code} does not fit productcategorie {product.categorie}: "
                            f"{oordeel.reden}")
