"""Personal data removed past retention: when, on applications, groups and accounts; a purged application's
snapshot may be rewritten (anonymised), and only then

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 04:23:28.540355

"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

FROZEN = "application_snapshots cannot be changed"
# A snapshot stays frozen, except that the data protection purge may rewrite it once the application's personal
# data has been removed (the application row is marked first, in the same transaction). Deleting stays refused.
# On SQLite the trigger reads `applications`, so a later batch migration that rebuilds that table (copy, drop,
# rename) must drop this trigger first and create it again afterwards, or the rename fails.
SQLITE_ANONYMISABLE = [
    "DROP TRIGGER application_snapshots_no_update",
    f"""CREATE TRIGGER application_snapshots_no_update BEFORE UPDATE ON application_snapshots
       WHEN NEW.application_id IS NOT OLD.application_id
         OR (SELECT personal_data_removed_at FROM applications WHERE id = OLD.application_id) IS NULL
       BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END""",
]
SQLITE_FROZEN = [
    "DROP TRIGGER application_snapshots_no_update",
    f"""CREATE TRIGGER application_snapshots_no_update BEFORE UPDATE ON application_snapshots
       BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END""",
]
POSTGRESQL_ANONYMISABLE = [
    f"""CREATE OR REPLACE FUNCTION application_snapshots_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND NEW.application_id = OLD.application_id AND EXISTS (
           SELECT 1 FROM applications WHERE id = OLD.application_id AND personal_data_removed_at IS NOT NULL
         ) THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION '{FROZEN}';
       END $$""",
]
POSTGRESQL_FROZEN = [
    f"""CREATE OR REPLACE FUNCTION application_snapshots_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '{FROZEN}'; END $$""",
]


def _run(statements):
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_data_removed_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_data_removed_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_data_removed_at", sa.DateTime(), nullable=True))

    _run({"sqlite": SQLITE_ANONYMISABLE, "postgresql": POSTGRESQL_ANONYMISABLE})


def downgrade():
    _run({"sqlite": SQLITE_FROZEN, "postgresql": POSTGRESQL_FROZEN})
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("personal_data_removed_at")

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("personal_data_removed_at")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("personal_data_removed_at")
