"""Panel meetings: members, attendance, the agenda with its pack, conflicts, and the append-only decisions log

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 09:18:54.961803

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER panel_decisions_no_update BEFORE UPDATE ON panel_decisions
       BEGIN SELECT RAISE(ABORT, 'panel_decisions is append-only'); END""",
    """CREATE TRIGGER panel_decisions_no_delete BEFORE DELETE ON panel_decisions
       BEGIN SELECT RAISE(ABORT, 'panel_decisions is append-only'); END""",
]
POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION panel_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'panel_decisions is append-only'; END $$""",
    """CREATE TRIGGER panel_decisions_no_change BEFORE UPDATE OR DELETE ON panel_decisions
       FOR EACH ROW EXECUTE FUNCTION panel_decisions_append_only()""",
    """CREATE TRIGGER panel_decisions_no_truncate BEFORE TRUNCATE ON panel_decisions
       FOR EACH STATEMENT EXECUTE FUNCTION panel_decisions_append_only()""",
]


def upgrade():
    op.create_table('panel_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'in_progress', 'minutes_confirmed', 'published', name='meetingstatus', native_enum=False, length=40), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=True),
    sa.Column('quorum', sa.Integer(), nullable=False),
    sa.Column('quorum_roles', sa.JSON(), nullable=False),
    sa.Column('delegates_allowed', sa.Boolean(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('minutes_confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('minutes_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('quorum >= 1', name=op.f('ck_panel_meetings_quorum_at_least_one')),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_panel_meetings_chair_id_users')),
    sa.ForeignKeyConstraint(['deputy_id'], ['users.id'], name=op.f('fk_panel_meetings_deputy_id_users')),
    sa.ForeignKeyConstraint(['minutes_confirmed_by_id'], ['users.id'], name=op.f('fk_panel_meetings_minutes_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_panel_meetings_round_id_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_meetings'))
    )
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_meetings_round_id'), ['round_id'], unique=False)

    op.create_table('panel_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('previous_status', sa.Enum('draft', 'submitted', 'eligible', 'ineligible', 'in_assessment', 'at_panel', 'approved', 'declined', 'deferred', 'withdrawn', name='applicationstatus', native_enum=False, length=40), nullable=False),
    sa.Column('pack', sa.JSON(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_panel_items_application_id_applications')),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meetings.id'], name=op.f('fk_panel_items_meeting_id_panel_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_items')),
    sa.UniqueConstraint('meeting_id', 'application_id', name=op.f('uq_panel_items_meeting_id'))
    )
    with op.batch_alter_table('panel_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_items_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('panel_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('elected_member', 'community', 'officer', 'partner', name='panelrole', native_enum=False, length=40), nullable=False),
    sa.Column('attendance', sa.Enum('not_recorded', 'present', 'apologies', 'delegate', name='attendance', native_enum=False, length=40), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['delegate_id'], ['users.id'], name=op.f('fk_panel_members_delegate_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meetings.id'], name=op.f('fk_panel_members_meeting_id_panel_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_members')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_panel_members_meeting_id'))
    )
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_members_delegate_id'), ['delegate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_members_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_members_user_id'), ['user_id'], unique=False)

    op.create_table('panel_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['panel_items.id'], name=op.f('fk_panel_conflicts_item_id_panel_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_panel_conflicts_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_conflicts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_conflicts')),
    sa.UniqueConstraint('item_id', 'user_id', name=op.f('uq_panel_conflicts_item_id'))
    )
    with op.batch_alter_table('panel_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_conflicts_item_id'), ['item_id'], unique=False)

    op.create_table('panel_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('approved', 'approved_with_conditions', 'approved_reduced', 'declined', 'deferred', name='outcome', native_enum=False, length=40), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('taking_part', sa.JSON(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(outcome IN ('approved', 'approved_with_conditions', 'approved_reduced') AND amount_pence > 0) OR (outcome IN ('declined', 'deferred') AND amount_pence IS NULL)", name=op.f('ck_panel_decisions_amount_only_for_approvals')),
    sa.CheckConstraint('(corrects_id IS NULL AND correction_reason IS NULL) OR (corrects_id IS NOT NULL AND correction_reason IS NOT NULL)', name=op.f('ck_panel_decisions_corrections_give_a_reason')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_panel_decisions_application_id_applications')),
    sa.ForeignKeyConstraint(['corrects_id'], ['panel_decisions.id'], name=op.f('fk_panel_decisions_corrects_id_panel_decisions')),
    sa.ForeignKeyConstraint(['item_id'], ['panel_items.id'], name=op.f('fk_panel_decisions_item_id_panel_items')),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meetings.id'], name=op.f('fk_panel_decisions_meeting_id_panel_meetings')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_panel_decisions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_panel_decisions_round_id_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_decisions')),
    sa.UniqueConstraint('corrects_id', name=op.f('uq_panel_decisions_corrects_id'))
    )
    with op.batch_alter_table('panel_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_decisions_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_decisions_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_decisions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_decisions_round_id'), ['round_id'], unique=False)

    triggers = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(op.get_bind().dialect.name, [])
    for statement in triggers:
        op.execute(statement)


def downgrade():
    with op.batch_alter_table('panel_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_decisions_round_id'))
        batch_op.drop_index(batch_op.f('ix_panel_decisions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_panel_decisions_item_id'))
        batch_op.drop_index(batch_op.f('ix_panel_decisions_application_id'))

    op.drop_table('panel_decisions')
    with op.batch_alter_table('panel_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_conflicts_item_id'))

    op.drop_table('panel_conflicts')
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_panel_members_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_panel_members_delegate_id'))

    op.drop_table('panel_members')
    with op.batch_alter_table('panel_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_items_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_panel_items_application_id'))

    op.drop_table('panel_items')
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_meetings_round_id'))

    op.drop_table('panel_meetings')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION panel_decisions_append_only()")
