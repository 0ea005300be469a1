"""Tables of the 第三方评估 workspace (created by the migration ``0011_supervision``).

A sample records everything needed to draw it again — the design, the seed, the frame
(every report id with its stratum values) and the frame's SHA-256 — so "the evaluator
chose the easy ones" can be answered by drawing it again. Verdicts are only ever added:
the latest verdict of an item counts, earlier ones stay as its history.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from innodrive.store.schema import Base


class SampleRow(Base):
    __tablename__ = "evaluation_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    name: Mapped[str] = mapped_column(Text)
    period_from: Mapped[dt.date | None] = mapped_column(Date)
    period_to: Mapped[dt.date | None] = mapped_column(Date)
    review_states: Mapped[list] = mapped_column(JSON)
    design: Mapped[dict] = mapped_column(JSON)
    seed: Mapped[str] = mapped_column(String(40))
    frame: Mapped[list] = mapped_column(JSON)
    frame_size: Mapped[int] = mapped_column(Integer)
    frame_sha256: Mapped[str] = mapped_column(String(64))
    generator: Mapped[str] = mapped_column(String(80))
    method: Mapped[str] = mapped_column(String(20))
    level: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SampleItemRow(Base):
    __tablename__ = "evaluation_sample_items"
    __table_args__ = (UniqueConstraint("sample_id", "report_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("evaluation_samples.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(100))
    stratum: Mapped[str] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float)
    ordinal: Mapped[int] = mapped_column(Integer)


class VerdictRow(Base):
    __tablename__ = "evaluation_verdicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evaluation_sample_items.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
