"""``ijw ledger open|record|ingest|status``: the case ledger and its deadlines.

The database is ``--ledger URL`` (or ``--db URL``, on ``ijw ledger`` or on each command), else
env ``IJW_DB``, else ``sqlite:///ijw-ledger.db``. Exit codes: 0 done; 1 invalid or unlinkable messages
(ingest) or overdue deadlines with ``--fail-on-overdue`` (status); 2 could not run.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import LEDGER_HELP, ledger_option, parse_date
from ijw_gateway.dates import parse_moment
from ijw_gateway.errors import UsageError
from ijw_gateway.ledger.facts import AMSTERDAM, EVENTS, local_date
from ijw_gateway.logging import get_logger
from ijw_gateway.words import plural

log = get_logger(__name__)

ledger_app = typer.Typer(
    name="ledger",
    help="Keep the ledger of cases, route events and messages, and watch the route deadlines.",
    no_args_is_help=True,
)
app.add_typer(ledger_app, name="ledger")

@ledger_app.callback()
def _ledger_options(
    ctx: typer.Context,
    db: str | None = ledger_option(LEDGER_HELP["ledger"]),
) -> None:
    ctx.obj = {"db": db}


def _format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise UsageError(f"--format {value}: expected {' or '.join(allowed)}")
    return value


def _ledger(ctx: typer.Context, db: str | None, *, must_exist: bool = False) -> Any:
    """The ledger; with ``must_exist`` (status, report: they only read) a missing SQLite file is an
    error, and the ledger is opened for reading only (so a ledger in a read-only directory works)."""
    from ijw_gateway.ledger.ledger import Ledger, ledger_url

    url = ledger_url(db or ((ctx.obj or {}).get("db") if ctx.obj else None))
    if must_exist and url.startswith("sqlite:///"):
        database = url.removeprefix("sqlite:///").partition("?")[0]
        if database and database != ":memory:" and not Path(database).expanduser().exists():
            raise UsageError(
                f"--ledger {url}: there is no ledger at {database} "
                "(expected an existing ledger; 'ijw ledger open BEPALING' creates one)"
            )
    return Ledger(url, read_only=must_exist)


def _db_option() -> Any:
    return ledger_option(LEDGER_HELP["ledger"])


_AT = "YYYY-MM-DD or YYYY-MM-DDTHH:MM (Amsterdam time unless it has an offset)"  # first: kept on one line


@ledger_app.command("open")
def open_case(
    ctx: typer.Context,
    bepaling: str = typer.Argument(..., metavar="BEPALING",
                                   help="The bepaling file (YAML or JSON); its kenmerk is the case id."),
    at: str | None = typer.Option(None, "--at", metavar="DATETIME",
                                  help=f"{_AT}: the voorgenomen bepaling (default now)."),
    db: str | None = _db_option(),
) -> None:
    """Open the case of a bepaling; step 1 counts from this moment."""
    from ijw_gateway.workflows.cases import case_of  # the bepaling and the contracts: only for this command

    moment = parse_moment(at, "--at")
    with _ledger(ctx, db) as ledger:
        info = ledger.open_case(case_of(bepaling), at=moment)
    opened = local_date(info.opened_at).isoformat()
    where = f"route {info.route}, gemeente {info.gemeente} ({info.regio}), {info.gi}, {info.maatregel}"
    if info.created:
        typer.echo(f"opened case {info.case} on {opened}: {where}")
    else:
        typer.echo(f"case {info.case} was already open since {opened}: {where}; nothing changed")


@ledger_app.command("record")
def record(
    ctx: typer.Context,
    case: str = typer.Argument(..., metavar="CASE", help="The case id (the bepaling's kenmerk)."),
    event: str = typer.Argument(..., metavar="EVENT", help=f"One of: {', '.join(EVENTS)}."),
    at: str | None = typer.Option(None, "--at", metavar="DATETIME", help=f"{_AT}: when it happened (default now)."),
    db: str | None = _db_option(),
) -> None:
    """Record a route event that is not a message (the events are listed under EVENT).

    overleg marks step 1 done; bepaling_ontvangen is the day the LTM or the provider received
    the bepaling, when that differs from the day it was sent.
    """
    moment = parse_moment(at, "--at")
    with _ledger(ctx, db) as ledger:
        result = ledger.record(case, event, at=moment)
    if result.created:
        typer.echo(f"recorded {result.event} for case {result.case} on {result.day.isoformat()}")
    else:
        typer.echo(f"{result.event} of case {result.case} on {result.day.isoformat()} was already recorded")


@ledger_app.command("ingest")
def ingest(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(..., metavar="PATH...",
                                      help="Message files or directories (searched for *.xml)."),
    direction: str = typer.Option(..., "--direction", metavar="[sent|received]",
                                  help="Sent or received, from the ledger owner's side."),
    at: str | None = typer.Option(None, "--at", metavar="DATETIME",
                                  help=f"{_AT}: when they were sent or received (default: each one's dagtekening)."),
    output_format: str = typer.Option("text", "--format", metavar="[text|json]", help="The report's format."),
    db: str | None = _db_option(),
) -> None:
    """Record message files, each linked to its case; the same message twice changes nothing.

    Files that are not messages (named pipes, devices, links to nothing) are named as skipped.
    """
    fmt = _format(output_format, ("text", "json"))
    moment = parse_moment(at, "--at")
    if direction not in ("sent", "received"):
        raise UsageError(f"--direction {direction}: expected 'sent' or 'received'")
    with _ledger(ctx, db) as ledger:
        results = ledger.ingest(paths, direction, at=moment)  # type: ignore[arg-type]
    if not results:
        raise UsageError("no messages found: the directories hold no *.xml files")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    if fmt == "json":
        typer.echo(json.dumps({"summary": counts, "results": [r.as_dict() for r in results]}, indent=2))
    else:
        for r in results:
            if r.status == "skipped":
                typer.echo(f"{r.status:<9} {r.source}: {r.detail}")
                continue
            what = f"{r.berichttype} {r.identificatie}" if r.berichttype else "message"
            line = f"{r.status:<9} {r.source}: {what}"
            if r.case:
                line += f" (case {r.case})"
            if r.detail:
                line += f" — {r.detail}"
            typer.echo(line)
        typer.echo(f"{plural(len(results), 'file')}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    if any(not r.ok for r in results):
        raise typer.Exit(1)


@ledger_app.command("status")
def status(
    ctx: typer.Context,
    case: str | None = typer.Option(None, "--case", metavar="CASE", help="Only this case."),
    overdue: bool = typer.Option(False, "--overdue", help="Only overdue deadlines."),
    due_within: int | None = typer.Option(None, "--due-within", metavar="N",
                                          help="Only open deadlines due within N werkdagen."),
    rule: list[str] = typer.Option([], "--rule", metavar="CODE",
                                   help="Only the deadlines of this route step or iJw process rule (OP271, OP272, "
                                        "OP090, OP090x4, …; repeat for several)."),
    today: str | None = typer.Option(None, "--today", metavar="DATE",
                                     help="The date to judge on, YYYY-MM-DD (default today)."),
    output_format: str = typer.Option("text", "--format", metavar="[text|json]", help="The report's format."),
    fail_on_overdue: bool = typer.Option(False, "--fail-on-overdue", help="Exit 1 when a deadline shown is overdue."),
    db: str | None = _db_option(),
) -> None:
    """The deadlines of every case (or one): due, done and state (open, met, late, overdue)."""
    fmt = _format(output_format, ("text", "json"))
    day = parse_date(today, "--today") or datetime.now(AMSTERDAM).date()
    with _ledger(ctx, db, must_exist=True) as ledger:
        wanted = _rules(rule, ledger.definitions)
        deadlines = ledger.status(case, today=day, overdue=overdue, due_within=due_within)
    if wanted:
        deadlines = [d for d in deadlines if d.step in wanted or d.key in wanted]
    log.info("status", today=day.isoformat(), deadlines=len(deadlines),
             overdue=sum(d.state == "overdue" for d in deadlines))
    if fmt == "json":
        items = [d.model_dump(mode="json") for d in deadlines]
        typer.echo(json.dumps({"today": day.isoformat(), "deadlines": items}, indent=2, ensure_ascii=False))
    else:
        _print_status(day, deadlines)
    if fail_on_overdue and any(d.state == "overdue" for d in deadlines):
        raise typer.Exit(1)


def _rules(given: list[str], definitions: Any) -> set[str]:
    """The ``--rule`` codes, each a route step (``4b``) or a process rule (``OP271``) the definitions know."""
    known = {r.rule for r in definitions.rules} | {r.key for r in definitions.rules}
    known |= {s.step for route in definitions.routes.values() for s in route.steps}
    known |= {s.key for route in definitions.routes.values() for s in route.steps}
    wanted = {code.strip() for code in given}
    for code in sorted(wanted):
        if code not in known:
            rules = ", ".join(dict.fromkeys(r.rule for r in definitions.rules))
            raise UsageError(f"--rule {code}: not a route step or process rule of the ledger; expected a step "
                             f"such as 4b or one of {rules}")
    return wanted


def _print_status(day: date, deadlines: list[Any]) -> None:
    if not deadlines:
        typer.echo(f"no deadlines to show on {day.isoformat()}")
        return
    header = ("due", "state", "case", "route", "step", "done", "what")
    rows = [
        (
            d.due.isoformat(),
            d.state,
            d.case,
            d.route,
            d.step,
            d.done.isoformat() if d.done else "-",
            d.subject or d.description,
        )
        for d in deadlines
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        typer.echo("  ".join(str(v).ljust(w) for v, w in zip(row[:-1], widths, strict=True)) + "  " + str(row[-1]))
    overdue = [d for d in deadlines if d.state == "overdue"]
    typer.echo(f"{plural(len(deadlines), 'deadline')} on {day.isoformat()}, {len(overdue)} overdue")
    for d in overdue:
        typer.echo(f"  {d.case} step {d.step} (due {d.due.isoformat()}): {d.escalation}")


@ledger_app.command("report")
def report(
    ctx: typer.Context,
    output_format: str = typer.Option("text", "--format", metavar="[text|json|html]", help="The report's format."),
    output: str | None = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Write the report to FILE (whole or not at all) instead of standard output.",
    ),
    today: str | None = typer.Option(None, "--today", metavar="DATE",
                                     help="The date to judge on, YYYY-MM-DD (default today)."),
    weken: int = typer.Option(6, "--niet-gestart-weken", metavar="N",
                              help="List a toewijzing without a start after N weeks as 'zorg niet gestart', and "
                                   "count care started within N weeks as within the term (default 6)."),
    db: str | None = _db_option(),
) -> None:
    """The monitor report: per region, municipality and GI the cases, steps on time and overdue cases.

    Also the median werkdagen per step and, for each overdue case, the next step of the
    escalation ladder; --format html gives a self-contained page with charts.
    """
    from ijw_gateway.files import atomic_open, output_target
    from ijw_gateway.ledger.report import render_html, render_text
    from ijw_gateway.workflows.monitor import monitor_report

    fmt = _format(output_format, ("text", "json", "html"))
    day = parse_date(today, "--today") or datetime.now(AMSTERDAM).date()
    if output is not None:
        output_target(output, "--output")  # a report that cannot be written is found before the work
    with _ledger(ctx, db, must_exist=True) as ledger:
        data = monitor_report(ledger, day, weken=weken)
    if fmt == "json":
        rendered = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        rendered = render_html(data) if fmt == "html" else render_text(data)
    log.info("reported", today=day.isoformat(), format=fmt, characters=len(rendered), to_file=output is not None)
    if output is None or output == "-":
        typer.echo(rendered, nl=False)
        return
    with atomic_open(output, option="--output") as handle:  # whole or not at all
        handle.write(rendered.encode("utf-8"))
    typer.echo(f"wrote the {fmt} report to {output}")

