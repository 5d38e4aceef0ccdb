"""The vocabulary our message models are written in.

A message is described once, as pydantic models whose fields carry their XML
Schema facts. From that one description we get the typed models, the XSDs in
``schemas/`` (:mod:`ijw_gateway.messages.xsdgen`) and the XML codec
(:mod:`ijw_gateway.messages.codec`):

* a simple type (``LDT_…``) is an ``Annotated[python_type, SimpleType(...)]``;
* a complex type (``CDT_…`` or a message class) is an :class:`IjwModel`;
* an element is a field: ``Opt[X]`` is ``minOccurs="0"``,
  ``OneOrMore[X]`` is ``maxOccurs="unbounded"``, field order is sequence order;
* the namespace of a complex type is the ``NAMESPACE`` of the module defining it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date, time
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from annotated_types import MinLen
from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError, core_schema

from ijw_gateway.messages.codelists import Codelist
from ijw_gateway.messages.namespaces import Namespace

XS = "http://www.w3.org/2001/XMLSchema"


XsdBase = Literal["string", "integer", "date", "time"]

NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters outside XML 1.0's Char production: no XML document can carry them."""

_PY_TYPE: dict[str, type] = {"string": str, "integer": int, "date": date, "time": time}


def xsd_regex_to_python(pattern: str) -> str:
    """Translate the XSD 1.0 regex subset our schemas use into an equivalent Python regex.

    XSD patterns are implicitly anchored (use ``re.fullmatch``); ``.`` excludes only
    CR and LF; ``\\s`` is exactly space, tab, CR and LF (Python's is wider).
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape = pattern[i : i + 2]
            if escape == r"\s":
                out.append(" \\t\\n\\r" if in_class else "[ \\t\\n\\r]")
            elif escape == r"\S" and not in_class:
                out.append("[^ \\t\\n\\r]")
            elif escape in {r"\.", r"\-", r"\\", r"\+", r"\*", r"\?", r"\(", r"\)", r"\[", r"\]", r"\{", r"\}"}:
                out.append(escape)
            else:
                raise ValueError(f"unsupported XSD regex escape {escape!r} in {pattern!r}")
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "." and not in_class:
            char = "[^\\n\\r]"
        elif char in "^$" and not (in_class and char == "^" and pattern[i - 1] == "["):
            char = "\\" + char
        out.append(char)
        i += 1
    return "".join(out)


@dataclass(frozen=True, eq=False)
class SimpleType:
    """An XSD simple type: a restriction of a built-in type with facets.

    Used as ``Annotated`` metadata; it also makes pydantic enforce the same facets,
    so a model that validates serialises to XML that passes the schema.
    """

    name: str | None
    base: XsdBase
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    codelist: Codelist | None = None
    min_inclusive: int | None = None
    max_inclusive: int | None = None
    parent: SimpleType | None = None
    _regex: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.pattern is not None:
            object.__setattr__(self, "_regex", re.compile(xsd_regex_to_python(self.pattern)))

    @property
    def python_type(self) -> type:
        return _PY_TYPE[self.base]

    def restrict(self, *, pattern: str) -> SimpleType:
        """An anonymous restriction of this type by one more pattern (e.g. a fixed BerichtCode)."""
        return SimpleType(None, self.base, pattern=pattern, parent=self)

    def chain(self) -> list[SimpleType]:
        """This type and the types it restricts, most derived first."""
        types: list[SimpleType] = []
        current: SimpleType | None = self
        while current is not None:
            types.append(current)
            current = current.parent
        return types

    def check(self, value: Any) -> Any:
        """Apply the facets pydantic's core schema does not (pattern, code list, time zone)."""
        for simple in self.chain():
            simple._check_own(value)
        return value

    def _check_own(self, value: Any) -> None:
        if isinstance(value, str) and (bad := NOT_XML_CHAR.search(value)):
            raise PydanticCustomError(
                "xml_char", "character {code} cannot appear in an XML document", {"code": f"U+{ord(bad.group()):04X}"}
            )
        if self._regex is not None and not self._regex.fullmatch(lexical(value)):
            raise PydanticCustomError(
                "xsd_pattern",
                "the value does not match the pattern {pattern}",
                {"value": lexical(value), "pattern": self.pattern},
            )
        if self.codelist is not None and value not in self.codelist:
            raise PydanticCustomError(
                "xsd_codelist",
                "the value is not a code of {codelist}",
                {"value": value, "codelist": f"{self.codelist.id} {self.codelist.naam}"},
            )
        if self.base == "time" and isinstance(value, time) and value.tzinfo is not None:
            raise PydanticCustomError("xsd_timezone", "a time without time zone is expected", {})

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        facets = self._merged_facets()
        inner: core_schema.CoreSchema
        if self.base == "string":
            inner = core_schema.str_schema(min_length=facets.get("min_length"), max_length=facets.get("max_length"))
        elif self.base == "integer":
            inner = core_schema.int_schema(ge=facets.get("min_inclusive"), le=facets.get("max_inclusive"))
        else:
            inner = handler(source)
        return core_schema.no_info_after_validator_function(self.check, inner)

    def _merged_facets(self) -> dict[str, int]:
        facets: dict[str, int] = {}
        for simple in reversed(self.chain()):
            for name in ("min_length", "max_length", "min_inclusive", "max_inclusive"):
                value = getattr(simple, name)
                if value is not None:
                    facets[name] = value
        return facets


def lexical(value: date | time | int | str) -> str:
    """The canonical XML text of a simple value, as :func:`to_xml` writes it."""
    if isinstance(value, str):
        return value
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


T = TypeVar("T")
OneOrMore = Annotated[list[T], MinLen(1)]
"""An element that repeats: ``minOccurs="1" maxOccurs="unbounded"``."""

Opt = Annotated[T | None, Field(default=None)]
"""An optional element: ``minOccurs="0"``. (A default in the annotation, not the class body,
so a field may carry the name of its type, as the standard often does.)"""


class IjwModel(BaseModel):
    """A complex type of the standard; field names are the standard's element names."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    xsd_namespace: ClassVar[Namespace]
    xsd_type_name: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        module = sys.modules[cls.__module__]
        namespace = getattr(module, "NAMESPACE", None)
        if namespace is not None:
            cls.xsd_namespace = namespace
        if "xsd_type_name" not in cls.__dict__:
            cls.xsd_type_name = cls.__name__
