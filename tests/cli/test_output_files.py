"""Files we write appear whole, and with the mode any other program's new file would get."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ijw_gateway.cli import main
from ijw_gateway.files import atomic_open, write_bytes_atomic

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_written_files_follow_the_umask_not_the_temporary_files_mode(tmp_path: Path) -> None:
    write_bytes_atomic(tmp_path / "a.xml", b"<a/>")
    with atomic_open(tmp_path / "b.txt", text=True) as handle:
        handle.write("b")
    expected = 0o666 & ~_umask()
    for name in ("a.xml", "b.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == expected


def test_reports_and_retourberichten_are_readable_like_any_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    retour = tmp_path / "retour"
    retour.mkdir()
    code = main(["validate", str(EXAMPLES / "berichten"), "--format", "json", "--output", str(tmp_path / "r.json"),
                 "--retour-dir", str(retour), "--today", "2026-11-23"])
    assert code == 0
    written = [tmp_path / "r.json", *retour.iterdir()]
    assert len(written) > 1
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o666 & ~_umask()}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    capsys.readouterr()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
