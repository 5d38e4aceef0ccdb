"""The deadline engine against aanmeldroutes.md and the iJw process rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ijw_gateway.errors import DataError, UsageError
from ijw_gateway.ledger import (
    CaseFacts,
    Deadline,
    Definitions,
    Event,
    MessageFact,
    WorkingDayCalendar,
    compute_all,
    compute_deadlines,
    event_name,
    load_definitions,
    local_date,
    render_markdown,
    select_deadlines,
)
from ijw_gateway.ledger.deadlines import deadline_state

ROOT = Path(__file__).resolve().parents[2]
D = date


def ev(name: str, at: date | datetime) -> Event:
    return Event(name=name, at=at)  # type: ignore[arg-type]


def msg(berichttype: str, at: date | datetime, direction: str = "sent", **kw: object) -> MessageFact:
    return MessageFact(berichttype=berichttype, at=at, direction=direction, **kw)  # type: ignore[arg-type]


def case(route: str, opened: date | datetime, *facts: Event | MessageFact) -> CaseFacts:
    return CaseFacts(
        case="K-1",
        route=route,  # type: ignore[arg-type]
        opened_at=opened,
        events=tuple(f for f in facts if isinstance(f, Event)),
        messages=tuple(f for f in facts if isinstance(f, MessageFact)),
    )


def by_key(deadlines: list[Deadline]) -> dict[str, Deadline]:
    out: dict[str, Deadline] = {}
    for d in deadlines:
        assert d.key not in out or d.step.startswith("OP"), d.key
        out.setdefault(d.key, d)
    return out


def run(facts: CaseFacts, today: date, calendar: WorkingDayCalendar | None = None) -> dict[str, Deadline]:
    return by_key(compute_deadlines(facts, today=today, calendar=calendar))


# --- the worked example of aanmeldroutes.md ---------------------------------------------


def test_worked_example_315() -> None:
    opened = case("315", D(2026, 4, 24))
    d = run(opened, today=D(2026, 4, 24))
    assert list(d) == ["1"]
    assert (d["1"].due, d["1"].done, d["1"].state) == (D(2026, 5, 4), None, "open")

    done = case("315", D(2026, 4, 24), ev("overleg", D(2026, 5, 4)))
    d = run(done, today=D(2026, 5, 4))
    assert d["1"].state == "met"
    assert d["3"].due == D(2026, 5, 12)
    assert d["3"].state == "open"
    assert d["2-3"].due == D(2026, 5, 18)  # 2 weken = 14 calendar days
    assert d["2"].due == D(2026, 5, 18)


def test_step_not_started_is_not_listed() -> None:
    d = run(case("301", D(2026, 4, 24)), today=D(2026, 6, 1))
    assert list(d) == ["1"]
    assert d["1"].state == "overdue"
    assert d["1"].due == D(2026, 4, 30)  # 3 werkdagen: 28, 29, 30 April
    assert "contact person the region designated" in (d["1"].escalation or "")


# --- the 301 route, step by step ---------------------------------------------------------


def test_301_happy_path() -> None:
    facts = case(
        "301",
        D(2026, 5, 1),  # Friday
        ev("overleg", D(2026, 5, 6)),  # due Thu 7 May (Mon 4, Wed 6, Thu 7; 5 May closed)
        ev("bepaling_vastgesteld", D(2026, 5, 8)),
        ev("bepaling_verstuurd", D(2026, 5, 13)),  # due: 7, 8, 11, 12, 13 May
        msg("JW301", D(2026, 5, 20)),  # due: 15, 18, 19, 20, 21 (Hemelvaart 14 May)
    )
    d = run(facts, today=D(2026, 6, 30))
    assert d["1"].due == D(2026, 5, 7)
    assert d["1"].state == "met"
    assert d["2"].due == D(2026, 5, 27)
    assert d["3"].due == D(2026, 5, 13)
    assert d["3"].state == "met"
    assert d["4"].start == D(2026, 5, 13)
    assert d["4"].due == D(2026, 5, 21)
    assert d["4"].state == "met"
    assert d["2-4"].due == D(2026, 5, 27)
    assert d["2-4"].done == D(2026, 5, 20)
    assert "4'" not in d and "5A" not in d and "5B" not in d and "6" not in d
    assert all(x.escalation is None for x in d.values() if not x.step.startswith("OP"))
    assert d["OP090"].state == "overdue"  # the JW301 has no JW302 yet


def test_301_step4_counts_from_receipt_when_recorded() -> None:
    facts = case(
        "301",
        D(2026, 5, 18),
        ev("overleg", D(2026, 5, 18)),
        ev("bepaling_verstuurd", D(2026, 5, 19)),
        ev("bepaling_ontvangen", D(2026, 5, 20)),  # +5 werkdagen, Pinksteren 25 May: 21, 22, 26, 27, 28
    )
    d = run(facts, today=D(2026, 5, 29))
    assert d["4"].start == D(2026, 5, 20)
    assert d["4"].due == D(2026, 5, 28)
    assert d["4"].state == "overdue"
    assert "step 5" in (d["4"].escalation or "")


def test_301_escalation_path() -> None:
    facts = case(
        "301",
        D(2026, 3, 2),
        ev("overleg", D(2026, 3, 3)),
        ev("bepaling_vastgesteld", D(2026, 3, 4)),
        ev("bepaling_verstuurd", D(2026, 3, 5)),
        msg("JW301", D(2026, 3, 12)),
        ev("afwijzing", D(2026, 3, 20)),  # 5 werkdagen after Thu 12 March: 13, 16, 17, 18, 19 → late
        ev("aanbieder_gevonden", D(2026, 3, 30)),
        ev("ret_aangemeld", D(2026, 4, 7)),
        ev("ret_besproken", D(2026, 4, 20)),  # 2 weken after 7 April = 21 April → met
        ev("escalatie_gestart", D(2026, 4, 22)),
    )
    d = run(facts, today=D(2026, 5, 1))
    assert d["4'"].due == D(2026, 3, 19)
    assert d["4'"].state == "late"
    # a provider was found but no JW301 followed: 5A stays overdue (it does not lapse)
    # 31 March, 1, 2, 7, 8 April: Goede Vrijdag 3 April and Tweede Paasdag 6 April skipped
    assert (d["5A"].due, d["5A"].state) == (D(2026, 4, 8), "overdue")
    assert d["5B"].due == D(2026, 4, 21)
    assert d["5B"].state == "met"
    assert d["6"].due == D(2026, 4, 29)
    assert d["6"].state == "overdue"
    assert "Bestuurlijke escalatie" in (d["6"].escalation or "")


def test_301_5a_network_finds_provider() -> None:
    facts = case(
        "301",
        D(2026, 4, 1),
        ev("overleg", D(2026, 4, 1)),
        ev("bepaling_verstuurd", D(2026, 4, 2)),
        msg("JW301", D(2026, 4, 8)),
        ev("afwijzing", D(2026, 4, 10)),
        ev("aanbieder_gevonden", D(2026, 4, 23)),  # +5: 24, 28, 29, 30 April, 1 May (27 April Koningsdag)
    )
    d = run(facts, today=D(2026, 5, 1))
    assert d["5A"].due == D(2026, 5, 1)
    assert d["5A"].state == "open"
    d = run(facts, today=D(2026, 5, 4))
    assert d["5A"].state == "overdue"
    assert "RET (5B)" in (d["5A"].escalation or "")
    later = facts.model_copy(update={"messages": (*facts.messages, msg("JW301", D(2026, 5, 4)))})
    d = run(later, today=D(2026, 5, 4))
    assert d["5A"].done == D(2026, 5, 4)
    assert d["5A"].state == "late"


def test_301_window_2_4_closed_by_moving_to_step_5() -> None:
    facts = case(
        "301",
        D(2026, 6, 1),
        ev("overleg", D(2026, 6, 2)),
        ev("bepaling_verstuurd", D(2026, 6, 5)),
        ev("ret_aangemeld", D(2026, 6, 10)),
    )
    d = run(facts, today=D(2026, 7, 1))
    assert d["2-4"].done == D(2026, 6, 10)
    assert d["2-4"].state == "met"
    assert "4" not in d  # the JW301 of step 4 is no longer expected
    assert d["5B"].due == D(2026, 6, 24)
    assert d["5B"].state == "overdue"
    assert "Step 6" in (d["5B"].escalation or "")


# --- the 315 route ------------------------------------------------------------------------


def test_315_happy_path_across_hemelvaart_and_pinksteren() -> None:
    facts = case(
        "315",
        D(2026, 5, 8),
        ev("overleg", D(2026, 5, 11)),
        ev("bepaling_vastgesteld", D(2026, 5, 12)),
        ev("bepaling_verstuurd", D(2026, 5, 13)),
        msg("JW315", D(2026, 5, 19), "received", identificatie="V1"),
        msg("JW316", D(2026, 5, 20), retour_op="V1"),
        msg("JW301", D(2026, 5, 27)),
    )
    d = run(facts, today=D(2026, 6, 30))
    assert d["1"].due == D(2026, 5, 18)  # 11, 12, 13, 15, 18 May (14 May Hemelvaart)
    assert d["4a"].start == D(2026, 5, 13)
    assert d["4a"].due == D(2026, 5, 21)  # 15, 18, 19, 20, 21
    assert d["4a"].state == "met"
    assert d["4b"].due == D(2026, 5, 27)  # 20, 21, 22, 26, 27 (Pinksteren 25 May)
    assert d["4b"].state == "met"
    assert d["2-3"].due == D(2026, 5, 25)  # 2 weken, kept on Tweede Pinksterdag
    assert d["2-3"].state == "met"


def test_315_escalation_path_5a_two_terms() -> None:
    facts = case(
        "315",
        D(2026, 12, 14),
        ev("overleg", D(2026, 12, 15)),
        ev("bepaling_verstuurd", D(2026, 12, 17)),
        ev("aanbieder_gevonden", D(2026, 12, 21)),  # +5: 22, 23, 24, 28, 29 (Kerst 25 Dec)
        msg("JW315", D(2026, 12, 29), "received", identificatie="V2"),  # 5A-301 from here: 30, 31, 4, 5, 6
    )
    d = run(facts, today=D(2027, 1, 7))
    assert "4a" not in d  # lapsed: the route went to step 5
    assert d["2-3"].done == D(2026, 12, 17)
    assert d["5A-315"].step == "5A"
    assert d["5A-315"].due == D(2026, 12, 29)
    assert d["5A-315"].state == "met"
    assert d["5A-301"].step == "5A"
    assert d["5A-301"].start == D(2026, 12, 29)
    assert d["5A-301"].due == D(2027, 1, 6)  # Nieuwjaarsdag Fri 1 January 2027
    assert d["5A-301"].state == "overdue"
    assert "4b" not in d  # the JW315 is the new provider's (5A), not the answer of step 4


def test_315_5b_and_6() -> None:
    facts = case(
        "315",
        D(2026, 1, 5),
        ev("overleg", D(2026, 1, 6)),
        ev("ret_aangemeld", D(2026, 1, 20)),
        ev("ret_besproken", D(2026, 2, 10)),
        ev("escalatie_gestart", D(2026, 2, 11)),
        ev("escalatie_gesprek", D(2026, 2, 18)),
    )
    d = run(facts, today=D(2026, 3, 1))
    assert (d["5B"].due, d["5B"].state) == (D(2026, 2, 3), "late")
    assert (d["6"].due, d["6"].state) == (D(2026, 2, 18), "met")
    assert d["2-3"].done == D(2026, 1, 20)


# --- states, time zones, closing, as-of ---------------------------------------------------


def test_states() -> None:
    due = D(2026, 5, 4)
    assert deadline_state(due, None, D(2026, 5, 4)) == "open"
    assert deadline_state(due, None, D(2026, 5, 5)) == "overdue"
    assert deadline_state(due, D(2026, 5, 4), D(2026, 6, 1)) == "met"
    assert deadline_state(due, D(2026, 5, 6), D(2026, 6, 1)) == "late"


def test_datetimes_count_on_their_amsterdam_date() -> None:
    assert local_date(datetime(2026, 5, 4, 22, 30, tzinfo=UTC)) == D(2026, 5, 5)
    assert local_date(datetime(2026, 1, 4, 23, 30, tzinfo=UTC)) == D(2026, 1, 5)
    assert local_date(datetime(2026, 5, 4, 23, 30)) == D(2026, 5, 4)  # naive = local already
    # opened late on Friday evening in UTC is still Friday in Amsterdam, but Saturday after midnight
    d = run(case("315", datetime(2026, 4, 24, 21, 0, tzinfo=UTC)), today=D(2026, 4, 25))
    assert d["1"].start == D(2026, 4, 24)
    d = run(case("315", datetime(2026, 4, 24, 22, 30, tzinfo=UTC)), today=D(2026, 4, 25))
    assert d["1"].start == D(2026, 4, 25)
    assert d["1"].due == D(2026, 5, 4)


def test_closed_case_keeps_done_and_drops_open() -> None:
    facts = case("301", D(2026, 4, 1), ev("overleg", D(2026, 4, 2)), ev("afgesloten", D(2026, 4, 20)))
    d = run(facts, today=D(2026, 6, 1))
    assert list(d) == ["1"]
    assert d["1"].state == "met"


def test_status_as_of_today_ignores_later_facts() -> None:
    facts = case("315", D(2026, 4, 24), ev("overleg", D(2026, 5, 6)))
    d = run(facts, today=D(2026, 5, 5))
    assert d["1"].state == "overdue"
    assert "3" not in d
    d = run(facts, today=D(2026, 5, 6))
    assert d["1"].state == "late"


def test_overleg_before_opening_counts() -> None:
    d = run(case("301", D(2026, 4, 24), ev("overleg", D(2026, 4, 22))), today=D(2026, 5, 1))
    assert d["1"].done == D(2026, 4, 22)
    assert d["1"].state == "met"
    assert d["3"].start == D(2026, 4, 22)


def test_extra_closing_day_setting_moves_deadlines() -> None:
    facts = case("301", D(2026, 5, 13))  # Wed; Thu 14 Hemelvaart
    assert run(facts, today=D(2026, 5, 13))["1"].due == D(2026, 5, 19)
    cal = WorkingDayCalendar(extra_closed=[D(2026, 5, 15)])
    assert run(facts, today=D(2026, 5, 13), calendar=cal)["1"].due == D(2026, 5, 20)


def test_json_shape() -> None:
    [d] = compute_deadlines(case("315", D(2026, 4, 24)), today=D(2026, 5, 5))
    data = d.model_dump(mode="json")
    assert {k: data[k] for k in ("case", "route", "step", "due", "done", "state")} == {
        "case": "K-1",
        "route": "315",
        "step": "1",
        "due": "2026-05-04",
        "done": None,
        "state": "overdue",
    }
    assert data["escalation"]


# --- iJw process rules ----------------------------------------------------------------------


def rules(facts: CaseFacts, today: date, key: str) -> list[Deadline]:
    return [d for d in compute_deadlines(facts, today=today) if d.key == key]


def test_op090_retour_within_3_werkdagen() -> None:
    facts = case(
        "301",
        D(2026, 4, 1),
        msg("JW301", D(2026, 4, 24), "received", identificatie="T1"),  # +3: 28, 29, 30 (27 Koningsdag)
        msg("JW301", D(2026, 5, 1), "received", identificatie="T2"),  # +3: 4, 6, 7 (5 May)
        msg("JW302", D(2026, 4, 30), retour_op="T1"),
        msg("JW302", D(2026, 5, 8), retour_op="T2"),
        msg("JW305", D(2026, 5, 8), identificatie="S1"),  # no retour yet
    )
    op = rules(facts, D(2026, 5, 14), "OP090")
    assert [(x.due, x.done, x.state) for x in op] == [
        (D(2026, 4, 30), D(2026, 4, 30), "met"),
        (D(2026, 5, 7), D(2026, 5, 8), "late"),
        (D(2026, 5, 13), None, "overdue"),
    ]
    assert all(x.step == "OP090" for x in op)
    assert "missing retourbericht" in (op[2].escalation or "")


def test_op090_retour_without_reference_is_matched_in_order() -> None:
    facts = case(
        "315",
        D(2026, 4, 1),
        msg("JW315", D(2026, 4, 1), "received"),
        msg("JW315", D(2026, 4, 2), "received"),
        msg("JW316", D(2026, 4, 3)),
    )
    op = rules(facts, D(2026, 4, 30), "OP090")
    assert [x.state for x in op] == ["met", "overdue"]


def test_op274_per_product_and_in_onderzoek() -> None:
    facts = case(
        "315",
        D(2026, 4, 1),
        msg("JW315", D(2026, 4, 29), "received", identificatie="V1", producten=("P1", "P2", "P3")),
        msg("JW301", D(2026, 5, 6), producten=("P1", "T100")),  # +5: 30, 1, 4, 6, 7 → met
        msg("JW319", D(2026, 5, 8), verzoek_antwoord="2", producten=("P2",)),  # late, opens 8 weken
    )
    op = rules(facts, D(2026, 5, 11), "OP274")
    assert [(x.subject, x.due, x.done, x.state) for x in op] == [
        ("JW315 V1 of 2026-04-29, product P1", D(2026, 5, 7), D(2026, 5, 6), "met"),
        ("JW315 V1 of 2026-04-29, product P2", D(2026, 5, 7), D(2026, 5, 8), "late"),
        ("JW315 V1 of 2026-04-29, product P3", D(2026, 5, 7), None, "overdue"),
    ]
    [onderzoek] = rules(facts, D(2026, 5, 11), "OP274-onderzoek")
    assert onderzoek.step == "OP274"
    assert onderzoek.start == D(2026, 4, 29)
    assert onderzoek.due == D(2026, 6, 24)  # 8 weken after the JW315
    assert onderzoek.state == "open"
    decided = facts.model_copy(
        update={"messages": (*facts.messages, msg("JW319", D(2026, 6, 1), verzoek_antwoord="1", producten=("P2",)))}
    )
    [onderzoek] = rules(decided, D(2026, 7, 1), "OP274-onderzoek")
    assert (onderzoek.done, onderzoek.state) == (D(2026, 6, 1), "met")
    # a JW319 'in onderzoek' again does not settle it, nor open a second term
    again = facts.model_copy(
        update={"messages": (*facts.messages, msg("JW319", D(2026, 6, 1), verzoek_antwoord="2", producten=("P2",)))}
    )
    assert [x.state for x in rules(again, D(2026, 7, 1), "OP274-onderzoek")] == ["overdue"]


def test_op346_verzoek_om_wijziging() -> None:
    facts = case(
        "301",
        D(2026, 1, 1),
        msg("JW317", D(2026, 12, 22), "received", producten=("P9",)),  # +5: 23, 24, 28, 29, 30
        msg("JW319", D(2026, 12, 30), verzoek_antwoord="2", producten=("P9",)),
    )
    [op] = rules(facts, D(2027, 1, 4), "OP346")
    assert (op.due, op.done, op.state) == (D(2026, 12, 30), D(2026, 12, 30), "met")
    [onderzoek] = rules(facts, D(2027, 1, 4), "OP346-onderzoek")
    assert onderzoek.due == D(2027, 2, 16)
    assert rules(facts, D(2027, 1, 4), "OP274-onderzoek") == []


def test_op271_start_zorg_and_retroactive_toewijzing() -> None:
    facts = case(
        "315",
        D(2026, 1, 1),
        msg("JW305", D(2026, 4, 10), zorgdatum=D(2026, 4, 1), producten=("T1",)),  # +5 from 1 April: 2, 7, 8, 9, 10
    )
    [op] = rules(facts, D(2026, 5, 1), "OP271")
    assert (op.start, op.due, op.done, op.state) == (D(2026, 4, 1), D(2026, 4, 10), D(2026, 4, 10), "met")
    retro = case(
        "315",
        D(2026, 1, 1),
        msg("JW301", D(2026, 4, 20), "received", producten=("T1",)),
        msg("JW305", D(2026, 4, 28), zorgdatum=D(2026, 4, 1), producten=("T1",)),
    )
    [op] = rules(retro, D(2026, 5, 1), "OP271")
    assert (op.start, op.due, op.state) == (D(2026, 4, 20), D(2026, 4, 28), "met")


def test_op272_stop_zorg() -> None:
    facts = case("315", D(2026, 1, 1), msg("JW307", D(2026, 5, 8), zorgdatum=D(2026, 4, 30)))
    [op] = rules(facts, D(2026, 5, 10), "OP272")
    assert (op.due, op.state) == (D(2026, 5, 8), "met")  # 1, 4, 6, 7, 8 May (5 May closed)
    late = case("315", D(2026, 1, 1), msg("JW307", D(2026, 5, 11), zorgdatum=D(2026, 4, 30)))
    assert [x.state for x in rules(late, D(2026, 5, 11), "OP272")] == ["late"]
    no_date = case("315", D(2026, 1, 1), msg("JW307", D(2026, 5, 8)))
    assert rules(no_date, D(2026, 5, 10), "OP272") == []


# --- the definitions ----------------------------------------------------------------------


def test_definitions_have_the_steps_of_aanmeldroutes() -> None:
    defs = load_definitions()
    assert [s.step for s in defs.routes["301"].steps] == ["1", "2", "3", "4", "2-4", "4'", "5A", "5B", "6"]
    assert [s.step for s in defs.routes["315"].steps] == [
        "1",
        "2",
        "3",
        "2-3",
        "4a",
        "4b",
        "5A",
        "5A",
        "5B",
        "6",
    ]
    assert {r.rule for r in defs.rules} == {"OP090", "OP090x4", "OP274", "OP346", "OP271", "OP272"}
    terms = {(route, s.key): str(s.term) for route, r in defs.routes.items() for s in r.steps}
    assert terms[("301", "1")] == "3 werkdagen"
    assert terms[("315", "1")] == "5 werkdagen"
    assert terms[("301", "2-4")] == "3 weken"
    assert terms[("315", "2-3")] == "2 weken"
    assert terms[("301", "6")] == "1 week"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t.replace("event:overleg]", "event:vergadering]"), "unknown event"),
        (lambda t: t.replace("from: [step:5A-315]", "from: [step:7]"), "unknown step"),
        (lambda t: t.replace("term: 3 werkdagen", "term: 3 dagen", 1), "N werkdagen"),
        (
            lambda t: t.replace(
                "from: [step:1]\n        done_by: [event:bepaling_verstuurd]",
                "from: [step:4]\n        done_by: [event:bepaling_verstuurd]",
                1,
            ),
            "circle",
        ),
        (lambda t: t.replace("JW319: JW320}", "}"), "no retourbericht"),
        (lambda t: t + "\n  - [", "not valid YAML"),
    ],
)
def test_bad_definitions_are_refused(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    text = (ROOT / "ijw_gateway/ledger/routes.yaml").read_text(encoding="utf-8")
    with pytest.raises(DataError, match=message):
        Definitions.from_yaml(mutate(text))


def test_generated_documentation_is_up_to_date() -> None:
    committed = (ROOT / "docs/aanmeldroutes-deadlines.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), (
        "docs/aanmeldroutes-deadlines.md is stale: run `python -m ijw_gateway.ledger docs/aanmeldroutes-deadlines.md`"
    )
    for step in ("| 4' |", "| 2-4 |", "| 4b |", "| 5A (5A-301) |", "| OP274 (OP274-onderzoek) |"):
        assert step in committed


# --- selection, many cases, properties ------------------------------------------------------


def test_select_and_compute_all() -> None:
    a = case("315", D(2026, 4, 24))  # step 1 due 4 May
    b = CaseFacts(case="K-2", route="301", opened_at=D(2026, 5, 6))  # step 1 due 11 May
    today = D(2026, 5, 6)
    every = compute_all([b, a], today=today)
    assert [(d.case, d.due) for d in every] == [("K-1", D(2026, 5, 4)), ("K-2", D(2026, 5, 11))]
    assert [d.case for d in select_deadlines(every, today=today, overdue=True)] == ["K-1"]
    assert [d.case for d in select_deadlines(every, today=today, due_within=2)] == ["K-1"]  # 7, 8 May
    assert [d.case for d in select_deadlines(every, today=today, due_within=3)] == ["K-1", "K-2"]
    assert select_deadlines(every, today=today) == every


def test_event_name_check() -> None:
    assert event_name("overleg") == "overleg"
    with pytest.raises(UsageError, match="bepaling_vastgesteld"):
        event_name("vergadering")


@settings(max_examples=60, deadline=None)
@given(
    opened=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 1)),
    gaps=st.lists(st.integers(min_value=0, max_value=20), min_size=3, max_size=3),
    route=st.sampled_from(["301", "315"]),
)
def test_werkdagen_deadlines_fall_on_later_working_days(opened: date, gaps: list[int], route: str) -> None:
    cal = WorkingDayCalendar()
    overleg = opened + timedelta(days=gaps[0])
    verstuurd = overleg + timedelta(days=gaps[1])
    facts = case(
        route,
        opened,
        ev("overleg", overleg),
        ev("bepaling_verstuurd", verstuurd),
        msg("JW315" if route == "315" else "JW301", verstuurd + timedelta(days=gaps[2]), "received"),
    )
    for d in compute_deadlines(facts, today=verstuurd + timedelta(days=40), calendar=cal):
        assert d.due > d.start
        if d.term.endswith(("werkdag", "werkdagen")):
            assert cal.is_working_day(d.due)
            assert cal.working_days_between(d.start, d.due) == int(d.term.split()[0])
        else:
            assert (d.due - d.start).days % 7 == 0


def test_step_refs_in_done_by_and_lapses_on() -> None:
    """A step done by another step's completion (on or after its own start), and a step lapsed by one."""
    text = (ROOT / "ijw_gateway/ledger/routes.yaml").read_text(encoding="utf-8")
    text = text.replace("from: [step:1]\n        done_by: [event:bepaling_vastgesteld]",
                        "from: [step:1]\n        done_by: [event:bepaling_vastgesteld, step:1]", 1)
    text = text.replace("done_by: [event:bepaling_verstuurd]\n        term: 5 werkdagen",
                        "done_by: [event:bepaling_verstuurd]\n        lapses_on: [step:2]\n"
                        "        term: 5 werkdagen", 1)
    defs = Definitions.from_yaml(text)
    facts = case("301", D(2026, 3, 2), ev("overleg", D(2026, 3, 3)))
    plain = by_key(compute_deadlines(facts, today=D(2026, 4, 1)))
    assert plain["2"].done is None and plain["3"].state == "overdue"
    got = by_key(compute_deadlines(facts, today=D(2026, 4, 1), definitions=defs))
    assert (got["2"].start, got["2"].done, got["2"].state) == (D(2026, 3, 3), D(2026, 3, 3), "met")
    assert "3" not in got and "1" in got
