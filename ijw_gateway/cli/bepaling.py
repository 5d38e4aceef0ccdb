"""``ijw map`` and ``ijw build``: a bepaling jeugdhulp through the tussentaal to a region's contract."""

import json
from contextlib import ExitStack
from pathlib import Path

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import LEDGER_HELP, ledger_option, open_ledger, parse_date
from ijw_gateway.errors import UsageError
from ijw_gateway.files import output_directory, write_all_atomic
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.codec import to_xml
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.words import plural

log = get_logger(__name__)

PRODUCTCODES_HELP = ("Other product data: a productcodes directory, or one that holds only contracten/ (what "
                     "'ijw productcodes import --dest' writes), laid over the shipped data.")


def _catalog(productcodes: Path | None):  # type: ignore[no-untyped-def]
    from ijw_gateway.tussentaal import Catalog, default_catalog

    return Catalog.load(productcodes) if productcodes is not None else default_catalog()


@app.command("map")
def map_command(
    bepaling: Path = typer.Argument(..., metavar="BEPALING", help="The bepaling file (YAML or JSON)."),
    output_format: str = typer.Option("text", "--format", metavar="[text|json]", help="The output's format."),
    productcodes: Path | None = typer.Option(None, "--productcodes", metavar="DIR", help=PRODUCTCODES_HELP),
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
    bepaling: Path = typer.Argument(..., metavar="BEPALING", help="The bepaling file (YAML or JSON)."),
    route: str | None = typer.Option(None, "--route", metavar="[301|315]", help="The route (default: the file's)."),
    out: Path = typer.Option(Path("."), "--out", metavar="DIR",
                             help="The directory for the messages (default: the current directory)."),
    dagtekening: str | None = typer.Option(None, "--dagtekening", metavar="DATE",
                                           help="The messages' Dagtekening, YYYY-MM-DD (default today)."),
    productcodes: Path | None = typer.Option(None, "--productcodes", metavar="DIR", help=PRODUCTCODES_HELP),
    ledger: str | None = ledger_option(LEDGER_HELP["build"]),
) -> int:
    """Write the JW301s (route 301) or JW315s (route 315) of a bepaling; nothing is written if any fails.

    One JW301 goes from the gemeente to each provider, one JW315 from each provider to the
    gemeente; each line printed names the file, its message and how many products it holds.
    With --ledger the ToewijzingNummers come from the gemeente's counter in the ledger (the
    same line gets the same number again), the case is opened when it is not yet (at the
    bepaling's vastgesteld_op) and the messages are recorded as sent; when recording fails,
    the files are removed again.
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
        stack.enter_context(output_directory(out, "--out"))
        written = _write_all(out, bep.kenmerk, messages)
        if book is not None:
            try:
                results = book.record_messages([(m, "sent") for m in messages], bepaling=bep)
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                raise
    for path, message in zip(written, messages, strict=True):
        typer.echo(f"{path}: {_describe(message)}")
    typer.echo(f"wrote {plural(len(written), 'message')} for {bep.kenmerk} to {out}")
    if book is not None:
        recorded = sum(r.status == "recorded" for r in results)
        typer.echo(f"ledger: case {bep.kenmerk}, {recorded} of {len(results)} messages newly recorded")
        for result in results:
            if result.status == "conflict":
                typer.echo(f"ledger: {result.berichttype} {result.identificatie}: {result.detail}")
    log.info("built", route=route or bep.route, messages=len(written), ledger=book is not None)
    return 0


def _describe(message: IjwModel) -> str:
    """``JW315 from 42420001 to gemeente 0200, 2 products``."""
    header = message.Header  # type: ignore[attr-defined]
    naam = berichttype_of(message).naam
    client = message.Client  # type: ignore[attr-defined]
    producten = client.AangevraagdeProducten.AangevraagdProduct if naam == "JW315" else (
        client.ToegewezenProducten.ToegewezenProduct)
    if naam == "JW315":
        route = f"from aanbieder {header.Afzender} to gemeente {header.Ontvanger}"
    else:
        route = f"from gemeente {header.Afzender} to aanbieder {header.Ontvanger}"
    return f"{naam} {route}, {plural(len(producten), 'product')}"


def _write_all(out: Path, kenmerk: str, messages: list[IjwModel]) -> list[Path]:
    """Write every message (named by :func:`bestandsnaam`) or, on any failure, none."""
    from ijw_gateway.tussentaal.build import bestandsnaam

    return write_all_atomic([(out / bestandsnaam(kenmerk, message), to_xml(message)) for message in messages])
