"""status board snapshots: the last printed board per inputs, for the ``status`` fast path

Revision ID: 0014_status_snapshots
Revises: 0013_unused_batch_index
Create Date: 2026-12-01 17:40:00

Owned by innodrive.store (model: innodrive.store.schema.StatusSnapshotRow). A derived
cache: dropping it loses nothing but the next command's speed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import innodrive.store.schema  # noqa: F401  (registers the models on the shared Base)

revision = "0014_status_snapshots"
down_revision = "0013_unused_batch_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_snapshots",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("status_snapshots")
