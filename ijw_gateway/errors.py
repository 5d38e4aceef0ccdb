"""One hierarchy of errors, rooted in :class:`IjwError`.

Every error carries a message a user can act on: what was wrong and what is
expected. The CLI prints ``str(error)`` and exits 2 (could not run) or 1 (ran and
found invalid input), depending on the class.
"""

from __future__ import annotations


class IjwError(Exception):
    """Base of every error ijw-gateway raises on purpose."""

    exit_code: int = 2


class UsageError(IjwError):
    """A command or function was called with options or input it cannot use."""


class InputFileError(IjwError):
    """A file a user named cannot be read (missing, unreadable, too large, wrong kind)."""


class DataError(IjwError):
    """Shipped or user-supplied reference data (product codes, contracts, gemeenten) is invalid."""


class MessageError(IjwError):
    """An iJw message is not acceptable; ``findings`` says why, element by element."""

    exit_code = 1

    def __init__(self, message: str, findings: list | None = None) -> None:
        super().__init__(message)
        self.findings = list(findings or [])


class BepalingError(IjwError):
    """A bepaling file is invalid; ``problems`` lists every problem (field, value, expectation)."""

    exit_code = 1

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

    exit_code = 2

    def __str__(self) -> str:
        return Exception.__str__(self)  # the one problem is the message itself


class MappingError(IjwError):
    """A hulp line of a bepaling cannot be mapped to a product of the responsible region's contract."""

    exit_code = 1


class LedgerError(IjwError):
    """The ledger cannot be opened or written (corrupt, locked, unreachable, wrong version)."""
