"""The ledger: cases, route events and messages against the deadlines of the aanmeldroutes.

The deadline engine is pure: :func:`compute_deadlines` turns :class:`CaseFacts` (as
stored by the ledger) into :class:`Deadline` items, on a :class:`WorkingDayCalendar`,
driven by the definitions in ``routes.yaml``. :class:`Ledger` (``ijw.Ledger``) stores cases,
route events and messages on SQLite or PostgreSQL and answers with those deadlines; it is
imported lazily, so the pure engine does not load the database stack.
"""

from typing import TYPE_CHECKING, Any

from ijw_gateway.ledger.calendar import WorkingDayCalendar, feestdagen
from ijw_gateway.ledger.deadlines import (
    Deadline,
    State,
    compute_all,
    compute_deadlines,
    deadline_state,
    select_deadlines,
)
from ijw_gateway.ledger.facts import EVENTS, CaseFacts, Event, MessageFact, event_name, local_date
from ijw_gateway.ledger.routes import Definitions, load_definitions, render_markdown

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import CaseInfo, EventResult, IngestResult, Ledger

_LAZY = {"CaseInfo", "EventResult", "IngestResult", "Ledger"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from ijw_gateway.ledger import ledger

        return getattr(ledger, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EVENTS",
    "CaseFacts",
    "CaseInfo",
    "Deadline",
    "Definitions",
    "Event",
    "EventResult",
    "IngestResult",
    "Ledger",
    "MessageFact",
    "State",
    "WorkingDayCalendar",
    "compute_all",
    "compute_deadlines",
    "deadline_state",
    "event_name",
    "feestdagen",
    "load_definitions",
    "local_date",
    "render_markdown",
    "select_deadlines",
]
