"""Signposting: the directory of other funders and their programmes, and signposts with their suggestions and outcomes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 15:21:22.184786

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "funders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funders")),
        sa.UniqueConstraint("name", name=op.f("uq_funders_name")),
    )
    op.create_table(
        "funder_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("funder_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("min_award_pence", sa.BigInteger(), nullable=True),
        sa.Column("max_award_pence", sa.BigInteger(), nullable=True),
        sa.Column("min_income_pence", sa.BigInteger(), nullable=True),
        sa.Column("max_income_pence", sa.BigInteger(), nullable=True),
        sa.Column("legal_forms", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column(
            "reach",
            sa.Enum("national", "regional", "local", name="reach", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "rolling", "round_based", "closed", name="programmestatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("next_deadline", sa.Date(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("last_verified_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "min_award_pence IS NULL OR max_award_pence IS NULL OR min_award_pence <= max_award_pence",
            name=op.f("ck_funder_programmes_award_range_in_order"),
        ),
        sa.CheckConstraint(
            "min_income_pence IS NULL OR max_income_pence IS NULL OR min_income_pence <= max_income_pence",
            name=op.f("ck_funder_programmes_income_range_in_order"),
        ),
        sa.ForeignKeyConstraint(
            ["funder_id"], ["funders.id"], name=op.f("fk_funder_programmes_funder_id_funders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funder_programmes")),
        sa.UniqueConstraint("funder_id", "name", name="uq_funder_programmes_funder_name"),
    )
    with op.batch_alter_table("funder_programmes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funder_programmes_funder_id"), ["funder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_funder_programmes_status"), ["status"], unique=False)

    op.create_table(
        "funder_programme_wards",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["funder_programmes.id"],
            name=op.f("fk_funder_programme_wards_programme_id_funder_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["ward_id"], ["wards.id"], name=op.f("fk_funder_programme_wards_ward_id_wards")),
        sa.PrimaryKeyConstraint("programme_id", "ward_id", name=op.f("pk_funder_programme_wards")),
    )
    op.create_table(
        "signposts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column(
            "status", sa.Enum("draft", "sent", name="signpoststatus", native_enum=False, length=40), nullable=False
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_due_on", sa.Date(), nullable=True),
        sa.Column("follow_up_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_signposts_application_id_applications")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_signposts_created_by_id_users")),
        sa.ForeignKeyConstraint(["sent_by_id"], ["users.id"], name=op.f("fk_signposts_sent_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signposts")),
        sa.UniqueConstraint("application_id", name=op.f("uq_signposts_application_id")),
    )
    with op.batch_alter_table("signposts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signposts_follow_up_due_on"), ["follow_up_due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_signposts_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "signpost_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signpost_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_by_officer", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "applied", "funded", "unsuccessful", "not_pursued", name="signpostoutcome", native_enum=False, length=40
            ),
            nullable=True,
        ),
        sa.Column("amount_raised_pence", sa.BigInteger(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("outcome_recorded_at", sa.DateTime(), nullable=True),
        sa.Column("outcome_recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "amount_raised_pence IS NULL OR amount_raised_pence >= 0",
            name=op.f("ck_signpost_suggestions_amount_raised_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["outcome_recorded_by_id"], ["users.id"], name=op.f("fk_signpost_suggestions_outcome_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["funder_programmes.id"],
            name=op.f("fk_signpost_suggestions_programme_id_funder_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["signpost_id"],
            ["signposts.id"],
            name=op.f("fk_signpost_suggestions_signpost_id_signposts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signpost_suggestions")),
        sa.UniqueConstraint("signpost_id", "programme_id", name="uq_signpost_suggestions_programme"),
    )
    with op.batch_alter_table("signpost_suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signpost_suggestions_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signpost_suggestions_signpost_id"), ["signpost_id"], unique=False)


def downgrade():
    with op.batch_alter_table("signpost_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signpost_suggestions_signpost_id"))
        batch_op.drop_index(batch_op.f("ix_signpost_suggestions_programme_id"))

    op.drop_table("signpost_suggestions")
    with op.batch_alter_table("signposts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signposts_sent_at"))
        batch_op.drop_index(batch_op.f("ix_signposts_follow_up_due_on"))

    op.drop_table("signposts")
    op.drop_table("funder_programme_wards")
    with op.batch_alter_table("funder_programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funder_programmes_status"))
        batch_op.drop_index(batch_op.f("ix_funder_programmes_funder_id"))

    op.drop_table("funder_programmes")
    op.drop_table("funders")
