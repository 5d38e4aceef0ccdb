"""Safe parsing: hostile or broken bytes become an XML finding, never a crash, a file read or a fetch."""

import pytest

import ijw_gateway as ijw
from ijw_gateway.messages import safexml

VALID_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'

BILLION_LAUGHS = VALID_HEAD + b"""<!DOCTYPE lolz [
<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]><jw301:Bericht xmlns:jw301="http://www.istandaarden.nl/ijw/3_2/jw301/schema">&lol4;</jw301:Bericht>"""

EXTERNAL_ENTITY = VALID_HEAD + b"""<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<jw301:Bericht xmlns:jw301="http://www.istandaarden.nl/ijw/3_2/jw301/schema">&secret;</jw301:Bericht>"""

UNUSED_DOCTYPE = VALID_HEAD + b"""<!DOCTYPE jw301:Bericht>
<jw301:Bericht xmlns:jw301="http://www.istandaarden.nl/ijw/3_2/jw301/schema"/>"""


@pytest.mark.parametrize(
    "document", [BILLION_LAUGHS, EXTERNAL_ENTITY, UNUSED_DOCTYPE], ids=["laughs", "xxe", "doctype"]
)
def test_a_doctype_is_always_refused(document: bytes) -> None:
    report = ijw.validate(document)
    assert not report.valid
    assert report.findings[0].rule == "XML"
    assert "DOCTYPE" in report.findings[0].message
    assert "root:" not in report.findings[0].message


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\xff\x13garbage", "XML"),
        (VALID_HEAD + b"<jw301:Bericht xmlns:jw301='http://www.istandaarden.nl/ijw/3_2/jw301/schema'><jw301:He",
         "truncated"),
        (VALID_HEAD + b"<a>" * 100 + b"</a>" * 100, "deep"),
        (VALID_HEAD + b"<html/>", "not an iJw 3.2 message"),
        (VALID_HEAD + b"<Bericht xmlns='http://www.istandaarden.nl/ijw/3_2/jw399/schema'/>", "not an iJw 3.2 message"),
    ],
    ids=["empty", "blank", "bytes", "truncated", "deep", "foreign", "unknown-type"],
)
def test_broken_input_is_one_clear_xml_finding(document: bytes, expected: str) -> None:
    report = ijw.validate(document)
    assert not report.valid and report.bericht is None
    assert [f.rule for f in report.findings] == ["XML"]
    assert expected in report.findings[0].message


def test_the_size_limit_refuses_before_parsing() -> None:
    with pytest.raises(safexml.UnsafeOrMalformedXml, match="limit"):
        safexml.parse(VALID_HEAD + b"<a>" + b"x" * 2000 + b"</a>", safexml.Limits(max_bytes=1000))


def test_the_depth_limit_is_configurable() -> None:
    document = VALID_HEAD + b"<a>" * 10 + b"</a>" * 10
    safexml.parse(document, safexml.Limits(max_depth=10))
    with pytest.raises(safexml.UnsafeOrMalformedXml, match="9 levels"):
        safexml.parse(document, safexml.Limits(max_depth=9))


def _with_attributes(count: int) -> bytes:
    return VALID_HEAD + b"<a>" + b"".join(b'<b x="1"/>' for _ in range(count)) + b"</a>"


def test_the_attribute_limit_holds_exactly_at_its_bound() -> None:
    limits = safexml.Limits(max_attributes=5)
    # the declaration's two '=' and five attributes: more '=' than the limit, but only five attributes
    safexml.parse(_with_attributes(5), limits)
    with pytest.raises(safexml.UnsafeOrMalformedXml, match="6 attributes, more than the limit of 5"):
        safexml.parse(_with_attributes(6), limits)


@pytest.mark.parametrize("text", [b"", b"why?", b"why? and why?"], ids=["none", "one", "two"])
def test_a_processing_instruction_is_found_after_any_question_marks(text: bytes) -> None:
    plain = VALID_HEAD + b"<a>" + text + b"</a>"
    safexml.parse(plain)  # question marks in text are no processing instruction
    with pytest.raises(safexml.UnsafeOrMalformedXml, match="processing instruction"):
        safexml.parse(VALID_HEAD + b"<a>" + text + b"<?php x?></a>")
