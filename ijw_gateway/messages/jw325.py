"""JW325 Declaratie-antwoord: the gemeente's answer to a JW323, with the rejected prestaties."""

from typing import ClassVar

from pydantic import Field

from ijw_gateway.messages import jw323
from ijw_gateway.messages._common import GemeenteHeader, berichtcode
from ijw_gateway.messages._retour import RetourCodesBase
from ijw_gateway.messages.basisschema import (
    CDT_BerichtIdentificatie,
    CDT_TotaalBedragMetDC,
    CDT_XsdVersie,
    LDT_BurgerServicenummer,
    LDT_IdentificatieDeclaratie,
    LDT_Versie,
)
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("325")


class RetourCodes(RetourCodesBase):
    pass


class Header(GemeenteHeader):
    BerichtCode: berichtcode("491")
    DeclaratieIdentificatie: CDT_BerichtIdentificatie
    XsltVersie: Opt[LDT_Versie]
    XsdVersieDeclaratie: CDT_XsdVersie = Field(default_factory=CDT_XsdVersie)
    RetourCodes: RetourCodes


class Prestatie(jw323.Prestatie):
    RetourCodes: RetourCodes


class Prestaties(IjwModel):
    Prestatie: OneOrMore[Prestatie]


class Client(IjwModel):
    Bsn: LDT_BurgerServicenummer
    Prestaties: Prestaties
    RetourCodes: RetourCodes


class Clienten(IjwModel):
    Client: OneOrMore[Client]


class DeclaratieAntwoord(IjwModel):
    DeclaratieNummer: LDT_IdentificatieDeclaratie
    TotaalIngediendBedrag: CDT_TotaalBedragMetDC
    TotaalToegekendBedrag: CDT_TotaalBedragMetDC
    Clienten: Opt[Clienten]
    RetourCodes: RetourCodes


class JW325(IjwModel):
    """Antwoord op een declaratie."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    DeclaratieAntwoord: Opt[DeclaratieAntwoord]
