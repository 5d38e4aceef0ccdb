"""JW315 Verzoek om toewijzing: an aanbieder asks the gemeente to assign products."""

from typing import ClassVar

from ijw_gateway.messages._common import AanbiederHeader, berichtcode
from ijw_gateway.messages.basisschema import (
    CDT_Geboortedatum,
    CDT_Omvang,
    CDT_Product,
    CDT_VerkorteNaam,
    CDT_Verwijzer,
    LDT_Budget,
    LDT_BurgerServicenummer,
    LDT_Commentaar,
    LDT_Datum,
    LDT_Geslacht,
    LDT_JaNee,
    LDT_Nummer,
    LDT_Referentie,
)
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("315")


class Header(AanbiederHeader):
    BerichtCode: berichtcode("446")


class AangevraagdProduct(IjwModel):
    ReferentieAanbieder: LDT_Referentie
    BeschikkingNummer: Opt[LDT_Nummer]
    Product: Opt[CDT_Product]
    BeschikkingIngangsdatum: Opt[LDT_Datum]
    ToewijzingIngangsdatum: LDT_Datum
    ToewijzingEinddatum: Opt[LDT_Datum]
    Omvang: Opt[CDT_Omvang]
    Budget: Opt[LDT_Budget]
    Verwijzer: CDT_Verwijzer
    Raamcontract: Opt[LDT_JaNee]
    Commentaar: Opt[LDT_Commentaar]


class AangevraagdeProducten(IjwModel):
    AangevraagdProduct: OneOrMore[AangevraagdProduct]


class Client(IjwModel):
    Bsn: LDT_BurgerServicenummer
    Geboortedatum: CDT_Geboortedatum
    Geslacht: LDT_Geslacht
    Naam: CDT_VerkorteNaam
    GezagsdragerBekend: Opt[LDT_JaNee]
    Commentaar: Opt[LDT_Commentaar]
    AangevraagdeProducten: AangevraagdeProducten


class JW315(IjwModel):
    """Bericht voor het aanvragen van een toewijzing voor jeugdhulp."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Client
