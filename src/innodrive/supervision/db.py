"""Tables of 督查督办 and 专项督查 (created by the migration ``0011_supervision``).

A 督办单 freezes what it was raised on (subject, reason, light, the board date, the rule
and its version): the target may change or disappear from a later plan version, the
notice still says what was asked and why. Everything that happens to a notice or a 整改
item — raising, answers, returns, escalations, 约谈 records, closing — is one row of
``supervision_events``, only ever added, with its evidence files (SHA-256 keys into the
blob store, never local paths).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from innodrive.store.schema import Base


class NoticeRow(Base):
    """One 督办单."""

    __tablename__ = "supervision_notices"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    source_kind: Mapped[str] = mapped_column(String(10))
    source_key: Mapped[str] = mapped_column(String(400), index=True)
    target_id: Mapped[int | None] = mapped_column(Integer)
    task_id: Mapped[int | None] = mapped_column(Integer, index=True)
    plan_id: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    light: Mapped[str | None] = mapped_column(String(10))
    unit: Mapped[str] = mapped_column(String(100), index=True)
    addressee_kind: Mapped[str] = mapped_column(String(10))
    required_response: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date] = mapped_column(Date)
    level: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), index=True)
    rule_id: Mapped[str | None] = mapped_column(String(60))
    rules_version: Mapped[str] = mapped_column(String(200))
    board_as_of: Mapped[dt.date] = mapped_column(Date)
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class CampaignRow(Base):
    """One 专项督查 campaign."""

    __tablename__ = "inspection_campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    name: Mapped[str] = mapped_column(Text)
    as_of: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(10))
    criteria: Mapped[dict] = mapped_column(JSON)
    seed: Mapped[str | None] = mapped_column(String(40))
    frame_size: Mapped[int] = mapped_column(Integer)
    frame_sha256: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class InspectionItemRow(Base):
    """One task a campaign inspects, and its finding."""

    __tablename__ = "inspection_items"
    __table_args__ = (UniqueConstraint("campaign_id", "task_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("inspection_campaigns.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(Integer)
    plan_id: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text)
    stratum: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(10))
    finding: Mapped[str | None] = mapped_column(Text)
    inspected_by: Mapped[str | None] = mapped_column(String(100))
    inspected_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RectificationRow(Base):
    """One 整改 item: a problem found, addressed to a unit, tracked to 销号."""

    __tablename__ = "rectifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inspection_items.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("inspection_campaigns.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    unit: Mapped[str] = mapped_column(String(100), index=True)
    problem: Mapped[str] = mapped_column(Text)
    requirement: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class EventRow(Base):
    """Something that happened to a notice or a 整改 item (only ever added)."""

    __tablename__ = "supervision_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_notices.id", ondelete="CASCADE"),
                                                  index=True)
    rectification_id: Mapped[int | None] = mapped_column(ForeignKey("rectifications.id", ondelete="CASCADE"),
                                                         index=True)
    kind: Mapped[str] = mapped_column(String(12))
    on: Mapped[dt.date] = mapped_column(Date, doc="the office's date the event counts for (deadlines, 通报 periods)")
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), doc="when it was recorded")
    by: Mapped[str] = mapped_column(String(100))
    level: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)


class EventEvidenceRow(Base):
    """A file handed in with an event (answer, 约谈 record, 整改 report)."""

    __tablename__ = "supervision_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("supervision_events.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    blob_key: Mapped[str] = mapped_column(String(64))
