"""The tussentaal: bepaling jeugdhulp, zorgvormen, regional contracts, and mapping between them.

Public entry points::

    from ijw_gateway.tussentaal import Bepaling, Catalog, default_catalog, map_bepaling, map_line
"""

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
