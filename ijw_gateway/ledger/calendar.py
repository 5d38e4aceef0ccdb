"""Working days (*werkdagen*) under the Algemene termijnenwet.

A werkdag is Monday–Friday that is not an *algemeen erkende feestdag* (Atw art. 3):
Nieuwjaarsdag, Goede Vrijdag, Tweede Paasdag, Koningsdag, Bevrijdingsdag (5 May, every
year), Hemelvaartsdag, Tweede Pinksterdag, Eerste en Tweede Kerstdag. Extra closing
days (the Friday after Hemelvaartsdag, an organisation's own days) are a setting.

The ``holidays`` package is the base for the years it supports (1966–2100): it knows the
history of Koningsdag/Koninginnedag. Its Dutch default is *not* the Atw list (5 May only
every fifth year; Goede Vrijdag depends on the package version), so every year is
completed with the Atw days computed here. Outside the package's range the same rules
are projected (Koningsdag: 27 April, 26 April when the 27th is a Sunday, from 2014;
Koninginnedag 30 April before that).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from holidays.constants import OPTIONAL, PUBLIC

from ijw_gateway.errors import UsageError

__all__ = ["WorkingDayCalendar", "easter_sunday", "feestdagen"]

MIN_YEAR = 1900
MAX_YEAR = 2200


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _koningsdag(year: int) -> tuple[date, str]:
    """The celebrated birthday of the monarch, for years the ``holidays`` package does not cover."""
    if year >= 2014:
        day = date(year, 4, 27)
        name = "Koningsdag"
    else:
        day = date(year, 4, 30)
        name = "Koninginnedag"
    if day.weekday() == 6:  # Sunday: the day before from 1980, the day after before that
        day += timedelta(days=-1 if year >= 1980 else 1)
    return day, name


def feestdagen(year: int) -> dict[date, str]:
    """The algemeen erkende feestdagen of ``year`` (Dutch names), Sundays included."""
    return dict(_feestdagen(year))


@lru_cache(maxsize=512)
def _feestdagen(year: int) -> dict[date, str]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError(f"year {year} is outside the supported range {MIN_YEAR}–{MAX_YEAR}")
    easter = easter_sunday(year)
    days: dict[date, str] = {}

    def add(day: date, name: str) -> None:
        if name not in days.get(day, "").split(" / "):
            days[day] = f"{days[day]} / {name}" if day in days else name

    add(date(year, 1, 1), "Nieuwjaarsdag")
    add(easter - timedelta(days=2), "Goede Vrijdag")
    add(easter, "Eerste Paasdag")
    add(easter + timedelta(days=1), "Tweede Paasdag")
    add(date(year, 5, 5), "Bevrijdingsdag")
    add(easter + timedelta(days=39), "Hemelvaartsdag")
    add(easter + timedelta(days=49), "Eerste Pinksterdag")
    add(easter + timedelta(days=50), "Tweede Pinksterdag")
    add(date(year, 12, 25), "Eerste Kerstdag")
    add(date(year, 12, 26), "Tweede Kerstdag")
    if holidays.NL.start_year <= year <= holidays.NL.end_year:
        # The package contributes Koningsdag/Koninginnedag (with its Sunday rules); the
        # other days it knows coincide with the ones computed above.
        package = holidays.NL(years=year, categories=(PUBLIC, OPTIONAL), language="nl")
        for day in package:
            if day not in days:
                days[day] = package[day]
    else:
        add(*_koningsdag(year))
    return dict(sorted(days.items()))


@lru_cache(maxsize=512)
def _closed_weekdays(year: int) -> frozenset[date]:
    return frozenset(d for d in _feestdagen(year) if d.weekday() < 5)


def _as_date(value: date, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise UsageError(f"{what} must be a date (YYYY-MM-DD), not {value!r}")
    return value


def _weekdays_through(day: date) -> int:
    """Number of Monday–Friday days from 0001-01-01 (a Monday) up to and including ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


class WorkingDayCalendar:
    """Werkdagen per the Algemene termijnenwet, plus ``extra_closed`` dates (a setting).

    ``add_working_days(x, n)`` implements "binnen n werkdagen na x": the n-th working
    day after the date of x; x itself never counts, whatever day it is.
    ``add_weeks(x, n)`` implements "binnen n weken na x": x + 7n calendar days, kept as
    is when that date is not a working day (aanmeldroutes.md defines a week as 7
    calendar days; the Atw extension to the next working day is not applied).
    """

    def __init__(self, extra_closed: Iterable[date] = ()) -> None:
        self.extra_closed: frozenset[date] = frozenset(_as_date(d, "an extra closing day") for d in extra_closed)
        self._extra_weekdays = sorted(d for d in self.extra_closed if d.weekday() < 5)
        self._added: dict[tuple[date, int], date] = {}  # add_working_days is asked the same a lot

    def __repr__(self) -> str:
        return f"WorkingDayCalendar(extra_closed={sorted(self.extra_closed)!r})"

    def is_feestdag(self, day: date) -> bool:
        """True for an algemeen erkende feestdag (extra closing days not included)."""
        return _as_date(day, "day") in _feestdagen(day.year)

    def is_working_day(self, day: date) -> bool:
        _as_date(day, "day")
        return day.weekday() < 5 and day not in _closed_weekdays(day.year) and day not in self.extra_closed

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (n ≥ 0; n = 0 returns ``start``)."""
        found = self._added.get((start, n))
        if found is not None:
            return found
        _as_date(start, "start")
        if n < 0:
            raise UsageError(f"the number of working days must be 0 or more, not {n}")
        day = start
        one = timedelta(days=1)
        left = n
        try:
            while left:
                day += one
                if self.is_working_day(day):
                    left -= 1
        except OverflowError as exc:
            raise UsageError(f"{n} working days after {start} is beyond the supported dates") from exc
        if len(self._added) < 100_000:
            self._added[(start, n)] = day
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days d with a < d ≤ b; negative when b is before a.

        So ``working_days_between(x, add_working_days(x, n)) == n``.
        """
        _as_date(a, "a")
        _as_date(b, "b")
        if b < a:
            return -self.working_days_between(b, a)
        count = _weekdays_through(b) - _weekdays_through(a)
        for year in range(a.year, b.year + 1):
            count -= sum(1 for d in _closed_weekdays(year) if a < d <= b)
        count -= sum(1 for d in self._extra_weekdays if a < d <= b and d not in _closed_weekdays(d.year))
        return count

    def add_weeks(self, start: date, n: int) -> date:
        """``start`` + 7n calendar days, not moved to a working day (see the class doc)."""
        _as_date(start, "start")
        if n < 0:
            raise UsageError(f"the number of weeks must be 0 or more, not {n}")
        return start + timedelta(days=7 * n)
