"""Dates and moments given as text (CLI options, HTTP query parameters), with errors that name where they came from."""

from __future__ import annotations

from datetime import date, datetime

from ijw_gateway.errors import UsageError

__all__ = ["EARLIEST", "LATEST", "check_date_range", "parse_date", "parse_moment"]

EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
"""The dates accepted: the ledger's working-day calendar and its deadlines cover these years."""


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


def parse_moment(value: str | None, option: str) -> date | datetime | None:
    """A date (YYYY-MM-DD) or an ISO datetime; without an offset it is Amsterdam time."""
    if value is None:
        return None
    text = value.strip()
    try:
        moment = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} {value}: expected a date YYYY-MM-DD or a date and time such as 2026-04-24T10:30"
        ) from None
    check_date_range(moment if not isinstance(moment, datetime) else moment.date(), value, option)
    return moment
