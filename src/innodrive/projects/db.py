"""The tables of the projects domain, on the store's declarative ``Base``.

Created by the migration ``0009_projects``. Declared parts of a call (eligibility,
criteria, review method) are kept as the JSON of the call file: they are read back
and interpreted, never queried column by column. Money is ``Numeric(14, 4)`` in 万元
(exact to the 元), returned as ``float``.

The life of a project, table by table: ``project_calls`` → ``project_applications``
(+ ``project_attachments``) → ``project_assignments`` of ``project_experts`` →
``project_scores`` → ``project_selections`` → ``project_publicity`` (+
``project_objections``) → ``project_contracts`` → ``project_milestones``,
``project_checks``, ``project_payments``, ``project_outputs``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from innodrive.store.schema import Base

Money = Numeric(14, 4, asdecimal=False)


class CallRow(Base):
    """A 榜单 / 指南."""

    __tablename__ = "project_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12))
    problem: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    field: Mapped[str] = mapped_column(String(60))
    quota: Mapped[float] = mapped_column(Money)
    max_awards: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    plan_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"), index=True)
    source: Mapped[str | None] = mapped_column(Text)
    spec: Mapped[dict] = mapped_column(JSON)
    constructed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))


class ApplicationRow(Base):
    """An application (申报), entered by the office on the applicant's behalf."""

    __tablename__ = "project_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("project_calls.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    blind_code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    received_on: Mapped[dt.date] = mapped_column(Date)
    applicant_kind: Mapped[str] = mapped_column(String(12))
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    org_name: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    partners: Mapped[list] = mapped_column(JSON)
    members: Mapped[list] = mapped_column(JSON)
    budget: Mapped[list] = mapped_column(JSON)
    requested: Mapped[float] = mapped_column(Money)
    self_funding: Mapped[float] = mapped_column(Money)
    duration_months: Mapped[int] = mapped_column(Integer)
    milestones: Mapped[list] = mapped_column(JSON)
    credit_check: Mapped[dict] = mapped_column(JSON)
    eligibility: Mapped[dict] = mapped_column(JSON)
    eligibility_state: Mapped[str] = mapped_column(String(16))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    second_look: Mapped[dict | None] = mapped_column(JSON)
    constructed: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    entered_by: Mapped[str] = mapped_column(String(100))


class AttachmentRow(Base):
    """A file attached to an application, a check record or an output (bytes in the blob store)."""

    __tablename__ = "project_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(12))  # application | check | output
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    blind_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(100))


class ExpertRow(Base):
    """A review expert (评审专家) of the pool."""

    __tablename__ = "project_experts"
    __table_args__ = (UniqueConstraint("name", "affiliation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    affiliation: Mapped[str] = mapped_column(String(200))
    affiliation_code: Mapped[str | None] = mapped_column(String(18))
    title: Mapped[str] = mapped_column(String(60))
    fields: Mapped[list] = mapped_column(JSON)
    posts: Mapped[list] = mapped_column(JSON)
    collaborations: Mapped[list] = mapped_column(JSON)
    max_load: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class AssignmentRow(Base):
    """One expert assigned to review one application."""

    __tablename__ = "project_assignments"
    __table_args__ = (UniqueConstraint("application_id", "expert_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("project_applications.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("project_experts.id"), index=True)
    state: Mapped[str] = mapped_column(String(12))  # assigned | recused
    recusal_reason: Mapped[str | None] = mapped_column(Text)
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    assigned_by: Mapped[str] = mapped_column(String(100))


class ScoreRow(Base):
    """A reviewer's scores on the call's criteria."""

    __tablename__ = "project_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("project_assignments.id", ondelete="CASCADE"), unique=True)
    scores: Mapped[dict] = mapped_column(JSON)
    total: Mapped[float] = mapped_column(Numeric(10, 4, asdecimal=False))
    comment: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[str] = mapped_column(String(100))


class SelectionRow(Base):
    """The office's decision to fund an application (拟立项), through 公示 to 立项."""

    __tablename__ = "project_selections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("project_calls.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("project_applications.id", ondelete="CASCADE"),
                                                unique=True)
    amount: Mapped[float] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12))  # proposed | publicised | confirmed | withdrawn
    publicity_id: Mapped[int | None] = mapped_column(ForeignKey("project_publicity.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(String(100))


class PublicityRow(Base):
    """A 公示 period of a call's selections."""

    __tablename__ = "project_publicity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("project_calls.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(8))  # open | closed
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    opened_by: Mapped[str] = mapped_column(String(100))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(100))


class ObjectionRow(Base):
    """An objection (异议) received during a 公示."""

    __tablename__ = "project_objections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publicity_id: Mapped[int] = mapped_column(ForeignKey("project_publicity.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("project_applications.id", ondelete="SET NULL"))
    received_on: Mapped[dt.date] = mapped_column(Date)
    submitter: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))  # pending | upheld | rejected
    response: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class ContractRow(Base):
    """A project's contract (任务书 / 合同)."""

    __tablename__ = "project_contracts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("project_applications.id"), unique=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    signed_on: Mapped[dt.date] = mapped_column(Date)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[float] = mapped_column(Money)
    state: Mapped[str] = mapped_column(String(12))  # active | completed | terminated
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))


class MilestoneRow(Base):
    """A contract milestone with its deliverables and the tranche it releases."""

    __tablename__ = "project_milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("project_contracts.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12))
    due_on: Mapped[dt.date] = mapped_column(Date)
    deliverables: Mapped[list] = mapped_column(JSON)
    tranche: Mapped[float] = mapped_column(Money)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)


class CheckRow(Base):
    """A 验收 of a milestone: 节点验收, 中期检查 or 结题验收."""

    __tablename__ = "project_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("project_contracts.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("project_milestones.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    conclusion: Mapped[str] = mapped_column(String(8))  # pass | rectify | fail
    comments: Mapped[str] = mapped_column(Text)
    experts: Mapped[list] = mapped_column(JSON)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class PaymentRow(Base):
    """A money movement: a tranche disbursed (拨付) or money recovered (收回)."""

    __tablename__ = "project_payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("project_contracts.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("project_milestones.id"))
    kind: Mapped[str] = mapped_column(String(10))  # disburse | recover
    amount: Mapped[float] = mapped_column(Money)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    voucher: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class OutputRow(Base):
    """A project output: a patent, a 成果, revenue."""

    __tablename__ = "project_outputs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("project_contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(Text)
    identifier: Mapped[str | None] = mapped_column(String(100))
    obtained_on: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[float] = mapped_column(Numeric(12, 4, asdecimal=False))
    amount: Mapped[float | None] = mapped_column(Money)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))
