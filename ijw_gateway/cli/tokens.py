"""``ijw tokens create|list|revoke``: the bearer tokens of ``ijw serve``, kept (hashed) in the ledger database."""

from __future__ import annotations

import json

import typer

from ijw_gateway.cli import app
from ijw_gateway.cli.options import LEDGER_HELP, ledger_option, open_ledger, parse_date
from ijw_gateway.errors import UsageError
from ijw_gateway.logging import get_logger

log = get_logger(__name__)

tokens_app = typer.Typer(
    name="tokens",
    help="Make, list and revoke the bearer tokens of 'ijw serve'; the ledger keeps only their hashes.",
    no_args_is_help=True,
)
app.add_typer(tokens_app, name="tokens")

_SERVICE_LEDGER = "The ledger database the service uses: " + LEDGER_HELP["ledger"][len("The ledger database: "):]


@tokens_app.command("create")
def create(
    org: str = typer.Option(..., "--org", metavar="ORG",
                            help="gemeente:<CBS code>, aanbieder:<AGB code>, gi:<JBG|WSS|LDH|JVV> or regio:<name>."),
    scope: str = typer.Option(..., "--scope", metavar="SCOPES",
                              help="Comma-separated: validate, build, respond, ledger:read, ledger:write."),
    expires: str | None = typer.Option(None, "--expires", metavar="DATE",
                                       help="The day the token stops working, YYYY-MM-DD (default: never)."),
    ledger: str | None = ledger_option(_SERVICE_LEDGER),
) -> None:
    """Make a token for one organisation and print it once; only its hash is stored."""
    from ijw_gateway.ledger.ledger import ledger_url
    from ijw_gateway.ledger.tokens import create_token, parse_scopes
    from ijw_gateway.service.orgs import parse_org

    who = parse_org(org)
    scopes = parse_scopes(scope)
    day = parse_date(expires, "--expires")
    with open_ledger(ledger_url(ledger)) as book:
        secret, token = create_token(book, who, scopes, day)
    log.info("token created", token_id=token.id, org=str(who), scopes=",".join(scopes))
    typer.echo(secret)
    typer.echo(f"token {token.id} for {who} ({', '.join(scopes)})"
               + (f", until {day.isoformat()}" if day else "")
               + "; it is shown only now: keep it in a secret store", err=True)


@tokens_app.command("list")
def list_command(
    output_format: str = typer.Option("text", "--format", metavar="[text|json]", help="The list's format."),
    ledger: str | None = ledger_option(_SERVICE_LEDGER),
) -> None:
    """The tokens: id, organisation, scopes, expiry and whether revoked (never the tokens themselves)."""
    from ijw_gateway.ledger.ledger import ledger_url
    from ijw_gateway.ledger.tokens import list_tokens

    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format}: expected text or json")
    with open_ledger(ledger_url(ledger)) as book:
        tokens = list_tokens(book)
    if output_format == "json":
        typer.echo(json.dumps([t.as_dict() for t in tokens], indent=2))
        return
    if not tokens:
        typer.echo("no tokens; make one with 'ijw tokens create --org ORG --scope SCOPES'")
    for t in tokens:
        d = t.as_dict()
        state = f"revoked {d['revoked']}" if t.revoked_at else (f"until {d['expires']}" if d["expires"] else "active")
        typer.echo(f"{t.id}  {t.org}  {','.join(t.scopes)}  {state}")


@tokens_app.command("revoke")
def revoke(
    token_id: str = typer.Argument(..., metavar="ID", help="The token's id (see 'ijw tokens list')."),
    ledger: str | None = ledger_option(_SERVICE_LEDGER),
) -> None:
    """Revoke a token: every process of the service refuses it from its next request on."""
    from ijw_gateway.ledger.ledger import ledger_url
    from ijw_gateway.ledger.tokens import revoke_token

    with open_ledger(ledger_url(ledger)) as book:
        token = revoke_token(book, token_id)
    log.info("token revoked", token_id=token.id)
    typer.echo(f"revoked token {token.id} of {token.org}")
