"""Grant agreements (standard terms, versions, monitoring periods, terminations) and payment instalments

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 18:36:52.655203

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "standard_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("summary_of_changes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_standard_terms_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_terms")),
        sa.UniqueConstraint("version", name=op.f("uq_standard_terms_version")),
    )
    op.create_table(
        "grant_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("terms_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "offered",
                "accepted",
                "withdrawn",
                "terminated",
                name="agreementstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("accept_by", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_grant_agreements_agreement_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_grant_agreements_application_id_applications")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_grant_agreements_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["panel_decisions.id"], name=op.f("fk_grant_agreements_decision_id_panel_decisions")
        ),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_grant_agreements_issued_by_id_users")),
        sa.ForeignKeyConstraint(
            ["terms_id"], ["standard_terms.id"], name=op.f("fk_grant_agreements_terms_id_standard_terms")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["users.id"], name=op.f("fk_grant_agreements_withdrawn_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_agreements")),
        sa.UniqueConstraint("application_id", name=op.f("uq_grant_agreements_application_id")),
    )
    with op.batch_alter_table("grant_agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_agreements_ends_on"), ["ends_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_grant_agreements_status"), ["status"], unique=False)

    op.create_table(
        "grant_agreement_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "offered",
                "accepted",
                "superseded",
                "withdrawn",
                name="versionstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("signatory_role", sa.String(length=200), nullable=False),
        sa.Column("special_conditions", sa.Text(), nullable=False),
        sa.Column("sustainability_commitments", sa.Text(), nullable=False),
        sa.Column("payments", sa.JSON(), nullable=False),
        sa.Column("monitoring", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("offered_at", sa.DateTime(), nullable=True),
        sa.Column("offered_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_name", sa.String(length=200), nullable=True),
        sa.Column("accepted_position", sa.String(length=200), nullable=True),
        sa.Column("accepted_ip", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_grant_agreement_versions_version_amount_positive")),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_grant_agreement_versions_version_period_in_order")),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["users.id"], name=op.f("fk_grant_agreement_versions_accepted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["grant_agreements.id"],
            name=op.f("fk_grant_agreement_versions_agreement_id_grant_agreements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_grant_agreement_versions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["offered_by_id"], ["users.id"], name=op.f("fk_grant_agreement_versions_offered_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_agreement_versions")),
        sa.UniqueConstraint("agreement_id", "number", name="uq_grant_agreement_versions_number"),
    )
    with op.batch_alter_table("grant_agreement_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_agreement_versions_agreement_id"), ["agreement_id"], unique=False)

    op.create_table(
        "grant_terminations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=False),
        sa.Column("amount_owed_pence", sa.BigInteger(), nullable=False),
        sa.Column("amount_repaid_pence", sa.BigInteger(), nullable=False),
        sa.Column(
            "repayment_status",
            sa.Enum(
                "none_due",
                "owed",
                "part_repaid",
                "repaid",
                "written_off",
                name="repaymentstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("repayment_note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("amount_owed_pence >= 0", name=op.f("ck_grant_terminations_owed_not_negative")),
        sa.CheckConstraint(
            "amount_repaid_pence >= 0 AND amount_repaid_pence <= amount_owed_pence",
            name=op.f("ck_grant_terminations_repaid_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["grant_agreements.id"], name=op.f("fk_grant_terminations_agreement_id_grant_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_grant_terminations_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_terminations")),
        sa.UniqueConstraint("agreement_id", name=op.f("uq_grant_terminations_agreement_id")),
    )
    op.create_table(
        "monitoring_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("return_accepted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_monitoring_periods_monitoring_period_in_order")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["grant_agreements.id"],
            name=op.f("fk_monitoring_periods_agreement_id_grant_agreements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_periods")),
        sa.UniqueConstraint("agreement_id", "number", name="uq_monitoring_periods_number"),
    )
    with op.batch_alter_table("monitoring_periods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_periods_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_periods_due_on"), ["due_on"], unique=False)

    op.create_table(
        "payment_instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column(
            "condition",
            sa.Enum("agreement_accepted", "return_accepted", name="releasecondition", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "due", "approved", "paid", "held", "cancelled", name="instalmentstatus", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_reference", sa.String(length=100), nullable=True),
        sa.Column("paid_recorded_at", sa.DateTime(), nullable=True),
        sa.Column("paid_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("held_at", sa.DateTime(), nullable=True),
        sa.Column("hold_reason", sa.Text(), nullable=True),
        sa.Column("held_automatically", sa.Boolean(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(condition = 'return_accepted' AND period_id IS NOT NULL) OR (condition = 'agreement_accepted' AND period_id IS NULL)",
            name=op.f("ck_payment_instalments_return_condition_names_a_period"),
        ),
        sa.CheckConstraint(
            "status != 'paid' OR (paid_on IS NOT NULL AND payment_reference IS NOT NULL)",
            name=op.f("ck_payment_instalments_paid_has_date_and_reference"),
        ),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_payment_instalments_instalment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["grant_agreements.id"], name=op.f("fk_payment_instalments_agreement_id_grant_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_payment_instalments_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["paid_recorded_by_id"], ["users.id"], name=op.f("fk_payment_instalments_paid_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["monitoring_periods.id"], name=op.f("fk_payment_instalments_period_id_monitoring_periods")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_instalments")),
        sa.UniqueConstraint("agreement_id", "number", name="uq_payment_instalments_number"),
    )
    with op.batch_alter_table("payment_instalments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_instalments_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_instalments_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_instalments_paid_on"), ["paid_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_instalments_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("payment_instalments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_instalments_status"))
        batch_op.drop_index(batch_op.f("ix_payment_instalments_paid_on"))
        batch_op.drop_index(batch_op.f("ix_payment_instalments_due_on"))
        batch_op.drop_index(batch_op.f("ix_payment_instalments_agreement_id"))

    op.drop_table("payment_instalments")
    with op.batch_alter_table("monitoring_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_periods_due_on"))
        batch_op.drop_index(batch_op.f("ix_monitoring_periods_agreement_id"))

    op.drop_table("monitoring_periods")
    op.drop_table("grant_terminations")
    with op.batch_alter_table("grant_agreement_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_agreement_versions_agreement_id"))

    op.drop_table("grant_agreement_versions")
    with op.batch_alter_table("grant_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_agreements_status"))
        batch_op.drop_index(batch_op.f("ix_grant_agreements_ends_on"))

    op.drop_table("grant_agreements")
    op.drop_table("standard_terms")
