"""ijw-gateway: build, validate and answer iJw 3.2 youth-care messages.

The stable names are the ones below; everything else may move.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_ERRORS = ("BepalingError", "DataError", "IjwError", "InputFileError", "LedgerError", "MappingError", "MessageError",
           "UsageError")
_MESSAGES = ("JW301", "JW302", "JW305", "JW306", "JW307", "JW308", "JW315", "JW316", "JW317", "JW318", "JW319",
             "JW320", "JW323", "JW325")
_LAZY: dict[str, tuple[str, str]] = {
    "parse": ("ijw_gateway.api", "parse"),
    "to_xml": ("ijw_gateway.api", "to_xml"),
    "validate": ("ijw_gateway.api", "validate"),
    "Finding": ("ijw_gateway.validation.findings", "Finding"),
    "MessageReport": ("ijw_gateway.validation.findings", "MessageReport"),
    "Bepaling": ("ijw_gateway.tussentaal", "Bepaling"),
    "build": ("ijw_gateway.workflows.build", "build"),
    "start": ("ijw_gateway.workflows.provider", "start"),
    "stop": ("ijw_gateway.workflows.provider", "stop"),
    "Ledger": ("ijw_gateway.ledger", "Ledger"),
    **{name: ("ijw_gateway.errors", name) for name in _ERRORS},
    **{name: (f"ijw_gateway.messages.{name.lower()}", name) for name in _MESSAGES},
}
"""Every stable name, loaded on first use: ``import ijw_gateway`` (and the CLI's start) stays quick."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value  # the next look-up is a plain attribute
        return value
    raise AttributeError(f"module 'ijw_gateway' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
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
    from ijw_gateway.ledger import Ledger
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
    from ijw_gateway.tussentaal import Bepaling
    from ijw_gateway.validation.findings import Finding, MessageReport
    from ijw_gateway.workflows.build import build
    from ijw_gateway.workflows.provider import start, stop

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
    "start",
    "stop",
    "to_xml",
    "validate",
]
