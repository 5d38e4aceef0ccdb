"""What the rules of every message family share: product layouts, XPath idioms, linear comparisons.

A family module (``berichtinhoud.py`` for JW301/JW315/JW319, …) describes its products with
:class:`Producten` and writes its rules with these helpers; see ``docs/architecture.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lxml import etree

from ijw_gateway.validation.rules.registry import TreeInput, namespaces_of

CUTOVER = 20201231
"""Rules about Omvang and Frequentie apply to toewijzingen running after 31-12-2020 (as date())."""


@dataclass(frozen=True)
class Producten:
    """Where a message type keeps its products, and what it calls their dates."""

    context: str
    ingang: str
    eind: str

    def runs_after_cutover(self) -> str:
        return f"(not(m:{self.eind}) or date(m:{self.eind}) > {CUTOVER})"


def one_of(element: str, codes: set[str] | tuple[str, ...]) -> str:
    """XPath: ``element`` holds one of ``codes`` (looked up once, not once per code)."""
    return f"contains('|{'|'.join(sorted(codes))}|', concat('|', {element}, '|'))"


ELFPROEF_GEWICHTEN = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def elfproef_breaks(bsn: str) -> str:
    """XPath: the nine digits of ``bsn`` (the XSD makes them nine) do not pass the elfproef.

    (9·d1 + 8·d2 + … + 2·d8 − 1·d9) mod 11 = 0 is the elfproef of the standard; nine zeros pass
    it but are no BSN. python-stdnum's ``nl.bsn`` is the oracle it is tested against.
    """
    weighted = " + ".join(f"{w} * substring({bsn}, {i}, 1)" for i, w in enumerate(ELFPROEF_GEWICHTEN, 1))
    return f"({weighted}) mod 11 != 0 or {bsn} = '000000000'"


def more_than_one(path: str) -> str:
    """A ``when``: the message has a second element at ``path`` (nothing to compare otherwise)."""
    return f"/m:Bericht/{path}[2]"


def date_key(text: str | None) -> int | None:
    """A schema-valid xs:date text as a number that orders like the date (``2026-05-01`` → 20260501)."""
    return int(text.replace("-", "")) if text else None


@cache
def _counter(bericht: str, path: str) -> etree.XPath:
    return etree.XPath(f"count({path})", namespaces=namespaces_of(bericht))


def count(r: TreeInput, path: str) -> int:
    """How many elements are at ``path`` (counted by libxml2; no element is handed to Python)."""
    return r.shared(f"count:{path}", lambda tree_input: int(_counter(r.bericht, path)(tree_input.root)))


def column(r: TreeInput, items: str, child: str) -> list[str] | None:
    """The text of ``child`` of every item at ``items``, in document order; None when an item has none.

    One XPath for all items instead of one per item, and never a union (``a | b``), which libxml2
    merges in quadratic time. Only when a comment splits a text is each element read on its own.
    """

    def read(tree_input: TreeInput) -> list[str] | None:
        path = f"{items}/{child}"
        if count(tree_input, path) != count(tree_input, items):
            return None
        values = tree_input.texts(path)
        if len(values) != count(tree_input, items):
            return ["".join(node.itertext()) for node in tree_input.select(path)]
        return values

    return r.shared(f"column:{items}/{child}", read)


def duplicates(r: TreeInput, items: str, key: str) -> Iterator[tuple[etree._Element, str, int]]:
    """(item, key value, position of the first item with it) for every item whose ``key`` repeats."""
    keys = r.texts(f"{items}/{key}")
    if len(set(keys)) == len(keys):
        return
    first: dict[str | None, int] = {}
    for index, item in enumerate(r.select(items), 1):
        value = r.text(key, item)
        if value in first:
            yield item, value or "", first[value]
        else:
            first[value] = index


def repeated_keys(r: TreeInput, items: str, keys: tuple[str, ...]) -> Iterator[tuple[etree._Element, int]]:
    """(item, position of the first item with the same key) for every item whose key repeats.

    A key of several elements (``keys``, below an item; an absent one counts as empty), as a
    regiebericht's StartProduct has: one pass with a dict, after a look at the first key element
    alone (when every item has one of its own, no key repeats).
    """
    found = r.select(items)
    leading = r.texts(f"{items}/{keys[0]}")
    if len(leading) == len(found) and len(set(leading)) == len(leading):
        return
    first: dict[tuple[str | None, ...], int] = {}
    for index, item in enumerate(found, 1):
        key = tuple(r.text(path, item) for path in keys)
        if key in first:
            yield item, first[key]
        else:
            first[key] = index


# --- overlapping periods (TR302, TR386, TR410, …): a sweep, n·log n ------------------------------


@dataclass(frozen=True)
class Periode:
    """One product's period, as the overlap rules compare them."""

    index: int
    """1-based position of the product in the message (the finding names it)."""
    node: etree._Element
    categorie: str | None
    code: str | None
    start: int
    end: int
    """Dates as :func:`date_key` numbers; :data:`OPEN_END` for a product without end."""


OPEN_END = 10**12


def overlaps(perioden: list[Periode]) -> Iterator[tuple[Periode, Periode]]:
    """(later, earlier) for each product that overlaps an earlier-starting one of the same product.

    The rule's note: without a Code a product is judged at the level of its Categorie; without
    a Categorie (no Product at all) it may overlap no other product. One sweep per category and
    one over all products keep the furthest end seen per kind, so each product is compared with
    one earlier product per kind, not with all of them.
    """
    ordered = sorted(perioden, key=lambda x: (x.start, x.index))
    by_categorie: dict[str, list[Periode]] = {}
    for item in ordered:
        if item.categorie is not None:
            by_categorie.setdefault(item.categorie, []).append(item)
    for items in by_categorie.values():
        furthest_code: dict[str, Periode] = {}
        furthest_uncoded: Periode | None = None
        furthest_any: Periode | None = None
        for item in items:
            if item.code is not None:
                earlier = _reaching(item, furthest_code.get(item.code), furthest_uncoded)
            else:
                earlier = _reaching(item, furthest_any)
            if earlier is not None:
                yield item, earlier
            if item.code is not None:
                furthest_code[item.code] = _further(furthest_code.get(item.code), item)
            else:
                furthest_uncoded = _further(furthest_uncoded, item)
            furthest_any = _further(furthest_any, item)
    furthest_without: Periode | None = None
    furthest_all: Periode | None = None
    for item in ordered:
        earlier = _reaching(item, furthest_all) if item.categorie is None else _reaching(item, furthest_without)
        if earlier is not None:
            yield item, earlier
        if item.categorie is None:
            furthest_without = _further(furthest_without, item)
        furthest_all = _further(furthest_all, item)


def _further(current: Periode | None, item: Periode) -> Periode:
    return item if current is None or item.end > current.end else current


def _reaching(item: Periode, *candidates: Periode | None) -> Periode | None:
    """The first candidate (an earlier-starting product) whose period reaches ``item``'s start."""
    return next((c for c in candidates if c is not None and c.end >= item.start), None)


