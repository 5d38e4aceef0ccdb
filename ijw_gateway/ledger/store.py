"""Ledger storage: the tables (sqlmodel), the engine, the schema version and its migrations.

One database holds one ledger. SQLite (the default, ``sqlite:///ijw-ledger.db``) runs in
WAL mode with foreign keys on, a busy timeout and ``BEGIN IMMEDIATE`` transactions, so
concurrent writers queue instead of failing; PostgreSQL (``postgresql+psycopg://…``)
serializes migrations with an advisory lock. The schema is versioned with alembic; the
migrations ship in ``ijw_gateway/ledger/migrations``. Every problem opening the
database becomes a :class:`~ijw_gateway.errors.LedgerError` of one sentence.

No personal data is stored: a BSN is kept only as a keyed hash (:mod:`.privacy`), names
and message contents not at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel, create_engine

from ijw_gateway.errors import LedgerError, UsageError
from ijw_gateway.ledger.facts import AMSTERDAM
from ijw_gateway.logging import get_logger

__all__ = [
    "DEFAULT_URL",
    "MIGRATIONS",
    "CaseRow",
    "EventRow",
    "MessageProductRow",
    "MessageRow",
    "MetaRow",
    "SeenIdentificatieRow",
    "ToewijzingNummerRow",
    "aware",
    "connect",
    "describe_url",
    "explain",
    "is_database_error",
    "raise_mapped",
    "transaction",
]

log = get_logger(__name__)

DEFAULT_URL = "sqlite:///ijw-ledger.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_MIGRATION_LOCK = 0x1A5_1ED6E  # pg_advisory_xact_lock key of schema migrations
PG_COUNTER_LOCK = 0x1A5_C0000  # + CBS gemeentecode: the lock of one gemeente's ToewijzingNummer counter


EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
"""Moments the ledger records: its working-day calendar must reach every deadline counted from them."""


def aware(moment: datetime | date) -> datetime:
    """A moment as an aware datetime: a date is local midnight, a naive datetime Amsterdam time.

    A moment outside EARLIEST..LATEST is a UsageError: once recorded, no deadline of its case
    could be computed and the ledger's status would fail from then on.
    """
    day = moment.date() if isinstance(moment, datetime) else moment
    if not EARLIEST <= day <= LATEST:
        raise UsageError(f"{moment.isoformat()} lies outside the dates the ledger can keep deadlines for "
                         f"(expected {EARLIEST} to {LATEST})")
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=AMSTERDAM)
    return moment


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored as naive UTC on every backend and read back aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return aware(value).astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class MetaRow(SQLModel, table=True):
    """Settings of the ledger itself (``key_check``: fingerprint of the hashing key)."""

    __tablename__ = "ledger_meta"

    name: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(String(200), nullable=False))


class CaseRow(SQLModel, table=True):
    """One case per bepaling (its kenmerk); ``bsn_hash`` links messages without storing the BSN."""

    __tablename__ = "ledger_case"

    id: str = Field(sa_column=Column(String(50), primary_key=True))
    route: str = Field(sa_column=Column(String(3), nullable=False))
    gemeente: str = Field(sa_column=Column(String(4), nullable=False))
    regio: str | None = Field(default=None, sa_column=Column(String(60)))
    gi: str = Field(sa_column=Column(String(10), nullable=False))
    maatregel: str = Field(sa_column=Column(String(30), nullable=False))
    vastgesteld_op: date | None = Field(default=None)
    bsn_hash: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    opened_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    mapping: str | None = Field(default=None, sa_column=Column(String(300)))
    """Why the bepaling could not be mapped to the region's contract when the case was opened; None: it could."""


