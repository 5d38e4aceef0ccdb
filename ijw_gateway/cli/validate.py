"""``ijw validate PATH...``: validate iJw messages, one report, exit 0 (all valid) or 1."""

import sys
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import LEDGER_HELP, ledger_option, open_ledger, parse_date
from ijw_gateway.errors import UsageError
from ijw_gateway.files import STDOUT, StagedDirectory, atomic_open, output_directory, output_target
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.schemaset import schema_set
from ijw_gateway.validation.batch import STDIN, BatchOptions, RetourAccount, discover, run
from ijw_gateway.validation.output import ReportWriter
from ijw_gateway.words import plural

if TYPE_CHECKING:
    from rich.progress import Progress

log = get_logger(__name__)


def _progress(enabled: bool, total: int) -> "Progress | None":
    if not enabled or total < 2 or not sys.stderr.isatty():
        return None
    # Imported here: rich takes 20 ms to import, and one file never shows a bar.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

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
    paths: list[str] = typer.Argument(
        ..., metavar="PATH...", help="Message files, directories (searched for *.xml), or - for standard input."
    ),
    output_format: str = typer.Option("text", "--format", metavar="[text|json|junit]", help="The report's format."),
    output: str | None = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Write the report to FILE (whole or not at all) instead of standard output.",
    ),
    workers: int | None = typer.Option(None, "--workers", metavar="N", help="Worker processes (default: every core)."),
    schemas: Path | None = typer.Option(None, "--schemas", metavar="DIR",
                                        help="Validate against the XSDs in DIR (for instance the official release)."),
    today: str | None = typer.Option(None, "--today", metavar="DATE",
                                     help="The system date for date rules such as TR135, as YYYY-MM-DD."),
    retour_dir: Path | None = typer.Option(
        None, "--retour-dir", metavar="DIR",
        help="Also write the retourbericht (JW302, JW316, …) of every heenbericht into DIR; a run that fails "
        "writes none of them.",
    ),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar, even on a terminal."),
    ledger: str | None = ledger_option(LEDGER_HELP["validate"]),
) -> int:
    """Validate iJw 3.2 messages of every type we have a schema for; exit 1 when any is invalid.

    The text report lists the files with findings and a summary. With --retour-dir it then
    says how many retourberichten it wrote and which messages got none, and why.
    """
    if output_format not in ("text", "json", "junit"):
        raise UsageError(f"--format {output_format}: expected text, json or junit")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers {workers}: expected a number of processes of at least 1")
    options = BatchOptions(today=parse_date(today, "--today"), schemas=schemas)
    if schemas is not None:
        schema_set(schemas)  # a bad directory is a usage error before any work starts
    if output is not None:
        output_target(output, "--output")  # a report that cannot be written is found before the work
    stdin = sys.stdin.buffer.read() if STDIN in paths else None
    sources = discover(paths, stdin)
    if not sources:
        raise UsageError("no messages found: the paths name no files and the directories hold no *.xml files")

    started = time.perf_counter()
    account = RetourAccount() if retour_dir is not None else None
    with ExitStack() as stack:
        stage = None
        if retour_dir is not None:
            stack.enter_context(output_directory(retour_dir, "--retour-dir"))
            stage = stack.enter_context(StagedDirectory(retour_dir, "--retour-dir"))
            options = replace(options, retour_dir=stage.path)
        register = None
        if ledger is not None:  # TR056 and controleniveau 3 against the ledger
            from ijw_gateway.ledger.crossrules import ChainRegister

            register = ChainRegister(stack.enter_context(open_ledger(ledger)))
        stream = stack.enter_context(atomic_open(output or STDOUT, text=True, option="--output"))
        writer = ReportWriter(stream, output_format)  # type: ignore[arg-type]
        progress = _progress(not no_progress, len(sources))
        task = None
        if progress is not None:
            stack.enter_context(progress)
            task = progress.add_task("validate", total=len(sources))
        for report in run(sources, options, workers, register, account):
            writer.add(report)
            if progress is not None and task is not None:
                progress.advance(task)
        writer.finish()
        if stage is not None:
            stage.publish()  # the retourberichten appear together, only when the whole run succeeded
    if account is not None and retour_dir is not None:
        to_stdout = (output is not None and output != STDOUT) or output_format == "text"
        _tell_retour(account, retour_dir, sys.stdout if to_stdout else sys.stderr)
    summary = writer.summary
    log.info(
        "validated",
        files=summary.files,
        valid=summary.valid,
        invalid=summary.invalid,
        seconds=round(time.perf_counter() - started, 3),
    )
    return 0 if summary.invalid == 0 else 1


def _tell_retour(account: RetourAccount, directory: Path, stream: IO[str]) -> None:
    """What --retour-dir wrote, and which messages got no retourbericht and why (after the report:
    on standard output, or on stderr when the report there is JSON or JUnit)."""
    written = plural(account.written, "retourbericht", "retourberichten")
    if not account.without:
        stream.write(f"{directory}: {written} written\n")
        return
    stream.write(f"{directory}: {written} written; {plural(account.without, 'message')} got none:\n")
    for label, reason in account.named:
        stream.write(f"  {label}: {reason}\n")
    if account.without > len(account.named):
        stream.write(f"  … and {plural(account.without - len(account.named), 'more message')}\n")
    stream.flush()
