"""``ijw productcodes import``: a region's real product list from CSV into a contract file.

By default the contract goes to the user's own data (:func:`ijw_gateway.resources.user_productcodes_dir`),
which ``map``, ``build``, ``respond`` and the ledger lay over the shipped data; ``--dest DIR``
writes into another productcodes directory, which ``map`` and ``build`` read with ``--productcodes DIR``.
"""

from pathlib import Path

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import parse_date
from ijw_gateway.errors import DataError
from ijw_gateway.files import output_directory, write_bytes_atomic
from ijw_gateway.logging import get_logger
from ijw_gateway.resources import user_productcodes_dir

log = get_logger(__name__)

productcodes_app = typer.Typer(help="Product codes and regional contracts.", no_args_is_help=True)
app.add_typer(productcodes_app, name="productcodes")


@productcodes_app.command("import")
def import_contract(
    csv_file: Path = typer.Argument(..., metavar="CSV",
                                    help="The region's product list as CSV (see productcodes/README.md)."),
    regio: str = typer.Option(..., "--regio", metavar="REGIO", help="The jeugdhulpregio, e.g. 'Rijk van Nijmegen'."),
    jaar: int = typer.Option(..., "--jaar", metavar="YEAR", min=2015, max=2099, help="The contract year."),
    dest: Path | None = typer.Option(
        None, "--dest", metavar="DIR",
        help="Write into this productcodes directory (contracten/YEAR/REGIO.yaml; map and build read it "
        "with --productcodes DIR) or to this .yaml file. Default: your own data, which map, build and respond "
        "always read (env IJW_DATA_DIR, else ~/.local/share/ijw-gateway on Linux).",
    ),
    geldig_vanaf: str | None = typer.Option(None, "--geldig-vanaf", metavar="DATE",
                                            help="The first day of the contract (default 1 January of YEAR)."),
    geldig_tot: str | None = typer.Option(None, "--geldig-tot", metavar="DATE",
                                          help="The last day of the contract (default 31 December of YEAR)."),
) -> int:
    """Validate a CSV product list (every bad line named) and write it as the region's contract for the year.

    It prints the file it wrote. The contract is checked against the other contracts it will
    be read with; when they do not fit together, nothing is written.
    """
    from ijw_gateway.tussentaal import Catalog, import_contract_csv
    from ijw_gateway.tussentaal.contracts import contract_path, contract_to_yaml

    contract = import_contract_csv(
        csv_file, regio, jaar,
        geldig_vanaf=parse_date(geldig_vanaf, "--geldig-vanaf"), geldig_tot=parse_date(geldig_tot, "--geldig-tot"),
    )
    root = dest if dest is not None else user_productcodes_dir()
    single_file = root.suffix in (".yaml", ".yml") and not root.is_dir()
    target = root if single_file else contract_path(root, contract)
    text = contract_to_yaml(contract, header=f"Contract jeugdhulp {regio} {jaar}, imported from {csv_file.name}.")
    with output_directory(target.parent, "--dest", given=root):
        previous = target.read_bytes() if target.is_file() else None
        write_bytes_atomic(target, text.encode("utf-8"), "--dest")
        if not single_file:
            try:  # the contracts read together must fit (no overlapping years of one region, …)
                Catalog.load(root if dest is not None else None)
            except DataError:
                if previous is None:
                    target.unlink()
                else:
                    write_bytes_atomic(target, previous, "--dest")
                raise
    typer.echo(f"imported {len(contract.producten)} products of {contract.naam} into {target}")
    if dest is not None and not single_file:
        typer.echo(f"map and build read it with --productcodes {root}")
    log.info("imported contract", regio=regio, jaar=jaar, products=len(contract.producten))
    return 0
