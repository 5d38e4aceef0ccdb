"""The provider's side of the chain: a JW305 Start zorg or a JW307 Stop zorg for a received JW301.

``ijw start`` / ``ijw stop`` and ``ijw.start`` / ``ijw.stop``. The toewijzing is read and
judged once (``check``); the products chosen by ToewijzingNummer are copied into the
regiebericht with their Product and Ingangsdatum (IV008: ToewijzingNummer, Product and
Begindatum are the logical key, TR382 wants the stop to repeat the start's); the client's
BSN, birth date, gender and name come from the toewijzing and go nowhere but the message.
The built message is validated as built (``check_built``: our XSD and every rule), then
written and recorded as one unit (``publish``): all of it, or on a failure none of it.

Options are checked before anything is built, each with one sentence naming the option:
a ToewijzingNummer the JW301 does not hold, a begindatum outside the toewijzing or after the
Dagtekening (a regiebericht reports care that started or ended), an einddatum before the
begindatum, a RedenBeeindiging outside JZ588.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ijw_gateway.errors import InputFileError, MessageError, UsageError
from ijw_gateway.files import DanglingLink, NotARegularFile, read_regular_file
from ijw_gateway.messages import jw301, jw305, jw307
from ijw_gateway.messages.basisschema import CDT_BerichtIdentificatie, CDT_VerkorteNaam
from ijw_gateway.messages.codelists import REDEN_BEEINDIGING
from ijw_gateway.messages.identificatie import identificatie
from ijw_gateway.messages.xsd import IjwModel
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.output import first_error
from ijw_gateway.validation.validator import ValidationContext, check
from ijw_gateway.workflows.build import check_all
from ijw_gateway.workflows.publish import publish

if TYPE_CHECKING:
    from ijw_gateway.ledger.ledger import IngestResult, Ledger

__all__ = ["EERSTE_AANLEVERING", "Regiebericht", "read_toewijzing", "start", "stop"]

EERSTE_AANLEVERING = "1"
"""StatusAanlevering 1 (COD467): a first delivery; a correction removes a line (3) and sends it again."""

Soort = Literal["JW305", "JW307"]


@dataclass
class Regiebericht:
    """A JW305 or JW307 as built, validated, written (``path``) and recorded (``recorded``)."""

    message: CheckedMessage
    toewijzing: CheckedMessage
    producten: tuple[str, ...]
    """The ToewijzingNummers it starts or stops."""
    path: Path | None = None
    recorded: list[IngestResult] | None = None

    @property
    def model(self) -> IjwModel:
        assert self.message.model is not None
        return self.message.model

    @property
    def data(self) -> bytes:
        return self.message.data

    @property
    def bericht(self) -> str:
        return str(self.message.bericht)

    @property
    def filename(self) -> str:
        """``JW305-<Identificatie>.xml``: the same options (and day) give the same message under the same name."""
        return f"{self.bericht}-{self.model.Header.BerichtIdentificatie.Identificatie}.xml"  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- the toewijzing
def read_toewijzing(toewijzing: Any, today: date) -> CheckedMessage:
    """The received JW301 (bytes, a file path, a JW301 model or a checked message), judged once.

    Not a JW301, or a JW301 that breaks a rule, is refused: a provider answers that one
    with its retourbericht (``ijw respond``), not with a start or stop.
    """
    if isinstance(toewijzing, CheckedMessage):
        checked = toewijzing
    elif isinstance(toewijzing, jw301.JW301):
        checked = check_all([toewijzing], today)[0]
    else:
        label, data = _bytes_of(toewijzing)
        checked = check(data, ValidationContext(today=today), file=label)
    label = checked.report.file or "the toewijzing"
    if checked.bericht != "JW301":
        what = f"a {checked.bericht}" if checked.bericht else "not an iJw message"
        if checked.bericht is None:
            first = first_error(checked.report.findings)
            reason = f" ({first.message})" if first is not None else ""
            raise UsageError(f"{label}: this is {what}{reason}; expected a received JW301 toewijzing")
        raise UsageError(f"{label}: this is {what}; expected a received JW301 toewijzing")
    if not checked.valid or checked.model is None:
        first = first_error(checked.report.findings)
        assert first is not None  # an invalid message has an error
        where = f" at {first.path}" if first.path else ""
        raise MessageError(
            f"{label}: the JW301 is invalid ({first.rule}{where}: {first.message}); answer it with "
            "'ijw respond' (its JW302), not with a start or stop", checked.report.findings)
    return checked


def _bytes_of(toewijzing: Any) -> tuple[str, bytes]:
    if isinstance(toewijzing, bytes | bytearray | memoryview):
        return "<bytes>", bytes(toewijzing)
    if isinstance(toewijzing, str | Path):
        path = Path(toewijzing)
        limit = ValidationContext().limits.max_bytes
        try:
            data = read_regular_file(path, limit + 1)
        except DanglingLink:
            raise InputFileError(f"{path}: a link to a file that does not exist; expected a JW301 file") from None
        except FileNotFoundError:
            raise InputFileError(f"{path}: no such file; expected a received JW301 file") from None
        except IsADirectoryError:
            raise InputFileError(f"{path}: this is a directory; expected a received JW301 file") from None
        except NotARegularFile:
            raise InputFileError(f"{path}: not a regular file (a pipe, device, socket); expected a JW301") from None
        except OSError as error:
            raise InputFileError(f"{path}: cannot be read ({error.strerror or error})") from None
        if len(data) > limit:
            raise InputFileError(f"{path}: larger than the limit of {limit:,} bytes for one message")
        return str(path), data
    raise UsageError(
        f"expected the toewijzing as bytes, a file path or a JW301, got {type(toewijzing).__name__}"
    )


def _chosen(model: jw301.JW301, nummers: Sequence[str | int] | None) -> list[jw301.ToegewezenProduct]:
    producten = model.Client.ToegewezenProducten.ToegewezenProduct
    held = [str(p.ToewijzingNummer) for p in producten]
    if not nummers:
        if len(producten) == 1:
            return list(producten)
        raise UsageError(f"the JW301 assigns {len(producten)} products (ToewijzingNummer {', '.join(held)}): "
                         "choose one or more with --toewijzing NUMMER")
    chosen: list[jw301.ToegewezenProduct] = []
    for nummer in dict.fromkeys(str(n).strip() for n in nummers):
        product = next((p for p in producten if str(p.ToewijzingNummer) == nummer), None)
        if product is None:
            raise UsageError(f"--toewijzing {nummer}: the JW301 holds no such ToewijzingNummer "
                             f"(it holds {', '.join(held)})")
        chosen.append(product)
    return chosen


def _check_begindatum(producten: list[jw301.ToegewezenProduct], begindatum: date, today: date) -> None:
    if not isinstance(begindatum, date):
        raise UsageError(f"--begindatum must be a date (YYYY-MM-DD), not {begindatum!r}")
    for p in producten:
        if begindatum < p.Ingangsdatum:
            raise UsageError(f"--begindatum {begindatum}: lies before the Ingangsdatum {p.Ingangsdatum} of "
                             f"toewijzing {p.ToewijzingNummer}; care starts within the toewijzing")
        if p.Einddatum is not None and begindatum > p.Einddatum:
            raise UsageError(f"--begindatum {begindatum}: lies after the Einddatum {p.Einddatum} of "
                             f"toewijzing {p.ToewijzingNummer}; care starts within the toewijzing")
    if begindatum > today:
        raise UsageError(f"--begindatum {begindatum}: lies after the Dagtekening {today}; a start or stop "
                         "message reports care that has started (send it on or after the day it starts)")


def _check_einde(producten: list[jw301.ToegewezenProduct], begindatum: date, einddatum: date, reden: str,
                 today: date) -> None:
    if not isinstance(einddatum, date):
        raise UsageError(f"--einddatum must be a date (YYYY-MM-DD), not {einddatum!r}")
    if einddatum < begindatum:
        raise UsageError(f"--einddatum {einddatum}: lies before the begindatum {begindatum}; care ends on or "
                         "after the day it started")
    for p in producten:
        if p.Einddatum is not None and einddatum > p.Einddatum:
            raise UsageError(f"--einddatum {einddatum}: lies after the Einddatum {p.Einddatum} of toewijzing "
                             f"{p.ToewijzingNummer}; care ends within the toewijzing")
    if einddatum > today:
        raise UsageError(f"--einddatum {einddatum}: lies after the Dagtekening {today}; a stop message reports "
                         "care that has ended (send it on or after the last day of care)")
    if reden not in REDEN_BEEINDIGING:
        codes = ", ".join(REDEN_BEEINDIGING.describe(c) for c in REDEN_BEEINDIGING)
        raise UsageError(f"--reden {reden}: not a RedenBeeindiging of {REDEN_BEEINDIGING.id}; expected one of {codes}")


# ----------------------------------------------------------------------------- building
def _client(model: jw301.JW301, producten_field: str, producten: Any, module: Any) -> Any:
    client = model.Client
    naam = client.Naam
    verkort = CDT_VerkorteNaam(Geslachtsnaam=naam.Geslachtsnaam, Voornamen=naam.Voornamen,
                               Voorletters=naam.Voorletters)
    return module.Client(Bsn=client.Bsn, Geboortedatum=client.Geboortedatum, Geslacht=client.Geslacht, Naam=verkort,
                         **{producten_field: producten})


def _header(model: jw301.JW301, module: Any, soort: Soort, today: date, *parts: object) -> Any:
    header = model.Header
    # Derived from everything the message says (the day too): a re-run writes the same message again, and
    # a message of another day or content never shares its Identificatie (TR056).
    ident = identificatie(soort, header.Ontvanger, header.Afzender, header.BerichtIdentificatie.Identificatie,
                          today, *parts)
    return module.Header(Afzender=header.Ontvanger, Ontvanger=header.Afzender,
                         BerichtIdentificatie=CDT_BerichtIdentificatie(Identificatie=ident, Dagtekening=today))


def start_model(toewijzing: jw301.JW301, producten: list[jw301.ToegewezenProduct], begindatum: date,
                today: date) -> jw305.JW305:
    """The JW305 that starts ``producten`` of ``toewijzing`` on ``begindatum``."""
    items = [jw305.StartProduct(ToewijzingNummer=p.ToewijzingNummer, Product=p.Product,
                                ToewijzingIngangsdatum=p.Ingangsdatum, Begindatum=begindatum,
                                StatusAanlevering=EERSTE_AANLEVERING) for p in producten]
    nummers = [p.ToewijzingNummer for p in producten]
    return jw305.JW305(Header=_header(toewijzing, jw305, "JW305", today, nummers, begindatum),
                       Client=_client(toewijzing, "StartProducten", jw305.StartProducten(StartProduct=items), jw305))


def stop_model(toewijzing: jw301.JW301, producten: list[jw301.ToegewezenProduct], begindatum: date,
               einddatum: date, reden: str, today: date) -> jw307.JW307:
    """The JW307 that stops ``producten`` (started on ``begindatum``) on ``einddatum`` for ``reden``."""
    items = [jw307.StopProduct(ToewijzingNummer=p.ToewijzingNummer, Product=p.Product,
                               ToewijzingIngangsdatum=p.Ingangsdatum, Begindatum=begindatum, RedenBeeindiging=reden,
                               Einddatum=einddatum, StatusAanlevering=EERSTE_AANLEVERING) for p in producten]
    nummers = [p.ToewijzingNummer for p in producten]
    return jw307.JW307(Header=_header(toewijzing, jw307, "JW307", today, nummers, begindatum, einddatum, reden),
                       Client=_client(toewijzing, "StopProducten", jw307.StopProducten(StopProduct=items), jw307))


def _publish(result: Regiebericht, out: Path | None, ledger: Ledger | None) -> Regiebericht:
    files = [(out / result.filename, result.data)] if out is not None else []

    def record() -> list[IngestResult] | None:
        if ledger is None:
            return None
        return ledger.record_checked([(result.toewijzing, "received"), (result.message, "sent")])

    paths, recorded = publish(files, record)
    result.path = paths[0] if paths else None
    result.recorded = recorded
    return result


def start(
    toewijzing: Any,
    *,
    begindatum: date,
    toewijzingnummers: Sequence[str | int] | None = None,
    today: date | None = None,
    out: Path | None = None,
    ledger: Ledger | None = None,
) -> Regiebericht:
    """``ijw start`` / ``ijw.start``: the JW305 Start zorg for a received JW301.

    ``toewijzingnummers`` chooses the products (default: the only one); ``begindatum`` is the
    real start of care; ``today`` the Dagtekening (default today). With ``out`` the message
    is written there as ``JW305-<Identificatie>.xml``; with ``ledger`` the JW301 (received)
    and the JW305 (sent) are recorded, together with the file or not at all.
    """
    day = today or date.today()
    checked = read_toewijzing(toewijzing, day)
    model: jw301.JW301 = checked.model  # type: ignore[assignment]
    producten = _chosen(model, toewijzingnummers)
    _check_begindatum(producten, begindatum, day)
    message = check_all([start_model(model, producten, begindatum, day)], day)[0]
    result = Regiebericht(message, checked, tuple(str(p.ToewijzingNummer) for p in producten))
    return _publish(result, out, ledger)


def stop(
    toewijzing: Any,
    *,
    begindatum: date,
    einddatum: date,
    reden: str,
    toewijzingnummers: Sequence[str | int] | None = None,
    today: date | None = None,
    out: Path | None = None,
    ledger: Ledger | None = None,
) -> Regiebericht:
    """``ijw stop`` / ``ijw.stop``: the JW307 Stop zorg for a received JW301.

    ``begindatum`` is the start of care as the JW305 reported it (TR382: the stop repeats the
    start's key), ``einddatum`` the last day of care, ``reden`` a RedenBeeindiging of JZ588
    (``20``: levering tijdelijk beëindigd). Writing and recording as :func:`start`.
    """
    day = today or date.today()
    checked = read_toewijzing(toewijzing, day)
    model: jw301.JW301 = checked.model  # type: ignore[assignment]
    producten = _chosen(model, toewijzingnummers)
    reden = str(reden).strip()
    _check_begindatum(producten, begindatum, day)
    _check_einde(producten, begindatum, einddatum, reden, day)
    message = check_all([stop_model(model, producten, begindatum, einddatum, reden, day)], day)[0]
    result = Regiebericht(message, checked, tuple(str(p.ToewijzingNummer) for p in producten))
    return _publish(result, out, ledger)
