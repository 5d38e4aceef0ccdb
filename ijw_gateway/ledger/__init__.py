"""The ledger: cases, route events and messages against the deadlines of the aanmeldroutes.

The deadline engine is pure: :func:`compute_deadlines` turns :class:`CaseFacts` (as
stored by the ledger) into :class:`Deadline` items, on a :class:`WorkingDayCalendar`,
driven by the definitions in ``routes.yaml``.
"""

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

__all__ = [
    "EVENTS",
    "CaseFacts",
    "Deadline",
    "Definitions",
    "Event",
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
