"""Ledger benchmark: ingest throughput and ``ledger status --overdue`` time, with baselines
measured in the same run (machines are noisy; compare the ratios).

    python benchmarks/ledger_bench.py [--events 100000] [--status-cases 50000] [--skip-postgres]

PostgreSQL runs too when env IJW_BENCH_POSTGRES_URL or IJW_TEST_POSTGRES_URL names a
server (each run uses a fresh schema, dropped afterwards).

(a) baseline: the work no ledger can avoid for the same items — every message parsed
    (``ijw.parse``: safe parse + XSD + model) and every route event inserted with one
    executemany, in one process;
(x) bare lxml parse + XSD of the same message files (our schemas), files/s;
(b) the ledger on SQLite: cases opened, then day by day the route events
    (``Ledger.record_many``) and the message files of that day (``Ledger.ingest`` of a
    directory, as ``ijw ledger ingest DIR``), in events (messages + route events) per s, and
    the message files alone per s as a ratio to (x);
(c) the same on PostgreSQL;
(d) ``Ledger.status(overdue=True)`` over --status-cases cases (written straight into
    the tables), in seconds, against the baseline of reading those rows with SQLAlchemy.
Targets (issue 12): (b) >= 5,000 events/s, (c) >= 2,500 events/s; (d) < 2 s for 50,000 cases.

Measured on this project's 2-core machine, 100,000 events = 17,500 cases, 52,500 route
events, 47,500 message files; at load average 1.5 (after the ledger split: batched look-ups
by natural key, one multi-row write per table, PostgreSQL through ``unnest``, fields read from
the checked tree):

    (a) baseline                          24,452 events/s     (x) parse + XSD 25,860 files/s
    (b) ledger on SQLite                   6,999 events/s  (b)/(a) = 0.29; 3,768 files/s, 0.15 of (x)
    (c) ledger on PostgreSQL               5,200 events/s  (c)/(a) = 0.21; 2,800 files/s, 0.11 of (x)
    (d) status --overdue, 50,000 cases: 0.85 s SQLite, 0.86 s PostgreSQL (ratio 0.4-0.6)

Before the split, in the same session at load 3: (b) 5,199 events/s (0.23), (c) 1,722 (0.08,
~9 round trips per message). Under load 8 the split gave 1,708 and 1,649 events/s (0.20, 0.19).
Earlier history: 1,166 events/s before the parsing workers, ~450 before batching; status 34 s
before the lean reader.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ijw_gateway as ijw  # noqa: E402
from ijw_gateway.ledger.calendar import WorkingDayCalendar  # noqa: E402
from ijw_gateway.messages.registry import BY_NAMESPACE  # noqa: E402
from ijw_gateway.tussentaal import Bepaling  # noqa: E402
from ijw_gateway.validation.retour import build_retour  # noqa: E402
from ijw_gateway.validation.validator import check  # noqa: E402
from tests.ledger.builders import with_field  # noqa: E402

BENCH_KEY = "ijw-bench-key-0123456789abcdef0123456789abcdef"
#: One municipality of each Gelderse region, and the four GIs.
GEMEENTEN = ("0202", "0222", "0228", "0200", "0243", "0268", "0281")
GIS = ("JBG", "WSS", "LDH", "JVV")
AGB = "42420001"
FIRST_DAY = date(2026, 1, 5)
TODAY = date(2026, 6, 1)
CAL = WorkingDayCalendar()

# Sentinels in the message templates, replaced per case.
S_IDENT, S_RETOUR, S_REF, S_BSN, S_GEMEENTE = "SENTINELID01", "SENTINELRT01", "SENTINEL-REF-1", "999900006", "0202"
S_DAY, S_RDAY, S_NUMMER = date(2001, 1, 1), date(2001, 1, 2), 900000001


def _elfproef(prefix: str) -> str | None:
    digits = [int(c) for c in prefix]
    total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    check_digit = total % 11
    return None if check_digit == 10 else prefix + str(check_digit)


BSNS = [b for n in range(10_000) if (b := _elfproef(f"9999{n:04}")) is not None]


def templates() -> dict[str, str]:
    """JW315, JW316, JW301, JW302 as text with sentinel values to replace per case."""
    examples = ROOT / "examples" / "berichten"
    v315 = ijw.parse((examples / "jw315-verzoek-om-toewijzing.xml").read_bytes())
    v315 = with_field(v315, "Header.BerichtIdentificatie.Identificatie", S_IDENT)
    v315 = with_field(v315, "Header.BerichtIdentificatie.Dagtekening", S_DAY)
    v315 = with_field(v315, "Header.Afzender", AGB)
    product = v315.Client.AangevraagdeProducten.AangevraagdProduct[0].model_copy(update={"ReferentieAanbieder": S_REF})
    v315 = with_field(v315, "Client.AangevraagdeProducten.AangevraagdProduct", [product])
    t301 = ijw.parse((examples / "jw301-toewijzing.xml").read_bytes())
    t301 = with_field(t301, "Header.BerichtIdentificatie.Identificatie", S_IDENT)
    t301 = with_field(t301, "Header.BerichtIdentificatie.Dagtekening", S_DAY)
    t301 = with_field(t301, "Header.Ontvanger", AGB)
    product = t301.Client.ToegewezenProducten.ToegewezenProduct[0].model_copy(
        update={"ToewijzingNummer": S_NUMMER, "ReferentieAanbieder": S_REF, "Toewijzingsdatum": S_DAY}
    )
    t301 = with_field(t301, "Client.ToegewezenProducten.ToegewezenProduct", [product])
    out: dict[str, str] = {}
    for name, model, retour_name in (("JW315", v315, "JW316"), ("JW301", t301, "JW302")):
        heen = ijw.to_xml(model)
        retour = build_retour(check(heen), S_RDAY)
        assert retour is not None
        retour = with_field(retour, "Header.IdentificatieRetour", S_RETOUR)
        out[name] = heen.decode()
        out[retour_name] = ijw.to_xml(retour).decode()
    return out


def fill(template: str, *, ident: str, day: date, ref: str, bsn: str, gemeente: str,
         nummer: int = S_NUMMER, retour: str = S_RETOUR, rday: date = S_RDAY) -> bytes:
    text = (
        template.replace(S_IDENT, ident)
        .replace(S_RETOUR, retour)
        .replace(S_REF, ref)
        .replace(S_BSN, bsn)
        .replace(f">{S_GEMEENTE}<", f">{gemeente}<")
        .replace(S_DAY.isoformat(), day.isoformat())
        .replace(S_RDAY.isoformat(), rday.isoformat())
        .replace(str(S_NUMMER), str(nummer))
    )
    return text.encode()


class Corpus:
    """Cases with their route events and message files, grouped by the day they happen."""

    def __init__(self, directory: Path, events: int) -> None:
        self.directory = directory
        self.bepalingen: list[tuple[Bepaling, date]] = []
        self.days: dict[date, dict[str, Any]] = {}
        self.messages = self.route_events = 0
        tmpl = templates()
        base = yaml.safe_load((ROOT / "examples" / "bepalingen" / "02-centraal-gelderland-arnhem-315.yaml").read_text())
        i = 0
        while self.messages + self.route_events < events:
            i += 1
            route = "315" if i % 2 else "301"
            gemeente = GEMEENTEN[i % len(GEMEENTEN)]
            kenmerk = f"GI-2026-{i:06}"
            bsn = BSNS[i % len(BSNS)]
            data = copy.deepcopy(base)
            data.update(kenmerk=kenmerk, route=route, gemeente=gemeente, gecertificeerde_instelling=GIS[i % 4])
            data["jeugdige"]["bsn"] = bsn
            opened = FIRST_DAY + timedelta(days=i % 100)
            self.bepalingen.append((Bepaling.model_validate(data), opened))
            # Route events, some late: overleg 1-6 werkdagen after opening, then the bepaling.
            overleg = CAL.add_working_days(opened, 1 + i % 6)
            vastgesteld = CAL.add_working_days(overleg, 2)
            verstuurd = CAL.add_working_days(overleg, 3 + i % 4)
            for name, day in (("overleg", overleg), ("bepaling_vastgesteld", vastgesteld),
                              ("bepaling_verstuurd", verstuurd)):
                self._event(kenmerk, name, day)
            # Messages; every seventh case stops before the JW301, so there is something overdue.
            ref, n = f"{kenmerk}-1", f"{i:09}"
            common = {"ref": ref, "bsn": bsn, "gemeente": gemeente}
            day = CAL.add_working_days(verstuurd, 1 + i % 5)
            if route == "315":
                self._message(day, "received", fill(tmpl["JW315"], ident=f"Z{n}", day=day, **common))
                rday = CAL.add_working_days(day, 1 + i % 3)
                self._message(rday, "sent", fill(tmpl["JW316"], ident=f"Z{n}", day=day, retour=f"R{n}", rday=rday,
                                                 **common))
                day = CAL.add_working_days(day, 2 + i % 5)
            if i % 7 == 0:
                continue
            self._message(day, "sent", fill(tmpl["JW301"], ident=f"G{n}", day=day, nummer=200000000 + i, **common))
            rday = CAL.add_working_days(day, 1 + i % 4)
            self._message(rday, "received", fill(tmpl["JW302"], ident=f"G{n}", day=day, nummer=200000000 + i,
                                                 retour=f"Q{n}", rday=rday, **common))

    def _day(self, day: date) -> dict[str, Any]:
        return self.days.setdefault(day, {"events": [], "sent": [], "received": []})

    def _event(self, case: str, name: str, day: date) -> None:
        self._day(day)["events"].append((case, name, day))
        self.route_events += 1

    def _message(self, day: date, direction: str, data: bytes) -> None:
        self._day(day)[direction].append(data)
        self.messages += 1

    def write_files(self) -> None:
        """One directory per day and direction, as a backoffice's exchange would deliver them."""
        for day, items in self.days.items():
            for direction in ("sent", "received"):
                if items[direction]:
                    folder = self.directory / day.isoformat() / direction
                    folder.mkdir(parents=True)
                    for k, data in enumerate(items[direction]):
                        (folder / f"m{k:06}.xml").write_bytes(data)

    def all_messages(self) -> Iterator[bytes]:
        for items in self.days.values():
            yield from items["sent"]
            yield from items["received"]


