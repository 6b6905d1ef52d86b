"""Assessors' score sheets and scores; a reminder date on assignments; each round's pass mark for essential
criteria

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 07:04:06.865228

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_score_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('recommendation', sa.Enum('fund', 'fund_with_conditions', 'do_not_fund', name='recommendation', native_enum=False, length=40), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assessment_assignments.id'], name=op.f('fk_assessment_score_sheets_assignment_id_assessment_assignments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_score_sheets')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_assessment_score_sheets_assignment_id'))
    )
    op.create_table('assessment_criterion_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 5)', name=op.f('ck_assessment_criterion_scores_score_on_the_scale')),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_assessment_criterion_scores_criterion_id_criteria')),
    sa.ForeignKeyConstraint(['sheet_id'], ['assessment_score_sheets.id'], name=op.f('fk_assessment_criterion_scores_sheet_id_assessment_score_sheets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_criterion_scores')),
    sa.UniqueConstraint('sheet_id', 'criterion_id', name=op.f('uq_assessment_criterion_scores_sheet_id'))
    )
    with op.batch_alter_table('assessment_criterion_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_criterion_scores_sheet_id'), ['sheet_id'], unique=False)

    with op.batch_alter_table('assessment_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_on', sa.Date(), nullable=True))

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('essential_threshold', sa.Integer(), nullable=True))
    op.execute("UPDATE rounds SET essential_threshold = 2")  # below "weak" on an essential criterion
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.alter_column('essential_threshold', existing_type=sa.Integer(), nullable=False)



def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('essential_threshold')

    with op.batch_alter_table('assessment_assignments', schema=None) as batch_op:
        batch_op.drop_column('reminded_on')

    with op.batch_alter_table('assessment_criterion_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_criterion_scores_sheet_id'))

    op.drop_table('assessment_criterion_scores')
    op.drop_table('assessment_score_sheets')
