"""Parsing of option values shared by the commands, with errors that name the option."""

from datetime import date
from typing import TYPE_CHECKING

from ijw_gateway.errors import UsageError

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import Ledger


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value}: expected a date as YYYY-MM-DD, e.g. 2026-05-04") from None


def open_ledger(url: str) -> "Ledger":
    """The ledger of a ``--ledger URL`` option (LedgerError when it cannot be used)."""
    from ijw_gateway.ledger.ledger import Ledger

    return Ledger(url)
