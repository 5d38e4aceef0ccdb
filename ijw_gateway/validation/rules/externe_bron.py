"""Controleniveau 4: rules that need a source outside the message (system date, CBS list, product lists).

The CBS list and the product code lists come from :class:`~ijw_gateway.validation.bronnen.ExterneBronnen`
(by default the shipped reference data); without them TR378 and TR381 are not judged, and
the verdict says so. Both read the same few values of a message once (:class:`Productbron`
says where they are) and ask the sources through a cache: a batch names the same gemeenten,
codes and days again and again. A message family registers them for its types with
:func:`gemeentecode_rule` and :func:`productcode_rule`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from lxml import etree

from ijw_gateway.validation.bronnen import ExterneBronnen, Oordeel
from ijw_gateway.validation.rules.registry import (
    Hit,
    Level,
    TreeCheck,
    TreeInput,
    Violation,
    namespaces_of,
    rule,
    xpath_rule,
)

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

AFZENDER, ONTVANGER = "m:Header/m:Afzender", "m:Header/m:Ontvanger"
"""Where the gemeente stands: Afzender of what a gemeente sends, Ontvanger of what a provider sends."""


@dataclass(frozen=True)
class Productbron:
    """Where a message type's products name their product and their start.

    ``context`` selects the products (below the root ``Bericht``); ``categorie``, ``code`` and
    ``ingang`` are below a product, in this document order, and ``ingang`` is required by the
    layout (it closes a product when the three are read in one evaluation).
    """

    context: str
    categorie: str
    code: str
    ingang: str
    voorkeur: str | None = None
    """An optional date between ``code`` and ``ingang`` that, when a product has it, is the product's
    date instead of ``ingang`` (a JW305's ToewijzingIngangsdatum before its required Begindatum)."""
    lees: Callable[[TreeInput], Iterable[tuple[str, str | None, str, etree._Element]]] | None = field(
        default=None, compare=False)
    """A family's own reader of (categorie, code, ingang, product) of every product with a categorie, for
    a family that reads its products in one pass anyway (the declarations); else they are read here."""


class _Product(NamedTuple):
    """One product as TR378 and TR381 read it (a named tuple: built for every product of every message)."""

    categorie: str
    code: str | None
    ingang: str
    index: int
    """0-based position among the products."""
    node: etree._Element | None = None
    """The product, when it was at hand; else looked up by ``index`` for a finding."""


def _read_products(r: TreeInput, bron: Productbron) -> tuple[_Product, ...]:
    """Every product with a categorie, in one walk of their container, C-filtered to the few tags we read.

    Not an XPath union (``a | b | c``): libxml2 merges the node-sets of a union in quadratic
    time (30 s for 20,000 products), where ``iter`` over the tags is linear.
    """
    if bron.lees is not None:
        return tuple(_Product(c, k, i, index, node) for index, (c, k, i, node) in enumerate(bron.lees(r)))
    categorie_tag, code_tag, voorkeur_tag, ingang_tag, product_tag = _tags(r.bericht, bron)
    tags = [categorie_tag, code_tag, ingang_tag] + ([voorkeur_tag] if voorkeur_tag else [])
    container = bron.context.rpartition("/")[0]
    found: list[_Product] = []
    categorie: str | None = None
    code: str | None = None
    voorkeur: str | None = None
    for parent in r.select(container) if container else [r.root]:
        for node in parent.iter(*tags):  # in document order: categorie, code, (voorkeur,) ingang of a product
            tag = node.tag  # lxml builds the string on every access: read it once
            if tag == categorie_tag:
                categorie, code = _text(node), None
            elif tag == code_tag:
                code = _text(node)
            elif tag == voorkeur_tag:
                voorkeur = _text(node)
            else:
                if categorie is not None:
                    product = node.getparent()
                    while product is not None and product.tag != product_tag:
                        product = product.getparent()
                    ingang = voorkeur if voorkeur is not None else _text(node)
                    found.append(_Product(categorie, code, ingang, len(found), product))
                categorie, code, voorkeur = None, None, None
    return tuple(found)


def _text(node: etree._Element) -> str:
    """An element's text, also when a comment splits it (``.text`` stops at the comment)."""
    return (node.text or "") if len(node) == 0 else "".join(node.itertext())


@lru_cache(maxsize=64)
def _tags(bericht: str, bron: Productbron) -> tuple[str, str, str | None, str, str]:
    """The Clark tags of the last steps of ``categorie``, ``code``, ``voorkeur``, ``ingang`` and ``context``.

    Each names one element of a product in the layouts (a Categorie only in its Product): the walk
    over the container relies on it.
    """
    namespaces = namespaces_of(bericht)

    def clark(path: str) -> str:
        prefix, name = path.rsplit("/", 1)[-1].split(":")
        return f"{{{namespaces[prefix]}}}{name}"

    voorkeur = clark(bron.voorkeur) if bron.voorkeur else None
    return clark(bron.categorie), clark(bron.code), voorkeur, clark(bron.ingang), clark(bron.context)


def _products(r: TreeInput, bron: Productbron) -> tuple[_Product, ...]:
    return r.shared(f"products:{bron.context}", lambda tree_input: _read_products(tree_input, bron))


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text else None
    except ValueError:  # a year beyond what Python holds
        return None


@lru_cache(maxsize=8192)
def _altijd_geldig(bronnen: ExterneBronnen, code: str) -> bool:
    """Valid on every date the CBS list judges (most codes): then the message's dates need not be read."""
    test = getattr(bronnen, "cbs_altijd_geldig", None)
    return bool(test(code)) if test is not None else False


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


def gemeentecode_check(side: str, bron: Productbron | None, also: tuple[str, ...] = ()) -> TreeCheck:
    """TR378 for one message type: the gemeentecode at ``side`` (and at the paths ``also``) exists in
    the CBS list on one of the products' ingangsdata, or on the Dagtekening without products."""

    def check(r: TreeInput) -> Iterator[Violation]:
        bronnen = r.bronnen
        if bronnen is None:
            return
        days: tuple[str, ...] | None = None  # read only for a code that is not valid on every date
        for path in (side, *also):
            code = r.header_text(path)
            if code is None or _altijd_geldig(bronnen, code.strip()):
                continue
            if days is None:
                days = tuple(dict.fromkeys(p.ingang for p in _products(r, bron))) if bron is not None else ()
                days = days or tuple(r.texts("m:Header/m:BerichtIdentificatie/ijw:Dagtekening"))
            geldig, earliest = _cbs_geldig(bronnen, code.strip(), days)
            if not geldig:
                yield Violation(r.path(r.root, path),
                                f"gemeentecode {code} is not in the CBS list of municipalities valid on {earliest}")

    return check


def productcode_check(side: str, bron: Productbron) -> TreeCheck:
    """TR381 for one message type: every product's code fits its category in the gemeente's list."""

    def check(r: TreeInput) -> Iterator[Violation]:
        bronnen = r.bronnen
        if bronnen is None:
            return
        gemeente = (r.header_text(side) or "").strip()
        nodes: list[etree._Element] = []
        for product in _products(r, bron):
            if product.code is None:
                continue
            oordeel = _productcode_past(bronnen, product.categorie, product.code, gemeente, product.ingang)
            if oordeel is not None and oordeel.past is False:
                if product.node is None:
                    nodes = nodes or r.select(bron.context)
                yield Violation(r.path(product.node if product.node is not None else nodes[product.index], bron.code),
                                f"productcode {product.code} does not fit productcategorie {product.categorie}: "
                                f"{oordeel.reden}")

    return check


def gemeentecode_rule(bericht: str, side: str, bron: Productbron | None, also: tuple[str, ...] = (),
                      note: str = "") -> None:
    """Register TR378 for ``bericht`` (see :func:`gemeentecode_check`)."""
    rule("TR378", (bericht,), "Header.Afzender / Header.Ontvanger",
         "Gemeentecode bestaat in de CBS-lijst die actueel is op de (Toewijzing)Ingangsdatum.",
         retourcode="S300", level=Level.EXTERNE_BRON, note=note)(gemeentecode_check(side, bron, also))


def productcode_rule(bericht: str, side: str, bron: Productbron, note: str = "") -> None:
    """Register TR381 for ``bericht`` (see :func:`productcode_check`)."""
    rule("TR381", (bericht,), "Product.Code",
         "ProductCode past bij de ProductCategorie volgens de productcodelijst die de gemeente hanteert.",
         retourcode="S329", level=Level.EXTERNE_BRON, note=note)(productcode_check(side, bron))


TOEWIJZING = Productbron("m:Client/m:ToegewezenProducten/m:ToegewezenProduct", "m:Product/ijw:Categorie",
                         "m:Product/ijw:Code", "m:Ingangsdatum")
VERZOEK = Productbron("m:Client/m:AangevraagdeProducten/m:AangevraagdProduct", "m:Product/ijw:Categorie",
                      "m:Product/ijw:Code", "m:ToewijzingIngangsdatum")

gemeentecode_rule("JW301", AFZENDER, TOEWIJZING)
gemeentecode_rule("JW315", ONTVANGER, VERZOEK)
gemeentecode_rule("JW319", AFZENDER, None, also=("m:Antwoord/m:Woonplaatsbeginsel/m:Gemeente",))
productcode_rule("JW301", AFZENDER, TOEWIJZING)
productcode_rule("JW315", ONTVANGER, VERZOEK)
