"""The coverage table is generated from the registry, and the registry is honest about the regelrapport."""

from pathlib import Path

from ijw_gateway.messages.registry import BERICHTTYPEN
from ijw_gateway.validation.rules import registry  # noqa: F401
from ijw_gateway.validation.rules.coverage import render_markdown
from ijw_gateway.validation.rules.registry import all_rules
from tests.validation.oracles import rules_of_the_reference

ROOT = Path(__file__).resolve().parents[2]


def test_docs_rules_md_is_the_generated_table() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run: ijw rules --format markdown > docs/rules.md"


def test_every_rule_the_reference_names_for_a_message_type_is_registered_for_it(reference: Path) -> None:
    """All fourteen types: a rule the regelrapport names for a type and we do not list for it fails this test."""
    registered: dict[str, set[str]] = {}
    for rule in all_rules():
        registered.setdefault(rule.code, set()).update(rule.berichten)
    expected = rules_of_the_reference(reference, set(BERICHTTYPEN))
    missing = {code: sorted(b - registered.get(code, set())) for code, b in expected.items()}
    missing = {code: b for code, b in missing.items() if b}
    assert not missing, f"rules of the regelrapport without a registration: {missing}"


def test_the_table_counts_every_message_type() -> None:
    table = render_markdown()
    assert all(f"| {bericht} | " in table for bericht in BERICHTTYPEN)
    assert "| OP179 |" in table and "| TR056 |" in table
