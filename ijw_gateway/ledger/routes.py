"""The route and process-rule definitions (``routes.yaml``) as typed models.

One definition drives the deadline engine, the status output and the generated
documentation table (:func:`render_markdown` → ``docs/aanmeldroutes-deadlines.md``).
"""

from __future__ import annotations

import re
import sys
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ijw_gateway.errors import DataError, InputFileError
from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.facts import EVENTS, RouteId
from ijw_gateway.safeyaml import load_yaml, read_text

__all__ = [
    "Definitions",
    "MessageRule",
    "MessageSpec",
    "Ref",
    "Route",
    "Step",
    "Termijn",
    "load_definitions",
    "render_markdown",
]

_TERM = re.compile(r"^\s*([0-9]+)\s+(werkdag|werkdagen|week|weken)\s*$")
_BERICHT = re.compile(r"^JW[0-9]{3}$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Termijn(_Model):
    """A term: N werkdagen or N weken."""

    aantal: int = Field(ge=1, le=1000)
    eenheid: Literal["werkdagen", "weken"]

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _TERM.match(value)
            if not match:
                raise ValueError(f"a term is 'N werkdagen' or 'N weken', not {value!r}")
            unit = "werkdagen" if match[2].startswith("werkdag") else "weken"
            return {"aantal": int(match[1]), "eenheid": unit}
        return value

    def due(self, start: date, calendar: WorkingDayCalendar) -> date:
        if self.eenheid == "werkdagen":
            return calendar.add_working_days(start, self.aantal)
        return calendar.add_weeks(start, self.aantal)

    def __str__(self) -> str:
        if self.eenheid == "werkdagen":
            return f"{self.aantal} werkdag{'en' if self.aantal != 1 else ''}"
        return f"{self.aantal} {'weken' if self.aantal != 1 else 'week'}"


class Ref(_Model):
    """Something that happens in a case: ``opened``, ``event:NAME``, ``message:JWnnn``, ``step:KEY``."""

    kind: Literal["opened", "event", "message", "step"]
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value == "opened":
                return {"kind": "opened"}
            kind, sep, name = value.partition(":")
            if not sep or not name:
                raise ValueError(f"a reference is opened, event:NAME, message:JWnnn or step:KEY, not {value!r}")
            return {"kind": kind, "name": name}
        return value

    @model_validator(mode="after")
    def _check(self) -> Ref:
        if self.kind == "opened" and self.name is not None:
            raise ValueError("'opened' takes no name")
        if self.kind == "event" and self.name not in EVENTS:
            raise ValueError(f"unknown event {self.name!r}; events are {', '.join(EVENTS)}")
        if self.kind == "message" and not _BERICHT.match(self.name or ""):
            raise ValueError(f"a message reference names a berichttype like JW301, not {self.name!r}")
        if self.kind == "step" and not self.name:
            raise ValueError("a step reference names a step key")
        return self

    def __str__(self) -> str:
        return "opened" if self.kind == "opened" else f"{self.kind}:{self.name}"

    def describe(self) -> str:
        if self.kind == "opened":
            return "case opened (voorgenomen bepaling)"
        if self.kind == "event":
            return f"`{self.name}`"
        if self.kind == "message":
            return str(self.name)
        return f"stap {self.name} done"


class Step(_Model):
    """One step of a route with its term (see the header of ``routes.yaml``)."""

    key: str = ""
    step: str = Field(min_length=1)
    description: str = Field(min_length=1)
    start: tuple[Ref, ...] = Field(alias="from", min_length=1)
    done_by: tuple[Ref, ...] = Field(min_length=1)
    only_if: tuple[Ref, ...] = ()
    lapses_on: tuple[Ref, ...] = ()
    done_may_precede_start: bool = False
    term: Termijn
    escalation: str = Field(min_length=1)

    @model_validator(mode="after")
    def _default_key(self) -> Step:
        if not self.key:
            object.__setattr__(self, "key", self.step)
        return self


class Route(_Model):
    name: str
    steps: tuple[Step, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_refs(self) -> Route:
        keys = [s.key for s in self.steps]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"step keys must be unique, repeated: {', '.join(dupes)}")
        deps: dict[str, set[str]] = {}
        for s in self.steps:
            refs = (*s.start, *s.done_by, *s.only_if, *s.lapses_on)
            unknown = [r.name for r in refs if r.kind == "step" and r.name not in keys]
            if unknown:
                raise ValueError(f"step {s.key} refers to unknown step(s) {', '.join(map(str, unknown))}")
            deps[s.key] = {str(r.name) for r in refs if r.kind == "step"}
        seen: set[str] = set()

        def visit(key: str, path: tuple[str, ...]) -> None:
            if key in path:
                raise ValueError(f"steps refer to each other in a circle: {' → '.join((*path, key))}")
            if key in seen:
                return
            for dep in deps[key]:
                visit(dep, (*path, key))
            seen.add(key)

        for key in keys:
            visit(key, ())
        return self

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)


