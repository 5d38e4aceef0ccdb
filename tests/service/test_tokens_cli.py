"""``ijw tokens create|list|revoke``: a token is printed once, only its hash is stored, bad input is one sentence."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ijw_gateway.cli import main
from tests.ledger.conftest import TEST_KEY


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("IJW_LEDGER_KEY", TEST_KEY)
    return f"sqlite:///{tmp_path / 'ledger.db'}"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_create_prints_the_token_once_and_stores_only_its_hash(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["tokens", "create", "--org", "regio:midden-ijssel-oost-veluwe", "--scope",
                          "ledger:read,validate", "--expires", "2099-01-01", "--ledger", url], capsys)
    assert code == 0
    token = out.strip()
    assert token.startswith("ijw_") and len(token) == 60
    assert "regio:Midden-IJssel/Oost-Veluwe (validate, ledger:read), until 2099-01-01" in err
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM service_token")).mappings().all()
    engine.dispose()
    assert len(rows) == 1
    assert rows[0]["secret_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps([dict(r) for r in rows], default=str)
    assert token.split("_", 2)[2] not in Path(url.removeprefix("sqlite:///")).read_bytes().decode("latin-1")

    code, out, _ = run(["tokens", "list", "--format", "json", "--ledger", url], capsys)
    [listed] = json.loads(out)
    assert listed["org"] == "regio:Midden-IJssel/Oost-Veluwe" and listed["scopes"] == ["validate", "ledger:read"]
    assert listed["revoked"] is None and token not in out
    code, out, _ = run(["tokens", "revoke", listed["id"], "--ledger", url], capsys)
    assert code == 0 and f"revoked token {listed['id']}" in out
    code, out, _ = run(["tokens", "list", "--ledger", url], capsys)
    assert "revoked" in out
    assert run(["tokens", "revoke", listed["id"], "--ledger", url], capsys)[0] == 0  # again: nothing changes


@pytest.mark.parametrize(("args", "says"), [
    (["--org", "gemeente:202", "--scope", "validate"], "a gemeente is its CBS gemeentecode of four digits"),
    (["--org", "aanbieder:123", "--scope", "validate"], "an aanbieder is its AGB code of eight digits"),
    (["--org", "gi:ABC", "--scope", "validate"], "a gecertificeerde instelling is one of JBG, WSS, LDH, JVV"),
    (["--org", "regio:Utrecht", "--scope", "validate"], "a regio is one of Achterhoek"),
    (["--org", "ministerie:1", "--scope", "validate"], "expected gemeente:<4-digit CBS code>"),
    (["--org", "gemeente:0202", "--scope", "admin"], "--scope admin: expected a comma-separated list of"),
    (["--org", "gemeente:0202", "--scope", "validate", "--expires", "2020-01-01"], "expected a date after today"),
    (["--org", "gemeente:0202", "--scope", "validate", "--expires", "soon"], "--expires soon: expected a date"),
])
def test_bad_input_is_one_sentence_and_makes_no_token(url: str, capsys: pytest.CaptureFixture[str],
                                                      args: list[str], says: str) -> None:
    code, out, err = run(["tokens", "create", *args, "--ledger", url], capsys)
    assert code == 2 and out == ""
    assert says in err and len(err.strip().splitlines()) == 1
    assert run(["tokens", "list", "--format", "json", "--ledger", url], capsys)[1].strip() in ("", "[]")


def test_revoking_an_unknown_token_says_so(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["tokens", "revoke", "0123456789ab", "--ledger", url], capsys)
    assert code == 2 and "there is no token '0123456789ab' in this ledger" in err
