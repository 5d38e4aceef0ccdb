"""``ijw demo``: the main job end to end, offline, on a fresh embedded SQLite ledger.

The story is data (``examples/demo.yaml``): per bepaling the day its case was opened,
its route events, the Dagtekening of the messages built from it and the day they were
answered. :func:`run_demo` plays it with the same functions the commands use — map and
build (``ijw build``), validate (``ijw validate``), answer (``ijw respond``), record
(``ijw ledger``), report (``ijw ledger report``) — and :func:`render_account` tells what
happened. Everything is written to a staging directory of ours first and moved into place
at the end (a new directory appears whole, by one rename), so a failed demo leaves nothing
behind.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ijw_gateway.errors import DataError, MappingError, UsageError
from ijw_gateway.files import remove_stale_temporaries, staging_directory, write_bytes_atomic
from ijw_gateway.logging import get_logger
from ijw_gateway.messages.codelists import REDEN_AFWIJZING_VERZOEK
from ijw_gateway.messages.registry import berichttype_of
from ijw_gateway.resources import data_dir
from ijw_gateway.safeyaml import read_yaml
from ijw_gateway.tussentaal.zorgvormen import describe_validation_error

__all__ = ["DemoResult", "Scenario", "default_scenario", "render_account", "run_demo"]

log = get_logger(__name__)

OUTPUTS = ("berichten", "ijw-ledger.db", "ijw-ledger.db.key", "report.html")
"""What the demo writes into its directory; a directory holding only these may be reused."""
# --------------------------------------------------------------------------- the scenario
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DemoCase(_Strict):
    bepaling: Path
    story: str
    opened: date
    events: dict[str, date] = {}
    berichten: date
    antwoord: date | None = None

    @field_validator("events")
    @classmethod
    def _known_events(cls, events: dict[str, date]) -> dict[str, date]:
        from ijw_gateway.ledger.facts import event_name

        for name in events:
            event_name(name)  # UsageError naming the known events
        return events

    @model_validator(mode="after")
    def _in_order(self) -> DemoCase:
        if any(day < self.opened for day in self.events.values()) or self.berichten < self.opened:
            raise ValueError("events and berichten cannot come before the case was opened")
        if self.antwoord is not None and self.antwoord < self.berichten:
            raise ValueError("antwoord cannot come before berichten")
        return self


class DemoReceived(_Strict):
    bericht: Path
    story: str
    antwoord: date


class Scenario(_Strict):
    """The demo's story (``examples/demo.yaml``); paths are relative to the file."""

    today: date
    cases: list[DemoCase]
    received: list[DemoReceived] = []

    @model_validator(mode="after")
    def _before_today(self) -> Scenario:
        days = [d for c in self.cases for d in (c.opened, c.berichten, c.antwoord, *c.events.values()) if d]
        days += [r.antwoord for r in self.received]
        if any(day > self.today for day in days):
            raise ValueError(f"every date must be on or before today ({self.today})")
        return self

    @classmethod
    def load(cls, path: Path) -> Scenario:
        raw = read_yaml(path, error=UsageError)  # size, alias and depth limits, as for every data file
        try:
            scenario = cls.model_validate(raw)
        except ValidationError as error:
            raise DataError(describe_validation_error(f"the demo scenario {path}", error)) from None
        except UsageError as error:
            raise DataError(f"the demo scenario {path} is not valid: {error}") from None
        base = path.parent
        resolved = scenario.model_copy(update={
            "cases": [c.model_copy(update={"bepaling": base / c.bepaling}) for c in scenario.cases],
            "received": [r.model_copy(update={"bericht": base / r.bericht}) for r in scenario.received],
        })
        for item in [*(c.bepaling for c in resolved.cases), *(r.bericht for r in resolved.received)]:
            if not item.is_file():
                raise DataError(f"the demo scenario {path} names {item}, which does not exist")
        return resolved


def default_scenario() -> Path:
    return data_dir("examples") / "demo.yaml"


# --------------------------------------------------------------------------- what happened
@dataclass
class Built:
    case: str
    route: str
    gemeente: str
    regio: str
    story: str
    files: list[Path] = field(default_factory=list)
    aanbieders: list[str] = field(default_factory=list)
    valid: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # conversions by a contract's rule and splits


