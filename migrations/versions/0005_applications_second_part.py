"""Applications, second part: budget, match funding, outcomes, sustainability, attachments, declarations,
equality monitoring, references, the frozen snapshot; fund codes and each round's required documents

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 05:55:46.149736

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


# A submitted application's snapshot is what later stages read: the database refuses to change it.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER application_snapshots_no_update BEFORE UPDATE ON application_snapshots
       BEGIN SELECT RAISE(ABORT, 'application_snapshots cannot be changed'); END""",
    """CREATE TRIGGER application_snapshots_no_delete BEFORE DELETE ON application_snapshots
       BEGIN SELECT RAISE(ABORT, 'application_snapshots cannot be changed'); END""",
]
POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION application_snapshots_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'application_snapshots cannot be changed'; END $$""",
    """CREATE TRIGGER application_snapshots_no_change BEFORE UPDATE OR DELETE ON application_snapshots
       FOR EACH ROW EXECUTE FUNCTION application_snapshots_frozen()""",
]
# What rounds made before documents could be asked for ask for: what a new round asks for by default.
DEFAULT_DOCUMENTS = ["governing_document", "accounts", "safeguarding_policy", "bank_statement"]


def upgrade():
    op.create_table('application_reference_counters',
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_application_reference_counters_fund_id_funds')),
    sa.PrimaryKeyConstraint('fund_id', 'year', name=op.f('pk_application_reference_counters'))
    )
    op.create_table('application_attachments',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('governing_document', 'accounts', 'safeguarding_policy', 'equality_policy', 'bank_statement', name='documentkind', native_enum=False, length=40), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_attachments_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['organisation_documents.id'], name=op.f('fk_application_attachments_document_id_organisation_documents')),
    sa.PrimaryKeyConstraint('application_id', 'kind', name=op.f('pk_application_attachments'))
    )
    op.create_table('application_budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('category', sa.Enum('staff', 'volunteer_expenses', 'venue', 'equipment', 'materials', 'publicity', 'other', name='budgetcategory', native_enum=False, length=40), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_budget_lines_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_budget_lines'))
    )
    with op.batch_alter_table('application_budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_budget_lines_application_id'), ['application_id'], unique=False)

    op.create_table('application_funding_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('match', 'continuation', name='fundingpurpose', native_enum=False, length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('secured', 'pending', 'hoped', name='fundingstatus', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_funding_sources_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_funding_sources'))
    )
    with op.batch_alter_table('application_funding_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_funding_sources_application_id'), ['application_id'], unique=False)

    op.create_table('application_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('measurement', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_outcomes_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_application_outcomes_indicator_id_indicators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_outcomes')),
    sa.UniqueConstraint('application_id', 'indicator_id', name=op.f('uq_application_outcomes_application_id'))
    )
    with op.batch_alter_table('application_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_outcomes_application_id'), ['application_id'], unique=False)

    op.create_table('application_snapshots',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_snapshots_application_id_applications')),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_application_snapshots'))
    )
    op.create_table('equality_responses',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_equality_responses_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_equality_responses'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('amount_requested_pence', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('continuation', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('continuation_fallback', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('attachments_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('declared_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('declared_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('declared_position', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('declared_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_amount_requested_pence'), ['amount_requested_pence'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_submitted_at'), ['submitted_at'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_applications_reference'), ['reference'])
        batch_op.create_foreign_key(batch_op.f('fk_applications_declared_by_id_users'), 'users', ['declared_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_applications_submitted_by_id_users'), 'users', ['submitted_by_id'], ['id'])

    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=8), nullable=True))
    op.execute("UPDATE funds SET code = 'F' || id")
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=8), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_funds_code'), ['code'])

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('required_documents', sa.JSON(), nullable=True))
    op.execute(
        sa.text("UPDATE rounds SET required_documents = :default").bindparams(
            sa.bindparam("default", value=DEFAULT_DOCUMENTS, type_=sa.JSON())
        )
    )
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.alter_column('required_documents', existing_type=sa.JSON(), nullable=False)

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('required_documents')

    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_funds_code'), type_='unique')
        batch_op.drop_column('code')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_submitted_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_applications_declared_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_applications_reference'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_applications_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_applications_amount_requested_pence'))
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('submitted_by_id')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('declared_at')
        batch_op.drop_column('declared_position')
        batch_op.drop_column('declared_name')
        batch_op.drop_column('declared_by_id')
        batch_op.drop_column('attachments_confirmed_at')
        batch_op.drop_column('continuation_fallback')
        batch_op.drop_column('continuation')
        batch_op.drop_column('amount_requested_pence')
        batch_op.drop_column('reference')

    op.drop_table('equality_responses')
    op.drop_table('application_snapshots')  # and its triggers
    with op.batch_alter_table('application_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_outcomes_application_id'))

    op.drop_table('application_outcomes')
    with op.batch_alter_table('application_funding_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_funding_sources_application_id'))

    op.drop_table('application_funding_sources')
    with op.batch_alter_table('application_budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_budget_lines_application_id'))

    op.drop_table('application_budget_lines')
    op.drop_table('application_attachments')
    op.drop_table('application_reference_counters')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION application_snapshots_frozen()")
