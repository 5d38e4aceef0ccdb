"""``ijw productcodes import``: a region's real product list from CSV into a contract file."""

from pathlib import Path

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import parse_date
from ijw_gateway.logging import get_logger

log = get_logger(__name__)

productcodes_app = typer.Typer(help="Product codes and regional contracts.", no_args_is_help=True)
app.add_typer(productcodes_app, name="productcodes")


@productcodes_app.command("import")
def import_contract(
    csv_file: Path = typer.Argument(..., help="The region's product list as CSV (see productcodes/README.md)."),
    regio: str = typer.Option(..., "--regio", help="The jeugdhulpregio, e.g. 'Rijk van Nijmegen'."),
    jaar: int = typer.Option(..., "--jaar", min=2015, max=2099, help="The contract year (2015–2099)."),
    dest: Path = typer.Option(Path("productcodes"), "--dest", help="The productcodes directory or a .yaml path."),
    geldig_vanaf: str | None = typer.Option(None, "--geldig-vanaf", help="Default 1 January of --jaar."),
    geldig_tot: str | None = typer.Option(None, "--geldig-tot", help="Default 31 December of --jaar."),
) -> int:
    """Validate a CSV product list (every bad line named) and write it as the region's contract for the year."""
    from ijw_gateway.tussentaal import import_contract_csv

    contract = import_contract_csv(
        csv_file, regio, jaar, dest=dest,
        geldig_vanaf=parse_date(geldig_vanaf, "--geldig-vanaf"), geldig_tot=parse_date(geldig_tot, "--geldig-tot"),
    )
    typer.echo(f"imported {len(contract.producten)} products of {contract.naam} into {dest}")
    log.info("imported contract", regio=regio, jaar=jaar, products=len(contract.producten))
    return 0
