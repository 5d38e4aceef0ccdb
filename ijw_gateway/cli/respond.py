"""``ijw respond MESSAGE...``: answer received messages as the receiving party would.

For every JW301 a JW302, for every JW315 a JW316 (and JW305 → JW306, JW307 → JW308,
JW317 → JW318, JW319 → JW320), carrying the retourcodes of our validation; for every
valid JW315 also the gemeente's decision per product: a JW301 where the region's
contract allows it, otherwise a JW319 (see ``tussentaal/besluit.py``). A message
that fails its XSD gets no retourbericht (IV032, controleniveau 1): its findings are
printed instead. Exit 1 when any message was rejected.
"""

import sys
from datetime import date
from pathlib import Path

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import parse_date
from ijw_gateway.errors import MessageError
from ijw_gateway.files import ensure_directory, write_bytes_atomic
from ijw_gateway.logging import get_logger
from ijw_gateway.messages import jw315
from ijw_gateway.messages.codec import to_xml
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.validation.batch import BatchOptions, context_for, discover, read_source, write_retour
from ijw_gateway.validation.findings import MessageReport
from ijw_gateway.validation.output import describe_finding
from ijw_gateway.validation.validator import check

log = get_logger(__name__)


def _write_besluit(verzoek: jw315.JW315, today: date, out: Path, stem: str) -> list[Path]:
    """The gemeente's JW301 and JW319s on a valid JW315, each validated before it is written."""
    from ijw_gateway.tussentaal.besluit import besluit
    from ijw_gateway.validation.rules import rule_layer
    from ijw_gateway.validation.validator import ValidationContext

    messages = besluit(verzoek, today)
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
) -> int:
    """Write the retourbericht for every received message; exit 1 when any was rejected."""
    options = BatchOptions(today=parse_date(today, "--today"))
    ensure_directory(out, "--out")
    stdin = sys.stdin.buffer.read() if "-" in messages else None
    sources = discover(messages, stdin)
    context = context_for(options)
    rejected = 0
    for source in sources:
        data = read_source(source, options.limits)
        if isinstance(data, MessageReport):
            checked_report, written = data, None
        else:
            checked = check(data, context, file=source.label)
            checked_report = checked.report
            stem = source.path.stem if source.path is not None else "stdin"
            written = write_retour(checked, data, context.system_date, out, stem)
            if checked.report.valid and isinstance(checked.message, jw315.JW315):
                for path in _write_besluit(checked.message, context.system_date, out, stem):
                    typer.echo(f"{source.label}: decision → {path}")
        rejected += not checked_report.valid
        verdict = "accepted" if checked_report.valid else "rejected"
        typer.echo(f"{source.label}: {checked_report.bericht or 'unknown message'} {verdict}"
                   + (f" → {written}" if written else " (no retourbericht: not a valid iJw heenbericht)"))
        if not checked_report.valid:
            for finding in checked_report.findings:
                typer.echo(f"  {describe_finding(finding)}")
    log.info("responded", messages=len(sources), rejected=rejected)
    return 1 if rejected else 0
