"""Controleniveau 2–4: the rules of the iJw 3.2 regelrapport beyond the XSD."""

from lxml import etree

from ijw_gateway.messages.registry import Berichttype
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.findings import Finding


def rule_layer(message: IjwModel, berichttype: Berichttype, tree: etree._ElementTree, context: object) -> list[Finding]:
    """All registered rules that apply to ``berichttype``, in registry order."""
    return []
