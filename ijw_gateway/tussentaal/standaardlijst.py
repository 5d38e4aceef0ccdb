"""The national *standaardproductcodelijst Jeugdwet* (JZ21) in our CSV format, and its importer.

``productcodes/standaardproductcodes.csv`` columns: ``productcode, productcategorie,
productcategorie_omschrijving, omschrijving, uitvoeringsvariant, dimensie_hulpvorm_code,
dimensie_hulpvorm_omschrijving, nza_declaratiecode``. Empty means "not given" (the published list
uses ``-``). Rows without a productcategorie are the list's chapter headings (``40A00``…); they are
kept so that own codes cannot collide with them, but they fit no productcategorie.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict

from ijw_gateway.errors import DataError
from ijw_gateway.tussentaal._bestanden import read_csv, read_text, write_csv

COLUMNS: Final[list[str]] = [
    "productcode",
    "productcategorie",
    "productcategorie_omschrijving",
    "omschrijving",
    "uitvoeringsvariant",
    "dimensie_hulpvorm_code",
    "dimensie_hulpvorm_omschrijving",
    "nza_declaratiecode",
]
UITVOERINGSVARIANTEN: Final[tuple[str, ...]] = ("Inspanningsgericht", "Outputgericht")
_CODE_RE = re.compile(r"^[0-9]{2}[A-Z][0-9]{2}$")
_CAT_RE = re.compile(r"^[0-9]{2}$")
_JSON_FIELDS = {
    "productcode": "productcode",
    "productcategorie": "productcategorie_code",
    "productcategorie_omschrijving": "productcategorie_omschrijving",
    "omschrijving": "omschrijving",
    "uitvoeringsvariant": "uitvoeringsvariant",
    "dimensie_hulpvorm_code": "dimensie_hulpvorm_code",
    "dimensie_hulpvorm_omschrijving": "dimensie_hulpvorm_omschrijving",
    "nza_declaratiecode": "nza_declaratiecode",
}


class StandaardProduct(BaseModel):
    """One code of the national standard product code list."""

    model_config = ConfigDict(frozen=True)

    productcode: str
    productcategorie: str | None
    productcategorie_omschrijving: str | None = None
    omschrijving: str
    uitvoeringsvariant: str | None = None
    dimensie_hulpvorm_code: str | None = None
    dimensie_hulpvorm_omschrijving: str | None = None
    nza_declaratiecode: str | None = None

    @property
    def is_output(self) -> bool:
        """True for the *outputgerichte* uitvoeringsvariant."""
        return self.uitvoeringsvariant == "Outputgericht"


def _leeg(value: object) -> str:
    """The published list writes ``-`` or null for "not given"; we write an empty field."""
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text == "-" else text


def _valideer(product: StandaardProduct, where: str) -> None:
    if not _CODE_RE.match(product.productcode):
        raise DataError(f"{where}, column productcode: {product.productcode!r} — expected 2 digits, a letter, 2 digits")
    if product.productcategorie is not None and not _CAT_RE.match(product.productcategorie):
        raise DataError(f"{where}, column productcategorie: {product.productcategorie!r} — expected 2 digits")
    if product.uitvoeringsvariant not in (None, *UITVOERINGSVARIANTEN):
        raise DataError(
            f"{where}, column uitvoeringsvariant: {product.uitvoeringsvariant!r} — expected "
            f"{' or '.join(UITVOERINGSVARIANTEN)} or empty"
        )


def load_standaardlijst(path: Path) -> dict[str, StandaardProduct]:
    """Read ``standaardproductcodes.csv``: productcode → StandaardProduct; DataError per bad line."""
    result: dict[str, StandaardProduct] = {}
    for line, row in read_csv(path, COLUMNS):
        product = StandaardProduct(**{k: (row[k] or None) for k in COLUMNS if k != "omschrijving"},
                                   omschrijving=row["omschrijving"])
        _valideer(product, f"{path}, line {line}")
        if product.productcode in result:
            raise DataError(f"{path}, line {line}, column productcode: {product.productcode} appears twice")
        result[product.productcode] = product
    if not result:
        raise DataError(f"{path}: the standard product code list is empty")
    return result


def import_standaardlijst(source_json_path: Path | str, dest_csv_path: Path | str) -> int:
    """Convert a published standard list (JSON export, ``{"products": [...]}``) into our CSV.

    Each product needs the keys ``productcode``, ``omschrijving``, ``productcategorie_code``,
    ``productcategorie_omschrijving``, ``uitvoeringsvariant``, ``dimensie_hulpvorm_code``,
    ``dimensie_hulpvorm_omschrijving`` and ``nza_declaratiecode``. Rows are written sorted by
    productcode. Returns the number of codes; raises DataError naming the product and key.
    """
    source, dest = Path(source_json_path), Path(dest_csv_path)
    try:
        data = json.loads(read_text(source, limit=50 * 1024 * 1024))
    except json.JSONDecodeError as exc:
        raise DataError(f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    products = data.get("products") if isinstance(data, dict) else None
    if not isinstance(products, list) or not products:
        raise DataError(f"{source}: expected an object with a non-empty list 'products'")
    rows: dict[str, list[str]] = {}
    for index, item in enumerate(products, start=1):
        where = f"{source}, product {index}"
        if not isinstance(item, dict):
            raise DataError(f"{where}: expected an object")
        missing = [key for key in _JSON_FIELDS.values() if key not in item]
        if missing:
            raise DataError(f"{where}: missing key(s) {', '.join(missing)}")
        values = {col: _leeg(item[key]) for col, key in _JSON_FIELDS.items()}
        product = StandaardProduct(**{k: (v or None) for k, v in values.items() if k != "omschrijving"},
                                   omschrijving=values["omschrijving"])
        _valideer(product, where)
        if product.productcode in rows:
            raise DataError(f"{where}, key productcode: {product.productcode} appears twice")
        rows[product.productcode] = [values[c] for c in COLUMNS]
    meta = data.get("meta") if isinstance(data, dict) else None
    expected = meta.get("product_rows") if isinstance(meta, dict) else None
    if isinstance(expected, int) and expected != len(rows):
        raise DataError(f"{source}: meta.product_rows says {expected} products, the list has {len(rows)}")
    write_csv(dest, COLUMNS, [rows[code] for code in sorted(rows)])
    return len(rows)


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys

    if len(sys.argv) != 3:
        sys.exit("usage: python -m ijw_gateway.tussentaal.standaardlijst SOURCE.json DEST.csv")
    print(f"{import_standaardlijst(sys.argv[1], sys.argv[2])} codes written to {sys.argv[2]}")
