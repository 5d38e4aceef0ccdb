"""The rule registry: every rule of the iJw 3.2 regelrapport for the messages we handle.

A rule is registered once with its code, the message types and element it applies
to, its WJ001 retourcode, a one-line text and how we check it. Implemented rules
carry a check function; the others say why we do not check them in one message
(the XSD already does, it needs state across messages, it does not apply). The
coverage table (``ijw rules``, ``docs/rules.md``) is generated from this registry.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from lxml import etree

from ijw_gateway.messages.xsd import IjwModel

if TYPE_CHECKING:
    from ijw_gateway.validation.rules.views import ProductView


class Status(StrEnum):
    IMPLEMENTED = "implemented"
    XSD = "enforced by the XSD"
    CROSS_MESSAGE = "needs cross-message state"
    NOT_APPLICABLE = "not applicable"


class Level(StrEnum):
    """The controleniveau of IV032: where a rule is checked and which retourcode it carries."""

    XSD = "1 berichtformaat (XSD)"
    BERICHTINHOUD = "2 berichtinhoud (XSLT)"
    BERICHTOVERSTIJGEND = "3 berichtoverstijgend"
    EXTERNE_BRON = "4 externe bron"


@dataclass(frozen=True)
class Violation:
    """Where and how a message breaks a rule: the element's canonical path and a sentence."""

    path: str
    message: str


@dataclass
class RuleInput:
    """What a check sees: the typed message and the facts around it."""

    message: IjwModel
    bericht: str
    tree: etree._ElementTree
    today: date

    @cached_property
    def products(self) -> "tuple[ProductView, ...]":
        """The message's products, read once for all rules."""
        from ijw_gateway.validation.rules.views import products

        return products(self.message, self.bericht)


Check = Callable[[RuleInput], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str
    berichten: tuple[str, ...]
    element: str
    text: str
    status: Status
    level: Level
    retourcode: str | None = None
    check: Check | None = field(default=None, compare=False)
    note: str = ""

    def applies_to(self, bericht: str) -> bool:
        return bericht in self.berichten


REGISTRY: dict[str, list[Rule]] = {}
"""Rule code → its registrations (one code may be registered per message family)."""


def _register(rule: Rule) -> Rule:
    REGISTRY.setdefault(rule.code, []).append(rule)
    return rule


def rule(
    code: str,
    berichten: tuple[str, ...],
    element: str,
    text: str,
    *,
    retourcode: str = "0001",
    level: Level = Level.BERICHTINHOUD,
) -> Callable[[Check], Check]:
    """Register the decorated function as the check of an implemented rule."""

    def decorate(check: Check) -> Check:
        _register(Rule(code, berichten, element, text, Status.IMPLEMENTED, level, retourcode, check))
        return check

    return decorate


def documented(
    code: str,
    berichten: tuple[str, ...],
    element: str,
    text: str,
    status: Status,
    *,
    level: Level,
    retourcode: str | None = None,
    note: str = "",
) -> None:
    """Register a rule we do not check within one message, with the reason."""
    _register(Rule(code, berichten, element, text, status, level, retourcode, None, note))


def all_rules() -> Iterator[Rule]:
    for code in sorted(REGISTRY):
        yield from REGISTRY[code]


def implemented_for(bericht: str) -> list[Rule]:
    """The rules checked within one message of type ``bericht`` (those with a check function)."""
    cached = _IMPLEMENTED.get(bericht)
    if cached is None:
        cached = _IMPLEMENTED[bericht] = [r for r in all_rules() if r.check is not None and r.applies_to(bericht)]
    return cached


_IMPLEMENTED: dict[str, list[Rule]] = {}
