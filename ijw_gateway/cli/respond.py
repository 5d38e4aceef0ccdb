"""``ijw respond MESSAGE...``: answer received messages as the receiving party would.

For every JW301 a JW302, for every JW315 a JW316 (and JW305 → JW306, JW307 → JW308,
JW317 → JW318, JW319 → JW320), carrying the retourcodes of our validation; for every
valid JW315 also the gemeente's decision per product: a JW301 where the region's
contract allows it, otherwise a JW319 (see ``tussentaal/besluit.py``). A message
that fails its XSD gets no retourbericht (IV032, controleniveau 1): its findings are
printed instead. Exit 1 when any message was rejected.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import open_ledger, parse_date
from ijw_gateway.errors import MessageError
from ijw_gateway.files import ensure_directory, write_bytes_atomic
from ijw_gateway.logging import get_logger
from ijw_gateway.messages import jw315
from ijw_gateway.messages.codec import to_xml
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.validation.batch import BatchOptions, Source, context_for, discover, read_source, write_retour
from ijw_gateway.validation.findings import MessageReport
from ijw_gateway.validation.output import describe_finding
from ijw_gateway.validation.validator import SeenIdentificaties, ValidationContext, check

if TYPE_CHECKING:
    from ijw_gateway.ledger.facts import Direction
    from ijw_gateway.ledger.ledger import Ledger

log = get_logger(__name__)


def _write_besluit(
    verzoek: jw315.JW315, today: date, out: Path, stem: str, toewijzingnummer: Callable[..., int] | None
) -> list[Path]:
    """The gemeente's JW301 and JW319s on a valid JW315, each validated before it is written."""
    from ijw_gateway.tussentaal.besluit import besluit
    from ijw_gateway.validation.rules import rule_layer

    messages = besluit(verzoek, today, toewijzingnummer=toewijzingnummer)
    context = ValidationContext(today=today, rule_layer=rule_layer)
    planned = []
    for index, message in enumerate(messages, 1):
        data = to_xml(message)
        report = check(data, context).report
        if not report.valid:
            raise MessageError(f"the decision {berichttype_of(message).naam} would be invalid: "
                               f"{report.findings[0].message}", report.findings)
        planned.append((out / f"{stem}-{berichttype_of(message).naam}-{index}.xml", data))
    for path, data in planned:
        write_bytes_atomic(path, data)
    return [path for path, _ in planned]


@app.command()
def respond(
    messages: list[str] = typer.Argument(..., help="Received message files or directories (or - for stdin)."),
    out: Path = typer.Option(Path("."), "--out", help="Directory for the answers."),
    today: str | None = typer.Option(None, "--today", help="The system date (DagtekeningRetour, TR135), YYYY-MM-DD."),
    ledger: str | None = typer.Option(
        None, "--ledger", help="Judge TR056 against this ledger, number toewijzingen from it, record everything (URL)."
    ),
) -> int:
    """Write the retourbericht for every received message; exit 1 when any was rejected.

    With ``--ledger`` the Identificaties of earlier batches count for TR056, the JW301s
    of decisions are numbered from the gemeente's counter, and every received message is
    recorded with the answers to it in one transaction (when it belongs to a case).
    """
    options = BatchOptions(today=parse_date(today, "--today"))
    ensure_directory(out, "--out")
    stdin = sys.stdin.buffer.read() if "-" in messages else None
    sources = discover(messages, stdin)
    rejected = 0
    with ExitStack() as stack:
        book = stack.enter_context(open_ledger(ledger)) if ledger is not None else None
        context = replace(context_for(options), seen=SeenIdentificaties(register=book))
        for source in sources:
            report = _respond_one(source, options, context, out, book)
            rejected += not report.valid
    log.info("responded", messages=len(sources), rejected=rejected, ledger=book is not None)
    return 1 if rejected else 0


def _respond_one(
    source: Source, options: BatchOptions, context: ValidationContext, out: Path, book: Ledger | None
) -> MessageReport:
    """Answer one received message: its retourbericht, decisions on a JW315, the ledger record."""
    data = read_source(source, options.limits)
    written: Path | None = None
    if isinstance(data, MessageReport):
        checked_report = data
    else:
        checked = check(data, context, file=source.label)
        checked_report = checked.report
        stem = source.path.stem if source.path is not None else "stdin"
        answers: list[Path] = []
        try:
            written = write_retour(checked, data, context.system_date, out, stem)
            answers += [written] if written else []
            if checked.report.valid and isinstance(checked.message, jw315.JW315):
                counter = book.toewijzingnummer if book is not None else None
                besluit_paths = _write_besluit(checked.message, context.system_date, out, stem, counter)
                answers += besluit_paths
                for path in besluit_paths:
                    typer.echo(f"{source.label}: decision → {path}")
            if book is not None and checked.message is not None:
                _record(book, source.label, data, answers)
        except BaseException:
            for path in answers:  # a message is answered and recorded completely, or not at all
                path.unlink(missing_ok=True)
            raise
    verdict = "accepted" if checked_report.valid else "rejected"
    typer.echo(f"{source.label}: {checked_report.bericht or 'unknown message'} {verdict}"
               + (f" → {written}" if written else " (no retourbericht: not a valid iJw heenbericht)"))
    if not checked_report.valid:
        for finding in checked_report.findings:
            typer.echo(f"  {describe_finding(finding)}")
    return checked_report


def _record(book: Ledger, label: str, received: bytes, answers: list[Path]) -> None:
    """Record a received message and our answers to it, together."""
    items: list[tuple[Any, Direction]] = [(received, "received")]
    items += [(path.read_bytes(), "sent") for path in answers]
    results = book.record_messages(items)
    first = results[0]
    if first.status == "unlinked":
        typer.echo(f"{label}: not recorded in the ledger: {first.detail}")
    else:
        recorded = sum(r.status == "recorded" for r in results)
        typer.echo(f"{label}: ledger case {first.case}, {recorded} of {len(results)} messages newly recorded")
