"""The iJw process deadlines at their edges, and live on the ledger from real messages.

Each due date below is counted by hand on the 2026 calendar (Goede Vrijdag 3 April, Tweede
Paasdag 6 April, Koningsdag 27 April, Bevrijdingsdag 5 May, Hemelvaartsdag 14 May, Tweede
Pinksterdag 25 May, Kerst 25–26 December): an answer on the due date is ``met``, on the
next working day ``late``; without an answer the deadline is ``open`` on its due date and
``overdue`` the day after.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.ledger import CaseFacts, Ledger, MessageFact, compute_all, compute_deadlines
from ijw_gateway.ledger.extract import message_info
from tests.ledger import builders as b

D = date
ROOT = Path(__file__).resolve().parents[2]
TIEL_301 = ROOT / "examples" / "bepalingen" / "07-rivierenland-tiel-301.yaml"


def msg(berichttype: str, at: date, **kw: object) -> MessageFact:
    return MessageFact(berichttype=berichttype, at=at, direction="received", **kw)  # type: ignore[arg-type]


def deadlines(messages: list[MessageFact], today: date, key: str) -> list[tuple[date, date | None, str]]:
    facts = CaseFacts(case="K-1", route="301", opened_at=D(2026, 1, 5), messages=tuple(messages))
    return [(d.due, d.done, d.state) for d in compute_deadlines(facts, today=today) if d.key == key]


# (key, due date counted by hand, the trigger(s), the answer on a given day or None)
Answered = Callable[[date], list[MessageFact]]
ANSWERED: list[tuple[str, date, list[MessageFact], Answered]] = [
    # OP090: JW305 received Fri 24 April; 27 Koningsdag → 28, 29, 30
    ("OP090", D(2026, 4, 30), [msg("JW305", D(2026, 4, 24), identificatie="S1")],
     lambda day: [msg("JW306", day, retour_op="S1")]),
    # OP274: JW315 received Wed 20 May; 25 Pinksteren → 21, 22, 26, 27, 28
    ("OP274", D(2026, 5, 28), [msg("JW315", D(2026, 5, 20), producten=("R1",))],
     lambda day: [msg("JW301", day, producten=("R1", "7"))]),
    # OP346: JW317 received Tue 22 December; 25, 26 Kerst → 23, 24, 28, 29, 30
    ("OP346", D(2026, 12, 30), [msg("JW317", D(2026, 12, 22), producten=("7",))],
     lambda day: [msg("JW319", day, verzoek_antwoord="1", producten=("7",))]),
    # OP090x4: JW323 received Thu 30 April; 5 and 14 May closed → 1, 4, 6, 7, 8, 11, 12, 13, 15, 18
    ("OP090x4", D(2026, 5, 18), [msg("JW323", D(2026, 4, 30), identificatie="DEC1")],
     lambda day: [msg("JW325", day, identificatie="ANT1", retour_op="DEC1")]),
]


def _next_working_day(day: date) -> date:
    closed = {D(2026, 5, 25), D(2026, 12, 25), D(2026, 12, 26), D(2027, 1, 1)}
    day += timedelta(days=1)
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize(("key", "due", "trigger", "answer"), ANSWERED, ids=[a[0] for a in ANSWERED])
def test_an_answer_deadline_fires_exactly_after_its_due_date(
    key: str, due: date, trigger: list[MessageFact], answer: Answered
) -> None:
    later = _next_working_day(due) + timedelta(days=10)
    assert deadlines(trigger, due, key) == [(due, None, "open")]
    assert deadlines(trigger, due + timedelta(days=1), key) == [(due, None, "overdue")]
    assert deadlines(trigger + answer(due), later, key) == [(due, due, "met")]
    late = _next_working_day(due)
    assert deadlines(trigger + answer(late), later, key) == [(due, late, "late")]


# OP271 / OP272: the regiebericht itself is what was due; the term counts from the care's date.
SELF: list[tuple[str, str, date, date]] = [
    # Begindatum Thu 2 April; 3 Goede Vrijdag, 6 Tweede Paasdag → 7, 8, 9, 10, 13
    ("OP271", "JW305", D(2026, 4, 2), D(2026, 4, 13)),
    # Einddatum Fri 8 May; 14 Hemelvaartsdag → 11, 12, 13, 15, 18
    ("OP272", "JW307", D(2026, 5, 8), D(2026, 5, 18)),
]


@pytest.mark.parametrize(("key", "bericht", "zorgdatum", "due"), SELF, ids=[s[0] for s in SELF])
def test_a_start_or_stop_message_is_on_time_up_to_the_fifth_working_day(
    key: str, bericht: str, zorgdatum: date, due: date
) -> None:
    on_time = [msg(bericht, due, zorgdatum=zorgdatum, producten=("7",))]
    assert deadlines(on_time, due, key) == [(due, due, "met")]
    late_day = _next_working_day(due)
    late = [msg(bericht, late_day, zorgdatum=zorgdatum, producten=("7",))]
    assert deadlines(late, late_day, key) == [(due, late_day, "late")]


def test_a_missing_stop_is_due_five_working_days_after_the_toewijzing_ended() -> None:
    """OP272 live: care started (JW305) on a toewijzing that ended Fri 27 March; 3 April Goede Vrijdag and
    6 April Tweede Paasdag closed → due Tue 7 April (30, 31, 1, 2, 7)."""
    toewijzing = msg("JW301", D(2026, 3, 2), producten=("7",), einden=(("7", D(2026, 3, 27)),))
    started = [toewijzing, msg("JW305", D(2026, 3, 6), zorgdatum=D(2026, 3, 5), producten=("7",))]
    assert deadlines(started, D(2026, 3, 26), "OP272-einde") == []  # the toewijzing still runs
    assert deadlines(started, D(2026, 4, 7), "OP272-einde") == [(D(2026, 4, 7), None, "open")]
    assert deadlines(started, D(2026, 4, 8), "OP272-einde") == [(D(2026, 4, 7), None, "overdue")]
    stopped = [*started, msg("JW307", D(2026, 4, 8), zorgdatum=D(2026, 3, 27), producten=("7",))]
    assert deadlines(stopped, D(2026, 4, 8), "OP272-einde") == []  # the stop came: judged from its own end
    assert deadlines(stopped, D(2026, 4, 8), "OP272") == [(D(2026, 4, 7), D(2026, 4, 8), "late")]
    extended = [*started, msg("JW301", D(2026, 3, 20), producten=("7",), einden=(("7", D(2026, 6, 30)),))]
    assert deadlines(extended, D(2026, 4, 8), "OP272-einde") == []
    never_started = [toewijzing]
    assert deadlines(never_started, D(2026, 4, 8), "OP272-einde") == []
    # a temporary stop and a restart: the restart's term, once
    restarted = [*started, msg("JW307", D(2026, 3, 10), zorgdatum=D(2026, 3, 9), producten=("7",)),
                 msg("JW305", D(2026, 3, 16), zorgdatum=D(2026, 3, 16), producten=("7",))]
    assert deadlines(restarted, D(2026, 4, 8), "OP272-einde") == [(D(2026, 4, 7), None, "overdue")]
    other = [toewijzing, msg("JW305", D(2026, 3, 6), zorgdatum=D(2026, 3, 5), producten=("8",))]
    assert deadlines(other, D(2026, 4, 8), "OP272-einde") == []  # another toewijzing's start


def test_a_jw325_answers_the_jw323_its_declaratie_identificatie_names() -> None:
    model = ijw.parse((ROOT / "examples" / "berichten" / "jw325-declaratie-antwoord.xml").read_bytes())
    info = message_info(model)
    assert (info.identificatie, info.retour_op) == ("CGA260500412", "SJGB26050001")
    declaratie = ijw.parse((ROOT / "examples" / "berichten" / "jw323-declaratie.xml").read_bytes())
    assert message_info(declaratie).identificatie == "SJGB26050001"


# --------------------------------------------------------------------------- live, from the ledger
def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def status(ledger_url: str, today: str, *rules: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    args = ["ledger", "status", "--db", ledger_url, "--today", today, "--format", "json"]
    for rule in rules:
        args += ["--rule", rule]
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    return json.loads(stdout)["deadlines"]  # type: ignore[no-any-return]


def test_start_stop_and_their_retour_are_judged_live_on_the_ledger(
    tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The gemeente builds the JW301s, the provider starts and stops with ``ijw start`` / ``ijw stop``,
    the gemeente answers the JW305 with ``ijw respond``: every message in the ledger, every term on status."""
    sent, provider, gemeente = tmp_path / "sent", tmp_path / "provider", tmp_path / "gemeente"
    code, _, err = run(["build", str(TIEL_301), "--out", str(sent), "--dagtekening", "2026-03-02",
                        "--ledger", ledger_url], capsys)
    assert code == 0, err
    (toewijzing,) = [p for p in sent.glob("*.xml") if b"<jw301:ToewijzingNummer>1<" in p.read_bytes()]
    # Begindatum Thu 5 March → due Thu 12 March (6, 9, 10, 11, 12): sent on the due day
    code, stdout, err = run(["start", str(toewijzing), "--begindatum", "2026-03-05", "--today", "2026-03-12",
                             "--out", str(provider), "--ledger", ledger_url], capsys)
    assert code == 0, err
    assert "ledger: case JBG-2026-000777, 1 of 2 messages newly recorded" in stdout
    # Einddatum Fri 27 March → due Tue 7 April (30, 31, 1, 2, 7: Goede Vrijdag and Tweede Paasdag closed)
    code, stdout, err = run(["stop", str(toewijzing), "--begindatum", "2026-03-05", "--einddatum", "2026-03-27",
                             "--reden", "31", "--today", "2026-04-08", "--out", str(provider),
                             "--ledger", ledger_url], capsys)
    assert code == 0, err
    # Before the stop came (--today 7 April) the toewijzing (until Sun 29 March) has ended without one:
    # OP272 live from its Einddatum, due Tue 7 April (30, 31, 1, 2, 7); the ledger's two read paths agree.
    [einde] = status(ledger_url, "2026-04-07", "OP272", capsys=capsys)
    assert (einde["key"], einde["start"], einde["due"], einde["state"]) == ("OP272-einde", "2026-03-29",
                                                                          "2026-04-07", "open")
    with Ledger(ledger_url) as ledger:
        for day in (date(2026, 4, 7), date(2026, 4, 8), date(2026, 4, 20)):
            assert ledger.status(today=day) == compute_all(ledger.facts(), today=day)
    (start_file,) = provider.glob("JW305-*.xml")
    start_id = ijw.parse(start_file.read_bytes()).Header.BerichtIdentificatie.Identificatie
    assert [(d["key"], d["start"], d["due"], d["done"], d["state"])
            for d in status(ledger_url, "2026-04-08", "OP271", "OP272", capsys=capsys)] == [
        ("OP271", "2026-03-05", "2026-03-12", "2026-03-12", "met"),
        ("OP272", "2026-03-27", "2026-04-07", "2026-04-08", "late"),
    ]
    # the JW305's retourbericht: open on its due date (three werkdagen: 13, 16, 17 March), then answered
    [open_retour] = [d for d in status(ledger_url, "2026-03-17", "OP090", capsys=capsys)
                     if str(d["subject"]).startswith(f"JW305 {start_id}")]
    assert (open_retour["due"], open_retour["state"]) == ("2026-03-17", "open")
    [overdue] = [d for d in status(ledger_url, "2026-03-18", "OP090", capsys=capsys)
                 if str(d["subject"]).startswith(f"JW305 {start_id}")]
    assert overdue["state"] == "overdue"
    code, _, err = run(["respond", str(start_file), "--out", str(gemeente), "--today", "2026-03-17",
                        "--ledger", ledger_url], capsys)
    assert code == 0, err
    [answered] = [d for d in status(ledger_url, "2026-03-18", "OP090", capsys=capsys)
                  if str(d["subject"]).startswith(f"JW305 {start_id}")]
    assert (answered["done"], answered["state"]) == ("2026-03-17", "met")
    # --overdue with --rule: only what is late now
    code, stdout, _ = run(["ledger", "status", "--db", ledger_url, "--today", "2026-04-20", "--overdue",
                           "--rule", "OP271", "--fail-on-overdue"], capsys)
    assert code == 0 and "no deadlines to show" in stdout


