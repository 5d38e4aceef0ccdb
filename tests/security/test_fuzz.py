"""Fuzzing: hostile messages, bepalingen and ledger histories never crash the library or the CLI.

* Messages — mutants of valid messages (the structural and value mutations of
  ``tests/mutations.py`` on seeds and on messages from ``tests/strategies.py``; extreme but
  valid dates, times and numbers; byte-level damage) go through ``ijw.validate``, ``ijw.parse``,
  the batch path of ``ijw validate --retour-dir``, ``ijw validate``, ``ijw respond`` and the
  ledger's ingest: only findings or our own errors come out. For structural mutants our
  validator's XSD verdict equals the official XSDs'.
* Bepalingen — valid ones (the strategy of ``tests/tussentaal/test_mapping.py``) and mutilated
  ones (fields dropped or replaced by values of any type, dates from year 1 to 9999, many lines)
  through ``Bepaling``, ``map_bepaling``, ``build``, ``ijw map`` and ``ijw build``.
* Ledger — random sequences of open, record and ingest (library and CLI), in any order, with
  dates from year 1 to 9999 and any time zone, on SQLite: every step succeeds or raises an
  IjwError, and afterwards status and report still work on any sensible day.

The default budget is small and derandomized (the same examples every run); ``IJW_FUZZ=1`` or
``pytest -m fuzz`` loads the hypothesis profile ``fuzz`` (see ``tests/conftest.py``) with many
more, random examples.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from lxml import etree

import ijw_gateway as ijw
from ijw_gateway.cli import main
from ijw_gateway.errors import BepalingError, IjwError, MessageError
from ijw_gateway.ledger import Ledger
from ijw_gateway.ledger.facts import EVENTS
from ijw_gateway.ledger.report import build_report
from ijw_gateway.messages.codec import detect, to_xml
from ijw_gateway.messages.registry import BERICHTTYPEN
from ijw_gateway.tussentaal import map_bepaling
from ijw_gateway.validation.batch import BatchOptions, Source, validate_source
from ijw_gateway.workflows.build import build
from tests.ledger import builders as b
from tests.mutations import mutants
from tests.strategies import any_message
from tests.tussentaal.conftest import BASE
from tests.tussentaal.test_mapping import lines

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
KEY = "ijw-test-key-0123456789abcdef0123456789abcdef"
TODAY = date(2026, 5, 4)


def budget(examples: int) -> settings:
    """``examples``, derandomized, in the default run; the ``fuzz`` profile's many random ones in a long run."""
    common: dict[str, Any] = {"deadline": None, "suppress_health_check": list(HealthCheck)}
    if settings.get_current_profile_name() == "fuzz":
        return settings(**common)
    return settings(max_examples=examples, derandomize=True, database=None, **common)


