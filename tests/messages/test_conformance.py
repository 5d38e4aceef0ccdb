"""Differential conformance: our schemas/ and the official iJw 3.2 XSDs give the same verdict.

For every message type: hypothesis-generated valid messages, and mutants of them
(element dropped, duplicated, reordered, unknown element, bad values such as
2026-02-30, too long or wrong-pattern values, wrong namespaces), message by message.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ijw_gateway.messages.codec import detect, to_xml
from ijw_gateway.messages.registry import BERICHTTYPEN
from ijw_gateway.messages.safexml import parse as safe_parse
from ijw_gateway.messages.schemaset import schema_set
from tests.mutations import mutants
from tests.strategies import messages

MESSAGES_PER_TYPE = 60
MUTANTS_PER_MESSAGE = 4
CORPUS = len(BERICHTTYPEN) * MESSAGES_PER_TYPE * (1 + MUTANTS_PER_MESSAGE)


def our_verdict(document: bytes) -> bool:
    tree = safe_parse(document)
    berichttype = detect(tree)
    return berichttype is not None and schema_set().schema(berichttype).validate(tree)


def official_verdict(official, document: bytes) -> bool:
    from lxml import etree

    tree = etree.fromstring(document).getroottree()
    berichttype = detect(tree)
    return berichttype is not None and official.schema(berichttype.naam).validate(tree)


@pytest.mark.parametrize(
    "bericht",
    [pytest.param(n, id=f"{n}-{MESSAGES_PER_TYPE}x(1+{MUTANTS_PER_MESSAGE})") for n in BERICHTTYPEN],
)
def test_generated_messages_and_mutants_agree_with_official_xsds(official, bericht: str) -> None:
    seen = {"valid": 0, "mutants": 0}

    @settings(max_examples=MESSAGES_PER_TYPE, deadline=None, suppress_health_check=list(HealthCheck))
    @given(message=messages(BERICHTTYPEN[bericht]), data=st.data())
    def check(message, data) -> None:
        document = to_xml(message)
        assert official_verdict(official, document), f"official XSD rejects what we built:\n{document.decode()}"
        assert our_verdict(document)
        seen["valid"] += 1
        for _ in range(MUTANTS_PER_MESSAGE):
            what, mutant = data.draw(mutants(document))
            assert our_verdict(mutant) == official_verdict(official, mutant), f"verdicts differ after {what}"
            seen["mutants"] += 1

    check()
    print(f"{bericht}: {seen['valid']} generated messages, {seen['mutants']} mutants; corpus total ~{CORPUS}")
    assert seen["valid"] >= MESSAGES_PER_TYPE // 2


def test_published_examples_get_the_same_verdict(official, reference) -> None:
    for example in sorted((reference / "ijw-3.2" / "berichten").glob("*.xml")):
        document = example.read_bytes()
        assert our_verdict(document) == official_verdict(official, document), example.name
