"""ijw-gateway: build, validate and answer iJw 3.2 youth-care messages."""

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

__version__ = "0.1.0"

__all__ = [
    "BepalingError",
    "DataError",
    "IjwError",
    "InputFileError",
    "LedgerError",
    "MappingError",
    "MessageError",
    "UsageError",
    "__version__",
]
