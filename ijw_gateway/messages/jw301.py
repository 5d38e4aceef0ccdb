"""JW301 Toewijzing: the gemeente assigns youth care (products) to an aanbieder."""

from typing import ClassVar

from ijw_gateway.messages._common import GemeenteHeader, berichtcode
from ijw_gateway.messages.basisschema import (
    CDT_Adres,
    CDT_Communicatie,
    CDT_Geboortedatum,
    CDT_Omvang,
    CDT_OpenPeriode,
    CDT_Product,
    CDT_Telefoonnummers,
    CDT_VolledigeNaam,
    LDT_AdresSoort,
    LDT_Budget,
    LDT_BurgerServicenummer,
    LDT_Commentaar,
    LDT_Datum,
    LDT_Emailadres,
    LDT_Geslacht,
    LDT_JuridischeStatus,
    LDT_Nummer,
    LDT_Organisatienaam,
    LDT_Persoonsid,
    LDT_RedenWijziging,
    LDT_Referentie,
    LDT_RelatieVolgorde,
    LDT_SoortRelatie,
    LDT_Tijd,
    LDT_WettelijkeVertegenwoordiging,
)
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("301")


class Header(GemeenteHeader):
    BerichtCode: berichtcode("436")


class Contact(IjwModel):
    Soort: LDT_AdresSoort
    Adres: Opt[CDT_Adres]
    Organisatie: Opt[LDT_Organisatienaam]
    Telefoon: Opt[CDT_Telefoonnummers]
    Emailadres: Opt[LDT_Emailadres]
    Periode: Opt[CDT_OpenPeriode]


class Relatie(IjwModel):
    Nummer: LDT_Persoonsid
    Volgorde: Opt[LDT_RelatieVolgorde]
    Soort: LDT_SoortRelatie
    Geboortedatum: Opt[CDT_Geboortedatum]
    Geslacht: Opt[LDT_Geslacht]
    Naam: CDT_VolledigeNaam
    Contact: Contact


class Relaties(IjwModel):
    Relatie: OneOrMore[Relatie]


class Contactgegevens(IjwModel):
    Contact: OneOrMore[Contact]


class ToegewezenProduct(IjwModel):
    ToewijzingNummer: LDT_Nummer
    ReferentieAanbieder: Opt[LDT_Referentie]
    Product: Opt[CDT_Product]
    Toewijzingsdatum: LDT_Datum
    Toewijzingstijd: LDT_Tijd
    Ingangsdatum: LDT_Datum
    Einddatum: Opt[LDT_Datum]
    RedenWijziging: Opt[LDT_RedenWijziging]
    Omvang: Opt[CDT_Omvang]
    Budget: Opt[LDT_Budget]
    Commentaar: Opt[LDT_Commentaar]


class ToegewezenProducten(IjwModel):
    ToegewezenProduct: OneOrMore[ToegewezenProduct]


class Client(IjwModel):
    Bsn: LDT_BurgerServicenummer
    Geboortedatum: CDT_Geboortedatum
    Geslacht: LDT_Geslacht
    Naam: CDT_VolledigeNaam
    Communicatie: Opt[CDT_Communicatie]
    JuridischeStatus: Opt[LDT_JuridischeStatus]
    WettelijkeVertegenwoordiging: Opt[LDT_WettelijkeVertegenwoordiging]
    Commentaar: Opt[LDT_Commentaar]
    Relaties: Opt[Relaties]
    Contactgegevens: Contactgegevens
    ToegewezenProducten: ToegewezenProducten


class JW301(IjwModel):
    """Bericht voor het toewijzen van jeugdhulp aan een aanbieder."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Client
