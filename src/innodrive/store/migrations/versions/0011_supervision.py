"""督查督办, 专项督查, 第三方评估 and sealed publication snapshots

Revision ID: 0011_supervision
Revises: 0010_kaohe
Create Date: 2026-12-01 09:00:00

Owned by innodrive.supervision (models: innodrive.supervision.db), innodrive.evaluation
(innodrive.evaluation.db) and innodrive.publication (innodrive.publication.db).

The published summaries of 0005 move into ``publication_snapshots``: each becomes a
``public`` snapshot whose content is the canonical text of what was published, sealed
with its SHA-256; the old table is dropped. Coming down moves them back.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

import innodrive.evaluation.db  # noqa: F401  (registers the models on the shared Base)
import innodrive.publication.db  # noqa: F401
import innodrive.supervision.db  # noqa: F401

revision = "0011_supervision"
down_revision = "0010_kaohe"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _region_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f(f"fk_{table}_region_code_regions"))


def upgrade() -> None:
    op.create_table(
        "supervision_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("source_kind", sa.String(length=10), nullable=False),
        sa.Column("source_key", sa.String(length=400), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("light", sa.String(length=10), nullable=True),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("addressee_kind", sa.String(length=10), nullable=False),
        sa.Column("required_response", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=True),
        sa.Column("rules_version", sa.String(length=200), nullable=False),
        sa.Column("board_as_of", sa.Date(), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("raised_at", TZ, nullable=False),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        _region_fk("supervision_notices"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_notices")),
        sa.UniqueConstraint("year", "seq", name=op.f("uq_supervision_notices_year")),
    )
    for column in ("region_code", "source_key", "task_id", "unit", "state"):
        op.create_index(op.f(f"ix_supervision_notices_{column}"), "supervision_notices", [column], unique=False)

    op.create_table(
        "inspection_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("seed", sa.String(length=40), nullable=True),
        sa.Column("frame_size", sa.Integer(), nullable=False),
        sa.Column("frame_sha256", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _region_fk("inspection_campaigns"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_campaigns")),
    )
    op.create_index(op.f("ix_inspection_campaigns_region_code"), "inspection_campaigns", ["region_code"],
                    unique=False)

    op.create_table(
        "inspection_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("stratum", sa.Text(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.Column("inspected_by", sa.String(length=100), nullable=True),
        sa.Column("inspected_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["inspection_campaigns.id"],
                                name=op.f("fk_inspection_items_campaign_id_inspection_campaigns"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_items")),
        sa.UniqueConstraint("campaign_id", "task_id", name=op.f("uq_inspection_items_campaign_id")),
    )
    op.create_index(op.f("ix_inspection_items_campaign_id"), "inspection_items", ["campaign_id"], unique=False)

    op.create_table(
        "rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["inspection_items.id"],
                                name=op.f("fk_rectifications_item_id_inspection_items"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["campaign_id"], ["inspection_campaigns.id"],
                                name=op.f("fk_rectifications_campaign_id_inspection_campaigns"), ondelete="CASCADE"),
        _region_fk("rectifications"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectifications")),
    )
    for column in ("item_id", "campaign_id", "unit"):
        op.create_index(op.f(f"ix_rectifications_{column}"), "rectifications", [column], unique=False)

    op.create_table(
        "supervision_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("rectification_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["notice_id"], ["supervision_notices.id"],
                                name=op.f("fk_supervision_events_notice_id_supervision_notices"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rectification_id"], ["rectifications.id"],
                                name=op.f("fk_supervision_events_rectification_id_rectifications"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_events")),
    )
    op.create_index(op.f("ix_supervision_events_notice_id"), "supervision_events", ["notice_id"], unique=False)
    op.create_index(op.f("ix_supervision_events_rectification_id"), "supervision_events", ["rectification_id"],
                    unique=False)

    op.create_table(
        "supervision_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("blob_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["supervision_events.id"],
                                name=op.f("fk_supervision_evidence_event_id_supervision_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_evidence")),
    )
    op.create_index(op.f("ix_supervision_evidence_event_id"), "supervision_evidence", ["event_id"], unique=False)

    op.create_table(
        "evaluation_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("review_states", sa.JSON(), nullable=False),
        sa.Column("design", sa.JSON(), nullable=False),
        sa.Column("seed", sa.String(length=40), nullable=False),
        sa.Column("frame", sa.JSON(), nullable=False),
        sa.Column("frame_size", sa.Integer(), nullable=False),
        sa.Column("frame_sha256", sa.String(length=64), nullable=False),
        sa.Column("generator", sa.String(length=80), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("level", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        _region_fk("evaluation_samples"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_samples")),
    )
    op.create_index(op.f("ix_evaluation_samples_region_code"), "evaluation_samples", ["region_code"], unique=False)

    op.create_table(
        "evaluation_sample_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("stratum", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["sample_id"], ["evaluation_samples.id"],
                                name=op.f("fk_evaluation_sample_items_sample_id_evaluation_samples"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_sample_items")),
        sa.UniqueConstraint("sample_id", "report_id", name=op.f("uq_evaluation_sample_items_sample_id")),
    )
    op.create_index(op.f("ix_evaluation_sample_items_sample_id"), "evaluation_sample_items", ["sample_id"],
                    unique=False)

    op.create_table(
        "evaluation_verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["evaluation_sample_items.id"],
                                name=op.f("fk_evaluation_verdicts_item_id_evaluation_sample_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_verdicts")),
    )
    op.create_index(op.f("ix_evaluation_verdicts_item_id"), "evaluation_verdicts", ["item_id"], unique=False)

    op.create_table(
        "publication_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=True),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("published_at", TZ, nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("withdrawn_at", TZ, nullable=True),
        sa.Column("withdrawn_by", sa.String(length=100), nullable=True),
        _region_fk("publication_snapshots"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_snapshots")),
    )
    op.create_index(op.f("ix_publication_snapshots_kind"), "publication_snapshots", ["kind"], unique=False)
    op.create_index(op.f("ix_publication_snapshots_region_code"), "publication_snapshots", ["region_code"],
                    unique=False)
    _move_summaries_up()


OLD = sa.table("published_summaries", sa.column("id", sa.Integer()), sa.column("region_code", sa.String()),
               sa.column("title", sa.Text()), sa.column("as_of", sa.Date()), sa.column("payload", sa.JSON()),
               sa.column("published_at", TZ), sa.column("published_by", sa.String()),
               sa.column("withdrawn_at", TZ))
NEW = sa.table("publication_snapshots", sa.column("id", sa.Integer()), sa.column("kind", sa.String()),
               sa.column("region_code", sa.String()), sa.column("title", sa.Text()), sa.column("as_of", sa.Date()),
               sa.column("content", sa.Text()), sa.column("method", sa.String()), sa.column("sha256", sa.String()),
               sa.column("published_at", TZ), sa.column("published_by", sa.String()),
               sa.column("withdrawn_at", TZ), sa.column("withdrawn_by", sa.String()))


def _move_summaries_up() -> None:
    from innodrive.publication.canonical import METHOD, seal

    bind = op.get_bind()
    rows = bind.execute(sa.select(OLD).order_by(OLD.c.id)).mappings().all()
    for r in rows:
        payload = r["payload"] if isinstance(r["payload"], dict) else json.loads(r["payload"] or "{}")
        content = {"kind": "public", "title": r["title"], "as_of": r["as_of"], "region_code": r["region_code"],
                   "counts": payload.get("counts", {}), "targets": payload.get("targets", [])}
        text, sha = seal(content)
        bind.execute(NEW.insert().values(id=r["id"], kind="public", region_code=r["region_code"], title=r["title"],
                                         as_of=r["as_of"], content=text, method=METHOD, sha256=sha,
                                         published_at=r["published_at"], published_by=r["published_by"],
                                         withdrawn_at=r["withdrawn_at"],
                                         withdrawn_by=r["published_by"] if r["withdrawn_at"] else None))
    if rows:
        _audit_moved(bind, [(r["id"], r["title"]) for r in rows])
    if rows and bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('publication_snapshots', 'id'), "
                             "(SELECT MAX(id) FROM publication_snapshots))"))
    op.drop_index(op.f("ix_published_summaries_region_code"), table_name="published_summaries")
    op.drop_table("published_summaries")


def _audit_moved(bind, moved: list[tuple[int, str]]) -> None:
    """Each moved summary's seal goes into the audit chain, as publishing writes it now, so
    that reading it later checks it against the log like any other snapshot."""
    from sqlalchemy.orm import Session

    from innodrive.store import audit

    with Session(bind=bind, join_transaction_mode="create_savepoint") as session:
        for snapshot_id, title in moved:
            sha = bind.execute(sa.select(NEW.c.sha256).where(NEW.c.id == snapshot_id)).scalar_one()
            audit.record(session, actor="系统（数据库迁移 0011）", action="publication.publish",
                         entity="publication_snapshot", entity_id=snapshot_id,
                         summary=f"补记已发布公开摘要《{title}》的 SHA-256（{sha[:16]}…）",
                         after={"kind": "public", "sha256": sha, "migrated": True})
        session.commit()  # releases the savepoint: the rows stay in the migration's transaction


def _move_summaries_down() -> None:
    op.create_table(
        "published_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("published_at", TZ, nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("withdrawn_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"],
                                name=op.f("fk_published_summaries_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_summaries")),
    )
    op.create_index(op.f("ix_published_summaries_region_code"), "published_summaries", ["region_code"],
                    unique=False)
    bind = op.get_bind()
    rows = bind.execute(sa.select(NEW).where(NEW.c.kind == "public").order_by(NEW.c.id)).mappings().all()
    for r in rows:
        content = json.loads(r["content"])
        bind.execute(OLD.insert().values(id=r["id"], region_code=r["region_code"], title=r["title"], as_of=r["as_of"],
                                         payload={"counts": content.get("counts", {}),
                                                  "targets": content.get("targets", [])},
                                         published_at=r["published_at"], published_by=r["published_by"],
                                         withdrawn_at=r["withdrawn_at"]))
    if rows and bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('published_summaries', 'id'), "
                             "(SELECT MAX(id) FROM published_summaries))"))


def downgrade() -> None:
    _move_summaries_down()
    op.drop_index(op.f("ix_publication_snapshots_region_code"), table_name="publication_snapshots")
    op.drop_index(op.f("ix_publication_snapshots_kind"), table_name="publication_snapshots")
    op.drop_table("publication_snapshots")
    for table in ("evaluation_verdicts", "evaluation_sample_items", "evaluation_samples", "supervision_evidence",
                  "supervision_events", "rectifications", "inspection_items", "inspection_campaigns",
                  "supervision_notices"):
        op.drop_table(table)
