"""Initial ledger schema: meta, cases, route events, messages and their product references.

Revision ID: 0001
Revises:
Create Date: 2026-05-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ijw_gateway.ledger.store import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "ledger_case",
        sa.Column("id", sa.String(50), primary_key=True),
        sa.Column("route", sa.String(3), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("regio", sa.String(60)),
        sa.Column("gi", sa.String(10), nullable=False),
        sa.Column("maatregel", sa.String(30), nullable=False),
        sa.Column("vastgesteld_op", sa.Date()),
        sa.Column("bsn_hash", sa.String(64), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_ledger_case_bsn_hash", "ledger_case", ["bsn_hash"])
    op.create_table(
        "ledger_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(50), sa.ForeignKey("ledger_case.id"), nullable=False),
        sa.Column("name", sa.String(30), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("case_id", "name", "day", name="uq_ledger_event"),
    )
    op.create_table(
        "ledger_message",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(50), sa.ForeignKey("ledger_case.id"), nullable=False),
        sa.Column("berichttype", sa.String(5), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("afzender", sa.String(8), nullable=False),
        sa.Column("ontvanger", sa.String(8), nullable=False),
        sa.Column("identificatie", sa.String(20), nullable=False),
        sa.Column("retour_op", sa.String(20), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("answers_id", sa.Integer, sa.ForeignKey("ledger_message.id")),
        sa.Column("verzoek_antwoord", sa.String(1)),
        sa.Column("zorgdatum", sa.Date()),
        sa.Column("bsn_hash", sa.String(64)),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint(
            "berichttype", "afzender", "ontvanger", "identificatie", "retour_op", name="uq_ledger_message"
        ),
    )
    op.create_index("ix_ledger_message_case", "ledger_message", ["case_id"])
    op.create_index("ix_ledger_message_bsn", "ledger_message", ["bsn_hash"])
    op.create_table(
        "ledger_message_product",
        sa.Column(
            "message_id", sa.Integer, sa.ForeignKey("ledger_message.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("ref", sa.String(30), primary_key=True),
        sa.Column("kind", sa.String(2), nullable=False),
    )
    op.create_index("ix_ledger_message_product_ref", "ledger_message_product", ["ref"])


def downgrade() -> None:
    op.drop_table("ledger_message_product")
    op.drop_table("ledger_message")
    op.drop_table("ledger_event")
    op.drop_table("ledger_case")
    op.drop_table("ledger_meta")
