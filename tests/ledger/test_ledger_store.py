"""Ledger storage: privacy at rest, case linking, schema versions, bad databases, concurrent
writers and a writer killed mid-ingest. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from stdnum.nl import bsn as stdnum_bsn

from ijw_gateway.errors import LedgerError
from ijw_gateway.ledger import Ledger, store
from tests.ledger import builders as b
from tests.ledger.test_ledger_acceptance import BSN_301, BSN_315, build_cases

ARNHEM = "0202"
BSNS = [f"9999{i:05d}" for i in range(2000) if stdnum_bsn.is_valid(f"9999{i:05d}")]


def all_stored_text(ledger: Ledger) -> bytes:
    """Every byte of the ledger's storage: the SQLite files, or every row of every PostgreSQL table."""
    if ledger.engine.dialect.name == "sqlite":
        path = Path(ledger.engine.url.database or "")
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if not p.name.endswith(".key"))
    chunks: list[bytes] = []
    with ledger.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            chunks += [r[0].encode() for r in conn.execute(text(f'SELECT t::text FROM "{table}" t'))]
    return b"\n".join(chunks)


def test_no_bsn_or_name_at_rest(tmp_path: Path, ledger_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    build_cases(tmp_path, ledger_url, capsys)
    with Ledger(ledger_url) as ledger:
        stored = all_stored_text(ledger)
        assert b"GI-2026-315001" in stored  # the search does see the data
    for secret in (BSN_315, BSN_301, b.ACHTERNAAM, b.VOORNAMEN, "Voorbeeldstraat", "A. de Vries"):
        assert secret.encode() not in stored, f"{secret!r} is stored in plain text"


def test_links_by_reference_without_kenmerk_and_refuses_strangers(ledger_url: str) -> None:
    with Ledger(ledger_url) as ledger:
        ledger.open(b.bepaling("K-REF", "315", ARNHEM, BSNS[5]), at=date(2026, 4, 24))
        ledger.open(b.bepaling("K-OTHER", "315", ARNHEM, BSNS[6]), at=date(2026, 4, 24))
        v315 = b.jw315("ZA-1", date(2026, 5, 4), BSNS[5], ARNHEM, ["ZA-REF-778", "ZA-REF-779"])
        a319 = b.jw319("AR-1", date(2026, 5, 6), ARNHEM, "ZA-REF-778", "1")  # no BSN: linked by its reference
        t301 = b.jw301("AR-2", date(2026, 5, 7), BSNS[5], ARNHEM, 202600777, ref="ZA-REF-779")
        stranger = b.jw315("ZA-2", date(2026, 5, 4), BSNS[7], ARNHEM, ["ZA-REF-900"])
        results = ledger.ingest([v315, a319, t301, stranger], "received")
        assert [(r.status, r.case) for r in results] == [
            ("recorded", "K-REF"),
            ("recorded", "K-REF"),
            ("recorded", "K-REF"),
            ("unlinked", None),
        ]
        assert "belongs to no case" in (results[3].detail or "")
        with ledger.engine.connect() as conn:
            answers = dict(conn.execute(text("SELECT berichttype, answers_id FROM ledger_message")).all())
            ids = dict(conn.execute(text("SELECT berichttype, id FROM ledger_message")).all())
        assert answers["JW319"] == answers["JW301"] == ids["JW315"]
        steps = {(d.step, d.state) for d in ledger.status("K-REF", today=date(2026, 5, 8))}
        assert ("OP274", "met") in steps and ("4b", "met") in steps
        # A message under a known identificatie with other content is kept out and reported.
        changed = b.jw315("ZA-1", date(2026, 5, 4), BSNS[5], ARNHEM, ["ZA-REF-778"])
        assert ledger.ingest(changed, "received")[0].status == "conflict"
        # A builder names the case; a BSN of another jeugdige is refused.
        with pytest.raises(LedgerError, match="differs"):
            ledger.link_message("K-OTHER", stranger, "sent")
        assert ledger.link_message("K-OTHER", b.jw315("ZA-3", date(2026, 5, 4), BSNS[6], ARNHEM, ["X-1"]),
                                   "sent").status == "recorded"


def test_key_file_is_created_once_and_guards_the_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("IJW_LEDGER_KEY", raising=False)
    monkeypatch.delenv("IJW_LEDGER_KEY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    url = f"sqlite:///{tmp_path / 'l.db'}"
    Ledger(url).close()
    (key_file,) = (tmp_path / "config" / "ijw-gateway" / "ledger-keys").iterdir()
    assert "created the ledger key file" in capsys.readouterr().err
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    Ledger(url).close()
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("IJW_LEDGER_KEY", "another-key-of-at-least-32-characters!!")
    with pytest.raises(LedgerError, match="another key"):
        Ledger(url)
    monkeypatch.delenv("IJW_LEDGER_KEY")
    key_file.unlink()
    with pytest.raises(LedgerError, match=r"key of this ledger is not in .*; restore that file"):
        Ledger(url)


def test_newer_schema_and_foreign_databases_are_refused(tmp_path: Path, ledger_url: str) -> None:
    with Ledger(ledger_url) as ledger, ledger.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(LedgerError, match="newer ijw-gateway"):
        Ledger(ledger_url)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(LedgerError, match="other tables"):
        Ledger(f"sqlite:///{other}")


def test_bad_databases_give_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IJW_LEDGER_KEY", "k" * 40)
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is no database" * 100)
    with pytest.raises(LedgerError, match="not a readable SQLite database"):
        Ledger(f"sqlite:///{corrupt}")
    with pytest.raises(LedgerError, match="does not exist"):
        Ledger(f"sqlite:///{tmp_path / 'missing' / 'l.db'}")
    with pytest.raises(LedgerError, match="cannot connect"):
        Ledger("postgresql+psycopg://nobody:x@127.0.0.1:1/none")
    with pytest.raises(LedgerError, match="SQLite or PostgreSQL"):
        Ledger("mysql://x@localhost/y")
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    Ledger(url).close()
    monkeypatch.setattr(store, "SQLITE_BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LedgerError, match="locked by another process"):
            Ledger(url)
    finally:
        holder.close()


# ------------------------------------------------------------------ concurrency
CASES = [(f"K-PAR-{i:02d}", BSNS[10 + i]) for i in range(8)]
EVENTS = ["overleg", "bepaling_vastgesteld", "bepaling_verstuurd"]


def _messages(prefix: str, count: int) -> list[bytes]:
    out = []
    for i in range(count):
        kenmerk, bsn = CASES[i % len(CASES)]
        out.append(b.jw315(f"{prefix}-{i:04d}", date(2026, 5, 4), bsn, ARNHEM, [f"{kenmerk}-1"]))
    return out


def _writer(url: str, messages: list[bytes], queue: multiprocessing.Queue) -> None:
    try:
        with Ledger(url) as ledger:
            for index, data in enumerate(messages):
                ledger.ingest(data, "received")
                case, _ = CASES[index % len(CASES)]
                ledger.record(case, EVENTS[index % len(EVENTS)], at=date(2026, 5, 4 + index % 3))
        queue.put("ok")
    except BaseException as error:  # report to the parent instead of dying silently
        queue.put(repr(error))


def test_two_processes_writing_at_once_lose_nothing(ledger_url: str) -> None:
    with Ledger(ledger_url) as ledger:
        for kenmerk, bsn in CASES:
            ledger.open(b.bepaling(kenmerk, "315", ARNHEM, bsn), at=date(2026, 4, 24))
    shared = _messages("SHARED", 40)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_writer, args=(ledger_url, shared + _messages(name, 25), queue)) for name in ("A", "B")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert sorted(queue.get(timeout=5) for _ in workers) == ["ok", "ok"]
    with Ledger(ledger_url) as ledger:
        counts = ledger.counts()
        assert counts == {"cases": 8, "events": 8 * 3, "messages": 90, "products": 90}
        facts = ledger.facts()
    assert sum(len(f.messages) for f in facts) == 90


def test_killed_mid_ingest_leaves_a_consistent_ledger(tmp_path: Path, ledger_url: str) -> None:
    with Ledger(ledger_url) as ledger:
        for kenmerk, bsn in CASES:
            ledger.open(b.bepaling(kenmerk, "315", ARNHEM, bsn), at=date(2026, 4, 24))
    directory = tmp_path / "in"
    directory.mkdir()
    total = 3000  # enough that the kill lands mid-way also with parsing in worker processes (and a fast ledger)
    for i, data in enumerate(_messages("KILL", total)):
        (directory / f"m{i:04d}.xml").write_bytes(data)
    command = [sys.executable, "-c", "from ijw_gateway.cli import run; run()",
               "ledger", "ingest", str(directory), "--direction", "received", "--db", ledger_url]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
    seen = 0
    with Ledger(ledger_url) as watcher:
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            seen = watcher.counts()["messages"]
            if seen >= 10:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL, f"the ingest was not killed mid-way ({seen} seen)"
    with Ledger(ledger_url) as ledger:
        after_kill = ledger.counts()
        assert 10 <= after_kill["messages"] < total
        assert after_kill["products"] == after_kill["messages"]  # no message without its products
        results = ledger.ingest(directory, "received")
        assert [r.status for r in results].count("recorded") == total - after_kill["messages"]
        assert all(r.ok for r in results)
        assert ledger.counts() == {"cases": 8, "events": 0, "messages": total, "products": total}
