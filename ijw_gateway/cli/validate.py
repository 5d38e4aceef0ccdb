"""``ijw validate PATH...``: validate iJw messages, one report, exit 0 (all valid) or 1."""

import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ijw_gateway.cli import app
from ijw_gateway.cli.options import open_ledger, parse_date
from ijw_gateway.errors import UsageError
from ijw_gateway.files import ensure_directory
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.schemaset import schema_set
from ijw_gateway.validation.batch import STDIN, BatchOptions, discover, run
from ijw_gateway.validation.output import ReportWriter, atomic_text_file
from ijw_gateway.validation.retour import NO_RETOURBERICHT, why_no_retourbericht

log = get_logger(__name__)


def _progress(enabled: bool, total: int) -> Progress | None:
    if not enabled or total < 2 or not sys.stderr.isatty():
        return None
    return Progress(
        TextColumn("validating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


@app.command()
def validate(
    paths: list[str] = typer.Argument(..., help="Message files, directories (searched for *.xml), or - for stdin."),
    output_format: str = typer.Option("text", "--format", help="text, json or junit."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to this file (atomically)."),
    workers: int | None = typer.Option(None, "--workers", help="Worker processes (default: every core)."),
    schemas: Path | None = typer.Option(None, "--schemas", help="Validate against the XSDs in this directory."),
    today: str | None = typer.Option(None, "--today", help="The system date for date rules, YYYY-MM-DD."),
    retour_dir: Path | None = typer.Option(
        None, "--retour-dir",
        help="Also write the retourbericht of every heenbericht here (JW302, JW316, …; none for a JW323).",
    ),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar, even on a terminal."),
    ledger: str | None = typer.Option(
        None, "--ledger", help="Judge TR056 against the Identificaties this ledger has seen, and note these (URL)."
    ),
) -> int:
    """Validate iJw 3.2 messages of every type we have a schema for; exit 1 when any is invalid."""
    if output_format not in ("text", "json", "junit"):
        raise UsageError(f"--format {output_format}: expected text, json or junit")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers {workers}: expected a number of processes of at least 1")
    if retour_dir is not None:
        ensure_directory(retour_dir, "--retour-dir")
    options = BatchOptions(today=parse_date(today, "--today"), schemas=schemas, retour_dir=retour_dir)
    if schemas is not None:
        schema_set(schemas)  # a bad directory is a usage error before any work starts
    stdin = sys.stdin.buffer.read() if STDIN in paths else None
    sources = discover(paths, stdin)
    if not sources:
        raise UsageError("no messages found: the paths name no files and the directories hold no *.xml files")

    started = time.perf_counter()
    with ExitStack() as stack:
        register = stack.enter_context(open_ledger(ledger)) if ledger is not None else None
        stream = stack.enter_context(atomic_text_file(output)) if output else sys.stdout
        writer = ReportWriter(stream, output_format)  # type: ignore[arg-type]
        progress = _progress(not no_progress, len(sources))
        task = None
        if progress is not None:
            stack.enter_context(progress)
            task = progress.add_task("validate", total=len(sources))
        without_retour: Counter[str] = Counter()
        for report in run(sources, options, workers, register):
            writer.add(report)
            if retour_dir is not None and why_no_retourbericht(report) is not None:
                without_retour[report.bericht] += 1  # type: ignore[index]
            if progress is not None and task is not None:
                progress.advance(task)
        writer.finish()
    for bericht, count in sorted(without_retour.items()):
        typer.echo(f"note: no retourbericht in --retour-dir for {count} {bericht} message{'s' * (count > 1)}: "
                   f"{NO_RETOURBERICHT[bericht]}", err=True)
    summary = writer.summary
    log.info(
        "validated",
        files=summary.files,
        valid=summary.valid,
        invalid=summary.invalid,
        seconds=round(time.perf_counter() - started, 3),
    )
    return 0 if summary.invalid == 0 else 1
