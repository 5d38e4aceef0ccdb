"""The berichtoverstijgende rules against the ledger: per rule a history that makes it fire and one
that does not, on SQLite and PostgreSQL; and that every rule the ledger emits is registered as
judged by it, with the retourcode of the standard."""

from __future__ import annotations

from datetime import date

import pytest

from ijw_gateway.ledger.crossrules import RETOURCODE, judge
from ijw_gateway.ledger.ledger import Ledger
from ijw_gateway.messages.codelists import RETOURCODE as WJ001
from ijw_gateway.validation.checked import CheckedMessage
from ijw_gateway.validation.declaratie_antwoord import build_jw325
from ijw_gateway.validation.rules.berichtoverstijgend import JUDGED_BY_LEDGER
from ijw_gateway.validation.rules.registry import REGISTRY, Status
from ijw_gateway.validation.validator import ValidationContext, check
from tests.ledger import builders as b
from tests.ledger.chain_builders import (
    Client,
    Levering,
    Prestatie,
    Toewijzing,
    Wijziging,
    jw301,
    jw305,
    jw307,
    jw317,
    jw323,
)

BSN, BSN2 = "999900031", "999900043"
N, N2, N3 = 202600001, 202600002, 202600003
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
MAY = (date(2026, 5, 1), date(2026, 5, 31))
T = Toewijzing(N, date(2026, 4, 1), date(2026, 12, 31))
T301 = jw301("T1", date(2026, 3, 25), BSN, [T])
START = jw305("S1", date(2026, 4, 2), BSN, [Levering(N, date(2026, 4, 1))])
STOP = jw307("E1", date(2026, 6, 2), BSN, [Levering(N, date(2026, 4, 1), einddatum=date(2026, 5, 31))])
Msg = tuple[bytes, str]


def sent(data: bytes) -> Msg:
    return data, "sent"


def received(data: bytes) -> Msg:
    return data, "received"


def d323(ident: str, nummer: str, *prestaties: Prestatie, bsn: str = BSN, periode: tuple[date, date] = APRIL
         ) -> bytes:
    return jw323(ident, periode[1].replace(day=28), nummer, periode, [Client(bsn, list(prestaties))])


def p(ref: str, periode: tuple[date, date] = APRIL, **kw: object) -> Prestatie:
    return Prestatie(ref, kw.pop("nummer", N), periode[0], periode[1], **kw)  # type: ignore[arg-type]


def answer_of(data: bytes) -> bytes:
    """The JW325 awarding a declaration in full (its findings: none)."""
    checked = check(data, ValidationContext(rules=False))
    from ijw_gateway.messages.codec import to_xml

    return to_xml(build_jw325(CheckedMessage(checked.data, checked.report.model_copy(update={"findings": []}),
                                             checked.berichttype, checked.tree, xsd_valid=True), date(2026, 6, 1)))


def rejecting(data: bytes) -> bytes:
    """The JW325 rejecting the first prestatie of a declaration (as if TR338)."""
    from ijw_gateway.messages.codec import to_xml
    from ijw_gateway.validation.findings import Finding

    checked = check(data, ValidationContext(rules=False))
    path = ("/jw323:Bericht/jw323:Declaratie/jw323:Clienten/jw323:Client[1]/jw323:Prestaties/jw323:Prestatie[1]"
            "/jw323:ToewijzingNummer")
    report = checked.report.model_copy(update={"findings": [Finding(rule="TR338", retourcode="9338", path=path,
                                                                    message="x")], "valid": False})
    return to_xml(build_jw325(CheckedMessage(checked.data, report, checked.berichttype, checked.tree,
                                             xsd_valid=True), date(2026, 6, 1)))


