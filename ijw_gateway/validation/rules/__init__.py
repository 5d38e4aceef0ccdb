"""Controleniveau 2–4: the rules of the iJw 3.2 regelrapport beyond the XSD."""

from lxml import etree

from ijw_gateway.messages.registry import Berichttype
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.findings import Finding
from ijw_gateway.validation.rules import berichtinhoud, documented, externe_bron  # noqa: F401  (registration)
from ijw_gateway.validation.rules.registry import RuleInput, implemented_for

_NAMESPACES = {
    "ijw": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
    **{f"jw{n}": f"http://www.istandaarden.nl/ijw/3_2/jw{n}/schema"
       for n in ("301", "302", "305", "306", "307", "308", "315", "316", "317", "318", "319", "320", "323", "325")},
}


def _line(tree: etree._ElementTree, path: str) -> int | None:
    try:
        found = tree.xpath(path, namespaces=_NAMESPACES)
    except etree.XPathError:
        return None
    return found[0].sourceline if found and isinstance(found[0], etree._Element) else None


def rule_layer(message: IjwModel, berichttype: Berichttype, tree: etree._ElementTree, context: object) -> list[Finding]:
    """All registered rules that apply to ``berichttype``, in registry order."""
    rule_input = RuleInput(message, berichttype.naam, tree, context.system_date)  # type: ignore[attr-defined]
    findings = []
    for rule in implemented_for(berichttype.naam):
        assert rule.check is not None and rule.retourcode is not None
        for violation in rule.check(rule_input):
            findings.append(Finding(rule=rule.code, retourcode=rule.retourcode, path=violation.path,
                                    line=_line(tree, violation.path), message=violation.message))
    return findings
