"""JW323 Declaratie: the aanbieder declares delivered care (prestaties) to the gemeente."""

from typing import Annotated, ClassVar

from ijw_gateway.messages._common import AanbiederHeader, berichtcode
from ijw_gateway.messages.basisschema import (
    IDENTIFICATIE_DECLARATIE,
    CDT_BedragMetDC,
    CDT_GeslotenPeriode,
    CDT_Referentie,
    CDT_TotaalBedragMetDC,
    LDT_Bedrag,
    LDT_BurgerServicenummer,
    LDT_Datum,
    LDT_Eenheid,
    LDT_Nummer,
    LDT_ProductCategorie,
    LDT_ProductCode,
    LDT_Volume,
)
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("323")

DeclaratieNummer = Annotated[str, IDENTIFICATIE_DECLARATIE.restrict(pattern=r"([a-zA-Z0-9])+")]


class Header(AanbiederHeader):
    BerichtCode: berichtcode("490")


class Prestatie(IjwModel):
    ProductReferentie: CDT_Referentie
    ToewijzingNummer: LDT_Nummer
    ProductCategorie: LDT_ProductCategorie
    ProductCode: LDT_ProductCode
    ProductPeriode: CDT_GeslotenPeriode
    GeleverdVolume: LDT_Volume
    Eenheid: LDT_Eenheid
    ProductTarief: Opt[LDT_Bedrag]
    IngediendBedrag: CDT_BedragMetDC


class Prestaties(IjwModel):
    Prestatie: OneOrMore[Prestatie]


class Client(IjwModel):
    Bsn: LDT_BurgerServicenummer
    Prestaties: Prestaties


class Clienten(IjwModel):
    Client: OneOrMore[Client]


class Declaratie(IjwModel):
    DeclaratieNummer: DeclaratieNummer
    DeclaratiePeriode: CDT_GeslotenPeriode
    DeclaratieDagtekening: LDT_Datum
    TotaalIngediendBedrag: CDT_TotaalBedragMetDC
    Clienten: Clienten


class JW323(IjwModel):
    """Bericht voor het declareren van geleverde jeugdhulp."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Declaratie: Declaratie
