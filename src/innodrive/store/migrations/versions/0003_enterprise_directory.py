"""enterprise directory: one row per 统一社会信用代码, shared by every domain that names firms

Revision ID: 0003_enterprise_directory
Revises: 0002_enterprise_pipeline
Create Date: 2026-12-01 08:00:00

Owned by innodrive.enterprises (model: innodrive.enterprises.directory.EnterpriseRow).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import innodrive.enterprises.directory  # noqa: F401  (registers the model on the shared Base)

revision = "0003_enterprise_directory"
down_revision = "0002_enterprise_pipeline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enterprises",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("industry", sa.Text(), nullable=True),
        sa.Column("size_class", sa.String(length=8), nullable=True),
        sa.Column("established", sa.Date(), nullable=True),
        sa.Column("verdicts", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_enterprises_region_code_regions")),
        sa.PrimaryKeyConstraint("credit_code", name=op.f("pk_enterprises")),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprises_region_code"), ["region_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprises_region_code"))
    op.drop_table("enterprises")
