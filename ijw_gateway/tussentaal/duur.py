"""Periods and ISO 8601 durations (``P6M``, ``P26W``, ``P1Y``) over calendar dates.

Rules (documented in ``productcodes/README.md``):

* A period is inclusive: it runs from its ingangsdatum up to and including its einddatum.
* A period of duration ``D`` starting on ``s`` ends the day before the *anniversary*
  ``s + D``. Years and months are added to the calendar month; when the day does not
  exist in the target month (31 January + 1 month) the anniversary is the first day of
  the following month, so the period covers the whole short month (31 Jan + P1M ends
  28 Feb). Weeks and days are added as 7 and 1 days.
* A period "is a whole number of weeks" when its length in days is a multiple of 7;
  it "is a whole number of months" when it ends the day before an anniversary in months.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_DUUR_RE = re.compile(r"^P(?:([0-9]{1,3})Y)?(?:([0-9]{1,4})M)?(?:([0-9]{1,4})W)?(?:([0-9]{1,5})D)?$")


@dataclass(frozen=True, order=True)
class Duur:
    """A calendar duration of years, months, weeks and days (no time part)."""

    jaren: int = 0
    maanden: int = 0
    weken: int = 0
    dagen: int = 0

    @classmethod
    def parse(cls, text: str) -> Duur:
        """Parse ``P1Y6M``, ``P26W``, ``P10D``…; raise ``ValueError`` with the expectation."""
        m = _DUUR_RE.match(text.strip()) if isinstance(text, str) else None
        if not m or not any(m.groups()):
            raise ValueError("an ISO 8601 duration such as P6M, P26W, P1Y or P90D")
        duur = cls(*(int(g) if g else 0 for g in m.groups()))
        if duur.is_leeg():
            raise ValueError("a duration longer than zero")
        return duur

    def is_leeg(self) -> bool:
        """True for a duration of zero."""
        return not (self.jaren or self.maanden or self.weken or self.dagen)

    def __str__(self) -> str:
        parts = [(self.jaren, "Y"), (self.maanden, "M"), (self.weken, "W"), (self.dagen, "D")]
        return "P" + "".join(f"{n}{u}" for n, u in parts if n) if not self.is_leeg() else "P0D"


def add_maanden(start: date, maanden: int) -> date:
    """The anniversary ``maanden`` calendar months after ``start`` (see module rules)."""
    index = start.year * 12 + (start.month - 1) + maanden
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if start.day <= last:
        return date(year, month, start.day)
    # The day does not exist in the target month: the anniversary is the 1st of the next month.
    return date(year, month, last) + timedelta(days=1)


def verjaardag(start: date, duur: Duur) -> date:
    """The first day after a period of ``duur`` that starts on ``start``."""
    d = add_maanden(start, duur.jaren * 12 + duur.maanden)
    return d + timedelta(days=duur.weken * 7 + duur.dagen)


def einddatum_na(start: date, duur: Duur | str) -> date:
    """The (inclusive) einddatum of a period of ``duur`` starting on ``start``."""
    if isinstance(duur, str):
        duur = Duur.parse(duur)
    return verjaardag(start, duur) - timedelta(days=1)


def dagen(start: date, eind: date) -> int:
    """Number of days in the inclusive period ``start``..``eind``."""
    return (eind - start).days + 1


def hele_weken(start: date, eind: date) -> int | None:
    """Whole weeks in the period, or None when it is not a whole number of weeks."""
    n, rest = divmod(dagen(start, eind), 7)
    return n if rest == 0 and n > 0 else None


def hele_maanden(start: date, eind: date) -> int | None:
    """Whole calendar months in the period (counted from ``start``), or None."""
    guess = (eind.year - start.year) * 12 + (eind.month - start.month)
    for n in (guess - 1, guess, guess + 1):
        if n > 0 and add_maanden(start, n) - timedelta(days=1) == eind:
            return n
    return None


@dataclass(frozen=True)
class Periode:
    """An inclusive period of dates."""

    ingangsdatum: date
    einddatum: date

    def as_json(self) -> dict[str, str]:
        """``{"ingangsdatum": "YYYY-MM-DD", "einddatum": "YYYY-MM-DD"}``."""
        return {"ingangsdatum": self.ingangsdatum.isoformat(), "einddatum": self.einddatum.isoformat()}


def past_binnen(start: date, eind: date, maximum: Duur) -> bool:
    """True when the period ``start``..``eind`` is not longer than ``maximum``."""
    return eind <= einddatum_na(start, maximum)


def splits(start: date, eind: date, maximum: Duur, *, limit: int | None = None) -> list[Periode]:
    """Consecutive periods of at most ``maximum`` covering ``start``..``eind`` exactly
    (only the first ``limit`` of them when given: a caller that refuses more need not make them all)."""
    if eind < start:
        raise ValueError("einddatum lies before ingangsdatum")
    perioden: list[Periode] = []
    s = start
    while s <= eind and (limit is None or len(perioden) < limit):
        e = min(eind, einddatum_na(s, maximum))
        perioden.append(Periode(s, e))
        s = e + timedelta(days=1)
    return perioden
