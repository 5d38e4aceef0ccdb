"""Render the monitor report of a realistic ledger and screenshot it with headless Chromium.

    python scripts/report_screenshot.py [--out docs/report.png] [--html FILE] [--height 1800]

The ledger is the one of the report tests (tests/ledger/report_fixture.py): 28 cases in
the seven Gelderse regions, both routes, four GIs, judged on 2026-06-01. Test BSNs and
fictitious data only; the page shows case ids, never a name or a BSN. `make screenshot`
runs this; it needs Debian's `chromium` (`.ci/run` installs it).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ledger.report_fixture import write_reports  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--html", type=Path, help="also keep the HTML page here")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1800)
    args = parser.parse_args()
    chromium = next((p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))), None)
    if chromium is None:
        sys.exit("headless Chromium is needed: apt-get install chromium")
    os.environ.setdefault("IJW_LEDGER_KEY", "ijw-screenshot-key-0123456789abcdef0123456789")
    with tempfile.TemporaryDirectory(prefix="ijw-report-") as tmp:
        with contextlib.redirect_stdout(io.StringIO()):
            _, html_file, _ = write_reports(Path(tmp), f"sqlite:///{tmp}/ledger.db")
        if args.html:
            shutil.copyfile(html_file, args.html)
        target = args.out.resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        command = [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--hide-scrollbars",
                   f"--user-data-dir={tmp}/profile", f"--window-size={args.width},{args.height}",
                   f"--screenshot={target}", html_file.resolve().as_uri()]
        subprocess.run(command, check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": tmp})
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
