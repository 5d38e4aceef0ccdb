"""The library's front door: ``parse``, ``to_xml`` and ``validate`` (re-exported by ``ijw_gateway``)."""

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ijw_gateway.errors import MessageError, UsageError
from ijw_gateway.messages.codec import to_xml
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.findings import MessageReport
from ijw_gateway.validation.validator import ValidationContext, check

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import Ledger

__all__ = ["parse", "to_xml", "validate"]


def _as_bytes(data: bytes | bytearray | memoryview) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    raise UsageError(
        f"expected the message as bytes, got {type(data).__name__} "
        "(read files with Path.read_bytes(); encode text with .encode('utf-8'))"
    )


def parse(data: bytes, *, schemas: Path | None = None) -> IjwModel:
    """Bytes of an iJw message → its typed model (JW301, JW315, …).

    The type comes from the root element's namespace. The document must be safe,
    well-formed XML that passes its XSD; otherwise :class:`MessageError` is raised
    with the findings. Rules beyond the XSD are :func:`validate`'s business.
    """
    checked = check(_as_bytes(data), ValidationContext(schemas=schemas, rules=False))
    if checked.model is None:
        from ijw_gateway.validation.output import not_valid_sentence

        errors = [f for f in checked.report.findings if f.severity == "error"]
        raise MessageError(not_valid_sentence(errors), errors)
    return checked.model


def validate(data: bytes, today: date | None = None, schemas: Path | None = None, *,
             ledger: "Ledger | None" = None) -> MessageReport:
    """Validate one message as ``ijw validate`` does; the report says ``valid``, ``bericht`` and ``findings``.

    With a ``ledger`` (``ijw.Ledger``), as ``ijw validate --ledger``: TR056 and the cross-message rules
    (controleniveau 3) are judged against what it holds too (``report.levels()`` says so).
    """
    if ledger is None:
        return check(_as_bytes(data), ValidationContext(today=today, schemas=schemas)).report
    from ijw_gateway.ledger.crossrules import judge, with_level3
    from ijw_gateway.validation.validator import SeenIdentificaties

    context = ValidationContext(today=today, schemas=schemas, seen=SeenIdentificaties(register=ledger))
    checked = check(_as_bytes(data), context)
    return with_level3(checked.report, judge(ledger, checked))
