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

from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ijw_gateway.ledger.calendar import WorkingDayCalendar
from ijw_gateway.ledger.facts import CaseFacts, RouteId
from ijw_gateway.ledger.routes import (
    Definitions,
    MessageRule,
    MessageSpec,
    Ref,
    Step,
    load_definitions,
)

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


_SECOND = itemgetter(1)
_NO_PRODUCTS: frozenset[str] = frozenset()
_DAY = attrgetter("day")


class _Msg:
    """A message of a case as the engine reads it: its local day computed once, its products as a set."""

    __slots__ = (
        "berichttype",
        "day",
        "einden",
        "identificatie",
        "producten",
        "pset",
        "retour_op",
        "verzoek_antwoord",
        "zorgdatum",
    )

    def __init__(self, berichttype: str, day: date, identificatie: str | None, retour_op: str | None,
                 verzoek_antwoord: str | None, producten: tuple[str, ...], zorgdatum: date | None,
                 einden: dict[str, date] | None = None) -> None:
        self.berichttype = berichttype
        self.day = day
        self.identificatie = identificatie
        self.retour_op = retour_op
        self.verzoek_antwoord = verzoek_antwoord
        self.producten = producten
        self.pset = frozenset(producten) if producten else _NO_PRODUCTS
        self.zorgdatum = zorgdatum
        self.einden = einden  # of a JW301: ToewijzingNummer → the toewijzing's Einddatum

    def concerns(self, other: _Msg) -> bool:
        return not self.pset or not other.pset or not self.pset.isdisjoint(other.pset)

    def label(self) -> str:
        ident = f" {self.identificatie}" if self.identificatie else ""
        return f"{self.berichttype}{ident} of {self.day.isoformat()}"


class _Case:
    """The facts of one case as of ``today``, indexed for the look-ups the definitions need.

    Events and messages are kept in day order (stable: the order given breaks ties), and
    per event name / berichttype the sorted days, so "the first on or after" is a bisect.
    """

    __slots__ = ("case", "event_days", "message_days", "messages", "opened", "route")

    def __init__(self, case: str, route: str, opened: date, events: Iterable[tuple[str, date]],
                 messages: Iterable[_Msg], today: date) -> None:
        self.case = case
        self.route = route
        self.opened = opened
        self.event_days: dict[str, list[date]] = {}
        for name, day in sorted((e for e in events if e[1] <= today), key=_SECOND):
            self.event_days.setdefault(name, []).append(day)
        self.messages: list[_Msg] = sorted((m for m in messages if m.day <= today), key=_DAY)
        self.message_days: dict[str, list[date]] = {}
        for m in self.messages:
            self.message_days.setdefault(m.berichttype, []).append(m.day)

    @classmethod
    def prepared(cls, case: str, route: str, opened: date, event_days: dict[str, list[date]],
                 messages: list[_Msg]) -> _Case:
        """A case from facts already dated on or before today: ``event_days`` sorted per name,
        ``messages`` in stored order (sorted here by day, stably)."""
        self = object.__new__(cls)
        self.case, self.route, self.opened, self.event_days = case, route, opened, event_days
        messages.sort(key=_DAY)
        self.messages = messages
        self.message_days = {}
        for m in messages:
            self.message_days.setdefault(m.berichttype, []).append(m.day)
        return self

    @classmethod
    def from_facts(cls, facts: CaseFacts, today: date) -> _Case:
        messages = [
            _Msg(m.berichttype, m.day, m.identificatie, m.retour_op, m.verzoek_antwoord, m.producten, m.zorgdatum,
                 dict(m.einden) if m.einden else None)
            for m in facts.messages
        ]
        return cls(facts.case, facts.route, facts.opened, [(e.name, e.day) for e in facts.events], messages, today)

    def first(self, ref: Ref, since: date | None = None) -> date | None:
        """The date of the first fact matching an event or message ref (on or after ``since``)."""
        if ref.kind == "opened":
            return self.opened
        if ref.kind == "event":
            days = self.event_days.get(ref.name)  # type: ignore[arg-type]
        elif ref.kind == "message":
            days = self.message_days.get(ref.name)  # type: ignore[arg-type]
        else:  # pragma: no cover - steps are resolved by _RouteEval
            raise ValueError(ref)
        if not days:
            return None
        if since is None:
            return days[0]
        i = bisect_left(days, since)
        return days[i] if i < len(days) else None


_OPENED, _EVENT, _MESSAGE, _STEP = 0, 1, 2, 3
_Ref = tuple[int, Any]  # (kind, event name / berichttype / index of the step in the plan)


