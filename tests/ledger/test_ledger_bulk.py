"""Bulk paths: ``record_many`` (one transaction, all or nothing, idempotent) and ``ingest`` in
batches (each message all or nothing, results in input order). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ijw_gateway.errors import LedgerError, UsageError
from ijw_gateway.ledger import Ledger
from ijw_gateway.ledger import ingest as ingest_module
from ijw_gateway.ledger import prepare as prepare_module
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
    monkeypatch.setattr(ingest_module, "INGEST_BATCH", 3)
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


@pytest.mark.parametrize("parallel_min", [1, 10_000], ids=["workers", "in-process"])
def test_ingest_in_worker_processes_gives_the_same_results(ledger_url: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch, parallel_min: int) -> None:
    """Parsing in forked workers (prepare.py) changes nothing: order, statuses, conflicts, invalid
    and vanished files; the workers hand back hashes, never the BSN."""
    monkeypatch.setattr(ingest_module, "INGEST_PARALLEL_MIN", parallel_min)
    monkeypatch.setattr(prepare_module, "WINDOW", 2)
    monkeypatch.setattr(prepare_module, "IN_FLIGHT", 2)
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(9):
        kenmerk, bsn = CASES[i % 2]
        (folder / f"m{i:02d}.xml").write_bytes(b.jw315(f"PAR-{i:04d}", date(2026, 5, 4), bsn, ARNHEM, [f"{kenmerk}-1"]))
    (folder / "m04.xml").write_bytes(b"<not xml")
    other = b.jw315("PAR-0000", date(2026, 5, 5), CASES[0][1], ARNHEM, ["K-BULK-1-2"])
    (folder / "m09.xml").write_bytes(other)  # another message under an identificatie already used: a conflict
    real_expand = ingest_module._expand

    def expand_then_delete(path: Path) -> list[Path]:
        files = list(real_expand(path))
        files[6].unlink()  # vanishes between listing and reading
        return files

    monkeypatch.setattr(ingest_module, "_expand", expand_then_delete)
    with Ledger(ledger_url) as ledger:
        _open(ledger)
        results = ledger.ingest(folder, "received")
        assert [r.status for r in results] == (["recorded"] * 4 + ["invalid", "recorded", "invalid"]
                                               + ["recorded"] * 2 + ["conflict"])
        assert [Path(r.source).name for r in results] == [f"m{i:02d}.xml" for i in range(10)]
        assert ledger.counts() == {"cases": 2, "events": 0, "messages": 7, "products": 7}
        if parallel_min == 1 and ledger._ingester.workers is not None:
            prepared = list(ledger._ingester.workers.run([("x", folder / "m00.xml")]))
            assert isinstance(prepared[0][1], prepare_module.Prepared) and prepared[0][1].info.bsn is None
    monkeypatch.setattr(ingest_module, "_expand", real_expand)
    with Ledger(ledger_url) as ledger:  # a re-run changes nothing
        statuses = [r.status for r in ledger.ingest(folder, "received")]
        assert statuses == ["duplicate"] * 4 + ["invalid"] + ["duplicate"] * 3 + ["conflict"]
        assert ledger.counts()["messages"] == 7


def test_a_database_error_mid_batch_keeps_the_messages_before_it_and_is_a_ledger_error(
        ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch is written again one message at a time: the one that fails is undone, the ones
    before it stay, and the error is one LedgerError sentence."""
    from sqlalchemy.exc import OperationalError

    from ijw_gateway.ledger.repository import Repository

    real = Repository.insert_products

    def insert_products(self: Repository, rows: list[dict[str, object]]) -> None:
        if any(r["ref"] == "K-BULK-2-1" for r in rows):
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        real(self, rows)

    monkeypatch.setattr(Repository, "insert_products", insert_products)
    messages = [b.jw315(f"FAIL-{i}", date(2026, 5, 4), CASES[i % 2][1], ARNHEM, [f"{CASES[i % 2][0]}-1"])
                for i in range(3)]
    with Ledger(ledger_url) as ledger:
        _open(ledger)
        with pytest.raises(LedgerError, match="disk I/O error"):
            ledger.ingest(messages, "received")
        assert ledger.counts()["messages"] == 1
        monkeypatch.setattr(Repository, "insert_products", real)
        assert [r.status for r in ledger.ingest(messages, "received")] == ["duplicate", "recorded", "recorded"]
