"""Uniform views on the parts of a message that rules look at, each with its canonical path.

A JW301 ToegewezenProduct and a JW315 AangevraagdProduct name their dates
differently; rules about periods and omvang read them through :class:`ProductView`.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ijw_gateway.messages import jw301, jw315
from ijw_gateway.messages.basisschema import CDT_Geboortedatum, CDT_Omvang, CDT_Product
from ijw_gateway.messages.xsd import IjwModel


class XPath(str):
    """A canonical path under construction: ``root("JW301").el("Client").el("X", 2).ijw("Datum")``.

    A ``str``, so building one costs little; paths are made for every element a rule visits.
    """

    __slots__ = ()

    def el(self, name: str, position: int | None = None) -> "XPath":
        prefix = self[1 : self.index(":")]
        return XPath(f"{self}/{prefix}:{name}" + (f"[{position}]" if position else ""))

    def ijw(self, name: str) -> "XPath":
        return XPath(f"{self}/ijw:{name}")


def root(bericht: str) -> XPath:
    return XPath(f"/{bericht.lower()}:Bericht")


@dataclass(frozen=True)
class ProductView:
    bericht: str
    container: tuple[str, str]
    product: CDT_Product | None
    ingangsdatum: date
    einddatum: date | None
    omvang: CDT_Omvang | None
    budget: int | None
    ingang_element: str
    eind_element: str
    index: int

    @property
    def path(self) -> XPath:
        """Built on demand: most products break no rule, and paths are only needed for findings."""
        wrapper, item = self.container
        return root(self.bericht).el("Client").el(wrapper).el(item, self.index)

    @property
    def code(self) -> str | None:
        return self.product.Code if self.product else None

    @property
    def categorie(self) -> str | None:
        return self.product.Categorie if self.product else None

    @property
    def eind_path(self) -> str:
        return str(self.path.el(self.eind_element))


def products(message: IjwModel, bericht: str) -> tuple[ProductView, ...]:
    """The products of a JW301 or JW315 (empty for other messages)."""
    views: tuple[ProductView, ...] = ()
    if isinstance(message, jw301.JW301):
        container = ("ToegewezenProducten", "ToegewezenProduct")
        views = tuple(
            ProductView(bericht, container, p.Product, p.Ingangsdatum, p.Einddatum, p.Omvang, p.Budget,
                        "Ingangsdatum", "Einddatum", i)
            for i, p in enumerate(message.Client.ToegewezenProducten.ToegewezenProduct, 1)
        )
    elif isinstance(message, jw315.JW315):
        container = ("AangevraagdeProducten", "AangevraagdProduct")
        views = tuple(
            ProductView(bericht, container, p.Product, p.ToewijzingIngangsdatum, p.ToewijzingEinddatum, p.Omvang,
                        p.Budget, "ToewijzingIngangsdatum", "ToewijzingEinddatum", i)
            for i, p in enumerate(message.Client.AangevraagdeProducten.AangevraagdProduct, 1)
        )
    return views


def geboortedata(message: IjwModel, bericht: str) -> Iterator[tuple[CDT_Geboortedatum, XPath]]:
    """Every Geboortedatum of a person in the message: the client's and (JW301) the relaties'."""
    client = getattr(message, "Client", None)
    if client is None or not hasattr(client, "Geboortedatum"):
        return
    base = root(bericht).el("Client")
    yield client.Geboortedatum, base.el("Geboortedatum")
    relaties = getattr(client, "Relaties", None)
    if relaties is not None:
        for i, relatie in enumerate(relaties.Relatie, 1):
            if relatie.Geboortedatum is not None:
                yield relatie.Geboortedatum, base.el("Relaties").el("Relatie", i).el("Geboortedatum")


def dagtekening(message: IjwModel) -> date:
    return message.Header.BerichtIdentificatie.Dagtekening  # type: ignore[attr-defined]
