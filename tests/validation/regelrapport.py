"""What the regelrapport in the reference says applies to a message type (an oracle for the coverage tests)."""

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
