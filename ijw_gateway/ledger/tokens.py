"""Tokens of the HTTP service and its idempotency keys, in the ledger database (migration 0005).

A token is ``ijw_<id>_<secret>``: the id is public (``ijw tokens list|revoke`` name it), the
secret is 32 random bytes. Only the SHA-256 of the whole token is stored, so the database
never holds what a client sends; a token is shown once, when it is made. A token belongs
to one organisation (:class:`Org`) and has scopes (:data:`SCOPES`).

Idempotency keys live here too: what a write answered the first time, keyed by token and
key, so that a retry reaching another process (or host) gets the same answer.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text, select

from ijw_gateway.errors import UsageError
from ijw_gateway.ledger.facts import AMSTERDAM
from ijw_gateway.ledger.store import UtcDateTime, transaction

__all__ = ["ORG_KINDS", "SCOPES", "Org", "Token", "create_token", "find_token", "list_tokens",
           "parse_scopes", "remember", "remembered", "revoke_token", "token_hash"]

SCOPES = ("validate", "build", "respond", "ledger:read", "ledger:write")
"""What a token may do: validate messages; map and build bepalingen; answer received messages;
read the ledger (status, report, monitor); write it (cases, events, messages)."""

OrgKind = Literal["gemeente", "aanbieder", "gi", "regio"]
ORG_KINDS: tuple[OrgKind, ...] = ("gemeente", "aanbieder", "gi", "regio")
GI_CODES = ("JBG", "WSS", "LDH", "JVV")
_TOKEN = re.compile(r"^ijw_(?P<id>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")

_META = MetaData()
TOKEN_TABLE = Table(
    "service_token", _META,
    Column("id", String(16), primary_key=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("org_kind", String(12), nullable=False),
    Column("org_code", String(64), nullable=False),
    Column("scopes", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_on", Date(), nullable=True),
    Column("revoked_at", UtcDateTime(), nullable=True),
)
IDEMPOTENCY_TABLE = Table(
    "service_idempotency", _META,
    Column("token_id", String(16), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True)
class Org:
    """The organisation a token speaks for: ``gemeente:0202``, ``aanbieder:42420001``, ``gi:JBG``,
    ``regio:Achterhoek``."""

    kind: OrgKind
    code: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


def parse_scopes(value: str, option: str = "--scope") -> tuple[str, ...]:
    """A comma-separated list of :data:`SCOPES`, in their canonical order."""
    wanted = {s.strip() for s in value.split(",") if s.strip()}
    unknown = sorted(wanted - set(SCOPES))
    if unknown or not wanted:
        raise UsageError(f"{option} {value}: expected a comma-separated list of {', '.join(SCOPES)}")
    return tuple(s for s in SCOPES if s in wanted)


@dataclass(frozen=True)
class Token:
    """A token as stored (never its secret)."""

    id: str
    org: Org
    scopes: tuple[str, ...]
    created_at: datetime
    expires_on: date | None = None
    revoked_at: datetime | None = None

    def usable(self, today: date) -> bool:
        return self.revoked_at is None and (self.expires_on is None or today < self.expires_on)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "org": str(self.org), "scopes": list(self.scopes),
                "created": self.created_at.astimezone(AMSTERDAM).isoformat(timespec="seconds"),
                "expires": self.expires_on.isoformat() if self.expires_on else None,
                "revoked": self.revoked_at.astimezone(AMSTERDAM).isoformat(timespec="seconds")
                if self.revoked_at else None}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(AMSTERDAM)


def _row_token(row: Any) -> Token:
    return Token(id=row.id, org=Org(row.org_kind, row.org_code), scopes=tuple(row.scopes.split(",")),
                 created_at=row.created_at, expires_on=row.expires_on, revoked_at=row.revoked_at)


def create_token(ledger: Any, org: Org, scopes: tuple[str, ...], expires_on: date | None = None) -> tuple[str, Token]:
    """A new token for ``org``: (the token itself, to be shown once; what is stored)."""
    if expires_on is not None and expires_on <= _now().date():
        raise UsageError(f"--expires {expires_on.isoformat()}: expected a date after today")
    token_id = secrets.token_hex(6)
    secret = f"ijw_{token_id}_{secrets.token_urlsafe(32)}"
    created = _now()
    with transaction(ledger.engine, ledger.url) as conn:
        conn.execute(TOKEN_TABLE.insert().values(
            id=token_id, secret_hash=token_hash(secret), org_kind=org.kind, org_code=org.code,
            scopes=",".join(scopes), created_at=created, expires_on=expires_on, revoked_at=None))
    return secret, Token(token_id, org, scopes, created, expires_on)


def list_tokens(ledger: Any) -> list[Token]:
    with transaction(ledger.engine, ledger.url) as conn:
        return [_row_token(r) for r in conn.execute(select(TOKEN_TABLE).order_by(TOKEN_TABLE.c.created_at))]


def revoke_token(ledger: Any, token_id: str) -> Token:
    """Revoke a token by its id; revoking it again changes nothing. UsageError for an unknown id."""
    with transaction(ledger.engine, ledger.url) as conn:
        row = conn.execute(select(TOKEN_TABLE).where(TOKEN_TABLE.c.id == token_id)).first()
        if row is None:
            raise UsageError(f"there is no token {token_id!r} in this ledger (see 'ijw tokens list')")
        if row.revoked_at is None:
            conn.execute(TOKEN_TABLE.update().where(TOKEN_TABLE.c.id == token_id).values(revoked_at=_now()))
            row = conn.execute(select(TOKEN_TABLE).where(TOKEN_TABLE.c.id == token_id)).one()
    return _row_token(row)


def find_token(ledger: Any, token: str) -> Token | None:
    """The stored token a client's bearer token is, or None (not of the form, or not known)."""
    if not _TOKEN.fullmatch(token):
        return None
    with transaction(ledger.engine, ledger.url) as conn:
        row = conn.execute(select(TOKEN_TABLE).where(TOKEN_TABLE.c.secret_hash == token_hash(token))).first()
    return None if row is None else _row_token(row)


def remembered(ledger: Any, token_id: str, key: str) -> tuple[str, int, str] | None:
    """(request hash, status, body) a write with this idempotency key answered before, or None."""
    with transaction(ledger.engine, ledger.url) as conn:
        row = conn.execute(select(IDEMPOTENCY_TABLE).where(
            (IDEMPOTENCY_TABLE.c.token_id == token_id) & (IDEMPOTENCY_TABLE.c.key == key))).first()
    return None if row is None else (row.request_hash, row.status, row.body)


def remember(ledger: Any, token_id: str, key: str, request_hash: str, status: int, body: str) -> tuple[str, int, str]:
    """Keep what a write answered under its key; when another process kept one first, that one wins (returned)."""
    if ledger.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    with transaction(ledger.engine, ledger.url) as conn:
        conn.execute(insert(IDEMPOTENCY_TABLE).values(
            token_id=token_id, key=key, request_hash=request_hash, status=status, body=body, created_at=_now(),
        ).on_conflict_do_nothing())
        row = conn.execute(select(IDEMPOTENCY_TABLE).where(
            (IDEMPOTENCY_TABLE.c.token_id == token_id) & (IDEMPOTENCY_TABLE.c.key == key))).one()
    return row.request_hash, row.status, row.body
