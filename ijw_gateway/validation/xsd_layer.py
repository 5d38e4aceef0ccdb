"""Controleniveau 1: the message against its XSD, with findings a person can act on.

lxml (libxml2) validates; its messages are rewritten with the standard's prefixes,
the element's canonical path and, where the schema knows it, the expected format
or code list. The value of a personal element (:mod:`ijw_gateway.messages.personal`)
is never echoed: the message says what kind of value it was and what is expected.
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
_NUMBER = re.compile(r"'(\d+)'")
_THE_VALUE = re.compile(r"\bThe value '.*?'(?= |\.|$)", re.S)

_FORMATS = {
    "date": "a valid date, written YYYY-MM-DD without time zone",
    "time": "a valid time, written hh:mm:ss without time zone",
    "integer": "a whole number",
}


def _element_at(node: etree._Element | None, berichttype: Berichttype) -> tuple[type[IjwModel], Element] | None:
    """The element (and the complex type it is in) the schema gives ``node``, found by walking the layout."""
    if node is None:
        return None
    from ijw_gateway.messages.layout import elements

    chain = [node, *node.iterancestors()][::-1][1:]
    model: type[IjwModel] | None = berichttype.model
    found: tuple[type[IjwModel], Element] | None = None
    for child in chain:
        if model is None:
            return None
        spec = next((e for e in elements(model) if e.qname(model) == child.tag), None)
        if spec is None:
            return None
        found = (model, spec)
        model = spec.complex_type
    return found


def _simple_type_at(node: etree._Element | None, berichttype: Berichttype) -> SimpleType | None:
    """The simple type the schema gives the element ``node``, found by walking the layout."""
    found = _element_at(node, berichttype)
    return found[1].simple_type if found is not None else None


def _type_label(simple: SimpleType) -> str:
    named = next((s for s in simple.chain() if s.name), None)
    return named.name if named and named.name else simple.base


def _hidden(kind: str) -> str:
    article = "an" if kind[0] in "aeiou" else "a"
    return f"the value ({article} {kind}, not shown)"


def humanize(raw: str, simple: SimpleType | None, personal: str | None = None, text: str | None = None) -> str:
    """A libxml2 schema message rewritten for a person.

    ``personal`` is the kind of personal data the element holds ("BSN", "birth date", …): its
    value — ``text``, the element's content — is then left out of the message.
    """
    message = _CLARK.sub(lambda m: qualified(f"{{{m.group(1)}}}{m.group(2)}"), raw.strip())
    attribute = _ELEMENT_PREFIX.match(message)
    message = _ELEMENT_PREFIX.sub("", message)
    if attribute and attribute.group(1):
        return message if personal is None else _scrub(message, personal, text)

    def value(found: str) -> str:
        return f"'{found}'" if personal is None else _hidden(personal)

    if (match := _ENUMERATION.match(message)) and simple is not None:
        codelist = next((s.codelist for s in simple.chain() if s.codelist), None)
        if codelist is not None:
            codes = ", ".join(codelist)
            return f"{value(match.group(1))} is not a code of {codelist.id} {codelist.naam} (expected one of {codes})"
    if match := _PATTERN.match(message):
        label = f" ({_type_label(simple)})" if simple is not None else ""
        return f"{value(match.group(1))} does not match the pattern {match.group(2)}{label}"
    if match := _ATOMIC.match(message):
        base = simple.base if simple is not None else None
        expected = _FORMATS.get(base or "", f"a valid {match.group(2)}")
        return f"{value(match.group(1))} is not {expected}" + (f" ({_type_label(simple)})" if simple else "")
    message = _FACET.sub("", message)
    return _NUMBER.sub(r"\1", message if personal is None else _scrub(message, personal, text))


def _scrub(message: str, personal: str, text: str | None) -> str:
    """``message`` without the value of a personal element, however libxml2 quoted it."""
    message = _THE_VALUE.sub(lambda _: "The value " + _hidden(personal).removeprefix("the value "), message)
    for variant in {text, (text or "").strip(), " ".join((text or "").split())} - {None, ""}:
        message = message.replace(f"'{variant}'", "(not shown)")
    return message


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
                message=_message(entry.message, node, berichttype),
            )
        )
    return findings


def _message(raw: str, node: etree._Element | None, berichttype: Berichttype) -> str:
    found = _element_at(node, berichttype)
    if found is None:
        return humanize(raw, None)
    from ijw_gateway.messages.personal import personal_kind  # the models: only to explain a schema error

    owner, element = found
    kind = personal_kind(owner, element)
    text = "".join(node.itertext()) if node is not None and kind is not None else None
    return humanize(raw, element.simple_type, kind, text)
