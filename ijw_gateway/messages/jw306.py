"""JW306 Start zorg retour: the gemeente's retourbericht on a JW305."""

from typing import ClassVar

from ijw_gateway.messages import jw305
from ijw_gateway.messages._common import berichtcode
from ijw_gateway.messages._retour import RetourCodesBase, RetourHeaderFields
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("306")


class RetourCodes(RetourCodesBase):
    pass


class Header(RetourHeaderFields, jw305.Header):
    BerichtCode: berichtcode("439")
    RetourCodes: Opt[RetourCodes]


class StartProduct(jw305.StartProduct):
    RetourCodes: RetourCodes


class StartProducten(jw305.StartProducten):
    StartProduct: OneOrMore[StartProduct]


class Client(jw305.Client):
    StartProducten: StartProducten
    RetourCodes: RetourCodes


class JW306(IjwModel):
    """Retourbericht op een startbericht."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Opt[Client]
