"""The tables of the annual 考核, on the store's declarative ``Base``.

Created by the migration ``NNNN_kaohe`` (see ``innodrive/store/migrations/versions``).
What is kept, and why:

* ``kaohe_frameworks`` — every version of every unit type's framework, as the text the
  office wrote (with its SHA-256), so a later year can be diffed against it and a
  result always names the exact framework that made it;
* ``kaohe_cycles`` — one 考核 a year per region: the scheme's text and the stage
  (设置 → 初步结果 → 最终结果);
* ``kaohe_values`` — figures the office imports for the cycle (a department's
  indicators, per-unit targets), never overwritten: a new import marks the earlier
  figure no longer current;
* ``kaohe_items`` — 加分/扣分/否决 events with their evidence; withdrawn (by an appeal)
  rather than deleted;
* ``kaohe_runs`` — each scoring as a frozen result (JSON with its hash): the
  preliminary results a unit may dispute, each re-scoring after an appeal, the final;
* ``kaohe_appeals`` — a unit's 申诉 with its evidence, the office's decision and the
  correction it made.
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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from innodrive.store.schema import Base


class KaoheFrameworkRow(Base):
    __tablename__ = "kaohe_frameworks"
    __table_args__ = (UniqueConstraint("region_code", "unit_type", "year", "revision",
                                       name="uq_kaohe_frameworks_key_revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    unit_type: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    framework_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(100))


class KaoheCycleRow(Base):
    __tablename__ = "kaohe_cycles"
    __table_args__ = (UniqueConstraint("region_code", "year", name="uq_kaohe_cycles_region_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(Text)
    scheme_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(12))  # setup | preliminary | final
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class KaoheValueRow(Base):
    __tablename__ = "kaohe_values"
    __table_args__ = (Index("ix_kaohe_values_key", "cycle_id", "unit", "indicator_code", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("kaohe_cycles.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(100))
    indicator_code: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(8))  # actual | target
    value: Mapped[float] = mapped_column(Float)
    unit_label: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(Text)
    row: Mapped[int | None] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class KaoheItemRow(Base):
    __tablename__ = "kaohe_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("kaohe_cycles.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(100), index=True)
    code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    files: Mapped[list] = mapped_column(JSON)
    occurred_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class KaoheRunRow(Base):
    __tablename__ = "kaohe_runs"
    __table_args__ = (UniqueConstraint("cycle_id", "number", name="uq_kaohe_runs_cycle_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("kaohe_cycles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(12))  # preliminary | review | final
    as_of: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[dict] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))


class KaoheAppealRow(Base):
    __tablename__ = "kaohe_appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("kaohe_cycles.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("kaohe_runs.id"))
    unit: Mapped[str] = mapped_column(String(100), index=True)
    subject: Mapped[str] = mapped_column(String(120))
    claim: Mapped[str] = mapped_column(Text)
    requested: Mapped[dict] = mapped_column(JSON)
    files: Mapped[list] = mapped_column(JSON)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    filed_by: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(10), index=True)  # pending | accepted | rejected
    decision: Mapped[str | None] = mapped_column(Text)
    correction: Mapped[dict | None] = mapped_column(JSON)
    effect: Mapped[dict | None] = mapped_column(JSON)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(100))


__all__ = ["KaoheAppealRow", "KaoheCycleRow", "KaoheFrameworkRow", "KaoheItemRow", "KaoheRunRow", "KaoheValueRow"]