class EventRow(SQLModel, table=True):
    """A route event; one per case, name and (local) day: recording it again changes nothing."""

    __tablename__ = "ledger_event"
    __table_args__ = (UniqueConstraint("case_id", "name", "day", name="uq_ledger_event"),)

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    case_id: str = Field(sa_column=Column(String(50), ForeignKey("ledger_case.id"), nullable=False))
    name: str = Field(sa_column=Column(String(30), nullable=False))
    day: date = Field(nullable=False)
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class MessageRow(SQLModel, table=True):
    """An iJw message of a case, identified as the standard does: sender, type and identificatie.

    For a retourbericht ``identificatie`` is its IdentificatieRetour and ``retour_op`` the
    identificatie of the message it answers ('' for other messages, so the natural key
    stays unique on every backend). ``answers_id`` links a retour, a JW319 or a JW301 to the
    message it answers when that one is in the ledger. ``content_hash`` is a keyed hash of
    the bytes, to tell a resent message from a different one under the same identificatie.
    """

    __tablename__ = "ledger_message"
    __table_args__ = (
        UniqueConstraint(
            "berichttype", "afzender", "ontvanger", "identificatie", "retour_op", name="uq_ledger_message"
        ),
        Index("ix_ledger_message_case", "case_id"),
        Index("ix_ledger_message_bsn", "bsn_hash"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    case_id: str = Field(sa_column=Column(String(50), ForeignKey("ledger_case.id"), nullable=False))
    berichttype: str = Field(sa_column=Column(String(5), nullable=False))
    direction: str = Field(sa_column=Column(String(8), nullable=False))
    afzender: str = Field(sa_column=Column(String(8), nullable=False))
    ontvanger: str = Field(sa_column=Column(String(8), nullable=False))
    identificatie: str = Field(sa_column=Column(String(20), nullable=False))
    retour_op: str = Field(sa_column=Column(String(20), nullable=False))
    dagtekening: date = Field(nullable=False)
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    answers_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("ledger_message.id")))
    verzoek_antwoord: str | None = Field(default=None, sa_column=Column(String(1)))
    zorgdatum: date | None = Field(default=None)
    bsn_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    content_hash: str = Field(sa_column=Column(String(64), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class MessageProductRow(SQLModel, table=True):
    """A per-product reference of a message: ReferentieAanbieder or ToewijzingNummer."""

    __tablename__ = "ledger_message_product"
    __table_args__ = (Index("ix_ledger_message_product_ref", "ref"),)

    message_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ledger_message.id", ondelete="CASCADE"), primary_key=True)
    )
    ref: str = Field(sa_column=Column(String(30), primary_key=True))
    kind: str = Field(sa_column=Column(String(2), nullable=False))  # "RA" ReferentieAanbieder, "TN" ToewijzingNummer
    #: Of a ToewijzingNummer in a JW301, JW305 or JW307: its product code, and the toewijzing's Ingangsdatum
    #: (JW301), the start of care (JW305 Begindatum) or its end (JW307 Einddatum): the waiting-time monitor's facts;
    #: ``einddatum`` the toewijzing's Einddatum (JW301), from which a missing JW307 is due (OP272).
    product: str | None = Field(default=None, sa_column=Column(String(10), nullable=True))
    datum: date | None = Field(default=None, nullable=True)
    einddatum: date | None = Field(default=None, nullable=True)


class SeenIdentificatieRow(SQLModel, table=True):
    """TR056 across batches: an Identificatie used by a sender for a message type, once.

    Filled by every message the ledger records and by ``ijw validate --ledger``, which
    need not belong to a case. ``content_hash`` is a keyed hash of the message's content
    digest (:func:`~ijw_gateway.messages.identificatie.content_digest`), so the same
    message seen again is told apart from another one under the same Identificatie; ''
    where unknown (rows carried over from schema 0001).
    """

    __tablename__ = "ledger_identificatie"

    berichttype: str = Field(sa_column=Column(String(5), primary_key=True))
    afzender: str = Field(sa_column=Column(String(8), primary_key=True))
    identificatie: str = Field(sa_column=Column(String(20), primary_key=True))
    content_hash: str = Field(sa_column=Column(String(64), nullable=False))
    seen_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class ToewijzingNummerRow(SQLModel, table=True):
    """A ToewijzingNummer given out by a gemeente: its counter, persistent and shared.

    ``sleutel`` names what the number is for (a bepaling's kenmerk and hulp line, or a
    provider's ReferentieAanbieder), so asking again gives the same number.
    """

    __tablename__ = "ledger_toewijzingnummer"
    __table_args__ = (UniqueConstraint("gemeente", "nummer", name="uq_ledger_toewijzingnummer"),)

    gemeente: str = Field(sa_column=Column(String(4), primary_key=True))
    sleutel: str = Field(sa_column=Column(String(120), primary_key=True))
    nummer: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


# --------------------------------------------------------------------------- engine
def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an invalid URL)"


