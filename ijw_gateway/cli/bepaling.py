"""``ijw map`` and ``ijw build``: a bepaling jeugdhulp through the tussentaal to a region's contract."""

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import LEDGER_HELP, ledger_option, open_ledger, parse_date
from ijw_gateway.errors import UsageError
from ijw_gateway.files import output_directory
from ijw_gateway.logging import get_logger
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
    all_regions: bool = typer.Option(False, "--all-regions", help="Map the bepaling in each of the seven regions."),
    productcodes: Path | None = typer.Option(None, "--productcodes", metavar="DIR", help=PRODUCTCODES_HELP),
) -> int:
    """Show how each hulp line maps to the responsible region's contract; exit 1 if one cannot be built.

    Every conversion by a contract's rule and every split into consecutive toewijzingen is shown.

    With --all-regions: the same bepaling in each of the seven regions, side by side.

    Exit 1 then when a line cannot be mapped in some region, or not built for the bepaling's gemeente.
    """
    from ijw_gateway.tussentaal import Bepaling, map_alle_regios, map_bepaling

    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format}: expected text or json")
    catalog = _catalog(productcodes)
    bep = Bepaling.load(bepaling, catalog=catalog)
    if all_regions:
        regios = map_alle_regios(bep, catalog=catalog)
        ok = all(r.mapping.ok for r in regios) and all(r.mapping.buildable for r in regios if r.eigen_regio)
        if output_format == "json":
            from ijw_gateway.tussentaal.mapping import alle_regios_json

            typer.echo(json.dumps(alle_regios_json(bep, regios, catalog=catalog), ensure_ascii=False, indent=2))
        else:
            typer.echo(_all_regions_text(bep, regios))
        log.info("mapped in every region", lines=len(bep.hulp), regions=len(regios), ok=ok)
        return 0 if ok else 1
    mapping = map_bepaling(bep, catalog=catalog)
    if output_format == "json":
        typer.echo(json.dumps(mapping.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in mapping.lines:
            typer.echo(_line_text(line))
    log.info("mapped", lines=len(mapping.lines), failed=len(mapping.fouten), buildable=mapping.buildable)
    return 0 if mapping.buildable else 1


def _all_regions_text(bep: Any, regios: list[Any]) -> str:
    """Per hulp line, one row per region: product, omvang (converted, split) and providers, or why not."""
    from ijw_gateway.tussentaal import Toewijzing
    from ijw_gateway.tussentaal.omvang import omschrijf_woorden

    width = max(len(r.regio) for r in regios) + 2
    rows: list[str] = []
    for index, hulp in enumerate(bep.hulp):
        o = hulp.omvang
        rows.append(f"line {index + 1} {hulp.zorgvorm}: {omschrijf_woorden(o.volume, o.eenheid, o.frequentie)}, "
                    f"{hulp.ingangsdatum}–{hulp.periode_einde}, aanbieder {hulp.aanbieder}")
        for r in regios:
            label = f"{r.regio}{' *' if r.eigen_regio else ''}".ljust(width)
            line = r.mapping.lines[index]
            if not isinstance(line, Toewijzing):
                rows.append(f"  {label}cannot be mapped: {line.error.split(' cannot be mapped: ', 1)[-1]}")
                continue
            omvang = line.omrekening.tekst.split(" → ", 1)[-1]
            split = f"; in {line.splitsing.toewijzingen} toewijzingen of at most {line.splitsing.max_duur}" \
                if line.splitsing else ""
            who = "contracted" if line.aanbieder_gecontracteerd else "NOT contracted"
            rows.append(f"  {label}{line.productcategorie}/{line.productcode}  {omvang}{split}; aanbieder {who} "
                        f"(contracted: {', '.join(line.gecontracteerde_aanbieders)})")
        rows.append("")
    rows.append(f"* the region of gemeente {bep.gemeente}")
    return "\n".join(rows)


def _line_text(line: object, indent: str = "") -> str:
    """One mapped (or failed) hulp line for ``ijw map``'s text output, in a backoffice's words."""
    from ijw_gateway.tussentaal import Toewijzing
    from ijw_gateway.tussentaal.omvang import omschrijf

    if not isinstance(line, Toewijzing):
        return f"{indent}line {line.regel} {line.zorgvorm}: {line.error}"  # type: ignore[attr-defined]
    route = " → ".join(p for p in (line.gemeente, line.regio, line.contract) if p)
    if line.aanbieder_gecontracteerd:
        contracted = f"aanbieder {line.aanbieder}, contracted"
    else:
        contracted = (f"aanbieder {line.aanbieder} NOT contracted for {line.productcode} "
                      f"(contracted: {', '.join(line.gecontracteerde_aanbieders)})")
    rows = [f"line {line.regel} {line.zorgvorm}: {route} → {line.productcategorie}/{line.productcode}",
            f"  omvang    {line.omrekening.tekst}"]
    if line.splitsing is None:
        rows.append(f"  periode   {line.ingangsdatum}–{line.einddatum}")
    else:
        rows.append(f"  periode   {line.ingangsdatum}–{line.einddatum}, {line.splitsing.tekst}:")
        for p in line.perioden:
            how = f" ({p.regel})" if p.regel else ""
            omvang = omschrijf(p.volume, line.eenheid, line.frequentie)
            rows.append(f"            {p.ingangsdatum}–{p.einddatum}  {omvang}{how}")
    rows.append(f"  {contracted}")
    return "\n".join(indent + row for row in rows)


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
    from ijw_gateway.workflows.build import build_and_record

    if route is not None and route not in ("301", "315"):
        raise UsageError(f"--route {route}: expected 301 or 315")
    catalog = _catalog(productcodes)
    bep = Bepaling.load(bepaling, catalog=catalog)
    day = parse_date(dagtekening, "--dagtekening")
    with ExitStack() as stack:
        book = stack.enter_context(open_ledger(ledger)) if ledger is not None else None
        stack.enter_context(output_directory(out, "--out"))
        built = build_and_record(bep, out, route=route, dagtekening=day, catalog=catalog, ledger=book)
    for path, message in zip(built.paths, built.messages, strict=True):
        typer.echo(f"{path}: {_describe(message.model)}")
    typer.echo(f"wrote {plural(len(built.paths), 'message')} for {bep.kenmerk} to {out}")
    if built.recorded is not None:
        recorded = sum(r.status == "recorded" for r in built.recorded)
        typer.echo(f"ledger: case {bep.kenmerk}, {recorded} of {len(built.recorded)} messages newly recorded")
        for result in built.recorded:
            if result.status == "conflict":
                typer.echo(f"ledger: {result.berichttype} {result.identificatie}: {result.detail}")
    written = built.paths
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
