"""Parsing of option values shared by the commands, with errors that name the option."""

from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from ijw_gateway.errors import UsageError

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import Ledger


EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
"""The dates an option accepts: the ledger's working-day calendar and its deadlines cover these years."""


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value}: expected a date as YYYY-MM-DD, e.g. 2026-05-04") from None
    return check_date_range(day, value, option)


def check_date_range(day: date, value: str, option: str) -> date:
    """``day`` when it lies in the supported years; else a UsageError naming the option."""
    if not EARLIEST <= day <= LATEST:
        raise UsageError(f"{option} {value}: expected a date between {EARLIEST} and {LATEST}")
    return day


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
