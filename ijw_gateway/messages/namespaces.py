"""The namespaces of iJw 3.2: a fact every layer needs, without the models that live in them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BASISSCHEMA", "Namespace", "message_namespace"]


@dataclass(frozen=True)
class Namespace:
    prefix: str
    uri: str


BASISSCHEMA = Namespace("ijw", "http://www.istandaarden.nl/ijw/3_2/basisschema/schema")


def message_namespace(number: str) -> Namespace:
    """The namespace of message JW<number>, e.g. ``message_namespace("301")``."""
    return Namespace(f"jw{number}", f"http://www.istandaarden.nl/ijw/3_2/jw{number}/schema")
