"""The tussentaal: bepaling jeugdhulp, zorgvormen, regional contracts, and mapping between them.

Public entry points::

    from ijw_gateway.tussentaal import Bepaling, Catalog, default_catalog, map_bepaling, map_line
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

_LAZY: dict[str, str] = {
    "Beoordeling": "ijw_gateway.tussentaal.beoordeling",
    "Bepaling": "ijw_gateway.tussentaal.bepaling",
    "Catalog": "ijw_gateway.tussentaal.catalog",
    "Contract": "ijw_gateway.tussentaal.contracts",
    "ContractProduct": "ijw_gateway.tussentaal.contracts",
    "EENHEID_CODES": "ijw_gateway.tussentaal.omvang",
    "FREQUENTIE_CODES": "ijw_gateway.tussentaal.omvang",
    "Hulp": "ijw_gateway.tussentaal.bepaling",
    "Jeugdige": "ijw_gateway.tussentaal.bepaling",
    "KERN_ZORGVORMEN": "ijw_gateway.tussentaal.zorgvormen",
    "Mapping": "ijw_gateway.tussentaal.mapping",
    "OmrekenFout": "ijw_gateway.tussentaal.omvang",
    "Omrekenregel": "ijw_gateway.tussentaal.omvang",
    "Omvang": "ijw_gateway.tussentaal.bepaling",
    "OnmapbareRegel": "ijw_gateway.tussentaal.mapping",
    "ProductcodeOordeel": "ijw_gateway.tussentaal.catalog",
    "REGIOS": "ijw_gateway.tussentaal.gemeenten",
    "Regelfout": "ijw_gateway.tussentaal.mapping",
    "RegioMapping": "ijw_gateway.tussentaal.mapping",
    "Toewijzing": "ijw_gateway.tussentaal.mapping",
    "beoordeel_verzoek": "ijw_gateway.tussentaal.beoordeling",
    "converteer": "ijw_gateway.tussentaal.omvang",
    "default_catalog": "ijw_gateway.tussentaal.catalog",
    "import_cbs_csv": "ijw_gateway.tussentaal.gemeenten",
    "import_contract_csv": "ijw_gateway.tussentaal.contract_import",
    "import_standaardlijst": "ijw_gateway.tussentaal.standaardlijst",
    "map_alle_regios": "ijw_gateway.tussentaal.mapping",
    "map_bepaling": "ijw_gateway.tussentaal.mapping",
    "map_line": "ijw_gateway.tussentaal.mapping",
    "map_line_in_regio": "ijw_gateway.tussentaal.mapping",
    "map_or_raise": "ijw_gateway.tussentaal.mapping",
    "omreken": "ijw_gateway.tussentaal.omvang",
    "write_contract": "ijw_gateway.tussentaal.contracts",
}
"""Public name → the module that defines it, imported on first use: validation needs only the
catalog, and importing the bepaling, mapping and contract machinery with it costs 30 ms of start-up."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # the next look-up is a plain attribute
        return value
    raise AttributeError(f"module 'ijw_gateway.tussentaal' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from ijw_gateway.tussentaal.beoordeling import Beoordeling, beoordeel_verzoek
    from ijw_gateway.tussentaal.bepaling import Bepaling, Hulp, Jeugdige, Omvang
    from ijw_gateway.tussentaal.catalog import Catalog, ProductcodeOordeel, default_catalog
    from ijw_gateway.tussentaal.contract_import import import_contract_csv
    from ijw_gateway.tussentaal.contracts import Contract, ContractProduct, write_contract
    from ijw_gateway.tussentaal.gemeenten import REGIOS, import_cbs_csv
    from ijw_gateway.tussentaal.mapping import (
        Mapping,
        OnmapbareRegel,
        Regelfout,
        RegioMapping,
        Toewijzing,
        map_alle_regios,
        map_bepaling,
        map_line,
        map_line_in_regio,
        map_or_raise,
    )
    from ijw_gateway.tussentaal.omvang import (
        EENHEID_CODES,
        FREQUENTIE_CODES,
        OmrekenFout,
        Omrekenregel,
        converteer,
        omreken,
    )
    from ijw_gateway.tussentaal.standaardlijst import import_standaardlijst
    from ijw_gateway.tussentaal.zorgvormen import KERN_ZORGVORMEN

__all__ = [
    "EENHEID_CODES",
    "FREQUENTIE_CODES",
    "KERN_ZORGVORMEN",
    "REGIOS",
    "Beoordeling",
    "Bepaling",
    "Catalog",
    "Contract",
    "ContractProduct",
    "Hulp",
    "Jeugdige",
    "Mapping",
    "OmrekenFout",
    "Omrekenregel",
    "Omvang",
    "OnmapbareRegel",
    "ProductcodeOordeel",
    "Regelfout",
    "RegioMapping",
    "Toewijzing",
    "beoordeel_verzoek",
    "converteer",
    "default_catalog",
    "import_cbs_csv",
    "import_contract_csv",
    "import_standaardlijst",
    "map_alle_regios",
    "map_bepaling",
    "map_line",
    "map_line_in_regio",
    "map_or_raise",
    "omreken",
    "write_contract",
]