def baseline_ingest(corpus: Corpus, directory: Path) -> float:
    """Parse every message, insert every route event with one executemany: items/s."""
    import sqlite3

    started = time.perf_counter()
    for data in corpus.all_messages():
        ijw.parse(data)
    db = sqlite3.connect(directory / "baseline.db")
    db.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, case_id TEXT, name TEXT, day TEXT, "
               "UNIQUE (case_id, name, day))")
    with db:
        db.executemany("INSERT INTO event (case_id, name, day) VALUES (?, ?, ?)",
                       [(c, n, d.isoformat()) for items in corpus.days.values() for c, n, d in items["events"]])
    db.close()
    return (corpus.messages + corpus.route_events) / (time.perf_counter() - started)


def parse_xsd(corpus: Corpus) -> float:
    """Bare lxml parse + XSD (our schemas) of every message file, read from disk: files/s."""
    from lxml import etree

    schemas: dict[str, etree.XMLSchema] = {}
    paths = sorted(corpus.directory.rglob("*.xml"))
    started = time.perf_counter()
    for path in paths:
        tree = etree.fromstring(path.read_bytes()).getroottree()
        name = BY_NAMESPACE[etree.QName(tree.getroot()).namespace].naam
        if name not in schemas:  # compiled once per type
            schemas[name] = etree.XMLSchema(etree.parse(str(ROOT / "schemas" / f"{name}.xsd")))
        assert schemas[name].validate(tree), path
    return len(paths) / (time.perf_counter() - started)


