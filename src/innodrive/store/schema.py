"""The tables of the store, declared once as SQLAlchemy 2 models.

These classes are the store's private representation. The rest of innodrive sees
pydantic domain objects (``innodrive.plans.models``, ``innodrive.indicators.observations``);
only the store family and the repository functions that sit beside it touch rows.
Schema changes happen only through named Alembic migrations under
``innodrive/store/migrations/versions``; a test checks that the migrated schema and
these models agree, so the two cannot drift.

Design choices worth knowing:
- Regions are keyed by their GB/T 2260 code, the key every statistic uses.
- A plan is a stable identity; each distinct document text is a *version* of it,
  holding the outline, targets and programmes with their source spans.
- Tasks belong to the plan (not to one version) so that progress reported against a
  task survives a revised document; each task records the versions it appears in.
- Observations are never updated in place: a correction is a new revision and
  ``is_current`` marks the latest one (kept in step inside the same transaction).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RegionRow(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)


class PlanRow(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    # a removed plan is kept (with its versions, tasks and reports) but no longer shown
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str | None] = mapped_column(String(100))
    removed_reason: Mapped[str | None] = mapped_column(Text)


class PlanVersionRow(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_number"),
        UniqueConstraint("plan_id", "sha256", name="uq_plan_versions_plan_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # provenance of the text
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    encoding: Mapped[str] = mapped_column(String(40))
    script: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))
    # document metadata as extracted
    title: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(200))
    region_name: Mapped[str | None] = mapped_column(String(100))
    genre: Mapped[str | None] = mapped_column(String(40))
    issued: Mapped[str | None] = mapped_column(String(10))
    horizon: Mapped[int | None] = mapped_column(Integer)
    warnings: Mapped[list] = mapped_column(JSON)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(100))
    # the decoded text the spans point into (shown with the extracted facts highlighted)
    text: Mapped[str | None] = mapped_column(Text)


class OutlineNodeRow(Base):
    __tablename__ = "outline_nodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    marker: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(200))
    body_start: Mapped[int | None] = mapped_column(Integer)
    body_end: Mapped[int | None] = mapped_column(Integer)
    lead_units: Mapped[list] = mapped_column(JSON)
    co_units: Mapped[list] = mapped_column(JSON)
    deadline: Mapped[str | None] = mapped_column(String(10))


class TargetRow(Base):
    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)
    value_is_int: Mapped[bool] = mapped_column(Boolean, default=False)
    unit: Mapped[str | None] = mapped_column(String(40))
    comparator: Mapped[str | None] = mapped_column(String(2))
    year: Mapped[int | None] = mapped_column(Integer)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(2))
    firmness: Mapped[str | None] = mapped_column(String(4))
    scope: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(200))
    evidence_text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(String(12))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    binding: Mapped[str | None] = mapped_column(String(4))
    # link to the indicator catalogue
    indicator_code: Mapped[str | None] = mapped_column(String(80), index=True)
    link_method: Mapped[str | None] = mapped_column(String(20))
    link_score: Mapped[float | None] = mapped_column(Float)
    link_candidates: Mapped[list] = mapped_column(JSON)


class ProgrammeRow(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    parts: Mapped[list] = mapped_column(JSON)
    evidence_text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)


class TaskRow(Base):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_plan_path", "plan_id", "path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[str | None] = mapped_column(String(10))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    first_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))
    last_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # set when a person assigned the lead/co-units: a new version then keeps them
    units_set_by: Mapped[str | None] = mapped_column(String(100))
    units_set_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TaskUnitRow(Base):
    __tablename__ = "task_units"
    __table_args__ = (UniqueConstraint("task_id", "role", "unit", name="uq_task_units_task_role_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # "lead" (牵头单位) or "co" (责任单位)
    unit: Mapped[str] = mapped_column(String(100), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)


class MilestoneRow(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    due_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))


class ProgressReportRow(Base):
    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="SET NULL"))
    as_of: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    percent: Mapped[float | None] = mapped_column(Float)
    narrative: Mapped[str] = mapped_column(Text)
    reporter: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    review_state: Mapped[str] = mapped_column(String(12), index=True)
    reviewer: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    review_reason: Mapped[str | None] = mapped_column(Text)


class ReportEvidenceRow(Base):
    __tablename__ = "report_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    # the key in the blob store (innodrive.blobs): the SHA-256, never a local path
    blob_key: Mapped[str] = mapped_column(String(64))


class IndicatorLinkRow(Base):
    """A person's decision that a phrase names a catalogue indicator, remembered for
    the next document."""

    __tablename__ = "indicator_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(400), unique=True)
    indicator_code: Mapped[str] = mapped_column(String(80))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ImportBatchRow(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    layout: Mapped[str] = mapped_column(String(8))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    imported_by: Mapped[str] = mapped_column(String(100))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    revised: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)


class ObservationRow(Base):
    __tablename__ = "observations"
    __table_args__ = (
        UniqueConstraint("region_code", "indicator_code", "period", "origin", "revision",
                         name="uq_observations_key_revision"),
        Index("ix_observations_current", "indicator_code", "region_code", "is_current"),
        # the latest imports of a region (总览): which batches brought values of these regions
        Index("ix_observations_region_batch", "region_code", "batch_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    indicator_code: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(10))
    origin: Mapped[str] = mapped_column(String(8))  # "reported" or "derived"
    revision: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    value_as_written: Mapped[float | None] = mapped_column(Float)
    unit_as_written: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # no index of its own: no query reads a batch's values without their region (see
    # ix_observations_region_batch), and batches are never deleted (migration 0013)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class AuditRow(Base):
    __tablename__ = "audit_log"
    # the audit page filters by user, and a 市 office reads its region's accounts' entries
    __table_args__ = (Index("ix_audit_log_actor_id", "actor", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # tamper evidence: each entry hashes its content with the previous entry's hash
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))


Index("ix_audit_log_entity", AuditRow.entity, AuditRow.entity_id)


class ObservationSourceRow(Base):
    """A further source that states the same value as an observation's revision
    (a 统计公报 and a 年鉴 agreeing): a second source, not a revision."""

    __tablename__ = "observation_sources"
    __table_args__ = (UniqueConstraint("observation_id", "source", name="uq_observation_sources_observation_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class StatusSnapshotRow(Base):
    """A status board as ``innodrive status`` printed it, kept so that the next run with
    the same inputs prints it without evaluating every target again (the command's fast
    path, :mod:`innodrive.status_snapshot`; ``body`` also keeps the text Rich printed for
    it per terminal profile). A derived copy, never a source: ``key`` hashes
    everything the board depends on besides the data (code, rule files, date, region,
    the actor's scope), ``data_version`` is :func:`innodrive.store.derived.version` when
    it was computed; a row whose version is not the current one is never read."""

    __tablename__ = "status_snapshots"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
