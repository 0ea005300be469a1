"""enterprise pipeline: dated 入库/培育/认定/瞪羚 steps per enterprise

Revision ID: 0002_enterprise_pipeline
Revises: 0001_initial
Create Date: 2026-11-22 07:00:00

Owned by innodrive.enterprises (model: innodrive.enterprises.db.PipelineRow).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The model lives with its domain package, not in innodrive.store.schema; importing it
# here registers it on the shared Base so that whoever loads the migrations (upgrade,
# autogenerate comparison) sees the same metadata as the migrated schema.
import innodrive.enterprises.db  # noqa: F401

revision = "0002_enterprise_pipeline"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enterprise_pipeline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"],
                                name=op.f("fk_enterprise_pipeline_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_pipeline")),
        sa.UniqueConstraint("credit_code", "stage", "date", name=op.f("uq_enterprise_pipeline_credit_code")),
    )
    with op.batch_alter_table("enterprise_pipeline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprise_pipeline_credit_code"), ["credit_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_pipeline_region_code"), ["region_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enterprise_pipeline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_pipeline_region_code"))
        batch_op.drop_index(batch_op.f("ix_enterprise_pipeline_credit_code"))
    op.drop_table("enterprise_pipeline")
