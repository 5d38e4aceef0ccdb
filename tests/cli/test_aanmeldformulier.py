"""``ijw aanmeldformulier``: the één Gelders aanmeldformulier filled from a bepaling.

The page holds the bepaling's values, has no script and loads nothing (its CSP allows only its own
style, by hash), is written owner-only, and renders and prints in headless Chromium without a
console message (the launcher of the report's browser test; skipped without Chromium, failed under
``CI=true``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ijw_gateway.cli import main
from ijw_gateway.tussentaal import Bepaling
from tests.ledger.test_report_browser import page_messages, require_chromium, run_chromium

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "bepalingen" / "11-rivierenland-culemborg-315.yaml"
EXAMPLE_301 = ROOT / "examples" / "bepalingen" / "01-achterhoek-doetinchem-301.yaml"


def write_form(tmp_path: Path, source: Path = EXAMPLE, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "form.html"
    code = main(["aanmeldformulier", str(source), "-o", str(out), "--verstuurd", "2026-04-09", *extra])
    return code, out


def test_the_form_holds_the_bepaling(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = write_form(tmp_path)
    assert code == 0 and capsys.readouterr().out.strip() == str(out)
    page = out.read_text(encoding="utf-8")
    b = Bepaling.load(EXAMPLE)
    j = b.jeugdige
    for value in (j.bsn, j.achternaam, j.voornamen, "30-06-2012", "Man", "William Schrikker Stichting (WSS)",
                  b.jeugdbeschermer, "Ondertoezichtstelling (OTS)", "08-04-2026", b.kenmerk, "Culemborg (0216)",
                  "Rivierenland", "Stichting Jeugdhulp Gelderland Breed (fictief) (AGB 42420001)",
                  "15-04-2026 t/m 14-10-2026 (P6M)", "15-07-2026", "Onderzoek naar de ontwikkeling"):
        assert value in page, value
    for hulp in b.hulp:
        assert hulp.zorgvorm in page
    # the region's products, the conversion and the split parts
    assert "45/JH109 — Jeugdhulp ambulant regulier, individueel" in page
    assert "2 uur per week → 9 uur per maand (eenheid 04, frequentie 4; 52/12 weken per maand, naar boven afgerond)" \
        in page
    assert page.count("7 etmalen per week</td>") == 7  # crisis verblijf in seven toewijzingen of at most P4W
    assert "<td>15-07-2026</td><td>14-10-2026</td><td>27 uur in totaal</td>" in page
    # the 315 route: step 4a (the JW315) is due 5 werkdagen after sending; step 3 is done on the day it was sent
    assert "Aanmeldroute 315: De Zorgaanbieder route" in page
    assert re.search(r"<td>4a</td>.*?<td>5 werkdagen</td><td>[^<]*</td><td>16-04-2026</td>", page)
    assert re.search(r"<td>3</td>.*?<td>09-04-2026</td></tr>", page)


def test_the_301_route_and_its_dates_with_holidays(tmp_path: Path) -> None:
    out = tmp_path / "f.html"
    assert main(["aanmeldformulier", str(EXAMPLE_301), "-o", str(out), "--verstuurd", "2026-04-24"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Aanmeldroute 301: De Lokale Toegang route" in page
    # 5 werkdagen after Friday 24 April 2026: Koningsdag (27 April) and Bevrijdingsdag (5 May) do not count
    assert re.search(r"<td>4</td>.*?<td>5 werkdagen</td><td>[^<]*</td><td>04-05-2026</td>", page)


def test_no_script_no_network_and_a_strict_csp(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["hulp"][0]["commentaar"] = '<script>alert("x")</script> & <img src=http://example.org/x.png>'
    source = tmp_path / "b.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out = write_form(tmp_path, source)
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in page  # escaped, shown as text
    tags = re.findall(r"<[^>]*>", page)
    assert not [t for t in tags if re.search(r"\s(on\w+|src|href|action|srcset)=", t)]
    assert "url(" not in page and "@import" not in page
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp and "default-src 'none'" in csp[1] and "unsafe-inline" not in csp[1]
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style[1].encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp[1]


def test_written_owner_only_also_over_a_readable_file(tmp_path: Path) -> None:
    out = tmp_path / "form.html"
    out.write_text("old")
    out.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        assert main(["aanmeldformulier", str(EXAMPLE), "-o", str(out)]) == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "Aanmeldformulier jeugdhulp" in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.html"]  # no temporary left


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-o", "{tmp}"], 2, "is a directory"),
        (["-o", "{tmp}/missing/form.html"], 2, "does not exist"),
        (["-o", "{tmp}/form.html", "--verstuurd", "9-4-2026"], 2, "--verstuurd 9-4-2026: expected a date"),
        ([], 2, "Missing option"),
    ],
)
def test_bad_options_are_one_sentence_and_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        args: list[str], code: int, message: str) -> None:
    assert main(["aanmeldformulier", str(EXAMPLE), *(a.format(tmp=tmp_path) for a in args)]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_bad_bepaling_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["jeugdige"]["bsn"] = "123456789"
    source = tmp_path / "b.yaml"
    source.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "form.html"
    assert main(["aanmeldformulier", str(source), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "jeugdige.bsn: (hidden)" in err and "123456789" not in err
    assert not out.exists()
    assert main(["aanmeldformulier", str(tmp_path / "none.yaml"), "-o", str(out)]) == 2
    assert "file not found" in capsys.readouterr().err and not out.exists()


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


@pytest.mark.browser
def test_the_form_renders_and_prints_in_chromium(tmp_path: Path, chromium: str) -> None:
    """The real ``ijw`` writes the form; Chromium renders it without a console message and prints it."""
    out = tmp_path / "form.html"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IJW_")}
    done = subprocess.run([sys.executable, "-m", "ijw_gateway.cli", "aanmeldformulier", str(EXAMPLE), "-o", str(out),
                           "--verstuurd", "2026-04-09"], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    url = out.resolve().as_uri()
    dumped = run_chromium(chromium, tmp_path / "profile-dom", "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    assert page_messages(dumped.stderr, url) == []
    dom = dumped.stdout
    b = Bepaling.load(EXAMPLE)
    for value in (b.jeugdige.bsn, b.jeugdige.achternaam, b.jeugdbeschermer, b.kenmerk, "45/JH106", "16-04-2026",
                  "9 uur per maand"):
        assert value in dom, value
    assert dom.count('class="hulp"') == 9
    pdf = tmp_path / "form.pdf"
    printed = run_chromium(chromium, tmp_path / "profile-pdf", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url)
    assert printed.returncode == 0, printed.stderr[-2000:]
    assert page_messages(printed.stderr, url) == []
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 2 <= pages <= 12, pages  # A4 pages: the nine lines and the route table, not one endless page