D1 = d323("D1", "DA1", p("P1"))
CASES: list[tuple[str, list[Msg], bytes, set[str]]] = [
    # --- JW305 / JW307
    ("TR019 fires", [], jw305("S9", date(2026, 4, 2), BSN, [Levering(999, date(2026, 4, 1))]), {"TR019"}),
    ("TR019 not", [sent(T301)], START, set()),
    ("TR326 fires", [sent(T301), received(START)],
     jw305("S2", date(2026, 5, 2), BSN, [Levering(N, date(2026, 5, 1))]), {"TR326"}),
    ("TR326 not after a stop", [sent(T301), received(START), received(STOP)],
     jw305("S2", date(2026, 6, 3), BSN, [Levering(N, date(2026, 6, 1))]), set()),
    ("TR074 fires", [sent(T301), received(START)],
     jw305("S2", date(2026, 4, 3), BSN, [Levering(N, date(2026, 4, 1))]), {"TR074"}),
    ("OP033 fires", [sent(T301), received(START)],
     jw305("S2", date(2026, 4, 3), BSN, [Levering(N, date(2026, 4, 1), code="45A54")]), {"TR074", "OP033"}),
    ("TR063 fires", [sent(T301)], jw305("S2", date(2026, 4, 3), BSN, [Levering(N, date(2026, 4, 1), status="3")]),
     {"TR063"}),
    ("TR063 not", [sent(T301), received(START)],
     jw305("S2", date(2026, 4, 3), BSN, [Levering(N, date(2026, 4, 1), status="3")]), set()),
    ("TR071 fires", [sent(T301), received(START), received(STOP)],
     jw305("S2", date(2026, 6, 3), BSN, [Levering(N, date(2026, 4, 1), status="3")]), {"TR071"}),
    ("TR382 fires", [sent(T301)], STOP, {"TR382"}),
    ("TR382 not", [sent(T301), received(START)], STOP, set()),
    ("TR074 stop fires", [sent(T301), received(START), received(STOP)],
     jw307("E2", date(2026, 6, 3), BSN, [Levering(N, date(2026, 4, 1), einddatum=date(2026, 5, 31))]), {"TR074"}),
    ("TR415 fires", [sent(T301), received(START), received(STOP)],
     jw307("E2", date(2026, 7, 3), BSN, [Levering(N, date(2026, 4, 1), einddatum=date(2026, 6, 30))]), {"TR415"}),
    ("TR413 fires", [sent(T301), received(START), received(jw307("E1", date(2026, 6, 2), BSN, [
        Levering(N, date(2026, 4, 1), einddatum=date(2026, 5, 31), reden="20")]))],
     jw307("E2", date(2026, 7, 3), BSN, [Levering(N, date(2026, 4, 1), einddatum=date(2026, 6, 30), reden="20")]),
     {"TR413"}),
    ("TR414 fires", [sent(T301), received(START), received(jw307("E1", date(2026, 6, 2), BSN, [
        Levering(N, date(2026, 4, 1), einddatum=date(2026, 6, 30), reden="20")]))],
     jw307("E2", date(2026, 7, 3), BSN, [Levering(N, date(2026, 4, 1), einddatum=date(2026, 5, 31))]), {"TR414"}),
    ("TR414 and TR413 not after a temporary stop", [sent(T301), received(START), received(jw307(
        "E1", date(2026, 6, 2), BSN, [Levering(N, date(2026, 4, 1), einddatum=date(2026, 5, 31), reden="20")]))],
     jw307("E2", date(2026, 7, 3), BSN, [Levering(N, date(2026, 4, 1), einddatum=date(2026, 6, 30))]), set()),
    # --- JW323
    ("JW323 clean", [sent(T301)], D1, set()),
    ("TR338 fires", [sent(T301)], d323("D1", "DA1", p("P1", nummer=999)), {"TR338"}),
    ("TR339 fires", [sent(T301)], d323("D1", "DA1", p("P1", categorie="41", code="41A04", tarief=10712)),
     {"TR339", "TR340"}),
    ("TR418 fires", [sent(T301)], d323("D1", "DA1", p("P1", tarief=10000)), {"TR418"}),
    ("TR418 not for minutes at the hourly tarief", [sent(T301)],
     d323("D1", "DA1", p("P1", eenheid="01", volume=480, tarief=174)), set()),
    ("TR340 fires", [sent(T301)], d323("D1", "DA1", p("P1", code="45A54")), {"TR340"}),
    ("TR341 fires", [sent(T301)], d323("D1", "DA1", p("P1", eenheid="16")), {"TR341"}),
    ("TR341 not for minutes", [sent(T301)], d323("D1", "DA1", p("P1", eenheid="01", volume=480, tarief=174)),
     set()),
    ("TR307 fires", [sent(jw301("T1", date(2026, 3, 25), BSN, [Toewijzing(N, date(2026, 4, 10))]))], D1,
     {"TR307", "TR387"}),
    ("TR308 fires", [sent(jw301("T1", date(2026, 3, 25), BSN, [Toewijzing(N, date(2026, 4, 1),
                                                                          date(2026, 4, 20))]))], D1,
     {"TR308", "TR388", "TR322"}),  # 8 hours exceed the 6 of 2 a week over its 20 days
    ("TR387 fires", [sent(T301)], d323("D1", "DA1", Prestatie("P1", N, date(2026, 4, 2), APRIL[1])), {"TR387"}),
    ("TR388 fires", [sent(T301)], d323("D1", "DA1", Prestatie("P1", N, APRIL[0], date(2026, 4, 29))), {"TR388"}),
    ("TR321 fires", [sent(T301)], d323("D1", "DA1", p("P1", volume=10)), {"TR321"}),
    ("TR321 not at the limit", [sent(T301)], d323("D1", "DA1", p("P1", volume=9)), set()),
    ("TR322 fires", [sent(jw301("T1", date(2026, 3, 25), BSN, [Toewijzing(N, date(2026, 4, 1), volume=12,
                                                                          frequentie="6")])), received(D1)],
     d323("D2", "DA2", p("P2", MAY)), {"TR322"}),
    ("TR369 fires", [sent(jw301("T1", date(2026, 3, 25), BSN, [Toewijzing(N, date(2026, 4, 1), volume=None,
                                                                          budget=150000)])), received(D1)],
     d323("D2", "DA2", p("P2", MAY)), {"TR369"}),
    ("TR384 fires", [sent(jw301("T1", date(2026, 3, 25), BSN, [Toewijzing(N, date(2026, 4, 1), date(2026, 4, 1),
                                                                          reden="13")]))],
     d323("D1", "DA1", Prestatie("P1", N, APRIL[0], APRIL[0], volume=1)), {"TR384"}),
    ("TR389 fires", [sent(T301), received(D1)], d323("D2", "DA2", p("P2")), {"TR389"}),
    ("TR389 not after a credit", [sent(T301), received(D1), received(d323("D2", "DA2", p("C1", dc="C", vorig="P1")))],
     d323("D3", "DA3", p("P2")), set()),
    ("TR389 not after a rejection", [sent(T301), received(D1), sent(b"REJECT D1")], d323("D2", "DA2", p("P2")),
     set()),
    ("TR323 fires", [sent(T301)], d323("D1", "DA1", p("C1", dc="C", vorig="P0")), {"TR323"}),
    ("TR323 fires on another amount", [sent(T301), received(D1)],
     d323("D2", "DA2", p("C1", dc="C", vorig="P1", volume=7)), {"TR323"}),
    ("TR323 not", [sent(T301), received(D1)], d323("D2", "DA2", p("C1", dc="C", vorig="P1")), set()),
    ("TR390 fires", [sent(T301), received(D1), received(d323("D2", "DA2", p("C1", dc="C", vorig="P1")))],
     d323("D3", "DA3", p("C2", dc="C", vorig="P1")), {"TR390"}),
    ("TR314 fires", [sent(T301), received(D1)], d323("D2", "DA2", p("P1", MAY)), {"TR314"}),
    ("TR333 fires", [sent(T301), received(D1)], d323("D2", "DA1", p("P2", MAY)), {"TR333"}),
    ("TR304 fires", [sent(T301)], d323("D1", "DA1", p("P1"), bsn=BSN2), {"TR304"}),
    # --- JW325 (received by the aanbieder)
    ("JW325 clean", [sent(T301), received(D1)], rejecting(D1), set()),
    ("TR366 fires", [sent(T301), received(D1)], rejecting(d323("D1", "DA1", p("PX"))), {"TR366"}),
    ("TR367 fires", [sent(T301), received(D1)], rejecting(d323("D1", "DA1", p("P1", volume=7))), {"TR367"}),
    ("TR304 fires on a JW325", [sent(T301), received(D1)], rejecting(d323("D1", "DA1", p("P1"), bsn=BSN2)),
     {"TR304"}),
    ("JW325 on a declaration the ledger lacks", [sent(T301)], rejecting(D1), set()),
    # --- JW315 / JW317 / JW319
    ("TR374 fires", [received(b.jw315("V1", date(2026, 3, 1), BSN, "0202", ["R1"]))],
     b.jw315("V2", date(2026, 3, 5), BSN, "0202", ["R2"]), {"TR374"}),
    ("TR374 not after the toewijzing", [received(b.jw315("V1", date(2026, 3, 1), BSN, "0202", ["R1"])),
                                        sent(jw301("T1", date(2026, 3, 3), BSN, [Toewijzing(N, date(2026, 4, 1),
                                                                                            ref="R1")]))],
     b.jw315("V2", date(2026, 3, 5), BSN, "0202", ["R2"]), set()),
    ("TR347 fires", [received(b.jw315("V1", date(2026, 3, 1), BSN, "0202", ["R1"])),
                     sent(b.jw319("A1", date(2026, 3, 3), "0202", "R1", "1"))],
     b.jw315("V2", date(2026, 3, 5), BSN, "0202", ["R1"]), {"TR347"}),
    ("TR355 fires", [], b.jw319("A1", date(2026, 3, 3), "0202", "R9"), {"TR355"}),
    ("TR355 not", [received(b.jw315("V1", date(2026, 3, 1), BSN, "0202", ["R1"]))],
     b.jw319("A1", date(2026, 3, 3), "0202", "R1"), set()),
    ("TR359 fires", [received(b.jw315("V1", date(2026, 3, 1), BSN, "0202", ["R1"])),
                     sent(jw301("T1", date(2026, 3, 3), BSN, [Toewijzing(N, date(2026, 4, 1), ref="R1")]))],
     b.jw319("A1", date(2026, 3, 4), "0202", "R1"), {"TR359"}),
    ("TR360 fires", [received(b.jw315("V1", date(2026, 3, 1), BSN, "0202", ["R1"])),
                     sent(b.jw319("A1", date(2026, 3, 3), "0202", "R1", "2"))],
     b.jw319("A2", date(2026, 3, 4), "0202", "R1", "2"), {"TR360"}),
    ("TR365 fires", [received(b.jw315("V1", date(2026, 3, 1), BSN, "0202", ["R1"])),
                     sent(b.jw319("A1", date(2026, 3, 3), "0202", "R1", "1"))],
     b.jw319("A2", date(2026, 3, 4), "0202", "R1", "1"), {"TR365"}),
    ("TR365 not after in onderzoek", [received(b.jw315("V1", date(2026, 3, 1), BSN, "0202", ["R1"])),
                                      sent(b.jw319("A1", date(2026, 3, 3), "0202", "R1", "2"))],
     b.jw319("A2", date(2026, 3, 4), "0202", "R1", "1"), set()),
    ("JW317 clean", [sent(T301)], jw317("W1", date(2026, 5, 1), BSN, "RW1", [], [Wijziging(N, date(2026, 6, 1))]),
     set()),
    ("TR350 fires", [sent(T301)], jw317("W1", date(2026, 5, 1), BSN, "RW1", [999], [Wijziging(N, date(2026, 6, 1))]),
     {"TR350"}),
    ("TR351 fires", [sent(T301)], jw317("W1", date(2026, 5, 1), BSN, "RW1", [N], [Wijziging(999, date(2026, 6, 1))]),
     {"TR351"}),
    ("TR349 fires", [sent(jw301("T1", date(2026, 3, 25), BSN, [T, Toewijzing(N2, date(2026, 4, 1))]))],
     jw317("W1", date(2026, 5, 1), BSN, "RW1", [], [Wijziging(N, date(2026, 6, 1))]), {"TR349"}),
    ("TR361 fires", [sent(jw301("T1", date(2026, 3, 25), BSN, [T, Toewijzing(N2, date(2026, 4, 1))]))],
     jw317("W1", date(2026, 5, 1), BSN, "RW1", [N], [Wijziging(N2, date(2026, 6, 1))]), {"TR361"}),
    ("TR361 not for another product", [sent(jw301("T1", date(2026, 3, 25), BSN, [
        T, Toewijzing(N2, date(2026, 4, 1), code="45A56")]))],
     jw317("W1", date(2026, 5, 1), BSN, "RW1", [N], [Wijziging(N2, date(2026, 6, 1))]), set()),
    ("TR361 not once the one ends before the other", [sent(jw301("T1", date(2026, 3, 25), BSN, [
        Toewijzing(N, date(2026, 4, 1), date(2026, 5, 31)), Toewijzing(N2, date(2026, 6, 1))]))],
     jw317("W1", date(2026, 5, 1), BSN, "RW1", [N], [Wijziging(N2, date(2026, 6, 1))]), set()),
    ("TR357 fires", [sent(T301)], jw317("W1", date(2026, 5, 1), BSN, "RW1", [], [Wijziging(N, date(2026, 4, 15))]),
     {"TR357"}),
    ("TR373 fires", [sent(T301)], jw317("W1", date(2026, 5, 1), BSN, "RW1", [],
                                        [Wijziging(N, date(2026, 6, 1), budget=50000)]), {"TR373"}),
    ("TR411 fires", [sent(T301)], jw317("W1", date(2026, 5, 1), BSN, "RW1", [],
                                        [Wijziging(N, date(2026, 6, 1), omvang=None)]), {"TR411"}),
    ("TR412 fires", [sent(jw301("T1", date(2026, 3, 25), BSN, [Toewijzing(N, date(2026, 4, 1), code=None)]))],
     jw317("W1", date(2026, 5, 1), BSN, "RW1", [], [Wijziging(N, date(2026, 6, 1))]), {"TR412"}),
    ("TR375 fires", [sent(jw301("T1", date(2026, 3, 25), BSN, [Toewijzing(N, date(2026, 4, 1), categorie=None,
                                                                          code=None)]))],
     jw317("W1", date(2026, 5, 1), BSN, "RW1", [], [Wijziging(N, date(2026, 6, 1))]), {"TR375"}),
    ("TR304 fires on a JW317", [sent(T301)],
     jw317("W1", date(2026, 5, 1), BSN2, "RW1", [], [Wijziging(N, date(2026, 6, 1))]), {"TR304"}),
    # --- JW301
    ("TR332 fires", [sent(T301)], jw301("T2", date(2026, 3, 26), BSN2, [T]), {"TR332"}),
    ("TR332 not for a change", [sent(T301)], jw301("T2", date(2026, 5, 26), BSN, [
        Toewijzing(N, date(2026, 4, 1), date(2026, 8, 31))]), set()),
    ("TR379 fires", [], jw301("T1", date(2026, 3, 25), BSN, [Toewijzing(N, date(2026, 4, 1), ref="R5")]), {"TR379"}),
    ("TR385 fires", [sent(T301), received(D1), sent(b"ANSWER D1")],
     jw301("T2", date(2026, 6, 1), BSN, [Toewijzing(N, date(2026, 4, 1), date(2026, 4, 1), reden="13")]), {"TR385"}),
    ("TR385 not while unanswered", [sent(T301), received(D1)],
     jw301("T2", date(2026, 6, 1), BSN, [Toewijzing(N, date(2026, 4, 1), date(2026, 4, 1), reden="13")]), set()),
]


