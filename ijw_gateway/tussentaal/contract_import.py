"""Import a region's product list from CSV into our contract format (``ijw productcodes import``).

CSV columns (header required; ``;`` or ``,`` separated, UTF-8):

=================  ==========================================================================
zorgvorm           tussentaal code (``AMB-SPEC-IND``)
productcode        the region's code (1–5 letters/digits): a national code or an own code
productcategorie   JZ020 code (``45``); may be empty for a national code (taken from the list)
omschrijving       optional; the region's product name
eenheid            WJ756 code (``04``) or word: minuut, uur, dagdeel, etmaal, euro,
                   ``stuks output`` (82), ``stuks inspanning`` (84)
frequenties        WMO757 codes or words, separated by ``|`` or spaces: ``2|4`` or ``week|maand``
max_duur           ISO 8601 duration of one toewijzing (``P12M``)
tarief             euro per eenheid, at most 2 decimals (``71,50`` or ``71.50``)
aanbieders         AGB codes (8 digits) separated by ``|`` or spaces
weken_per_maand    optional; how many weeks a month counts (``52/12``, ``4,33``; 4 to 31/7)
dagen_per_week     optional; the days of care a week counts (1–7)
afronding          optional; ``naar boven``, ``naar beneden`` or ``naar dichtstbijzijnde``
omrekening         optional; ``exact``: this product converts exactly only (the three above stay empty)
vervolgtrajecten   optional; an output traject: how many follow-up trajects may follow the first
=================  ==========================================================================

The last five fill the product's ``omrekening`` and ``vervolgtrajecten`` (``productcodes/README.md``);
a rule for the whole contract is given with ``omrekening=``.

Every line is checked; all problems are reported together as ``file, line N, column C: value —
expectation``. The contract is then cross-checked against the catalog (known zorgvormen, own codes
not colliding with national codes, national codes grouped by their zorgvorm, the nine core
zorgvormen present).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import ValidationError

from ijw_gateway.errors import DataError
from ijw_gateway.messages.codelists import EENHEID, FREQUENTIE, PRODUCTCATEGORIE
from ijw_gateway.tussentaal._bestanden import read_text
from ijw_gateway.tussentaal.catalog import Catalog, default_catalog
from ijw_gateway.tussentaal.contracts import AGB_RE, PRODUCTCODE_RE, Contract, write_contract
from ijw_gateway.tussentaal.duur import Duur
from ijw_gateway.tussentaal.gemeenten import REGIOS
from ijw_gateway.tussentaal.omvang import FREQUENTIE_CODES, TOEGESTANE_FREQUENTIES, Omrekenregel
from ijw_gateway.tussentaal.zorgvormen import describe_validation_error

COLUMNS = ["zorgvorm", "productcode", "productcategorie", "omschrijving", "eenheid", "frequenties",
           "max_duur", "tarief", "aanbieders"]
RULE_COLUMNS = ["weken_per_maand", "dagen_per_week", "afronding", "omrekening", "vervolgtrajecten"]
_OPTIONAL = {"productcategorie", "omschrijving", *RULE_COLUMNS}
_AFRONDING_WOORDEN = {"naar boven": "naar_boven", "naar beneden": "naar_beneden",
                      "naar dichtstbijzijnde": "naar_dichtstbijzijnde",
                      "naar het dichtstbijzijnde": "naar_dichtstbijzijnde"}
_EENHEID_WOORDEN = {"minuut": "01", "uur": "04", "dagdeel": "16", "etmaal": "14", "euro": "83",
                    "stuks output": "82", "stuks inspanning": "84"}
_SPLIT = re.compile(r"[|;\s]+")


def _lijst(value: str) -> list[str]:
    return [v for v in _SPLIT.split(value.strip()) if v]


def import_contract_csv(csv_path: Path | str, regio: str, jaar: int, *, geldig_vanaf: date | None = None,
                        geldig_tot: date | None = None, aanbieder_namen: dict[str, str] | None = None,
                        fictief: bool = False, toelichting: str | None = None, catalog: Catalog | None = None,
                        dest: Path | str | None = None, omrekening: Omrekenregel | None = None) -> Contract:
    """Read a region's product list from CSV, validate it, and (with ``dest``) write the contract YAML.

    ``dest`` is a productcodes directory (the file goes to ``contracten/<jaar>/<slug>.yaml``) or a
    ``.yaml`` path. ``geldig_vanaf``/``geldig_tot`` default to 1 January/31 December of ``jaar``;
    ``omrekening`` is the contract's conversion rule (the CSV's rule columns override it per product).
    Raises DataError listing every problem.
    """
    path = Path(csv_path)
    catalog = catalog or default_catalog()
    if regio not in REGIOS:
        raise DataError(f"regio {regio!r} — expected one of {', '.join(REGIOS)}")
    text = read_text(path)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in COLUMNS if c not in header and c not in _OPTIONAL]
    if missing:
        raise DataError(f"{path}, line 1: missing column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})")
    problems: list[str] = []
    producten: list[dict] = []
    agbs: list[str] = []
    for row in reader:
        line = reader.line_num
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}

        def fout(column: str, value: str, expected: str, line: int = line) -> None:
            problems.append(f"{path}, line {line}, column {column}: {value!r} — {expected}")

        if None in row:
            fout("(extra)", str(row[None]), f"no more fields than the header's {len(header)}")
            continue
        if not any(cells.values()):
            continue
        zorgvorm = cells.get("zorgvorm", "")
        if catalog.zorgvorm(zorgvorm) is None:
            fout("zorgvorm", zorgvorm, "a zorgvorm of the tussentaal (productcodes/tussentaal.yaml)")
        code = cells.get("productcode", "")
        if not PRODUCTCODE_RE.match(code):
            fout("productcode", code, "1 to 5 letters or digits")
        categorie = cells.get("productcategorie", "")
        standaard = catalog.standaardlijst.get(code)
        if not categorie and standaard is not None and standaard.productcategorie:
            categorie = standaard.productcategorie
        if categorie not in PRODUCTCATEGORIE:
            fout("productcategorie", categorie, "a JZ020 productcategorie such as 45")
        eenheid = _EENHEID_WOORDEN.get(cells.get("eenheid", "").lower(), cells.get("eenheid", ""))
        if eenheid not in EENHEID:
            fout("eenheid", cells.get("eenheid", ""), "a WJ756 code (01, 04, 14, 16, 82, 83, 84) or minuut, uur, "
                 "dagdeel, etmaal, euro, 'stuks output', 'stuks inspanning'")
        frequenties = [FREQUENTIE_CODES.get(f.lower(), f) for f in _lijst(cells.get("frequenties", ""))]
        if not frequenties or any(f not in FREQUENTIE for f in frequenties):
            fout("frequenties", cells.get("frequenties", ""), "WMO757 codes or words (dag, week, maand, totaal) "
                 "separated by |")
        elif eenheid in EENHEID and any(f not in TOEGESTANE_FREQUENTIES[eenheid] for f in frequenties):
            fout("frequenties", cells.get("frequenties", ""), f"frequencies iJw 3.2 allows with eenheid {eenheid}: "
                 f"{', '.join(sorted(TOEGESTANE_FREQUENTIES[eenheid]))}")
        max_duur = cells.get("max_duur", "")
        try:
            Duur.parse(max_duur)
        except ValueError as exc:
            fout("max_duur", max_duur, str(exc))
        tarief_text = cells.get("tarief", "").replace(",", ".")
        try:
            euro = Decimal(tarief_text)
            if euro < 0 or euro != euro.quantize(Decimal("0.01")) or not euro.is_finite():
                raise InvalidOperation
            tarief = int(euro * 100)
        except (InvalidOperation, ValueError):
            fout("tarief", cells.get("tarief", ""), "an amount in euro ≥ 0 with at most 2 decimals, e.g. 71,50")
            tarief = 0
        aanbieders = _lijst(cells.get("aanbieders", ""))
        bad = [a for a in aanbieders if not AGB_RE.match(a)]
        if not aanbieders or bad:
            fout("aanbieders", cells.get("aanbieders", ""), "one or more AGB codes of 8 digits separated by |")
        for a in aanbieders:
            if a not in agbs and AGB_RE.match(a):
                agbs.append(a)
        product = dict(zorgvorm=zorgvorm, productcode=code, productcategorie=categorie,
                       omschrijving=cells.get("omschrijving") or (standaard.omschrijving if standaard else None),
                       eenheid=eenheid, frequenties=frequenties, max_duur=max_duur, tarief=tarief,
                       aanbieders=aanbieders, _line=line)
        product.update(_regelkolommen(cells, fout))
        producten.append(product)
    if not producten and not problems:
        problems.append(f"{path}: no product lines")
    seen: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    for p in producten:
        if p["zorgvorm"] in seen:
            problems.append(f"{path}, line {p['_line']}, column zorgvorm: {p['zorgvorm']!r} — each zorgvorm once "
                            f"(also on line {seen[p['zorgvorm']]})")
        seen.setdefault(p["zorgvorm"], p["_line"])
        if p["productcode"] in seen_codes:
            problems.append(f"{path}, line {p['_line']}, column productcode: {p['productcode']!r} — each code once "
                            f"(also on line {seen_codes[p['productcode']]})")
        seen_codes.setdefault(p["productcode"], p["_line"])
    if problems:
        raise DataError(f"{path}: {len(problems)} problem(s) in the product list\n" + "\n".join(problems))
    nationaal = [p["productcode"] in catalog.standaardlijst for p in producten]
    if all(nationaal):
        codering = "standaard"
    elif not any(nationaal):
        codering = "eigen"
    else:
        lines = [str(p["_line"]) for p, n in zip(producten, nationaal, strict=True) if n]
        raise DataError(f"{path}: the list mixes national standard codes (lines {', '.join(lines)}) with own codes; "
                        "a contract uses either national codes or own codes (own codes must not be national codes)")
    namen = aanbieder_namen or {}
    data = dict(regio=regio, jaar=jaar, geldig_vanaf=geldig_vanaf or date(jaar, 1, 1),
                geldig_tot=geldig_tot or date(jaar, 12, 31), codering=codering, fictief=fictief,
                toelichting=toelichting or f"Imported from {path.name}", omrekening=omrekening,
                aanbieders=[dict(agb=a, naam=namen.get(a, f"AGB {a}"), fictief=fictief) for a in agbs],
                producten=[{k: v for k, v in p.items() if k != "_line"} for p in producten])
    try:
        contract = Contract.model_validate(data)
    except ValidationError as exc:
        raise DataError(describe_validation_error(str(path), exc, [p["zorgvorm"] for p in producten])) from None
    catalog.controleer_contract(contract, str(path))
    if dest is not None:
        write_contract(contract, Path(dest), header=f"Contract jeugdhulp {regio} {jaar}, imported from {path.name}.")
    return contract


def _regelkolommen(cells: dict[str, str], fout: Callable[[str, str, str], None]) -> dict[str, object]:
    """The product's ``omrekening`` and ``vervolgtrajecten`` from the optional rule columns."""
    result: dict[str, object] = {}
    regel: dict[str, object] = {}
    wpm = cells.get("weken_per_maand", "")
    if wpm:
        try:
            regel["weken_per_maand"] = Omrekenregel(weken_per_maand=wpm).weken_per_maand
        except ValidationError:
            fout("weken_per_maand", wpm, "a number of weeks from 4 to 31/7, such as 52/12 or 4,33")
    dpw = cells.get("dagen_per_week", "")
    if dpw:
        if dpw.isascii() and dpw.isdigit() and 1 <= int(dpw) <= 7:
            regel["dagen_per_week"] = int(dpw)
        else:
            fout("dagen_per_week", dpw, "a whole number of days from 1 to 7")
    afronding = cells.get("afronding", "")
    if afronding:
        woord = " ".join(afronding.lower().replace("_", " ").split())
        if woord in _AFRONDING_WOORDEN:
            regel["afronding"] = _AFRONDING_WOORDEN[woord]
        else:
            fout("afronding", afronding, "naar boven, naar beneden or naar dichtstbijzijnde")
    soort = cells.get("omrekening", "")
    if soort and soort.lower() != "exact":
        fout("omrekening", soort, "exact (the product converts exactly only) or empty")
    elif soort and regel:
        fout("omrekening", soort, "exact without weken_per_maand, dagen_per_week or afronding on the same line")
    elif soort:
        result["omrekening"] = "exact"
    elif regel:
        result["omrekening"] = regel
    vervolg = cells.get("vervolgtrajecten", "")
    if vervolg:
        if vervolg.isascii() and vervolg.isdigit() and int(vervolg) <= 12:
            result["vervolgtrajecten"] = int(vervolg)
        else:
            fout("vervolgtrajecten", vervolg, "a whole number of follow-up trajects from 0 to 12")
    return result
