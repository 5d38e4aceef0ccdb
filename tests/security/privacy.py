"""Test helper: does an output hold any personal value of a message?

``assert_no_personal_values(message_bytes, output, …)`` takes the text of every personal element
of an iJw message (valid or not — as long as it is well-formed XML) by the one list of personal
elements (:mod:`ijw_gateway.messages.personal`) and fails naming the values an output holds.
For the tests of every output: findings, reports, error messages, the demo's account.
"""

from __future__ import annotations

from collections.abc import Collection

from lxml import etree

from ijw_gateway.messages.personal import personal_kind_at
from ijw_gateway.messages.registry import BY_NAMESPACE
from ijw_gateway.validation.paths import canonical_path

MIN_LENGTH = 4
"""Shorter values ("12", "T", "de") occur in any text; a fixture that tests them uses longer ones."""


def personal_texts(data: bytes) -> dict[str, str]:
    """Canonical path → text of every personal element of the message ``data`` (with text)."""
    tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True)).getroottree()
    berichttype = BY_NAMESPACE.get(etree.QName(tree.getroot()).namespace or "")
    found: dict[str, str] = {}
    for node in tree.iter():
        if not isinstance(node.tag, str) or len(node):
            continue
        path = canonical_path(node, berichttype)
        text = (node.text or "").strip()
        if text and personal_kind_at(path) is not None:
            found[path] = text
    return found


def assert_no_personal_values(data: bytes, *outputs: str, min_length: int = MIN_LENGTH,
                              public: Collection[str] = (), require: bool = True) -> int:
    """Fail when an output holds the value of a personal element of ``data``; the number of values checked.

    ``public``: values an output may hold for another reason (a Plaatsnaam that is also a gemeente's name);
    ``require``: fail when ``data`` has no value to look for (a fixture that tests nothing).
    """
    values = {path: text for path, text in personal_texts(data).items()
              if len(text) >= min_length and text not in public}
    assert values or not require, "the fixture message has no personal value long enough to look for"
    for index, output in enumerate(outputs):
        leaked = {path: text for path, text in values.items() if text in output}
        assert not leaked, f"output {index} holds personal values: {leaked}\n{output[:2000]}"
    return len(values)
