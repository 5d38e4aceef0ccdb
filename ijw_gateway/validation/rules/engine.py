"""Run the registered rules on a parsed, schema-valid tree: libxml2 searches, Python explains.

Per message type the XPath hits of every implemented rule are compiled once into one
*gate*: a single boolean XPath, the union of each context with the ``or`` of the tests
on it. A message that breaks no rule (nearly all of them) costs that one evaluation and
the tree checks. Only when the gate is true is each hit selected on its own, and its
nodes become findings with their canonical path, line and sentence.

Tree checks (Python functions on the tree) run on every message; each is written to
cost little on an ordinary message and to stay linear (or n·log n) on a huge one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

from lxml import etree

from ijw_gateway.messages.registry import BERICHTTYPEN, Berichttype
from ijw_gateway.validation.bronnen import ExterneBronnen
from ijw_gateway.validation.findings import Finding
from ijw_gateway.validation.paths import canonical_path, line_of, prefixed
from ijw_gateway.validation.rules.registry import (
    Hit,
    HitNode,
    Rule,
    TreeInput,
    Violation,
    implemented_for,
    namespaces_of,
)

__all__ = ["CompiledRules", "compiled", "date_number", "expand", "namespaces_of", "run_rules"]

_DATE = re.compile(r"\bdate\(([^()]*)\)")


def expand(expression: str) -> str:
    """``date(X)`` → ``number(translate(X, '-', ''))``: YYYY-MM-DD as a number that orders like the date."""
    return _DATE.sub(lambda m: f"number(translate({m.group(1)},'-',''))", expression)


def date_number(day: date) -> int:
    """A date as the number ``date(X)`` makes of its text (for ``$today``)."""
    return day.year * 10_000 + day.month * 100 + day.day


@dataclass(frozen=True)
class _Selector:
    rule: Rule
    hit: Hit
    select: etree.XPath


@dataclass(frozen=True)
class CompiledRules:
    """The implemented rules of one message type, ready to run.

    ``gate`` evaluates to a number: bit 0 set when some XPath hit is broken, bit ``bits[i]`` when
    the ``when`` of ``conditional[i]`` holds (rules with the same ``when`` share a bit). Tree
    checks without a ``when`` always run.
    """

    berichttype: Berichttype
    gate: etree.XPath | None
    selectors: tuple[_Selector, ...]
    unconditional: tuple[Rule, ...]
    conditional: tuple[Rule, ...]
    bits: tuple[int, ...] = ()
    """Per rule of ``conditional``, the bit of the gate its ``when`` sets."""


def _absolute(context: str) -> str:
    return "/m:Bericht" + (f"/{context}" if context else "")


@cache
def compiled(bericht: str) -> CompiledRules:
    """The gate, the per-hit selectors and the tree checks of ``bericht`` (compiled once per process)."""
    namespaces = namespaces_of(bericht)
    selectors: list[_Selector] = []
    by_context: dict[str, dict[str, None]] = {}
    unconditional: list[Rule] = []
    conditional: list[tuple[Rule, str]] = []
    for rule in implemented_for(bericht):
        if rule.tree_check is not None:
            when = rule.when_for(bericht)
            if when is None:
                unconditional.append(rule)
            else:
                conditional.append((rule, expand(when)))
        for hit in rule.hits_for(bericht):
            context, test = _absolute(hit.context), expand(hit.test)
            selectors.append(_Selector(rule, hit, _compile(f"{context}[{test}]", namespaces, rule.code)))
            by_context.setdefault(context, {})[test] = None  # a test two rules share is evaluated once
    # Rules with the same ``when`` (a JW323's TR101, TR314 and TR416: "a second prestatie") share one
    # bit, so the gate evaluates that condition once.
    whens = list(dict.fromkeys(when for _, when in conditional))
    bits = [f"number(boolean({_gate_expression(by_context)}))"] if by_context else ["0"]
    bits += [f"{2 ** k} * number(boolean({when}))" for k, when in enumerate(whens, 1)]
    gate = _compile(" + ".join(bits), namespaces, "gate") if len(bits) > 1 or by_context else None
    return CompiledRules(BERICHTTYPEN[bericht], gate, tuple(selectors), tuple(unconditional),
                         tuple(rule for rule, _ in conditional),
                         tuple(whens.index(when) + 1 for _, when in conditional))


def _gate_expression(by_context: dict[str, dict[str, None]]) -> str:
    """One expression for all tests, nested along the contexts' paths so each step is walked once.

    ``{"/m:Bericht/m:Client": [a], "/m:Bericht/m:Client/m:Naam": [b]}`` becomes
    ``/m:Bericht[m:Client[(a) or m:Naam[(b)]]]``: on a message that breaks nothing every
    context is visited once, and a predicate stops at the first node that breaks a rule.
    """
    trie: dict[str, dict] = {}
    for context, tests in by_context.items():
        node = trie
        for step in context.strip("/").split("/"):
            node = node.setdefault(step, {})
        node.setdefault("", []).extend(tests)  # type: ignore[arg-type]

    def render(step: str, node: dict) -> str:
        parts = _factored(node.get("", []))
        parts += [render(child, sub) for child, sub in node.items() if child]
        return f"{step}[{' or '.join(parts)}]"

    ((top, node),) = trie.items()
    return "/" + render(top, node)


def _factored(tests: list[str]) -> list[str]:
    """Tests that start with the same condition share it: ``A and B``, ``A and C`` → ``A and ((B) or (C))``.

    Rules are written with their rarest condition first (``m:Budget and …``), so on most
    messages the shared condition is looked up once and the rest is never evaluated.
    """
    groups: dict[str, list[str]] = {}
    for test in tests:
        first, rest = _split_first_conjunct(test)
        groups.setdefault(first, []).append(rest)
    parts = []
    for first, rests in groups.items():
        if len(rests) == 1:
            parts.append(f"({first} and {rests[0]})" if rests[0] else f"({first})")
        elif any(not rest for rest in rests):  # one of them is the shared condition alone
            parts.append(f"({first})")
        else:
            parts.append(f"({first} and ({' or '.join(f'({rest})' for rest in rests)}))")
    return parts


def _split_first_conjunct(test: str) -> tuple[str, str]:
    """``"A and B and C"`` → ``("A", "B and C")`` at the top level (not inside (), [] or quotes)."""
    depth, quote = 0, ""
    for index, char in enumerate(test):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and test.startswith(" and ", index):
            return test[:index], test[index + 5:]
    return test, ""


def _compile(expression: str, namespaces: dict[str, str], owner: str) -> etree.XPath:
    try:
        return etree.XPath(expression, namespaces=namespaces)
    except etree.XPathSyntaxError as error:  # a programming error in a rule, found at import of the rule set
        raise ValueError(f"rule {owner}: invalid XPath {expression!r}: {error}") from None


def _violations(selector: _Selector, tree: etree._ElementTree, berichttype: Berichttype,
                variables: dict[str, int]) -> Iterator[Violation]:
    hit, bericht = selector.hit, berichttype.naam
    namespaces = namespaces_of(bericht)
    for node in selector.select(tree, **variables):
        base = canonical_path(node, berichttype)
        path, line = base, node.sourceline
        if hit.at is not None:
            path = f"{base}/{prefixed(hit.at, berichttype)}"
            target = node.find(hit.at, namespaces=namespaces)  # type: ignore[arg-type]
            if target is not None:
                line = target.sourceline
        explain = hit.explain
        message = explain if isinstance(explain, str) else explain(HitNode(node, bericht, namespaces))
        yield Violation(path, message, line)


def run_rules(
    tree: etree._ElementTree,
    berichttype: Berichttype,
    today: date,
    bronnen: ExterneBronnen | None = None,
    dagtekening: str | None = None,
    header: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Every implemented rule of ``berichttype`` on ``tree``, in registry order of the findings' rules.

    ``dagtekening`` is the message's Dagtekening as its text (read with the header already);
    rules see it as ``$dagtekening``, a number like ``date(X)``.
    """
    rules = compiled(berichttype.naam)
    variables = {"today": date_number(today), "dagtekening": _number(dagtekening)}
    found: list[tuple[Rule, Violation]] = []
    plan = int(rules.gate(tree, **variables)) if rules.gate is not None else 0  # type: ignore[arg-type]
    if plan & 1:
        for selector in rules.selectors:
            found.extend((selector.rule, v) for v in _violations(selector, tree, berichttype, variables))
    checks = list(rules.unconditional)
    checks += [rule for rule, k in zip(rules.conditional, rules.bits, strict=True) if plan >> k & 1]
    if checks:
        rule_input = TreeInput(tree, berichttype, today, bronnen, header)
        for rule in checks:
            assert rule.tree_check is not None
            found.extend((rule, v) for v in rule.tree_check(rule_input))
    if len(found) > 1:
        order = {id(rule): index for index, rule in enumerate(implemented_for(berichttype.naam))}
        found.sort(key=lambda pair: order[id(pair[0])])
    return [
        Finding(rule=rule.code, retourcode=rule.retourcode or "0001", path=v.path, line=_line(tree, v),
                message=v.message)
        for rule, v in found
    ]


def _number(text: str | None) -> int:
    try:
        return int(text.strip().replace("-", "")) if text else 0
    except ValueError:
        return 0


def _line(tree: etree._ElementTree, violation: Violation) -> int | None:
    return violation.line if violation.line is not None else line_of(tree, violation.path)
