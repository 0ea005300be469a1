"""The chain tables (migration ``0004_industry_chains``).

A chain is one row; its nodes, enterprise links, platforms and targets hang on it and
go with it (``ON DELETE CASCADE``): importing a chain again replaces its contents in one
transaction. Enterprises are named by 统一社会信用代码 and live in the enterprise
directory (``enterprises`` table); a link keeps the code and is shown with the
directory's name, region and verdicts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from innodrive.store.schema import Base


class ChainRow(Base):
    __tablename__ = "chains"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class ChainNodeRow(Base):
    __tablename__ = "chain_nodes"
    __table_args__ = (UniqueConstraint("chain_id", "code", name="uq_chain_nodes_chain_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(Text)
    segment: Mapped[str] = mapped_column(String(4))
    parent_code: Mapped[str | None] = mapped_column(String(60))
    ordinal: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class ChainEnterpriseRow(Base):
    __tablename__ = "chain_enterprises"
    __table_args__ = (UniqueConstraint("chain_id", "node_code", "credit_code", name="uq_chain_enterprises_link"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id", ondelete="CASCADE"), index=True)
    node_code: Mapped[str] = mapped_column(String(60))
    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprises.credit_code"), index=True)
    leader: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)


class ChainPlatformRow(Base):
    __tablename__ = "chain_platforms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id", ondelete="CASCADE"), index=True)
    node_code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str | None] = mapped_column(Text)


class ChainTargetRow(Base):
    __tablename__ = "chain_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id", ondelete="CASCADE"), index=True)
    node_code: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40))
    year: Mapped[int | None] = mapped_column(Integer)
    plan_target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="SET NULL"))
