"""Integrations-Fonds: reminders about the proof of use, and the request for an early start
(vorzeitiger Maßnahmebeginn) with its reason.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 11:39:29.304837
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('proof_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['fund_applications.id'], name=op.f('fk_proof_reminders_application_id_fund_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proof_reminders')),
    sa.UniqueConstraint('application_id', 'kind', 'level', 'deadline', name='uq_proof_reminders_step')
    )
    # Existing applications asked for no early start.
    with op.batch_alter_table('fund_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('early_start_requested', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('early_start_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('fund_applications', schema=None) as batch_op:
        batch_op.alter_column('early_start_requested', server_default=None)
        batch_op.alter_column('early_start_reason', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('fund_applications', schema=None) as batch_op:
        batch_op.drop_column('early_start_reason')
        batch_op.drop_column('early_start_requested')

    op.drop_table('proof_reminders')
