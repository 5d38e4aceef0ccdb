"""JW319 Antwoordbericht: the gemeente's answer to a JW315 or JW317 it does not (yet) honour."""

from typing import ClassVar

from ijw_gateway.messages._common import GemeenteHeader, berichtcode
from ijw_gateway.messages.basisschema import (
    LDT_Gemeente,
    LDT_RedenAfwijzingVerzoek,
    LDT_Referentie,
    LDT_VerzoekAntwoord,
)
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, Opt

NAMESPACE = message_namespace("319")


class Header(GemeenteHeader):
    BerichtCode: berichtcode("488")


class Woonplaatsbeginsel(IjwModel):
    Gemeente: LDT_Gemeente


class Antwoord(IjwModel):
    ReferentieAanbieder: LDT_Referentie
    VerzoekAntwoord: LDT_VerzoekAntwoord
    RedenAfwijzingVerzoek: Opt[LDT_RedenAfwijzingVerzoek]
    Woonplaatsbeginsel: Opt[Woonplaatsbeginsel]


class JW319(IjwModel):
    """Antwoord op een verzoek om toewijzing of verzoek om wijziging."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Antwoord: Antwoord
