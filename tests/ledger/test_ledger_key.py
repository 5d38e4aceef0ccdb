"""The ledger key lives apart from the ledger: a copy of the ledger's directory reveals no BSN.

By default the key is made in the user's configuration directory, named by its fingerprint; a
key file others may read is refused; a ledger made by an earlier version with its key beside it
keeps working, with a warning whose command moves the key; ``Ledger(url, key=…, key_file=…)``
and an operator's key for PostgreSQL work as before.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ijw_gateway.errors import LedgerError
from ijw_gateway.ledger import Ledger
from ijw_gateway.ledger.privacy import Hasher
from tests.ledger import builders as b

ROOT = Path(__file__).resolve().parents[2]
BEPALING = ROOT / "examples" / "bepalingen" / "02-centraal-gelderland-arnhem-315.yaml"
KEY = "ijw-test-key-0123456789abcdef0123456789abcdef"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No key in the environment; the user's configuration directory in ``tmp_path/config``."""
    monkeypatch.delenv("IJW_LEDGER_KEY", raising=False)
    monkeypatch.delenv("IJW_LEDGER_KEY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "ijw-gateway" / "ledger-keys"


def _ijw(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ijw_gateway.cli", *args], capture_output=True, text=True,
                          timeout=120, check=False, env=env)


def _env(config_home: Path) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("IJW_")} | {"XDG_CONFIG_HOME": str(config_home)}


def test_a_copy_of_the_ledger_directory_holds_no_key(tmp_path: Path, config: Path) -> None:
    """The real ijw: the key is made apart from the ledger; the copied directory cannot be opened elsewhere."""
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite:///{data / 'ledger.db'}"
    done = _ijw("ledger", "--db", url, "open", str(BEPALING), "--at", "2026-04-24", env=_env(tmp_path / "config"))
    assert done.returncode == 0, done.stderr
    (key_file,) = config.iterdir()
    assert f"created the ledger key file {key_file}" in done.stderr
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and stat.S_IMODE(config.stat().st_mode) == 0o700
    assert not [p for p in data.iterdir() if p.suffix == ".key"]
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(data, elsewhere / "data")
    # status and report read without the key (they hash nothing); whatever writes needs it
    done = _ijw("ledger", "--db", f"sqlite:///{elsewhere / 'data' / 'ledger.db'}", "record", "GI-2026-000123",
                "overleg", "--at", "2026-04-28", env=_env(elsewhere / "config"))
    assert done.returncode == 2 and "the key of this ledger is not in" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_moved_ledger_finds_its_key(tmp_path: Path, config: Path) -> None:
    with Ledger(f"sqlite:///{tmp_path / 'a.db'}") as ledger:
        ledger.open(BEPALING, at=date(2026, 4, 24))
    (tmp_path / "a.db").rename(tmp_path / "b.db")
    with Ledger(f"sqlite:///{tmp_path / 'b.db'}") as ledger:
        assert ledger.counts()["cases"] == 1


def test_two_ledgers_get_two_keys(tmp_path: Path, config: Path) -> None:
    Ledger(f"sqlite:///{tmp_path / 'a.db'}").close()
    Ledger(f"sqlite:///{tmp_path / 'b.db'}").close()
    assert len(list(config.iterdir())) == 2


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_a_key_file_others_may_read_is_refused(tmp_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch,
                                               mode: int) -> None:
    key_file = tmp_path / "operator.key"
    key_file.write_text(KEY + "\n")
    key_file.chmod(mode)
    monkeypatch.setenv("IJW_LEDGER_KEY_FILE", str(key_file))
    with pytest.raises(LedgerError, match=rf"may be read or changed by others \(mode {mode:04o}\); make it private "
                                          rf"with: chmod 600 {key_file}$"):
        Ledger(f"sqlite:///{tmp_path / 'l.db'}")
    key_file.chmod(0o600)
    Ledger(f"sqlite:///{tmp_path / 'l.db'}").close()


def test_the_default_key_file_is_checked_too(tmp_path: Path, config: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    Ledger(url).close()
    (key_file,) = config.iterdir()
    key_file.chmod(0o644)
    with pytest.raises(LedgerError, match="chmod 600"):
        Ledger(url)


def test_a_fifo_as_key_file_is_refused_without_hanging(tmp_path: Path, config: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo, 0o600)
    monkeypatch.setenv("IJW_LEDGER_KEY_FILE", str(fifo))
    with pytest.raises(LedgerError, match="not a regular file"):
        Ledger(f"sqlite:///{tmp_path / 'l.db'}")


def test_a_ledger_with_its_key_beside_it_keeps_working_and_says_how_to_move_it(tmp_path: Path, config: Path) -> None:
    """As an earlier version made it: the key in ``<ledger>.key``, 0600."""
    beside = tmp_path / "ledger.db.key"
    beside.write_text(KEY + "\n")
    beside.chmod(0o600)
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger(url, key_file=beside) as ledger:
        ledger.open(BEPALING, at=date(2026, 4, 24))
    done = _ijw("ledger", "--db", url, "record", "GI-2026-000123", "overleg", "--at", "2026-04-28",
                env=_env(tmp_path / "config"))  # a write: it needs the key (status and report do not)
    assert done.returncode == 0, done.stderr
    (warning,) = [line for line in done.stderr.splitlines() if "warning" in line]
    assert f"the ledger key file {beside} lies beside the ledger" in warning
    command = warning.split("where ijw looks first: ", 1)[1]
    subprocess.run(command, shell=True, check=True)  # the warning's own command moves it
    assert not beside.exists()
    assert [p.name for p in config.iterdir()] == [f"{Hasher(KEY.encode()).fingerprint()[:16]}.key"]
    done = _ijw("ledger", "--db", url, "record", "GI-2026-000123", "overleg", "--at", "2026-04-29",
                env=_env(tmp_path / "config"))
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_a_ledger_keyed_with_the_old_shared_default_keeps_working(ledger_url: str, tmp_path: Path,
                                                                  config: Path) -> None:
    """Earlier versions kept the key of a server ledger in ~/.config/ijw-gateway/ledger.key: apart, so no warning."""
    old = tmp_path / "config" / "ijw-gateway" / "ledger.key"
    old.parent.mkdir(parents=True)
    old.write_text(KEY + "\n")
    old.chmod(0o600)
    with Ledger(ledger_url, key=KEY) as ledger:
        ledger.open(b.bepaling("K-1", "315", "0202", "999900006"), at=date(2026, 4, 24))
    with Ledger(ledger_url) as ledger:
        assert ledger.counts()["cases"] == 1
    assert not config.exists()


def test_an_explicit_key_or_key_file_works_on_both_backends(ledger_url: str, tmp_path: Path, config: Path) -> None:
    key_file = tmp_path / "operator.key"
    key_file.write_text(KEY + "\n")
    key_file.chmod(0o600)
    with Ledger(ledger_url, key=KEY) as ledger:
        ledger.open(b.bepaling("K-1", "315", "0202", "999900006"), at=date(2026, 4, 24))
    with Ledger(ledger_url, key_file=key_file) as ledger:
        assert ledger.counts()["cases"] == 1
    assert not config.exists()  # nothing made in the user's directory when the operator gives the key
    with pytest.raises(LedgerError, match="another key"):
        Ledger(ledger_url, key="x" * 40)
