"""Drop the index of observations by import batch alone

Revision ID: 0013_unused_batch_index
Revises: 0012_read_indexes
Create Date: 2026-12-01 17:40:00

Owned by innodrive.store (models: innodrive.store.schema). No query reads the
observations of a batch without their region (the 总览's "latest imports of a region"
uses ``ix_observations_region_batch``), and import batches are never deleted, so the
foreign key never looks its children up either. The index only cost time: a million-row
import maintained (or rebuilt) it for every row, about a tenth of the index work.
"""

from __future__ import annotations

from alembic import op

import innodrive.store.schema  # noqa: F401  (registers the models on the shared Base)

revision = "0013_unused_batch_index"
down_revision = "0012_read_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_observations_batch_id", table_name="observations")


def downgrade() -> None:
    op.create_index("ix_observations_batch_id", "observations", ["batch_id"], unique=False)
