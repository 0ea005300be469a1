"""living plan: removable plans, assigned task units, evidence in the blob store,
a tamper-evident audit log, second sources of an observation

Revision ID: 0005_living_plan
Revises: 0004_industry_chains
Create Date: 2026-12-01 09:00:00

Owned by innodrive.plans / innodrive.store (models in innodrive.store.schema).
- plans.removed_at/removed_by/removed_reason: ``plan remove`` keeps the history.
- plan_versions.text: the decoded text the spans point into (locations, highlighting).
- tasks.units_set_by/units_set_at: lead and co-units a person assigned survive a new version.
- report_evidence.stored_path (an absolute local path) → blob_key (the SHA-256 in the
  blob store); existing rows take their SHA-256 as key (the old folder was content-addressed
  under the same hash).
- audit_log.prev_hash/entry_hash: the chain is built over the existing entries.
- observation_sources: a further source of an unchanged value.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_living_plan"
down_revision = "0004_industry_chains"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as b:
        b.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        b.add_column(sa.Column("removed_by", sa.String(length=100), nullable=True))
        b.add_column(sa.Column("removed_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("plan_versions") as b:
        b.add_column(sa.Column("text", sa.Text(), nullable=True))
    with op.batch_alter_table("tasks") as b:
        b.add_column(sa.Column("units_set_by", sa.String(length=100), nullable=True))
        b.add_column(sa.Column("units_set_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("report_evidence") as b:
        b.add_column(sa.Column("blob_key", sa.String(length=64), nullable=True))
    op.execute("UPDATE report_evidence SET blob_key = sha256")
    with op.batch_alter_table("report_evidence") as b:
        b.alter_column("blob_key", existing_type=sa.String(length=64), nullable=False)
        b.drop_column("stored_path")
    with op.batch_alter_table("audit_log") as b:
        b.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        b.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    _chain_existing_entries()
    op.create_table(
        "observation_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("observation_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["observation_id"], ["observations.id"], ondelete="CASCADE",
                                name=op.f("fk_observation_sources_observation_id_observations")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"],
                                name=op.f("fk_observation_sources_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation_sources")),
        sa.UniqueConstraint("observation_id", "source", name="uq_observation_sources_observation_source"),
    )
    op.create_index(op.f("ix_observation_sources_observation_id"), "observation_sources", ["observation_id"])


def _chain_existing_entries() -> None:
    from innodrive.store.audit import GENESIS, digest

    bind = op.get_bind()
    log = sa.table("audit_log", sa.column("id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
                   sa.column("actor", sa.String), sa.column("action", sa.String), sa.column("entity", sa.String),
                   sa.column("entity_id", sa.String), sa.column("summary", sa.Text), sa.column("before", sa.JSON),
                   sa.column("after", sa.JSON), sa.column("prev_hash", sa.String), sa.column("entry_hash", sa.String))
    prev = GENESIS
    updates = []
    for r in bind.execute(sa.select(log).order_by(log.c.id)):
        h = digest(prev, id=r.id, at=r.at, actor=r.actor, action=r.action, entity=r.entity, entity_id=r.entity_id,
                   summary=r.summary, before=r.before, after=r.after)
        updates.append({"rid": r.id, "p": prev, "h": h})
        prev = h
    if updates:
        bind.execute(sa.update(log).where(log.c.id == sa.bindparam("rid"))
                     .values(prev_hash=sa.bindparam("p"), entry_hash=sa.bindparam("h")), updates)


def downgrade() -> None:
    op.drop_index(op.f("ix_observation_sources_observation_id"), table_name="observation_sources")
    op.drop_table("observation_sources")
    with op.batch_alter_table("audit_log") as b:
        b.drop_column("entry_hash")
        b.drop_column("prev_hash")
    with op.batch_alter_table("report_evidence") as b:
        b.add_column(sa.Column("stored_path", sa.Text(), nullable=True))
    op.execute("UPDATE report_evidence SET stored_path = blob_key")
    with op.batch_alter_table("report_evidence") as b:
        b.alter_column("stored_path", existing_type=sa.Text(), nullable=False)
        b.drop_column("blob_key")
    with op.batch_alter_table("tasks") as b:
        b.drop_column("units_set_at")
        b.drop_column("units_set_by")
    with op.batch_alter_table("plan_versions") as b:
        b.drop_column("text")
    with op.batch_alter_table("plans") as b:
        b.drop_column("removed_reason")
        b.drop_column("removed_by")
        b.drop_column("removed_at")