def _rejection_of(data: bytes) -> bytes:
    """The JW325 rejecting a whole declaration (DeclaratieNummer not unique, as it were)."""
    from ijw_gateway.messages.codec import to_xml
    from ijw_gateway.validation.findings import Finding

    checked = check(data, ValidationContext(rules=False))
    finding = Finding(rule="TR333", retourcode="9333", path="/jw323:Bericht/jw323:Declaratie/jw323:DeclaratieNummer",
                      message="x")
    report = checked.report.model_copy(update={"findings": [finding], "valid": False})
    return to_xml(build_jw325(CheckedMessage(checked.data, report, checked.berichttype, checked.tree,
                                             xsd_valid=True), date(2026, 6, 1)))


def _history(ledger: Ledger, history: list[Msg]) -> None:
    last_323 = None
    for data, direction in history:
        if data.startswith(b"REJECT"):
            data = _rejection_of(last_323)  # type: ignore[arg-type]
        elif data.startswith(b"ANSWER"):
            data = answer_of(last_323)  # type: ignore[arg-type]
        elif b"jw323:Bericht" in data:
            last_323 = data
        [result] = ledger.ingest([data], direction)  # type: ignore[arg-type]
        assert result.status == "recorded", result


@pytest.fixture
def chain_ledger(ledger_url: str) -> Ledger:
    ledger = Ledger(ledger_url)
    ledger.open(b.bepaling("K-CHAIN-1", "315", "0202", BSN), at=date(2026, 2, 1))
    ledger.open(b.bepaling("K-CHAIN-2", "315", "0202", BSN2), at=date(2026, 2, 1))
    yield ledger  # type: ignore[misc]
    ledger.close()


