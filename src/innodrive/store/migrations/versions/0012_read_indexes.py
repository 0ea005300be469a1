"""Indexes for the workbench's most-read pages

Revision ID: 0012_read_indexes
Revises: 0011_supervision
Create Date: 2026-12-01 11:00:00

Owned by innodrive.store (models: innodrive.store.schema). The 总览 asks which import
batches brought values of a region and its 区县 (observations by region, then batch);
the audit page reads the entries of one user, or of the accounts of a region, newest
first (audit_log by actor, then id). Both were full scans on a province-sized database.
"""

from __future__ import annotations

from alembic import op

import innodrive.store.schema  # noqa: F401  (registers the models on the shared Base)

revision = "0012_read_indexes"
down_revision = "0011_supervision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_observations_region_batch", "observations", ["region_code", "batch_id"])
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_actor_id", table_name="audit_log")
    op.drop_index("ix_observations_region_batch", table_name="observations")
