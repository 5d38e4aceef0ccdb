"""Why a case's bepaling could not be mapped to its region's contract (the monitor page says so).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_case") as batch:
        batch.add_column(sa.Column("mapping", sa.String(300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_case") as batch:
        batch.drop_column("mapping")
