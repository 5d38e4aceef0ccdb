"""JW316 Verzoek om toewijzing retour: the gemeente's retourbericht on a JW315."""

from typing import ClassVar

from ijw_gateway.messages import jw315
from ijw_gateway.messages._common import berichtcode
from ijw_gateway.messages._retour import RetourCodesBase, RetourHeaderFields
from ijw_gateway.messages.namespaces import message_namespace
from ijw_gateway.messages.xsd import IjwModel, OneOrMore, Opt

NAMESPACE = message_namespace("316")


class RetourCodes(RetourCodesBase):
    pass


class Header(RetourHeaderFields, jw315.Header):
    BerichtCode: berichtcode("447")
    RetourCodes: Opt[RetourCodes]


class AangevraagdProduct(jw315.AangevraagdProduct):
    RetourCodes: RetourCodes


class AangevraagdeProducten(jw315.AangevraagdeProducten):
    AangevraagdProduct: OneOrMore[AangevraagdProduct]


class Client(jw315.Client):
    AangevraagdeProducten: AangevraagdeProducten
    RetourCodes: RetourCodes


class JW316(IjwModel):
    """Retourbericht op een verzoek om toewijzing."""

    xsd_type_name: ClassVar[str] = "Root"

    Header: Header
    Client: Opt[Client]
