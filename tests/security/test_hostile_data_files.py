"""Hostile bepalingen and demo scenarios through the real ``ijw``: one clear sentence, never a hang or a crash.

Nesting 600 levels deep (YAML and JSON), 200,000 aliased evaluatiemomenten, a billion-laughs
scenario, full-width digits in a BSN, an AGB code, a gemeentecode and a date, and a key that is no
field holding a BSN: ``map``, ``build`` and ``ledger open`` (and ``demo --scenario``) each answer
with the problem in words, within seconds and a bounded amount of memory, and echo no personal value.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "bepalingen" / "02-centraal-gelderland-arnhem-315.yaml"
KEY = "ijw-test-key-0123456789abcdef0123456789abcdef"
BSN = "999900006"  # the example's


def _base() -> dict:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))  # dates as text, as JSON has them


def _ijw(*args: str, cwd: Path, wrapper: list[str] | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IJW_")} | {"IJW_LEDGER_KEY": KEY}
    started = time.perf_counter()
    command = [sys.executable, *(wrapper or ["-m", "ijw_gateway.cli"]), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd, env=env, check=False)
    return done, time.perf_counter() - started


def _commands(path: Path, tmp: Path) -> list[list[str]]:
    return [["map", str(path)], ["build", str(path), "--out", str(tmp / "out")],
            ["ledger", "--db", f"sqlite:///{tmp / 'ledger.db'}", "open", str(path), "--at", "2026-04-24"]]


def _deep_yaml() -> str:
    return EXAMPLE.read_text(encoding="utf-8") + "extra: " + "[" * 600 + "]" * 600 + "\n"


def _deep_json() -> str:
    data = _base()
    data["hulp"][0]["omvang"] = 0
    return json.dumps(data).replace('"omvang": 0', '"omvang": ' + '{"a": ' * 600 + "1" + "}" * 600)


def _aliased_yaml() -> str:
    head = EXAMPLE.read_text(encoding="utf-8").replace("evaluatiemomenten: [2026-07-15]",
                                                       "evaluatiemomenten: [" + ", ".join(["*d"] * 200_000) + "]")
    return head.replace("kenmerk: GI-2026-000123", "kenmerk: &d GI-2026-000123")


def _full_width(field: str) -> str:
    data = _base()
    digits = str.maketrans("0123456789", "０１２３４５６７８９")
    target = data["jeugdige"] if field == "bsn" else data["hulp"][0] if field in ("aanbieder", "ingangsdatum") \
        else data
    target[field] = str(target[field]).translate(digits)
    return json.dumps(data, ensure_ascii=False)


def _unknown_key() -> str:
    data = _base()
    data["jeugdige"]["bsnr"] = BSN
    del data["jeugdige"]["bsn"]
    return json.dumps(data)


CASES = {
    "deep.yaml": (_deep_yaml, "nested deeper than 32 levels"),
    "deep.json": (_deep_json, "nested deeper than 32 levels"),
    "aliases.yaml": (_aliased_yaml, "more than 1000 aliases"),
    "bsn.json": (lambda: _full_width("bsn"), "jeugdige.bsn: (hidden) — a BSN of 9 digits (0-9)"),
    "aanbieder.json": (lambda: _full_width("aanbieder"),
                       "hulp[1].aanbieder: '４２４２０００１' — an AGB code of 8 digits"),
    "gemeente.json": (lambda: _full_width("gemeente"), "a CBS gemeentecode of 4 digits (0-9)"),
    "datum.json": (lambda: _full_width("vastgesteld_op"), "vastgesteld_op: '２０２６-０４-０１' — a date YYYY-MM-DD"),
    "bsnr.json": (_unknown_key, "jeugdige.bsnr: (hidden) — not a field of the bepaling (check the spelling); did "
                                "you mean bsn?"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_map_build_and_ledger_open_refuse_in_one_sentence(tmp_path: Path, name: str) -> None:
    make, says = CASES[name]
    path = tmp_path / name
    path.write_text(make(), encoding="utf-8")
    assert path.stat().st_size < 1024 * 1024
    for command in _commands(path, tmp_path):
        done, seconds = _ijw(*command, cwd=tmp_path)
        assert done.returncode == 1, (command, done.stderr)
        assert says in done.stderr, (command, done.stderr)
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr
        assert "input_value" not in done.stderr and BSN not in done.stderr
        assert seconds < 30, (command, seconds)
    assert not (tmp_path / "out").exists()


def test_a_billion_laughs_scenario_is_refused_without_using_memory(tmp_path: Path) -> None:
    lines = ['today: 2026-09-02', 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ", ".join([f"*{chr(ord('a') + i - 1)}"] * 10) + "]"
              for i in range(1, 10)]
    scenario = tmp_path / "laughs.yaml"
    scenario.write_text("\n".join(lines) + "\ncases: *j\n", encoding="utf-8")
    # a fresh parent runs ijw, so the peak it reports is ijw's alone (KiB), not of an earlier test's child
    measure = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "sys.stderr.write(done.stderr); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
               "sys.exit(done.returncode)")
    done, _ = _ijw("demo", "--scenario", str(scenario), "--dir", str(tmp_path / "demo"), cwd=tmp_path,
                   wrapper=["-c", measure, sys.executable, "-m", "ijw_gateway.cli"])
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("ijw: ") and "aliases expanded" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "demo").exists()
    assert int(done.stdout) < 300 * 1024, f"ijw used {int(done.stdout) // 1024} MB"


def test_an_invalid_scenario_is_told_without_a_pydantic_dump(tmp_path: Path) -> None:
    story = (ROOT / "examples" / "demo.yaml").read_text(encoding="utf-8")
    story = story.replace("bepaling: bepalingen/", f"bepaling: {ROOT}/examples/bepalingen/")
    story = story.replace("opened: 2026-02-23", 'opened: "de maandag"', 1) + "\nextra: 1\n"
    scenario = tmp_path / "story.yaml"
    scenario.write_text(story, encoding="utf-8")
    done, _ = _ijw("demo", "--scenario", str(scenario), "--dir", str(tmp_path / "demo"), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "cases[1].opened: 'de maandag'" in done.stderr and "extra" in done.stderr, done.stderr
    assert "input_value" not in done.stderr and "errors.pydantic.dev" not in done.stderr
    assert not (tmp_path / "demo").exists()
