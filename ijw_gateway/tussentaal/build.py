"""A bepaling jeugdhulp → the iJw messages of its route.

Route 301: one JW301 Toewijzing from the gemeente to each provider named. Route 315:
one JW315 Verzoek om toewijzing from each provider to the gemeente. This module only
constructs them; ``workflows.build`` validates each (XSD and all rules) before anything is
written or recorded.

Choices where the bepaling is silent (documented in ``productcodes/README.md``):

* The bepaling carries no address. A JW301 needs Contactgegevens, so the GI is the
  client's correspondence contact (Soort 02): its name and telephone number.
* ``JuridischeStatus`` follows the maatregel: OTS → 04; jeugdreclassering → 12
  (strafrechtelijk, overig); voogdij → WettelijkeVertegenwoordiging 06 (voogdij);
  drang (vrijwillig kader) → neither.
* ``ReferentieAanbieder`` of a JW315 product is ``<kenmerk>-<line>`` (``-<period>`` added
  when a long line is split), so answers and ledger entries find their bepaling.
* ``Identificatie`` and, without a ledger, ``ToewijzingNummer`` derive from the kenmerk,
  line and period: building the same bepaling again gives the same messages.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

from ijw_gateway.errors import DataError, MappingError
from ijw_gateway.messages import basisschema as b
from ijw_gateway.messages import jw301, jw315
from ijw_gateway.messages.identificatie import identificatie
from ijw_gateway.messages.identificatie import nummer as derived_nummer
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.resources import data_dir
from ijw_gateway.tussentaal.bepaling import Bepaling
from ijw_gateway.tussentaal.catalog import Catalog, default_catalog
from ijw_gateway.tussentaal.mapping import Toewijzing, map_or_raise

JURIDISCHE_STATUS = {"OTS": "04", "jeugdreclassering": "12"}
WETTELIJKE_VERTEGENWOORDIGING = {"voogdij": "06"}
VERWIJZER_GI = "04"


@dataclass(frozen=True)
class GecertificeerdeInstelling:
    code: str
    naam: str
    telefoon: str


@cache
def gecertificeerde_instellingen(directory: Path | None = None) -> dict[str, GecertificeerdeInstelling]:
    path = (directory or data_dir("productcodes")) / "gecertificeerde-instellingen.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return {row["code"]: GecertificeerdeInstelling(row["code"], row["naam"], row["telefoon"])
                    for row in csv.DictReader(handle)}
    except (OSError, KeyError) as error:
        raise DataError(f"{path}: cannot read the gecertificeerde instellingen ({error})") from None


@dataclass(frozen=True)
class Product:
    """One product line of a message: a mapped hulp line over one period."""

    toewijzing: Toewijzing
    ingangsdatum: date
    einddatum: date
    volume: int
    deel: int | None
    commentaar: str | None

    @property
    def omvang(self) -> b.CDT_Omvang:
        return b.CDT_Omvang(Volume=self.volume, Eenheid=self.toewijzing.eenheid,
                            Frequentie=self.toewijzing.frequentie)

    @property
    def product(self) -> b.CDT_Product:
        return b.CDT_Product(Categorie=self.toewijzing.productcategorie, Code=self.toewijzing.productcode)


def _products(bepaling: Bepaling, mapped: list[Toewijzing]) -> dict[str, list[Product]]:
    """The products per provider, in the order the providers first appear."""
    per_aanbieder: dict[str, list[Product]] = {}
    for toewijzing in mapped:
        if not toewijzing.aanbieder_gecontracteerd:
            contracted = ", ".join(toewijzing.gecontracteerde_aanbieders) or "none"
            raise MappingError(
                f"hulp line {toewijzing.regel} ({toewijzing.zorgvorm}) in region {toewijzing.regio}: provider "
                f"{toewijzing.aanbieder} has no contract for {toewijzing.productcode}; contracted: {contracted}"
            )
        hulp = bepaling.hulp[toewijzing.regel - 1]
        split = len(toewijzing.perioden) > 1
        for deel, periode in enumerate(toewijzing.perioden, 1):
            per_aanbieder.setdefault(toewijzing.aanbieder, []).append(
                Product(toewijzing, periode.ingangsdatum, periode.einddatum, periode.volume, deel if split else None,
                        hulp.commentaar)
            )
    return per_aanbieder


def _geboortedatum(bepaling: Bepaling) -> b.CDT_Geboortedatum:
    return b.CDT_Geboortedatum(Datum=bepaling.jeugdige.geboortedatum)


def _achternaam(bepaling: Bepaling) -> b.CDT_Achternaam:
    return b.CDT_Achternaam(Achternaam=bepaling.jeugdige.achternaam, Voorvoegsel=bepaling.jeugdige.voorvoegsel)


def _jw301(bepaling: Bepaling, aanbieder: str, products: list[Product], dagtekening: date, tijd: time,
           nummer: Callable[..., int]) -> jw301.JW301:
    gi = gecertificeerde_instellingen()[bepaling.gecertificeerde_instelling]
    j = bepaling.jeugdige
    return jw301.JW301(
        Header=jw301.Header(
            Afzender=bepaling.gemeente, Ontvanger=aanbieder,
            BerichtIdentificatie=b.CDT_BerichtIdentificatie(
                Identificatie=identificatie(bepaling.kenmerk, "JW301", aanbieder, dagtekening),
                Dagtekening=dagtekening,
            ),
        ),
        Client=jw301.Client(
            Bsn=j.bsn, Geboortedatum=_geboortedatum(bepaling), Geslacht=j.geslacht,
            Naam=b.CDT_VolledigeNaam(Geslachtsnaam=_achternaam(bepaling), Voornamen=j.voornamen,
                                     Voorletters=j.voorletters, NaamGebruik="1"),
            JuridischeStatus=JURIDISCHE_STATUS.get(bepaling.maatregel),
            WettelijkeVertegenwoordiging=WETTELIJKE_VERTEGENWOORDIGING.get(bepaling.maatregel),
            Contactgegevens=jw301.Contactgegevens(Contact=[jw301.Contact(
                Soort="02", Organisatie=gi.naam[:35],
                Telefoon=b.CDT_Telefoonnummers(Telefoon01=b.CDT_Telefoon(Telefoonnummer=gi.telefoon,
                                                                         Landnummer="0031")),
            )]),
            ToegewezenProducten=jw301.ToegewezenProducten(ToegewezenProduct=[
                jw301.ToegewezenProduct(
                    ToewijzingNummer=nummer(bepaling.gemeente, bepaling.kenmerk, p.toewijzing.regel, p.deel),
                    Product=p.product, Toewijzingsdatum=dagtekening, Toewijzingstijd=tijd,
                    Ingangsdatum=p.ingangsdatum, Einddatum=p.einddatum, Omvang=p.omvang, Commentaar=p.commentaar,
                )
                for p in products
            ]),
        ),
    )


def referentie_aanbieder(kenmerk: str, regel: int, deel: int | None) -> str:
    referentie = f"{kenmerk}-{regel}" + (f"-{deel}" if deel else "")
    if len(referentie) > 36:
        raise MappingError(f"kenmerk {kenmerk!r} is too long to make a ReferentieAanbieder of at most 36 characters")
    return referentie


def _jw315(bepaling: Bepaling, aanbieder: str, products: list[Product], dagtekening: date) -> jw315.JW315:
    gi = gecertificeerde_instellingen()[bepaling.gecertificeerde_instelling]
    j = bepaling.jeugdige
    return jw315.JW315(
        Header=jw315.Header(
            Afzender=aanbieder, Ontvanger=bepaling.gemeente,
            BerichtIdentificatie=b.CDT_BerichtIdentificatie(
                Identificatie=identificatie(bepaling.kenmerk, "JW315", aanbieder, dagtekening),
                Dagtekening=dagtekening,
            ),
        ),
        Client=jw315.Client(
            Bsn=j.bsn, Geboortedatum=_geboortedatum(bepaling), Geslacht=j.geslacht,
            Naam=b.CDT_VerkorteNaam(Geslachtsnaam=_achternaam(bepaling), Voornamen=j.voornamen,
                                    Voorletters=j.voorletters),
            AangevraagdeProducten=jw315.AangevraagdeProducten(AangevraagdProduct=[
                jw315.AangevraagdProduct(
                    ReferentieAanbieder=referentie_aanbieder(bepaling.kenmerk, p.toewijzing.regel, p.deel),
                    Product=p.product, ToewijzingIngangsdatum=p.ingangsdatum, ToewijzingEinddatum=p.einddatum,
                    Omvang=p.omvang, Verwijzer=b.CDT_Verwijzer(Type=VERWIJZER_GI, Naam=gi.naam[:64]),
                    Commentaar=p.commentaar,
                )
                for p in products
            ]),
        ),
    )


def bestandsnaam(kenmerk: str, message: IjwModel) -> str:
    """The file name of a built message: ``<kenmerk>-<bericht>-<ontvanger>.xml``.

    A JW315 goes from each provider to the same gemeente, so its name also carries the
    provider (``<kenmerk>-JW315-<gemeente>-<aanbieder>.xml``): every message of a
    bepaling gets a name of its own.
    """
    from ijw_gateway.messages.registry import berichttype_of

    naam = berichttype_of(message).naam
    header = message.Header  # type: ignore[attr-defined]
    suffix = f"-{header.Afzender}" if naam == "JW315" else ""
    return f"{kenmerk}-{naam}-{header.Ontvanger}{suffix}.xml"


def build_models(
    bepaling: Bepaling,
    route: str | None = None,
    dagtekening: date | None = None,
    *,
    catalog: Catalog | None = None,
    toewijzingnummer: Callable[..., int] | None = None,
) -> list[IjwModel]:
    """The JW301s (route 301) or JW315s (route 315) of ``bepaling``, not yet validated.

    Raises :class:`MappingError` for a line that cannot be mapped or a provider without
    contract. ``ijw.build`` (``workflows.build``) validates them.
    """
    route = route or bepaling.route
    if route not in ("301", "315"):
        raise MappingError(f"route {route!r}: expected 301 or 315")
    dagtekening = dagtekening or date.today()
    catalog = catalog or default_catalog()
    products = _products(bepaling, map_or_raise(bepaling, catalog=catalog))
    tijd = datetime.now().time().replace(microsecond=0)
    nummer = toewijzingnummer or derived_nummer
    return [
        _jw301(bepaling, aanbieder, items, dagtekening, tijd, nummer) if route == "301"
        else _jw315(bepaling, aanbieder, items, dagtekening)
        for aanbieder, items in products.items()
    ]
