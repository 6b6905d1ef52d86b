"""Funds, rounds, themes, eligibility questions, criteria and the outcome indicator library

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:00:00

"""

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
