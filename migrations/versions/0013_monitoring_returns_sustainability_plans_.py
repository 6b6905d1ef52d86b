"""Monitoring returns (answers, submitted versions, evidence, reminders), sustainability plans and grant closures

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 22:04:27.326123

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "grant_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("achievements", sa.JSON(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column(
            "continues",
            sa.Enum("yes", "partly", "no", name="continuation", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("continuation_note", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["grant_agreements.id"], name=op.f("fk_grant_closures_agreement_id_grant_agreements")
        ),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"], name=op.f("fk_grant_closures_closed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_closures")),
        sa.UniqueConstraint("agreement_id", name=op.f("uq_grant_closures_agreement_id")),
    )
    op.create_table(
        "sustainability_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("continuation", sa.Text(), nullable=False),
        sa.Column("fallback", sa.Text(), nullable=False),
        sa.Column("commitments", sa.Text(), nullable=False),
        sa.Column("rag", sa.Enum("red", "amber", "green", name="rag", native_enum=False, length=40), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["grant_agreements.id"],
            name=op.f("fk_sustainability_plans_agreement_id_grant_agreements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sustainability_plans")),
        sa.UniqueConstraint("agreement_id", name=op.f("uq_sustainability_plans_agreement_id")),
    )
    with op.batch_alter_table("sustainability_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sustainability_plans_rag"), ["rag"], unique=False)

    op.create_table(
        "monitoring_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("due_soon", "overdue", name="reminderkind", native_enum=False, length=40), nullable=False
        ),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["monitoring_periods.id"],
            name=op.f("fk_monitoring_reminders_period_id_monitoring_periods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_reminders")),
        sa.UniqueConstraint("period_id", "kind", name="uq_monitoring_reminders_period_kind"),
    )
    with op.batch_alter_table("monitoring_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_reminders_period_id"), ["period_id"], unique=False)

    op.create_table(
        "monitoring_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "in_progress",
                "submitted",
                "changes_requested",
                "accepted",
                name="returnstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("story_title", sa.String(length=200), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("story_consent", sa.Boolean(), nullable=False),
        sa.Column("story_consent_note", sa.String(length=500), nullable=False),
        sa.Column("risks", sa.Text(), nullable=False),
        sa.Column("sustainability_progress", sa.Text(), nullable=False),
        sa.Column("completed_sections", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["users.id"], name=op.f("fk_monitoring_returns_accepted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["grant_agreements.id"], name=op.f("fk_monitoring_returns_agreement_id_grant_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["monitoring_periods.id"], name=op.f("fk_monitoring_returns_period_id_monitoring_periods")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_monitoring_returns_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_returns")),
        sa.UniqueConstraint("period_id", name=op.f("uq_monitoring_returns_period_id")),
    )
    with op.batch_alter_table("monitoring_returns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_returns_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_returns_status"), ["status"], unique=False)

    op.create_table(
        "sustainability_income",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("secured", "pending", "hoped", name="fundingstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("expected_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("amount_pence >= 0", name=op.f("ck_sustainability_income_income_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["sustainability_plans.id"],
            name=op.f("fk_sustainability_income_plan_id_sustainability_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sustainability_income")),
    )
    with op.batch_alter_table("sustainability_income", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sustainability_income_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "sustainability_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("rag", sa.Enum("red", "amber", "green", name="rag", native_enum=False, length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_sustainability_reviews_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["sustainability_plans.id"],
            name=op.f("fk_sustainability_reviews_plan_id_sustainability_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sustainability_reviews")),
    )
    with op.batch_alter_table("sustainability_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sustainability_reviews_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "monitoring_return_beneficiaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("community", sa.String(length=40), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "people >= 0", name=op.f("ck_monitoring_return_beneficiaries_return_beneficiaries_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["monitoring_returns.id"],
            name=op.f("fk_monitoring_return_beneficiaries_return_id_monitoring_returns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_monitoring_return_beneficiaries_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_return_beneficiaries")),
    )
    with op.batch_alter_table("monitoring_return_beneficiaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_return_beneficiaries_return_id"), ["return_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_return_beneficiaries_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "monitoring_return_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "scan_status",
            sa.Enum("clean", "not_scanned", name="scanstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["monitoring_returns.id"],
            name=op.f("fk_monitoring_return_evidence_return_id_monitoring_returns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_monitoring_return_evidence_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_return_evidence")),
        sa.UniqueConstraint("stored_name", name="uq_monitoring_return_evidence_stored_name"),
    )
    with op.batch_alter_table("monitoring_return_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_return_evidence_return_id"), ["return_id"], unique=False)

    op.create_table(
        "monitoring_return_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("actual", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "actual IS NULL OR actual >= 0",
            name=op.f("ck_monitoring_return_outcomes_return_outcome_actual_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicators.id"], name=op.f("fk_monitoring_return_outcomes_indicator_id_indicators")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["monitoring_returns.id"],
            name=op.f("fk_monitoring_return_outcomes_return_id_monitoring_returns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_return_outcomes")),
        sa.UniqueConstraint("return_id", "indicator_id", name="uq_monitoring_return_outcomes_indicator"),
    )
    with op.batch_alter_table("monitoring_return_outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_return_outcomes_indicator_id"), ["indicator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_return_outcomes_return_id"), ["return_id"], unique=False)

    op.create_table(
        "monitoring_return_spend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "staff",
                "volunteer_expenses",
                "venue",
                "equipment",
                "materials",
                "publicity",
                "other",
                name="budgetcategory",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("budget_pence", sa.BigInteger(), nullable=False),
        sa.Column("spent_pence", sa.BigInteger(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "budget_pence >= 0", name=op.f("ck_monitoring_return_spend_return_spend_budget_not_negative")
        ),
        sa.CheckConstraint(
            "spent_pence IS NULL OR spent_pence >= 0", name=op.f("ck_monitoring_return_spend_return_spend_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["monitoring_returns.id"],
            name=op.f("fk_monitoring_return_spend_return_id_monitoring_returns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_return_spend")),
    )
    with op.batch_alter_table("monitoring_return_spend", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_return_spend_return_id"), ["return_id"], unique=False)

    op.create_table(
        "monitoring_return_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum("accepted", "changes_requested", name="reviewoutcome", native_enum=False, length=40),
            nullable=True,
        ),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["monitoring_returns.id"],
            name=op.f("fk_monitoring_return_submissions_return_id_monitoring_returns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_monitoring_return_submissions_reviewed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_monitoring_return_submissions_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_return_submissions")),
        sa.UniqueConstraint("return_id", "number", name="uq_monitoring_return_submissions_number"),
    )
    with op.batch_alter_table("monitoring_return_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_return_submissions_return_id"), ["return_id"], unique=False)


def downgrade():
    with op.batch_alter_table("monitoring_return_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_return_submissions_return_id"))

    op.drop_table("monitoring_return_submissions")
    with op.batch_alter_table("monitoring_return_spend", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_return_spend_return_id"))

    op.drop_table("monitoring_return_spend")
    with op.batch_alter_table("monitoring_return_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_return_outcomes_return_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_return_outcomes_indicator_id"))

    op.drop_table("monitoring_return_outcomes")
    with op.batch_alter_table("monitoring_return_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_return_evidence_return_id"))

    op.drop_table("monitoring_return_evidence")
    with op.batch_alter_table("monitoring_return_beneficiaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_return_beneficiaries_ward_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_return_beneficiaries_return_id"))

    op.drop_table("monitoring_return_beneficiaries")
    with op.batch_alter_table("sustainability_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sustainability_reviews_plan_id"))

    op.drop_table("sustainability_reviews")
    with op.batch_alter_table("sustainability_income", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sustainability_income_plan_id"))

    op.drop_table("sustainability_income")
    with op.batch_alter_table("monitoring_returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_returns_status"))
        batch_op.drop_index(batch_op.f("ix_monitoring_returns_agreement_id"))

    op.drop_table("monitoring_returns")
    with op.batch_alter_table("monitoring_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_reminders_period_id"))

    op.drop_table("monitoring_reminders")
    with op.batch_alter_table("sustainability_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sustainability_plans_rag"))

    op.drop_table("sustainability_plans")
    op.drop_table("grant_closures")
