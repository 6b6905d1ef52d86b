"""Organisations, their members, invitations and documents; the council's wards

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:00:00

"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
