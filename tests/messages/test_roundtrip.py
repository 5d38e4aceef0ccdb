"""parse ∘ to_xml is the identity, and whatever to_xml writes passes the official XSDs."""

from hypothesis import HealthCheck, given, settings

import ijw_gateway as ijw
from ijw_gateway.messages.registry import berichttype_of
from tests.strategies import any_message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=any_message())
def test_round_trip_through_xml_is_the_identity(official, message) -> None:
    document = ijw.to_xml(message)
    assert official.accepts(berichttype_of(message).naam, document)
    assert ijw.parse(document) == message


def test_written_xml_is_utf8_with_crlf_and_the_usual_prefixes(reference) -> None:
    message = ijw.parse((reference / "ijw-3.2" / "berichten" / "JW301.xml").read_bytes())
    document = ijw.to_xml(message)
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\r\n<jw301:Bericht")
    assert b"\n" not in document.replace(b"\r\n", b"")
    assert b"<ijw:Achternaam>" in document and not document.startswith(b"\xef\xbb\xbf")
