"""Which elements of the iJw messages hold personal data: the one list every output consults.

The value of a personal element is never echoed in a finding, an error message, a report or a
log line; outputs name the element (its path) and the expected form instead. Decided per
simple type from the message layouts (``basisschema.py``): the BSN, every part of a name,
every part of an address, telephone numbers and e-mail addresses, a relation's person id, the
free-text Commentaar (it may hold anything) and — by its place, as ``LDT_Datum`` is also every
other date — the ``Datum`` of a ``CDT_Geboortedatum``.

* :func:`personal_kind` — for an element of a model (``owner``, element name);
* :func:`personal_kind_at` — for a canonical path of a finding (``/jw301:Bericht/jw301:Client/jw301:Bsn``);
* :func:`personal_values` — the personal values in a message, e.g. to check that an output holds none.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from ijw_gateway.messages import basisschema as b
from ijw_gateway.messages.layout import Element, elements
from ijw_gateway.messages.xsd import IjwModel, SimpleType, lexical

__all__ = ["PERSONAL_ELEMENTS", "PERSONAL_TYPES", "personal_kind", "personal_kind_at", "personal_values"]

PERSONAL_TYPES: dict[SimpleType, str] = {
    b.BURGERSERVICENUMMER: "BSN",
    b.PERSOONSID: "person id",
    b.NAAM: "name",
    b.VOORVOEGSEL: "name",
    b.VOORLETTERS: "name",
    b.NAAM_VERWIJZER: "name",
    b.STRAATNAAM: "address",
    b.HUISNUMMER: "address",
    b.HUISLETTER: "address",
    b.HUISNUMMER_TOEVOEGING: "address",
    b.POSTCODE: "postcode",
    b.PLAATSNAAM: "address",
    b.TELEFOONNUMMER: "telephone number",
    b.EMAILADRES: "e-mail address",
    b.COMMENTAAR: "free text",
}
"""Simple types whose every value is personal data, with the kind a message may name."""

PERSONAL_ELEMENTS: dict[type[IjwModel], dict[str, str]] = {
    b.CDT_Geboortedatum: {"Datum": "birth date"},
}
"""Elements personal by their place: (complex type → element name → kind)."""


def personal_kind(owner: type[IjwModel], element: Element | str) -> str | None:
    """The kind of personal data element ``element`` of ``owner`` holds ("BSN", "birth date", …), or None."""
    if isinstance(element, str):
        element = next((e for e in elements(owner) if e.name == element), None)  # type: ignore[assignment]
        if element is None:
            return None
    assert isinstance(element, Element)
    placed = PERSONAL_ELEMENTS.get(owner, {}).get(element.name)
    if placed is not None:
        return placed
    for simple in element.simple_type.chain() if element.simple_type is not None else ():
        if simple in PERSONAL_TYPES:
            return PERSONAL_TYPES[simple]
    return None


_STEP = re.compile(r"^(?:(?P<prefix>[\w.-]+):)?(?P<name>[\w.-]+)(?:\[\d+\])?$")


@cache
def _personal_names() -> dict[str, str]:
    """Local names of the elements that are personal in some message (for paths that cannot be walked)."""
    from ijw_gateway.messages.registry import BERICHTTYPEN

    names: dict[str, str] = {}
    stack: list[type[IjwModel]] = [t.model for t in BERICHTTYPEN.values()]
    seen: set[type[IjwModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for element in elements(model):
            if element.complex_type is not None:
                stack.append(element.complex_type)
            elif (kind := personal_kind(model, element)) is not None and model not in PERSONAL_ELEMENTS:
                names[element.name] = kind
    return names


@lru_cache(maxsize=4096)
def personal_kind_at(path: str | None) -> str | None:
    """The kind of personal data at a finding's path, or None (also for paths of no element).

    The path is walked through the message layout from its root (``/jw315:Bericht/…``); a path
    that cannot be walked (a foreign or broken document) is judged by its element names.
    """
    if not path or not path.startswith("/"):
        return None
    from ijw_gateway.messages.registry import BERICHTTYPEN

    steps = [_STEP.match(step) for step in path.split("/")[1:]]
    if not steps or any(s is None for s in steps):
        return None
    root = steps[0]
    assert root is not None
    berichttype = BERICHTTYPEN.get((root["prefix"] or "").upper())
    model: type[IjwModel] | None = berichttype.model if berichttype is not None else None
    kind: str | None = None
    walked = model is not None
    for step in steps[1:]:
        assert step is not None
        if model is None:
            walked = False
            break
        element = next((e for e in elements(model) if e.name == step["name"]), None)
        if element is None:
            walked = False
            break
        kind = personal_kind(model, element)
        model = element.complex_type
    if walked:
        return kind
    names = [s["name"] for s in steps if s is not None]
    if "Geboortedatum" in names:
        return "birth date"
    return _personal_names().get(names[-1])


def personal_values(message: IjwModel) -> list[str]:
    """The lexical values (as in the XML) of every personal element of ``message``, in document order."""
    found: list[str] = []

    def walk(model: IjwModel) -> None:
        for element in elements(type(model)):
            value: Any = getattr(model, element.name)
            for item in value if isinstance(value, list) else [value]:
                if item is None:
                    continue
                if element.complex_type is not None:
                    walk(item)
                elif personal_kind(type(model), element) is not None:
                    found.append(lexical(item))

    walk(message)
    return found
