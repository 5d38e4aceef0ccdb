"""What the ledger's operations return: a case, a route event, the outcome for one message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from ijw_gateway.ledger.facts import AMSTERDAM, local_date

__all__ = ["CaseInfo", "EventResult", "IngestResult", "IngestStatus", "Moment", "case_info", "now"]

IngestStatus = Literal["recorded", "duplicate", "conflict", "invalid", "unlinked", "skipped"]
Moment = datetime | date


def now() -> datetime:
    return datetime.now(AMSTERDAM)


@dataclass(frozen=True)
class CaseInfo:
    """A case as the ledger holds it (no personal data)."""

    case: str
    route: str
    gemeente: str
    regio: str | None
    gi: str
    maatregel: str
    opened_at: datetime
    created: bool = False
    mapping: str | None = None
    """Why the bepaling could not be mapped to the region's contract when the case was opened (None: it could)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "route": self.route,
            "gemeente": self.gemeente,
            "regio": self.regio,
            "gi": self.gi,
            "maatregel": self.maatregel,
            "opened": local_date(self.opened_at).isoformat(),
            "created": self.created,
            "mapping": self.mapping,
        }


def case_info(row: Any, created: bool = False) -> CaseInfo:
    """A CaseInfo from a row of ``ledger_case``."""
    return CaseInfo(
        case=row.id,
        route=row.route,
        gemeente=row.gemeente,
        regio=row.regio,
        gi=row.gi,
        maatregel=row.maatregel,
        opened_at=row.opened_at,
        created=created,
        mapping=row.mapping,
    )


@dataclass(frozen=True)
class EventResult:
    case: str
    event: str
    day: date
    created: bool

    def as_dict(self) -> dict[str, Any]:
        return {"case": self.case, "event": self.event, "day": self.day.isoformat(), "created": self.created}


@dataclass(frozen=True)
class IngestResult:
    """The outcome for one message: ``recorded`` (new), ``duplicate`` (already there, same
    content), ``conflict`` (already there under this identificatie with other content; the
    first is kept), ``invalid`` (not a valid iJw message), ``unlinked`` (no case found) or
    ``skipped`` (a named pipe, device or dangling link: not a message file, not read)."""

    source: str
    status: IngestStatus
    berichttype: str | None = None
    identificatie: str | None = None
    case: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("recorded", "duplicate")

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "bericht": self.berichttype,
            "identificatie": self.identificatie,
            "case": self.case,
            "detail": self.detail,
        }
