"""Build a bepaling's messages and, as one unit, write and record them (``ijw build``, ``ijw.build``, the demo).

bepaling → mapping → models (``tussentaal.build``) → checked messages (XSD and every rule,
without writing and re-reading them) → files and the ledger, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ijw_gateway.errors import MessageError
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.tussentaal import Bepaling, Catalog, default_catalog
from ijw_gateway.tussentaal.build import bestandsnaam, build_models
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.output import first_error
from ijw_gateway.validation.validator import ValidationContext, check_built
from ijw_gateway.workflows.cases import bepaling_of, case_of
from ijw_gateway.workflows.publish import publish

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import IngestResult, Ledger

__all__ = ["Built", "build", "build_and_record", "build_checked", "check_all"]


def check_all(messages: list[IjwModel], today: date) -> list[CheckedMessage]:
    """Validate messages we made (XSD and every rule); MessageError at the first that would be invalid."""
    context = ValidationContext(today=today)
    checked = []
    for message in messages:
        result = check_built(message, context)
        if not result.valid:
            first = first_error(result.report.findings)
            assert first is not None  # an invalid message has an error
            raise MessageError(f"the built {berichttype_of(message).naam} would be invalid: {first.rule} at "
                               f"{first.path}: {first.message}", result.report.findings)
        checked.append(result)
    return checked


def build_checked(
    bepaling: Bepaling,
    route: str | None = None,
    dagtekening: date | None = None,
    *,
    catalog: Catalog | None = None,
    toewijzingnummer: Callable[..., int] | None = None,
) -> list[CheckedMessage]:
    """The JW301s (route 301) or JW315s (route 315) of ``bepaling``, each validated once."""
    day = dagtekening or date.today()
    models = build_models(bepaling, route, day, catalog=catalog, toewijzingnummer=toewijzingnummer)
    return check_all(models, max(day, date.today()))


@dataclass
class Built:
    """What building a bepaling produced."""

    bepaling: Bepaling
    messages: list[CheckedMessage]
    paths: list[Path] = field(default_factory=list)
    """The files written (none without an output directory)."""
    recorded: list[IngestResult] | None = None
    """What the ledger made of them (with a ledger)."""


def build_and_record(
    bepaling: Any,
    out: Path | None = None,
    *,
    route: str | None = None,
    dagtekening: date | None = None,
    catalog: Catalog | None = None,
    ledger: Ledger | None = None,
) -> Built:
    """Build, validate, write to ``out`` and record in ``ledger``, as one unit of work.

    With a ledger the ToewijzingNummers come from the gemeente's counter (the same line gets the
    same number again), the case is opened when it is not yet (at the bepaling's vastgesteld_op)
    and the messages are recorded as sent. When writing or recording fails nothing stays: no
    file, no record.
    """
    bep = bepaling_of(bepaling)
    catalog = catalog or default_catalog()
    counter = ledger.toewijzingnummer if ledger is not None else None
    messages = build_checked(bep, route, dagtekening, catalog=catalog, toewijzingnummer=counter)
    files = [(out / bestandsnaam(bep.kenmerk, m.model), m.data) for m in messages] if out is not None else []  # type: ignore[arg-type]

    def record() -> list[IngestResult] | None:
        if ledger is None:
            return None
        return ledger.record_checked([(m, "sent") for m in messages], case=case_of(bep, catalog))

    paths, recorded = publish(files, record)
    return Built(bep, messages, paths, recorded)


def build(
    bepaling: Any,
    route: str | None = None,
    dagtekening: date | None = None,
    *,
    catalog: Catalog | None = None,
    toewijzingnummer: Callable[..., int] | None = None,
    ledger: Ledger | None = None,
) -> list[IjwModel]:
    """``ijw.build``: the JW301s or JW315s of a bepaling (a Bepaling, a file path or a mapping), each validated.

    With ``ledger`` it does what ``ijw build --ledger`` does without writing files: numbers the
    toewijzingen from the gemeente's counter and records the case and its messages. Raises
    :class:`~ijw_gateway.errors.MappingError` for a line that cannot be mapped or a provider
    without contract, :class:`~ijw_gateway.errors.MessageError` if a built message would break a rule.
    """
    if ledger is not None:
        built = build_and_record(bepaling, route=route, dagtekening=dagtekening, catalog=catalog, ledger=ledger)
        return [m.model for m in built.messages]  # type: ignore[misc]
    checked = build_checked(bepaling_of(bepaling), route, dagtekening, catalog=catalog,
                            toewijzingnummer=toewijzingnummer)
    return [m.model for m in checked]  # type: ignore[misc]
