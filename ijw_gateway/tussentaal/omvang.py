"""Omvang (volume · eenheid · frequentie): the bepaling's words, the iJw codes, and conversion.

Rules (documented in ``productcodes/README.md``):

* Units: 1 uur = 60 minuten, 1 dagdeel = 4 uur = 240 minuten. ``etmaal``, ``stuks`` and
  ``euro`` convert only to themselves. ``stuks`` in a bepaling means stuks output (82) or
  stuks inspanning (84), whichever the contract uses.
* Exact frequencies: per week = 7 × per dag. To and from ``totaal``: × or ÷ the number of
  days, of weeks (days ÷ 7) or of whole calendar months (see :mod:`ijw_gateway.tussentaal.duur`)
  in the period. Per maand ↔ per dag/week, and per maand ↔ a period that is not a whole number
  of months, have no exact factor: a month has no fixed number of days or weeks.
* A contract may declare an :class:`Omrekenregel` for what is not exact: ``weken_per_maand``
  (e.g. 52/12), ``dagen_per_week`` (the days of care a week counts: 7 for verblijf, 5 when a
  product is given on school days only) and ``afronding`` (naar boven, naar beneden, naar het
  dichtstbijzijnde gehele getal; a half rounds up) to a whole volume. Without the rule a
  conversion that needs it is refused, and :class:`OmrekenFout` names the missing field.
* Every result is a whole volume of 1..99 999 999 (iJw ``Volume``) that fits the time it is for
  (no more than 168 uur in a week, 31 etmalen in a month, 24 uur a day over a period).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

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
#: bepaling word → its plural ("2 minuten", "3 uur", "4 dagdelen").
_MEERVOUD: dict[str, str] = {"minuut": "minuten", "uur": "uur", "dagdeel": "dagdelen", "etmaal": "etmalen",
                             "stuks": "stuks", "euro": "euro"}
#: bepaling word → iJw WMO757 code.
FREQUENTIE_CODES: dict[str, str] = {"dag": "1", "week": "2", "maand": "4", "totaal": "6"}
FREQUENTIE_WOORD: dict[str, str] = {v: k for k, v in FREQUENTIE_CODES.items()}
_PER: dict[str, str] = {"1": "per dag", "2": "per week", "4": "per maand", "6": "in totaal"}

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
assert set(TOEGESTANE_FREQUENTIES) == set(EENHEID) == set(EENHEID_WOORD), "every WJ756 code needs its word"
assert set(FREQUENTIE_WOORD) == set(FREQUENTIE) == set(_PER), "every WMO757 code needs its word"
assert set(_MEERVOUD) == set(EENHEID_CODES)

_MINUTEN = {"01": 1, "04": 60, "16": 240}

#: Physical maximum of a time unit per frequency (used to reject impossible omvang).
_MAX_PER: dict[str, dict[str, int]] = {
    "01": {"1": 1440, "2": 10080, "4": 44640},
    "04": {"1": 24, "2": 168, "4": 744},
    "16": {"1": 6, "2": 42, "4": 186},
    "14": {"1": 1, "2": 7, "4": 31},
}


class OmrekenFout(ValueError):
    """An omvang cannot be converted; the message says why (and which rule is missing)."""


# --------------------------------------------------------------------------- words
def eenheid_woord(eenheid: str, volume: int = 1) -> str:
    """The word for a WJ756 code, singular or plural: ``uur``, ``minuten``, ``etmalen``."""
    woord = EENHEID_WOORD.get(eenheid, eenheid)
    return woord if volume == 1 else _MEERVOUD.get(woord, woord)


def omschrijf(volume: int, eenheid: str, frequentie: str, *, codes: bool = False) -> str:
    """Words a backoffice reads, for iJw codes: ``'3 uur per week'``, ``'1 traject'``, ``'12 uur in totaal'``.

    With ``codes`` the iJw codes follow in parentheses: ``'3 uur per week (eenheid 04, frequentie 2)'``.
    """
    if eenheid == OUTPUT and frequentie == TOTAAL:
        tekst = f"{volume} {'traject' if volume == 1 else 'trajecten'}"
    else:
        tekst = f"{volume} {eenheid_woord(eenheid, volume)} {_PER.get(frequentie, 'per ' + frequentie)}"
    return f"{tekst} (eenheid {eenheid}, frequentie {frequentie})" if codes else tekst


def omschrijf_woorden(volume: int, eenheid: str, frequentie: str) -> str:
    """The same words for an omvang in the bepaling's words (``2``, ``uur``, ``week``)."""
    return omschrijf(volume, EENHEID_CODES[eenheid][0], FREQUENTIE_CODES[frequentie])


