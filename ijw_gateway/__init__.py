"""ijw-gateway: build, validate and answer iJw 3.2 youth-care messages.

The stable names are the ones below; everything else may move.
"""

from ijw_gateway.api import parse, to_xml, validate
from ijw_gateway.errors import (
    BepalingError,
    DataError,
    IjwError,
    InputFileError,
    LedgerError,
    MappingError,
    MessageError,
    UsageError,
)
from ijw_gateway.messages.jw301 import JW301
from ijw_gateway.messages.jw302 import JW302
from ijw_gateway.messages.jw305 import JW305
from ijw_gateway.messages.jw306 import JW306
from ijw_gateway.messages.jw307 import JW307
from ijw_gateway.messages.jw308 import JW308
from ijw_gateway.messages.jw315 import JW315
from ijw_gateway.messages.jw316 import JW316
from ijw_gateway.messages.jw317 import JW317
from ijw_gateway.messages.jw318 import JW318
from ijw_gateway.messages.jw319 import JW319
from ijw_gateway.messages.jw320 import JW320
from ijw_gateway.messages.jw323 import JW323
from ijw_gateway.messages.jw325 import JW325
from ijw_gateway.validation.findings import Finding, MessageReport

__version__ = "0.1.0"

_LAZY = {
    "Bepaling": ("ijw_gateway.tussentaal", "Bepaling"),
    "build": ("ijw_gateway.workflows.build", "build"),
    "Ledger": ("ijw_gateway.ledger", "Ledger"),
}


def __getattr__(name: str) -> object:
    """``ijw.Bepaling``, ``ijw.build`` and ``ijw.Ledger`` load their (heavier) packages on first use."""
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'ijw_gateway' has no attribute {name!r}")

__all__ = [
    "JW301",
    "JW302",
    "JW305",
    "JW306",
    "JW307",
    "JW308",
    "JW315",
    "JW316",
    "JW317",
    "JW318",
    "JW319",
    "JW320",
    "JW323",
    "JW325",
    "Bepaling",
    "BepalingError",
    "DataError",
    "Finding",
    "IjwError",
    "InputFileError",
    "Ledger",
    "LedgerError",
    "MappingError",
    "MessageError",
    "MessageReport",
    "UsageError",
    "__version__",
    "build",
    "parse",
    "to_xml",
    "validate",
]
