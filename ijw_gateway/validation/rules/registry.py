"""The rule registry: every rule of the iJw 3.2 regelrapport for the messages we handle.

A rule is registered once with its code, the message types and element it applies
to, its WJ001 retourcode, a one-line text and how we check it. An implemented rule has
either XPath hits (:class:`Hit`: where in the tree a message breaks it, judged by libxml2)
or a tree check (a Python function on the parsed tree, for what XPath 1.0 cannot say in
linear time). The others say why we do not check them in one message (the XSD already
does, it needs state across messages, it does not apply). The coverage table (``ijw
rules``, ``docs/rules.md``) is generated from this registry; ``engine.py`` runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from lxml import etree

from ijw_gateway.messages.namespaces import BASISSCHEMA
from ijw_gateway.messages.registry import BERICHTTYPEN

if TYPE_CHECKING:
    from ijw_gateway.messages.registry import Berichttype
    from ijw_gateway.validation.bronnen import ExterneBronnen

T = TypeVar("T")


class Status(StrEnum):
    IMPLEMENTED = "implemented"
    XSD = "enforced by the XSD"
    LEDGER = "judged against the ledger (--ledger)"
    CROSS_MESSAGE = "needs cross-message state"
    NOT_APPLICABLE = "not applicable"


class Level(StrEnum):
    """The controleniveau of IV032: where a rule is checked and which retourcode it carries."""

    XSD = "1 berichtformaat (XSD)"
    BERICHTINHOUD = "2 berichtinhoud (XSLT)"
    BERICHTOVERSTIJGEND = "3 berichtoverstijgend"
    EXTERNE_BRON = "4 externe bron"

    @property
    def number(self) -> int:
        return int(self.value[0])


@dataclass(frozen=True)
class Violation:
    """Where and how a message breaks a rule: the element's canonical path and a sentence.

    The sentence names elements and the expected form; it never repeats the value of a
    personal element (BSN, name, address, postcode, birth date).
    """

    path: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Hit:
    """Where a message of one type breaks a rule, as XPath 1.0 on the parsed tree.

    ``context`` selects the nodes judged, relative to the root ``Bericht``; ``test`` is a
    predicate on one of them that is *true when the rule is broken*. Names are written
    with two prefixes: ``m:`` for the message's own namespace and ``ijw:`` for the
    basisschema; ``context`` is a plain path of child steps. ``date(X)`` compares dates
    (YYYY-MM-DD → the number YYYYMMDD); ``$today`` is the system date and ``$dagtekening``
    the message's Dagtekening as such numbers. ``at`` names the element a finding points at,
    relative to the context node (absent elements are fine: "X is required"), and
    ``explain`` turns a hit into the finding's sentence.
    """

    context: str
    test: str
    explain: Callable[[HitNode], str] | str
    at: str | None = None


class HitNode:
    """A context node that broke a rule, as ``Hit.explain`` sees it."""

    __slots__ = ("bericht", "namespaces", "node")

    def __init__(self, node: etree._Element, bericht: str, namespaces: Mapping[str, str]) -> None:
        self.node = node
        self.bericht = bericht
        self.namespaces = namespaces

    def text(self, path: str) -> str | None:
        """The text of the element at ``path`` (``m:``/``ijw:`` names) below the node, or None."""
        found = self.node.find(path, namespaces=self.namespaces)  # type: ignore[arg-type]
        return None if found is None else (found.text or "")

    def has(self, path: str) -> bool:
        return self.node.find(path, namespaces=self.namespaces) is not None  # type: ignore[arg-type]

    @property
    def position(self) -> int:
        """1-based position among the node's siblings of the same name."""
        tag = self.node.tag
        return 1 + sum(1 for s in self.node.itersiblings(preceding=True) if s.tag == tag)


class TreeInput:
    """What a tree check sees: the parsed, schema-valid message and the facts around it."""

    __slots__ = ("bericht", "berichttype", "bronnen", "header", "memo", "root", "today", "tree")

    def __init__(self, tree: etree._ElementTree, berichttype: Berichttype, today: date,
                 bronnen: ExterneBronnen | None = None, header: Mapping[str, str] | None = None) -> None:
        self.tree = tree
        self.root = tree.getroot()
        self.berichttype = berichttype
        self.bericht = berichttype.naam
        self.today = today
        self.bronnen = bronnen
        """The external sources of controleniveau 4; None leaves the rules that need them unjudged."""
        self.header = header or {}
        """Header values the validator read already (``m:Header/m:Afzender``, ``m:Header/m:Ontvanger``)."""
        self.memo: dict[str, object] = {}
        """What several checks of one message read (one read per message; see ``shared``)."""

    def header_text(self, path: str) -> str | None:
        """:meth:`text` of a Header element, from what the validator read already where it can."""
        found = self.header.get(path)
        return found if found is not None else self.text(path)

    def shared(self, key: str, read: Callable[[TreeInput], T]) -> T:
        """``read(self)``, once per message for all checks that ask with the same ``key``."""
        if key not in self.memo:
            self.memo[key] = read(self)
        return self.memo[key]  # type: ignore[return-value]

    def select(self, path: str, node: etree._Element | None = None) -> list[etree._Element]:
        """Elements at ``path`` (``m:``/``ijw:`` names) below ``node``, by default the root ``Bericht``."""
        return _xpath(self.bericht, path)(self.root if node is None else node)  # type: ignore[return-value]

    def texts(self, path: str, node: etree._Element | None = None) -> list[str]:
        """The texts of the elements at ``path``, in document order."""
        return [str(t) for t in _xpath(self.bericht, f"{path}/text()")(self.root if node is None else node)]

    def text(self, path: str, node: etree._Element | None = None) -> str | None:
        """The text of the first element at ``path``, or None when there is none."""
        found = _xpath(self.bericht, path)(self.root if node is None else node)
        return None if not found else (found[0].text or "")  # type: ignore[index, union-attr]

    def path(self, node: etree._Element, child: str | None = None) -> str:
        """The canonical path of ``node`` (and of its ``child``, ``m:Name``, present or not)."""
        from ijw_gateway.validation.paths import canonical_path, prefixed

        base = canonical_path(node, self.berichttype)
        return base if child is None else f"{base}/{prefixed(child, self.berichttype)}"


