"""The coverage table is generated from the registry, and the registry is honest about the regelrapport."""

import re
from pathlib import Path

from ijw_gateway.validation.rules import registry  # noqa: F401
from ijw_gateway.validation.rules.coverage import render_markdown
from ijw_gateway.validation.rules.registry import all_rules

ROOT = Path(__file__).resolve().parents[2]
SCOPE = {"JW301", "JW315", "JW319"}


def test_docs_rules_md_is_the_generated_table() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run: ijw rules --format markdown > docs/rules.md"


def _reference_rules(reference: Path) -> dict[str, set[str]]:
    """Rule code → message types, for our scope, as the regelrapport lists them."""
    found: dict[str, set[str]] = {}
    regels = reference / "ijw-3.2" / "regels"
    text = (regels / "condities-constraints" / "Condities_constraints_per_data-element.md").read_text(encoding="utf-8")
    for block in text.split("\n# Regel ")[1:]:
        code = block.split(" ", 1)[0]
        bericht = re.search(r"^- Bericht: (.*)$", block, re.M)
        if bericht and bericht.group(1).strip() in SCOPE:
            found.setdefault(code, set()).add(bericht.group(1).strip())
    for path in (regels / "technische-regels").rglob("TR*.md"):
        uses = {u.replace("WMO", "JW") for u in re.findall(r"^- ((?:JW|WMO)\d{3})$", path.read_text("utf-8"), re.M)}
        if uses & SCOPE:
            found.setdefault(path.stem, set()).update(uses & SCOPE)
    return found


def test_every_rule_of_the_regelrapport_for_our_messages_is_registered(reference: Path) -> None:
    registered: dict[str, set[str]] = {}
    for rule in all_rules():
        registered.setdefault(rule.code, set()).update(rule.berichten)
    expected = _reference_rules(reference)
    missing = {code: sorted(b - registered.get(code, set())) for code, b in expected.items()}
    missing = {code: b for code, b in missing.items() if b}
    assert not missing, f"rules of the regelrapport without a registration: {missing}"
