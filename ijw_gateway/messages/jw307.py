"""JW307 Stop zorg: the aanbieder reports that the care of an assigned product ended."""

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
    LDT_RedenBeeindiging,
    LDT_StatusAanlevering,
)
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("307")


class Header(AanbiederHeader):
    BerichtCode: berichtcode("440")


class StopProduct(IjwModel):
    ToewijzingNummer: Opt[LDT_Nummer]
    Product: Opt[CDT_Product]
    ToewijzingIngangsdatum: Opt[LDT_Datum]
    Begindatum: LDT_Datum
    RedenBeeindiging: LDT_RedenBeeindiging
    Einddatum: LDT_Datum
    StatusAanlevering: LDT_StatusAanlevering


class StopProducten(IjwModel):
    StopProduct: OneOrMore[StopProduct]


class Client(IjwModel):
    Bsn: LDT_BurgerServicenummer
    Geboortedatum: CDT_Geboortedatum
    Geslacht: LDT_Geslacht
    Naam: CDT_VerkorteNaam
    StopProducten: StopProducten


class JW307(IjwModel):
    """Bericht voor het melden van het einde van de zorg."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Client
