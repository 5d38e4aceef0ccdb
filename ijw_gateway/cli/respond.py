"""``ijw respond MESSAGE...``: answer received messages as the receiving party would.

The answers themselves are :func:`ijw_gateway.workflows.respond.respond_to`'s: a retourbericht for
every heenbericht and the gemeente's JW301 / JW319 decisions on a valid JW315. A message
that fails its XSD gets no retourbericht (IV032); its findings are printed instead. With
--ledger the cross-message rules (controleniveau 3) are judged against the ledger too, and a
declaration (JW323) gets its JW325 Declaratie-antwoord, judged against the toewijzingen there
(without --ledger it gets none). Exit 1 when any message was rejected.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import LEDGER_HELP, ledger_option, open_ledger, parse_date
from ijw_gateway.errors import UsageError
from ijw_gateway.files import output_directory
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.validation.batch import BatchOptions, Source, context_for, discover, read_source
from ijw_gateway.validation.findings import MessageReport
from ijw_gateway.validation.output import describe_finding
from ijw_gateway.validation.validator import SeenIdentificaties, ValidationContext
from ijw_gateway.workflows.respond import respond_to

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import Ledger

log = get_logger(__name__)


@app.command()
def respond(
    messages: list[str] = typer.Argument(
        ..., metavar="MESSAGE...", help="Received message files, directories (searched for *.xml), or - for stdin."
    ),
    out: Path = typer.Option(Path("."), "--out", metavar="DIR",
                             help="The directory for the answers (default: the current directory)."),
    today: str | None = typer.Option(None, "--today", metavar="DATE",
                                     help="The system date (DagtekeningRetour, TR135), YYYY-MM-DD."),
    ledger: str | None = ledger_option(LEDGER_HELP["respond"]),
) -> int:
    """Write the retourbericht for every received message; exit 1 when any was rejected.

    A valid JW315 also gets the gemeente's decision per product: a JW301, or a JW319. With
    --ledger the cross-message rules are judged against the ledger, a JW323 gets its JW325
    (each prestatie judged against its toewijzing), the Identificaties of earlier batches count
    for TR056, the JW301s of decisions
    are numbered from the gemeente's counter, and every received message is recorded with
    the answers to it in one transaction (when it belongs to a case).
    """
    options = BatchOptions(today=parse_date(today, "--today"))
    stdin = sys.stdin.buffer.read() if "-" in messages else None
    sources = discover(messages, stdin)
    if not sources:
        raise UsageError("no messages found: the paths name no files and the directories hold no *.xml files")
    rejected = 0
    with ExitStack() as stack:
        stack.enter_context(output_directory(out, "--out"))
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
    """Answer one received message and say what became of it."""
    data = read_source(source, options.limits)
    why: str | None = None
    if isinstance(data, MessageReport):
        report, retour = data, None
    else:
        stem = source.path.stem if source.path is not None else "stdin"
        response = respond_to(data, context, out, stem, label=source.label, ledger=book)
        report, retour, why = response.report, response.retour, response.answer.why_no_retour
        for path, message in response.besluit:
            typer.echo(f"{source.label}: decision {berichttype_of(message).naam} → {path}")
        if response.ledger:
            first = response.ledger[0]
            if first.status == "unlinked":
                typer.echo(f"{source.label}: not recorded in the ledger: {first.detail}")
            else:
                recorded = sum(r.status == "recorded" for r in response.ledger)
                typer.echo(f"{source.label}: ledger case {first.case}, "
                           f"{recorded} of {len(response.ledger)} messages newly recorded")
    verdict = "accepted" if report.valid else "rejected"
    if retour is not None:
        outcome = f" → {retour}"
    else:
        outcome = f" (no retourbericht: {why or 'it could not be read as a message'})"
    what = f"{report.bericht} {verdict}" if report.bericht else f"{verdict}, it could not be read as an iJw message"
    typer.echo(f"{source.label}: {what}{outcome}")
    if not report.valid:
        for finding in report.findings:
            typer.echo(f"  {describe_finding(finding)}")
    return report
