"""A real ``ijw serve`` process on a free loopback port: end to end with tokens made by ``ijw tokens``, a
revocation seen by the running service, a private access log; two workers on PostgreSQL where one is
killed with SIGKILL under load and no acknowledged write is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from benchmarks.serve_bench import (
    bepalingen,
    kill_one_worker,
    messages_of,
    post_all,
    recorded_identificaties,
    serving,
)
from ijw_gateway.cli import main
from tests.service.conftest import EXAMPLES


def ijw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ijw_gateway.cli", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_end_to_end_over_http(ledger_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = ijw("tokens", "create", "--org", "gemeente:0222", "--scope",
               "validate,build,respond,ledger:read,ledger:write", "--ledger", ledger_url)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    token_id = token.split("_")[1]
    assert "shown only now" in made.stderr and token not in made.stderr
    listed = ijw("tokens", "list", "--format", "json", "--ledger", ledger_url)
    assert json.loads(listed.stdout)[0]["id"] == token_id and token not in listed.stdout
    log = tmp_path / "serve.log"
    body = bepalingen(1, "E2E")[0]
    with serving(ledger_url, 1, dict(os.environ), log=log) as (base, _process), \
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        message = EXAMPLES / "berichten" / "jw315-verzoek-om-toewijzing.xml"
        got = http.post("/v1/validate", params={"today": "2026-05-04", "name": str(message)},
                        content=message.read_bytes(), headers={"content-type": "application/xml"})
        main(["validate", str(message), "--format", "json", "--today", "2026-05-04"])
        assert got.json() == json.loads(capsys.readouterr().out)["results"][0]
        built = http.post("/v1/build", params={"record": True, "dagtekening": "2026-03-06"}, json=body)
        assert built.status_code == 200, built.text
        first = built.json()["messages"][0]["xml"].encode()
        again = http.post("/v1/messages", params={"direction": "sent"}, content=first,
                          headers={"content-type": "application/xml"})
        assert again.json()["status"] == "duplicate"
        status = http.get("/v1/status", params={"case": body["kenmerk"], "today": "2026-04-01"})
        assert status.status_code == 200 and status.json()["deadlines"]
        assert http.get("/readyz").status_code == 200
        revoked = ijw("tokens", "revoke", token_id, "--ledger", ledger_url)
        assert revoked.returncode == 0, revoked.stderr
        time.sleep(2.2)  # each process trusts a token it read for 2 seconds
        refused = http.get("/v1/status")
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"]
    assert {r["path"] for r in requests} >= {"/v1/validate", "/v1/build", "/v1/messages", "/v1/status"}
    assert any(r["token"] == token_id and r["org"] == "gemeente:0222" for r in requests)
    for secret in (token, token.split("_", 2)[2], body["jeugdige"]["bsn"], body["jeugdige"]["achternaam"]):
        assert secret not in text


@pytest.mark.postgres
@pytest.mark.parametrize("ledger_url", ["postgresql"], indirect=True)  # two workers share one PostgreSQL ledger
def test_kill_9_of_a_worker_under_load_loses_no_acknowledged_write(ledger_url: str) -> None:
    made = ijw("tokens", "create", "--org", "gemeente:0222", "--scope", "ledger:write", "--ledger", ledger_url)
    token = made.stdout.strip()
    bodies = bepalingen(40, "KILLTEST")
    messages = messages_of(bodies)
    with serving(ledger_url, 2, dict(os.environ)) as (base, process):
        opened, _ = post_all(base, token, "/v1/cases", [(json.dumps(b).encode(), "application/json")
                                                        for b in bodies], 10, 120)
        assert not opened.errors
        killed: list[int] = []
        load, _ = post_all(base, token, "/v1/messages?direction=sent", [(m, "application/xml") for m in messages],
                           10, 120, halfway=lambda: killed.append(kill_one_worker(process)))
        assert killed, "no worker was killed"
        wanted, held = recorded_identificaties(ledger_url, load.acknowledged)
        assert wanted and wanted == held, f"{len(wanted - held)} acknowledged messages were lost"
        assert len(load.acknowledged) + len(load.errors) == len(messages)
        assert httpx.get(f"{base}/healthz", timeout=30).status_code == 200  # the service goes on


@pytest.mark.parametrize(("args", "says"), [
    (["--port", "70000"], "--port 70000: expected a TCP port from 1 to 65535"),
    (["--workers", "0"], "--workers 0: expected a number of processes from 1 to 64"),
    (["--timeout", "0"], "--timeout 0: expected seconds above 0 and at most 3600"),
    (["--ledger", "mysql://x/y"], "the ledger runs on SQLite or PostgreSQL, not 'mysql'"),
])
def test_serve_refuses_bad_options_in_one_sentence(args: list[str], says: str) -> None:
    done = ijw("serve", *args)
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_says_when_the_port_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from tests.ledger.conftest import TEST_KEY

    monkeypatch.setenv("IJW_LEDGER_KEY", TEST_KEY)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = ijw("serve", "--port", str(port), "--ledger", f"sqlite:///{tmp_path / 'l.db'}")
    assert done.returncode == 2
    assert f"--port {port}: cannot listen there" in done.stderr and "Traceback" not in done.stderr
