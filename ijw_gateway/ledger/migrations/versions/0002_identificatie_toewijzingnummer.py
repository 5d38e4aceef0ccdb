"""TR056 across batches and the persistent ToewijzingNummer counter per gemeente.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ijw_gateway.ledger.store import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_identificatie",
        sa.Column("berichttype", sa.String(5), primary_key=True),
        sa.Column("afzender", sa.String(8), primary_key=True),
        sa.Column("identificatie", sa.String(20), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("seen_at", UtcDateTime(), nullable=False),
    )
    # Heenberichten already recorded keep their Identificatie; their content is unknown ('').
    op.execute(
        "INSERT INTO ledger_identificatie (berichttype, afzender, identificatie, content_hash, seen_at) "
        "SELECT berichttype, afzender, identificatie, '', MIN(recorded_at) FROM ledger_message "
        "WHERE retour_op = '' GROUP BY berichttype, afzender, identificatie"
    )
    op.create_table(
        "ledger_toewijzingnummer",
        sa.Column("gemeente", sa.String(4), primary_key=True),
        sa.Column("sleutel", sa.String(120), primary_key=True),
        sa.Column("nummer", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("gemeente", "nummer", name="uq_ledger_toewijzingnummer"),
    )


def downgrade() -> None:
    op.drop_table("ledger_toewijzingnummer")
    op.drop_table("ledger_identificatie")
