"""Funds, rounds, themes, eligibility questions, criteria and the outcome indicator library

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LEGAL_FORMS = (
    "registered_charity", "cio", "cic", "company_limited_by_guarantee", "unincorporated_group", "faith_group",
    "parish_council", "school", "community_benefit_society", "other",
)


def upgrade():
    op.create_table('funds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds')),
    sa.UniqueConstraint('name', name=op.f('uq_funds_name'))
    )
    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=100), nullable=False),
    sa.Column('domain', sa.String(length=100), nullable=False),
    sa.Column('measure', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('domain', 'measure', name='uq_indicators_domain_measure')
    )
    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('name', name=op.f('uq_themes_name'))
    )
    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', 'decided', 'completed', name='roundstatus', native_enum=False, length=40), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('budget_pence', sa.BigInteger(), nullable=True),
    sa.Column('minimum_grant_pence', sa.BigInteger(), nullable=True),
    sa.Column('maximum_grant_pence', sa.BigInteger(), nullable=True),
    sa.Column('assessors_per_bid', sa.Integer(), nullable=False),
    sa.Column('moderation_spread', sa.Integer(), nullable=False),
    sa.Column('panel_date', sa.Date(), nullable=True),
    sa.Column('score_labels', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['copied_from_id'], ['rounds.id'], name=op.f('fk_rounds_copied_from_id_rounds')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_rounds_fund_id_funds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds'))
    )
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rounds_fund_id'), ['fund_id'], unique=False)

    op.create_table('criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('essential', sa.Boolean(), nullable=False),
    sa.Column('descriptors', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_criteria_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria'))
    )
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criteria_round_id'), ['round_id'], unique=False)

    op.create_table('eligibility_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('qualifying_answer', sa.Boolean(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_eligibility_questions_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_questions'))
    )
    with op.batch_alter_table('eligibility_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_questions_round_id'), ['round_id'], unique=False)

    op.create_table('round_indicators',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_round_indicators_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_indicators_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'indicator_id', name=op.f('pk_round_indicators'))
    )
    op.create_table('round_legal_forms',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('legal_form', sa.Enum(*LEGAL_FORMS, name='legalform', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_legal_forms_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'legal_form', name=op.f('pk_round_legal_forms'))
    )
    op.create_table('round_themes',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_themes_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_round_themes_theme_id_themes')),
    sa.PrimaryKeyConstraint('round_id', 'theme_id', name=op.f('pk_round_themes'))
    )


def downgrade():
    # Dropping a table drops its indexes with it.
    for table in (
        "round_themes", "round_legal_forms", "round_indicators", "eligibility_questions", "criteria", "rounds",
        "themes", "indicators", "funds",
    ):
        op.drop_table(table)
