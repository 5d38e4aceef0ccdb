"""`ijw validate one.xml` imports only what validating needs (start-up budget of issue 12).

Timing lives in benchmarks/startup_bench.py; this guards the cause: a module-level import of
something heavy that one message never uses would silently cost every CI job that validates
file by file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MESSAGE = ROOT / "examples" / "berichten" / "jw301-toewijzing.xml"

PROBE = """
import json, sys
from ijw_gateway.cli import main
code = main(["validate", "--today", "2026-11-23", "--format", "json", sys.argv[1]])
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

NOT_FOR_ONE_MESSAGE = (
    "rich.console",  # the progress bar: only for several files on a terminal
    "rich.progress",
    "xml.sax.saxutils",  # JUnit only
    "urllib.request",
    "ijw_gateway.tussentaal.bepaling",  # validation needs the catalog, not the bepaling or mapping
    "ijw_gateway.tussentaal.mapping",
    "ijw_gateway.tussentaal.beoordeling",
    "ijw_gateway.ledger",  # no --ledger given
    "ijw_gateway.api",
    "sqlalchemy",
    "xmlschema",
)


def test_validating_one_message_imports_nothing_it_does_not_use() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(MESSAGE)], capture_output=True, text=True, check=False, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
    )
    result = json.loads(done.stderr.strip().splitlines()[-1])
    assert result["code"] == 0, done.stdout
    assert json.loads(done.stdout)["summary"]["valid"] == 1
    loaded = set(result["modules"])
    assert loaded.isdisjoint(NOT_FOR_ONE_MESSAGE), sorted(loaded & set(NOT_FOR_ONE_MESSAGE))
    assert "ijw_gateway.tussentaal.catalog" in loaded  # TR378/TR381 were judged with the shipped lists
