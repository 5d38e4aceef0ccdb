"""JW305 Start zorg: the aanbieder reports that the care of an assigned product started."""

from typing import ClassVar

from ijw_gateway.messages._common import AanbiederHeader, berichtcode
from ijw_gateway.messages.basisschema import (
    CDT_Geboortedatum,
    CDT_Product,
    CDT_VerkorteNaam,
    LDT_BurgerServicenummer,
    LDT_Datum,
    LDT_Geslacht,
    LDT_Nummer,
    LDT_StatusAanlevering,
)
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("305")


class Header(AanbiederHeader):
    BerichtCode: berichtcode("438")


class StartProduct(IjwModel):
    ToewijzingNummer: Opt[LDT_Nummer]
    Product: Opt[CDT_Product]
    ToewijzingIngangsdatum: Opt[LDT_Datum]
    Begindatum: LDT_Datum
    StatusAanlevering: LDT_StatusAanlevering


class StartProducten(IjwModel):
    StartProduct: OneOrMore[StartProduct]


class Client(IjwModel):
    Bsn: LDT_BurgerServicenummer
    Geboortedatum: CDT_Geboortedatum
    Geslacht: LDT_Geslacht
    Naam: CDT_VerkorteNaam
    StartProducten: StartProducten


class JW305(IjwModel):
    """Bericht voor het melden van de start van de zorg."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Client
