"""kaohe: the annual 考核 — frameworks per unit type and year, cycles, imported figures,
加分/扣分 items, scoring runs, 申诉

Revision ID: 0010_kaohe
Revises: 0009_projects
Create Date: 2026-12-01 09:00:00

Owned by innodrive.kaohe (models: innodrive.kaohe.db).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import innodrive.kaohe.db  # noqa: F401  (registers the models on the shared Base)

revision = "0010_kaohe"
down_revision = "0009_projects"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("kaohe_cycles",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("region_code", sa.String(length=12), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("file_name", sa.Text(), nullable=False),
    sa.Column("scheme_text", sa.Text(), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("stage", sa.String(length=12), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(length=100), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_kaohe_cycles_region_code_regions")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_kaohe_cycles")),
    sa.UniqueConstraint("region_code", "year", name="uq_kaohe_cycles_region_year")
    )
    op.create_index(op.f("ix_kaohe_cycles_region_code"), "kaohe_cycles", ["region_code"], unique=False)
    op.create_table("kaohe_frameworks",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("region_code", sa.String(length=12), nullable=False),
    sa.Column("unit_type", sa.String(length=40), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("revision", sa.Integer(), nullable=False),
    sa.Column("framework_id", sa.String(length=100), nullable=False),
    sa.Column("version", sa.String(length=40), nullable=False),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("file_name", sa.Text(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("added_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_kaohe_frameworks_region_code_regions")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_kaohe_frameworks")),
    sa.UniqueConstraint("region_code", "unit_type", "year", "revision", name="uq_kaohe_frameworks_key_revision")
    )
    op.create_index(op.f("ix_kaohe_frameworks_region_code"), "kaohe_frameworks", ["region_code"], unique=False)
    op.create_table("kaohe_items",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("cycle_id", sa.Integer(), nullable=False),
    sa.Column("unit", sa.String(length=100), nullable=False),
    sa.Column("code", sa.String(length=80), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("evidence", sa.Text(), nullable=False),
    sa.Column("files", sa.JSON(), nullable=False),
    sa.Column("occurred_on", sa.Date(), nullable=True),
    sa.Column("source", sa.Text(), nullable=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(length=100), nullable=False),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("withdrawn_by", sa.String(length=100), nullable=True),
    sa.Column("withdrawn_reason", sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(["cycle_id"], ["kaohe_cycles.id"], name=op.f("fk_kaohe_items_cycle_id_kaohe_cycles"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_kaohe_items"))
    )
    op.create_index(op.f("ix_kaohe_items_cycle_id"), "kaohe_items", ["cycle_id"], unique=False)
    op.create_index(op.f("ix_kaohe_items_unit"), "kaohe_items", ["unit"], unique=False)
    op.create_table("kaohe_runs",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("cycle_id", sa.Integer(), nullable=False),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("stage", sa.String(length=12), nullable=False),
    sa.Column("as_of", sa.Date(), nullable=False),
    sa.Column("result", sa.JSON(), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["cycle_id"], ["kaohe_cycles.id"], name=op.f("fk_kaohe_runs_cycle_id_kaohe_cycles"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_kaohe_runs")),
    sa.UniqueConstraint("cycle_id", "number", name="uq_kaohe_runs_cycle_number")
    )
    op.create_index(op.f("ix_kaohe_runs_cycle_id"), "kaohe_runs", ["cycle_id"], unique=False)
    op.create_table("kaohe_values",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("cycle_id", sa.Integer(), nullable=False),
    sa.Column("unit", sa.String(length=100), nullable=False),
    sa.Column("indicator_code", sa.String(length=80), nullable=False),
    sa.Column("kind", sa.String(length=8), nullable=False),
    sa.Column("value", sa.Float(), nullable=False),
    sa.Column("unit_label", sa.String(length=40), nullable=True),
    sa.Column("source", sa.Text(), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("file_name", sa.Text(), nullable=True),
    sa.Column("row", sa.Integer(), nullable=True),
    sa.Column("current", sa.Boolean(), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(["cycle_id"], ["kaohe_cycles.id"], name=op.f("fk_kaohe_values_cycle_id_kaohe_cycles"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_kaohe_values"))
    )
    op.create_index(op.f("ix_kaohe_values_cycle_id"), "kaohe_values", ["cycle_id"], unique=False)
    op.create_index("ix_kaohe_values_key", "kaohe_values", ["cycle_id", "unit", "indicator_code", "kind"], unique=False)
    op.create_table("kaohe_appeals",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("cycle_id", sa.Integer(), nullable=False),
    sa.Column("run_id", sa.Integer(), nullable=False),
    sa.Column("unit", sa.String(length=100), nullable=False),
    sa.Column("subject", sa.String(length=120), nullable=False),
    sa.Column("claim", sa.Text(), nullable=False),
    sa.Column("requested", sa.JSON(), nullable=False),
    sa.Column("files", sa.JSON(), nullable=False),
    sa.Column("filed_on", sa.Date(), nullable=False),
    sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("filed_by", sa.String(length=100), nullable=False),
    sa.Column("state", sa.String(length=10), nullable=False),
    sa.Column("decision", sa.Text(), nullable=True),
    sa.Column("correction", sa.JSON(), nullable=True),
    sa.Column("effect", sa.JSON(), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decided_by", sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(["cycle_id"], ["kaohe_cycles.id"], name=op.f("fk_kaohe_appeals_cycle_id_kaohe_cycles"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["run_id"], ["kaohe_runs.id"], name=op.f("fk_kaohe_appeals_run_id_kaohe_runs")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_kaohe_appeals"))
    )
    op.create_index(op.f("ix_kaohe_appeals_cycle_id"), "kaohe_appeals", ["cycle_id"], unique=False)
    op.create_index(op.f("ix_kaohe_appeals_state"), "kaohe_appeals", ["state"], unique=False)
    op.create_index(op.f("ix_kaohe_appeals_unit"), "kaohe_appeals", ["unit"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kaohe_appeals_unit"), table_name="kaohe_appeals")
    op.drop_index(op.f("ix_kaohe_appeals_state"), table_name="kaohe_appeals")
    op.drop_index(op.f("ix_kaohe_appeals_cycle_id"), table_name="kaohe_appeals")
    op.drop_table("kaohe_appeals")
    op.drop_index("ix_kaohe_values_key", table_name="kaohe_values")
    op.drop_index(op.f("ix_kaohe_values_cycle_id"), table_name="kaohe_values")
    op.drop_table("kaohe_values")
    op.drop_index(op.f("ix_kaohe_runs_cycle_id"), table_name="kaohe_runs")
    op.drop_table("kaohe_runs")
    op.drop_index(op.f("ix_kaohe_items_unit"), table_name="kaohe_items")
    op.drop_index(op.f("ix_kaohe_items_cycle_id"), table_name="kaohe_items")
    op.drop_table("kaohe_items")
    op.drop_index(op.f("ix_kaohe_frameworks_region_code"), table_name="kaohe_frameworks")
    op.drop_table("kaohe_frameworks")
    op.drop_index(op.f("ix_kaohe_cycles_region_code"), table_name="kaohe_cycles")
    op.drop_table("kaohe_cycles")
