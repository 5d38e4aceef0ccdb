"""JW320 Antwoordbericht retour: the aanbieder's retourbericht on a JW319."""

from typing import ClassVar

from ijw_gateway.messages import jw319
from ijw_gateway.messages._common import berichtcode
from ijw_gateway.messages._retour import RetourCodesBase, RetourHeaderFields
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, Opt

NAMESPACE = message_namespace("320")


class RetourCodes(RetourCodesBase):
    pass


class Header(RetourHeaderFields, jw319.Header):
    BerichtCode: berichtcode("489")
    RetourCodes: Opt[RetourCodes]


class Woonplaatsbeginsel(jw319.Woonplaatsbeginsel):
    RetourCodes: RetourCodes


class Antwoord(jw319.Antwoord):
    Woonplaatsbeginsel: Opt[Woonplaatsbeginsel]
    RetourCodes: RetourCodes


class JW320(IjwModel):
    """Retourbericht op een antwoordbericht."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Antwoord: Opt[Antwoord]
