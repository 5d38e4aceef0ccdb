"""The deadline engine: case facts + calendar + today → deadlines, driven by ``routes.yaml``.

Decisions (also in ``docs/aanmeldroutes-deadlines.md``):

* Every moment counts on its Europe/Amsterdam date (:func:`~ijw_gateway.ledger.facts.local_date`).
* The status is computed *as of* ``today``: facts dated after ``today`` are ignored, so
  ``--today`` in the past shows the ledger as it stood that day.
* A deadline whose start has not happened is not listed. Route steps whose branch was
  not taken (a ``lapses_on`` fact happened before the step was done) and deadlines not
  done of a closed case (``afgesloten``) are not listed either; the rest stays listed.
* ``state``: ``met`` (done on or before due), ``late`` (done after due), ``overdue``
  (not done and today > due), ``open`` (not done, today ≤ due). Only overdue deadlines
  carry the escalation advice.
* One deadline per route step per case: a step is done by the first matching fact on or
  after its start; later repetitions (a second afwijzing) do not open a new term.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.facts import CaseFacts, Event, MessageFact, RouteId
from ijw_gateway.ledger.routes import Definitions, MessageRule, MessageSpec, Ref, Route, Step, load_definitions

__all__ = ["Deadline", "State", "compute_all", "compute_deadlines", "deadline_state", "select_deadlines"]

State = Literal["open", "met", "overdue", "late"]


class Deadline(BaseModel):
    """One term of one case; ``model_dump(mode="json")`` gives the ``ijw ledger status`` item."""

    model_config = ConfigDict(frozen=True)

    case: str
    route: RouteId
    step: str
    key: str
    description: str
    term: str
    start: date
    due: date
    done: date | None
    state: State
    subject: str | None = None
    escalation: str | None = None


def deadline_state(due: date, done: date | None, today: date) -> State:
    if done is not None:
        return "met" if done <= due else "late"
    return "overdue" if today > due else "open"


class _Case:
    """The facts of one case as of ``today``, with the look-ups the definitions need."""

    def __init__(self, facts: CaseFacts, today: date) -> None:
        self.facts = facts
        self.events: list[Event] = sorted((e for e in facts.events if e.day <= today), key=lambda e: e.day)
        self.messages: list[MessageFact] = sorted((m for m in facts.messages if m.day <= today), key=lambda m: m.day)

    def first(self, ref: Ref, since: date | None = None) -> date | None:
        """The date of the first fact matching an event or message ref (on or after ``since``)."""
        if ref.kind == "opened":
            return self.facts.opened
        if ref.kind == "event":
            days = (e.day for e in self.events if e.name == ref.name)
        elif ref.kind == "message":
            days = (m.day for m in self.messages if m.berichttype == ref.name)
        else:  # pragma: no cover - steps are resolved by _RouteEval
            raise ValueError(ref)
        return next((d for d in days if since is None or d >= since), None)


class _RouteEval:
    def __init__(self, case: _Case, route: Route, definitions: Definitions, calendar: WorkingDayCalendar) -> None:
        self.case = case
        self.route = route
        self.lapses_all_on = definitions.lapses_all_on
        self.calendar = calendar
        self._memo: dict[str, tuple[date, date, date | None] | None] = {}

    def happened(self, ref: Ref, since: date | None = None) -> date | None:
        if ref.kind == "step":
            result = self.evaluate(self.route.step(str(ref.name)))
            if result is None or result[2] is None:
                return None
            done = result[2]
            return done if since is None or done >= since else None
        return self.case.first(ref, since)

    def evaluate(self, step: Step) -> tuple[date, date, date | None] | None:
        """(start, due, done) of a step, or None when it is not started or not monitored."""
        if step.key not in self._memo:
            self._memo[step.key] = self._evaluate(step)
        return self._memo[step.key]

    def _evaluate(self, step: Step) -> tuple[date, date, date | None] | None:
        if step.only_if and not any(self.happened(r) for r in step.only_if):
            return None
        start = next((d for r in step.start if (d := self.happened(r)) is not None), None)
        if start is None:
            return None
        since = None if step.done_may_precede_start else start
        done_days = [d for r in step.done_by if (d := self.happened(r, since)) is not None]
        done = min(done_days) if done_days else None
        lapsed = [d for r in (*step.lapses_on, *self.lapses_all_on) if (d := self.happened(r)) is not None]
        if lapsed and (done is None or min(lapsed) < done):
            return None
        return start, step.term.due(start, self.calendar), done


def _matches(message: MessageFact, specs: Iterable[MessageSpec]) -> bool:
    return any(
        message.berichttype == s.berichttype
        and (s.verzoek_antwoord is None or message.verzoek_antwoord == s.verzoek_antwoord)
        for s in specs
    )


def _about(message: MessageFact, product: str | None) -> bool:
    return product is None or not message.producten or product in message.producten


def _rule_deadlines(
    case: _Case, rule: MessageRule, definitions: Definitions, calendar: WorkingDayCalendar
) -> list[tuple[date, date, date | None, str]]:
    """(start, due, done, subject) for every trigger (product) of one rule."""
    out: list[tuple[date, date, date | None, str]] = []
    messages = case.messages
    retour_taken: set[int] = set()
    request_seen: set[tuple[int, str | None]] = set()  # one term per (request, product)
    for trigger in messages:
        if not _matches(trigger, rule.trigger):
            continue
        products: list[str | None] = (
            list(dict.fromkeys(trigger.producten)) if rule.per == "product" and trigger.producten else [None]
        )
        for product in products:
            subject = trigger.label() + (f", product {product}" if product else "")
            start: date | None = trigger.day
            if rule.start == "request":
                requests = [
                    m
                    for m in messages
                    if m.berichttype in definitions.request_types
                    and m.day <= trigger.day
                    and m is not trigger
                    and _about(m, product)
                    and trigger.concerns(m)
                ]
                request = requests[-1] if requests else None
                if request is None or request.berichttype not in rule.request_types:
                    continue
                if (id(request), product) in request_seen:
                    continue
                request_seen.add((id(request), product))
                start = request.day
                subject += f" on {request.label()}"
            elif rule.start == "zorgdatum":
                start = trigger.zorgdatum
                if start is None:
                    continue  # without the actual date of care the term cannot be judged
                earlier = [
                    m.day
                    for m in messages
                    if m.berichttype in rule.or_later and m.day <= trigger.day and trigger.concerns(m)
                ]
                if earlier and earlier[-1] > start:
                    start = earlier[-1]
            due = rule.term.due(start, calendar)
            done: date | None
            if rule.done_by == "self":
                done = trigger.day
            elif rule.done_by == "retour":
                done = _take_retour(trigger, rule.retour[trigger.berichttype], messages, retour_taken)
            else:
                done = next(
                    (
                        m.day
                        for m in messages
                        if m is not trigger
                        and m.day >= trigger.day
                        and _matches(m, rule.done_by)
                        and _about(m, product)
                        and m.concerns(trigger)
                    ),
                    None,
                )
            if done is None and any(case.first(r) for r in definitions.lapses_all_on):
                continue
            out.append((start, due, done, subject))
    return out


def _take_retour(trigger: MessageFact, retour_type: str, messages: list[MessageFact], taken: set[int]) -> date | None:
    """The retourbericht of ``trigger``: the one naming its identificatie, else the first unclaimed one."""
    candidates = [(i, m) for i, m in enumerate(messages) if m.berichttype == retour_type and i not in taken]
    if trigger.identificatie:
        for i, m in candidates:
            if m.retour_op == trigger.identificatie:
                taken.add(i)
                return m.day
    for i, m in candidates:
        if m.retour_op is None and m.day >= trigger.day:
            taken.add(i)
            return m.day
    return None


def compute_deadlines(
    facts: CaseFacts,
    *,
    today: date,
    calendar: WorkingDayCalendar | None = None,
    definitions: Definitions | None = None,
) -> list[Deadline]:
    """All started deadlines of one case, route steps first (in route order), then the iJw rules."""
    cal = calendar or WorkingDayCalendar()
    defs = definitions or load_definitions()
    case = _Case(facts, today)
    route = defs.routes[facts.route]
    evaluator = _RouteEval(case, route, defs, cal)
    result: list[Deadline] = []

    def add(step: str, key: str, description: str, escalation: str, term: str, values: tuple) -> None:
        start, due, done, subject = values
        state = deadline_state(due, done, today)
        result.append(
            Deadline(
                case=facts.case,
                route=facts.route,
                step=step,
                key=key,
                description=description,
                term=term,
                start=start,
                due=due,
                done=done,
                state=state,
                subject=subject,
                escalation=escalation if state == "overdue" else None,
            )
        )

    for step in route.steps:
        evaluated = evaluator.evaluate(step)
        if evaluated is not None:
            add(step.step, step.key, step.description, step.escalation, str(step.term), (*evaluated, None))
    rule_items: list[tuple[tuple[date, str, str], MessageRule, tuple]] = []
    for rule in defs.rules:
        for values in _rule_deadlines(case, rule, defs, cal):
            rule_items.append(((values[0], rule.key, values[3]), rule, values))
    for _, rule, values in sorted(rule_items, key=lambda item: item[0]):
        add(rule.rule, rule.key, rule.description, rule.escalation, str(rule.term), values)
    return result


def compute_all(
    cases: Iterable[CaseFacts],
    *,
    today: date,
    calendar: WorkingDayCalendar | None = None,
    definitions: Definitions | None = None,
) -> list[Deadline]:
    """The deadlines of many cases, ordered by due date, then case, then definition order."""
    cal = calendar or WorkingDayCalendar()
    defs = definitions or load_definitions()
    items = [
        (d.due, d.case, i, d)
        for facts in cases
        for i, d in enumerate(compute_deadlines(facts, today=today, calendar=cal, definitions=defs))
    ]
    return [d for *_, d in sorted(items, key=lambda item: item[:3])]


def select_deadlines(
    deadlines: Iterable[Deadline],
    *,
    today: date,
    overdue: bool = False,
    due_within: int | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> list[Deadline]:
    """The ``--overdue`` / ``--due-within N`` filters of ``ijw ledger status``.

    ``overdue`` keeps overdue deadlines; ``due_within`` keeps deadlines not done whose due
    date is at most N werkdagen after ``today`` (overdue ones included). Both given: either.
    """
    chosen = list(deadlines)
    if not overdue and due_within is None:
        return chosen
    limit = (calendar or WorkingDayCalendar()).add_working_days(today, due_within) if due_within is not None else None
    return [
        d
        for d in chosen
        if (overdue and d.state == "overdue") or (limit is not None and d.done is None and d.due <= limit)
    ]
