"""Every iJw 3.2 message type we know: its name, namespace, the message it answers, and its model.

The registry itself is light — names and namespaces — so that parsing, detecting and
validating a message needs no model; a type's model (and its module) is imported the
first time something asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from lxml import etree

from ijw_gateway.messages.namespaces import Namespace, message_namespace

if TYPE_CHECKING:
    from ijw_gateway.messages.xsd import IjwModel


@dataclass(frozen=True)
class Berichttype:
    naam: str
    heenbericht: str | None = None
    """For a retourbericht: the message type it answers (JW302 → JW301)."""

    @property
    def namespace(self) -> Namespace:
        return message_namespace(self.naam[2:])

    @cached_property
    def module(self) -> ModuleType:
        return import_module(f"ijw_gateway.messages.{self.naam.lower()}")

    @property
    def model(self) -> type[IjwModel]:
        return getattr(self.module, self.naam)  # type: ignore[no-any-return]

    @property
    def berichtcode(self) -> str:
        return self.model.model_fields["Header"].annotation.model_fields["BerichtCode"].default  # type: ignore

    @property
    def omschrijving(self) -> str:
        from ijw_gateway.messages.codelists import BERICHTCODE

        return BERICHTCODE[self.berichtcode].split(" ", 1)[1]

    @property
    def schema_filename(self) -> str:
        return f"{self.naam}.xsd"


BERICHTTYPEN: dict[str, Berichttype] = {
    t.naam: t
    for t in (
        Berichttype("JW301"),
        Berichttype("JW302", heenbericht="JW301"),
        Berichttype("JW305"),
        Berichttype("JW306", heenbericht="JW305"),
        Berichttype("JW307"),
        Berichttype("JW308", heenbericht="JW307"),
        Berichttype("JW315"),
        Berichttype("JW316", heenbericht="JW315"),
        Berichttype("JW317"),
        Berichttype("JW318", heenbericht="JW317"),
        Berichttype("JW319"),
        Berichttype("JW320", heenbericht="JW319"),
        Berichttype("JW323"),
        Berichttype("JW325", heenbericht="JW323"),
    )
}

BY_NAMESPACE: dict[str, Berichttype] = {t.namespace.uri: t for t in BERICHTTYPEN.values()}
RETOUR_OF: dict[str, Berichttype] = {t.heenbericht: t for t in BERICHTTYPEN.values() if t.heenbericht}
_BY_ROOT_TAG = {f"{{{uri}}}Bericht": berichttype for uri, berichttype in BY_NAMESPACE.items()}


def detect(tree: etree._ElementTree | etree._Element) -> Berichttype | None:
    """The message type named by the root element (``Bericht``) and its namespace, or None."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    return _BY_ROOT_TAG.get(root.tag)  # type: ignore[arg-type]  (a comment or PI root has a function as tag)


def berichttype_of(message: object) -> Berichttype:
    """The message type of a message model instance."""
    found = BERICHTTYPEN.get(type(message).__name__)
    if found is None or found.model is not type(message):
        raise TypeError(f"{type(message).__name__} is not an iJw message (JW301, JW315, …)")
    return found
