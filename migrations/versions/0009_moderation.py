"""Moderators' agreed scores, kept beside the assessors' own

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 07:11:13.740064

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_moderated_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=False),
    sa.Column('moderated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 5', name=op.f('ck_assessment_moderated_scores_agreed_score_on_the_scale')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_assessment_moderated_scores_application_id_applications')),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_assessment_moderated_scores_criterion_id_criteria')),
    sa.ForeignKeyConstraint(['moderator_id'], ['users.id'], name=op.f('fk_assessment_moderated_scores_moderator_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_moderated_scores'))
    )
    with op.batch_alter_table('assessment_moderated_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_moderated_scores_application_id'), ['application_id'], unique=False)



def downgrade():
    with op.batch_alter_table('assessment_moderated_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_moderated_scores_application_id'))

    op.drop_table('assessment_moderated_scores')
