"""Reading a schema-valid message's lxml tree as its model reads it (pure): strings as they stand,
numbers and dates converted the way the codec converts them (``messages/codec.py``).

Shared by the ledger's tree readers (:func:`~ijw_gateway.ledger.extract.tree_info`,
:func:`~ijw_gateway.ledger.chain.chain_tree_facts`), which read by direct child look-ups, never an
XPath per field.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from lxml import etree

__all__ = ["children", "day", "items", "local", "text"]


def local(element: etree._Element) -> str:
    return element.tag.rpartition("}")[2]  # type: ignore[union-attr]


def text(element: etree._Element) -> str:
    """The element's text as the codec reads it (a comment inside a value is left out)."""
    if len(element):
        return "".join(element.itertext())
    return element.text or ""


def children(element: etree._Element | None) -> dict[str, etree._Element]:
    """The child elements of ``element`` by local name (of a repeated one, the last: use :func:`items`)."""
    if element is None:
        return {}
    return {c.tag.rpartition("}")[2]: c for c in element.iterchildren(etree.Element)}  # type: ignore[union-attr]


def items(element: etree._Element | None, name: str) -> Iterator[etree._Element]:
    """The child elements of ``element`` named ``name``, in document order."""
    if element is None:
        return
    for child in element.iterchildren(etree.Element):
        if child.tag.rpartition("}")[2] == name:  # type: ignore[union-attr]
            yield child


def day(element: etree._Element | None) -> date | None:
    return date.fromisoformat(text(element).strip()) if element is not None else None