def cli(*args: str) -> tuple[int, str, str]:
    """``ijw ARGS`` in-process through ``main``, as the console script runs it."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def assert_handled(code: int, err: str, allowed: tuple[int, ...], what: str) -> None:
    assert "internal error" not in err and "Traceback" not in err, f"{what}: {err}"
    assert code in allowed, f"{what}: exit {code}: {err}"


# ------------------------------------------------------------------ messages
JW323 = re.sub(rb">\s+<", b"><", b"""<?xml version='1.0' encoding='UTF-8'?>
<jw323:Bericht xmlns:jw323="http://www.istandaarden.nl/ijw/3_2/jw323/schema"
  xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema">
  <jw323:Header><jw323:BerichtCode>490</jw323:BerichtCode><jw323:BerichtVersie>3</jw323:BerichtVersie>
    <jw323:BerichtSubversie>2</jw323:BerichtSubversie><jw323:Afzender>42420001</jw323:Afzender>
    <jw323:Ontvanger>0202</jw323:Ontvanger><jw323:BerichtIdentificatie><ijw:Identificatie>D1</ijw:Identificatie>
    <ijw:Dagtekening>2026-05-01</ijw:Dagtekening></jw323:BerichtIdentificatie><jw323:XsdVersie>
    <ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>
    </jw323:XsdVersie></jw323:Header>
  <jw323:Declaratie><jw323:DeclaratieNummer>D1</jw323:DeclaratieNummer><jw323:DeclaratiePeriode>
    <ijw:Begindatum>2026-04-01</ijw:Begindatum><ijw:Einddatum>2026-04-30</ijw:Einddatum></jw323:DeclaratiePeriode>
    <jw323:DeclaratieDagtekening>2026-05-01</jw323:DeclaratieDagtekening><jw323:TotaalIngediendBedrag>
    <ijw:TotaalBedrag>100</ijw:TotaalBedrag><ijw:DebetCredit>D</ijw:DebetCredit></jw323:TotaalIngediendBedrag>
    <jw323:Clienten><jw323:Client><jw323:Bsn>999900006</jw323:Bsn><jw323:Prestaties><jw323:Prestatie>
    <jw323:ProductReferentie><ijw:ReferentieNummer>P1</ijw:ReferentieNummer></jw323:ProductReferentie>
    <jw323:ToewijzingNummer>202600001</jw323:ToewijzingNummer><jw323:ProductCategorie>45</jw323:ProductCategorie>
    <jw323:ProductCode>45A53</jw323:ProductCode><jw323:ProductPeriode><ijw:Begindatum>2026-04-01</ijw:Begindatum>
    <ijw:Einddatum>2026-04-30</ijw:Einddatum></jw323:ProductPeriode><jw323:GeleverdVolume>1</jw323:GeleverdVolume>
    <jw323:Eenheid>04</jw323:Eenheid><jw323:IngediendBedrag><ijw:Bedrag>100</ijw:Bedrag>
    <ijw:DebetCredit>D</ijw:DebetCredit></jw323:IngediendBedrag></jw323:Prestatie></jw323:Prestaties>
    </jw323:Client></jw323:Clienten></jw323:Declaratie>
</jw323:Bericht>""")
"""A declaration: its answer (JW325) is no generic retourbericht, which once crashed ``--retour-dir``."""
JW325 = re.sub(rb">\s+<", b"><", b"""<?xml version='1.0' encoding='UTF-8'?>
<jw325:Bericht xmlns:jw325="http://www.istandaarden.nl/ijw/3_2/jw325/schema"
  xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema">
  <jw325:Header><jw325:BerichtCode>491</jw325:BerichtCode><jw325:BerichtVersie>3</jw325:BerichtVersie>
    <jw325:BerichtSubversie>2</jw325:BerichtSubversie><jw325:Afzender>0202</jw325:Afzender>
    <jw325:Ontvanger>42420001</jw325:Ontvanger><jw325:BerichtIdentificatie><ijw:Identificatie>A1</ijw:Identificatie>
    <ijw:Dagtekening>2026-05-04</ijw:Dagtekening></jw325:BerichtIdentificatie><jw325:XsdVersie>
    <ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>
    </jw325:XsdVersie><jw325:DeclaratieIdentificatie><ijw:Identificatie>D1</ijw:Identificatie>
    <ijw:Dagtekening>2026-05-01</ijw:Dagtekening></jw325:DeclaratieIdentificatie><jw325:XsdVersieDeclaratie>
    <ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>
    </jw325:XsdVersieDeclaratie><jw325:RetourCodes><jw325:RetourCode>0001</jw325:RetourCode></jw325:RetourCodes>
  </jw325:Header>
