"""The table of sealed snapshots (created by the migration ``0011_supervision``).

``content`` is the canonical text itself (:mod:`innodrive.publication.canonical`), not
a JSON column a database might re-format; ``sha256`` is its seal. ``kind`` says what it
is: ``public`` (the public summary), ``npc`` (the plan's state handed to the 人大),
``tongbao`` (the data a 督查通报 was issued on). A withdrawn snapshot stays on record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from innodrive.store.schema import Base


class SnapshotRow(Base):
    __tablename__ = "publication_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    title: Mapped[str] = mapped_column(Text)
    as_of: Mapped[dt.date] = mapped_column(Date)
    period: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(120), doc="文号 of the document issued on it")
    content: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(100))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))
