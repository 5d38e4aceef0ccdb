"""Municipalities: the 54 of the seven Gelderse jeugdhulpregio's and the full CBS list with validity.

``gemeenten.csv`` maps gemeentecode → naam, provincie, regio. ``cbs-gemeenten.csv`` holds every CBS
municipality code with the dates it is valid (``geldig_tot`` empty = still valid). For a date
before the earliest list we ship, the earliest list is used (we cannot know older indelingen).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict

from ijw_gateway.errors import DataError
from ijw_gateway.tussentaal._bestanden import read_csv, write_csv

REGIOS: Final[tuple[str, ...]] = (
    "Achterhoek",
    "Centraal Gelderland",
    "FoodValley",
    "Midden-IJssel/Oost-Veluwe",
    "Noord-Veluwe",
    "Rijk van Nijmegen",
    "Rivierenland",
)
_CODE_RE = re.compile(r"^[0-9]{4}$")


def regio_slug(regio: str) -> str:
    """File name stem of a region: ``'Midden-IJssel/Oost-Veluwe'`` → ``'midden-ijssel-oost-veluwe'``."""
    return re.sub(r"[^a-z0-9]+", "-", regio.lower()).strip("-")


class Gemeente(BaseModel):
    """One municipality of a Gelderse jeugdhulpregio."""

    model_config = ConfigDict(frozen=True)

    gemeentecode: str
    naam: str
    provincie: str
    regio: str


class CbsGemeente(BaseModel):
    """One CBS municipality code with the period it is valid."""

    model_config = ConfigDict(frozen=True)

    gemeentecode: str
    naam: str
    provincie: str
    geldig_vanaf: date
    geldig_tot: date | None = None

    def geldig_op(self, datum: date) -> bool:
        """True when the code is valid on ``datum``."""
        return self.geldig_vanaf <= datum and (self.geldig_tot is None or datum <= self.geldig_tot)


def _datum(path: Path, line: int, column: str, value: str, *, optional: bool = False) -> date | None:
    if optional and not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DataError(f"{path}, line {line}, column {column}: {value!r} — expected a date YYYY-MM-DD") from None


def load_gemeenten(path: Path) -> dict[str, Gemeente]:
    """Read ``gemeenten.csv``: gemeentecode → Gemeente; DataError per bad line."""
    result: dict[str, Gemeente] = {}
    for line, row in read_csv(path, ["gemeentecode", "naam", "provincie", "regio"]):
        code = row["gemeentecode"]
        if not _CODE_RE.match(code):
            raise DataError(f"{path}, line {line}, column gemeentecode: {code!r} — expected 4 digits")
        if row["regio"] not in REGIOS:
            raise DataError(
                f"{path}, line {line}, column regio: {row['regio']!r} — expected one of {', '.join(REGIOS)}"
            )
        if not row["naam"]:
            raise DataError(f"{path}, line {line}, column naam: empty — expected the municipality's name")
        if code in result:
            raise DataError(f"{path}, line {line}, column gemeentecode: {code} appears twice")
        result[code] = Gemeente(**row)
    return result


def load_cbs(path: Path) -> list[CbsGemeente]:
    """Read ``cbs-gemeenten.csv``; DataError per bad line."""
    result: list[CbsGemeente] = []
    for line, row in read_csv(path, ["gemeentecode", "naam", "provincie", "geldig_vanaf", "geldig_tot"]):
        code = row["gemeentecode"]
        if not _CODE_RE.match(code):
            raise DataError(f"{path}, line {line}, column gemeentecode: {code!r} — expected 4 digits")
        vanaf = _datum(path, line, "geldig_vanaf", row["geldig_vanaf"])
        tot = _datum(path, line, "geldig_tot", row["geldig_tot"], optional=True)
        if tot is not None and vanaf is not None and tot < vanaf:
            raise DataError(f"{path}, line {line}, column geldig_tot: {tot} lies before geldig_vanaf {vanaf}")
        result.append(CbsGemeente(gemeentecode=code, naam=row["naam"], provincie=row["provincie"],
                                  geldig_vanaf=vanaf, geldig_tot=tot))
    return result


class CbsLijst:
    """The CBS municipality codes over time (rule TR378)."""

    def __init__(self, entries: list[CbsGemeente]) -> None:
        if not entries:
            raise DataError("the CBS municipality list is empty")
        self.entries = sorted(entries, key=lambda e: (e.gemeentecode, e.geldig_vanaf))
        self.eerste_peildatum = min(e.geldig_vanaf for e in entries)

    def geldig(self, gemeentecode: str, datum: date) -> bool:
        """True when ``gemeentecode`` exists in the CBS list valid on ``datum``.

        Dates before the earliest list we ship are judged against that earliest list.
        """
        datum = max(datum, self.eerste_peildatum)
        return any(e.gemeentecode == gemeentecode and e.geldig_op(datum) for e in self.entries)

    def altijd_geldig(self, gemeentecode: str) -> bool:
        """True when ``gemeentecode`` is valid on every date this list judges (from the first list on, never ended)."""
        return any(e.gemeentecode == gemeentecode and e.geldig_vanaf <= self.eerste_peildatum and e.geldig_tot is None
                   for e in self.entries)

    def naam(self, gemeentecode: str, datum: date | None = None) -> str | None:
        """The municipality's name (on ``datum`` if given, else the latest)."""
        found = [e for e in self.entries if e.gemeentecode == gemeentecode
                 and (datum is None or e.geldig_op(max(datum, self.eerste_peildatum)))]
        return found[-1].naam if found else None