</jw325:Bericht>""")
"""The answer to a declaration, which has no IdentificatieRetour: it once crashed ``ijw ledger ingest``."""
SEEDS = [*(p.read_bytes() for p in sorted((EXAMPLES / "berichten").glob("*.xml"))), JW323, JW325]
JW301_IN_YEAR_50 = re.sub(rb"<ijw:Dagtekening>[^<]*<", b"<ijw:Dagtekening>0050-01-01<", SEEDS[0], count=1)
"""Valid for the XSD; TR002 once computed 120 years before it and crashed the validator."""
EDGE_DATES = st.one_of(
    st.sampled_from([date.min, date(1, 1, 2), date(120, 12, 31), date(121, 1, 1), date(1899, 12, 31),
                     date(1900, 1, 1), date(2024, 2, 29), date(2199, 12, 31), date(2200, 1, 1), date.max]),
    st.dates(),
)
EDGE_INTEGERS = st.one_of(st.sampled_from([0, 1, 99_999, 999_999_999, 10**9, 10**18]), st.integers(0, 10**12))
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}:\d{2}")
_NUMBER = re.compile(r"\d{1,12}")


@st.composite
def edge_values(draw: st.DrawFn, document: bytes) -> tuple[str, bytes]:
    """Dates, times and numbers replaced by extreme values that are still valid XSD types."""
    root = etree.fromstring(document)
    leaves = [n for n in root.iter() if isinstance(n.tag, str) and len(n) == 0 and n.text]
    chosen = draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=4, unique_by=id))
    for leaf in chosen:
        if _DATE.fullmatch(leaf.text):
            leaf.text = draw(EDGE_DATES).isoformat()
        elif _TIME.fullmatch(leaf.text):
            leaf.text = draw(st.times()).replace(microsecond=0).isoformat()
        elif _NUMBER.fullmatch(leaf.text):
            leaf.text = str(draw(EDGE_INTEGERS)).zfill(draw(st.sampled_from([0, len(leaf.text)])))
    return "edge values", etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@st.composite
def damaged(draw: st.DrawFn, document: bytes) -> tuple[str, bytes]:
    """Byte-level damage: truncated, a byte changed, bytes inserted or cut out."""
    kind = draw(st.sampled_from(["truncate", "change", "insert", "cut"]))
    at = draw(st.integers(0, len(document)))
    if kind == "truncate":
        return kind, document[:at]
    if kind == "change":
        at = min(at, len(document) - 1)
        return kind, document[:at] + bytes([draw(st.integers(0, 255))]) + document[at + 1:]
    if kind == "insert":
        return kind, document[:at] + draw(st.binary(min_size=1, max_size=16)) + document[at:]
    return kind, document[:at] + document[at + draw(st.integers(1, 64)):]


base_messages = st.one_of(st.sampled_from(SEEDS), any_message().map(to_xml))


@st.composite
def hostile_messages(draw: st.DrawFn) -> tuple[str, bytes]:
    document = draw(base_messages)
    mutate = draw(st.sampled_from([mutants, mutants, edge_values, damaged]))
    return draw(mutate(document))


def _check_library(data: bytes, retour_dir: Path) -> None:
    report = ijw.validate(data, today=TODAY)  # never raises: everything is a finding
    assert report.valid == (not any(f.severity == "error" for f in report.findings))
    try:
        ijw.parse(data)
    except MessageError as error:
        assert error.findings
    written = validate_source(Source("m.xml", data=data), BatchOptions(today=TODAY, retour_dir=retour_dir))
    assert written.file == "m.xml"
    for path in retour_dir.iterdir():  # a retourbericht, when the standard sends one, is itself valid
        assert ijw.validate(path.read_bytes(), today=TODAY).valid, path.read_text()
        path.unlink()


@budget(100)
@given(case=hostile_messages())
@example(case=("seed", JW323))
@example(case=("edge values", JW301_IN_YEAR_50))
def test_hostile_messages_through_the_library(tmp_path_factory: pytest.TempPathFactory,
                                              case: tuple[str, bytes]) -> None:
    what, data = case
    with tempfile.TemporaryDirectory(dir=tmp_path_factory.getbasetemp()) as directory:
        try:
            _check_library(data, Path(directory))
        except Exception as error:
            raise AssertionError(f"after {what}: {type(error).__name__}: {error}") from error


@pytest.fixture(scope="module")
def empty_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty, migrated ledger file to copy: opening a copy costs milliseconds, migrating it does not."""
    path = tmp_path_factory.mktemp("fuzz-ledger") / "template.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IJW_LEDGER_KEY", KEY)
        Ledger(f"sqlite:///{path}").close()
        yield path


@contextlib.contextmanager
def fresh_ledger(template: Path) -> Iterator[tuple[Path, str]]:
    with tempfile.TemporaryDirectory(dir=template.parent) as directory:
        shutil.copy(template, Path(directory) / "ledger.db")
        yield Path(directory), f"sqlite:///{Path(directory) / 'ledger.db'}"


