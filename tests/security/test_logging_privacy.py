"""Logs say what a command did and never who it was about.

Every command runs with ``--verbose --log-format json`` on messages and bepalingen that carry
distinctive personal data (a BSN, names, an address, a confidential comment). Each must log at
least one JSON line with counts or decisions, and none of that personal data may appear in its
logs, even where the command's own output (findings, messages) does carry it. Separately, the
redaction processor is shown to be what stops a careless log call: the same event that is
masked with the configured pipeline leaks when the processor is taken out.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import structlog
import yaml
from stdnum.nl import bsn as stdnum_bsn

import ijw_gateway as ijw
from ijw_gateway import logging as ijw_logging
from ijw_gateway.cli import main
from tests.ledger.builders import with_field
from tests.tussentaal.test_data import CORE_ROWS, HEADER

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
KEY = "ijw-test-key-0123456789abcdef0123456789abcdef"
TODAY = "2026-05-04"

BSN = next(f"9999{i:05d}" for i in range(4711, 9999) if stdnum_bsn.is_valid(f"9999{i:05d}"))
ACHTERNAAM = "Zonnebloemveldhuis"
VOORNAMEN = "Quirijntje"
JEUGDBESCHERMER = "B. Korenbloemsma"
STRAAT = "Klaprozenhofje"
STRAAT_TE_LANG = "Klaprozenhofjesteegachterom"  # longer than LDT_Straatnaam allows: an invalid message
POSTCODE = "9999XQ"
HUISNUMMER = 93817
COMMENTAAR = "Vertrouwelijk: thuissituatie Esdoornlaan"
SECRETS = [BSN, ACHTERNAAM, VOORNAMEN, "Korenbloemsma", STRAAT, STRAAT_TE_LANG, POSTCODE, "thuissituatie",
           "Esdoornlaan"]
KENMERK_315, KENMERK_301 = "GI-2026-777315", "JBG-2026-777301"


# ------------------------------------------------------------------ inputs with personal data
def _personal_message(name: str) -> bytes:
    model = ijw.parse((EXAMPLES / "berichten" / name).read_bytes())
    model = with_field(model, "Client.Bsn", BSN)
    model = with_field(model, "Client.Naam.Geslachtsnaam.Achternaam", ACHTERNAAM)
    model = with_field(model, "Client.Commentaar", COMMENTAAR)
    if hasattr(model.Client, "Contactgegevens"):
        model = with_field(model, "Client.Contactgegevens.Contact.0.Adres.Straatnaam", STRAAT)
        model = with_field(model, "Client.Contactgegevens.Contact.0.Adres.Postcode", POSTCODE)
        model = with_field(model, "Client.Contactgegevens.Contact.0.Adres.Huis.Huisnummer", HUISNUMMER)
    data = ijw.to_xml(model)
    assert ijw.validate(data, today=date.fromisoformat(TODAY)).valid, name
    return data


def _personal_bepaling(example: str, kenmerk: str) -> str:
    data = yaml.safe_load((EXAMPLES / "bepalingen" / example).read_text())
    data["kenmerk"] = kenmerk
    data["jeugdbeschermer"] = JEUGDBESCHERMER
    data["jeugdige"].update(bsn=BSN, achternaam=ACHTERNAAM, voornamen=VOORNAMEN)
    for line in data["hulp"]:
        line["commentaar"] = COMMENTAAR
    return yaml.safe_dump(data, allow_unicode=True)


@dataclass
class Run:
    code: int
    out: str
    logs: list[dict[str, Any]]
    raw: str
    cwd: Path


# Each command: (arguments, the event it must log, a count that event carries).
COMMANDS: list[tuple[str, list[str], str, str]] = [
    ("validate", ["validate", "msgs", "--retour-dir", "retour", "--today", TODAY], "validated", "invalid"),
    ("respond", ["respond", "msgs", "--out", "answers", "--today", TODAY], "responded", "rejected"),
    ("map", ["map", "bep315.yaml"], "mapped", "lines"),
    ("map --all-regions", ["map", "bep315.yaml", "--all-regions"], "mapped in every region", "regions"),
    ("aanmeldformulier", ["aanmeldformulier", "bep315.yaml", "-o", "form.html"], "aanmeldformulier written",
     "hulp_lines"),
    ("build", ["build", "bep315.yaml", "--out", "built", "--dagtekening", "2026-04-20"], "built", "messages"),
    ("rules", ["rules", "--format", "json"], "rules listed", "rules"),
    ("productcodes import", ["productcodes", "import", "lijst.csv", "--regio", "Noord-Veluwe", "--jaar", "2027",
                             "--dest", "pc"], "imported contract", "products"),
    ("ledger open", ["ledger", "open", "bep315.yaml", "--at", "2026-04-24"], "case opened", ""),
    ("ledger record", ["ledger", "record", KENMERK_315, "overleg", "--at", "2026-04-28"], "event recorded", ""),
    ("ledger ingest", ["ledger", "ingest", "built", "msgs", "--direction", "received"], "ingested", "files"),
    ("build --ledger", ["build", "bep301.yaml", "--out", "built301", "--dagtekening", "2026-03-05",
                        "--ledger", "{db}"], "built", "messages"),
    ("respond --ledger", ["respond", "msgs", "--out", "answers2", "--today", TODAY, "--ledger", "{db}"],
     "responded", "rejected"),
    ("ledger status", ["ledger", "status", "--today", TODAY], "status", "deadlines"),
    ("ledger report", ["ledger", "report", "--today", TODAY, "--format", "html", "--output", "report.html"],
     "reported", "characters"),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Every command once, in order, in one directory, with JSON logs captured per command."""
    work = tmp_path_factory.mktemp("privacy")
    (work / "msgs").mkdir()
    jw301 = _personal_message("jw301-toewijzing.xml")
    (work / "msgs" / "a-jw301.xml").write_bytes(jw301)
    (work / "msgs" / "b-jw315.xml").write_bytes(_personal_message("jw315-verzoek-om-toewijzing.xml"))
    invalid = jw301.replace(f">{STRAAT}<".encode(), f">{STRAAT_TE_LANG}<".encode())
    (work / "msgs" / "c-invalid.xml").write_bytes(invalid)
    (work / "bep315.yaml").write_text(_personal_bepaling("02-centraal-gelderland-arnhem-315.yaml", KENMERK_315))
    (work / "bep301.yaml").write_text(_personal_bepaling("01-achterhoek-doetinchem-301.yaml", KENMERK_301))
    (work / "lijst.csv").write_text(HEADER + "\n".join(CORE_ROWS) + "\n")
    shutil.copytree(ROOT / "productcodes", work / "pc")
    db = f"sqlite:///{work / 'ledger.db'}"
    results: dict[str, Run] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        patch.setenv("IJW_LEDGER_KEY", KEY)
        patch.setenv("IJW_DB", db)
        for name, args, _event, _count in COMMANDS:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["--verbose", "--log-format", "json", *(a.format(db=db) for a in args)])
            lines = err.getvalue().splitlines()
            try:
                logs = [json.loads(line) for line in lines if line.strip()]
            except json.JSONDecodeError:
                pytest.fail(f"ijw {name}: stderr holds more than JSON log lines:\n{err.getvalue()}")
            results[name] = Run(code, out.getvalue(), logs, err.getvalue(), work)
    yield results
    ijw_logging.configure()


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def _values(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    else:
        yield value


@pytest.mark.parametrize(("name", "event", "count"), [(c[0], c[2], c[3]) for c in COMMANDS])
def test_each_command_logs_what_it_did_and_nothing_personal(
    runs: dict[str, Run], name: str, event: str, count: str
) -> None:
    run = runs[name]
    assert run.code in (0, 1), f"ijw {name} could not run: {run.raw}"
    done = [line for line in run.logs if line.get("event") == event]
    assert done, f"ijw {name} logged no {event!r}: {run.logs}"
    if count:
        assert all(isinstance(line.get(count), int) for line in done), done
    assert _leaks(run.raw) == [], f"ijw {name} logged personal data"
    numbers = [n for line in run.logs for key, value in line.items() if key != "timestamp" for n in _values(value)]
    assert HUISNUMMER not in numbers and int(BSN) not in numbers


def test_the_personal_data_did_pass_through_the_commands(runs: dict[str, Run]) -> None:
    """Without this the test above could pass on inputs that never carried the data."""
    jw301 = (runs["validate"].cwd / "msgs" / "a-jw301.xml").read_text()
    assert all(secret in jw301 for secret in (BSN, ACHTERNAAM, STRAAT, POSTCODE, str(HUISNUMMER), COMMENTAAR))
    assert runs["validate"].code == 1 and runs["respond"].code == 1
    assert "recorded" in {line.get("event", "").split()[-1] for line in runs["ledger ingest"].logs}
    assert any(line.get("event") == "toewijzingnummer given" for line in runs["build --ledger"].logs)


def test_the_form_carries_the_personal_data_its_logs_do_not(runs: dict[str, Run]) -> None:
    form = (runs["aanmeldformulier"].cwd / "form.html").read_text(encoding="utf-8")
    assert all(secret in form for secret in (BSN, ACHTERNAAM, VOORNAMEN, JEUGDBESCHERMER, COMMENTAAR))
    assert _leaks(runs["aanmeldformulier"].raw) == []


def test_every_built_message_carries_the_personal_data(runs: dict[str, Run]) -> None:
    built = [runs["build"].cwd / line.partition(": ")[0] for line in runs["build"].out.splitlines()
             if line.endswith(("product", "products"))]
    assert built and all(ACHTERNAAM in p.read_text() and BSN in p.read_text() for p in built)


# ------------------------------------------------------------------ the redaction net itself
def _slip() -> str:
    """What a careless caller might log: personal data under personal keys, in text, as a number, as a model."""
    message = ijw.parse(_personal_message("jw315-verzoek-om-toewijzing.xml"))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        ijw_logging.configure(verbose=True, log_format="json")  # binds the logger to this stderr
        ijw_logging.get_logger("test").info(
            f"looked up {BSN}", naam=ACHTERNAAM, client={"voornamen": VOORNAMEN, "adres": {"straat": STRAAT}},
            detail=f"BSN {BSN} at {POSTCODE}", bsn_number=int(BSN), items=[BSN], message=message,
        )
    return err.getvalue()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    yield
    structlog.reset_defaults()
    ijw_logging.configure()


def test_the_redaction_processor_masks_what_a_caller_slips(restore_logging: None) -> None:
    ijw_logging.configure(verbose=True, log_format="json")
    processors = structlog.get_config()["processors"]
    assert processors[-2] is ijw_logging.redact, "redaction must be the last processor before rendering"
    line = json.loads(_slip())
    assert _leaks(json.dumps(line)) == [], line
    assert line["naam"] == ijw_logging.REDACTED and line["bsn_number"] == ijw_logging.REDACTED
    assert line["message"] == "<JW315>" and line["event"] == f"looked up {ijw_logging.REDACTED}"


def test_without_the_redaction_processor_the_same_event_leaks(
    restore_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test above depends on the processor: with it taken out of the pipeline, everything leaks."""
    real_configure = structlog.configure

    def without_redaction(**settings: Any) -> None:
        if "processors" in settings:
            settings["processors"] = [p for p in settings["processors"] if p is not ijw_logging.redact]
        real_configure(**settings)

    monkeypatch.setattr(structlog, "configure", without_redaction)
    assert {BSN, ACHTERNAAM, VOORNAMEN, STRAAT, POSTCODE} <= set(_leaks(_slip()))


def test_as_a_library_it_is_quiet_and_still_redacts(tmp_path: Path) -> None:
    """Imported by an application that did not configure logging: no info lines on stdout or
    stderr, and what does reach stderr (warnings) is redacted."""
    script = (
        "import ijw_gateway as ijw\n"
        "from ijw_gateway.logging import get_logger\n"
        f"ledger = ijw.Ledger('sqlite:///{tmp_path / 'ledger.db'}', key='k' * 40)\n"
        "ledger.close()\n"
        "get_logger('app').warning('careless', bsn='999900006', note='child 999900006')\n"
        "print('done')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if not k.startswith("IJW_")})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "done\n"  # the schema migration's info line is not printed
    assert "careless" in done.stderr and "999900006" not in done.stderr
