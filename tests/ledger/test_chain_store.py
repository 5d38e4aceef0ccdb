"""The chain on the ledger: what each message stores, idempotently and in any order, without personal
data; `ijw respond --ledger` writing the JW325 and `ijw validate --ledger` judging controleniveau 3.

Runs on SQLite and PostgreSQL (the ``ledger_url`` fixture).
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.ledger.chain_store import CHAIN_TABLES
from ijw_gateway.ledger.ledger import Ledger
from ijw_gateway.validation.validator import ValidationContext, check
from tests.ledger import builders as b
from tests.ledger.chain_builders import Client, Levering, Prestatie, Toewijzing, jw301, jw305, jw307, jw323

BSN = "999900031"
N = 202600001
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
T301 = jw301("T1", date(2026, 3, 25), BSN, [Toewijzing(N, date(2026, 4, 1), date(2026, 12, 31)),
                                            Toewijzing(N + 1, date(2026, 4, 1), budget=500000, volume=None)])
START = jw305("S1", date(2026, 4, 2), BSN, [Levering(N, date(2026, 4, 1)), Levering(N + 1, date(2026, 4, 1))])
STOP = jw307("E1", date(2026, 6, 2), BSN, [Levering(N, date(2026, 4, 1), einddatum=date(2026, 5, 31))])
D1 = jw323("D1", date(2026, 5, 6), "DA1", APRIL, [Client(BSN, [
    Prestatie("P1", N, *APRIL), Prestatie("P2", N + 1, *APRIL, categorie="45", volume=4),
    Prestatie("P3", 999, *APRIL)])])
CHAIN = [(T301, "sent"), (START, "received"), (STOP, "received"), (D1, "received")]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def counts(ledger: Ledger) -> dict[str, int]:
    with ledger.engine.begin() as conn:
        return {t.name: conn.execute(text(f"SELECT count(*) FROM {t.name}")).scalar_one() for t in CHAIN_TABLES}


@pytest.fixture
def ledger(ledger_url: str) -> Ledger:
    ledger = Ledger(ledger_url)
    ledger.open(b.bepaling("K-STORE-1", "315", "0202", BSN), at=date(2026, 2, 1))
    yield ledger  # type: ignore[misc]
    ledger.close()


def test_each_message_stores_its_part_of_the_chain_once(ledger: Ledger) -> None:
    for data, direction in CHAIN:
        assert [r.status for r in ledger.ingest([data], direction)] == ["recorded"]  # type: ignore[arg-type]
    expected = {"ledger_toewijzing": 2, "ledger_levering": 3, "ledger_prestatie": 3, "ledger_declaratie": 1,
                "ledger_retour_item": 0}
    assert counts(ledger) == expected
    for data, direction in CHAIN:  # again: nothing new
        assert [r.status for r in ledger.ingest([data], direction)] == ["duplicate"]  # type: ignore[arg-type]
    assert counts(ledger) == expected
    with ledger.engine.begin() as conn:
        rows = conn.execute(text("SELECT nummer, case_id, categorie, volume, eenheid, frequentie, budget "
                                 "FROM ledger_toewijzing ORDER BY nummer")).all()
    assert [tuple(r) for r in rows] == [(str(N), "K-STORE-1", "45", 2, "04", "2", None),
                                        (str(N + 1), "K-STORE-1", "45", None, None, None, 500000)]


@pytest.mark.parametrize("order", list(itertools.permutations(range(4)))[::5])
def test_any_order_of_arrival_gives_the_same_chain_and_verdicts(ledger_url: str, order: tuple[int, ...],
                                                                tmp_path: Path) -> None:
    from ijw_gateway.ledger.crossrules import judge

    ledger = Ledger(ledger_url)
    try:
        ledger.open(b.bepaling("K-STORE-1", "315", "0202", BSN), at=date(2026, 2, 1))
        statuses = {}
        for i in order:
            data, direction = CHAIN[i]
            statuses[i] = ledger.ingest([data], direction)[0].status  # type: ignore[arg-type]
        for i, status in statuses.items():  # a declaration before its toewijzing links to no case yet
            if status == "unlinked":
                assert ledger.ingest([CHAIN[i][0]], CHAIN[i][1])[0].status == "recorded"  # type: ignore[arg-type]
        assert counts(ledger)["ledger_prestatie"] == 3
        second = jw323("D2", date(2026, 6, 6), "DA2", APRIL, [Client(BSN, [Prestatie("P4", N, *APRIL)])])
        assert {f.rule for f in judge(ledger, check(second, ValidationContext(rules=False)))} == {"TR389"}
    finally:
        ledger.close()


def test_no_personal_data_in_the_chain(ledger: Ledger) -> None:
    for data, direction in CHAIN:
        ledger.ingest([data], direction)  # type: ignore[arg-type]
    with ledger.engine.begin() as conn:
        for table in CHAIN_TABLES:
            for row in conn.execute(text(f"SELECT * FROM {table.name}")):
                flat = " ".join(map(str, row))
                assert BSN not in flat and b.ACHTERNAAM not in flat, table.name


def test_respond_writes_the_jw325_and_records_it(ledger_url: str, tmp_path: Path, official: object,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with Ledger(ledger_url) as ledger:
        ledger.open(b.bepaling("K-STORE-1", "315", "0202", BSN), at=date(2026, 2, 1))
        for data, direction in CHAIN[:2]:
            ledger.ingest([data], direction)  # type: ignore[arg-type]
    source = tmp_path / "d1.xml"
    source.write_bytes(D1)
    out = tmp_path / "out"
    code, stdout, _ = run(["respond", "--today", "2026-05-08", "--ledger", ledger_url, "--out", str(out),
                           str(source)], capsys)
    assert code == 1, stdout  # P3 is rejected
    assert "TR338 [9338]" in stdout and "d1-JW325.xml" in stdout
    answer = (out / "d1-JW325.xml").read_bytes()
    assert check(answer, ValidationContext(today=date(2026, 5, 8))).report.valid
    assert official.accepts("JW325", answer)  # type: ignore[attr-defined]
    model = ijw.parse(answer)
    antwoord = model.DeclaratieAntwoord
    [client] = antwoord.Clienten.Client
    [rejected] = client.Prestaties.Prestatie
    assert rejected.ProductReferentie.ReferentieNummer == "P3" and rejected.RetourCodes.RetourCode == ["9338"]
    assert antwoord.TotaalIngediendBedrag.TotaalBedrag == (8 + 4 + 8) * 10454
    assert antwoord.TotaalToegekendBedrag.TotaalBedrag == (8 + 4) * 10454
    assert model.Header.DeclaratieIdentificatie.Identificatie == "D1"
    with Ledger(ledger_url) as ledger:
        assert counts(ledger)["ledger_prestatie"] == 4  # the three declared and the one rejected
    code, stdout, _ = run(["respond", "--today", "2026-05-08", "--ledger", ledger_url, "--out", str(out),
                           str(source)], capsys)
    assert "0 of 2 messages newly recorded" in stdout  # answering again records nothing twice


def test_respond_without_a_ledger_says_why_there_is_no_jw325(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "d1.xml"
    source.write_bytes(D1)
    code, stdout, _ = run(["respond", "--today", "2026-05-08", "--out", str(tmp_path), str(source)], capsys)
    assert code == 0 and "give --ledger URL" in stdout
    assert not list(tmp_path.glob("*JW325*"))


def test_validate_judges_level_3_only_with_a_ledger(ledger_url: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with Ledger(ledger_url) as ledger:
        ledger.open(b.bepaling("K-STORE-1", "315", "0202", BSN), at=date(2026, 2, 1))
        ledger.ingest([T301], "sent")
    source = tmp_path / "e.xml"
    source.write_bytes(jw307("E9", date(2026, 6, 2), BSN, [Levering(N, date(2026, 4, 1),
                                                                     einddatum=date(2026, 5, 31))]))
    retour = tmp_path / "retour"
    retour.mkdir()
    base = ["validate", "--format", "json", "--today", "2026-06-03"]
    code, stdout, _ = run([*base, "--ledger", ledger_url, "--retour-dir", str(retour), str(source)], capsys)
    (result,) = json.loads(stdout)["results"]
    assert code == 1 and [f["rule"] for f in result["findings"]] == ["TR382"]
    assert result["findings"][0]["retourcode"] == "9069"
    assert {lv["level"]: lv["judged"] for lv in result["levels"]}[3] is True
    assert b"9069" in (retour / "e-JW308.xml").read_bytes()  # the retourbericht carries it
    code, stdout, _ = run([*base, str(source)], capsys)
    (result,) = json.loads(stdout)["results"]
    level3 = next(lv for lv in result["levels"] if lv["level"] == 3)
    assert code == 0 and level3["judged"] is False and "--ledger" in level3["why"]


def test_the_library_judges_level_3_with_a_ledger(ledger: Ledger) -> None:
    ledger.ingest([T301], "sent")
    report = ijw.validate(STOP, today=date(2026, 6, 3), ledger=ledger)
    assert [f.rule for f in report.findings] == ["TR382"] and not report.valid
    assert {lv["level"]: lv["judged"] for lv in report.levels()}[3] is True
    alone = ijw.validate(STOP, today=date(2026, 6, 3))
    assert alone.valid and {lv["level"]: lv["judged"] for lv in alone.levels()}[3] is False


def test_build_records_the_toewijzingen_it_writes(ledger_url: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bepaling = b.EXAMPLES / "bepalingen" / "07-rivierenland-tiel-301.yaml"
    out = tmp_path / "out"
    args = ["build", str(bepaling), "--out", str(out), "--dagtekening", "2026-11-23", "--ledger", ledger_url]
    assert run(args, capsys)[0] == 0
    written = [p for path in sorted(out.glob("*-JW301-*.xml"))
               for p in ijw.parse(path.read_bytes()).Client.ToegewezenProducten.ToegewezenProduct]
    with Ledger(ledger_url) as ledger, ledger.engine.begin() as conn:
        rows = conn.execute(text("SELECT nummer, gemeente, case_id, categorie, code FROM ledger_toewijzing "
                                 "ORDER BY nummer")).all()
    assert sorted((str(p.ToewijzingNummer), p.Product.Categorie, p.Product.Code) for p in written) == \
        [(r.nummer, r.categorie, r.code) for r in rows]
    assert {(r.gemeente, r.case_id) for r in rows} == {("0281", "JBG-2026-000777")}
    assert run(args, capsys)[0] == 0  # a re-run adds nothing
    with Ledger(ledger_url) as ledger:
        assert counts(ledger)["ledger_toewijzing"] == len(written)