def _getal(waarde: Fraction) -> str:
    """``13``, ``1.5``, ``13 1/7`` or ``8.667``: a fraction as people read it."""
    if waarde.denominator == 1:
        return str(waarde.numerator)
    if 1000 % waarde.denominator == 0:  # a short decimal: 1.5, 8.25, 0.125
        return f"{float(waarde):g}"
    heel, rest = divmod(waarde.numerator, waarde.denominator)
    if waarde.denominator <= 12:
        return f"{heel} {rest}/{waarde.denominator}" if heel else f"{rest}/{waarde.denominator}"
    return f"{float(waarde):.4g}"


# --------------------------------------------------------------------------- the contract's rule
Afronding = Literal["naar_boven", "naar_beneden", "naar_dichtstbijzijnde"]
AFRONDING_TEKST: dict[str, str] = {
    "naar_boven": "naar boven afgerond",
    "naar_beneden": "naar beneden afgerond",
    "naar_dichtstbijzijnde": "naar het dichtstbijzijnde gehele getal afgerond",
}
_AFRONDEN: dict[str, Callable[[Fraction], int]] = {
    "naar_boven": math.ceil,
    "naar_beneden": math.floor,
    "naar_dichtstbijzijnde": lambda x: math.floor(x + Fraction(1, 2)),  # a half rounds up, as IV081 has it
}
#: The widest week-per-month factor that keeps every converted omvang physically possible:
#: 7 etmalen per week × 31/7 = 31 per maand, 168 uur × 31/7 = 744 uur (a month of 31 days).
MAX_WEKEN_PER_MAAND = Fraction(31, 7)
_GETAL_RE = re.compile(r"^\s*(\d{1,3})(?:[.,](\d{1,4}))?\s*(?:/\s*(\d{1,3}))?\s*$")


def parse_fractie(text: str) -> Fraction:
    """``'52/12'``, ``'4.33'``, ``'4,33'`` or ``'4'`` as a Fraction; ValueError otherwise."""
    m = _GETAL_RE.match(text) if isinstance(text, str) else None
    if not m or (m[2] and m[3]):
        raise ValueError("a number such as 52/12, 4.33 or 13/3")
    teller = Fraction(f"{m[1]}.{m[2]}") if m[2] else Fraction(int(m[1]))
    if m[3]:
        if int(m[3]) == 0:
            raise ValueError("a fraction without a zero denominator")
        teller /= int(m[3])
    return teller


