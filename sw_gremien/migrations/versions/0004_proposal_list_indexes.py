"""Indexes for the proposal list and the desk at 10,000 proposals (found with
``sw-gremien benchmark proposals``).

- proposals (updated_at, id): the list's order, so a page is read in index order and stops
  after 25 rows instead of sorting every visible proposal;
- proposals (origin_body_id, state, submitted_at): the desk's "to check", already in order;
- consultations (body_id, ended_at): the desk's "recent decisions in my bodies", a range
  instead of all the body's ended steps since the beginning;
- proposal_authors (user_id): "written by me" (the primary key starts with proposal_id).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index('ix_proposals_updated', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_proposals_origin_state', ['origin_body_id', 'state', 'submitted_at'], unique=False)
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index('ix_consultations_body_ended', ['body_id', 'ended_at'], unique=False)
    with op.batch_alter_table('proposal_authors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_authors_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('proposal_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_authors_user_id'))
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index('ix_consultations_body_ended')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_proposals_origin_state')
        batch_op.drop_index('ix_proposals_updated')
