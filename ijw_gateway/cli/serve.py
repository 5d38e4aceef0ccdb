"""``ijw serve``: the gateway over HTTP (FastAPI on uvicorn), on loopback unless told otherwise."""

from __future__ import annotations

import ipaddress
import os
import socket

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import ledger_option
from ijw_gateway.errors import UsageError
from ijw_gateway.logging import get_logger

log = get_logger(__name__)

_LEDGER = ("The ledger database every process of the service shares (tokens, TR056, counters, idempotency keys): "
           "sqlite:///FILE or postgresql+psycopg://USER@HOST/DB (default: env IJW_DB, else sqlite:///ijw-ledger.db).")
HTTP_PROTOCOL = "ijw_gateway.service.wire:CoalescingHttpTools"
"""uvicorn's httptools, each response in one write (service/wire.py); no proxy headers are read either
(nothing uses the client's address, and a forwarded one is not trusted)."""


def _check(host: str, port: int, workers: int, timeout: float, concurrency: int) -> None:
    if not host.strip():
        raise UsageError("--host '': expected an address to listen on, such as 127.0.0.1")
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port}: expected a TCP port from 1 to 65535")
    if not 1 <= workers <= 64:
        raise UsageError(f"--workers {workers}: expected a number of processes from 1 to 64")
    if not 0 < timeout <= 3600:
        raise UsageError(f"--timeout {timeout:g}: expected seconds above 0 and at most 3600")
    if not 1 <= concurrency <= 1000:
        raise UsageError(f"--max-concurrency {concurrency}: expected a number of requests from 1 to 1000")


def _check_free(host: str, port: int) -> None:
    """Bind the address once (as uvicorn will) so that a taken port or a foreign address is one sentence."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UsageError(f"--host {host}: not an address of this machine ({error.strerror})") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise UsageError(f"--host {host} --port {port}: cannot listen there ({error.strerror or error})") from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS",
                             help="The address to listen on (default loopback; 0.0.0.0 for every interface)."),
    port: int = typer.Option(8080, "--port", metavar="PORT", help="The TCP port (default 8080)."),
    ledger: str | None = ledger_option(_LEDGER),
    workers: int = typer.Option(1, "--workers", metavar="N", help="Worker processes (default 1)."),
    timeout: float = typer.Option(60.0, "--timeout", metavar="SECONDS",
                                  help="Answer 503 to a request that takes longer (default 60)."),
    max_concurrency: int = typer.Option(32, "--max-concurrency", metavar="N",
                                        help="Requests one process works on at once; more wait (default 32)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log",
                                    help="Log every request (method, route, status, time, token id; no data)."),
) -> None:
    """Serve the gateway over HTTP: /v1/validate, /v1/map, /v1/build, /v1/respond, the ledger, /monitor.

    Every request needs a token of 'ijw tokens create' (Authorization: Bearer). The OpenAPI
    document is at /openapi.json, the interactive one at /docs. Stop it with Ctrl-C.
    """
    from ijw_gateway import logging as ijw_logging
    from ijw_gateway.ledger.ledger import Ledger, ledger_url
    from ijw_gateway.service.settings import Settings

    _check(host, port, workers, timeout, max_concurrency)
    url = ledger_url(ledger)
    settings = Settings(ledger=url, request_timeout=timeout, max_concurrency=max_concurrency,
                        access_log=access_log, log_format=ijw_logging.current_format())
    with Ledger(url):  # a ledger that cannot be used is one sentence now, not one per worker
        pass
    _check_free(host, port)
    if not _loopback(host):
        typer.echo(f"ijw serve: listening on {host}, not only on loopback; put TLS in front of it", err=True)
    ijw_logging.configure(verbose=access_log, log_format=settings.log_format)  # type: ignore[arg-type]
    import uvicorn

    os.environ.update(settings.to_environment())
    typer.echo(f"ijw serve: http://{host}:{port}/ ({workers} worker{'s' if workers != 1 else ''}); "
               "Ctrl-C stops it", err=True)
    log.info("serving", host=host, port=port, workers=workers)
    try:  # uvicorn ends with SystemExit(3) when it cannot start after all (the port taken since)
        if workers == 1:
            from ijw_gateway.service.app import create_app

            uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level="warning",
                        server_header=False, timeout_graceful_shutdown=10, http=HTTP_PROTOCOL, proxy_headers=False)
        else:
            uvicorn.run("ijw_gateway.service.app:from_environment", factory=True, host=host, port=port,
                        workers=workers, access_log=False, log_level="warning", server_header=False,
                        timeout_graceful_shutdown=10, http=HTTP_PROTOCOL, proxy_headers=False)
    except SystemExit as stopped:
        if stopped.code not in (None, 0):
            raise UsageError(f"--host {host} --port {port}: the service could not start (see the line above)") from None