def ledger_ingest(corpus: Corpus, url: str) -> tuple[float, float, float, dict[str, int]]:
    """(cases opened/s, events/s, message files ingested/s, counts) for the whole corpus into a
    fresh ledger at ``url``."""
    from ijw_gateway.ledger import Ledger

    with Ledger(url, key=BENCH_KEY) as ledger:
        started = time.perf_counter()
        for bep, opened in corpus.bepalingen:
            ledger.open(bep, at=opened)
        opens = len(corpus.bepalingen) / (time.perf_counter() - started)
        started = time.perf_counter()
        in_ingest = 0.0
        statuses: dict[str, int] = {}
        for day in sorted(corpus.days):
            items = corpus.days[day]
            if items["events"]:
                ledger.record_many(items["events"])
            for direction in ("sent", "received"):
                folder = corpus.directory / day.isoformat() / direction
                if folder.is_dir():
                    began = time.perf_counter()
                    for result in ledger.ingest(folder, direction):  # type: ignore[arg-type]
                        statuses[result.status] = statuses.get(result.status, 0) + 1
                    in_ingest += time.perf_counter() - began
        rate = (corpus.messages + corpus.route_events) / (time.perf_counter() - started)
        assert statuses == {"recorded": corpus.messages}, statuses
        counts = ledger.counts()
    return opens, rate, corpus.messages / in_ingest, counts


