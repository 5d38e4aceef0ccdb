"""Canonical XPaths of elements: the standard's prefixes and 1-based positions on repeating elements.

``/jw315:Bericht/jw315:Client/jw315:AangevraagdeProducten/jw315:AangevraagdProduct[1]/jw315:ToewijzingEinddatum``
reads the same whatever prefixes the sender used.
"""

import re
from typing import TYPE_CHECKING

from lxml import etree

from ijw_gateway.messages.namespaces import BASISSCHEMA
from ijw_gateway.messages.registry import BY_NAMESPACE, Berichttype

if TYPE_CHECKING:
    from ijw_gateway.messages.xsd import IjwModel

NAMESPACES = {t.namespace.prefix: t.namespace.uri for t in BY_NAMESPACE.values()} | {
    BASISSCHEMA.prefix: BASISSCHEMA.uri
}
"""The standard's prefixes, for evaluating canonical paths whatever prefixes a document uses."""
_PREFIXES = {uri: prefix for prefix, uri in NAMESPACES.items()}


def qualified(tag: str) -> str:
    """``{uri}local`` → ``prefix:local`` for the standard's namespaces (the tag itself otherwise)."""
    qname = etree.QName(tag)
    prefix = _PREFIXES.get(qname.namespace or "")
    return f"{prefix}:{qname.localname}" if prefix else tag


def _position(node: etree._Element) -> int:
    return 1 + sum(1 for _ in node.itersiblings(node.tag, preceding=True))  # lxml filters by tag in C


def canonical_path(node: etree._Element, berichttype: Berichttype | None) -> str:
    """The canonical XPath of ``node``; positions on elements that may repeat (or do repeat)."""
    from ijw_gateway.messages.layout import elements  # the models: loaded only to name a finding's element

    chain = [node, *node.iterancestors()]
    chain.reverse()
    steps = [f"/{qualified(chain[0].tag)}"]
    model: type[IjwModel] | None = berichttype.model if berichttype else None
    for child in chain[1:]:
        spec = None
        if model is not None:
            spec = next((e for e in elements(model) if e.qname(model) == child.tag), None)
        step = qualified(child.tag)
        repeats = spec.repeated if spec is not None else any(
            s.tag == child.tag for s in child.itersiblings()
        ) or any(s.tag == child.tag for s in child.itersiblings(preceding=True))
        if repeats:
            step += f"[{_position(child)}]"
        steps.append(f"/{step}")
        model = spec.complex_type if spec is not None else None
    return "".join(steps)


def locate(tree: etree._ElementTree, libxml_path: str | None) -> etree._Element | None:
    """The element an lxml error path points at, if it can be found."""
    if not libxml_path:
        return None
    namespaces = {prefix: uri for prefix, uri in tree.getroot().nsmap.items() if prefix}
    try:
        found = tree.xpath(libxml_path, namespaces=namespaces)
    except etree.XPathError:
        return None
    return found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None


def line_of(tree: etree._ElementTree, canonical: str) -> int | None:
    """The source line of the element a canonical path names, if it is in the document."""
    try:
        found = tree.xpath(canonical, namespaces=NAMESPACES)
    except etree.XPathError:
        return None
    return found[0].sourceline if found and isinstance(found[0], etree._Element) else None


def prefixed(relative: str, berichttype: Berichttype) -> str:
    """A rule's relative path (``m:Adres/ijw:Postcode``) with the standard's prefix for ``m:``."""
    return _MESSAGE_PREFIX.sub(f"{berichttype.namespace.prefix}:", relative)


_MESSAGE_PREFIX = re.compile(r"(?<![\w.-])m:")
