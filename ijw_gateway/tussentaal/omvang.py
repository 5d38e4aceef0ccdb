"""Omvang (volume · eenheid · frequentie): the bepaling's words, the iJw codes, exact conversion.

Rules (documented in ``productcodes/README.md``):

* Units: 1 uur = 60 minuten, 1 dagdeel = 4 uur = 240 minuten. ``etmaal``, ``stuks`` and
  ``euro`` convert only to themselves. ``stuks`` in a bepaling means stuks output (82) or
  stuks inspanning (84), whichever the contract uses.
* Frequencies: per week = 7 × per dag. ``dag``/``week``/``maand`` → ``totaal`` multiplies by
  the number of days, whole weeks (period length a multiple of 7 days) or whole calendar
  months (see :mod:`ijw_gateway.tussentaal.duur`) in the period; ``totaal`` → per period
  divides by that number. Per maand ↔ per dag/week is never exact (months differ in length).
* A conversion is done only when the result is a whole volume of 1..99 999 999 (iJw
  ``Volume``); otherwise :class:`OmrekenFout` names the reason. Nothing is rounded.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ijw_gateway.messages.codelists import EENHEID, FREQUENTIE
from ijw_gateway.tussentaal import duur as _duur

#: bepaling word → the iJw WJ756 codes it may become.
EENHEID_CODES: dict[str, tuple[str, ...]] = {
    "minuut": ("01",),
    "uur": ("04",),
    "dagdeel": ("16",),
    "etmaal": ("14",),
    "stuks": ("84", "82"),
    "euro": ("83",),
}
#: iJw WJ756 code → bepaling word.
EENHEID_WOORD: dict[str, str] = {"01": "minuut", "04": "uur", "16": "dagdeel", "14": "etmaal",
                                 "82": "stuks", "84": "stuks", "83": "euro"}
#: bepaling word → iJw WMO757 code.
FREQUENTIE_CODES: dict[str, str] = {"dag": "1", "week": "2", "maand": "4", "totaal": "6"}
FREQUENTIE_WOORD: dict[str, str] = {v: k for k, v in FREQUENTIE_CODES.items()}

OUTPUT = "82"
TOTAAL = "6"
MAX_VOLUME = 99_999_999

#: Frequencies the iJw 3.2 allows per unit (Toewijzingsvarianten inspanning/output).
TOEGESTANE_FREQUENTIES: dict[str, frozenset[str]] = {
    "01": frozenset({"1", "2", "4", "6"}),
    "04": frozenset({"1", "2", "4", "6"}),
    "16": frozenset({"2", "4", "6"}),
    "14": frozenset({"2", "4", "6"}),
    "84": frozenset({"2", "4", "6"}),
    "82": frozenset({"1", "2", "4", "6"}),
    "83": frozenset({"2", "4", "6"}),
}
assert set(TOEGESTANE_FREQUENTIES) == set(EENHEID), "every WJ756 code needs its frequencies"
assert set(FREQUENTIE_WOORD) == set(FREQUENTIE), "every WMO757 code needs its word"

_MINUTEN = {"01": 1, "04": 60, "16": 240}

#: Physical maximum of a time unit per frequency (used to reject impossible omvang).
_MAX_PER: dict[str, dict[str, int]] = {
    "01": {"1": 1440, "2": 10080, "4": 44640},
    "04": {"1": 24, "2": 168, "4": 744},
    "16": {"1": 6, "2": 42, "4": 186},
    "14": {"1": 1, "2": 7, "4": 31},
}


class OmrekenFout(ValueError):
    """An omvang cannot be converted exactly; the message says why."""


def omschrijf(volume: int, eenheid: str, frequentie: str) -> str:
    """Human text like ``'2 uur per week'`` for iJw codes."""
    woord = EENHEID_WOORD.get(eenheid, eenheid)
    freq = {"1": "per dag", "2": "per week", "4": "per maand", "6": "in totaal"}.get(frequentie, frequentie)
    return f"{volume} {woord} {freq}"


def fysiek_maximum(eenheid: str, frequentie: str, ingangsdatum: date | None = None,
                   einddatum: date | None = None) -> int | None:
    """The most of a time unit that fits in one frequency period (or in the whole period for totaal)."""
    if frequentie == TOTAAL:
        if ingangsdatum is None or einddatum is None or eenheid not in _MAX_PER:
            return None
        return _MAX_PER[eenheid]["1"] * _duur.dagen(ingangsdatum, einddatum)
    return _MAX_PER.get(eenheid, {}).get(frequentie)


def _aantal(frequentie: str, start: date, eind: date) -> int:
    """How many ``frequentie`` periods the date period holds exactly (raise OmrekenFout)."""
    if frequentie == "1":
        return _duur.dagen(start, eind)
    if frequentie == "2":
        n = _duur.hele_weken(start, eind)
        if n is None:
            raise OmrekenFout(
                f"the period {start}..{eind} ({_duur.dagen(start, eind)} days) is not a whole number of weeks"
            )
        return n
    if frequentie == "4":
        n = _duur.hele_maanden(start, eind)
        if n is None:
            raise OmrekenFout(f"the period {start}..{eind} is not a whole number of calendar months")
        return n
    raise OmrekenFout(f"unknown frequentie {frequentie!r}")


def _frequentie_factor(van: str, naar: str, start: date, eind: date) -> Fraction:
    """Factor that turns a volume per ``van`` into a volume per ``naar`` (raise OmrekenFout)."""
    if van == naar:
        return Fraction(1)
    if van == TOTAAL:
        return Fraction(1, _aantal(naar, start, eind))
    if naar == TOTAAL:
        return Fraction(_aantal(van, start, eind))
    if {van, naar} == {"1", "2"}:
        return Fraction(7) if van == "1" else Fraction(1, 7)
    raise OmrekenFout("a month has no fixed number of days or weeks")


def _eenheid_factor(van: str, naar: str) -> Fraction:
    """Factor that turns a volume in ``van`` into a volume in ``naar`` (raise OmrekenFout)."""
    if van == naar:
        return Fraction(1)
    if van in _MINUTEN and naar in _MINUTEN:
        return Fraction(_MINUTEN[van], _MINUTEN[naar])
    raise OmrekenFout(f"{EENHEID.describe(van)} cannot be expressed in {EENHEID.describe(naar)}")


def converteer(volume: int, eenheid: str, frequentie: str, naar_eenheid: str, naar_frequentie: str,
               ingangsdatum: date, einddatum: date) -> int:
    """Convert an omvang in iJw codes exactly over the period; raise :class:`OmrekenFout`."""
    try:
        factor = _eenheid_factor(eenheid, naar_eenheid) * _frequentie_factor(
            frequentie, naar_frequentie, ingangsdatum, einddatum
        )
    except OmrekenFout as exc:
        raise OmrekenFout(
            f"{omschrijf(volume, eenheid, frequentie)} cannot be converted to "
            f"{EENHEID_WOORD.get(naar_eenheid, naar_eenheid)} {_freq_tekst(naar_frequentie)}: {exc}"
        ) from None
    result = volume * factor
    if result.denominator != 1:
        raise OmrekenFout(
            f"{omschrijf(volume, eenheid, frequentie)} is {float(result):.4g} "
            f"{EENHEID_WOORD.get(naar_eenheid, naar_eenheid)} {_freq_tekst(naar_frequentie)}, "
            "not a whole number; the iJw Volume is a whole number and nothing is rounded"
        )
    value = int(result)
    if not 1 <= value <= MAX_VOLUME:
        raise OmrekenFout(f"the converted volume {value} is outside 1..{MAX_VOLUME}")
    return value


def _freq_tekst(frequentie: str) -> str:
    return {"1": "per dag", "2": "per week", "4": "per maand", "6": "in totaal"}.get(frequentie, frequentie)
