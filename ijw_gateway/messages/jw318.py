"""JW318 Verzoek om wijziging retour: the gemeente's retourbericht on a JW317."""

from typing import ClassVar

from ijw_gateway.messages import jw317
from ijw_gateway.messages._common import berichtcode
from ijw_gateway.messages._retour import RetourCodesBase, RetourHeaderFields
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("318")


class RetourCodes(RetourCodesBase):
    pass


class Header(RetourHeaderFields, jw317.Header):
    BerichtCode: berichtcode("487")
    RetourCodes: Opt[RetourCodes]


class OngewijzigdProduct(jw317.OngewijzigdProduct):
    RetourCodes: RetourCodes


class OngewijzigdeProducten(jw317.OngewijzigdeProducten):
    OngewijzigdProduct: OneOrMore[OngewijzigdProduct]


class TeWijzigenProduct(jw317.TeWijzigenProduct):
    RetourCodes: RetourCodes


class TeWijzigenProducten(jw317.TeWijzigenProducten):
    TeWijzigenProduct: OneOrMore[TeWijzigenProduct]


class NieuwProduct(jw317.NieuwProduct):
    RetourCodes: RetourCodes


class NieuweProducten(jw317.NieuweProducten):
    NieuwProduct: OneOrMore[NieuwProduct]


class Verzoek(jw317.Verzoek):
    OngewijzigdeProducten: Opt[OngewijzigdeProducten]
    TeWijzigenProducten: Opt[TeWijzigenProducten]
    NieuweProducten: Opt[NieuweProducten]
    RetourCodes: RetourCodes


class Client(jw317.Client):
    Verzoek: Verzoek
    RetourCodes: RetourCodes


class JW318(IjwModel):
    """Retourbericht op een verzoek om wijziging."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Opt[Client]
