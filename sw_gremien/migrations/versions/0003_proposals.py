"""Proposals, proposal types, consultations, reference counters, attachments, notifications,
and the full-text index over proposals (FTS5 on SQLite, German text search on PostgreSQL).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('proposal_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('informational', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_types')),
    sa.UniqueConstraint('name', name=op.f('uq_proposal_types_name'))
    )
    op.create_table('reference_counters',
    sa.Column('prefix', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'year', name=op.f('pk_reference_counters'))
    )
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_type', sa.String(length=40), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_owner', ['owner_type', 'owner_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('proposal_type_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_proposal_type_steps_body_id_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['proposal_types.id'], name=op.f('fk_proposal_type_steps_type_id_proposal_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_type_steps'))
    )
    with op.batch_alter_table('proposal_type_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_type_steps_type_id'), ['type_id'], unique=False)

    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('origin_body_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('reasoning', sa.Text(), nullable=False),
    sa.Column('cost_estimate', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_proposals_created_by_id_users')),
    sa.ForeignKeyConstraint(['origin_body_id'], ['bodies.id'], name=op.f('fk_proposals_origin_body_id_bodies')),
    sa.ForeignKeyConstraint(['type_id'], ['proposal_types.id'], name=op.f('fk_proposals_type_id_proposal_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('reference', name=op.f('uq_proposals_reference'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_origin_body_id'), ['origin_body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_state'), ['state'], unique=False)
        batch_op.create_index('ix_proposals_state_updated', ['state', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_type_id'), ['type_id'], unique=False)

    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_consultations_body_id_bodies')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_consultations_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index('ix_consultations_body_state', ['body_id', 'state'], unique=False)
        batch_op.create_index('ix_consultations_proposal', ['proposal_id', 'round', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_state'), ['state'], unique=False)

    op.create_table('proposal_authors',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_authors_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proposal_authors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'user_id', name=op.f('pk_proposal_authors'))
    )
    op.create_table('proposal_districts',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_districts_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'district', name=op.f('pk_proposal_districts'))
    )
    with op.batch_alter_table('proposal_districts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_districts_district'), ['district'], unique=False)
    _create_full_text_index()


FTS_COLUMNS = "title, subject, resolution, reasoning"


def _create_full_text_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # An expression index; sw_gremien.proposals.search queries the same expression.
        op.execute(
            "CREATE INDEX ix_proposals_fulltext ON proposals USING gin (to_tsvector('german', "
            "coalesce(title, '') || ' ' || coalesce(subject, '') || ' ' || "
            "coalesce(resolution, '') || ' ' || coalesce(reasoning, '')))"
        )
        return
    op.execute(
        f"CREATE VIRTUAL TABLE proposals_fts USING fts5({FTS_COLUMNS}, content='proposals', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    new = "new.title, new.subject, new.resolution, new.reasoning"
    old = "old.title, old.subject, old.resolution, old.reasoning"
    op.execute(
        "CREATE TRIGGER proposals_fts_insert AFTER INSERT ON proposals BEGIN "
        f"INSERT INTO proposals_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER proposals_fts_delete AFTER DELETE ON proposals BEGIN "
        f"INSERT INTO proposals_fts(proposals_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER proposals_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON proposals BEGIN "
        f"INSERT INTO proposals_fts(proposals_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO proposals_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END"
    )


def _drop_full_text_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposals_fulltext")
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS proposals_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS proposals_fts")


def downgrade() -> None:
    _drop_full_text_index()
    with op.batch_alter_table('proposal_districts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_districts_district'))

    op.drop_table('proposal_districts')
    op.drop_table('proposal_authors')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultations_state'))
        batch_op.drop_index('ix_consultations_proposal')
        batch_op.drop_index('ix_consultations_body_state')

    op.drop_table('consultations')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_type_id'))
        batch_op.drop_index('ix_proposals_state_updated')
        batch_op.drop_index(batch_op.f('ix_proposals_state'))
        batch_op.drop_index(batch_op.f('ix_proposals_origin_body_id'))
        batch_op.drop_index(batch_op.f('ix_proposals_created_by_id'))

    op.drop_table('proposals')
    with op.batch_alter_table('proposal_type_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_type_steps_type_id'))

    op.drop_table('proposal_type_steps')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_created')

    op.drop_table('notifications')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_owner')

    op.drop_table('attachments')
    op.drop_table('reference_counters')
    op.drop_table('proposal_types')
