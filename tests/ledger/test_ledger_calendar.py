"""Working days per the Algemene termijnenwet."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ijw_gateway.errors import UsageError
from ijw_gateway.ledger.calendar import WorkingDayCalendar, easter_sunday, feestdagen

CAL = WorkingDayCalendar()

# The Atw feestdagen that fall on a weekday, per year (independently looked up).
WEEKDAY_FEESTDAGEN = {
    2024: [
        date(2024, 1, 1),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2024, 5, 9),
        date(2024, 5, 20),
        date(2024, 12, 25),
        date(2024, 12, 26),
    ],  # 27 April and 5 May 2024 are Saturday/Sunday
    2025: [
        date(2025, 1, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 5),
        date(2025, 5, 29),
        date(2025, 6, 9),
        date(2025, 12, 25),
        date(2025, 12, 26),
    ],  # Koningsdag on Saturday 26 April (27th is a Sunday)
    2026: [
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 4, 27),
        date(2026, 5, 5),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 12, 25),
    ],  # Tweede Kerstdag 2026 is a Saturday
    2027: [
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 4, 27),
        date(2027, 5, 5),
        date(2027, 5, 6),
        date(2027, 5, 17),
    ],  # Kerst 2027 on Saturday/Sunday
    2028: [
        date(2028, 4, 14),
        date(2028, 4, 17),
        date(2028, 4, 27),
        date(2028, 5, 5),
        date(2028, 5, 25),
        date(2028, 6, 5),
        date(2028, 12, 25),
        date(2028, 12, 26),
    ],  # Nieuwjaarsdag 2028 is a Saturday
}


@pytest.mark.parametrize("year", sorted(WEEKDAY_FEESTDAGEN))
def test_weekday_feestdagen(year: int) -> None:
    closed = [d for d in (date(year, 1, 1) + timedelta(i) for i in range(366)) if d.year == year and d.weekday() < 5]
    assert [d for d in closed if not CAL.is_working_day(d)] == WEEKDAY_FEESTDAGEN[year]


def test_bevrijdingsdag_every_year_and_goede_vrijdag() -> None:
    for year in range(1966, 2201):
        assert date(year, 5, 5) in feestdagen(year)
        assert easter_sunday(year) - timedelta(days=2) in feestdagen(year)
    # the holidays package's default would make 5 May 2026 a working day
    assert date(2026, 5, 5) not in holidays.NL(years=2026)
    assert not CAL.is_working_day(date(2026, 5, 5))


def test_koningsdag_rules() -> None:
    assert feestdagen(2026)[date(2026, 4, 27)] == "Koningsdag"
    assert feestdagen(2025)[date(2025, 4, 26)] == "Koningsdag"  # 27 April 2025 is a Sunday
    assert date(2025, 4, 27) not in feestdagen(2025)
    assert date(2200, 4, 26) in feestdagen(2200)  # beyond the holidays package: 27 April 2200 is a Sunday
    assert date(2013, 4, 30) in feestdagen(2013)  # Koninginnedag


def test_easter_matches_holidays_package() -> None:
    for year in range(1966, 2101):
        monday = [d for d, n in holidays.NL(years=year, language="en_US").items() if n == "Easter Monday"]
        assert monday == [easter_sunday(year) + timedelta(days=1)]
    assert easter_sunday(1900) == date(1900, 4, 15)
    assert easter_sunday(2200) == date(2200, 4, 6)


def test_year_range() -> None:
    assert len(feestdagen(1900)) == 11
    with pytest.raises(UsageError):
        CAL.is_working_day(date(1899, 12, 29))


def test_extra_closed_days() -> None:
    friday_after_hemelvaart = date(2026, 5, 15)
    assert CAL.is_working_day(friday_after_hemelvaart)
    cal = WorkingDayCalendar(extra_closed=[friday_after_hemelvaart])
    assert not cal.is_working_day(friday_after_hemelvaart)
    # Wed 13 May + 2 werkdagen: Thu 14 Hemelvaart, Fri 15 closed → Mon 18, Tue 19
    assert CAL.add_working_days(date(2026, 5, 13), 2) == date(2026, 5, 18)
    assert cal.add_working_days(date(2026, 5, 13), 2) == date(2026, 5, 19)
    assert cal.working_days_between(date(2026, 5, 13), date(2026, 5, 19)) == 2
    with pytest.raises(UsageError):
        WorkingDayCalendar(extra_closed=[datetime(2026, 5, 15, 12)])


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2026, 4, 24), 5, date(2026, 5, 4)),  # Koningsdag (worked example)
        (date(2026, 5, 4), 5, date(2026, 5, 12)),  # Bevrijdingsdag (worked example)
        (date(2026, 5, 11), 5, date(2026, 5, 19)),  # Hemelvaart Thu 14 May
        (date(2026, 5, 20), 3, date(2026, 5, 26)),  # Tweede Pinksterdag Mon 25 May
        (date(2026, 4, 1), 3, date(2026, 4, 8)),  # Goede Vrijdag 3 + Tweede Paasdag 6 April
        (date(2026, 12, 23), 3, date(2026, 12, 29)),  # Kerst: Fri 25 Dec; Sat 26 is weekend anyway
        (date(2026, 12, 29), 3, date(2027, 1, 4)),  # year end: Nieuwjaarsdag Fri 1 Jan 2027
        (date(2025, 12, 24), 1, date(2025, 12, 29)),  # Kerst Thu 25 + Fri 26 Dec 2025
        (date(2026, 4, 25), 1, date(2026, 4, 28)),  # Saturday start: Mon 27 is Koningsdag
        (date(2026, 5, 9), 0, date(2026, 5, 9)),
    ],
)
def test_add_working_days(start: date, n: int, due: date) -> None:
    assert CAL.add_working_days(start, n) == due
    assert CAL.working_days_between(start, due) == n


def test_add_weeks_keeps_calendar_date() -> None:
    assert CAL.add_weeks(date(2026, 5, 4), 2) == date(2026, 5, 18)
    # 3 weeks after Mon 4 May 2026 is Mon 25 May, Tweede Pinksterdag: kept as is
    assert CAL.add_weeks(date(2026, 5, 4), 3) == date(2026, 5, 25)
    assert not CAL.is_working_day(CAL.add_weeks(date(2026, 5, 4), 3))
    assert CAL.add_weeks(date(2026, 12, 18), 2) == date(2027, 1, 1)


def test_bad_arguments() -> None:
    with pytest.raises(UsageError):
        CAL.add_working_days(date(2026, 1, 1), -1)
    with pytest.raises(UsageError):
        CAL.add_weeks(date(2026, 1, 1), -1)
    with pytest.raises(UsageError):
        CAL.is_working_day(datetime(2026, 1, 1, 9))  # type: ignore[arg-type]


def test_working_days_between_negative_and_long() -> None:
    assert CAL.working_days_between(date(2026, 5, 12), date(2026, 5, 4)) == -5
    assert CAL.working_days_between(date(2026, 1, 1), date(2026, 1, 1)) == 0
    # 2026: 261 weekdays minus 8 weekday feestdagen
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 253


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 6, 30))


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=60))
def test_due_is_a_later_working_day(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert due > start
    assert CAL.is_working_day(due)
    assert CAL.working_days_between(start, due) == n
    assert CAL.add_working_days(start, n + 1) > due


@settings(max_examples=200, deadline=None)
@given(a=dates, days=st.integers(min_value=0, max_value=30), n=st.integers(min_value=0, max_value=40))
def test_add_working_days_is_monotonic(a: date, days: int, n: int) -> None:
    b = a + timedelta(days=days)
    assert CAL.add_working_days(a, n) <= CAL.add_working_days(b, n)


@settings(max_examples=100, deadline=None)
@given(a=dates, b=dates)
def test_working_days_between_counts_days(a: date, b: date) -> None:
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 400:
        hi = lo + timedelta(days=400)
    counted = sum(CAL.is_working_day(lo + timedelta(i)) for i in range(1, (hi - lo).days + 1))
    assert CAL.working_days_between(lo, hi) == counted
