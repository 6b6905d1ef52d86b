"""Assessors assigned to bids and their declared interests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 06:57:13.936348

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessor_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_assessor_interests_assessor_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_assessor_interests_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessor_interests')),
    sa.UniqueConstraint('assessor_id', 'organisation_id', name=op.f('uq_assessor_interests_assessor_id'))
    )
    with op.batch_alter_table('assessor_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessor_interests_assessor_id'), ['assessor_id'], unique=False)

    op.create_table('assessment_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('awaiting_declaration', 'accepted', 'conflicted', name='assignmentstatus', native_enum=False, length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=True),
    sa.Column('conflict_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_assessment_assignments_application_id_applications')),
    sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_assessment_assignments_assessor_id_users')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_assessment_assignments_assigned_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_assignments')),
    sa.UniqueConstraint('application_id', 'assessor_id', name=op.f('uq_assessment_assignments_application_id'))
    )
    with op.batch_alter_table('assessment_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_assignments_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_assignments_assessor_id'), ['assessor_id'], unique=False)



def downgrade():
    with op.batch_alter_table('assessment_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_assignments_assessor_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_assignments_application_id'))

    op.drop_table('assessment_assignments')
    with op.batch_alter_table('assessor_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessor_interests_assessor_id'))

    op.drop_table('assessor_interests')