@budget(30)
@given(case=hostile_messages())
@example(case=("seed", JW323))
@example(case=("seed", JW325))
@example(case=("edge values", JW301_IN_YEAR_50))
def test_hostile_messages_through_the_cli(empty_ledger: Path, monkeypatch: pytest.MonkeyPatch,
                                          case: tuple[str, bytes]) -> None:
    what, data = case
    monkeypatch.setenv("IJW_LEDGER_KEY", KEY)
    with fresh_ledger(empty_ledger) as (directory, url):
        message = directory / "m.xml"
        message.write_bytes(data)
        today = TODAY.isoformat()
        code, _, err = cli("validate", str(message), "--retour-dir", str(directory / "retour"), "--today", today)
        assert_handled(code, err, (0, 1), f"validate after {what}")
        code, _, err = cli("respond", str(message), "--out", str(directory / "answers"), "--today", today)
        assert_handled(code, err, (0, 1), f"respond after {what}")
        code, _, err = cli("ledger", "ingest", str(message), "--direction", "received", "--db", url)
        assert_handled(code, err, (0, 1), f"ledger ingest after {what}")
        for answer in [*(directory / "retour").glob("*.xml"), *(directory / "answers").glob("*.xml")]:
            assert ijw.validate(answer.read_bytes(), today=TODAY).valid, f"{answer.name} after {what}"


def _our_xsd_verdict(document: bytes) -> bool:
    """Did our validator find the document schema-valid (no XML or XSD finding)?"""
    report = ijw.validate(document, today=TODAY)
    return report.bericht is not None and not any(f.rule in ("XML", "XSD") for f in report.findings)


def _official_verdict(official: Any, document: bytes) -> bool:
    tree = etree.fromstring(document).getroottree()
    berichttype = detect(tree)
    return berichttype is not None and official.schema(berichttype.naam).validate(tree)


@budget(60)
@given(document=base_messages, data=st.data())
def test_structural_mutants_get_the_official_verdict(official: Any, document: bytes, data: st.DataObject) -> None:
    what, mutant = data.draw(mutants(document))
    assume(not what.startswith("value"))  # structure: dropped, duplicated, swapped, unknown, renamespaced
    assert _our_xsd_verdict(mutant) == _official_verdict(official, mutant), f"verdicts differ after {what}"


# ------------------------------------------------------------------ bepalingen
BEPALING_SEEDS = [yaml.safe_load(p.read_text()) for p in sorted((EXAMPLES / "bepalingen").glob("*.yaml"))]
BEPALING_SEEDS.append(copy.deepcopy(BASE))
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=40), EDGE_DATES,
    EDGE_DATES.map(date.isoformat),
    st.sampled_from(["", " ", "P9999Y", "P0D", "-P1M", "P99999999999M", "PT1H", "2026-02-30", "0202", "9999",
                     "42420001", "AMB-SPEC-IND", "LOGEREN", "uur", "etmaal", "week", "totaal", "301", "315", "OTS",
                     "JBG", "999900006", "123456789", "x" * 2000]),
    st.lists(st.integers(-5, 5), max_size=3), st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