def explain(error: BaseException, url: str) -> str:
    """One sentence on why the database could not be used."""
    where = describe_url(url)
    text_ = str(getattr(error, "orig", None) or error).strip().splitlines()[0] if str(error).strip() else ""
    low = text_.lower()
    if "locked" in low or "busy" in low:
        return f"the ledger {where} is locked by another process; try again when it is done"
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return f"the ledger {where} is not a readable SQLite database (corrupt or another kind of file)"
    if "unable to open" in low or "readonly" in low or "read-only" in low:
        return f"the ledger {where} cannot be opened or written (check that the directory exists and is writable)"
    if "connect" in low or "could not translate host" in low or "password" in low or "does not exist" in low:
        return f"cannot connect to the ledger database {where}: {text_}"
    return f"the ledger {where} cannot be used: {text_ or type(error).__name__}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN IMMEDIATE ourselves
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_read_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")  # deferred: a read snapshot, no write lock


def _sqlite_reader(database: Path) -> Any:
    """A read-only connection factory for a SQLite ledger in a directory we cannot write (in one we
    can, a plain connection reads best: it removes the write-ahead log it made when it closes).
    With no write-ahead log beside the file (no writer at work), SQLite cannot make its
    shared-memory file there: the file is then read as it is on disk (``immutable``)."""
    import sqlite3
    from urllib.parse import quote

    if os.access(database.parent, os.W_OK):
        return None
    uri = f"file:{quote(str(database))}?mode=ro"
    if not database.with_name(database.name + "-wal").exists():
        uri += "&immutable=1"

    def creator() -> Any:
        return sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    return creator


def connect(url: str, *, read_only: bool = False) -> Engine:
    """An engine for ``url`` with the ledger's settings; LedgerError when the URL cannot be used.

    ``read_only``: for reading only (``ledger status``, ``ledger report``); a SQLite ledger then
    needs no write access to its file or directory.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise LedgerError(
            f"{url!r} is not a database URL; use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise LedgerError(f"the ledger runs on SQLite or PostgreSQL, not {backend!r} ({describe_url(url)})")
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise LedgerError("an in-memory SQLite ledger would be lost at once; give a file: sqlite:///FILE")
        directory = Path(database).expanduser().resolve().parent
        if not directory.is_dir():
            raise LedgerError(f"the directory {directory} of the ledger {describe_url(url)} does not exist")
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        reader = _sqlite_reader(Path(database).expanduser().resolve()) if read_only else None
        if reader is not None:
            kwargs = {"creator": reader}
            parsed = make_url("sqlite://")
    else:
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs["connect_args"] = {"connect_timeout": 10}
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as error:
        raise LedgerError(f"no database driver for {describe_url(url)}: {error}") from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_reader_pragmas if read_only else _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_read_begin if read_only else _sqlite_begin)
    return engine


def is_database_error(error: BaseException) -> bool:
    """Whether ``error`` comes from the database: SQLAlchemy's errors and the drivers' own."""
    return isinstance(error, DBAPIError | SQLAlchemyError) or type(error).__module__.startswith(("sqlite3", "psycopg"))


def raise_mapped(error: BaseException, url: str) -> NoReturn:
    """The one boundary of the ledger's errors: a database error becomes a LedgerError of one
    sentence (:func:`explain`); anything else is raised as it is."""
    if is_database_error(error):
        raise LedgerError(explain(error, url)) from None
    raise error


@contextmanager
def transaction(engine: Engine, url: str) -> Iterator[Connection]:
    """A connection in one transaction (committed at the end, rolled back on any error).

    Database errors become a LedgerError (:func:`raise_mapped`); other exceptions pass unchanged.
    """
    try:
        with engine.begin() as connection:
            yield connection
    except (DBAPIError, SQLAlchemyError) as error:
        raise_mapped(error, url)


def lock_for_migration(connection: Connection) -> None:
    """Serialize schema changes between processes (SQLite: the BEGIN IMMEDIATE lock already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
