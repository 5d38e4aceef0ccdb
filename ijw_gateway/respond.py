"""Answer a received message as the receiving party would (``ijw respond``, ``ijw demo``).

For every JW301 a JW302, for every JW315 a JW316 (and JW305 → JW306, JW307 → JW308,
JW317 → JW318, JW319 → JW320), carrying the retourcodes of our validation; for every
valid JW315 also the gemeente's decision per product: a JW301 where the region's
contract allows it, otherwise a JW319 (see ``tussentaal/besluit.py``). A message that
fails its XSD gets no retourbericht (IV032, controleniveau 1).

An answer is written and recorded completely or not at all: when writing a file or the
ledger fails, the files already written for that message are removed again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ijw_gateway.errors import MessageError
from ijw_gateway.files import write_all_atomic
from ijw_gateway.messages import jw315
from ijw_gateway.messages.codec import to_xml
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.batch import write_retour
from ijw_gateway.validation.findings import MessageReport
from ijw_gateway.validation.validator import ValidationContext, check, check_built

if TYPE_CHECKING:
    from ijw_gateway.ledger.facts import Direction
    from ijw_gateway.ledger.ledger import IngestResult, Ledger

__all__ = ["Response", "respond_to"]


@dataclass
class Response:
    """What answering one message produced."""

    report: MessageReport
    retour: Path | None = None
    """The retourbericht written (None for a message the standard sends none for)."""
    besluit: list[tuple[Path, IjwModel]] = field(default_factory=list)
    """The gemeente's JW301 / JW319 decisions on a valid JW315."""
    ledger: list[IngestResult] | None = None
    """What the ledger made of the message and its answers (with a ledger)."""

    @property
    def paths(self) -> list[Path]:
        return ([self.retour] if self.retour else []) + [path for path, _ in self.besluit]


def respond_to(
    data: bytes,
    context: ValidationContext,
    out: Path,
    stem: str,
    *,
    label: str | None = None,
    ledger: Ledger | None = None,
) -> Response:
    """Validate ``data``, write its retourbericht and decisions as ``out/<stem>-<JWnnn>[-n].xml``,
    and, with a ``ledger``, number the toewijzingen from it and record the message with its answers."""
    checked = check(data, context, file=label)
    response = Response(checked.report)
    try:
        response.retour = write_retour(checked, context.system_date, out, stem)
        if checked.report.valid and isinstance(checked.model, jw315.JW315):
            counter = ledger.toewijzingnummer if ledger is not None else None
            response.besluit = _write_besluit(checked.model, context.system_date, out, stem, counter)
        if ledger is not None and checked.model is not None:
            items: list[tuple[Any, Direction]] = [(data, "received")]
            items += [(path.read_bytes(), "sent") for path in response.paths]
            response.ledger = ledger.record_messages(items)
    except BaseException:
        for path in response.paths:
            path.unlink(missing_ok=True)
        raise
    return response


def _write_besluit(
    verzoek: jw315.JW315, today: date, out: Path, stem: str, toewijzingnummer: Callable[..., int] | None
) -> list[tuple[Path, IjwModel]]:
    """The gemeente's JW301 and JW319s on a valid JW315, each validated before any is written."""
    from ijw_gateway.tussentaal.besluit import besluit

    messages = besluit(verzoek, today, toewijzingnummer=toewijzingnummer)
    context = ValidationContext(today=today)
    for message in messages:
        report = check_built(message, context).report
        if not report.valid:
            raise MessageError(f"the decision {berichttype_of(message).naam} would be invalid: "
                               f"{next(f for f in report.findings if f.severity == 'error').message}", report.findings)
    paths = write_all_atomic([(out / f"{stem}-{berichttype_of(message).naam}-{index}.xml", to_xml(message))
                              for index, message in enumerate(messages, 1)])
    return list(zip(paths, messages, strict=True))
