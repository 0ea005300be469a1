"""projects: 揭榜挂帅 and S&T project calls, applications, review, 公示, contracts, milestones, funds, outputs

Revision ID: 0009_projects
Revises: 0008_technology_market
Create Date: 2026-12-01 09:00:00

Owned by innodrive.projects (models: innodrive.projects.db).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import innodrive.projects.db  # noqa: F401  (registers the models on the shared Base)

revision = "0009_projects"
down_revision = "0008_technology_market"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("project_attachments",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("owner_kind", sa.String(length=12), nullable=False),
    sa.Column("owner_id", sa.Integer(), nullable=False),
    sa.Column("file_name", sa.Text(), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=40), nullable=False),
    sa.Column("blind_ok", sa.Boolean(), nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("added_by", sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_attachments"))
    )
    with op.batch_alter_table("project_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_attachments_owner_id"), ["owner_id"], unique=False)

    op.create_table("project_experts",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=60), nullable=False),
    sa.Column("affiliation", sa.String(length=200), nullable=False),
    sa.Column("affiliation_code", sa.String(length=18), nullable=True),
    sa.Column("title", sa.String(length=60), nullable=False),
    sa.Column("fields", sa.JSON(), nullable=False),
    sa.Column("posts", sa.JSON(), nullable=False),
    sa.Column("collaborations", sa.JSON(), nullable=False),
    sa.Column("max_load", sa.Integer(), nullable=True),
    sa.Column("username", sa.String(length=100), nullable=True),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_experts")),
    sa.UniqueConstraint("name", "affiliation", name=op.f("uq_project_experts_name")),
    sa.UniqueConstraint("username", name=op.f("uq_project_experts_username"))
    )
    op.create_table("project_calls",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=40), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("kind", sa.String(length=12), nullable=False),
    sa.Column("problem", sa.Text(), nullable=False),
    sa.Column("issuer", sa.String(length=200), nullable=False),
    sa.Column("region_code", sa.String(length=12), nullable=False),
    sa.Column("field", sa.String(length=60), nullable=False),
    sa.Column("quota", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
    sa.Column("max_awards", sa.Integer(), nullable=False),
    sa.Column("opens_on", sa.Date(), nullable=False),
    sa.Column("deadline", sa.Date(), nullable=False),
    sa.Column("plan_task_id", sa.Integer(), nullable=True),
    sa.Column("source", sa.Text(), nullable=True),
    sa.Column("spec", sa.JSON(), nullable=False),
    sa.Column("constructed", sa.Boolean(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["plan_task_id"], ["tasks.id"], name=op.f("fk_project_calls_plan_task_id_tasks"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_project_calls_region_code_regions")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_calls")),
    sa.UniqueConstraint("code", name=op.f("uq_project_calls_code"))
    )
    with op.batch_alter_table("project_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_calls_plan_task_id"), ["plan_task_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_calls_region_code"), ["region_code"], unique=False)

    op.create_table("project_applications",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("call_id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=40), nullable=False),
    sa.Column("blind_code", sa.String(length=20), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("summary", sa.Text(), nullable=False),
    sa.Column("received_on", sa.Date(), nullable=False),
    sa.Column("applicant_kind", sa.String(length=12), nullable=False),
    sa.Column("credit_code", sa.String(length=18), nullable=True),
    sa.Column("org_name", sa.Text(), nullable=False),
    sa.Column("region_code", sa.String(length=12), nullable=True),
    sa.Column("partners", sa.JSON(), nullable=False),
    sa.Column("members", sa.JSON(), nullable=False),
    sa.Column("budget", sa.JSON(), nullable=False),
    sa.Column("requested", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
    sa.Column("self_funding", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
    sa.Column("duration_months", sa.Integer(), nullable=False),
    sa.Column("milestones", sa.JSON(), nullable=False),
    sa.Column("credit_check", sa.JSON(), nullable=False),
    sa.Column("eligibility", sa.JSON(), nullable=False),
    sa.Column("eligibility_state", sa.String(length=16), nullable=False),
    sa.Column("withdrawn", sa.Boolean(), nullable=False),
    sa.Column("second_look", sa.JSON(), nullable=True),
    sa.Column("constructed", sa.Boolean(), nullable=False),
    sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("entered_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["call_id"], ["project_calls.id"], name=op.f("fk_project_applications_call_id_project_calls"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_project_applications_region_code_regions")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_applications")),
    sa.UniqueConstraint("blind_code", name=op.f("uq_project_applications_blind_code")),
    sa.UniqueConstraint("code", name=op.f("uq_project_applications_code"))
    )
    with op.batch_alter_table("project_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_applications_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_applications_credit_code"), ["credit_code"], unique=False)

    op.create_table("project_publicity",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("call_id", sa.Integer(), nullable=False),
    sa.Column("starts_on", sa.Date(), nullable=False),
    sa.Column("ends_on", sa.Date(), nullable=False),
    sa.Column("state", sa.String(length=8), nullable=False),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("opened_by", sa.String(length=100), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("closed_by", sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(["call_id"], ["project_calls.id"], name=op.f("fk_project_publicity_call_id_project_calls"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_publicity"))
    )
    with op.batch_alter_table("project_publicity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_publicity_call_id"), ["call_id"], unique=False)

    op.create_table("project_assignments",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("application_id", sa.Integer(), nullable=False),
    sa.Column("expert_id", sa.Integer(), nullable=False),
    sa.Column("state", sa.String(length=12), nullable=False),
    sa.Column("recusal_reason", sa.Text(), nullable=True),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("assigned_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["application_id"], ["project_applications.id"], name=op.f("fk_project_assignments_application_id_project_applications"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["expert_id"], ["project_experts.id"], name=op.f("fk_project_assignments_expert_id_project_experts")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_assignments")),
    sa.UniqueConstraint("application_id", "expert_id", name=op.f("uq_project_assignments_application_id"))
    )
    with op.batch_alter_table("project_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_assignments_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_assignments_expert_id"), ["expert_id"], unique=False)

    op.create_table("project_contracts",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("application_id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=60), nullable=False),
    sa.Column("signed_on", sa.Date(), nullable=False),
    sa.Column("starts_on", sa.Date(), nullable=False),
    sa.Column("ends_on", sa.Date(), nullable=False),
    sa.Column("amount", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
    sa.Column("state", sa.String(length=12), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["application_id"], ["project_applications.id"], name=op.f("fk_project_contracts_application_id_project_applications")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_contracts")),
    sa.UniqueConstraint("application_id", name=op.f("uq_project_contracts_application_id")),
    sa.UniqueConstraint("code", name=op.f("uq_project_contracts_code"))
    )
    op.create_table("project_objections",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("publicity_id", sa.Integer(), nullable=False),
    sa.Column("application_id", sa.Integer(), nullable=True),
    sa.Column("received_on", sa.Date(), nullable=False),
    sa.Column("submitter", sa.String(length=100), nullable=False),
    sa.Column("contact", sa.String(length=100), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("state", sa.String(length=10), nullable=False),
    sa.Column("response", sa.Text(), nullable=True),
    sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("handled_by", sa.String(length=100), nullable=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["application_id"], ["project_applications.id"], name=op.f("fk_project_objections_application_id_project_applications"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["publicity_id"], ["project_publicity.id"], name=op.f("fk_project_objections_publicity_id_project_publicity"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_objections"))
    )
    with op.batch_alter_table("project_objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_objections_publicity_id"), ["publicity_id"], unique=False)

    op.create_table("project_selections",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("call_id", sa.Integer(), nullable=False),
    sa.Column("application_id", sa.Integer(), nullable=False),
    sa.Column("amount", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("state", sa.String(length=12), nullable=False),
    sa.Column("publicity_id", sa.Integer(), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["application_id"], ["project_applications.id"], name=op.f("fk_project_selections_application_id_project_applications"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["call_id"], ["project_calls.id"], name=op.f("fk_project_selections_call_id_project_calls"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["publicity_id"], ["project_publicity.id"], name=op.f("fk_project_selections_publicity_id_project_publicity")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_selections")),
    sa.UniqueConstraint("application_id", name=op.f("uq_project_selections_application_id"))
    )
    with op.batch_alter_table("project_selections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_selections_call_id"), ["call_id"], unique=False)

    op.create_table("project_milestones",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("contract_id", sa.Integer(), nullable=False),
    sa.Column("ordinal", sa.Integer(), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("kind", sa.String(length=12), nullable=False),
    sa.Column("due_on", sa.Date(), nullable=False),
    sa.Column("deliverables", sa.JSON(), nullable=False),
    sa.Column("tranche", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
    sa.Column("accepted_on", sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(["contract_id"], ["project_contracts.id"], name=op.f("fk_project_milestones_contract_id_project_contracts"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_milestones"))
    )
    with op.batch_alter_table("project_milestones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_milestones_contract_id"), ["contract_id"], unique=False)

    op.create_table("project_outputs",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("contract_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=24), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("identifier", sa.String(length=100), nullable=True),
    sa.Column("obtained_on", sa.Date(), nullable=False),
    sa.Column("quantity", sa.Numeric(precision=12, scale=4, asdecimal=False), nullable=False),
    sa.Column("amount", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=True),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["contract_id"], ["project_contracts.id"], name=op.f("fk_project_outputs_contract_id_project_contracts"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_outputs"))
    )
    with op.batch_alter_table("project_outputs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_outputs_contract_id"), ["contract_id"], unique=False)

    op.create_table("project_scores",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("assignment_id", sa.Integer(), nullable=False),
    sa.Column("scores", sa.JSON(), nullable=False),
    sa.Column("total", sa.Numeric(precision=10, scale=4, asdecimal=False), nullable=False),
    sa.Column("comment", sa.Text(), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitted_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["assignment_id"], ["project_assignments.id"], name=op.f("fk_project_scores_assignment_id_project_assignments"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_scores")),
    sa.UniqueConstraint("assignment_id", name=op.f("uq_project_scores_assignment_id"))
    )
    op.create_table("project_checks",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("contract_id", sa.Integer(), nullable=False),
    sa.Column("milestone_id", sa.Integer(), nullable=False),
    sa.Column("held_on", sa.Date(), nullable=False),
    sa.Column("conclusion", sa.String(length=8), nullable=False),
    sa.Column("comments", sa.Text(), nullable=False),
    sa.Column("experts", sa.JSON(), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["contract_id"], ["project_contracts.id"], name=op.f("fk_project_checks_contract_id_project_contracts"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["milestone_id"], ["project_milestones.id"], name=op.f("fk_project_checks_milestone_id_project_milestones"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_checks"))
    )
    with op.batch_alter_table("project_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_checks_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_checks_milestone_id"), ["milestone_id"], unique=False)

    op.create_table("project_payments",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("contract_id", sa.Integer(), nullable=False),
    sa.Column("milestone_id", sa.Integer(), nullable=True),
    sa.Column("kind", sa.String(length=10), nullable=False),
    sa.Column("amount", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
    sa.Column("paid_on", sa.Date(), nullable=False),
    sa.Column("voucher", sa.String(length=100), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["contract_id"], ["project_contracts.id"], name=op.f("fk_project_payments_contract_id_project_contracts"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["milestone_id"], ["project_milestones.id"], name=op.f("fk_project_payments_milestone_id_project_milestones")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_project_payments"))
    )
    with op.batch_alter_table("project_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_payments_contract_id"), ["contract_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_payments_contract_id"))

    op.drop_table("project_payments")
    with op.batch_alter_table("project_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_checks_milestone_id"))
        batch_op.drop_index(batch_op.f("ix_project_checks_contract_id"))

    op.drop_table("project_checks")
    op.drop_table("project_scores")
    with op.batch_alter_table("project_outputs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_outputs_contract_id"))

    op.drop_table("project_outputs")
    with op.batch_alter_table("project_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_milestones_contract_id"))

    op.drop_table("project_milestones")
    with op.batch_alter_table("project_selections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_selections_call_id"))

    op.drop_table("project_selections")
    with op.batch_alter_table("project_objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_objections_publicity_id"))

    op.drop_table("project_objections")
    op.drop_table("project_contracts")
    with op.batch_alter_table("project_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_assignments_expert_id"))
        batch_op.drop_index(batch_op.f("ix_project_assignments_application_id"))

    op.drop_table("project_assignments")
    with op.batch_alter_table("project_publicity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_publicity_call_id"))

    op.drop_table("project_publicity")
    with op.batch_alter_table("project_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_applications_credit_code"))
        batch_op.drop_index(batch_op.f("ix_project_applications_call_id"))

    op.drop_table("project_applications")
    with op.batch_alter_table("project_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_calls_region_code"))
        batch_op.drop_index(batch_op.f("ix_project_calls_plan_task_id"))

    op.drop_table("project_calls")
    op.drop_table("project_experts")
    with op.batch_alter_table("project_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_attachments_owner_id"))

    op.drop_table("project_attachments")
