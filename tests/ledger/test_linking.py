"""Case linking on its own (pure: no database), and a retourbericht linked to the heenbericht
recorded just before it in the same batch."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from ijw_gateway.errors import LedgerError
from ijw_gateway.ledger import Ledger
from ijw_gateway.ledger.extract import MessageInfo
from ijw_gateway.ledger.linking import Known, Linkable, answered, find_case, wanted
from tests.ledger import builders as b

AGB, ARNHEM, DAY = "42420001", "0202", date(2026, 5, 4)


def info(berichttype: str = "JW315", ident: str = "ID-1", *, heen: str | None = None, retour_op: str | None = None,
         refs: tuple[str, ...] = (), afzender: str = AGB, ontvanger: str = ARNHEM) -> MessageInfo:
    return MessageInfo(berichttype=berichttype, heenbericht=heen, afzender=afzender, ontvanger=ontvanger,
                       identificatie=ident, retour_op=retour_op, dagtekening=DAY, referenties=refs,
                       toewijzingnummers=(), verzoek_antwoord=None, zorgdatum=None)


def message(id_: int, case: str, berichttype: str = "JW315", ident: str = "ID-1", bsn: str | None = "h1",
            day: date = DAY, afzender: str = AGB, ontvanger: str = ARNHEM) -> Linkable:
    return Linkable(id_, case, berichttype, afzender, ontvanger, ident, day, bsn, (0, id_))


def test_the_kenmerk_in_a_reference_names_the_case_and_the_bsn_must_match() -> None:
    known = Known(case_bsn={"K-1": "h1"})
    assert find_case(info(refs=("K-1-1",)), "h1", known) == "K-1"
    with pytest.raises(LedgerError, match="another jeugdige"):
        find_case(info(refs=("K-1-1",)), "h2", known)


def test_a_retourbericht_follows_its_heenbericht_between_the_same_parties_only() -> None:
    known = Known(case_bsn={"K-1": "h1"})
    known.add(message(1, "K-1"), ())
    retour = info("JW316", "R-1", heen="JW315", retour_op="ID-1", afzender=ARNHEM, ontvanger=AGB)
    assert find_case(retour, None, known) == "K-1"
    assert answered("K-1", retour, known) == known.by_identificatie["ID-1"][0]
    other = info("JW316", "R-2", heen="JW315", retour_op="ID-1", afzender="0344", ontvanger=AGB)
    with pytest.raises(LedgerError, match="belongs to no case"):
        find_case(other, None, known)


def test_two_cases_by_reference_is_refused_and_by_bsn_the_open_one_wins() -> None:
    known = Known(case_bsn={"K-1": "h1", "K-2": "h1"})
    known.add(message(1, "K-1"), ("REF-1",))
    known.add(message(2, "K-2", ident="ID-2"), ("REF-1",))
    with pytest.raises(LedgerError, match="matches 2 cases by ReferentieAanbieder"):
        find_case(info(ident="ID-3", refs=("REF-1",)), "h1", known)
    known = Known(case_bsn={"K-1": "h1", "K-2": "h1"}, bsn_cases={"h1": [("K-1", ARNHEM), ("K-2", ARNHEM)]},
                  closed={"K-1"})
    assert find_case(info(ident="ID-3"), "h1", known) == "K-2"


def test_a_decision_answers_the_latest_request_of_its_case_sharing_a_reference() -> None:
    known = Known()
    known.add(message(1, "K-1", day=date(2026, 5, 1)), ("REF-1",))
    known.add(message(2, "K-1", ident="ID-2", day=date(2026, 5, 3)), ("REF-1",))
    known.add(message(3, "K-2", ident="ID-3", day=date(2026, 5, 4)), ("REF-1",))
    decision = info("JW319", "D-1", refs=("REF-1",), afzender=ARNHEM, ontvanger=AGB)
    assert answered("K-1", decision, known).id == 2  # type: ignore[union-attr]


def test_wanted_reads_the_heenbericht_of_a_retour_under_both_orders_of_the_parties() -> None:
    retour = info("JW316", "R-1", heen="JW315", retour_op="ID-1", afzender=ARNHEM, ontvanger=AGB, refs=("K-9-1",))
    want = wanted([(retour, "h1")], ["K-1"])
    assert want.case_ids == {"K-1", "K-9"} and want.bsn_hashes == {"h1"} and want.refs == {"K-9-1"}
    assert ("JW315", AGB, ARNHEM, "ID-1", "") in want.keys and ("JW315", ARNHEM, AGB, "ID-1", "") in want.keys


def test_a_retour_in_the_same_batch_as_its_heenbericht_is_linked_and_answers_it(ledger_url: str) -> None:
    heen = b.jw315("SAME-1", DAY, "999900031", ARNHEM, ["REF-SAME-1"])
    with Ledger(ledger_url) as ledger:
        ledger.open(b.bepaling("K-SAME", "315", ARNHEM, "999900031"), at=date(2026, 4, 24))
        results = ledger.ingest([heen, b.retour(heen, date(2026, 5, 5))], "received")
        assert [(r.status, r.berichttype, r.case) for r in results] == [
            ("recorded", "JW315", "K-SAME"), ("recorded", "JW316", "K-SAME")]
        with ledger.engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT berichttype, id FROM ledger_message")).all())
            answers = dict(conn.execute(text("SELECT berichttype, answers_id FROM ledger_message")).all())
        assert answers["JW316"] == rows["JW315"] and answers["JW315"] is None
