"""``ijw demo [--dir DIR]``: the main job end to end on the embedded SQLite ledger."""

from pathlib import Path

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import parse_date


@app.command()
def demo(
    directory: Path | None = typer.Option(
        None, "--dir", metavar="DIR",
        help="Write the demo into DIR: a new or empty directory, or an earlier demo's (default: a new temporary one).",
    ),
    scenario: Path | None = typer.Option(None, "--scenario", metavar="FILE",
                                         help="Another story than examples/demo.yaml."),
    today: str | None = typer.Option(None, "--today", metavar="DATE",
                                     help="Judge the deadlines on this day, YYYY-MM-DD (default: the story's)."),
) -> int:
    """Build, validate, answer and record the example bepalingen; print the deadlines; write the report."""
    from ijw_gateway.demo import render_account, run_demo

    result = run_demo(directory, scenario, parse_date(today, "--today"))
    typer.echo(render_account(result), nl=False)
    return 0