def judged(ledger: Ledger, data: bytes) -> set[str]:
    checked = check(data, ValidationContext(rules=False))
    findings = judge(ledger, checked)
    for finding in findings:
        assert finding.retourcode == RETOURCODE[finding.rule]
        assert BSN not in finding.message and BSN2 not in finding.message and b.ACHTERNAAM not in finding.message
        assert finding.path and finding.path.startswith(f"/{checked.bericht.lower()}:Bericht")  # type: ignore[union-attr]
    return {f.rule for f in findings}


@pytest.mark.parametrize(("history", "message", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(chain_ledger: Ledger, history: list[Msg], message: bytes, expected: set[str]) -> None:
    _history(chain_ledger, history)
    assert judged(chain_ledger, message) == expected


def test_every_rule_the_ledger_judges_has_a_case_that_fires_it() -> None:
    fired = set().union(*(c[3] for c in CASES))
    assert fired == set(JUDGED_BY_LEDGER) - {"OP350"}  # OP350 is judged as TR374


def test_the_registry_marks_them_judged_with_the_standards_retourcode() -> None:
    for code, (berichten, _) in JUDGED_BY_LEDGER.items():
        registered = [r for r in REGISTRY[code] if r.status is Status.LEDGER
                      or (r.status is Status.IMPLEMENTED and "--ledger" in r.note)]  # TR314: within a message too
        assert {b for r in registered for b in r.berichten} == set(berichten), code
    for code, retourcode in RETOURCODE.items():
        assert retourcode in WJ001.codes, (code, retourcode)


def test_judging_does_not_count_a_recorded_message_against_itself(chain_ledger: Ledger) -> None:
    _history(chain_ledger, [sent(T301), received(START), received(D1)])
    assert judged(chain_ledger, START) == set()
    assert judged(chain_ledger, D1) == set()


def test_out_of_order_arrival_links_the_same(chain_ledger: Ledger) -> None:
    """A start recorded before its toewijzing is judged the same once the toewijzing is there."""
    _history(chain_ledger, [received(START)])
    assert judged(chain_ledger, STOP) == {"TR019"}
    _history(chain_ledger, [sent(T301)])
    assert judged(chain_ledger, STOP) == set()
    assert judged(chain_ledger, jw305("S2", date(2026, 5, 2), BSN, [Levering(N, date(2026, 5, 1))])) == {"TR326"}



def test_an_answer_to_a_declaration_the_ledger_lacks_leaves_level_3_unjudged(chain_ledger: Ledger) -> None:
    from ijw_gateway.ledger.crossrules import with_level3

    _history(chain_ledger, [sent(T301)])
    answer = rejecting(D1)
    checked = check(answer, ValidationContext(today=date(2026, 6, 2)))
    judgement = judge(chain_ledger, checked)
    assert judgement == [] and judgement.unjudged is not None and "D1" in judgement.unjudged
    level3 = next(lv for lv in with_level3(checked.report, judgement).levels() if lv["level"] == 3)
    assert level3["judged"] is False and "does not have declaration D1" in level3["why"]
    _history(chain_ledger, [received(D1)])
    judgement = judge(chain_ledger, check(answer, ValidationContext(today=date(2026, 6, 2))))
    assert judgement.unjudged is None


def test_products_of_one_message_see_the_ones_before_them(chain_ledger: Ledger) -> None:
    _history(chain_ledger, [sent(jw301("T1", date(2026, 3, 25), BSN, [T, Toewijzing(N2, date(2026, 4, 1))]))])
    both = jw305("S1", date(2026, 4, 2), BSN, [Levering(N, date(2026, 4, 1)), Levering(N, date(2026, 5, 1))])
    assert judged(chain_ledger, both) == {"TR326"}  # the second starts while the first runs
