"""Shapes shared by the retourberichten (JW302, JW306, JW308, JW316, JW318, JW320).

A retourbericht repeats its heenbericht, with the retour's BerichtCode, identifying
elements of its own and ``RetourCodes`` at the end of every berichtklasse (IV028).
Each retour module subclasses the heen module's classes, so the layout of a message
is written once.
"""

from pydantic import Field

from ijw_gateway.messages.basisschema import (
    CDT_XsdVersie,
    LDT_Datum,
    LDT_IdentificatieBericht,
    LDT_RetourCode,
    LDT_Versie,
)
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt


class RetourCodesBase(IjwModel):
    RetourCode: OneOrMore[LDT_RetourCode]


class RetourHeaderFields(IjwModel):
    """The elements a retour header adds after the copied heen header (minus its RetourCodes)."""

    IdentificatieRetour: LDT_IdentificatieBericht
    DagtekeningRetour: LDT_Datum
    XsltVersie: Opt[LDT_Versie]
    XsdVersieRetour: CDT_XsdVersie = Field(default_factory=CDT_XsdVersie)