@st.composite
def mutilated_bepalingen(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(draw(st.sampled_from(BEPALING_SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(data))
        path = draw(st.sampled_from(paths))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        kind = draw(st.sampled_from(["replace", "replace", "replace", "drop", "repeat-lines"]))
        if kind == "replace":
            parent[path[-1]] = draw(ANY_VALUE)
        elif kind == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif kind == "repeat-lines" and isinstance(data.get("hulp"), list) and data["hulp"]:
            data["hulp"] = data["hulp"] * draw(st.integers(2, 40))
    return data


bepalingen = st.one_of(mutilated_bepalingen(), lines().map(lambda case: case[0].model_dump(mode="json")))


def _variant(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """The Arnhem example bepaling with one field replaced."""
    data = copy.deepcopy(BEPALING_SEEDS[1])
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return data


# Bepalingen that once crashed: a line ending in 9999 (splitting its period overflowed the calendar), a
# list where the eenheid goes (unhashable), a control character in a name (no message can carry it).
FOUND = [_variant(("hulp", 0, "einddatum"), date(9999, 12, 31)), _variant(("hulp", 0, "omvang", "eenheid"), []),
         _variant(("jeugdige", "achternaam"), "\x1b")]


@budget(150)
@given(data=bepalingen, dagtekening=EDGE_DATES)
@example(data=FOUND[0], dagtekening=TODAY)
@example(data=FOUND[1], dagtekening=TODAY)
@example(data=FOUND[2], dagtekening=TODAY)
def test_any_bepaling_through_the_library(data: dict[str, Any], dagtekening: date) -> None:
    try:
        bepaling = ijw.Bepaling.model_validate(data)
    except BepalingError as error:
        assert error.problems, "a rejected bepaling names its problems"
        return
    with contextlib.suppress(IjwError):  # a line that cannot be mapped: our own error, nothing else
        map_bepaling(bepaling)
    with contextlib.suppress(IjwError):
        build(bepaling, dagtekening=dagtekening)


@budget(20)
@given(data=bepalingen)
@example(data=FOUND[0])
@example(data=FOUND[2])
def test_any_bepaling_through_the_cli(tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path_factory.getbasetemp()) as directory:
        source = Path(directory) / "bepaling.yaml"
        source.write_text(yaml.safe_dump(data, allow_unicode=True))
        too_big = source.stat().st_size > ijw.Bepaling.MAX_BYTES  # a file that is not read: exit 2
        code, _, err = cli("map", str(source), "--format", "json")
        assert_handled(code, err, (2,) if too_big else (0, 1), "map")
        out = Path(directory) / "out"
        code, _, err = cli("build", str(source), "--out", str(out), "--dagtekening", "2026-04-20")
        assert_handled(code, err, (2,) if too_big else (0, 1), "build")
        written = sorted(out.glob("*")) if out.exists() else []
        if code == 1:
            assert written == [], "a bepaling that fails writes nothing"
        for path in written:
            assert ijw.validate(path.read_bytes(), today=date(2026, 4, 20)).valid


# ------------------------------------------------------------------ ledger histories
CASES = [("K-FUZZ-A", "315", "0202", "999900006"), ("K-FUZZ-B", "301", "0202", "999900018"),
         ("K-FUZZ-C", "315", "0222", "999900031")]
ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
NORMAL_DATES = st.dates(date(2025, 6, 1), date(2027, 6, 1))
MOMENTS = st.one_of(
    st.none(), NORMAL_DATES, EDGE_DATES,
    st.builds(lambda d, t, z: datetime.combine(d, t, tzinfo=z), st.one_of(NORMAL_DATES, EDGE_DATES), st.times(), ZONES),
)


@st.composite
def operations(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    steps: list[tuple[Any, ...]] = []
    for index in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["open", "record", "record", "ingest", "ingest", "cli-record", "cli-open"]))
        case = draw(st.integers(0, len(CASES) - 1))
        if kind == "open":
            steps.append((kind, case, draw(MOMENTS)))
        elif kind == "record":
            event = draw(st.one_of(st.sampled_from(list(EVENTS)), st.text(max_size=12)))
            name = draw(st.sampled_from([CASES[case][0], "K-UNKNOWN"]))
            steps.append((kind, name, event, draw(MOMENTS)))
        elif kind == "ingest":
            message = draw(st.sampled_from(["jw315", "jw301", "jw319", "retour"]))
            day = draw(st.one_of(NORMAL_DATES, EDGE_DATES))
            steps.append((kind, case, message, f"F{index}-{draw(st.integers(0, 3))}", day,
                          draw(st.sampled_from(["sent", "received"])), draw(MOMENTS)))
        else:
            at = draw(st.one_of(MOMENTS.map(lambda m: "" if m is None else m.isoformat()), st.text(max_size=25)))
            steps.append((kind, case, draw(st.sampled_from(list(EVENTS))), at))
    return steps


def _message(kind: str, case: int, ident: str, day: date) -> bytes:
    kenmerk, _, gemeente, bsn = CASES[case]
    heen = b.jw315(ident, day, bsn, gemeente, [f"{kenmerk}-1"])
    if kind == "jw315":
        return heen
    if kind == "jw301":
        return b.jw301(ident, day, bsn, gemeente, 202600000 + case, ref=f"{kenmerk}-1")
    if kind == "jw319":
        return b.jw319(ident, day, gemeente, f"{kenmerk}-1")
    return b.retour(heen, day)


def _apply(ledger: Ledger, url: str, directory: Path, step: tuple[Any, ...]) -> None:
    kind = step[0]
    if kind == "open":
        kenmerk, route, gemeente, bsn = CASES[step[1]]
        ledger.open(b.bepaling(kenmerk, route, gemeente, bsn), at=step[2])
    elif kind == "record":
        ledger.record(step[1], step[2], at=step[3])
    elif kind == "ingest":
        _, case, message, ident, day, direction, at = step
        results = ledger.ingest(_message(message, case, ident, day), direction, at=at)
        assert [r.status for r in results] != [] and all(r.status in {
            "recorded", "duplicate", "conflict", "invalid", "unlinked"} for r in results)
    elif kind == "cli-open":
        kenmerk, route, gemeente, bsn = CASES[step[1]]
        source = b.write_bepaling(directory / f"{kenmerk}.yaml", kenmerk, route, gemeente, bsn)
        code, _, err = cli("ledger", "open", str(source), "--db", url, *(["--at", step[3]] if step[3] else []))
        assert_handled(code, err, (0, 2), f"ledger open --at {step[3]!r}")
    else:
        _, case, event, at = step
        code, _, err = cli("ledger", "record", CASES[case][0], event, "--db", url, *(["--at", at] if at else []))
        assert_handled(code, err, (0, 2), f"ledger record --at {at!r}")


@budget(30)
@given(steps=operations(), today=NORMAL_DATES)
@example(steps=[("open", 0, date(1, 1, 2))], today=TODAY)  # accepted once; every status failed after it
@example(steps=[("open", 0, None), ("record", "K-FUZZ-A", "overleg",
                                    datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))))],
         today=TODAY)  # overflowed converting to UTC
