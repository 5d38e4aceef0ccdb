"""A case as the ledger is told of it: a plain description, whoever made it (a bepaling, a form, a service)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["CaseDescription"]


@dataclass(frozen=True)
class CaseDescription:
    """What the ledger keeps of a case when it is opened. ``bsn`` is hashed, never stored."""

    case: str
    """The case id: the kenmerk of the bepaling."""
    route: str
    gemeente: str
    regio: str | None
    gi: str
    maatregel: str
    vastgesteld_op: date | None
    bsn: str = field(repr=False)
    mapping: str | None = None
    """Why the bepaling cannot be mapped to its region's contract (the monitor says so), or None."""
