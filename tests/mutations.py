"""Structural and value mutations of a valid message, for differential tests against the official XSDs."""

import copy

from hypothesis import strategies as st
from lxml import etree

from ijw_gateway.messages.namespaces import BASISSCHEMA
from ijw_gateway.messages.registry import BERICHTTYPEN

BAD_VALUES = [
    "2026-02-30", "2026-13-01", "2026-1-1", "2026-01-01Z", "2026-01-01+01:00", "12:00:00+01:00", "24:61:00",
    "", " ", "\t", "x" * 300, "ABC", "-1", "+5", "007", "1.5", "99999999999999", "abc12", "ÀẞỳZ", "9999999990",
    "0384 ", " 0384", "1\n2", "4 ", "N L",
]


def _elements(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str)]


@st.composite
def mutants(draw: st.DrawFn, document: bytes) -> tuple[str, bytes]:
    """One mutation of ``document``: (what was done, the mutated bytes)."""
    root = etree.fromstring(document)
    nodes = _elements(root)
    kind = draw(st.sampled_from(
        ["drop", "duplicate", "swap", "unknown", "value", "value", "value", "root-namespace", "child-namespace"]
    ))
    target = draw(st.sampled_from(nodes[1:]))
    parent = target.getparent()
    if kind == "drop":
        parent.remove(target)
    elif kind == "duplicate":
        target.addnext(copy.deepcopy(target))
    elif kind == "swap":
        following = target.getnext()
        if following is None:
            kind = "swap-last (drop)"
            parent.remove(target)
        else:
            following.addnext(target)
    elif kind == "unknown":
        namespace = etree.QName(parent).namespace
        position = draw(st.integers(0, len(parent)))
        parent.insert(position, etree.Element(f"{{{namespace}}}Onbekend"))
    elif kind == "value":
        leaves = [n for n in nodes if len(n) == 0 and n is not root]
        leaf = draw(st.sampled_from(leaves))
        leaf.text = draw(st.sampled_from(BAD_VALUES))
        kind = f"value {etree.QName(leaf).localname}={leaf.text!r}"
    elif kind == "root-namespace":
        uris = [t.namespace.uri for t in BERICHTTYPEN.values()] + ["http://example.org/not-ijw"]
        uri = draw(st.sampled_from(uris))
        for node in nodes:
            if etree.QName(node).namespace == etree.QName(root).namespace:
                node.tag = f"{{{uri}}}{etree.QName(node).localname}"
        kind = f"namespace {uri}"
    else:
        qname = etree.QName(target)
        other = BASISSCHEMA.uri if qname.namespace != BASISSCHEMA.uri else etree.QName(root).namespace
        target.tag = f"{{{other}}}{qname.localname}"
    return kind, etree.tostring(root, xml_declaration=True, encoding="UTF-8")
