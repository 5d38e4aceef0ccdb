"""``ijw aanmeldformulier``: the één Gelders aanmeldformulier, filled from a bepaling."""

from pathlib import Path

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import parse_date
from ijw_gateway.errors import UsageError


@app.command("aanmeldformulier")
def aanmeldformulier(
    bepaling: Path = typer.Argument(..., help="The bepaling file (YAML or JSON)."),
    output: Path = typer.Option(..., "--output", "-o", help="The HTML file to write (owner-only: it holds personal "
                                                            "data)."),
    verstuurd: str | None = typer.Option(None, "--verstuurd", metavar="DATE",
                                         help="The day bepaling and form are sent (default today); the steps "
                                              "counted from it get their date."),
    productcodes: Path | None = typer.Option(None, "--productcodes", help="Other contract data (a productcodes dir)."),
) -> int:
    """Write the filled-in aanmeldformulier: a printable, self-contained HTML page (no script, no network).

    It holds the jeugdige, GI, maatregel, each hulp line with the region's product, the route's steps.

    The file is written owner-only (0600): it holds personal data. Nothing of it is logged.
    """
    from ijw_gateway import aanmeldformulier as form
    from ijw_gateway.cli.bepaling import _catalog
    from ijw_gateway.tussentaal import Bepaling

    if output.is_dir():
        raise UsageError(f"--output {output}: is a directory (expected the name of the HTML file to write)")
    day = parse_date(verstuurd, "--verstuurd")
    catalog = _catalog(productcodes)
    bep = Bepaling.load(bepaling, catalog=catalog)
    form.write(bep, output, verstuurd=day, catalog=catalog, option="--output")
    typer.echo(str(output))
    return 0