def fill_status_ledger(url: str, cases: int) -> None:
    """``cases`` cases with route events and messages, written straight into the tables
    (the same rows the ledger writes; much faster than parsing messages for a read benchmark)."""
    from sqlalchemy import insert

    from ijw_gateway.ledger import Ledger
    from ijw_gateway.ledger.store import CaseRow, EventRow, MessageProductRow, MessageRow

    now = datetime(2026, 6, 1, tzinfo=UTC)
    case_rows, event_rows, message_rows, product_rows = [], [], [], []
    message_id = 0
    for i in range(1, cases + 1):
        route = "315" if i % 2 else "301"
        kenmerk = f"GI-2026-{i:06}"
        gemeente = GEMEENTEN[i % len(GEMEENTEN)]
        opened = FIRST_DAY + timedelta(days=i % 140)
        case_rows.append({"id": kenmerk, "route": route, "gemeente": gemeente, "regio": None, "gi": GIS[i % 4],
                          "maatregel": "OTS", "vastgesteld_op": opened, "bsn_hash": f"{i:064x}",
                          "opened_at": datetime(opened.year, opened.month, opened.day, 9, tzinfo=UTC),
                          "recorded_at": now})
        overleg = CAL.add_working_days(opened, 1 + i % 6)
        days = {"overleg": overleg, "bepaling_vastgesteld": CAL.add_working_days(overleg, 2),
                "bepaling_verstuurd": CAL.add_working_days(overleg, 3 + i % 4)}
        if i % 11 == 0:
            days["ret_aangemeld"] = CAL.add_working_days(overleg, 8)
        for name, day in days.items():
            if day <= TODAY:
                event_rows.append({"case_id": kenmerk, "name": name, "day": day,
                                   "at": datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                                   "recorded_at": now})
        day = CAL.add_working_days(days["bepaling_verstuurd"], 1 + i % 5)
        kinds = (["JW315", "JW316"] if route == "315" else []) + ([] if i % 7 == 0 else ["JW301", "JW302"])
        ref = f"{kenmerk}-1"
        for kind in kinds:
            message_id += 1
            retour = kind in ("JW316", "JW302")
            heen = {"JW316": "JW315", "JW302": "JW301"}.get(kind)
            message_rows.append({
                "id": message_id, "case_id": kenmerk, "berichttype": kind, "direction": "sent",
                "afzender": AGB if kind in ("JW315", "JW302") else gemeente,
                "ontvanger": gemeente if kind in ("JW315", "JW302") else AGB,
                "identificatie": f"R{i:09}{kind[-1]}" if retour else f"{kind[-1]}{i:09}",
                "retour_op": f"{heen[-1]}{i:09}" if heen else "", "dagtekening": day,
                "at": datetime(day.year, day.month, day.day, 11, tzinfo=UTC), "answers_id": None,
                "verzoek_antwoord": None, "zorgdatum": None, "bsn_hash": f"{i:064x}",
                "content_hash": f"{message_id:064x}", "recorded_at": now,
            })
            if not retour:
                product_rows.append({"message_id": message_id, "ref": ref, "kind": "RA"})
            day = CAL.add_working_days(day, 1 + i % 3)
    with Ledger(url, key=BENCH_KEY) as ledger, ledger.engine.begin() as conn:
        for table, rows in ((CaseRow, case_rows), (EventRow, event_rows), (MessageRow, message_rows),
                            (MessageProductRow, product_rows)):
            for start in range(0, len(rows), 10_000):
                conn.execute(insert(table.__table__), rows[start:start + 10_000])  # type: ignore[attr-defined]


