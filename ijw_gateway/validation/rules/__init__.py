"""Controleniveau 2–4: the rules of the iJw 3.2 regelrapport beyond the XSD."""

from lxml import etree

from ijw_gateway.messages.registry import Berichttype
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.findings import Finding
from ijw_gateway.validation.paths import line_of
from ijw_gateway.validation.rules import berichtinhoud, documented, externe_bron  # noqa: F401  (registration)
from ijw_gateway.validation.rules.registry import RuleInput, implemented_for


def rule_layer(message: IjwModel, berichttype: Berichttype, tree: etree._ElementTree, context: object) -> list[Finding]:
    """All registered rules that apply to ``berichttype``, in registry order."""
    rule_input = RuleInput(message, berichttype.naam, tree, context.system_date)  # type: ignore[attr-defined]
    findings = []
    for rule in implemented_for(berichttype.naam):
        assert rule.check is not None and rule.retourcode is not None
        for violation in rule.check(rule_input):
            findings.append(Finding(rule=rule.code, retourcode=rule.retourcode, path=violation.path,
                                    line=line_of(tree, violation.path), message=violation.message))
    return findings
