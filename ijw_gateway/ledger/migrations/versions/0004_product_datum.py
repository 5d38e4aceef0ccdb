"""The product code and date of each ToewijzingNummer of a JW301, JW305 and JW307 (the waiting-time monitor),
and the Einddatum of a JW301's toewijzing (OP272: a missing stop message).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_message_product") as batch:
        batch.add_column(sa.Column("product", sa.String(10), nullable=True))
        batch.add_column(sa.Column("datum", sa.Date(), nullable=True))
        batch.add_column(sa.Column("einddatum", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_message_product") as batch:
        batch.drop_column("einddatum")
        batch.drop_column("datum")
        batch.drop_column("product")
