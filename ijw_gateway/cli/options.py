"""Parsing of option values shared by the commands, with errors that name the option."""

from datetime import date
from typing import TYPE_CHECKING

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
