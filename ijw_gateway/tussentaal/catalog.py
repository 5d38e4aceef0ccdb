"""The catalog: everything in a productcodes directory, loaded once and cross-checked.

``Catalog.load(path)`` reads ``gemeenten.csv``, ``cbs-gemeenten.csv``, ``standaardproductcodes.csv``,
``tussentaal.yaml`` and ``contracten/<jaar>/<regio-slug>.yaml`` and refuses inconsistent data with a
DataError naming file, entry and field. ``default_catalog()`` is the cached shipped catalog with
the user's own data (what ``ijw productcodes import`` wrote) laid over it.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ijw_gateway.errors import DataError
from ijw_gateway.resources import data_dir, user_productcodes_dir
from ijw_gateway.tussentaal.contracts import Contract, ContractProduct, load_contract
from ijw_gateway.tussentaal.gemeenten import (
    REGIOS,
    CbsLijst,
    Gemeente,
    load_cbs,
    load_gemeenten,
    regio_slug,
)
from ijw_gateway.tussentaal.standaardlijst import StandaardProduct, load_standaardlijst
from ijw_gateway.tussentaal.zorgvormen import KERN_ZORGVORMEN, Tussentaal, Zorgvorm, load_tussentaal

_OUTPUT_EENHEDEN = frozenset({"82", "83"})
_DATA_FILES = ("gemeenten.csv", "cbs-gemeenten.csv", "standaardproductcodes.csv", "tussentaal.yaml")


@dataclass(frozen=True)
class ProductcodeOordeel:
    """Answer of :meth:`Catalog.productcode_past` (rule TR381).

    ``past`` is True (fits), False (does not fit) or None (no productcode list is known for
    this gemeente on this date and the code is not a national one: we cannot judge).
    """

    past: bool | None
    lijst: str | None
    reden: str


class Catalog:
    """All reference data for mapping: gemeenten, CBS list, standard list, tussentaal, contracts."""

    def __init__(self, *, root: Path, gemeenten: dict[str, Gemeente], cbs: CbsLijst,
                 standaardlijst: dict[str, StandaardProduct], tussentaal: Tussentaal,
                 contracten: list[Contract]) -> None:
        self.root = root
        self.gemeenten = gemeenten
        self.cbs = cbs
        self.standaardlijst = standaardlijst
        self.tussentaal = tussentaal
        self.zorgvormen: dict[str, Zorgvorm] = tussentaal.by_code()
        self.contracten = sorted(contracten, key=lambda c: (c.regio, c.geldig_vanaf))
        #: national standard code → the zorgvorm that groups it
        self.zorgvorm_van_standaardcode: dict[str, str] = {
            code: z.code for z in tussentaal.zorgvormen for code in z.standaardcodes
        }

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: Path | str | None = None) -> Catalog:
        """Load and cross-check a productcodes directory.

        Default: the shipped one, with the user's own data (:func:`~ijw_gateway.resources.
        user_productcodes_dir`) laid over it: each data file it has, and each
        ``contracten/<jaar>/<regio>.yaml``, takes the place of the shipped one. A ``path`` that
        holds only ``contracten/`` (what ``ijw productcodes import --dest`` makes) is laid over
        the shipped data the same way.
        """
        shipped = data_dir("productcodes")
        overlay: Path | None
        if path is None:
            root, overlay = shipped, user_productcodes_dir()
        elif (Path(path) / "contracten").is_dir() and not any((Path(path) / name).exists() for name in _DATA_FILES):
            root, overlay = shipped, Path(path)
        else:
            root, overlay = Path(path), None
        if not root.is_dir():
            raise DataError(f"{root}: not a productcodes directory (expected a directory with gemeenten.csv, "
                            "tussentaal.yaml and contracten/, or one with only contracten/)")

        def file(name: str) -> Path:
            own = overlay / name if overlay is not None else None
            return own if own is not None and own.is_file() else root / name

        gemeenten = load_gemeenten(file("gemeenten.csv"))
        cbs = CbsLijst(load_cbs(file("cbs-gemeenten.csv")))
        standaard = load_standaardlijst(file("standaardproductcodes.csv"))
        tussentaal = load_tussentaal(file("tussentaal.yaml"))
        files = {(f.parent.name, f.stem): f for f in sorted((root / "contracten").glob("*/*.y*ml"))}
        if overlay is not None:
            files.update({(f.parent.name, f.stem): f for f in sorted((overlay / "contracten").glob("*/*.y*ml"))})
        contracten: list[tuple[Path, Contract]] = [(file, load_contract(file)) for _, file in sorted(files.items())]
        catalog = cls(root=root, gemeenten=gemeenten, cbs=cbs, standaardlijst=standaard,
                      tussentaal=tussentaal, contracten=[c for _, c in contracten])
        catalog._check(contracten)
        return catalog

    def _check(self, contracten: list[tuple[Path, Contract]]) -> None:
        root = self.root
        for code, g in self.gemeenten.items():
            if not any(e.gemeentecode == code for e in self.cbs.entries):
                raise DataError(f"{root / 'gemeenten.csv'}: gemeente {code} ({g.naam}) is not in cbs-gemeenten.csv")
        for z in self.tussentaal.zorgvormen:
            for code in z.standaardcodes:
                product = self.standaardlijst.get(code)
                if product is None:
                    raise DataError(f"{root / 'tussentaal.yaml'}: zorgvorm {z.code}, standaardcodes: {code} "
                                    "is not in the standard product code list")
                if product.productcategorie is None:
                    raise DataError(f"{root / 'tussentaal.yaml'}: zorgvorm {z.code}, standaardcodes: {code} "
                                    "is a chapter heading of the standard list, not a product")
        seen: dict[str, str] = {}
        for z in self.tussentaal.zorgvormen:
            for code in z.standaardcodes:
                if code in seen:
                    raise DataError(f"{root / 'tussentaal.yaml'}: zorgvorm {z.code}, standaardcodes: {code} "
                                    f"is already grouped by {seen[code]}")
                seen[code] = z.code
        for file, contract in contracten:
            self._check_contract(file, contract)
        for regio in REGIOS:
            own = [c for c in self.contracten if c.regio == regio]
            for a, b in itertools.pairwise(own):
                if a.geldig_tot is None or a.geldig_tot >= b.geldig_vanaf:
                    raise DataError(f"contracts {a.naam} and {b.naam} of {regio} overlap "
                                    f"({a.geldig_vanaf}..{a.geldig_tot or 'open'} and {b.geldig_vanaf}..)")

    def _check_contract(self, file: Path, c: Contract) -> None:
        if file.stem != regio_slug(c.regio):
            raise DataError(f"{file}: regio {c.regio!r} belongs in {regio_slug(c.regio)}.yaml")
        if file.parent.name != str(c.jaar):
            raise DataError(f"{file}: jaar {c.jaar} belongs in contracten/{c.jaar}/")
        self.controleer_contract(c, str(file))

    def controleer_contract(self, c: Contract, bron: str) -> None:
        """Cross-check a contract against the tussentaal and the standard list; DataError naming ``bron``."""
        file = bron
        for index, p in enumerate(c.producten, start=1):
            where = f"{file}: producten[{index} {p.zorgvorm}]"
            zorgvorm = self.zorgvormen.get(p.zorgvorm)
            if zorgvorm is None:
                raise DataError(f"{where}.zorgvorm: {p.zorgvorm} is not a zorgvorm of the tussentaal")
            standaard = self.standaardlijst.get(p.productcode)
            if c.codering == "eigen":
                if standaard is not None:
                    raise DataError(f"{where}.productcode: own code {p.productcode} collides with the national "
                                    f"standard code {p.productcode} ({standaard.omschrijving})")
                continue
            if standaard is None:
                raise DataError(f"{where}.productcode: {p.productcode} is not in the standard product code list "
                                "(codering: standaard)")
            if p.productcode not in zorgvorm.standaardcodes:
                owner = self.zorgvorm_van_standaardcode.get(p.productcode, "no zorgvorm")
                raise DataError(f"{where}.productcode: standard code {p.productcode} is grouped by {owner}, "
                                f"not by {p.zorgvorm}")
            if standaard.productcategorie != p.productcategorie:
                raise DataError(f"{where}.productcategorie: {p.productcategorie} — standard code {p.productcode} "
                                f"has productcategorie {standaard.productcategorie}")
            if standaard.uitvoeringsvariant is not None and standaard.is_output != (p.eenheid in _OUTPUT_EENHEDEN):
                raise DataError(f"{where}.eenheid: {p.eenheid} does not fit the {standaard.uitvoeringsvariant} "
                                f"code {p.productcode} (output: 82 or 83; inspanning: 01, 04, 14, 16, 84)")
        missing = [z for z in KERN_ZORGVORMEN if c.product(z) is None]
        if missing:
            raise DataError(f"{file}: regio {c.regio} does not buy the core zorgvorm(en) {', '.join(missing)}")

    # ------------------------------------------------------------------ lookups
    def gemeente(self, gemeentecode: str) -> Gemeente | None:
        """One of the 54 municipalities, or None."""
        return self.gemeenten.get(gemeentecode)

    def regio(self, gemeentecode: str) -> str | None:
        """The jeugdhulpregio of a gemeentecode, or None when it is not one of ours."""
        g = self.gemeenten.get(gemeentecode)
        return g.regio if g else None

    def contract(self, regio: str, datum: date) -> Contract | None:
        """The region's contract in force on ``datum``, or None."""
        return next((c for c in self.contracten if c.regio == regio and c.geldig_op(datum)), None)

    def contract_voor_gemeente(self, gemeentecode: str, datum: date) -> Contract | None:
        """The contract in force on ``datum`` for the region of ``gemeentecode``, or None."""
        regio = self.regio(gemeentecode)
        return self.contract(regio, datum) if regio else None

    def zorgvorm(self, code: str) -> Zorgvorm | None:
        """A tussentaal zorgvorm by code, or None."""
        return self.zorgvormen.get(code)

    def cbs_geldig(self, gemeentecode: str, datum: date) -> bool:
        """Rule TR378: ``gemeentecode`` exists in the CBS list valid on ``datum``."""
        return self.cbs.geldig(gemeentecode, datum)

    def cbs_altijd_geldig(self, gemeentecode: str) -> bool:
        """Rule TR378 whatever the date: ``gemeentecode`` is valid on every date the CBS list judges."""
        return self.cbs.altijd_geldig(gemeentecode)

    def zorgvorm_voor_productcode(self, productcode: str, gemeentecode: str | None = None,
                                  datum: date | None = None) -> str | None:
        """Reverse lookup: the zorgvorm a product code stands for.

        With a gemeentecode and date, the code is first read in the contract of that
        gemeente's region in force on that date (own codes mean something only there). A
        national standard code is then read through the tussentaal grouping. None if unknown.
        """
        if gemeentecode is not None and datum is not None:
            contract = self.contract_voor_gemeente(gemeentecode, datum)
            product = contract.product_met_code(productcode) if contract else None
            if product is not None:
                return product.zorgvorm
        return self.zorgvorm_van_standaardcode.get(productcode)

    def contractproduct(self, productcode: str, gemeentecode: str, datum: date) -> ContractProduct | None:
        """The contracted product with ``productcode`` for ``gemeentecode`` on ``datum``, or None."""
        contract = self.contract_voor_gemeente(gemeentecode, datum)
        return contract.product_met_code(productcode) if contract else None

    def productcode_past(self, productcategorie: str, productcode: str, gemeentecode: str,
                         datum: date) -> ProductcodeOordeel:
        """Rule TR381: does ``productcode`` fit ``productcategorie`` in the list used for the gemeente?

        The list in force is the region's contract on ``datum`` plus the national standard list.
        A code of the contract must carry the contract's category; a national code its national
        category. For a gemeente without a known contract on that date, a code that is not a
        national one cannot be judged (``past=None``) — it may be that gemeente's own code.
        """
        contract = self.contract_voor_gemeente(gemeentecode, datum)
        if contract is not None:
            product = contract.product_met_code(productcode)
            if product is not None:
                ok = product.productcategorie == productcategorie
                return ProductcodeOordeel(ok, f"contract {contract.naam}",
                                          f"{productcode} has productcategorie {product.productcategorie} "
                                          f"in contract {contract.naam}")
        standaard = self.standaardlijst.get(productcode)
        if standaard is not None:
            if standaard.productcategorie is None:
                return ProductcodeOordeel(False, "standaardproductcodelijst Jeugdwet",
                                          f"{productcode} is a chapter heading of the standard list, not a product")
            return ProductcodeOordeel(standaard.productcategorie == productcategorie,
                                      "standaardproductcodelijst Jeugdwet",
                                      f"{productcode} has productcategorie {standaard.productcategorie} "
                                      "in the national standard list")
        if contract is not None:
            return ProductcodeOordeel(False, f"contract {contract.naam}",
                                      f"{productcode} is neither in contract {contract.naam} nor in the "
                                      "national standard list")
        return ProductcodeOordeel(None, None, f"no productcode list is known for gemeente {gemeentecode} on "
                                              f"{datum}; {productcode} is not a national standard code")


_default: Catalog | None = None
_lock = threading.Lock()


def default_catalog() -> Catalog:
    """The shipped catalog, loaded once per process (thread-safe)."""
    global _default
    with _lock:
        if _default is None:
            _default = Catalog.load()
        return _default