@cache
def namespaces_of(bericht: str) -> dict[str, str]:
    """The two prefixes rules are written with, bound for ``bericht``."""
    return {"m": BERICHTTYPEN[bericht].namespace.uri, "ijw": BASISSCHEMA.uri}


@cache
def _xpath(bericht: str, path: str) -> etree.XPath:
    """A tree check's path, compiled once per message type (libxml2 evaluates it in C)."""
    return etree.XPath(path, namespaces=namespaces_of(bericht))


TreeCheck = Callable[[TreeInput], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str
    berichten: tuple[str, ...]
    element: str
    text: str
    status: Status
    level: Level
    retourcode: str | None = None
    hits: Mapping[str, Hit | tuple[Hit, ...]] | None = field(default=None, compare=False)
    """Per message type, the XPath hits (implemented rules checked by libxml2)."""
    tree_check: TreeCheck | None = field(default=None, compare=False)
    """A Python check on the tree (implemented rules XPath cannot judge in linear time)."""
    when: Callable[[str], str] | str | None = field(default=None, compare=False)
    """XPath (per message type, or one for all) that must hold for ``tree_check`` to have anything to
    judge, e.g. ``m:Client/m:X[2]`` for a duplicate check: evaluated with the gate, so most messages
    never run the check at all."""
    note: str = ""

    def applies_to(self, bericht: str) -> bool:
        return bericht in self.berichten

    @property
    def implemented(self) -> bool:
        return self.status is Status.IMPLEMENTED and (self.hits is not None or self.tree_check is not None)

    def when_for(self, bericht: str) -> str | None:
        return self.when(bericht) if callable(self.when) else self.when

    def hits_for(self, bericht: str) -> tuple[Hit, ...]:
        found = (self.hits or {}).get(bericht, ())
        return found if isinstance(found, tuple) else (found,)


REGISTRY: dict[str, list[Rule]] = {}
"""Rule code → its registrations (one code may be registered per message family)."""


def _register(rule: Rule) -> Rule:
    REGISTRY.setdefault(rule.code, []).append(rule)
    _IMPLEMENTED.clear()
    return rule


def xpath_rule(
    code: str,
    element: str,
    text: str,
    hits: Mapping[str, Hit | tuple[Hit, ...]],
    *,
    retourcode: str = "0001",
    level: Level = Level.BERICHTINHOUD,
    note: str = "",
) -> Rule:
    """Register an implemented rule judged by XPath: ``hits`` per message type it applies to."""
    return _register(Rule(code, tuple(hits), element, text, Status.IMPLEMENTED, level, retourcode, hits=hits,
                          note=note))


def rule(
    code: str,
    berichten: tuple[str, ...],
    element: str,
    text: str,
    *,
    retourcode: str = "0001",
    level: Level = Level.BERICHTINHOUD,
    when: Callable[[str], str] | str | None = None,
    note: str = "",
) -> Callable[[TreeCheck], TreeCheck]:
    """Register the decorated function as the tree check of an implemented rule (see ``Rule.when``)."""

    def decorate(check: TreeCheck) -> TreeCheck:
        _register(Rule(code, berichten, element, text, Status.IMPLEMENTED, level, retourcode, tree_check=check,
                       when=when, note=note))
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
    _register(Rule(code, berichten, element, text, status, level, retourcode, note=note))


def all_rules() -> Iterator[Rule]:
    for code in sorted(REGISTRY):
        yield from REGISTRY[code]


def implemented_for(bericht: str) -> list[Rule]:
    """The rules checked within one message of type ``bericht``, in registry order."""
    cached = _IMPLEMENTED.get(bericht)
    if cached is None:
        cached = _IMPLEMENTED[bericht] = [r for r in all_rules() if r.implemented and r.applies_to(bericht)]
    return cached


_IMPLEMENTED: dict[str, list[Rule]] = {}
