"""The scenario runs on both ledgers, SQLite and PostgreSQL, as the ledger tests do."""

from tests.ledger.conftest import ledger_url  # noqa: F401  (the fixture)
