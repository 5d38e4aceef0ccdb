"""The tussentaal: zorgvormen a bepaling speaks, each grouping national standard product codes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ijw_gateway.errors import DataError
from ijw_gateway.tussentaal._bestanden import read_yaml
from ijw_gateway.tussentaal.omvang import EENHEID_CODES, FREQUENTIE_CODES

#: The zorgvormen every version of the tussentaal has and every region buys.
KERN_ZORGVORMEN: Final[tuple[str, ...]] = (
    "AMB-REG-IND",
    "AMB-SPEC-IND",
    "AMB-SPEC-GEZIN",
    "DIAGNOSTIEK",
    "DAGBEH-SPEC",
    "PLEEGZORG",
    "GEZINSHUIS",
    "VERBLIJF-BEH",
    "CRISIS-VERBLIJF",
)
ZORGVORM_RE: Final = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")


class DimensieHulpvorm(BaseModel):
    """The *dimensie hulpvorm* of the standard list (code + description)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[0-9]{2}$")
    omschrijving: str = Field(min_length=1)


class Zorgvorm(BaseModel):
    """One zorgvorm of the tussentaal."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=ZORGVORM_RE.pattern, max_length=40)
    omschrijving: str = Field(min_length=1)
    productcategorie: str = Field(pattern=r"^[0-9]{2}$")
    dimensie_hulpvorm: DimensieHulpvorm | None = None
    eenheid: str
    frequentie: str
    standaardcodes: tuple[str, ...] = Field(min_length=1)

    @field_validator("eenheid")
    @classmethod
    def _eenheid(cls, value: str) -> str:
        if value not in EENHEID_CODES:
            raise ValueError(f"expected one of {', '.join(EENHEID_CODES)}")
        return value

    @field_validator("frequentie")
    @classmethod
    def _frequentie(cls, value: str) -> str:
        if value not in FREQUENTIE_CODES:
            raise ValueError(f"expected one of {', '.join(FREQUENTIE_CODES)}")
        return value


class Tussentaal(BaseModel):
    """A version of the tussentaal: its zorgvormen by code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    versie: str
    geldig_vanaf: date
    zorgvormen: tuple[Zorgvorm, ...] = Field(min_length=1)

    def by_code(self) -> dict[str, Zorgvorm]:
        """zorgvorm code → Zorgvorm."""
        return {z.code: z for z in self.zorgvormen}


def describe_validation_error(source: str, exc: ValidationError, names: list[str] | None = None) -> str:
    """One sentence per pydantic error, naming the entry and field, for DataError messages."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        path = ""
        for part in loc:
            if isinstance(part, int):
                name = names[part] if names and part < len(names) and path in ("zorgvormen", "producten") else None
                path += f"[{part + 1}{' ' + name if name else ''}]"
            else:
                path += ("." if path else "") + str(part)
        msg = err["msg"].removeprefix("Value error, ")
        value = err.get("input")
        shown = "" if err["type"] == "missing" or isinstance(value, dict | list) else f" {value!r}"
        if not path:
            lines.append(f"{source}: {msg}")
            continue
        lines.append(f"{source}: {path}:{shown} — {msg}")
    return "\n".join(lines)


def load_tussentaal(path: Path) -> Tussentaal:
    """Read ``tussentaal.yaml``; DataError naming the entry and field of every problem."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a mapping with versie, geldig_vanaf and zorgvormen")
    names = [z.get("code") if isinstance(z, dict) else None for z in data.get("zorgvormen") or []]
    try:
        tussentaal = Tussentaal.model_validate(data)
    except ValidationError as exc:
        raise DataError(describe_validation_error(str(path), exc, names)) from None
    seen: set[str] = set()
    for index, z in enumerate(tussentaal.zorgvormen, start=1):
        if z.code in seen:
            raise DataError(f"{path}: zorgvormen[{index} {z.code}].code: {z.code} appears twice")
        seen.add(z.code)
    missing = [c for c in KERN_ZORGVORMEN if c not in seen]
    if missing:
        raise DataError(f"{path}: the core zorgvorm(en) {', '.join(missing)} are missing")
    return tussentaal
