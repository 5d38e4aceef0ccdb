"""``ijw map`` and ``ijw build``: a bepaling jeugdhulp through the tussentaal to a region's contract."""

import json
from contextlib import ExitStack
from pathlib import Path

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import open_ledger, parse_date
from ijw_gateway.errors import UsageError
from ijw_gateway.files import ensure_directory, write_all_atomic
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.codec import to_xml
from ijw_gateway.messages.xsd import IjwModel

log = get_logger(__name__)


def _catalog(productcodes: Path | None):  # type: ignore[no-untyped-def]
    from ijw_gateway.tussentaal import Catalog, default_catalog

    return Catalog.load(productcodes) if productcodes is not None else default_catalog()


@app.command("map")
def map_command(
    bepaling: Path = typer.Argument(..., help="The bepaling file (YAML or JSON)."),
    output_format: str = typer.Option("text", "--format", help="text or json."),
    productcodes: Path | None = typer.Option(None, "--productcodes", help="Other contract data (a productcodes dir)."),
) -> int:
    """Show how each hulp line maps to the responsible region's contract; exit 1 if one cannot be built."""
    from ijw_gateway.tussentaal import Bepaling, Toewijzing, map_bepaling

    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format}: expected text or json")
    catalog = _catalog(productcodes)
    mapping = map_bepaling(Bepaling.load(bepaling, catalog=catalog), catalog=catalog)
    buildable = mapping.ok and all(line.aanbieder_gecontracteerd for line in mapping.lines)  # type: ignore[union-attr]
    if output_format == "json":
        typer.echo(json.dumps(mapping.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in mapping.lines:
            if isinstance(line, Toewijzing):
                contracted = "contracted" if line.aanbieder_gecontracteerd else (
                    f"NOT contracted (contracted: {', '.join(line.gecontracteerde_aanbieders)})")
                periods = ", ".join(f"{p.ingangsdatum}–{p.einddatum}" for p in line.perioden)
                typer.echo(f"line {line.regel} {line.zorgvorm}: {line.gemeente} → {line.regio} → {line.contract} → "
                           f"{line.productcategorie}/{line.productcode}, {line.volume} × eenheid {line.eenheid} "
                           f"per frequentie {line.frequentie}, {periods}; aanbieder {line.aanbieder} {contracted}")
            else:
                typer.echo(f"line {line.regel} {line.zorgvorm}: {line.error}")
    log.info("mapped", lines=len(mapping.lines), failed=len(mapping.fouten), buildable=buildable)
    return 0 if buildable else 1


@app.command()
def build(
    bepaling: Path = typer.Argument(..., help="The bepaling file (YAML or JSON)."),
    route: str | None = typer.Option(None, "--route", help="301 or 315 (default: the file's route)."),
    out: Path = typer.Option(Path("."), "--out", help="Directory for the messages."),
    dagtekening: str | None = typer.Option(None, "--dagtekening", help="The messages' Dagtekening (default today)."),
    productcodes: Path | None = typer.Option(None, "--productcodes", help="Other contract data (a productcodes dir)."),
    ledger: str | None = typer.Option(
        None, "--ledger", help="Number the toewijzingen from this ledger's counter and record the messages (URL)."
    ),
) -> int:
    """Write the JW301s (route 301) or JW315s (route 315) of a bepaling; nothing is written if any fails.

    With ``--ledger`` the ToewijzingNummers come from the gemeente's counter in the ledger
    (the same line gets the same number again), the case is opened when it is not yet (at
    the bepaling's vastgesteld_op) and the messages are recorded as sent; when recording
    fails, the files are removed again.
    """
    from ijw_gateway.tussentaal import Bepaling
    from ijw_gateway.tussentaal.build import build as build_messages

    if route is not None and route not in ("301", "315"):
        raise UsageError(f"--route {route}: expected 301 or 315")
    catalog = _catalog(productcodes)
    bep = Bepaling.load(bepaling, catalog=catalog)
    day = parse_date(dagtekening, "--dagtekening")
    with ExitStack() as stack:
        book = stack.enter_context(open_ledger(ledger)) if ledger is not None else None
        counter = book.toewijzingnummer if book is not None else None
        messages = build_messages(bep, route=route, dagtekening=day, catalog=catalog, toewijzingnummer=counter)
        ensure_directory(out, "--out")
        written = _write_all(out, bep.kenmerk, messages)
        if book is not None:
            try:
                results = book.record_messages([(m, "sent") for m in messages], bepaling=bep)
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                raise
    for path in written:
        typer.echo(str(path))
    if book is not None:
        recorded = sum(r.status == "recorded" for r in results)
        typer.echo(f"ledger: case {bep.kenmerk}, {recorded} of {len(results)} messages newly recorded")
        for result in results:
            if result.status == "conflict":
                typer.echo(f"ledger: {result.berichttype} {result.identificatie}: {result.detail}")
    log.info("built", route=route or bep.route, messages=len(written), ledger=book is not None)
    return 0


def _write_all(out: Path, kenmerk: str, messages: list[IjwModel]) -> list[Path]:
    """Write every message (named by :func:`bestandsnaam`) or, on any failure, none."""
    from ijw_gateway.tussentaal.build import bestandsnaam

    return write_all_atomic([(out / bestandsnaam(kenmerk, message), to_xml(message)) for message in messages])