def status_time(url: str) -> tuple[float, float, int, int]:
    """(seconds of status --overdue, seconds of the read baseline, overdue deadlines, cases)."""
    from sqlalchemy import select

    from ijw_gateway.ledger import Ledger
    from ijw_gateway.ledger.store import CaseRow, EventRow, MessageProductRow, MessageRow

    with Ledger(url, key=BENCH_KEY) as ledger:
        started = time.perf_counter()
        with ledger.engine.begin() as conn:
            rows = 0
            for table in (CaseRow, EventRow, MessageRow, MessageProductRow):
                rows += len(conn.execute(select(table.__table__)).all())  # type: ignore[attr-defined]
        base = time.perf_counter() - started
        started = time.perf_counter()
        overdue = ledger.status(today=TODAY, overdue=True)
        seconds = time.perf_counter() - started
        cases = ledger.counts()["cases"]
    return seconds, base, len(overdue), cases


@contextmanager
def postgres_url() -> Iterator[str | None]:
    """A fresh schema on the benchmark's PostgreSQL server, or None without one."""
    base = os.environ.get("IJW_BENCH_POSTGRES_URL") or os.environ.get("IJW_TEST_POSTGRES_URL")
    if not base:
        yield None
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="messages + route events to ingest")
    parser.add_argument("--status-cases", type=int, default=50_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("IJW_LEDGER_KEY", BENCH_KEY)
    from ijw_gateway.logging import configure

    configure()  # warnings only, as the CLI without --verbose

    with tempfile.TemporaryDirectory(prefix="ijw-ledger-bench-") as tmp:
        corpus = Corpus(Path(tmp) / "corpus", args.events)
        corpus.write_files()
        total = corpus.messages + corpus.route_events
        print(f"corpus: {len(corpus.bepalingen)} cases, {corpus.route_events} route events, "
              f"{corpus.messages} message files ({total} events) over {len(corpus.days)} days")
        a = baseline_ingest(corpus, Path(tmp))
        print(f"(a) baseline: parse every message + one executemany of the events : {a:8.0f} events/s")
        x = parse_xsd(corpus)
        print(f"(x) bare lxml parse + XSD of the same message files                : {x:8.0f} files/s")
        opens, b, files, counts = ledger_ingest(corpus, f"sqlite:///{tmp}/ledger.db")
        print(f"(b) ledger on SQLite     : {b:8.0f} events/s   (b)/(a) = {b / a:.2f}   target >= 5000 events/s "
              f"(cases opened: {opens:.0f}/s; {counts})")
        print(f"    its ingest of the message files: {files:8.0f} files/s, ratio to (x) {files / x:.2f}")
        with postgres_url() as pg:
            if pg is None or args.skip_postgres:
                print("(c) ledger on PostgreSQL : skipped (set IJW_BENCH_POSTGRES_URL or IJW_TEST_POSTGRES_URL)")
            else:
                opens, c, files, counts = ledger_ingest(corpus, pg)
                print(f"(c) ledger on PostgreSQL : {c:8.0f} events/s   (c)/(a) = {c / a:.2f}   target >= 2500 events/s "
                      f"(cases opened: {opens:.0f}/s)")
                print(f"    its ingest of the message files: {files:8.0f} files/s, ratio to (x) {files / x:.2f}")

        url = f"sqlite:///{tmp}/status.db"
        fill_status_ledger(url, args.status_cases)
        seconds, base, overdue, cases = status_time(url)
        print(f"(d) status --overdue, SQLite, {cases} cases: {seconds:.2f} s ({overdue} overdue deadlines); "
              f"baseline: reading every row {base:.2f} s, ratio {seconds / base:.1f}   target < 2 s")
        with postgres_url() as pg:
            if pg is not None and not args.skip_postgres:
                fill_status_ledger(pg, args.status_cases)
                seconds, base, overdue, cases = status_time(pg)
                print(f"    status --overdue, PostgreSQL, {cases} cases: {seconds:.2f} s ({overdue} overdue); "
                      f"baseline {base:.2f} s, ratio {seconds / base:.1f}")


if __name__ == "__main__":
    main()