def _split(refs: tuple[_Ref, ...]) -> tuple[bool, tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    """(opened among them, event names, berichttypes, step indexes)."""
    return (any(k == _OPENED for k, _ in refs), tuple(n for k, n in refs if k == _EVENT),
            tuple(n for k, n in refs if k == _MESSAGE), tuple(n for k, n in refs if k == _STEP))


class _StepPlan:
    """One route step with its references coded for speed (see :func:`_route_plan`)."""

    __slots__ = ("description", "done_by", "done_split", "escalation", "key", "lapses", "lapses_split", "may_precede",
                 "only_if", "start", "step", "term", "term_text")

    def __init__(self, step: Step, index: dict[str, int], lapses_all_on: tuple[Ref, ...]) -> None:
        def code(ref: Ref) -> _Ref:
            if ref.kind == "opened":
                return (_OPENED, None)
            if ref.kind == "event":
                return (_EVENT, ref.name)
            if ref.kind == "message":
                return (_MESSAGE, ref.name)
            return (_STEP, index[str(ref.name)])

        self.key, self.step, self.description, self.escalation = step.key, step.step, step.description, step.escalation
        self.only_if = tuple(map(code, step.only_if))
        self.start = tuple(map(code, step.start))
        self.done_by = tuple(map(code, step.done_by))
        self.lapses = tuple(map(code, (*step.lapses_on, *lapses_all_on)))
        # done_by and lapses take the earliest of their refs (order does not matter): split by kind
        # so the engine looks them up without a call per ref.
        self.done_split = _split(self.done_by)
        self.lapses_split = _split(self.lapses)
        self.may_precede = step.done_may_precede_start
        self.term = step.term
        self.term_text = str(step.term)


class _RulePlan:
    __slots__ = ("answer_types", "rule", "term_text", "trigger_types")

    def __init__(self, rule: MessageRule) -> None:
        self.rule = rule
        self.trigger_types = frozenset(s.berichttype for s in rule.trigger)
        self.answer_types = (frozenset(s.berichttype for s in rule.done_by) if isinstance(rule.done_by, tuple)
                             else frozenset())
        self.term_text = str(rule.term)


class _Plan:
    """The definitions compiled for the engine: per route its steps in evaluation order."""

    def __init__(self, definitions: Definitions) -> None:
        self.routes: dict[str, tuple[list[_StepPlan], list[int]]] = {}
        for route_id, route in definitions.routes.items():
            index = {s.key: i for i, s in enumerate(route.steps)}
            steps = [_StepPlan(s, index, definitions.lapses_all_on) for s in route.steps]
            order: list[int] = []  # dependencies first (routes.py refuses circles)

            def visit(i: int, steps: list[_StepPlan] = steps, order: list[int] = order) -> None:
                if i in order:
                    return
                for kind, name in (*steps[i].only_if, *steps[i].start, *steps[i].done_by, *steps[i].lapses):
                    if kind == _STEP:
                        visit(name)
                order.append(i)

            for i in range(len(steps)):
                visit(i)
            self.routes[route_id] = (steps, order)
        self.rules = [_RulePlan(r) for r in definitions.rules]
        #: (route, calendar kind, its extra closing days) → {(start, step index): due}: terms repeat a lot.
        self.dues: dict[tuple[str, type, frozenset[date]], dict[tuple[date, int], date]] = {}
        self.lapses_all_on = definitions.lapses_all_on


_PLANS: dict[int, tuple[Definitions, _Plan]] = {}


def _plan(definitions: Definitions) -> _Plan:
    found = _PLANS.get(id(definitions))
    if found is None or found[0] is not definitions:
        found = (definitions, _Plan(definitions))
        _PLANS[id(definitions)] = found
    return found[1]


def _route_steps(case: _Case, plan: _Plan,
                 calendar: WorkingDayCalendar) -> tuple[list[_StepPlan], list[tuple[date, date, date | None] | None]]:
    """The steps of the case's route (in route order) and per step (start, due, done), or None when
    it is not started or not monitored."""
    steps, order = plan.routes[case.route]
    dues = plan.dues.setdefault((case.route, type(calendar), calendar.extra_closed), {}) if len(plan.dues) < 64 else {}
    results: list[tuple[date, date, date | None] | None] = [None] * len(steps)
    event_days, message_days, opened = case.event_days, case.message_days, case.opened

    def happened(ref: _Ref, since: date | None = None) -> date | None:
        kind, name = ref
        if kind == _EVENT:
            days = event_days.get(name)
        elif kind == _MESSAGE:
            days = message_days.get(name)
        elif kind == _OPENED:
            return opened
        else:
            result = results[name]
            if result is None or result[2] is None:
                return None
            done = result[2]
            return done if since is None or done >= since else None
        if not days:
            return None
        if since is None:
            return days[0]
        i = bisect_left(days, since)
        return days[i] if i < len(days) else None

    for i in order:
        s = steps[i]
        if s.only_if and not any(happened(r) is not None for r in s.only_if):
            continue
        start = None
        for kind, name in s.start:  # the first that happened (happened() inlined)
            if kind == _EVENT:
                days = event_days.get(name)
                start = days[0] if days else None
            elif kind == _MESSAGE:
                days = message_days.get(name)
                start = days[0] if days else None
            elif kind == _OPENED:
                start = opened
            else:
                result = results[name]
                start = result[2] if result is not None else None
            if start is not None:
                break
        if start is None:
            continue
        # The earliest fact that lapses the step, then the earliest that does it (on or after the
        # start unless it may precede it): _split refs inlined, this loop runs per step per case.
        by_opened, by_events, by_messages, by_steps = s.lapses_split
        lapsed = opened if by_opened else None
        for name in by_events:
            days = event_days.get(name)
            if days and (lapsed is None or days[0] < lapsed):
                lapsed = days[0]
        for name in by_messages:
            days = message_days.get(name)
            if days and (lapsed is None or days[0] < lapsed):
                lapsed = days[0]
        for j in by_steps:
            result = results[j]
            if result is not None and result[2] is not None and (lapsed is None or result[2] < lapsed):
                lapsed = result[2]
        since = None if s.may_precede else start
        by_opened, by_events, by_messages, by_steps = s.done_split
        done = opened if by_opened else None
        for names, facts in ((by_events, event_days), (by_messages, message_days)):
            for name in names:
                days = facts.get(name)
                if not days:
                    continue
                if since is None:
                    d = days[0]
                else:
                    k = bisect_left(days, since)
                    if k == len(days):
                        continue
                    d = days[k]
                if done is None or d < done:
                    done = d
        for j in by_steps:
            result = results[j]
            if result is not None:
                d = result[2]
                if d is not None and (since is None or d >= since) and (done is None or d < done):
                    done = d
        if lapsed is not None and (done is None or lapsed < done):
            continue
        due = dues.get((start, i))
        if due is None:
            due = dues[(start, i)] = s.term.due(start, calendar)
        results[i] = (start, due, done)
    return steps, results


def _matches(message: _Msg, specs: Iterable[MessageSpec]) -> bool:
    return any(
        message.berichttype == s.berichttype
        and (s.verzoek_antwoord is None or message.verzoek_antwoord == s.verzoek_antwoord)
        for s in specs
    )


def _about(message: _Msg, product: str | None) -> bool:
    return product is None or not message.pset or product in message.pset


def _subject(trigger: _Msg, product: str | None, request: _Msg | None) -> str:
    subject = trigger.label() + (f", product {product}" if product else "")
    return subject + f" on {request.label()}" if request is not None else subject


def _rule_deadlines(
    case: _Case, rule_plan: _RulePlan, definitions: Definitions, calendar: WorkingDayCalendar, today: date
) -> list[tuple[date, date, date | None, tuple[_Msg, str | None, _Msg | None]]]:
    """(start, due, done, (trigger, product, request)) for every trigger (product) of one rule;
    :func:`_subject` makes the subject text of the last item."""
    out: list[tuple[date, date, date | None, tuple[_Msg, str | None, _Msg | None]]] = []
    messages = case.messages
    trigger_types, answer_types, rule = rule_plan.trigger_types, rule_plan.answer_types, rule_plan.rule
    if trigger_types.isdisjoint(case.message_days):
        return out
    retour_taken: set[int] = set()
    request_seen: set[tuple[int, str | None]] = set()  # one term per (request, product)
    for trigger in messages:
        if trigger.berichttype not in trigger_types or not _matches(trigger, rule.trigger):
            continue
        products: list[str | None] = (
            list(dict.fromkeys(trigger.producten)) if rule.per == "product" and trigger.producten else [None]
        )
        for product in products:
            start: date | None = trigger.day
            request: _Msg | None = None
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
            elif rule.start == "toewijzing_einde":
                found = _toewijzing_einde(trigger, product, messages, answer_types, today)
                if found is None:
                    continue
                start = found
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
                        if m.berichttype in answer_types
                        and m is not trigger
                        and m.day >= trigger.day
                        and _matches(m, rule.done_by)  # type: ignore[arg-type]
                        and _about(m, product)
                        and m.concerns(trigger)
                    ),
                    None,
                )
            if done is None and any(case.first(r) for r in definitions.lapses_all_on):
                continue
            out.append((start, due, done, (trigger, product, request)))
    return out


