"""Applications: eligibility answers, the task-list sections (about, need, who benefits, activities)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 04:49:10.155166

"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'eligible', 'ineligible', 'in_assessment', 'at_panel', 'approved', 'declined', 'deferred', 'withdrawn', name='applicationstatus', native_enum=False, length=40), nullable=False),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('eligible_at', sa.DateTime(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('need', sa.Text(), nullable=True),
    sa.Column('community_involvement', sa.Text(), nullable=True),
    sa.Column('communities', sa.JSON(), nullable=False),
    sa.Column('estimated_people', sa.Integer(), nullable=True),
    sa.Column('mixing', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_applications_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_applications_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_applications_round_id_rounds')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_applications_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)

    op.create_table('application_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_activities_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_activities'))
    )
    with op.batch_alter_table('application_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_activities_application_id'), ['application_id'], unique=False)

    op.create_table('application_eligibility_answers',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_eligibility_answers_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['eligibility_questions.id'], name=op.f('fk_application_eligibility_answers_question_id_eligibility_questions')),
    sa.PrimaryKeyConstraint('application_id', 'question_id', name=op.f('pk_application_eligibility_answers'))
    )
    op.create_table('application_themes',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_themes_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_application_themes_theme_id_themes')),
    sa.PrimaryKeyConstraint('application_id', 'theme_id', name=op.f('pk_application_themes'))
    )
    op.create_table('application_wards',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_wards_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_application_wards_ward_id_wards')),
    sa.PrimaryKeyConstraint('application_id', 'ward_id', name=op.f('pk_application_wards'))
    )


def downgrade():
    op.drop_table('application_wards')
    op.drop_table('application_themes')
    op.drop_table('application_eligibility_answers')
    with op.batch_alter_table('application_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_activities_application_id'))

    op.drop_table('application_activities')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_round_id'))
        batch_op.drop_index(batch_op.f('ix_applications_organisation_id'))

    op.drop_table('applications')
