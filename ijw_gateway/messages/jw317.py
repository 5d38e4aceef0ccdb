"""JW317 Verzoek om wijziging: an aanbieder asks the gemeente to change current assignments."""

from typing import ClassVar

from ijw_gateway.messages._common import AanbiederHeader, berichtcode
from ijw_gateway.messages.basisschema import (
    CDT_Omvang,
    CDT_Product,
    LDT_Budget,
    LDT_BurgerServicenummer,
    LDT_Datum,
    LDT_Nummer,
    LDT_RedenVerzoek,
    LDT_Referentie,
)
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("317")


class Header(AanbiederHeader):
    BerichtCode: berichtcode("486")


class OngewijzigdProduct(IjwModel):
    ToewijzingNummer: LDT_Nummer


class OngewijzigdeProducten(IjwModel):
    OngewijzigdProduct: OneOrMore[OngewijzigdProduct]


class TeWijzigenProduct(IjwModel):
    ToewijzingNummer: LDT_Nummer
    GewensteIngangsdatum: LDT_Datum
    Einddatum: Opt[LDT_Datum]
    Omvang: Opt[CDT_Omvang]
    Budget: Opt[LDT_Budget]


class TeWijzigenProducten(IjwModel):
    TeWijzigenProduct: OneOrMore[TeWijzigenProduct]


class NieuwProduct(IjwModel):
    Product: Opt[CDT_Product]
    GewensteIngangsdatum: LDT_Datum
    Einddatum: Opt[LDT_Datum]
    Omvang: Opt[CDT_Omvang]
    Budget: Opt[LDT_Budget]


class NieuweProducten(IjwModel):
    NieuwProduct: OneOrMore[NieuwProduct]


class Verzoek(IjwModel):
    ReferentieAanbieder: LDT_Referentie
    RedenVerzoek: LDT_RedenVerzoek
    OngewijzigdeProducten: Opt[OngewijzigdeProducten]
    TeWijzigenProducten: Opt[TeWijzigenProducten]
    NieuweProducten: Opt[NieuweProducten]


class Client(IjwModel):
    Bsn: LDT_BurgerServicenummer
    Verzoek: Verzoek


class JW317(IjwModel):
    """Bericht voor het verzoeken om wijziging van een toewijzing."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Client
