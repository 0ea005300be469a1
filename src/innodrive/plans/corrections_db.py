"""The table of extraction corrections (see :mod:`innodrive.plans.corrections`).

A correction belongs to a plan, not to a version: it is made on one version and
applied again to every later version of the same plan. ``key`` names what it is
about (a target by indicator and sentence, a task by path and title); only one
correction per key is live (``active``), a newer one replaces the older, and the
replaced ones stay as history. ``target_id`` is the stored target row the
correction currently applies to (rows are replaced with each version, so it is
not a foreign key).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from innodrive.store.schema import Base


class CorrectionRow(Base):
    __tablename__ = "extraction_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(1200), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version_id: Mapped[int | None] = mapped_column(Integer)
    target_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    replaced_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
