"""Controleniveau 1: the message against its XSD, with findings a person can act on.

lxml (libxml2) validates; its messages are rewritten with the standard's prefixes,
the element's canonical path and, where the schema knows it, the expected format
or code list.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from ijw_gateway.messages.registry import Berichttype
from ijw_gateway.validation.findings import RETOURCODE_TECHNISCH, RULE_XSD, Finding
from ijw_gateway.validation.paths import canonical_path, locate, qualified

if TYPE_CHECKING:  # the layout (the models) is loaded only to explain a schema error, not to validate
    from ijw_gateway.messages.layout import Element
    from ijw_gateway.messages.xsd import IjwModel, SimpleType

_CLARK = re.compile(r"\{([^}]*)\}([A-Za-z_][\w.-]*)")
_ELEMENT_PREFIX = re.compile(r"^Element '[^']*'(, attribute '[^']*')?: ")
_ENUMERATION = re.compile(r"\[facet 'enumeration'\] The value '(.*)' is not an element of the set \{.*\}\.$", re.S)
_PATTERN = re.compile(r"\[facet 'pattern'\] The value '(.*)' is not accepted by the pattern '(.*)'\.$", re.S)
_ATOMIC = re.compile(r"^'(.*)' is not a valid value of the atomic type '([^']*)'\.$", re.S)
_FACET = re.compile(r"^\[facet '\w+'\] ")

_FORMATS = {
    "date": "a valid date, written YYYY-MM-DD without time zone",
    "time": "a valid time, written hh:mm:ss without time zone",
    "integer": "a whole number",
}


def _simple_type_at(node: etree._Element | None, berichttype: Berichttype) -> SimpleType | None:
    """The simple type the schema gives the element ``node``, found by walking the layout."""
    if node is None:
        return None
    from ijw_gateway.messages.layout import elements

    chain = [node, *node.iterancestors()][::-1][1:]
    model: type[IjwModel] | None = berichttype.model
    spec: Element | None = None
    for child in chain:
        if model is None:
            return None
        spec = next((e for e in elements(model) if e.qname(model) == child.tag), None)
        if spec is None:
            return None
        model = spec.complex_type
    return spec.simple_type if spec is not None else None


def _type_label(simple: SimpleType) -> str:
    named = next((s for s in simple.chain() if s.name), None)
    return named.name if named and named.name else simple.base


def humanize(raw: str, simple: SimpleType | None) -> str:
    """A libxml2 schema message rewritten for a person."""
    message = _CLARK.sub(lambda m: qualified(f"{{{m.group(1)}}}{m.group(2)}"), raw.strip())
    attribute = _ELEMENT_PREFIX.match(message)
    message = _ELEMENT_PREFIX.sub("", message)
    if attribute and attribute.group(1):
        return message
    if (match := _ENUMERATION.match(message)) and simple is not None:
        codelist = next((s.codelist for s in simple.chain() if s.codelist), None)
        if codelist is not None:
            codes = ", ".join(codelist)
            return f"'{match.group(1)}' is not a code of {codelist.id} {codelist.naam} (expected one of {codes})"
    if match := _PATTERN.match(message):
        label = f" ({_type_label(simple)})" if simple is not None else ""
        return f"'{match.group(1)}' does not match the pattern {match.group(2)}{label}"
    if match := _ATOMIC.match(message):
        base = simple.base if simple is not None else None
        expected = _FORMATS.get(base or "", f"a valid {match.group(2)}")
        return f"'{match.group(1)}' is not {expected}" + (f" ({_type_label(simple)})" if simple else "")
    return _FACET.sub("", message)


MAX_XSD_FINDINGS = 100
"""Findings reported per message; a hostile message can make libxml2 report one error per node."""


def xsd_findings(
    tree: etree._ElementTree, berichttype: Berichttype, schema: etree.XMLSchema
) -> list[Finding]:
    """Validate ``tree`` with ``schema``; one finding per schema error, empty when valid."""
    if schema.validate(tree):
        return []
    findings = []
    errors = schema.error_log
    for index, entry in enumerate(errors):
        if index == MAX_XSD_FINDINGS:
            findings.append(
                Finding(rule=RULE_XSD, retourcode=RETOURCODE_TECHNISCH,
                        message=f"{len(errors) - MAX_XSD_FINDINGS:,} more schema errors are not shown")
            )
            break
        node = locate(tree, entry.path)
        path = canonical_path(node, berichttype) if node is not None else entry.path
        findings.append(
            Finding(
                rule=RULE_XSD,
                retourcode=RETOURCODE_TECHNISCH,
                path=path,
                line=entry.line or None,
                message=humanize(entry.message, _simple_type_at(node, berichttype)),
            )
        )
    return findings
