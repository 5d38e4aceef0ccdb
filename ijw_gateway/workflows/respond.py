"""Answer a received message as the receiving party would (``ijw respond``, the demo, the HTTP service).

For every heenbericht its retourbericht (JW301 → JW302, JW305 → JW306, JW307 → JW308,
JW315 → JW316, JW317 → JW318, JW319 → JW320), carrying the retourcodes of our validation
(with a ledger also of controleniveau 3, the rules across messages); with a ledger, for a
JW323 the JW325 Declaratie-antwoord judged against the toewijzingen it holds;
for every valid JW315 also the gemeente's decision per product: a JW301 where the region's
contract allows it, otherwise a JW319 (see ``tussentaal/besluit.py``). A message that fails
its XSD gets no retourbericht (IV032, controleniveau 1).

The received message is parsed and validated once (``check``); its answers are built from
that checked message and validated as built (``check_built``); files and the ledger take
those checked messages: nothing is parsed again. Writing and recording are one unit: when
either fails, nothing of the answer stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ijw_gateway.messages import jw315
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.declaratie_antwoord import build_jw325
from ijw_gateway.validation.findings import MessageReport
from ijw_gateway.validation.retour import build_retour, no_retour
from ijw_gateway.validation.validator import ValidationContext, check
from ijw_gateway.workflows.build import check_all
from ijw_gateway.workflows.publish import publish

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import IngestResult, Ledger

__all__ = ["Answer", "Response", "answer", "respond_checked", "respond_to"]


@dataclass
class Answer:
    """What answering one received message produced (nothing written yet)."""

    received: CheckedMessage
    retour: CheckedMessage | None = None
    """The retourbericht (None for a message the standard sends none for)."""
    besluit: list[CheckedMessage] = field(default_factory=list)
    """The gemeente's JW301 / JW319 decisions on a valid JW315."""
    why_no_retour: str | None = None

    @property
    def report(self) -> MessageReport:
        return self.received.report

    @property
    def answers(self) -> list[CheckedMessage]:
        return ([self.retour] if self.retour is not None else []) + self.besluit


NO_JW325_WITHOUT_LEDGER = ("a JW323 is answered with a JW325 Declaratie-antwoord judged against the toewijzingen; "
                           "give --ledger URL (the ledger that holds them) to write it")


def answer(
    received: CheckedMessage, today: date, *, toewijzingnummer: Callable[..., int] | None = None,
    declaratie_antwoord: bool = False,
) -> Answer:
    """The retourbericht and decisions on a checked received message, each validated as built.

    ``declaratie_antwoord``: a JW323 gets its JW325, from the findings its report holds (judge
    it against the ledger first: :func:`ijw_gateway.ledger.crossrules.judge`).
    """
    result = Answer(received)
    retour: IjwModel | None
    if received.bericht == "JW323" and received.model is not None:
        retour = build_jw325(received, today) if declaratie_antwoord else None
        if retour is None:
            result.why_no_retour = NO_JW325_WITHOUT_LEDGER
    else:
        retour = build_retour(received, today)
        if retour is None:
            result.why_no_retour = no_retour(received)
    besluit: list[IjwModel] = []
    if received.valid and isinstance(received.model, jw315.JW315):
        from ijw_gateway.tussentaal.besluit import besluit as decide  # the contracts: only for a JW315

        besluit = decide(received.model, today, toewijzingnummer=toewijzingnummer)
    checked = check_all(([retour] if retour is not None else []) + besluit, today)
    if retour is not None:
        result.retour, checked = checked[0], checked[1:]
    result.besluit = checked
    return result


@dataclass
class Response:
    """An answer as written and recorded."""

    answer: Answer
    retour: Path | None = None
    besluit: list[tuple[Path, IjwModel]] = field(default_factory=list)
    ledger: list[IngestResult] | None = None
    """What the ledger made of the message and its answers (with a ledger)."""

    @property
    def report(self) -> MessageReport:
        return self.answer.report

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
    and, with a ``ledger``, number the toewijzingen from it and record the message with its
    answers — as one unit: all of it, or on any failure none of it."""
    received = check(data, context, file=label)
    if ledger is not None and received.model is not None:  # controleniveau 3: against the chain in the ledger
        from ijw_gateway.ledger.crossrules import judge, with_level3

        received.report = with_level3(received.report, judge(ledger, received))
    counter = ledger.toewijzingnummer if ledger is not None else None
    result = answer(received, context.system_date, toewijzingnummer=counter, declaratie_antwoord=ledger is not None)
    files: list[tuple[Path, bytes]] = []
    if result.retour is not None:
        files.append((out / f"{stem}-{result.retour.bericht}.xml", result.retour.data))
    files += [(out / f"{stem}-{m.bericht}-{index}.xml", m.data) for index, m in enumerate(result.besluit, 1)]
    paths, recorded = publish(files, lambda: _record(received, result, ledger))
    response = Response(result, ledger=recorded)
    if result.retour is not None:
        response.retour, paths = paths[0], paths[1:]
    response.besluit = [(path, m.model) for path, m in zip(paths, result.besluit, strict=True)]  # type: ignore[misc]
    return response


def respond_checked(
    received: CheckedMessage, context: ValidationContext, *, ledger: Ledger | None = None
) -> tuple[Answer, list[IngestResult] | None]:
    """The answer to a checked received message, without files (the HTTP service): with a ``ledger``
    the toewijzingen are numbered from it and the message is recorded with its answers, in one transaction."""
    counter = ledger.toewijzingnummer if ledger is not None else None
    result = answer(received, context.system_date, toewijzingnummer=counter)
    return result, _record(received, result, ledger)


def _record(received: CheckedMessage, result: Answer, ledger: Ledger | None) -> list[IngestResult] | None:
    if ledger is None or received.model is None:
        return None
    return ledger.record_checked([(received, "received"), *((m, "sent") for m in result.answers)])