class Omrekenregel(BaseModel):
    """How a contract converts what has no exact conversion (every field optional: not declared).

    ``weken_per_maand`` as text (``52/12``, ``4.33``: it is shown as written), between 4 and 31/7;
    ``dagen_per_week`` 1..7; ``afronding`` to a whole volume.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    weken_per_maand: str | None = None
    dagen_per_week: int | None = None
    afronding: Afronding | None = None

    @field_validator("weken_per_maand", mode="before")
    @classmethod
    def _wpm(cls, value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError("a number such as 52/12, 4.33 or 13/3")
        factor = parse_fractie(value)
        if not 4 <= factor <= MAX_WEKEN_PER_MAAND:
            raise ValueError("between 4 and 31/7 (4.43) weeks: a month has 28 to 31 days")
        return "".join(value.split()).replace(",", ".")

    @field_validator("dagen_per_week")
    @classmethod
    def _dpw(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 7:
            raise ValueError("a whole number of days from 1 to 7")
        return value

    @property
    def weken(self) -> Fraction | None:
        """``weken_per_maand`` as a number."""
        return parse_fractie(self.weken_per_maand) if self.weken_per_maand else None

    def samen_met(self, eigen: Omrekenregel) -> Omrekenregel:
        """This (the contract's) rule with the fields ``eigen`` (a product's) declares instead."""
        return self.model_copy(update=eigen.model_dump(exclude_none=True))

    def __str__(self) -> str:
        parts = [f"{self.weken_per_maand} weken per maand" if self.weken_per_maand else "",
                 f"{self.dagen_per_week} dagen per week" if self.dagen_per_week else "",
                 AFRONDING_TEKST[self.afronding] if self.afronding else ""]
        return ", ".join(p for p in parts if p) or "no conversion rule"


# --------------------------------------------------------------------------- conversion
@dataclass(frozen=True)
class Omgerekend:
    """A converted volume; ``regel`` says which declared rules made it (None: exact)."""

    volume: int
    regel: str | None

    @property
    def exact(self) -> bool:
        return self.regel is None


def fysiek_maximum(eenheid: str, frequentie: str, ingangsdatum: date | None = None,
                   einddatum: date | None = None) -> int | None:
    """The most of a time unit that fits in one frequency period (or in the whole period for totaal)."""
    if frequentie == TOTAAL:
        if ingangsdatum is None or einddatum is None or eenheid not in _MAX_PER:
            return None
        return _MAX_PER[eenheid]["1"] * _duur.dagen(ingangsdatum, einddatum)
    return _MAX_PER.get(eenheid, {}).get(frequentie)


def ontbreekt(regel: Omrekenregel | None, waar: str, veld: str, waarom: str) -> OmrekenFout:
    """The refusal of a conversion that needs ``veld`` of a rule that ``waar`` does not declare."""
    if regel is None and waar:
        return OmrekenFout(f"{waarom}, and {waar} allows exact conversions only (omrekening: exact)")
    if waar:
        return OmrekenFout(f"{waarom}, and {waar} declares no {veld} (omrekening.{veld})")
    return OmrekenFout(waarom)


class _Context:
    """The rule of one conversion and what it used, with errors that name the missing field."""

    def __init__(self, regel: Omrekenregel | None, waar: str) -> None:
        self.regel = regel
        self.waar = waar
        self.gebruikt: list[str] = []

    def ontbreekt(self, veld: str, waarom: str) -> OmrekenFout:
        return ontbreekt(self.regel, self.waar, veld, waarom)

    def weken_per_maand(self) -> Fraction:
        factor = self.regel.weken if self.regel else None
        if factor is None:
            raise self.ontbreekt("weken_per_maand", "a month has no fixed number of days or weeks")
        self._gebruik(f"{self.regel.weken_per_maand} weken per maand")  # type: ignore[union-attr]
        return factor

    def dagen_per_week(self) -> int:
        dagen = self.regel.dagen_per_week if self.regel else None
        if dagen is None or dagen == 7:
            return 7
        self._gebruik(f"{dagen} dagen per week")
        return dagen

    def _gebruik(self, tekst: str) -> None:
        if tekst not in self.gebruikt:
            self.gebruikt.append(tekst)


def _per_week(frequentie: str, ctx: _Context) -> Fraction:
    """Factor that turns a volume per ``frequentie`` into a volume per week."""
    if frequentie == "2":
        return Fraction(1)
    if frequentie == "1":
        return Fraction(ctx.dagen_per_week())
    if frequentie == "4":
        return 1 / ctx.weken_per_maand()
    raise OmrekenFout(f"unknown frequentie {frequentie!r}")


def _perioden_in(frequentie: str, start: date, eind: date, ctx: _Context) -> Fraction:
    """How many ``frequentie`` periods the date period holds (a fraction where that is exact)."""
    dagen = _duur.dagen(start, eind)
    if frequentie == "1":
        dagen_per_week = ctx.dagen_per_week()
        return Fraction(dagen * dagen_per_week, 7)
    if frequentie == "2":
        return Fraction(dagen, 7)
    if frequentie == "4":
        maanden = _duur.hele_maanden(start, eind)
        if maanden is not None:
            return Fraction(maanden)
        try:
            return Fraction(dagen, 7) / ctx.weken_per_maand()
        except OmrekenFout:
            raise ctx.ontbreekt("weken_per_maand", f"the period {start}..{eind} is not a whole number of "
                                                   "calendar months") from None
    raise OmrekenFout(f"unknown frequentie {frequentie!r}")


def _frequentie_factor(van: str, naar: str, start: date, eind: date, ctx: _Context) -> Fraction:
    if van == naar:
        return Fraction(1)
    if van == TOTAAL:
        return 1 / _perioden_in(naar, start, eind, ctx)
    if naar == TOTAAL:
        return _perioden_in(van, start, eind, ctx)
    return _per_week(van, ctx) / _per_week(naar, ctx)


def _eenheid_factor(van: str, naar: str) -> Fraction:
    if van == naar:
        return Fraction(1)
    if van in _MINUTEN and naar in _MINUTEN:
        return Fraction(_MINUTEN[van], _MINUTEN[naar])
    raise OmrekenFout(f"{EENHEID.describe(van)} cannot be expressed in {EENHEID.describe(naar)}")


def periode_tekst(frequentie: str, start: date, eind: date) -> str:
    """``'92 dagen = 13 1/7 weken'``: what a total over the period was counted from."""
    dagen = _duur.dagen(start, eind)
    if frequentie == "2" and dagen % 7:
        return f"{dagen} dagen = {_getal(Fraction(dagen, 7))} weken"
    return ""


def afronden(waarde: Fraction, afronding: str) -> int:
    """``waarde`` rounded to a whole number as the contract says."""
    return _AFRONDEN[afronding](waarde)


def omreken(volume: int, eenheid: str, frequentie: str, naar_eenheid: str, naar_frequentie: str,
            ingangsdatum: date, einddatum: date, regel: Omrekenregel | None = None, *, waar: str = "") -> Omgerekend:
    """Convert an omvang in iJw codes over the period, exactly or by the contract's ``regel``.

    ``waar`` names whose rule it is (``"contract Rivierenland 2026"``) in the errors: an
    :class:`OmrekenFout` names the rule field that is missing or the limit that is broken.
    """
    ctx = _Context(regel, waar)
    van = omschrijf(volume, eenheid, frequentie)
    naar = f"{_MEERVOUD.get(EENHEID_WOORD.get(naar_eenheid, naar_eenheid), naar_eenheid)} {_PER[naar_frequentie]}"
    try:
        factor = _eenheid_factor(eenheid, naar_eenheid) * _frequentie_factor(
            frequentie, naar_frequentie, ingangsdatum, einddatum, ctx)
    except OmrekenFout as exc:
        raise OmrekenFout(f"{van} cannot be converted to {naar}: {exc}") from None
    exact = volume * factor
    gebruikt = list(ctx.gebruikt)
    basis = ""
    if exact.denominator != 1 and TOTAAL in (frequentie, naar_frequentie):
        basis = periode_tekst(naar_frequentie if frequentie == TOTAAL else frequentie, ingangsdatum, einddatum)
        gebruikt[:0] = [basis] if basis else []
    if exact.denominator == 1:
        value = int(exact)
    else:
        afronding = regel.afronding if regel is not None else None
        if afronding is None:
            over = f" over {basis}" if basis else ""
            raise ctx.ontbreekt("afronding", f"{van}{over} is {_getal(exact)} {naar}, not a whole number; the iJw "
                                             "Volume is a whole number")
        value = afronden(exact, afronding)
        gebruikt.append(AFRONDING_TEKST[afronding])
        if value < 1:
            raise OmrekenFout(f"{van} is {_getal(exact)} {naar}, which {AFRONDING_TEKST[afronding]} is 0; "
                              "the iJw Volume is at least 1")
    if not 1 <= value <= MAX_VOLUME:
        raise OmrekenFout(f"{van} is {value} {naar}, outside the iJw Volume 1..{MAX_VOLUME}")
    maximum = fysiek_maximum(naar_eenheid, naar_frequentie, ingangsdatum, einddatum)
    if maximum is not None and value > maximum:
        binnen = f"the period {ingangsdatum}..{einddatum}" if naar_frequentie == TOTAAL else \
            f"a {FREQUENTIE_WOORD[naar_frequentie]}"
        raise OmrekenFout(f"{van} is {value} {naar}, more than {binnen} holds ({maximum})")
    return Omgerekend(value, ", ".join(gebruikt) if gebruikt else None)


def converteer(volume: int, eenheid: str, frequentie: str, naar_eenheid: str, naar_frequentie: str,
               ingangsdatum: date, einddatum: date) -> int:
    """Convert an omvang in iJw codes exactly over the period; raise :class:`OmrekenFout`."""
    return omreken(volume, eenheid, frequentie, naar_eenheid, naar_frequentie, ingangsdatum, einddatum).volume


def verdeel_totaal(totaal: int, delen: list[tuple[date, date]], regel: Omrekenregel | None = None, *,
                   waar: str = "", wat: str = "") -> list[int]:
    """Divide a total over consecutive periods in proportion to their days.

    The rule's ``afronding`` applies to the running sum, so the parts add up to ``totaal``
    exactly and each is within 1 of its share. Without a rounding rule only an exact division
    is possible. Raises :class:`OmrekenFout` (a part would be 0, or the rule is missing).
    """
    wat = wat or str(totaal)
    dagen = [_duur.dagen(s, e) for s, e in delen]
    alle = sum(dagen)
    afronding = regel.afronding if regel is not None else None
    volumes: list[int] = []
    vorige, tot_nu = 0, 0
    for d in dagen:
        tot_nu += d
        aandeel = Fraction(totaal * tot_nu, alle)
        if aandeel.denominator != 1 and afronding is None:
            raise ontbreekt(regel, waar, "afronding", f"{wat} divided over {len(delen)} toewijzingen in proportion "
                                                      "to their days gives parts that are not whole")
        opgeteld = afronden(aandeel, afronding) if afronding else int(aandeel)
        volumes.append(opgeteld - vorige)
        vorige = opgeteld
    if min(volumes) < 1:
        raise OmrekenFout(f"{wat} cannot be divided over {len(delen)} toewijzingen: a part would be 0, and the iJw "
                          "Volume is at least 1")
    return volumes
