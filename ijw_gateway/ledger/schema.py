"""The ledger's schema version: create or migrate on open, refuse what we do not know.

The version is alembic's revision (table ``alembic_version``); the migrations ship in
``ijw_gateway/ledger/migrations/versions``. Opening a ledger runs the missing migrations
in one transaction under the migration lock, so two processes opening a new or old ledger
at once do it once. A ledger at a revision this version does not know (made by a newer
ijw-gateway) and a database holding other tables are refused with a LedgerError.
"""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from ijw_gateway.errors import LedgerError
from ijw_gateway.ledger.store import MIGRATIONS, describe_url, lock_for_migration, transaction
from ijw_gateway.logging import get_logger

__all__ = ["current_revision", "ensure_schema", "head_revision"]

log = get_logger(__name__)


@cache
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def ensure_schema(engine: Engine, url: str, *, read_only: bool = False) -> str:
    """Bring the ledger at ``url`` to the current schema; returns the revision. ``read_only``:
    migrate nothing; a ledger not at the current schema is a LedgerError."""
    head = head_revision()
    with transaction(engine, url) as connection:
        current = current_revision(connection)
        if current == head:
            return head
        if read_only:
            raise LedgerError(
                f"the ledger {describe_url(url)} is not an ijw ledger of this version (schema {current or 'none'}, "
                f"expected {head}); open it for writing once (ijw ledger open) to migrate it"
            )
        lock_for_migration(connection)
        current = current_revision(connection)  # another process may have migrated meanwhile
        if current == head:
            return head
        if current is None:
            foreign = [t for t in inspect(connection).get_table_names() if not t.startswith("sqlite_")]
            if foreign:
                raise LedgerError(
                    f"the database {describe_url(url)} holds other tables ({', '.join(sorted(foreign)[:3])}…) "
                    "and no ijw ledger; give the URL of a ledger or of an empty database"
                )
        elif not _known(current):
            raise LedgerError(
                f"the ledger {describe_url(url)} has schema version {current}, made by a newer ijw-gateway "
                f"(this one knows up to {head}); upgrade ijw-gateway to use it"
            )
        config = _config()
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, "head")
        finally:
            config.attributes.pop("connection", None)
        log.info("ledger schema migrated", ledger=describe_url(url), from_revision=current, to_revision=head)
    return head
