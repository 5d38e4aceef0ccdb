"""``ijw start JW301`` / ``ijw stop JW301``: the provider's JW305 Start zorg / JW307 Stop zorg.

The use case is :mod:`ijw_gateway.workflows.provider`; this module turns options into its
arguments and says what was written and recorded. Exit 0 written; 1 the JW301 is invalid
(answer it with ``ijw respond``) or the built message would be; 2 a wrong option or file.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import ledger_option, open_ledger, parse_date
from ijw_gateway.errors import UsageError
from ijw_gateway.files import output_directory
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.codelists import REDEN_BEEINDIGING

if TYPE_CHECKING:
    from ijw_gateway.workflows.provider import Regiebericht

log = get_logger(__name__)

_LEDGER = "Record the JW301 (received) and the message written (sent) in the ledger at URL, with its case."
_REDENEN = ", ".join(REDEN_BEEINDIGING.describe(c) for c in REDEN_BEEINDIGING)


_TOEWIJZING = typer.Argument(..., metavar="JW301", help="The received JW301 toewijzing file.")
_NUMMERS = typer.Option([], "--toewijzing", metavar="NUMMER",
                        help="The ToewijzingNummer of the product (repeat for several; default: the JW301's only "
                             "product).")
_OUT = typer.Option(Path("."), "--out", metavar="DIR", help="The directory for the message (default: the current "
                    "directory).")
_TODAY = typer.Option(None, "--today", metavar="DATE", help="The system date and Dagtekening, YYYY-MM-DD (default "
                      "today).")
_LEDGER_OPTION = ledger_option(_LEDGER)


def _required_date(value: str | None, option: str, what: str) -> date:
    day = parse_date(value, option)
    if day is None:
        raise UsageError(f"{option} DATE is required: {what}")
    return day


@app.command("start")
def start_command(
    toewijzing: Path = _TOEWIJZING,
    begindatum: str | None = typer.Option(None, "--begindatum", metavar="DATE",
                                          help="The day care actually started, YYYY-MM-DD (required)."),
    nummers: list[str] = _NUMMERS,
    out: Path = _OUT,
    today: str | None = _TODAY,
    ledger: str | None = _LEDGER_OPTION,
) -> int:
    """Write the JW305 Start zorg for products of a received JW301 (OP271: within 5 werkdagen of the start)."""
    from ijw_gateway.workflows.provider import start

    begin = _required_date(begindatum, "--begindatum", "the day care actually started")
    day = parse_date(today, "--today")
    with ExitStack() as stack:
        book = stack.enter_context(open_ledger(ledger)) if ledger is not None else None
        stack.enter_context(output_directory(out, "--out"))
        result = start(toewijzing, begindatum=begin, toewijzingnummers=nummers, today=day, out=out, ledger=book)
    _say(result, f"start of care on {begin}")
    return 0


@app.command("stop")
def stop_command(
    toewijzing: Path = _TOEWIJZING,
    begindatum: str | None = typer.Option(None, "--begindatum", metavar="DATE",
                                          help="The start of care as the JW305 reported it, YYYY-MM-DD (required)."),
    einddatum: str | None = typer.Option(None, "--einddatum", metavar="DATE",
                                         help="The last day of care, YYYY-MM-DD (required)."),
    reden: str | None = typer.Option(None, "--reden", metavar="CODE",
                                     help=f"The RedenBeeindiging (JZ588, required): {_REDENEN}."),
    nummers: list[str] = _NUMMERS,
    out: Path = _OUT,
    today: str | None = _TODAY,
    ledger: str | None = _LEDGER_OPTION,
) -> int:
    """Write the JW307 Stop zorg for products of a received JW301 (OP272: within 5 werkdagen of the end)."""
    from ijw_gateway.workflows.provider import stop

    begin = _required_date(begindatum, "--begindatum", "the start of care as the JW305 reported it")
    end = _required_date(einddatum, "--einddatum", "the last day of care")
    if reden is None:
        raise UsageError(f"--reden CODE is required: the RedenBeeindiging ({REDEN_BEEINDIGING.id}), one of {_REDENEN}")
    day = parse_date(today, "--today")
    with ExitStack() as stack:
        book = stack.enter_context(open_ledger(ledger)) if ledger is not None else None
        stack.enter_context(output_directory(out, "--out"))
        result = stop(toewijzing, begindatum=begin, einddatum=end, reden=reden, toewijzingnummers=nummers,
                      today=day, out=out, ledger=book)
    _say(result, f"end of care on {end} ({REDEN_BEEINDIGING.describe(reden.strip())})")
    return 0


def _say(result: Regiebericht, what: str) -> None:
    header = result.model.Header  # type: ignore[attr-defined]
    nummers = ", ".join(result.producten)
    typer.echo(f"{result.path}: {result.bericht} from aanbieder {header.Afzender} to gemeente {header.Ontvanger}, "
               f"{what}, toewijzing {nummers}")
    if result.recorded:
        first = result.recorded[-1]
        if first.status == "unlinked":
            typer.echo(f"not recorded in the ledger: {first.detail}")
        else:
            recorded = sum(r.status == "recorded" for r in result.recorded)
            typer.echo(f"ledger: case {first.case}, {recorded} of {len(result.recorded)} messages newly recorded")
            for r in result.recorded:
                if r.status == "conflict":
                    typer.echo(f"ledger: {r.berichttype} {r.identificatie}: {r.detail}")
    log.info("regiebericht written", bericht=result.bericht, producten=len(result.producten),
             ledger=result.recorded is not None)