def _toewijzing_einde(trigger: _Msg, product: str | None, messages: list[_Msg], stops: frozenset[str],
                      today: date) -> date | None:
    """The Einddatum of the toewijzing ``product`` of a start ``trigger``, when a stop message is due from it
    (OP272 while no JW307 came): the start is the product's latest, the toewijzing (as its latest JW301 on or
    before the day judged says) has ended by ``today``, and no stop about it came on or after the start (a
    stop that came is judged from the end of care it reports). None otherwise."""
    if product is None:
        return None
    einde: date | None = None
    for m in messages:  # in day order: the latest JW301 and start win
        if m is trigger or m.day < trigger.day:
            if m.einden and product in m.einden:
                einde = m.einden[product]
            continue
        if m.berichttype == trigger.berichttype and product in m.pset:
            return None  # a later start of the same toewijzing has its own term
        if m.berichttype in stops and product in m.pset:
            return None
        if m.einden and product in m.einden:
            einde = m.einden[product]
    return einde if einde is not None and einde <= today else None


def _take_retour(trigger: _Msg, retour_type: str, messages: list[_Msg], taken: set[int]) -> date | None:
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


#: A deadline before it is a model: (case, route, step, key, description, term, start, due, done,
#: state, subject, escalation) — the fields of :class:`Deadline`, in order.
Row = tuple[str, str, str, str, str, str, date, date, "date | None", str, "str | None", "str | None"]
_FIELDS = ("case", "route", "step", "key", "description", "term", "start", "due", "done", "state", "subject",
           "escalation")


