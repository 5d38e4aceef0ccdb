"""Regional contracts: per zorgvorm the region's product, unit, frequencies, maximum duration,
tariff and contracted providers, valid from ``geldig_vanaf`` to ``geldig_tot``.

Files live at ``productcodes/contracten/<jaar>/<regio-slug>.yaml``; see ``productcodes/README.md``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ijw_gateway.errors import DataError
from ijw_gateway.messages.codelists import EENHEID, FREQUENTIE, PRODUCTCATEGORIE
from ijw_gateway.tussentaal._bestanden import read_yaml, write_atomic
from ijw_gateway.tussentaal.duur import Duur
from ijw_gateway.tussentaal.gemeenten import REGIOS, regio_slug
from ijw_gateway.tussentaal.omvang import OUTPUT, TOEGESTANE_FREQUENTIES, TOTAAL, Omrekenregel
from ijw_gateway.tussentaal.zorgvormen import ZORGVORM_RE, describe_validation_error

AGB_RE = re.compile(r"^[0-9]{8}$")
PRODUCTCODE_RE = re.compile(r"^[0-9A-Za-z]{1,5}$")


class Aanbieder(BaseModel):
    """A provider a region contracts (AGB code, name; ``fictief`` marks invented providers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agb: str = Field(pattern=AGB_RE.pattern)
    naam: str = Field(min_length=1, max_length=200)
    fictief: bool = False


class ContractProduct(BaseModel):
    """What a region buys for one zorgvorm."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zorgvorm: str = Field(pattern=ZORGVORM_RE.pattern)
    productcode: str = Field(pattern=PRODUCTCODE_RE.pattern)
    productcategorie: str
    omschrijving: str | None = None
    eenheid: str
    frequenties: tuple[str, ...] = Field(min_length=1)
    max_duur: str
    tarief: int = Field(ge=0, description="euro cents per eenheid")
    aanbieders: tuple[str, ...] = Field(min_length=1)
    omrekening: Literal["exact"] | Omrekenregel | None = Field(
        default=None, description="'exact' (no conversion by rule for this product) or fields that replace the "
                                  "contract's omrekening for this product; absent: the contract's")
    vervolgtrajecten: int = Field(default=0, ge=0, le=12, description="output traject: how many follow-up "
                                  "trajects may follow the first when a line is longer than max_duur")

    @field_validator("omrekening", mode="before")
    @classmethod
    def _omrekening(cls, value: object) -> Literal["exact"] | Omrekenregel | None:
        if value is None or value == "exact" or isinstance(value, Omrekenregel):
            return value  # type: ignore[return-value]
        if not isinstance(value, dict):
            raise ValueError("'exact' or a mapping of weken_per_maand, dagen_per_week and/or afronding")
        try:
            return Omrekenregel.model_validate(value)
        except ValidationError as exc:
            raise ValueError("; ".join(f"{'.'.join(map(str, e['loc'])) or 'omrekening'}: "
                                       f"{str(e['msg']).removeprefix('Value error, ')}"
                                       for e in exc.errors(include_url=False))) from None

    @field_validator("productcategorie")
    @classmethod
    def _categorie(cls, value: str) -> str:
        if value not in PRODUCTCATEGORIE:
            raise ValueError("expected a JZ020 productcategorie such as 45")
        return value

    @field_validator("eenheid")
    @classmethod
    def _eenheid(cls, value: str) -> str:
        if value not in EENHEID:
            raise ValueError(f"expected a WJ756 eenheid code: {', '.join(EENHEID)}")
        return value

    @field_validator("frequenties")
    @classmethod
    def _frequenties(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [f for f in value if f not in FREQUENTIE]
        if bad:
            raise ValueError(f"{', '.join(bad)} not a WMO757 frequentie code ({', '.join(FREQUENTIE)})")
        if len(set(value)) != len(value):
            raise ValueError("a frequentie appears twice")
        return value

    @field_validator("max_duur")
    @classmethod
    def _max_duur(cls, value: str) -> str:
        Duur.parse(value)
        return value

    @field_validator("aanbieders")
    @classmethod
    def _agb(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [a for a in value if not AGB_RE.match(a)]
        if bad:
            raise ValueError(f"{', '.join(bad)} not an AGB code of 8 digits")
        return value

    @model_validator(mode="after")
    def _combinatie(self) -> ContractProduct:
        allowed = TOEGESTANE_FREQUENTIES[self.eenheid]
        bad = [f for f in self.frequenties if f not in allowed]
        if bad:
            raise ValueError(
                f"frequentie {', '.join(FREQUENTIE.describe(f) for f in bad)} is not allowed with eenheid "
                f"{EENHEID.describe(self.eenheid)} in iJw 3.2 (allowed: {', '.join(sorted(allowed))})"
            )
        if self.vervolgtrajecten and not self.is_traject:
            raise ValueError("vervolgtrajecten applies to an output traject only (eenheid 82, frequenties [6]); "
                             "an inspanningsgericht product is split into consecutive toewijzingen anyway")
        return self

    @property
    def duur(self) -> Duur:
        """The maximum duration of one toewijzing."""
        return Duur.parse(self.max_duur)

    @property
    def is_traject(self) -> bool:
        """Output-based product bought per traject (eenheid 82, frequentie 6 totaal)."""
        return self.eenheid == OUTPUT and self.frequenties == (TOTAAL,)


class Contract(BaseModel):
    """A region's contract for a period (usually one calendar year)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    regio: str
    jaar: int = Field(ge=2015, le=2100)
    geldig_vanaf: date
    geldig_tot: date | None = None
    codering: Literal["eigen", "standaard"]
    fictief: bool = False
    toelichting: str | None = None
    omrekening: Omrekenregel | None = None
    aanbieders: tuple[Aanbieder, ...] = Field(min_length=1)
    producten: tuple[ContractProduct, ...] = Field(min_length=1)

    @field_validator("regio")
    @classmethod
    def _regio(cls, value: str) -> str:
        if value not in REGIOS:
            raise ValueError(f"expected one of {', '.join(REGIOS)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        if self.geldig_tot is not None and self.geldig_tot < self.geldig_vanaf:
            raise ValueError(f"geldig_tot {self.geldig_tot} lies before geldig_vanaf {self.geldig_vanaf}")
        agbs = [a.agb for a in self.aanbieders]
        if len(set(agbs)) != len(agbs):
            raise ValueError("an aanbieder (AGB) is listed twice")
        seen_z: set[str] = set()
        seen_c: set[str] = set()
        for index, p in enumerate(self.producten, start=1):
            where = f"producten[{index} {p.zorgvorm}]"
            if p.zorgvorm in seen_z:
                raise ValueError(f"{where}: zorgvorm {p.zorgvorm} is bought twice")
            if p.productcode in seen_c:
                raise ValueError(f"{where}: productcode {p.productcode} is used for two zorgvormen")
            seen_z.add(p.zorgvorm)
            seen_c.add(p.productcode)
            unknown = [a for a in p.aanbieders if a not in agbs]
            if unknown:
                raise ValueError(f"{where}.aanbieders: {', '.join(unknown)} not in the contract's aanbieders list")
        return self

    def geldig_op(self, datum: date) -> bool:
        """True when the contract is in force on ``datum``."""
        return self.geldig_vanaf <= datum and (self.geldig_tot is None or datum <= self.geldig_tot)

    def product(self, zorgvorm: str) -> ContractProduct | None:
        """The product bought for ``zorgvorm``, if any."""
        return next((p for p in self.producten if p.zorgvorm == zorgvorm), None)

    def product_met_code(self, productcode: str) -> ContractProduct | None:
        """The product with ``productcode``, if any."""
        return next((p for p in self.producten if p.productcode == productcode), None)

    def omrekenregel(self, product: ContractProduct) -> Omrekenregel | None:
        """The rule ``product`` is converted by: None when it converts exactly only, an empty rule
        when nothing is declared (each conversion that needs a field names it as missing)."""
        if product.omrekening == "exact":
            return None
        regel = self.omrekening or Omrekenregel()
        return regel.samen_met(product.omrekening) if product.omrekening is not None else regel

    def omrekening_bron(self, product: ContractProduct) -> str:
        """Whose rule converts ``product``, for messages: ``'contract Rivierenland 2026'``."""
        if product.omrekening is not None:
            return f"product {product.productcode} of contract {self.naam}"
        return f"contract {self.naam}"

    def aanbieder(self, agb: str) -> Aanbieder | None:
        """The contracted provider with ``agb``, if any."""
        return next((a for a in self.aanbieders if a.agb == agb), None)

    @property
    def naam(self) -> str:
        """``'Achterhoek 2026'``."""
        return f"{self.regio} {self.jaar}"


def load_contract(path: Path) -> Contract:
    """Read one contract YAML; DataError naming file, entry and field."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a mapping with regio, jaar, geldig_vanaf, aanbieders, producten")
    names = [p.get("zorgvorm") if isinstance(p, dict) else None for p in data.get("producten") or []]
    try:
        return Contract.model_validate(data)
    except ValidationError as exc:
        raise DataError(describe_validation_error(str(path), exc, names)) from None


def contract_path(root: Path, contract: Contract) -> Path:
    """Where ``contract`` lives under a productcodes directory ``root``."""
    return root / "contracten" / str(contract.jaar) / f"{regio_slug(contract.regio)}.yaml"


def contract_to_yaml(contract: Contract, header: str | None = None) -> str:
    """The contract as YAML text in our file format (codes quoted, lists of codes inline)."""

    class _Dumper(yaml.SafeDumper):
        pass

    def _seq(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
        flow = all(isinstance(item, str) for item in data)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    _Dumper.add_representer(list, _seq)
    data = _lists(contract.model_dump(mode="python", exclude_none=True))
    for product in data["producten"]:  # type: ignore[index]
        if not product.get("vervolgtrajecten"):
            product.pop("vervolgtrajecten", None)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    if header:
        text = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + text
    return text


def _lists(value: object) -> object:
    """Tuples → lists, recursively (YAML's safe dumper knows lists only)."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


def write_contract(contract: Contract, dest: Path, header: str | None = None) -> Path:
    """Write ``contract`` as YAML to ``dest`` (a file, or a productcodes directory)."""
    if dest.is_dir() or dest.suffix not in (".yaml", ".yml"):
        dest = contract_path(dest, contract)
    write_atomic(dest, contract_to_yaml(contract, header))
    return dest
