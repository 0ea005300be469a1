"""industry chains (产业链图谱): chains, nodes, enterprise links, platforms, targets

Revision ID: 0004_industry_chains
Revises: 0003_enterprise_directory
Create Date: 2026-12-01 09:00:00

Owned by innodrive.chains (models: innodrive.chains.db).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import innodrive.chains.db  # noqa: F401  (registers the models on the shared Base)

revision = "0004_industry_chains"
down_revision = "0003_enterprise_directory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_chains_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chains")),
        sa.UniqueConstraint("key", name=op.f("uq_chains_key")),
    )
    with op.batch_alter_table("chains", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chains_region_code"), ["region_code"], unique=False)
    op.create_table(
        "chain_nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("segment", sa.String(length=4), nullable=False),
        sa.Column("parent_code", sa.String(length=60), nullable=True),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["chain_id"], ["chains.id"], name=op.f("fk_chain_nodes_chain_id_chains"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_nodes")),
        sa.UniqueConstraint("chain_id", "code", name="uq_chain_nodes_chain_code"),
    )
    with op.batch_alter_table("chain_nodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chain_nodes_chain_id"), ["chain_id"], unique=False)
    op.create_table(
        "chain_enterprises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("node_code", sa.String(length=60), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("leader", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["chain_id"], ["chains.id"], name=op.f("fk_chain_enterprises_chain_id_chains"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["credit_code"], ["enterprises.credit_code"],
                                name=op.f("fk_chain_enterprises_credit_code_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_enterprises")),
        sa.UniqueConstraint("chain_id", "node_code", "credit_code", name="uq_chain_enterprises_link"),
    )
    with op.batch_alter_table("chain_enterprises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chain_enterprises_chain_id"), ["chain_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chain_enterprises_credit_code"), ["credit_code"], unique=False)
    op.create_table(
        "chain_platforms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("node_code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["chain_id"], ["chains.id"], name=op.f("fk_chain_platforms_chain_id_chains"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_platforms")),
    )
    with op.batch_alter_table("chain_platforms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chain_platforms_chain_id"), ["chain_id"], unique=False)
    op.create_table(
        "chain_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("node_code", sa.String(length=60), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("plan_target_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["chain_id"], ["chains.id"], name=op.f("fk_chain_targets_chain_id_chains"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_target_id"], ["targets.id"], name=op.f("fk_chain_targets_plan_target_id_targets"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_targets")),
    )
    with op.batch_alter_table("chain_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chain_targets_chain_id"), ["chain_id"], unique=False)


def downgrade() -> None:
    for table in ("chain_targets", "chain_platforms", "chain_enterprises", "chain_nodes", "chains"):
        op.drop_table(table)