def test_an_unknown_rule_is_one_sentence(ledger_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["build", str(TIEL_301), "--out", str(tmp_path), "--dagtekening", "2026-03-02",
                "--ledger", ledger_url], capsys)[0] == 0
    code, stdout, err = run(["ledger", "status", "--db", ledger_url, "--rule", "OP999"], capsys)
    assert code == 2 and stdout == ""
    assert err.startswith("ijw: --rule OP999: not a route step or process rule of the ledger") and err.count("\n") == 1


def test_the_declaration_answer_term_is_live_on_the_ledger(ledger_url: str) -> None:
    """OP090x4 from real messages: the example JW323 (Wed 6 May) names toewijzing 202600118 of the case;
    ten werkdagen (14 May Hemelvaartsdag closed) → due Thu 21 May; the example JW325 of 13 May answers it."""
    examples = ROOT / "examples" / "berichten"
    with Ledger(ledger_url) as ledger:
        ledger.open(b.bepaling("K-DEC", "301", "0202", "999900018"), at=D(2026, 4, 1))
        assert ledger.ingest(b.jw301("T1", D(2026, 4, 20), "999900018", "0202", 202600118), "sent")[0].ok
        assert [r.case for r in ledger.ingest(examples / "jw323-declaratie.xml", "received")] == ["K-DEC"]

        def op(day: date) -> list[tuple[date, date | None, str]]:
            return [(d.due, d.done, d.state) for d in ledger.status(today=day) if d.key == "OP090x4"]

        assert op(D(2026, 5, 21)) == [(D(2026, 5, 21), None, "open")]
        assert op(D(2026, 5, 22)) == [(D(2026, 5, 21), None, "overdue")]
        assert [r.case for r in ledger.ingest(examples / "jw325-declaratie-antwoord.xml", "sent")] == ["K-DEC"]
        assert op(D(2026, 5, 22)) == [(D(2026, 5, 21), D(2026, 5, 13), "met")]
        assert ledger.status(today=D(2026, 5, 22)) == compute_all(ledger.facts(), today=D(2026, 5, 22))
