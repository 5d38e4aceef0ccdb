"""The chain facts read the same from a checked tree as from the model (``chain_tree_facts`` against
``chain_facts``): ingest records a message's chain without building its model.

Held for every example message, their retourberichten and JW325s rejecting each berichtklasse in turn
(and, as a property, any set of findings), the values of a message written differently (white space,
leading zeros, comments inside a value), and every message of the year scenario with its JW325s.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from ijw_gateway.ledger.chain import ChainFacts, chain_facts, chain_tree_facts
from ijw_gateway.ledger.extract import message_info, tree_info
from ijw_gateway.messages.codec import to_xml
from ijw_gateway.messages.layout import elements
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.declaratie_antwoord import build_jw325
from ijw_gateway.validation.findings import RETOURCODE_TECHNISCH, Finding
from ijw_gateway.validation.paths import canonical_path
from ijw_gateway.validation.retour import build_retour
from ijw_gateway.validation.validator import ValidationContext, check

EXAMPLES = {p.name: p.read_bytes()
            for p in sorted((Path(__file__).resolve().parents[2] / "examples" / "berichten").glob("*.xml"))}
ANSWERED = sorted(name for name in EXAMPLES if not name.startswith("jw325"))
"""The examples a retourbericht or a JW325 answers (the JW319 too: its JW320)."""
DAY = date(2026, 5, 4)
CODES = ("9338", "8017", "0200", "8001", "9019", RETOURCODE_TECHNISCH)
"""Retourcodes that reject, that reject nothing (0200, 8001), and the technical one (Header only)."""
NOT_JUDGED = ValidationContext(rules=False)


def typed(value: Any) -> Any:
    """``value`` with the type of every field, all the way down (== alone holds 1 == 1.0 and True == 1)."""
    if dataclasses.is_dataclass(value):
        return type(value).__name__, tuple((f.name, typed(getattr(value, f.name))) for f in dataclasses.fields(value))
    if isinstance(value, tuple):
        return tuple(typed(v) for v in value)
    return type(value).__name__, value


def same_facts(data: bytes) -> ChainFacts | None:
    """The facts of a schema-valid message, held equal read from its tree and from its model."""
    checked = check(data, NOT_JUDGED)
    assert checked.xsd_valid and checked.tree is not None and checked.berichttype is not None
    from_tree = chain_tree_facts(checked.tree, checked.berichttype)
    from_model = chain_facts(checked.model)
    assert from_tree == from_model
    assert typed(from_tree) == typed(from_model)  # the transient BSNs too (compared, not shown)
    return from_tree


def judged(data: bytes, findings: list[Finding]) -> CheckedMessage:
    """``data`` checked, as if its rules had found ``findings``."""
    checked = check(data, NOT_JUDGED)
    report = checked.report.model_copy(update={"findings": findings, "valid": not findings})
    return CheckedMessage(checked.data, report, checked.berichttype, checked.tree, xsd_valid=True)


def answer(data: bytes, findings: list[Finding]) -> bytes:
    """The retourbericht, or for a JW323 the JW325, on ``data`` with ``findings``."""
    checked = judged(data, findings)
    model = build_jw325(checked, DAY) if checked.bericht == "JW323" else build_retour(checked, DAY)
    assert model is not None
    return to_xml(model)


def finding(path: str, code: str) -> Finding:
    return Finding(rule="TR000", retourcode=code, path=path, message="rejected for the test")


@cache
def paths(name: str, leaves: bool) -> tuple[str, ...]:
    """Canonical paths of the elements of an example: all, or only those holding elements (each
    berichtklasse among them, so a finding on each rejects each class in turn)."""
    checked = check(EXAMPLES[name], NOT_JUDGED)
    assert checked.tree is not None
    return tuple(canonical_path(e, checked.berichttype) for e in checked.tree.getroot().iter(etree.Element)
                 if leaves or len(e))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_an_example_reads_the_same_from_its_tree(name: str) -> None:
    facts = same_facts(EXAMPLES[name])
    assert (facts is not None and not facts.empty) or name.startswith(("jw315", "jw317", "jw319"))


@pytest.mark.parametrize("name", ANSWERED)
def test_its_answers_read_the_same_whichever_class_they_reject(name: str) -> None:
    retours = {same_facts(answer(EXAMPLES[name], [])).retour}  # type: ignore[union-attr]
    prestaties = set()
    for path in paths(name, leaves=False):
        for code in ("9338", RETOURCODE_TECHNISCH):
            facts = same_facts(answer(EXAMPLES[name], [finding(path, code)]))
            assert facts is not None
            retours.add(facts.retour)
            prestaties.add(facts.prestaties)
    positions = {item.position for retour in retours for item in retour}
    # the answers reject the whole message (position 0) and, where it judges them one by one, a product
    assert () in retours and 0 in positions
    if not name.startswith(("jw317", "jw319", "jw323")):  # a JW318 / JW320 judges no product one by one
        assert 1 in positions
    if name.startswith("jw323"):  # a JW325 rejects prestaties in its own facts
        assert any(p.retourcodes for facts in prestaties for p in facts)


@pytest.mark.parametrize("whitespace", [False, True])
def test_a_rejected_retour_of_several_products(whitespace: bool) -> None:
    """A JW301 of three toewijzingen, the second rejected: its JW302 names position 2 only."""
    from tests.ledger.chain_builders import Toewijzing, jw301

    data = jw301("T-MANY", DAY, "999900031", [Toewijzing(202600001 + i, DAY) for i in range(3)])
    if whitespace:  # the same message written pretty-printed differently: no value changes
        data = data.replace(b"><", b">\r\n  <")
    second = "/jw301:Bericht/jw301:Client/jw301:ToegewezenProducten/jw301:ToegewezenProduct[2]/jw301:Ingangsdatum"
    facts = same_facts(answer(data, [finding(second, "9338")]))
    assert facts is not None and [(r.position, r.codes) for r in facts.retour] == [(2, ("9338",))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_findings_give_an_answer_that_reads_the_same(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(ANSWERED))
    findings = data.draw(st.lists(st.builds(finding, st.sampled_from(paths(name, leaves=True)),
                                            st.sampled_from(CODES)), max_size=4))
    same_facts(answer(EXAMPLES[name], findings))


def _base(leaf: etree._Element, berichttype: Any) -> str:
    """The XSD base type of a leaf's value (string, integer, date or time), from the message's layout."""
    model, base = berichttype.model, "string"
    for step in [*list(leaf.iterancestors())[::-1][1:], leaf]:
        spec = next(e for e in elements(model) if e.qname(model) == step.tag)
        model, base = spec.complex_type, spec.simple_type.base if spec.simple_type is not None else base
    return base


REWRITES = {"string": ("comment",), "integer": ("comment", "padded", "zeros"), "date": ("comment", "padded"),
            "time": ("comment", "padded")}
"""What the XSD lets through of each kind of value: a comment inside it; white space around a number, a date
or a time (whiteSpace collapse); leading zeros on a number."""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_value_written_differently_reads_the_same(data: st.DataObject) -> None:
    """Numbers and dates as the model converts them, strings as they stand, however the XSD lets them be
    written: in the chain facts and in the rest the ledger keeps (extract.py)."""
    name = data.draw(st.sampled_from(sorted(EXAMPLES)))
    checked = check(EXAMPLES[name], NOT_JUDGED)
    tree = copy.deepcopy(checked.tree)
    assert tree is not None
    leaves = [e for e in tree.getroot().iter(etree.Element) if not len(e) and e.text]
    for leaf in data.draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=6, unique_by=id)):
        how = data.draw(st.sampled_from(REWRITES[_base(leaf, checked.berichttype)]))
        text = leaf.text
        assert text is not None
        if how == "comment":
            comment = etree.Comment(" a comment ")
            leaf.text, comment.tail = text[:1], text[1:]
            leaf.append(comment)
        else:
            leaf.text = f" \r\n\t{text}  " if how == "padded" else f"00{text}"
    written = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    rewritten = check(written, NOT_JUDGED)
    assume(rewritten.xsd_valid)
    same_facts(written)
    assert rewritten.tree is not None and rewritten.berichttype is not None  # and the ledger's other fields
    info, model_info = tree_info(rewritten.tree, rewritten.berichttype), message_info(rewritten.model)
    assert typed(info) == typed(model_info) and info.regie == model_info.regie


@cache
def year_messages() -> tuple[list[bytes], list[bytes], int]:
    """Every message of the year scenario; the JW325 on each of its declarations, rejecting the
    prestaties the generator has break a rule (its November declaration: the whole of it); how many
    rejections (prestaties and whole declarations) these JW325s make."""
    from tests.scenario.test_year_of_traffic import Year

    year = Year()
    messages = [data for month in year.months.values() for _, data, _ in month.jw301_check + month.respond]
    answers = []
    rejections = 0
    for month in year.months.values():
        sent = {name: data for name, data, _ in month.respond}
        for name, (lines, whole) in month.declaraties.items():
            findings = _year_findings(lines, whole)
            answers.append(answer(sent[name], findings))
            rejections += len(findings)
    return messages, answers, rejections


def _year_findings(lines: list[Any], whole: str | None) -> list[Finding]:
    """Findings on the prestaties of a declaration of the year that break a rule, at their place in its
    JW323 (a client's prestaties together, clients in the order of their first, as the generator writes them)."""
    root = "/jw323:Bericht/jw323:Declaratie"
    if whole is not None:
        return [finding(f"{root}/jw323:DeclaratieNummer", "9333")]
    clients: dict[str, int] = {}
    count: dict[str, int] = {}
    found = []
    for d in lines:
        client = clients.setdefault(d.bsn, len(clients) + 1)
        count[d.bsn] = position = count.get(d.bsn, 0) + 1
        if d.rules:
            found.append(finding(f"{root}/jw323:Clienten/jw323:Client[{client}]/jw323:Prestaties"
                                 f"/jw323:Prestatie[{position}]/jw323:ToewijzingNummer", "9338"))
    return found


def test_every_message_of_the_year_reads_the_same() -> None:
    messages, answers, rejections = year_messages()
    kinds: dict[str, int] = {}
    for data in messages:
        facts = same_facts(data)
        assert facts is not None
        kinds[facts.berichttype] = kinds.get(facts.berichttype, 0) + 1
    assert set(kinds) == {"JW301", "JW305", "JW307", "JW323"} and sum(kinds.values()) > 500
    rejected = 0
    for data in answers:
        facts = same_facts(data)
        assert facts is not None and facts.declaratie is not None
        rejected += len(facts.prestaties) + len(facts.retour)
    assert len(answers) == 12 and rejected == rejections > 0


@pytest.mark.parametrize(("element", "value"), [("Toewijzingstijd", "24:00:00"), ("Ingangsdatum", "10000-01-01")])
def test_a_schema_valid_value_no_model_can_hold_is_refused_in_one_sentence(
        element: str, value: str, ledger_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ijw_gateway.cli import main
    from ijw_gateway.errors import MessageError
    from ijw_gateway.ledger.ledger import Ledger
    from ijw_gateway.ledger.prepare import UNREPRESENTABLE, prepare
    from ijw_gateway.ledger.privacy import Hasher

    tree = copy.deepcopy(check(EXAMPLES["jw301-toewijzing.xml"], NOT_JUDGED).tree)
    assert tree is not None
    next(e for e in tree.getroot().iter(etree.Element) if etree.QName(e).localname == element).text = value
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    assert check(data, NOT_JUDGED).xsd_valid  # the XSD lets it through: the ledger must say why not
    with pytest.raises(MessageError, match=r"cannot represent \(a year after 9999, or 24:00:00\)"):
        prepare(data, Hasher(b"k" * 32))
    (tmp_path / "t.xml").write_bytes(data)
    code = main(["ledger", "ingest", str(tmp_path / "t.xml"), "--direction", "sent", "--db", ledger_url])
    out, err = capsys.readouterr()
    assert code == 1 and UNREPRESENTABLE in out and "Traceback" not in out + err
    assert value not in out.replace(UNREPRESENTABLE, "") + err  # the value itself is never shown
    with Ledger(ledger_url) as ledger:
        assert ledger.counts()["messages"] == 0
