"""Parsing of option values shared by the commands, with errors that name the option."""

from typing import TYPE_CHECKING, Any

import typer

from ijw_gateway.dates import EARLIEST, LATEST, check_date_range, parse_date  # noqa: F401 - the CLI's names

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import Ledger


def open_ledger(url: str) -> "Ledger":
    """The ledger of a ``--ledger URL`` option (LedgerError when it cannot be used)."""
    from ijw_gateway.ledger.ledger import Ledger

    return Ledger(url)


LEDGER_HELP = {
    "validate": "Judge TR056 and the cross-message rules (controleniveau 3) against what the ledger at URL holds, "
    "and note the Identificaties seen.",
    "respond": "Judge TR056 and the cross-message rules (controleniveau 3) against the ledger at URL, answer a JW323 "
    "with its JW325, number the toewijzingen from it, and record every message with its answers.",
    "build": "Number the toewijzingen from the gemeente's counter in the ledger at URL, and record the messages.",
    "ledger": "The ledger database: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB (default: env IJW_DB, "
    "else sqlite:///ijw-ledger.db).",
}


def ledger_option(help: str) -> Any:
    """The ledger URL option, one name on every command: ``--ledger URL`` (``--db URL`` is the same)."""
    return typer.Option(None, "--ledger", "--db", metavar="URL", help=help)
