"""Case facts: the typed input of the deadline engine, independent of any database.

Moments (``at``) may be dates or datetimes. A datetime counts on its local date in
Europe/Amsterdam: an aware datetime is converted, a naive one is taken as Amsterdam
local time already. So a message received at 23:30 UTC on 4 May counts on 5 May.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ijw_gateway.errors import UsageError

__all__ = [
    "AMSTERDAM",
    "EVENTS",
    "CaseFacts",
    "Direction",
    "Event",
    "EventName",
    "MessageFact",
    "RouteId",
    "event_name",
    "local_date",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

RouteId = Literal["301", "315"]
Direction = Literal["sent", "received"]
EventName = Literal[
    "overleg",
    "bepaling_vastgesteld",
    "bepaling_verstuurd",
    "bepaling_ontvangen",
    "afwijzing",
    "aanbieder_gevonden",
    "ret_aangemeld",
    "ret_besproken",
    "escalatie_gestart",
    "escalatie_gesprek",
    "afgesloten",
]
#: The event vocabulary of ``ijw ledger record`` (interfaces.md), in route order.
EVENTS: tuple[str, ...] = EventName.__args__  # type: ignore[attr-defined]

Moment = datetime | date


def event_name(name: str) -> EventName:
    """Check a user-given event name (``ijw ledger record CASE EVENT``)."""
    if name not in EVENTS:
        raise UsageError(f"unknown event {name!r}; use one of: {', '.join(EVENTS)}")
    return name  # type: ignore[return-value]


def local_date(moment: Moment) -> date:
    """The Europe/Amsterdam calendar date of a moment (naive datetimes are local already)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None and moment.utcoffset() is not None:
            moment = moment.astimezone(AMSTERDAM)
        return moment.date()
    return moment


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @property
    def day(self) -> date:
        """The local date on which this fact counts."""
        return local_date(self.at)  # type: ignore[attr-defined]


class Event(_Fact):
    """A route event that is not a message (``ijw ledger record CASE EVENT``)."""

    name: EventName
    at: Moment


class MessageFact(_Fact):
    """An iJw message of a case, as far as deadlines are concerned.

    ``producten`` holds the references that tie one product across messages:
    ReferentieAanbieder (JW315, JW317, JW319, JW301) and/or ToewijzingNummer (JW301,
    JW305, JW307). Two messages concern the same product when these sets intersect; an
    empty set means "the whole message". For a retourbericht (JW302, JW316, …)
    ``identificatie`` is its own IdentificatieRetour and ``retour_op`` the Identificatie
    of the heenbericht it answers (the BerichtIdentificatie in its Header), as in
    :class:`~ijw_gateway.ledger.store.MessageRow` (other messages have no ``retour_op``).
    ``zorgdatum`` is the actual start (JW305
    Begindatum) or end (JW307 Einddatum) of care; with several products, pass the
    earliest. Direction is from the ledger owner's point of view; the deadlines do not
    depend on it, because the sender of a message watches the answer (OP090) just as
    the receiver owes it.
    """

    berichttype: str = Field(pattern=r"^JW[0-9]{3}$")
    direction: Direction
    at: Moment
    identificatie: str | None = None
    retour_op: str | None = None
    verzoek_antwoord: Literal["1", "2"] | None = None
    producten: tuple[str, ...] = ()
    zorgdatum: date | None = None
    einden: tuple[tuple[str, date], ...] = ()
    """Of a JW301: (ToewijzingNummer, Einddatum) of each toewijzing that has an Einddatum (OP272: a stop
    message is due at the latest five werkdagen after it, when care started and no JW307 came)."""

    @field_validator("berichttype", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def concerns(self, other: MessageFact) -> bool:
        """True when both messages are about (at least one) same product."""
        return not self.producten or not other.producten or bool(set(self.producten) & set(other.producten))

    def label(self) -> str:
        ident = f" {self.identificatie}" if self.identificatie else ""
        return f"{self.berichttype}{ident} of {self.day.isoformat()}"


class CaseFacts(BaseModel):
    """Everything the deadline engine needs to know about one case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case: str = Field(min_length=1)
    route: RouteId
    opened_at: Moment
    events: tuple[Event, ...] = ()
    messages: tuple[MessageFact, ...] = ()

    @property
    def opened(self) -> date:
        return local_date(self.opened_at)
