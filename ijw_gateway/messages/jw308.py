"""JW308 Stop zorg retour: the gemeente's retourbericht on a JW307."""

from typing import ClassVar

from ijw_gateway.messages import jw307
from ijw_gateway.messages._common import berichtcode
from ijw_gateway.messages._retour import RetourCodesBase, RetourHeaderFields
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("308")


class RetourCodes(RetourCodesBase):
    pass


class Header(RetourHeaderFields, jw307.Header):
    BerichtCode: berichtcode("441")
    RetourCodes: Opt[RetourCodes]


class StopProduct(jw307.StopProduct):
    RetourCodes: RetourCodes


class StopProducten(jw307.StopProducten):
    StopProduct: OneOrMore[StopProduct]


class Client(jw307.Client):
    StopProducten: StopProducten
    RetourCodes: RetourCodes


class JW308(IjwModel):
    """Retourbericht op een stopbericht."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Opt[Client]