def import_cbs_csv(export_path: Path, dest_path: Path, peildatum: date, *, delimiter: str = ";") -> tuple[int, int]:
    """Merge a CBS export of a new year (``peildatum`` = its 1 January) into ``cbs-gemeenten.csv``.

    The export needs the columns ``Gemeentecode``, ``Gemeentenaam`` and ``Provincienaam``
    (the CBS "Gemeenten alfabetisch" download; a ``GM`` prefix on codes is dropped).
    Codes that are new get ``geldig_vanaf = peildatum``; codes still open in our list but
    absent from the export get ``geldig_tot = peildatum - 1 day``. Returns (added, closed).
    """
    import csv
    import io
    from datetime import timedelta

    from ijw_gateway.tussentaal._bestanden import read_text

    current = load_cbs(dest_path) if dest_path.exists() else []
    reader = csv.DictReader(io.StringIO(read_text(export_path), newline=""), delimiter=delimiter)
    need = ["Gemeentecode", "Gemeentenaam", "Provincienaam"]
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in need if c not in header]
    if missing:
        raise DataError(f"{export_path}: missing column(s) {', '.join(missing)}")
    nieuw: dict[str, tuple[str, str]] = {}
    for row in reader:
        code = (row["Gemeentecode"] or "").strip().removeprefix("GM").zfill(4)
        if not _CODE_RE.match(code):
            raise DataError(f"{export_path}, line {reader.line_num}, column Gemeentecode: {code!r} — expected 4 digits")
        nieuw[code] = ((row["Gemeentenaam"] or "").strip(), (row["Provincienaam"] or "").strip())
    open_codes = {e.gemeentecode for e in current if e.geldig_tot is None}
    updated: list[CbsGemeente] = []
    closed = 0
    for e in current:
        if e.geldig_tot is None and e.gemeentecode not in nieuw:
            updated.append(e.model_copy(update={"geldig_tot": peildatum - timedelta(days=1)}))
            closed += 1
        else:
            updated.append(e)
    added = 0
    for code, (naam, provincie) in sorted(nieuw.items()):
        if code not in open_codes:
            updated.append(CbsGemeente(gemeentecode=code, naam=naam, provincie=provincie, geldig_vanaf=peildatum))
            added += 1
    updated.sort(key=lambda e: (e.gemeentecode, e.geldig_vanaf))
    write_csv(dest_path, ["gemeentecode", "naam", "provincie", "geldig_vanaf", "geldig_tot"],
              [[e.gemeentecode, e.naam, e.provincie, e.geldig_vanaf.isoformat(),
                e.geldig_tot.isoformat() if e.geldig_tot else ""] for e in updated])
    return added, closed