def test_any_ledger_history_stays_usable(empty_ledger: Path, monkeypatch: pytest.MonkeyPatch,
                                         steps: list[tuple[Any, ...]], today: date) -> None:
    monkeypatch.setenv("IJW_LEDGER_KEY", KEY)
    with fresh_ledger(empty_ledger) as (directory, url), Ledger(url) as ledger:
        for step in steps:
            try:
                _apply(ledger, url, directory, step)
            except IjwError:
                pass  # refused with our own error: fine, and nothing may be half-recorded
            except Exception as error:
                raise AssertionError(f"{step}: {type(error).__name__}: {error}") from error
        # whatever was accepted, the ledger can still tell its deadlines and report on them
        deadlines = ledger.status(today=today)
        build_report(ledger.cases(), deadlines, today=today, calendar=ledger.calendar,
                     definitions=ledger.definitions)
        counts = ledger.counts()
        assert counts["cases"] <= len(CASES) and counts["products"] >= 0
        code, _, err = cli("ledger", "status", "--db", url, "--today", today.isoformat())
        assert_handled(code, err, (0,), "ledger status")
        code, _, err = cli("ledger", "report", "--db", url, "--today", today.isoformat(), "--format", "json")
        assert_handled(code, err, (0,), "ledger report")


def test_edge_values_pass_the_xsd_so_the_rules_see_them() -> None:
    """Extreme dates and times are XSD-valid: the edge mutants reach the rules, not only the XSD layer."""
    document = SEEDS[0]
    root = etree.fromstring(document)
    for leaf in root.iter():
        if isinstance(leaf.tag, str) and leaf.text and _DATE.fullmatch(leaf.text):
            leaf.text = date.max.isoformat()
        elif isinstance(leaf.tag, str) and leaf.text and _TIME.fullmatch(leaf.text):
            leaf.text = time(23, 59, 59).isoformat()
    edged = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    report = ijw.validate(edged, today=TODAY)
    assert report.bericht in BERICHTTYPEN and not any(f.rule in ("XML", "XSD") for f in report.findings)