def _as_deadline(row: Row) -> Deadline:
    return Deadline(**dict(zip(_FIELDS, row, strict=True)))


Keep = Callable[[date, "date | None", str], bool]
"""A filter on (due, done, state) of a deadline."""


def _case_rows(case: _Case, today: date, cal: WorkingDayCalendar, defs: Definitions,
               keep: Keep | None = None) -> list[Row]:
    """The started deadlines of one case (those ``keep`` accepts) as rows, route steps first (in
    route order), then the iJw rules (by start, rule, subject)."""
    plan = _plan(defs)
    result: list[Row] = []
    for s, item in zip(*_route_steps(case, plan, cal), strict=True):
        if item is None:
            continue
        start, due, done = item
        state = ("met" if done <= due else "late") if done is not None else ("overdue" if today > due else "open")
        if keep is None or keep(due, done, state):
            result.append((case.case, case.route, s.step, s.key, s.description, s.term_text, start, due, done, state,
                           None, s.escalation if state == "overdue" else None))
    if not case.messages:
        return result
    rule_items: list[tuple[tuple[date, str, str], _RulePlan, tuple, str]] = []
    message_days = case.message_days
    for rule_plan in plan.rules:
        if rule_plan.trigger_types.isdisjoint(message_days):
            continue
        for start, due, done, about in _rule_deadlines(case, rule_plan, defs, cal, today):
            state = deadline_state(due, done, today)
            if keep is None or keep(due, done, state):
                subject = _subject(*about)
                rule_items.append(((start, rule_plan.rule.key, subject), rule_plan, (start, due, done), state))
    rule_items.sort(key=itemgetter(0))
    for (start, _, subject), rule_plan, (_, due, done), state in rule_items:
        rule = rule_plan.rule
        result.append((case.case, case.route, rule.rule, rule.key, rule.description, rule_plan.term_text, start, due,
                       done, state, subject, rule.escalation if state == "overdue" else None))
    return result


def compute_rows(
    cases: Iterable[_Case],
    *,
    today: date,
    calendar: WorkingDayCalendar,
    definitions: Definitions,
    keep: Keep | None = None,
) -> list[Row]:
    """The deadline rows of many prepared cases (those ``keep`` accepts), ordered by due date, then
    case, then definition order."""
    items = [
        (row[7], row[0], i, row)
        for case in cases
        for i, row in enumerate(_case_rows(case, today, calendar, definitions, keep))
    ]
    items.sort(key=itemgetter(0, 1, 2))
    return [item[3] for item in items]


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
    return [_as_deadline(r) for r in _case_rows(_Case.from_facts(facts, today), today, cal, defs)]


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
    rows = compute_rows((_Case.from_facts(f, today) for f in cases), today=today, calendar=cal, definitions=defs)
    return [_as_deadline(r) for r in rows]


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
