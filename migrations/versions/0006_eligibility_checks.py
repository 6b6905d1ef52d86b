"""Eligibility checks of submitted applications, the questions officers ask groups, and an index for an
object's audit history

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 06:40:24.103379

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id"], unique=False)
    op.create_table('eligibility_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.Enum('eligible', 'ineligible', 'more_information', name='eligibilityresult', native_enum=False, length=40), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_eligibility_checks_application_id_applications')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_eligibility_checks_checked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_checks'))
    )
    with op.batch_alter_table('eligibility_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_checks_application_id'), ['application_id'], unique=False)

    op.create_table('information_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_information_requests_answered_by_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_information_requests_application_id_applications')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_information_requests_asked_by_id_users')),
    sa.ForeignKeyConstraint(['check_id'], ['eligibility_checks.id'], name=op.f('fk_information_requests_check_id_eligibility_checks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_information_requests'))
    )
    with op.batch_alter_table('information_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_information_requests_application_id'), ['application_id'], unique=False)



def downgrade():
    op.drop_index("ix_audit_events_object", table_name="audit_events")
    with op.batch_alter_table('information_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_information_requests_application_id'))

    op.drop_table('information_requests')
    with op.batch_alter_table('eligibility_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eligibility_checks_application_id'))

    op.drop_table('eligibility_checks')
