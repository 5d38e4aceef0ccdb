"""The generic *bepaling jeugdhulp* (see docs/interfaces.md, "The bepaling file").

``Bepaling.load(path)`` reads YAML or JSON; ``Bepaling.model_validate(dict)`` checks a mapping.
Every field is checked; an invalid bepaling raises :class:`~ijw_gateway.errors.BepalingError`
whose ``problems`` name every problem as ``"field path: value — what is expected"`` (hulp lines
counted from 1). Personal data (BSN, names, birth date) is never echoed in a problem, a repr or
a log line: such values show as ``(hidden)``, and so does the value of a key that is not a field
(``jeugdige.bsnr`` may well hold a BSN) and of the free-text commentaar.

Numeric codes and dates take ASCII digits only (``９９９９００００６`` is no BSN). Lists have the
bounds of the domain (:data:`MAX_HULP_REGELS`, :data:`MAX_EVALUATIEMOMENTEN`), the file is read
with the limits of :mod:`ijw_gateway.safeyaml` (1 MiB, 32 levels of nesting, 1,000 aliases), and
at most :data:`MAX_PROBLEMEN` problems are listed: every check is linear in the size of the file.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from stdnum.nl import bsn as _bsn

from ijw_gateway.errors import BepalingError, BepalingFileError, DataError
from ijw_gateway.messages.xsd import NOT_XML_CHAR
from ijw_gateway.safeyaml import load_json, load_yaml, read_text
from ijw_gateway.tussentaal import duur as _duur
from ijw_gateway.tussentaal.omvang import EENHEID_CODES, FREQUENTIE_CODES, MAX_VOLUME, fysiek_maximum

MAX_BEPALING_BYTES = 1024 * 1024
MAX_HULP_REGELS = 50
MAX_EVALUATIEMOMENTEN = 24
MAX_COMMENTAAR = 1000
MAX_PROBLEMEN = 100
"""Problems listed at most; more are counted in one last line (a hostile file can have 100,000)."""
#: Fields whose values are personal data (or may hold it) and are never shown in problems or reprs.
PERSOONSGEGEVENS: frozenset[str] = frozenset(
    {"bsn", "geboortedatum", "achternaam", "voorvoegsel", "voorletters", "voornamen", "jeugdbeschermer",
     "commentaar"}
)

_KENMERK_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")
_AGB_RE = re.compile(r"^[0-9]{8}$")
_GEMEENTE_RE = re.compile(r"^[0-9]{4}$")
_BSN_RE = re.compile(r"^[0-9]{9}$")
_DATUM_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ONE_LINE = re.compile(r"[\t\n\r]")
_LETTERS_RE = re.compile(r"^[a-zA-ZÀ-ỳ]+$")


def _catalog(info: ValidationInfo) -> Any:
    from ijw_gateway.tussentaal.catalog import default_catalog

    ctx = info.context or {}
    return ctx.get("catalog") or default_catalog()


EERSTE_DATUM, LAATSTE_DATUM = date(1900, 1, 1), date(2199, 12, 31)
"""Dates a bepaling may hold: the years the ledger's calendar covers (the CLI's date options take the same)."""


def _strikte_datum(value: Any) -> date:
    """A date from YAML (date) or JSON (``"YYYY-MM-DD"``); nothing else."""
    if isinstance(value, datetime):
        raise ValueError("a date YYYY-MM-DD without a time")
    if isinstance(value, str) and _DATUM_RE.fullmatch(value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("an existing calendar date YYYY-MM-DD") from None
    if not isinstance(value, date):
        raise ValueError("a date YYYY-MM-DD")
    if not EERSTE_DATUM <= value <= LAATSTE_DATUM:
        raise ValueError(f"a date between {EERSTE_DATUM} and {LAATSTE_DATUM}")
    return value


def _tekst(value: Any, *, max_len: int, wat: str = "a text", regel: bool = False) -> str:
    """A stripped text; ``regel``: on one line, as a name must be (the XSD's ``.`` matches no line end)."""
    if not isinstance(value, str):
        raise ValueError(wat)
    text = value.strip()
    if not text:
        raise ValueError(f"{wat}, not empty")
    if len(text) > max_len:
        raise ValueError(f"{wat} of at most {max_len} characters (it has {len(text)})")
    if bad := NOT_XML_CHAR.search(text):
        raise ValueError(f"{wat} without control characters (it has U+{ord(bad.group()):04X})")
    if regel and _ONE_LINE.search(text):
        raise ValueError(f"{wat} on one line, without tabs")
    return text


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class Omvang(_Model):
    """Volume per frequency, in the bepaling's words (``2 uur per week``)."""

    volume: int
    eenheid: Literal["minuut", "uur", "dagdeel", "etmaal", "stuks", "euro"]
    frequentie: Literal["dag", "week", "maand", "totaal"]

    @field_validator("volume", mode="before")
    @classmethod
    def _volume(cls, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"a whole number from 1 to {MAX_VOLUME}")
        if not 1 <= value <= MAX_VOLUME:
            raise ValueError(f"a whole number from 1 to {MAX_VOLUME}")
        return value

    @property
    def eenheid_codes(self) -> tuple[str, ...]:
        """The iJw WJ756 codes this eenheid may become."""
        return EENHEID_CODES[self.eenheid]

    @property
    def frequentie_code(self) -> str:
        """The iJw WMO757 code of the frequentie."""
        return FREQUENTIE_CODES[self.frequentie]


class Jeugdige(_Model):
    """The child (personal data: never logged, hidden in reprs and problems)."""

    bsn: str = Field(repr=False)
    geboortedatum: date = Field(repr=False)
    geslacht: Literal["0", "1", "2"]
    achternaam: str = Field(repr=False)
    voorvoegsel: str | None = Field(default=None, repr=False)
    voorletters: str | None = Field(default=None, repr=False)
    voornamen: str | None = Field(default=None, repr=False)

    @field_validator("bsn", mode="before")
    @classmethod
    def _bsn(cls, value: Any) -> str:
        text = str(value).zfill(9) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not _BSN_RE.fullmatch(text) or not _bsn.is_valid(text):
            raise ValueError("a BSN of 9 digits (0-9) that passes the elfproef")
        return text

    @field_validator("geboortedatum", mode="before")
    @classmethod
    def _datum(cls, value: Any) -> date:
        return _strikte_datum(value)

    @field_validator("geslacht", mode="before")
    @classmethod
    def _geslacht(cls, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value not in ("0", "1", "2"):
            raise ValueError("0 (onbekend), 1 (man) or 2 (vrouw)")
        return value

    @field_validator("achternaam", "voornamen", mode="before")
    @classmethod
    def _naam(cls, value: Any) -> str:
        return _tekst(value, max_len=200, regel=True)

    @field_validator("voorvoegsel", mode="before")
    @classmethod
    def _voorvoegsel(cls, value: Any) -> str:
        return _tekst(value, max_len=10, regel=True)

    @field_validator("voorletters", mode="before")
    @classmethod
    def _voorletters(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("1 to 6 letters")
        letters = value.replace(".", "").replace(" ", "")
        if not _LETTERS_RE.fullmatch(letters) or len(letters) > 6:
            raise ValueError("1 to 6 letters (dots and spaces are dropped)")
        return letters


class Hulp(_Model):
    """One line of care: zorgvorm, provider, period, omvang."""

    zorgvorm: str
    aanbieder: str
    ingangsdatum: date
    einddatum: date | None = None
    duur: str | None = None
    omvang: Omvang
    evaluatiemomenten: tuple[date, ...] = ()
    commentaar: str | None = None

    @field_validator("zorgvorm", mode="before")
    @classmethod
    def _zorgvorm(cls, value: Any, info: ValidationInfo) -> str:
        catalog = _catalog(info)
        if not isinstance(value, str) or catalog.zorgvorm(value.strip()) is None:
            raise ValueError("a zorgvorm of the tussentaal (" + (_zorgvorm_suggestie(catalog, value)
                             or "e.g. AMB-SPEC-IND") + "; see productcodes/tussentaal.yaml)")
        return value.strip()

    @field_validator("aanbieder", mode="before")
    @classmethod
    def _aanbieder(cls, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not _AGB_RE.fullmatch(value.strip()):
            raise ValueError("an AGB code of 8 digits (0-9)")
        return value.strip()

    @field_validator("ingangsdatum", "einddatum", mode="before")
    @classmethod
    def _datum(cls, value: Any) -> date:
        return _strikte_datum(value)

    @field_validator("duur", mode="before")
    @classmethod
    def _duur(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("an ISO 8601 duration such as P6M, P26W, P1Y or P90D")
        return str(_duur.Duur.parse(value))

    @field_validator("evaluatiemomenten", mode="before")
    @classmethod
    def _evaluatiemomenten(cls, value: Any) -> tuple[date, ...]:
        if value is None:
            return ()
        if not isinstance(value, list | tuple) or len(value) > MAX_EVALUATIEMOMENTEN:
            raise ValueError(f"a list of at most {MAX_EVALUATIEMOMENTEN} dates YYYY-MM-DD")
        return tuple(_strikte_datum(v) for v in value)

    @field_validator("commentaar", mode="before")
    @classmethod
    def _commentaar(cls, value: Any) -> str:
        return _tekst(value, max_len=MAX_COMMENTAAR, wat="a text")

    @model_validator(mode="after")
    def _samenhang(self) -> Hulp:
        problems = _regel_problemen(self.ingangsdatum, self.einddatum, self.duur, list(self.evaluatiemomenten),
                                    self.omvang.volume, self.omvang.eenheid, self.omvang.frequentie)
        if problems:
            raise PydanticCustomError("hulp_samenhang", "{n} problem(s)", {"n": len(problems), "problems": problems})
        return self

    @property
    def periode_einde(self) -> date:
        """The einddatum, given or computed from ``duur`` (the day before the anniversary)."""
        if self.einddatum is not None:
            return self.einddatum
        if self.duur is None:
            raise ValueError("hulp line has neither einddatum nor duur")
        return _duur.einddatum_na(self.ingangsdatum, self.duur)


class Bepaling(_Model):
    """A bepaling jeugdhulp as written by a jeugdbeschermer."""

    MAX_BYTES: ClassVar[int] = MAX_BEPALING_BYTES

    kenmerk: str
    gecertificeerde_instelling: Literal["JBG", "WSS", "LDH", "JVV"]
    jeugdbeschermer: str = Field(repr=False)
    maatregel: Literal["OTS", "voogdij", "jeugdreclassering", "drang"]
    vastgesteld_op: date
    route: Literal["301", "315"]
    gemeente: str
    jeugdige: Jeugdige
    hulp: tuple[Hulp, ...]

    @field_validator("kenmerk", mode="before")
    @classmethod
    def _kenmerk(cls, value: Any) -> str:
        if not isinstance(value, str) or not _KENMERK_RE.fullmatch(value.strip()):
            raise ValueError("1 to 50 letters, digits, '.', '_' or '-', starting with a letter or digit")
        return value.strip()

    @field_validator("jeugdbeschermer", mode="before")
    @classmethod
    def _jeugdbeschermer(cls, value: Any) -> str:
        return _tekst(value, max_len=200, wat="the name of the jeugdbeschermer", regel=True)

    @field_validator("vastgesteld_op", mode="before")
    @classmethod
    def _datum(cls, value: Any) -> date:
        return _strikte_datum(value)

    @field_validator("route", mode="before")
    @classmethod
    def _route(cls, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value not in ("301", "315"):
            raise ValueError('"301" (Lokale Toegang) or "315" (Zorgaanbieder)')
        return value

    @field_validator("gemeente", mode="before")
    @classmethod
    def _gemeente(cls, value: Any, info: ValidationInfo) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
            value = str(value)
        if not isinstance(value, str) or not _GEMEENTE_RE.fullmatch(value.strip()):
            hint = _gemeente_suggestie(_catalog(info), value) or 'e.g. "0202"'
            raise ValueError(f"a CBS gemeentecode of 4 digits (0-9), written as text ({hint})")
        if _catalog(info).gemeente(value.strip()) is None:
            raise ValueError("the CBS code of one of the 54 municipalities of the Gelderse jeugdhulpregio's")
        return value.strip()

    @field_validator("hulp", mode="before")
    @classmethod
    def _hulp(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple) or not value:
            raise ValueError("a list of one or more hulp lines")
        if len(value) > MAX_HULP_REGELS:
            raise ValueError(f"at most {MAX_HULP_REGELS} hulp lines")
        return value

    @model_validator(mode="after")
    def _samenhang(self) -> Bepaling:
        if self.jeugdige.geboortedatum > self.vastgesteld_op:
            raise PydanticCustomError("bepaling_samenhang", "1 problem", {"problems": [
                ("jeugdige.geboortedatum", None, f"a date on or before vastgesteld_op {self.vastgesteld_op}")]})
        return self

    # ------------------------------------------------------------------ entry points
    @classmethod
    def model_validate(cls, obj: Any, *, strict: bool | None = None, from_attributes: bool | None = None,
                       context: Any | None = None, **kwargs: Any) -> Bepaling:
        """Validate a mapping; BepalingError listing every problem when invalid."""
        if not isinstance(obj, dict):
            raise BepalingError("the bepaling is invalid", ["top level: expected a mapping with kenmerk, "
                                                             "gecertificeerde_instelling, …, hulp"])
        try:
            return super().model_validate(obj, strict=strict, from_attributes=from_attributes,
                                          context=context, **kwargs)
        except ValidationError as exc:
            problems = dict.fromkeys(problemen(exc))  # ordered and without repeats, in linear time
            hulp = obj.get("hulp")
            if isinstance(hulp, list) and len(hulp) <= MAX_HULP_REGELS:
                for index, raw in enumerate(hulp, start=1):
                    for sub, value, expectation in _ruwe_regel_problemen(raw):
                        problems.setdefault(f"hulp[{index}].{sub}: {_waarde(sub, value)} — {expectation}")
            lines = list(problems)
            if len(lines) > MAX_PROBLEMEN:
                lines = [*lines[:MAX_PROBLEMEN], f"… and {len(lines) - MAX_PROBLEMEN:,} more problems"]
            n = len(problems)
            raise BepalingError(f"the bepaling is invalid ({n} problem{'s' if n != 1 else ''})", lines) from None

    @classmethod
    def load(cls, path: Path | str, *, catalog: Any | None = None) -> Bepaling:
        """Read a bepaling file (YAML or JSON, at most 1 MiB) and validate it."""
        path = Path(path)
        try:
            text = read_text(path, limit=MAX_BEPALING_BYTES, error=DataError)
        except DataError as exc:
            raise BepalingFileError(f"the bepaling cannot be read: {exc}", [str(exc)]) from None
        try:
            data = (load_json if path.suffix.lower() == ".json" else load_yaml)(text, str(path), error=DataError)
        except DataError as exc:
            raise BepalingError("the bepaling cannot be read", [str(exc)]) from None
        try:
            return cls.model_validate(data, context={"catalog": catalog} if catalog is not None else None)
        except BepalingError as exc:
            raise BepalingError(f"{path}: {exc.args[0]}", exc.problems) from None

    @property
    def einddatum(self) -> date:
        """The last einddatum of all hulp lines."""
        return max(h.periode_einde for h in self.hulp)


# ---------------------------------------------------------------------- problems
def _regel_problemen(ingang: date | None, einde: date | None, duur: str | None, momenten: list[date | None],
                     volume: int | None, eenheid: str | None, frequentie: str | None) -> list[tuple[str, Any, str]]:
    """Cross-field problems of one hulp line; parts that are unknown (None) are skipped."""
    problems: list[tuple[str, Any, str]] = []
    if (einde is None) == (duur is None):
        problems.append(("einddatum", einde, "either einddatum or duur, not both and not neither"))
        return problems
    if ingang is None:
        return problems
    if einde is not None and einde < ingang:
        problems.append(("einddatum", einde, f"on or after ingangsdatum {ingang}"))
        return problems
    eind = einde if einde is not None else _duur.einddatum_na(ingang, duur or "")
    for index, moment in enumerate(momenten, start=1):
        if moment is not None and not ingang <= moment <= eind:
            problems.append((f"evaluatiemomenten[{index}]", moment, f"a date within the period {ingang}..{eind}"))
    if len({m for m in momenten if m is not None}) != len([m for m in momenten if m is not None]):
        problems.append(("evaluatiemomenten", None, "each date once"))
    if volume is not None and eenheid in EENHEID_CODES and frequentie in FREQUENTIE_CODES:
        maximum = fysiek_maximum(EENHEID_CODES[eenheid][0], FREQUENTIE_CODES[frequentie], ingang, eind)
        if maximum is not None and volume > maximum:
            per = "over the whole period" if frequentie == "totaal" else f"per {frequentie}"
            problems.append(("omvang.volume", volume,
                             f"at most {maximum} {eenheid} {per} (more does not fit in the time)"))
    return problems


def _ruwe_regel_problemen(raw: Any) -> list[tuple[str, Any, str]]:
    """:func:`_regel_problemen` on an unvalidated hulp line (for lines with other errors too)."""
    if not isinstance(raw, dict):
        return []

    def datum(value: Any) -> date | None:
        try:
            return _strikte_datum(value)
        except ValueError:
            return None

    einde = datum(raw["einddatum"]) if raw.get("einddatum") is not None else None
    if einde is None and raw.get("einddatum") is not None:
        return []  # an einddatum that is not a valid date is a problem of its own already
    duur = raw.get("duur")
    try:
        duur = str(_duur.Duur.parse(duur)) if duur is not None else None
    except ValueError:
        duur = "?"
    if duur == "?" and einde is None:
        return []
    momenten = raw.get("evaluatiemomenten")
    too_many = not isinstance(momenten, list) or len(momenten) > MAX_EVALUATIEMOMENTEN  # a problem of its own
    momenten = [] if too_many else [datum(m) for m in momenten]
    omvang = raw.get("omvang") if isinstance(raw.get("omvang"), dict) else {}
    volume = omvang.get("volume")
    volume = volume if isinstance(volume, int) and not isinstance(volume, bool) else None
    eenheid, frequentie = (v if isinstance(v, str) else None for v in (omvang.get("eenheid"), omvang.get("frequentie")))
    problems = _regel_problemen(datum(raw.get("ingangsdatum")), einde, None if duur == "?" else duur, momenten,
                                volume, eenheid, frequentie)
    if duur == "?":
        problems = [p for p in problems if p[0] != "einddatum" or "either" not in p[2]]
    return problems


_TYPE_TEXT = {
    "missing": "required",
    "extra_forbidden": "not a field of the bepaling (check the spelling)",
    "string_type": "a text",
    "int_type": "a whole number",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "list_type": "a list",
    "tuple_type": "a list",
    "date_type": "a date YYYY-MM-DD",
}


def _pad(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part + 1}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "top level"


def _waarde(field: str, value: Any, *, missing: bool = False, hidden: bool = False) -> str:
    if missing:
        return "(missing)"
    if hidden or field in PERSOONSGEGEVENS:
        return "(hidden)"
    if value is None:
        return "(empty)"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return f"({type(value).__name__})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _veldnaam(loc: tuple[Any, ...]) -> str:
    names = [p for p in loc if isinstance(p, str)]
    return names[-1] if names else ""


def problemen(exc: ValidationError) -> list[str]:
    """Turn pydantic's errors into ``"field path: value — expectation"`` lines (no jargon)."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        ctx = err.get("ctx") or {}
        if err["type"] in ("hulp_samenhang", "bepaling_samenhang"):
            for sub, value, expectation in ctx.get("problems", []):
                full = _pad(loc) + "." + sub if loc else sub
                lines.append(f"{full}: {_waarde(sub.split('.')[-1].split('[')[0], value)} — {expectation}")
            continue
        field = _veldnaam(loc)
        value = err.get("input")
        # the value of a key that is no field may be anything (jeugdige.bsnr: a BSN), and so may a jeugdige
        hidden = err["type"] == "extra_forbidden" or loc == ("jeugdige",)
        if err["type"] == "extra_forbidden":  # did you mean …? for the problems that are listed (difflib is slow)
            expectation = _TYPE_TEXT["extra_forbidden"] + (_veld_suggestie(loc) if len(lines) < MAX_PROBLEMEN else "")
        elif err["type"] == "value_error":
            expectation = str(err["msg"]).removeprefix("Value error, ")
        elif err["type"] == "literal_error":
            expectation = "one of " + str(ctx.get("expected", "")).replace("'", "")
        elif err["type"] in ("too_short", "too_long", "string_too_long", "string_too_short"):
            expectation = str(err["msg"]).lower()
        else:
            expectation = _TYPE_TEXT.get(err["type"], str(err["msg"]))
        shown = _waarde(field, value, missing=err["type"] == "missing", hidden=hidden)
        lines.append(f"{_pad(loc)}: {shown} — {expectation}")
    return lines


# ---------------------------------------------------------------------- did you mean
def _suggestie(value: str, choices: dict[str, str]) -> str | None:
    """``did you mean X?`` for the choice closest to ``value`` (keys compared case-blind), if one is close."""
    found = difflib.get_close_matches(value.strip().casefold(), list(choices), n=1, cutoff=0.75)
    return f"did you mean {choices[found[0]]}?" if found else None


_MODEL_AT: dict[str, type[_Model]] = {"jeugdige": Jeugdige, "hulp": Hulp, "omvang": Omvang}


def _veld_suggestie(loc: tuple[Any, ...]) -> str:
    """``; did you mean bsn?`` for a key that is no field (``loc``: where it is), or nothing."""
    if not loc or not isinstance(loc[-1], str):
        return ""
    parents = [p for p in loc[:-1] if isinstance(p, str)]
    model = _MODEL_AT.get(parents[-1], Bepaling) if parents else Bepaling
    hint = _suggestie(loc[-1], {name.casefold(): name for name in model.model_fields})
    return f"; {hint}" if hint else ""


def _zorgvorm_suggestie(catalog: Any, value: Any) -> str | None:
    """The zorgvorm meant by a mistyped code (``AMB-SPEC-INDD``, ``amb spec ind``) or its omschrijving."""
    if not isinstance(value, str) or not value.strip():
        return None
    codes = {code.casefold(): code for code in catalog.zorgvormen}
    text = value.strip().replace(" ", "-").replace("_", "-")
    hint = _suggestie(text, codes)
    if hint is None:
        hint = _suggestie(value, {z.omschrijving.casefold(): f"{z.code} ({z.omschrijving})"
                                  for z in catalog.zorgvormen.values()})
    return hint


def _gemeente_suggestie(catalog: Any, value: Any) -> str | None:
    """``did you mean "0202" (Arnhem)?`` for a gemeente written (or mistyped) by name."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _suggestie(value, {g.naam.casefold(): f'"{code}" ({g.naam})' for code, g in catalog.gemeenten.items()})
