"""A message is parsed and validated once on its way: ``build --ledger``, ``validate --retour-dir
--ledger`` and ``respond --ledger`` hand the checked message to the retourbericht, the decisions,
the files and the ledger; none of them reads or judges it again.

Every XML parse goes through ``safexml.parse`` and every XSD validation through the validator's
``xsd_findings``; both are counted per message (its namespace and Header, so a message built in
memory and the same message read from a file count as one), in a file, so that the counts of
forked worker processes add up too.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ijw_gateway.cli import main
from ijw_gateway.messages import safexml
from ijw_gateway.validation import validator
from tests.ledger import builders as b

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BEPALING = EXAMPLES / "bepalingen" / "04-midden-ijssel-apeldoorn-315.yaml"
KEY = "ijw-test-key-0123456789abcdef0123456789abcdef"


def message_key(tree: etree._ElementTree) -> str:
    """One message, however it was made: its namespace and the text of its Header."""
    root = tree.getroot()
    header = next((child for child in root if etree.QName(child).localname == "Header"), None)
    text = "|".join(t.strip() for t in header.itertext() if t.strip()) if header is not None else ""
    return f"{etree.QName(root).namespace}|{text}"


class Counts:
    """Parses and XSD validations per message, noted in a file (one line per event)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def note(self, what: str, key: str) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{what}\t{hashlib.sha256(key.encode()).hexdigest()}\n".encode())
        finally:
            os.close(fd)

    def read(self, what: str) -> Counter[str]:
        if not self.path.exists():
            return Counter()
        lines = self.path.read_text().splitlines()
        return Counter(key for kind, key in (line.split("\t") for line in lines) if kind == what)

    def reset(self) -> None:
        self.path.unlink(missing_ok=True)


@pytest.fixture
def counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counts]:
    found = Counts(tmp_path / "counts.tsv")
    parse, xsd_findings = safexml.parse, validator.xsd_findings

    def counted_parse(data: bytes, *args: Any, **kwargs: Any) -> etree._ElementTree:
        tree = parse(data, *args, **kwargs)
        found.note("parse", message_key(tree))
        return tree

    def counted_xsd(tree: etree._ElementTree, *args: Any, **kwargs: Any) -> Any:
        found.note("xsd", message_key(tree))
        return xsd_findings(tree, *args, **kwargs)

    monkeypatch.setattr(safexml, "parse", counted_parse)
    monkeypatch.setattr(validator, "xsd_findings", counted_xsd)
    monkeypatch.setenv("IJW_LEDGER_KEY", KEY)
    yield found


def _keys(directory: Path) -> set[str]:
    """The message keys of the files in ``directory``, read without the counted parser."""
    return {hashlib.sha256(message_key(etree.parse(str(p))).encode()).hexdigest()
            for p in sorted(directory.glob("*.xml"))}


def test_the_counter_counts_a_parse_and_a_validation_of_the_same_message_once_each(counts: Counts) -> None:
    data = (EXAMPLES / "berichten" / "jw315-verzoek-om-toewijzing.xml").read_bytes()
    validator.check(data)
    key = hashlib.sha256(message_key(etree.fromstring(data).getroottree()).encode()).hexdigest()
    assert counts.read("parse") == Counter({key: 1}) and counts.read("xsd") == Counter({key: 1})
    validator.check(data)
    assert counts.read("parse")[key] == 2  # a second parse is seen


def test_build_validate_and_respond_with_a_ledger_parse_and_validate_each_message_once(
        tmp_path: Path, counts: Counts) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    out, retour, answers = tmp_path / "out", tmp_path / "retour", tmp_path / "answers"

    assert main(["build", str(BEPALING), "--out", str(out), "--dagtekening", "2026-04-20", "--ledger", url]) == 0
    built = _keys(out)
    assert built, "the bepaling built no message"
    assert counts.read("parse") == Counter()  # built messages are checked in memory, never read back
    assert counts.read("xsd") == Counter(dict.fromkeys(built, 1))

    counts.reset()
    code = main(["validate", str(out), "--today", "2026-04-21", "--retour-dir", str(retour), "--ledger", url])
    assert code == 0
    retours = _keys(retour)
    assert len(retours) == len(built)
    assert counts.read("parse") == Counter(dict.fromkeys(built, 1))
    validated = counts.read("xsd")
    assert set(validated.values()) == {1} and built <= set(validated) <= built | retours

    counts.reset()
    code = main(["respond", str(out), "--out", str(answers), "--today", "2026-04-21", "--ledger", url])
    assert code == 0
    written = _keys(answers)
    assert len(written) > len(built)  # a retourbericht and a decision per JW315
    assert counts.read("parse") == Counter(dict.fromkeys(built, 1))
    assert counts.read("xsd") == Counter(dict.fromkeys(built | written, 1))  # the answers: judged as built
    from ijw_gateway.ledger import Ledger

    with Ledger(url) as ledger:  # and the ledger has them all: recorded from the checked messages
        assert ledger.counts()["messages"] == len(built | written)


_IDENT = re.compile(rb"(<ijw:Identificatie>)[^<]+(</ijw:Identificatie>)")


@pytest.mark.slow
def test_respond_over_ten_thousand_jw315s_parses_and_validates_each_once(tmp_path: Path, counts: Counts) -> None:
    template = b.jw315("PARSE-00001", date(2026, 5, 4), "999900006", "0202", ["K-PARSED-1"])
    assert len(_IDENT.findall(template)) == 1
    counts.reset()  # the builder read the examples
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"m{i:05d}.xml").write_bytes(_IDENT.sub(rb"\g<1>P%09d\g<2>" % i, template))
    assert main(["respond", str(folder), "--out", str(tmp_path / "answers"), "--today", "2026-05-05"]) == 0
    parses, validations = counts.read("parse"), counts.read("xsd")
    assert len(parses) == 10_000 and set(parses.values()) == {1}
    assert len(validations) == len(_keys(tmp_path / "answers")) + 10_000 and set(validations.values()) == {1}
