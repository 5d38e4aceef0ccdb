"""The gemeente's decision on a received JW315: per requested product a JW301 or a JW319.

A product the region's contract allows is assigned in one JW301 to the requesting
provider (ToegewezenProduct with the request's ReferentieAanbieder); each other product
gets a JW319 Antwoord with VerzoekAntwoord 1 and the RedenAfwijzingVerzoek of the
contract check (3 geen contract, 4 past niet binnen contract, 5 andere gemeente).

A JW301 needs the client's Contactgegevens, which a JW315 does not carry. When the
verwijzer is a known GI (type 04), the GI is the correspondence contact, as in
``ijw build``. Otherwise the gemeente cannot assign yet: it answers JW319 with
VerzoekAntwoord 2 (aanvraag in onderzoek) while its backoffice completes the address;
OP274 then gives it 8 weeks.
"""

from collections.abc import Callable
from datetime import date, datetime

from ijw_gateway.messages import basisschema as b
from ijw_gateway.messages import jw301, jw315, jw319
from ijw_gateway.messages.identificatie import identificatie, nummer
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.tussentaal.beoordeling import beoordeel_verzoek
from ijw_gateway.tussentaal.build import gecertificeerde_instellingen
from ijw_gateway.tussentaal.catalog import Catalog, default_catalog


def _gi_contact(product: jw315.AangevraagdProduct) -> jw301.Contact | None:
    verwijzer = product.Verwijzer
    if verwijzer.Type != "04" or verwijzer.Naam is None:
        return None
    gi = next((g for g in gecertificeerde_instellingen().values() if g.naam == verwijzer.Naam), None)
    if gi is None:
        return None
    return jw301.Contact(
        Soort="02", Organisatie=gi.naam[:35],
        Telefoon=b.CDT_Telefoonnummers(Telefoon01=b.CDT_Telefoon(Telefoonnummer=gi.telefoon, Landnummer="0031")),
    )


def _antwoord(verzoek: jw315.JW315, referentie: str, dagtekening: date, verzoek_antwoord: str,
              reden: str | None) -> jw319.JW319:
    header = verzoek.Header
    return jw319.JW319(
        Header=jw319.Header(
            Afzender=header.Ontvanger, Ontvanger=header.Afzender,
            BerichtIdentificatie=b.CDT_BerichtIdentificatie(
                Identificatie=identificatie(header.Afzender, header.BerichtIdentificatie.Identificatie, referentie,
                                        "JW319", verzoek_antwoord),
                Dagtekening=dagtekening),
        ),
        Antwoord=jw319.Antwoord(ReferentieAanbieder=referentie, VerzoekAntwoord=verzoek_antwoord,
                                RedenAfwijzingVerzoek=reden),
    )


def besluit(
    verzoek: jw315.JW315,
    dagtekening: date,
    *,
    catalog: Catalog | None = None,
    toewijzingnummer: Callable[..., int] | None = None,
) -> list[IjwModel]:
    """The JW301 (if any product is allowed) and the JW319s answering ``verzoek``."""
    catalog = catalog or default_catalog()
    toewijzing_nummer = toewijzingnummer or nummer
    header, client = verzoek.Header, verzoek.Client
    toegewezen: list[jw301.ToegewezenProduct] = []
    contact: jw301.Contact | None = None
    antwoorden: list[IjwModel] = []
    tijd = datetime.now().time().replace(microsecond=0)
    for product in client.AangevraagdeProducten.AangevraagdProduct:
        code = product.Product.Code if product.Product else None
        oordeel = beoordeel_verzoek(
            gemeentecode=header.Ontvanger, productcategorie=product.Product.Categorie if product.Product else "",
            productcode=code, eenheid=product.Omvang.Eenheid if product.Omvang else None,
            frequentie=product.Omvang.Frequentie if product.Omvang else None, aanbieder=header.Afzender,
            ingangsdatum=product.ToewijzingIngangsdatum, einddatum=product.ToewijzingEinddatum, catalog=catalog,
        )
        if not oordeel.toegestaan:
            antwoorden.append(_antwoord(verzoek, product.ReferentieAanbieder, dagtekening, "1",
                                        oordeel.reden_afwijzing))
            continue
        contact = contact or _gi_contact(product)
        if contact is None:
            antwoorden.append(_antwoord(verzoek, product.ReferentieAanbieder, dagtekening, "2", None))
            continue
        toegewezen.append(jw301.ToegewezenProduct(
            ToewijzingNummer=toewijzing_nummer(header.Ontvanger, header.Afzender, product.ReferentieAanbieder),
            ReferentieAanbieder=product.ReferentieAanbieder, Product=product.Product,
            Toewijzingsdatum=dagtekening, Toewijzingstijd=tijd, Ingangsdatum=product.ToewijzingIngangsdatum,
            Einddatum=product.ToewijzingEinddatum, Omvang=product.Omvang, Budget=product.Budget,
        ))
    if not toegewezen:
        return antwoorden
    toewijzing = jw301.JW301(
        Header=jw301.Header(
            Afzender=header.Ontvanger, Ontvanger=header.Afzender,
            BerichtIdentificatie=b.CDT_BerichtIdentificatie(
                Identificatie=identificatie(header.Afzender, header.BerichtIdentificatie.Identificatie, "JW301"),
                Dagtekening=dagtekening),
        ),
        Client=jw301.Client(
            Bsn=client.Bsn, Geboortedatum=client.Geboortedatum, Geslacht=client.Geslacht,
            Naam=b.CDT_VolledigeNaam(Geslachtsnaam=client.Naam.Geslachtsnaam, Voornamen=client.Naam.Voornamen,
                                     Voorletters=client.Naam.Voorletters, NaamGebruik="1"),
            Contactgegevens=jw301.Contactgegevens(Contact=[contact]),
            ToegewezenProducten=jw301.ToegewezenProducten(ToegewezenProduct=toegewezen),
        ),
    )
    return [toewijzing, *antwoorden]
