"""One hierarchy of errors, rooted in :class:`IjwError`; every error ijw-gateway raises on purpose is one.

    IjwError
    ├── UsageError          a command or function was called with options or input it cannot use
    ├── InputFileError      a file named cannot be read (missing, unreadable, too large, wrong kind)
    ├── DataError           reference data (product codes, contracts, gemeenten) is invalid
    ├── LedgerError         the ledger cannot be opened or written
    ├── MessageError        an iJw message is not acceptable (``findings`` says why)
    ├── BepalingError       a bepaling is invalid (``problems`` lists every problem)
    │   └── BepalingFileError   … or cannot be read at all (also an InputFileError)
    └── MappingError        a hulp line cannot be mapped to the region's contract

Every error carries a message a user can act on: what was wrong and what is expected.
Errors of other libraries (lxml, SQLAlchemy, PyYAML, pydantic) are mapped to these at the
one place that calls them. What an error means for an exit code is the CLI's business
(``cli/__init__.py``), not the error's.
"""

from __future__ import annotations


class IjwError(Exception):
    """Base of every error ijw-gateway raises on purpose."""


class UsageError(IjwError):
    """A command or function was called with options or input it cannot use."""


class InputFileError(IjwError):
    """A file a user named cannot be read (missing, unreadable, too large, wrong kind)."""


class DataError(IjwError):
    """Shipped or user-supplied reference data (product codes, contracts, gemeenten) is invalid."""


class MessageError(IjwError):
    """An iJw message is not acceptable; ``findings`` says why, element by element."""

    def __init__(self, message: str, findings: list | None = None) -> None:
        super().__init__(message)
        self.findings = list(findings or [])


class BepalingError(IjwError):
    """A bepaling file is invalid; ``problems`` lists every problem (field, value, expectation)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class BepalingFileError(BepalingError, InputFileError):
    """A bepaling file cannot be read at all (missing, not a regular file, too large, not UTF-8): exit 2."""

    def __str__(self) -> str:
        return Exception.__str__(self)  # the one problem is the message itself


class MappingError(IjwError):
    """A hulp line of a bepaling cannot be mapped to a product of the responsible region's contract."""


class LedgerError(IjwError):
    """The ledger cannot be opened or written (corrupt, locked, unreachable, wrong version)."""
