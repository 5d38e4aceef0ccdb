"""JW302 Toewijzing retour: the aanbieder's retourbericht on a JW301."""

from typing import ClassVar

from ijw_gateway.messages import jw301
from ijw_gateway.messages._common import berichtcode
from ijw_gateway.messages._retour import RetourCodesBase, RetourHeaderFields
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("302")


class RetourCodes(RetourCodesBase):
    pass


class Header(RetourHeaderFields, jw301.Header):
    BerichtCode: berichtcode("437")
    RetourCodes: Opt[RetourCodes]


class Contact(jw301.Contact):
    RetourCodes: RetourCodes


class Relatie(jw301.Relatie):
    Contact: Contact
    RetourCodes: RetourCodes


class Relaties(jw301.Relaties):
    Relatie: OneOrMore[Relatie]


class Contactgegevens(jw301.Contactgegevens):
    Contact: OneOrMore[Contact]


class ToegewezenProduct(jw301.ToegewezenProduct):
    RetourCodes: RetourCodes


class ToegewezenProducten(jw301.ToegewezenProducten):
    ToegewezenProduct: OneOrMore[ToegewezenProduct]


class Client(jw301.Client):
    Relaties: Opt[Relaties]
    Contactgegevens: Contactgegevens
    ToegewezenProducten: ToegewezenProducten
    RetourCodes: RetourCodes


class JW302(IjwModel):
    """Retourbericht op een toewijzing."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Opt[Client]
