"""Bulk paths: ``record_many`` (one transaction, all or nothing, idempotent) and ``ingest`` in
batches (each message all or nothing, results in input order). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from ijw_gateway.errors import LedgerError, UsageError
from ijw_gateway.ledger import Ledger
from ijw_gateway.ledger import ledger as ledger_module
from tests.ledger import builders as b

ARNHEM = "0202"
CASES = [("K-BULK-1", "999900031"), ("K-BULK-2", "999900043")]


def _open(ledger: Ledger) -> None:
    for kenmerk, bsn in CASES:
        ledger.open(b.bepaling(kenmerk, "315", ARNHEM, bsn), at=date(2026, 4, 24))


def test_record_many_is_one_idempotent_transaction(ledger_url: str) -> None:
    with Ledger(ledger_url) as ledger:
        _open(ledger)
        events = [("K-BULK-1", "overleg", date(2026, 5, 4)), ("K-BULK-2", "overleg", date(2026, 5, 4)),
                  ("K-BULK-1", "bepaling_verstuurd", date(2026, 5, 6)), ("K-BULK-1", "overleg", date(2026, 5, 4))]
        results = ledger.record_many(events)
        assert [r.created for r in results] == [True, True, True, False]
        assert [r.created for r in ledger.record_many(events)] == [False] * 4
        assert ledger.record("K-BULK-2", "overleg", at=date(2026, 5, 4)).created is False
        with pytest.raises(LedgerError, match="no case 'K-NOPE'"):
            ledger.record_many([("K-BULK-2", "afgesloten", date(2026, 6, 1)), ("K-NOPE", "overleg", date(2026, 5, 4))])
        with pytest.raises(UsageError, match="unknown event"):
            ledger.record_many([("K-BULK-2", "afgesloten", date(2026, 6, 1)), ("K-BULK-2", "gedaan", date(2026, 5, 4))])
        assert ledger.counts()["events"] == 3  # nothing of the failed calls was written
        assert ledger.record_many([]) == []


def test_ingest_in_batches_keeps_order_and_each_message_whole(ledger_url: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_module, "INGEST_BATCH", 3)
    messages: list[bytes] = []
    for i in range(7):
        kenmerk, bsn = CASES[i % 2]
        messages.append(b.jw315(f"BULK-{i:04d}", date(2026, 5, 4), bsn, ARNHEM, [f"{kenmerk}-1"]))
    messages.insert(4, b"<not xml")
    messages.append(messages[0])
    with Ledger(ledger_url) as ledger:
        _open(ledger)
        results = ledger.ingest(messages, "received")
        assert [r.status for r in results] == ["recorded"] * 4 + ["invalid"] + ["recorded"] * 3 + ["duplicate"]
        assert [r.source for r in results] == [f"<bytes {i}>" for i in range(1, 10)]
        assert ledger.counts() == {"cases": 2, "events": 0, "messages": 7, "products": 7}
        assert [r.status for r in ledger.ingest(messages, "received")].count("duplicate") == 8
