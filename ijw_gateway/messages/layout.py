"""The element layout of a model class, read once from its fields.

Both the XSD generator and the XML codec walk models through this, so they cannot
disagree about order, occurrence or type.
"""

from dataclasses import dataclass
from functools import cache
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from ijw_gateway.messages.xsd import IjwModel, SimpleType


@dataclass(frozen=True)
class Element:
    """One element of a complex type's sequence."""

    name: str
    optional: bool
    repeated: bool
    complex_type: type[IjwModel] | None
    simple_type: SimpleType | None

    def qname(self, owner: type[IjwModel]) -> str:
        """Clark notation ``{uri}name``: local elements are in their complex type's namespace."""
        return f"{{{owner.xsd_namespace.uri}}}{self.name}"


def _simple_in(metadata: list[Any]) -> SimpleType | None:
    return next((m for m in metadata if isinstance(m, SimpleType)), None)


def _describe(name: str, annotation: Any, metadata: list[Any], optional: bool) -> Element:
    if get_origin(annotation) in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not NoneType]
        if len(members) != 1:
            raise TypeError(f"element {name}: only 'X | None' unions describe an element")
        annotation = members[0]
    repeated = get_origin(annotation) is list
    if repeated:
        (annotation,) = get_args(annotation)
    simple = _simple_in(metadata)
    if get_origin(annotation) is Annotated:
        annotation, *inner = get_args(annotation)
        simple = _simple_in(inner) or simple
    if isinstance(annotation, type) and issubclass(annotation, IjwModel):
        return Element(name, optional, repeated, annotation, None)
    if simple is None:
        raise TypeError(f"element {name}: {annotation!r} carries no SimpleType and is no IjwModel")
    return Element(name, optional, repeated, None, simple)


@cache
def elements(model: type[IjwModel]) -> tuple[Element, ...]:
    """The sequence of elements of ``model``'s complex type, in order.

    An element is optional (``minOccurs="0"``) when its field defaults to ``None``;
    other defaults (a fixed BerichtCode, the XsdVersie) only spare the caller typing.
    """
    return tuple(
        _describe(name, info.annotation, list(info.metadata), optional=info.default is None)
        for name, info in model.model_fields.items()
    )
