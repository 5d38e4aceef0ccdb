"""The chain on the ledger: toewijzingen, starts and stops, prestaties, declarations and what
retourberichten rejected, each linked by its natural key (see ledger/chain_store.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'ledger_toewijzing',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('message_id', sa.Integer(), sa.ForeignKey("ledger_message.id", ondelete="CASCADE"), nullable=False),
        sa.Column('case_id', sa.String(50), nullable=False),
        sa.Column('gemeente', sa.String(4), nullable=False),
        sa.Column('aanbieder', sa.String(8), nullable=False),
        sa.Column('nummer', sa.String(10), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('referentie_aanbieder', sa.String(36)),
        sa.Column('categorie', sa.String(2)),
        sa.Column('code', sa.String(5)),
        sa.Column('ingangsdatum', sa.Date(), nullable=False),
        sa.Column('einddatum', sa.Date()),
        sa.Column('reden_wijziging', sa.String(2)),
        sa.Column('volume', sa.Integer()),
        sa.Column('eenheid', sa.String(2)),
        sa.Column('frequentie', sa.String(2)),
        sa.Column('budget', sa.Integer()),
        sa.Column('toegewezen_op', sa.String(19), nullable=False),
        sa.Column('bsn_hash', sa.String(64)),
        sa.UniqueConstraint('message_id', 'position', name='uq_ledger_toewijzing'),
    )
    op.create_index('ix_ledger_toewijzing_nummer', 'ledger_toewijzing', ['gemeente', 'nummer'])
    op.create_index('ix_ledger_toewijzing_bsn', 'ledger_toewijzing', ['bsn_hash'])
    op.create_table(
        'ledger_levering',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('message_id', sa.Integer(), sa.ForeignKey("ledger_message.id", ondelete="CASCADE"), nullable=False),
        sa.Column('case_id', sa.String(50), nullable=False),
        sa.Column('berichttype', sa.String(5), nullable=False),
        sa.Column('identificatie', sa.String(20), nullable=False),
        sa.Column('gemeente', sa.String(4), nullable=False),
        sa.Column('aanbieder', sa.String(8), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('nummer', sa.String(10)),
        sa.Column('categorie', sa.String(2)),
        sa.Column('code', sa.String(5)),
        sa.Column('toewijzing_ingangsdatum', sa.Date()),
        sa.Column('begindatum', sa.Date(), nullable=False),
        sa.Column('einddatum', sa.Date()),
        sa.Column('reden_beeindiging', sa.String(2)),
        sa.Column('status_aanlevering', sa.String(1), nullable=False),
        sa.Column('dagtekening', sa.Date(), nullable=False),
        sa.UniqueConstraint('message_id', 'position', name='uq_ledger_levering'),
    )
    op.create_index('ix_ledger_levering_nummer', 'ledger_levering', ['gemeente', 'nummer'])
    op.create_table(
        'ledger_prestatie',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('message_id', sa.Integer(), sa.ForeignKey("ledger_message.id", ondelete="CASCADE"), nullable=False),
        sa.Column('case_id', sa.String(50), nullable=False),
        sa.Column('berichttype', sa.String(5), nullable=False),
        sa.Column('identificatie', sa.String(20), nullable=False),
        sa.Column('gemeente', sa.String(4), nullable=False),
        sa.Column('aanbieder', sa.String(8), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('referentie', sa.String(20), nullable=False),
        sa.Column('vorig_referentie', sa.String(20)),
        sa.Column('nummer', sa.String(10), nullable=False),
        sa.Column('categorie', sa.String(2), nullable=False),
        sa.Column('code', sa.String(5), nullable=False),
        sa.Column('begindatum', sa.Date(), nullable=False),
        sa.Column('einddatum', sa.Date(), nullable=False),
        sa.Column('volume', sa.Integer(), nullable=False),
        sa.Column('eenheid', sa.String(2), nullable=False),
        sa.Column('tarief', sa.Integer()),
        sa.Column('bedrag', sa.Integer(), nullable=False),
        sa.Column('debet_credit', sa.String(1), nullable=False),
        sa.Column('bsn_hash', sa.String(64)),
        sa.Column('retourcodes', sa.String(60), nullable=False),
        sa.UniqueConstraint('message_id', 'position', name='uq_ledger_prestatie'),
    )
    op.create_index('ix_ledger_prestatie_referentie', 'ledger_prestatie', ['aanbieder', 'gemeente', 'referentie'])
    op.create_index('ix_ledger_prestatie_nummer', 'ledger_prestatie', ['gemeente', 'nummer'])
    op.create_table(
        'ledger_declaratie',
        sa.Column('message_id', sa.Integer(), sa.ForeignKey("ledger_message.id", ondelete="CASCADE"), primary_key=True),
        sa.Column('berichttype', sa.String(5), nullable=False),
        sa.Column('identificatie', sa.String(20), nullable=False),
        sa.Column('gemeente', sa.String(4), nullable=False),
        sa.Column('aanbieder', sa.String(8), nullable=False),
        sa.Column('nummer', sa.String(12), nullable=False),
        sa.Column('begindatum', sa.Date()),
        sa.Column('einddatum', sa.Date()),
        sa.Column('totaal', sa.Integer(), nullable=False),
        sa.Column('declaratie_identificatie', sa.String(20)),
    )
    op.create_index('ix_ledger_declaratie_nummer', 'ledger_declaratie', ['aanbieder', 'gemeente', 'nummer'])
    op.create_index('ix_ledger_declaratie_identificatie', 'ledger_declaratie', ['aanbieder', 'identificatie'])
    op.create_index('ix_ledger_declaratie_answers', 'ledger_declaratie', ['aanbieder', 'declaratie_identificatie'])
    op.create_table(
        'ledger_retour_item',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('message_id', sa.Integer(), sa.ForeignKey("ledger_message.id", ondelete="CASCADE"), nullable=False),
        sa.Column('heenbericht', sa.String(5), nullable=False),
        sa.Column('afzender', sa.String(8), nullable=False),
        sa.Column('identificatie', sa.String(20), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('codes', sa.String(60), nullable=False),
        sa.UniqueConstraint('message_id', 'position', name='uq_ledger_retour_item'),
    )
    op.create_index('ix_ledger_retour_item_heen', 'ledger_retour_item', ['heenbericht', 'afzender', 'identificatie'])


def downgrade() -> None:
    op.drop_table('ledger_retour_item')
    op.drop_table('ledger_declaratie')
    op.drop_table('ledger_prestatie')
    op.drop_table('ledger_levering')
    op.drop_table('ledger_toewijzing')