@dataclass
class Answered:
    file: Path
    bericht: str | None
    accepted: bool
    day: date
    answers: list[str]
    ledger: str


@dataclass
class DemoResult:
    directory: Path
    today: date
    built: list[Built]
    answered: list[Answered]
    deadlines: list[Any]
    counts: dict[str, int]
    seconds: float

    @property
    def berichten(self) -> Path:
        return self.directory / "berichten"

    @property
    def report(self) -> Path:
        return self.directory / "report.html"

    @property
    def ledger_url(self) -> str:
        return f"sqlite:///{self.directory / 'ijw-ledger.db'}"


# --------------------------------------------------------------------------- the run
def _target(directory: Path | None) -> Path:
    """The demo's directory: a new temporary one, or ``--dir`` (a link to a directory is followed)
    when it is new, empty, or holds only an earlier demo's output (real files, no links)."""
    if directory is None:
        try:
            return Path(tempfile.mkdtemp(prefix="ijw-demo-"))
        except OSError as error:
            raise UsageError(f"cannot create a directory for the demo in {tempfile.gettempdir()} "
                             f"({error.strerror or error}); give one with --dir") from None
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--dir {directory}: is a file (expected a directory for the demo's output)")
    if directory.is_dir():
        directory = directory.resolve()
        remove_stale_temporaries(directory)  # a killed demo's staging directory
        try:
            entries = sorted(directory.iterdir())
        except OSError as error:
            raise UsageError(f"--dir {directory}: cannot be read ({error.strerror or error})") from None
        others = [p.name for p in entries if p.name not in OUTPUTS]
        if others:
            raise UsageError(
                f"--dir {directory}: holds other files ({', '.join(others[:3])}); give a new or empty directory "
                "(a directory with only an earlier demo's output is reused)"
            )
        for old in entries:
            expected = old.is_dir() if old.name == "berichten" else old.is_file()
            if old.is_symlink() or not expected:
                raise UsageError(f"--dir {directory}: {old.name} is not an earlier demo's (a link, or not a "
                                 f"{'directory' if old.name == 'berichten' else 'file'}); give a new or empty "
                                 "directory")
    elif directory.is_symlink():
        raise UsageError(f"--dir {directory}: is a symbolic link to nothing (expected a directory)")
    elif not directory.parent.is_dir():
        raise UsageError(f"--dir {directory}: its parent directory does not exist")
    return directory


def _move_into_place(stage: Path, target: Path) -> None:
    """The staged outputs into ``target``: the whole staging directory renamed to a new ``target``,
    or each output replacing an earlier demo's."""
    if not target.exists():
        os.replace(stage, target)
        os.chmod(target, 0o777 & ~_umask())
        return
    for name in OUTPUTS:
        old = target / name
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink(missing_ok=True)
        os.replace(stage / name, old)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def run_demo(directory: Path | None = None, scenario: Path | None = None, today: date | None = None) -> DemoResult:
    """Play the demo scenario into ``directory`` (default: a new temporary directory)."""
    story = Scenario.load(scenario or default_scenario())
    day = today or story.today
    if day < story.today:
        raise UsageError(f"--today {day}: the demo's story runs until {story.today}; give that day or a later one")
    target = _target(directory)
    started = time.perf_counter()
    stage = staging_directory(target if target.exists() else target.parent, f"--dir {target}")
    try:
        built, answered, deadlines, counts = _play(story, stage, day)
        _move_into_place(stage, target)
    except BaseException:
        if directory is None:
            shutil.rmtree(target, ignore_errors=True)  # the new temporary directory, empty but for the stage
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    result = DemoResult(target, day, built, answered, deadlines, counts, time.perf_counter() - started)
    log.info("demo done", cases=len(built), answered=len(answered), deadlines=len(deadlines),
             seconds=round(result.seconds, 2))
    return result


def _play(story: Scenario, stage: Path, today: date) -> tuple[list[Built], list[Answered], list[Any], dict[str, int]]:
    from ijw_gateway.ledger.ledger import Ledger
    from ijw_gateway.ledger.report import render_html
    from ijw_gateway.workflows.monitor import monitor_report

    berichten = stage / "berichten"
    berichten.mkdir()
    key = secrets.token_hex(32)  # beside the ledger, owner-only: fictitious data only (a real key is kept apart)
    fd = os.open(stage / "ijw-ledger.db.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    built: list[Built] = []
    answered: list[Answered] = []
    with Ledger(f"sqlite:///{stage / 'ijw-ledger.db'}", key=key) as ledger:
        for case in story.cases:
            item, sent = _build_case(case, ledger, berichten)
            built.append(item)
            if case.antwoord is not None:
                answered += _answer_all(sent, case.antwoord, ledger, berichten)
        for received in story.received:
            answered += _answer_all([received.bericht], received.antwoord, ledger, berichten)
        deadlines = ledger.status(today=today)
        counts = ledger.counts()
        report = monitor_report(ledger, today)
    write_bytes_atomic(stage / "report.html", render_html(report).encode("utf-8"))
    return built, answered, deadlines, counts


def _build_case(case: DemoCase, ledger: Any, berichten: Path) -> tuple[Built, list[Path]]:
    """Open the case, record its events, build, validate and record its messages."""
    from ijw_gateway.tussentaal import Bepaling, default_catalog
    from ijw_gateway.tussentaal.mapping import map_or_raise
    from ijw_gateway.workflows.build import build_and_record
    from ijw_gateway.workflows.cases import case_of

    bep = Bepaling.load(case.bepaling)
    catalog = default_catalog()
    gemeente = catalog.gemeente(bep.gemeente)
    item = Built(case=bep.kenmerk, route=bep.route, gemeente=gemeente.naam if gemeente else bep.gemeente,
                 regio=catalog.regio(bep.gemeente) or "?", story=case.story)
    ledger.open_case(case_of(bep, catalog), at=case.opened)
    for event, day in sorted(case.events.items(), key=lambda e: e[1]):
        ledger.record(bep.kenmerk, event, at=day)
    try:  # mapped, built, validated once, written and recorded as one unit, as `ijw build --ledger` does
        built = build_and_record(bep, berichten, dagtekening=case.berichten, catalog=catalog, ledger=ledger)
    except MappingError as error:
        item.error = str(error)
        return item, []
    item.notes = _notes(map_or_raise(bep, catalog=catalog))
    for path, message in zip(built.paths, built.messages, strict=True):
        item.files.append(path)
        header = message.model.Header  # type: ignore[union-attr]
        item.aanbieders.append(header.Ontvanger if bep.route == "301" else header.Afzender)
        item.valid += message.valid
    return item, item.files


def _notes(mapped: list[Any]) -> list[str]:
    """What the mapping did beyond a plain translation: conversions by the contract's rule, splits."""
    notes = []
    for line in mapped:
        if not line.omrekening.exact:
            notes.append(f"line {line.regel} {line.zorgvorm}: {line.omrekening.tekst}")
        if line.splitsing is not None:
            notes.append(f"line {line.regel} {line.zorgvorm}: {line.splitsing.tekst}")
    return notes


def _answer_all(paths: list[Path], day: date, ledger: Any, berichten: Path) -> list[Answered]:
    """Answer ``paths``, and the gemeente's decisions those answers hold (the provider's JW302 / JW320)."""
    answered: list[Answered] = []
    queue = list(paths)
    while queue:
        item, decisions = _answer(queue.pop(0), day, ledger, berichten)
        answered.append(item)
        queue += decisions
    return answered


def _answer(path: Path, day: date, ledger: Any, berichten: Path) -> tuple[Answered, list[Path]]:
    """The receiver's answer to one message, as ``ijw respond --ledger`` gives it, and its decisions."""
    from ijw_gateway.validation.validator import SeenIdentificaties, ValidationContext
    from ijw_gateway.workflows.respond import respond_to

    context = ValidationContext(today=day, seen=SeenIdentificaties(register=ledger))
    response = respond_to(path.read_bytes(), context, berichten, path.stem, label=path.name, ledger=ledger)
    answers = [response.retour.stem.rsplit("-", 1)[-1]] if response.retour else []
    for _, message in response.besluit:
        naam = berichttype_of(message).naam
        answers.append(_jw319_words(message) if naam == "JW319" else f"{naam} (toegewezen)")
    first = response.ledger[0] if response.ledger else None
    if first is None:
        note = "not recorded"
    elif first.status == "unlinked":
        note = "belongs to no case in the ledger, so it is answered but not recorded"
    else:
        note = f"recorded for case {first.case}"
    item = Answered(path, response.report.bericht, response.report.valid, day, answers, note)
    return item, [p for p, _ in response.besluit]


def _jw319_words(message: Any) -> str:
    antwoord = message.Antwoord
    if antwoord.VerzoekAntwoord == "2":
        return "JW319 (in onderzoek)"
    reden = antwoord.RedenAfwijzingVerzoek
    return f"JW319 (afgewezen, reden {reden}: {REDEN_AFWIJZING_VERZOEK[reden].lower()})"


# --------------------------------------------------------------------------- the account
def render_account(result: DemoResult) -> str:
    """A short, readable account of the demo: built, answered, deadlines, files."""
    lines = [f"ijw demo — the main job end to end, as of {result.today:%Y-%m-%d}", ""]
    lines.append("1. Bepalingen mapped through the tussentaal to each region's contract and built:")
    for b in result.built:
        where = f"{b.gemeente} ({b.regio})"
        if b.error:
            lines.append(f"   ✗ {b.case}  route {b.route}  {where}: not built — {b.error}")
            continue
        kind = "JW301 to provider" if b.route == "301" else "JW315 from provider"
        parties = ", ".join(b.aanbieders)
        lines.append(f"   ✓ {b.case}  route {b.route}  {where}: {len(b.files)} × {kind} {parties}; "
                     f"{b.valid} of {len(b.files)} valid")
        lines.append(f"       {b.story}")
        lines += [f"       {note}" for note in b.notes]
    lines += ["", "2. Answered by the receiving party:"]
    for a in result.answered:
        verdict = "accepted" if a.accepted else "rejected"
        lines.append(f"   {a.file.name}: {a.bericht} {verdict} on {a.day:%Y-%m-%d} → {', '.join(a.answers) or '-'}"
                     f"; {a.ledger}")
    states = Counter(d.state for d in result.deadlines)
    key = f"IJW_LEDGER_KEY_FILE={shlex.quote(str(result.directory / 'ijw-ledger.db.key'))}"
    lines += ["", f"3. The ledger: {result.counts['cases']} cases, {result.counts['messages']} messages, "
              f"{result.counts['events']} route events. Deadlines on {result.today:%Y-%m-%d}: "
              + ", ".join(f"{states.get(s, 0)} {s}" for s in ("met", "late", "open", "overdue"))]
    unmapped = {b.case for b in result.built if b.error}
    for d in sorted(result.deadlines, key=lambda d: (d.due, d.case)):
        if d.state == "overdue":
            lines.append(f"   OVERDUE {d.case} step {d.step} (due {d.due:%Y-%m-%d}): {d.subject or d.description}")
            if d.case in unmapped and not d.step.startswith("OP"):
                lines.append("       its bepaling could not be mapped to the region's contract (see 1.), so no "
                             "provider could be assigned")
            lines.append(f"       next: {d.escalation}")
        elif d.state == "open":
            lines.append(f"   open    {d.case} step {d.step} (due {d.due:%Y-%m-%d}): {d.subject or d.description}")
    lines += [
        "",
        "4. Files:",
        f"   messages  {result.berichten}/ ({sum(1 for _ in result.berichten.glob('*.xml'))} files)",
        f"   ledger    {result.directory / 'ijw-ledger.db'} (its key beside it in ijw-ledger.db.key: for "
        "fictitious data only; a real ledger's key is kept apart, see SECURITY.md)",
        f"   report    {result.report}",
        "",
        "Look further with, for example:",
        f"   ijw validate {result.berichten}",
        f"   {key} ijw ledger --db {result.ledger_url} status --today {result.today:%Y-%m-%d}",
        f"   {key} ijw ledger --db {result.ledger_url} report --today {result.today:%Y-%m-%d}",
        "",
        f"Done in {result.seconds:.1f} s.",
    ]
    return "\n".join(lines) + "\n"
