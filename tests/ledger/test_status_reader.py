"""``Ledger.status`` reads the ledger lean and splits large ledgers over worker processes:
the result must be exactly that of the pure engine on ``Ledger.facts()``, on every filter,
in one process or several. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from ijw_gateway.errors import LedgerError
from ijw_gateway.ledger import Ledger
from ijw_gateway.ledger.deadlines import compute_all, select_deadlines
from ijw_gateway.ledger.reader import ledger_deadlines
from tests.ledger.report_fixture import TODAY, populate

DAYS = [TODAY - timedelta(days=60), TODAY - timedelta(days=20), TODAY, TODAY + timedelta(days=30)]


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    with Ledger(ledger_url) as ledger:
        populate(ledger)
        yield ledger


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_status_is_the_engine_on_the_facts(ledger: Ledger, workers: int) -> None:
    facts = ledger.facts()
    for day in DAYS:
        every = compute_all(facts, today=day, calendar=ledger.calendar, definitions=ledger.definitions)
        for overdue, due_within in ((False, None), (True, None), (False, 5), (True, 0)):
            expected = select_deadlines(every, today=day, overdue=overdue, due_within=due_within,
                                        calendar=ledger.calendar)
            got = ledger_deadlines(ledger.engine, ledger.url, today=day, calendar=ledger.calendar,
                                   definitions=ledger.definitions, overdue=overdue, due_within=due_within,
                                   workers=workers)
            assert got == expected, (day, overdue, due_within)
    assert ledger.status(today=TODAY) == select_deadlines(
        compute_all(facts, today=TODAY, calendar=ledger.calendar, definitions=ledger.definitions), today=TODAY)


def test_status_of_one_case_and_of_an_unknown_case(ledger: Ledger) -> None:
    case = "GI-2026-000702"
    expected = compute_all(ledger.facts(case), today=TODAY, calendar=ledger.calendar, definitions=ledger.definitions)
    assert ledger.status(case, today=TODAY) == expected and expected
    with pytest.raises(LedgerError, match="has no case 'GI-2026-999999'"):
        ledger.status("GI-2026-999999", today=TODAY)
    # The ledger stays usable after workers were forked (its connections were not shared).
    ledger_deadlines(ledger.engine, ledger.url, today=TODAY, calendar=ledger.calendar,
                     definitions=ledger.definitions, workers=2)
    assert ledger.counts()["cases"] == 28
    ledger.record(case, "afgesloten", at=date(2026, 6, 1))
    assert all(d.done is not None for d in ledger.status(case, today=TODAY))


def test_the_garbage_collector_is_left_as_it_was(ledger: Ledger) -> None:
    """Status switches the cyclic GC off while it reads; it must be back on (or still off) afterwards."""
    import gc

    assert gc.isenabled()
    for workers in (1, 2):
        ledger_deadlines(ledger.engine, ledger.url, today=TODAY, calendar=ledger.calendar,
                         definitions=ledger.definitions, overdue=True, workers=workers)
        assert gc.isenabled()
    gc.disable()
    try:
        ledger.status(today=TODAY)
        assert not gc.isenabled()
    finally:
        gc.enable()
