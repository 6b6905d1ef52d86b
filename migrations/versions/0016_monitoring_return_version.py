"""A monitoring return's version, so a save from a page opened before someone else's change is refused

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 08:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("monitoring_returns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("monitoring_returns", schema=None) as batch_op:
        batch_op.drop_column("version")
