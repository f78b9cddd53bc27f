"""The Integrations-Fonds: funds, yearly budgets, the append-only ledger, organisations with
their contacts, applications with their cost plan, and grant lists (applications on a proposal).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 10:27:04.989892
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('funds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('hourly_rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('small_grant_limit', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds')),
    sa.UniqueConstraint('name', name=op.f('uq_funds_name'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('account_holder', sa.String(length=200), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    op.create_table('fund_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('budget', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('bookings', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_fund_years_fund_id_funds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_years')),
    sa.UniqueConstraint('fund_id', 'year', name='uq_fund_years_fund_year')
    )
    op.create_table('organisation_contacts',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_contacts_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_organisation_contacts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'user_id', name=op.f('pk_organisation_contacts'))
    )
    with op.batch_alter_table('organisation_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_contacts_user_id'), ['user_id'], unique=False)

    op.create_table('fund_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('target_group', sa.Text(), nullable=False),
    sa.Column('districts', sa.JSON(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('expected_participants', sa.Integer(), nullable=True),
    sa.Column('partners', sa.Text(), nullable=False),
    sa.Column('own_funds', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('volunteer_hours', sa.Numeric(precision=8, scale=1), nullable=False),
    sa.Column('third_party_funds', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('requested_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('account_holder', sa.String(length=200), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('no_early_start', sa.Boolean(), nullable=False),
    sa.Column('early_start_approved', sa.Boolean(), nullable=False),
    sa.Column('data_consent', sa.Boolean(), nullable=False),
    sa.Column('recommended_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('granted_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('proof_deadline', sa.Date(), nullable=True),
    sa.Column('fund_year_id', sa.Integer(), nullable=True),
    sa.Column('proof_report', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('purged_at', sa.DateTime(), nullable=True),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_fund_applications_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_fund_applications_fund_id_funds')),
    sa.ForeignKeyConstraint(['fund_year_id'], ['fund_years.id'], name=op.f('fk_fund_applications_fund_year_id_fund_years')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_fund_applications_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_applications')),
    sa.UniqueConstraint('reference', name=op.f('uq_fund_applications_reference'))
    )
    with op.batch_alter_table('fund_applications', schema=None) as batch_op:
        batch_op.create_index('ix_fund_applications_org', ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_applications_state'), ['state'], unique=False)
        batch_op.create_index('ix_fund_applications_state_updated', ['state', 'updated_at'], unique=False)

    op.create_table('cost_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('actual_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['fund_applications.id'], name=op.f('fk_cost_lines_application_id_fund_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_lines'))
    )
    with op.batch_alter_table('cost_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_lines_application_id'), ['application_id'], unique=False)

    op.create_table('grant_list_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('reject', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['fund_applications.id'], name=op.f('fk_grant_list_entries_application_id_fund_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_grant_list_entries_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_list_entries'))
    )
    with op.batch_alter_table('grant_list_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_list_entries_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_list_entries_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_year_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('booked_at', sa.DateTime(), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['fund_applications.id'], name=op.f('fk_ledger_entries_application_id_fund_applications'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_ledger_entries_booked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_year_id'], ['fund_years.id'], name=op.f('fk_ledger_entries_fund_year_id_fund_years')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_application', ['application_id'], unique=False)
        batch_op.create_index('ix_ledger_entries_year_kind', ['fund_year_id', 'kind'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_year_kind')
        batch_op.drop_index('ix_ledger_entries_application')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('grant_list_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_list_entries_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_grant_list_entries_application_id'))

    op.drop_table('grant_list_entries')
    with op.batch_alter_table('cost_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_lines_application_id'))

    op.drop_table('cost_lines')
    with op.batch_alter_table('fund_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_fund_applications_state_updated')
        batch_op.drop_index(batch_op.f('ix_fund_applications_state'))
        batch_op.drop_index('ix_fund_applications_org')

    op.drop_table('fund_applications')
    with op.batch_alter_table('organisation_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_contacts_user_id'))

    op.drop_table('organisation_contacts')
    op.drop_table('fund_years')
    op.drop_table('organisations')
    op.drop_table('funds')
