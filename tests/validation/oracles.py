"""Oracles for the rule tests: what the regelrapport says applies to a type, and overlap by its definition."""

import itertools
import re
from pathlib import Path

RETOUR = {"JW302", "JW306", "JW308", "JW316", "JW318", "JW320"}


def rules_of_the_reference(reference: Path, berichten: set[str]) -> dict[str, set[str]]:
    """Rule code → those of ``berichten`` it names: the condities and constraints per data element (a
    "JW Retour" block names every retourbericht) and the technische regels' "Gebruik in berichten"
    (WMO301 there stands for JW301)."""
    found: dict[str, set[str]] = {}
    regels = reference / "ijw-3.2" / "regels"
    text = (regels / "condities-constraints" / "Condities_constraints_per_data-element.md").read_text(encoding="utf-8")
    for block in text.split("\n# Regel ")[1:]:
        code = block.split(" ", 1)[0]
        named = re.search(r"^- Bericht: (.*)$", block, re.M)
        if named is None:
            continue
        bericht = named.group(1).strip()
        applies = (RETOUR if bericht == "JW Retour" else {bericht}) & berichten
        if applies:
            found.setdefault(code, set()).update(applies)
    for path in (regels / "technische-regels").rglob("TR*.md"):
        uses = {u.replace("WMO", "JW") for u in re.findall(r"^- ((?:JW|WMO)\d{3})$", path.read_text("utf-8"), re.M)}
        if uses & berichten:
            found.setdefault(path.stem, set()).update(uses & berichten)
    return found


def same_product(a: tuple, b: tuple) -> bool:
    """(categorie, code, …) pairs as the overlap rules' note compares them: by code; without code at the
    level of the category; without category with any product."""
    if a[0] is None or b[0] is None:
        return True
    if a[1] is None or b[1] is None:
        return a[0] == b[0]
    return (a[0], a[1]) == (b[0], b[1])


def later_of_overlapping_pairs(products: list[tuple]) -> set[int]:
    """Positions (0-based) of the later product of every pair of the same product whose periods overlap.

    ``products`` are (categorie, code, start, end); of two products starting together the later in
    the list counts. Every pair is compared: the definition a sweep must agree with.
    """
    later = set()
    for i, j in itertools.combinations(range(len(products)), 2):
        a, b = products[i], products[j]
        if same_product(a, b) and a[2] <= b[3] and b[2] <= a[3]:
            later.add(max((a[2], i), (b[2], j))[1])
    return later
