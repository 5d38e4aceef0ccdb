"""Message models ↔ XML.

``to_xml`` writes what the standard asks of a sent message (OP192): UTF-8 without
BOM, CR/LF line ends, the usual ``ijw:``/``jwNNN:`` prefixes. ``from_tree`` reads
a document that already passed its XSD into the typed model.
"""

from datetime import date, time
from functools import cache
from typing import Any

from lxml import etree
from pydantic import ValidationError

from ijw_gateway.messages.layout import Element, elements
from ijw_gateway.messages.namespaces import BASISSCHEMA
from ijw_gateway.messages.registry import Berichttype, berichttype_of, detect
from ijw_gateway.messages.xsd import IjwModel, SimpleType, lexical

__all__ = ["UnreadableMessage", "detect", "from_tree", "serialize", "to_element", "to_xml"]


class UnreadableMessage(ValueError):
    """A schema-valid document whose values a Python model cannot hold (e.g. a year beyond 9999)."""


# --- writing ------------------------------------------------------------------------------------


def _append(parent: etree._Element, model: IjwModel) -> None:
    owner = type(model)
    for element in elements(owner):
        value = getattr(model, element.name)
        if value is None:
            continue
        qname = element.qname(owner)
        for item in value if element.repeated else (value,):
            child = etree.SubElement(parent, qname)
            if element.complex_type is not None:
                _append(child, item)
            else:
                child.text = lexical(item)


def to_element(message: IjwModel) -> etree._Element:
    """The message as an lxml element ``jwNNN:Bericht``."""
    namespace = berichttype_of(message).namespace
    root = etree.Element(
        f"{{{namespace.uri}}}Bericht", nsmap={namespace.prefix: namespace.uri, BASISSCHEMA.prefix: BASISSCHEMA.uri}
    )
    _append(root, message)
    return root


def to_xml(message: IjwModel) -> bytes:
    """The message as UTF-8 XML bytes with an XML declaration and CR/LF line ends."""
    return serialize(to_element(message))


def serialize(root: etree._Element) -> bytes:
    """A message element (from :func:`to_element`) as :func:`to_xml` writes it (indents ``root`` in place)."""
    etree.indent(root, space="  ")
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return text.replace(b"\n", b"\r\n")


# --- reading ------------------------------------------------------------------------------------


@cache
def _read_plan(model: type[IjwModel]) -> dict[str, Element]:
    return {element.qname(model): element for element in elements(model)}


def _text(node: etree._Element) -> str:
    if len(node):  # comments or processing instructions inside a value
        return "".join(node.itertext())
    return node.text or ""


def _value(simple: SimpleType, text: str) -> str | int | date | time:
    try:
        if simple.base == "string":
            return text
        if simple.base == "integer":
            return int(text.strip())
        if simple.base == "date":
            return date.fromisoformat(text.strip())
        return time.fromisoformat(text.strip())
    except ValueError:
        raise UnreadableMessage(  # the value itself is not shown: it may be personal data (a birth date)
            f"a value of {simple.name or simple.base} cannot be represented (a year after 9999, or 24:00:00)"
        ) from None


def _read(node: etree._Element, model: type[IjwModel], construct: bool = False) -> Any:
    """The element's content as a dict for ``model`` — or, with ``construct``, as the model itself,
    built without re-validating values the XSD already checked."""
    plan = _read_plan(model)
    data: dict[str, object] = {}
    for child in node:
        if not isinstance(child.tag, str):
            continue
        element = plan.get(child.tag)
        if element is None:
            raise UnreadableMessage(f"unexpected element {child.tag} in {model.xsd_type_name}")
        if element.complex_type is not None:
            value: object = _read(child, element.complex_type, construct)
        else:
            assert element.simple_type is not None
            value = _value(element.simple_type, _text(child))
        if element.repeated:
            data.setdefault(element.name, []).append(value)  # type: ignore[union-attr]
        else:
            data[element.name] = value
    return _construct(model, data) if construct else data


@cache
def _optional_fields(model: type[IjwModel]) -> tuple[str, ...]:
    return tuple(e.name for e in elements(model) if e.optional)


_setattr = object.__setattr__


def _construct(model: type[IjwModel], data: dict[str, Any]) -> IjwModel:
    """``model.model_construct(**data)`` for a complete, valid ``data``, without its per-field overhead.

    Only optional elements can be missing from a schema-valid document; they are None.
    """
    fields_set = set(data)
    for name in _optional_fields(model):
        data.setdefault(name, None)
    instance = model.__new__(model)
    _setattr(instance, "__dict__", data)
    _setattr(instance, "__pydantic_fields_set__", fields_set)
    _setattr(instance, "__pydantic_extra__", None)
    _setattr(instance, "__pydantic_private__", None)
    return instance


def from_tree(
    tree: etree._ElementTree | etree._Element, berichttype: Berichttype, *, trusted: bool = False
) -> IjwModel:
    """Read a schema-valid document of ``berichttype`` into its model.

    ``trusted`` means the document passed *our* XSDs, which are generated from these
    models: every value already has the model's facets, so the model is built without
    validating again (several times faster). Otherwise pydantic validates everything.
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    if trusted:
        return _read(root, berichttype.model, construct=True)
    try:
        return berichttype.model.model_validate(_read(root, berichttype.model))
    except ValidationError as error:
        first = error.errors()[0]
        where = "/".join(str(p) for p in first["loc"])
        raise UnreadableMessage(f"{where}: {first['msg']}") from None
