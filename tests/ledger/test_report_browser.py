"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``) loads the
page written by ``ijw ledger report --format html``, renders it without a console message
(the page has no script, so any message — a CSP violation, an error — is a failure), and
the numbers of the rendered DOM are those of ``--format json``, with the glossary, the heat map's
legend and the period; a screenshot shows it drew.

Without Chromium the test skips with the reason; under ``CI=true`` it fails instead
(``.ci/run`` installs it), so CI never passes without the browser check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.ledger.report_fixture import assert_html_matches, write_reports

pytestmark = pytest.mark.browser

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 120


def require_chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    reason = "headless Chromium is not installed (apt-get install chromium; .ci/run installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; under CI=true it is required")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


def run_chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with its own profile (tests run in parallel), logging to stderr."""
    command = [
        chromium, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--no-default-browser-check",
        "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args,
    ]
    env = {**os.environ, "HOME": str(profile)}  # no writes to the real home
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False)


def page_messages(stderr: str, url: str) -> list[str]:
    """Console messages and uncaught errors of the page (not Chromium's own log lines)."""
    return [
        line for line in stderr.splitlines()
        if ("CONSOLE" in line and url in line) or "Uncaught" in line or (url in line and "ERROR" in line)
    ]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def png_colours(data: bytes) -> int:
    """A rough count of distinct pixel byte values in the first image data chunk (a blank page has ~1)."""
    offset, chunks = 8, []
    while offset < len(data):
        length = int.from_bytes(data[offset:offset + 4], "big")
        kind = data[offset + 4:offset + 8]
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    pixels = zlib.decompressobj().decompress(b"".join(chunks), 4_000_000)
    return len(set(pixels))


def test_report_renders_in_chromium_with_the_json_numbers(tmp_path: Path, chromium: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IJW_LEDGER_KEY", "ijw-test-key-0123456789abcdef0123456789abcdef")
    report, html_file, _ = write_reports(tmp_path, f"sqlite:///{tmp_path / 'ledger.db'}")
    url = html_file.resolve().as_uri()

    dumped = run_chromium(chromium, tmp_path / "profile-dom", "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    assert page_messages(dumped.stderr, url) == []
    dom = dumped.stdout
    assert "<svg" in dom and 'id="table-overdue"' in dom
    assert assert_html_matches(report, dom) > 200  # the rendered DOM holds the JSON's numbers and glossary
    for abbreviation in ("JB", "LTM", "ZA", "BO", "RET", "wd", "OP090", "OP274"):
        assert f'<dt id="term-{abbreviation}">{abbreviation}</dt>' in dom
    assert 'id="matrix-regio-legend"' in dom and 'id="medians-regio"' in dom  # the heat map's legend, the medians
    assert 'id="report-from"' in dom and 'data-key="no_deadlines"' in dom  # the period; all-zero steps folded
    assert report["wachttijden"]["niet_gestart"] and 'id="table-niet-gestart"' in dom  # the waiting-time monitor
    assert 'id="table-wachttijden-zorgvorm"' in dom

    screenshot = tmp_path / "report.png"
    shot = run_chromium(chromium, tmp_path / "profile-shot", "--hide-scrollbars", "--window-size=1400,1800",
                        f"--screenshot={screenshot}", url)
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert page_messages(shot.stderr, url) == []
    data = screenshot.read_bytes()
    assert png_size(data) == (1400, 1800)
    assert png_colours(data) > 20, "the screenshot is (nearly) blank"