class MessageSpec(_Model):
    """A berichttype, optionally only with a given VerzoekAntwoord (``JW319:2``)."""

    berichttype: str = Field(pattern=r"^JW[0-9]{3}$")
    verzoek_antwoord: Literal["1", "2"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            berichttype, _, antwoord = value.partition(":")
            return {"berichttype": berichttype, "verzoek_antwoord": antwoord or None}
        return value

    def __str__(self) -> str:
        if self.verzoek_antwoord:
            return f"{self.berichttype} (VerzoekAntwoord {self.verzoek_antwoord})"
        return self.berichttype


class MessageRule(_Model):
    """An iJw bedrijfsregel on messages (see the ``rules`` header of ``routes.yaml``)."""

    key: str = Field(min_length=1)
    rule: str = Field(pattern=r"^OP[0-9]{3}(x[0-9]+)?$")  # OP090x4: a variant of OP090 with a code of its own
    description: str = Field(min_length=1)
    trigger: tuple[MessageSpec, ...] = Field(min_length=1)
    per: Literal["message", "product"]
    start: Literal["trigger", "request", "zorgdatum", "toewijzing_einde"] = Field(alias="from")
    request_types: tuple[str, ...] = ()
    or_later: tuple[str, ...] = ()
    done_by: tuple[MessageSpec, ...] | Literal["retour", "self"]
    retour: dict[str, str] = Field(default_factory=dict)
    term: Termijn
    escalation: str = Field(min_length=1)

    @field_validator("request_types", "or_later")
    @classmethod
    def _berichttypes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not _BERICHT.match(item):
                raise ValueError(f"not a berichttype: {item!r}")
        return value

    @model_validator(mode="after")
    def _check(self) -> MessageRule:
        if (self.start == "request") != bool(self.request_types):
            raise ValueError("request_types is required with, and only with, from: request")
        if self.done_by == "retour":
            missing = [str(t) for t in self.trigger if t.berichttype not in self.retour]
            if missing:
                raise ValueError(f"no retourbericht given for {', '.join(missing)}")
        elif self.retour:
            raise ValueError("retour is only used with done_by: retour")
        return self


class Definitions(_Model):
    version: Literal[1]
    abbreviations: dict[str, str] = Field(default_factory=dict)
    """The abbreviations the descriptions use (JB, LTM, …) and what they stand for."""
    lapses_all_on: tuple[Ref, ...] = ()
    routes: dict[RouteId, Route]
    rules: tuple[MessageRule, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Definitions:
        missing = {"301", "315"} - set(self.routes)
        if missing:
            raise ValueError(f"route(s) {', '.join(sorted(missing))} are not defined")
        if any(r.kind == "step" for r in self.lapses_all_on):
            raise ValueError("lapses_all_on cannot refer to steps")
        keys = [r.key for r in self.rules]
        if len(set(keys)) != len(keys):
            raise ValueError("rule keys must be unique")
        return self

    @property
    def request_types(self) -> frozenset[str]:
        """Every berichttype that some rule treats as a request (JW315, JW317)."""
        return frozenset(t for r in self.rules for t in r.request_types)

    @classmethod
    def from_yaml(cls, text: str, source: str = "route definitions") -> Definitions:
        try:
            return cls.model_validate(load_yaml(text, source))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}" for e in exc.errors())
            raise DataError(f"{source} are invalid: {problems}") from exc


def load_definitions(path: Path | None = None) -> Definitions:
    """The shipped definitions (``ijw_gateway/ledger/routes.yaml``, parsed once), or those in ``path``."""
    if path is None:
        return _shipped_definitions()
    return Definitions.from_yaml(read_text(Path(path), error=InputFileError), str(path))


@lru_cache(maxsize=1)
def _shipped_definitions() -> Definitions:
    text = resources.files("ijw_gateway.ledger").joinpath("routes.yaml").read_text(encoding="utf-8")
    return Definitions.from_yaml(text, "ijw_gateway/ledger/routes.yaml")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _refs(refs: tuple[Ref, ...], joiner: str = " or ") -> str:
    return joiner.join(r.describe() for r in refs) or "—"


def render_markdown(definitions: Definitions | None = None) -> str:
    """The documentation table of every route step and process rule, as Markdown."""
    d = definitions or load_definitions()
    out: list[str] = [
        "# Deadlines of the aanmeldroutes and the iJw process rules",
        "",
        "<!-- Generated from ijw_gateway/ledger/routes.yaml by "
        "`python -m ijw_gateway.ledger docs/aanmeldroutes-deadlines.md`; do not edit. -->",
        "",
        "This table is generated from the same definitions the deadline engine and "
        "`ijw ledger status` use. Terms: *N werkdagen* is the N-th working day after the "
        "start date (the start date itself never counts; Saturdays, Sundays and the "
        "algemeen erkende feestdagen of the Algemene termijnenwet are skipped); *N weken* "
        "is the start date plus 7N calendar days, kept as it is when that date is not a "
        "working day. A moment counts on its Europe/Amsterdam date.",
        "",
        "A step's term starts at the first of its *counted from* alternatives that "
        "happened; it is done by the first of its *completed by* facts on or after its "
        "start (or the first at all, where the table says so). A step whose start has not "
        "happened is not listed. A step is no longer monitored (not listed) when one of its "
        "*lapses on* facts happened before it was done: the route took another branch. "
        f"Once {_refs(d.lapses_all_on)} happened, deadlines not done are no longer listed.",
        "",
        "The status is computed as of a day (`--today`): facts dated after it are ignored. "
        "A deadline is `met` when done on or before its due date, `late` when done after it, "
        "`overdue` when not done and the day is after the due date, `open` otherwise; only "
        "overdue deadlines carry the *when overdue* advice.",
        "",
    ]
    for route_id, route in sorted(d.routes.items()):
        out += [
            f"## {route_id} route — {route.name}",
            "",
            "| stap | what happens | completed by | termijn | counted from | only if | lapses on | when overdue |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for s in route.steps:
            done = _refs(s.done_by)
            if s.done_may_precede_start:
                done += " (also before the start)"
            out.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        s.step if s.key == s.step else f"{s.step} ({s.key})",
                        s.description,
                        done,
                        str(s.term),
                        _refs(s.start, " else "),
                        _refs(s.only_if),
                        _refs(s.lapses_on),
                        s.escalation,
                    )
                )
                + " |"
            )
        out.append("")
    out += [
        "## iJw 3.2 process rules",
        "",
        "One deadline per triggering message, or per product of it when the rule is per "
        "product and the message names products (ReferentieAanbieder / ToewijzingNummer). "
        "Answers count when they are about the same product and dated on or after the "
        "trigger, in either direction.",
        "",
        "| regel | what | trigger | completed by | termijn | counted from | per | when overdue |",
        "|---|---|---|---|---|---|---|---|",
    ]
    starts = {
        "trigger": "receipt of the trigger",
        "request": "the request it answers ({})",
        "zorgdatum": "the actual date of care in the trigger",
        "toewijzing_einde": "the Einddatum of the started toewijzing (its latest JW301), once it has passed",
    }
    for r in d.rules:
        if r.done_by == "retour":
            done = "its retourbericht: " + ", ".join(f"{k}→{v}" for k, v in sorted(r.retour.items()))
        elif r.done_by == "self":
            done = "the trigger itself"
        else:
            done = " or ".join(map(str, r.done_by))
        start = starts[r.start].format(", ".join(r.request_types))
        if r.or_later:
            start += f", or the {', '.join(r.or_later)} of the product when later (retroactive)"
        key = r.rule if r.key == r.rule else f"{r.rule} ({r.key})"
        cells = (key, r.description, ", ".join(map(str, r.trigger)), done, str(r.term), start, r.per, r.escalation)
        out.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Write the documentation table to the given path (or standard output)."""
    args = sys.argv[1:] if argv is None else argv
    text = render_markdown()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
