"""The technology market's tables (created by migration ``0008_technology_market``).

- ``market_results``: the 科技成果 registry (汇交), one row per result; its patent numbers
  in ``market_result_patents`` (unique: one patent belongs to one result).
- ``market_demands``: enterprises' technical demands, linked to the enterprise directory
  by 统一社会信用代码.
- ``market_pairings`` and ``market_pairing_events``: a result recommended to an
  enterprise (for one of its demands, or on its own) and every dated step after that.
- ``market_contracts``: the registered technical contract that closes a pairing; the
  source of the market's 技术合同 figures.

Rows stay private to :mod:`innodrive.market.registry` and the services; everything
else sees pydantic models. Amounts are 万元, as on the office's forms.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

import innodrive.enterprises.directory  # noqa: F401  (the enterprises table demands point at)
from innodrive.store.schema import Base


class _Registered:
    """What a registered result and demand both keep: the contact person (personal data,
    masked on display), the words the matcher indexes, where the record came from and
    who wrote it when."""

    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    words: Mapped[str] = mapped_column(Text, default="")                 # jieba words, for the index
    words_version: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class ResultRow(_Registered, Base):
    __tablename__ = "market_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    holder: Mapped[str] = mapped_column(Text)
    holder_kind: Mapped[str] = mapped_column(String(8))
    holder_credit_code: Mapped[str | None] = mapped_column(String(18))
    industry_code: Mapped[str | None] = mapped_column(String(4))
    discipline_code: Mapped[str | None] = mapped_column(String(4))
    trl: Mapped[int | None] = mapped_column(Integer)
    transfer_modes: Mapped[str] = mapped_column(Text, default="")        # 转让、许可 (searchable)
    price_wan: Mapped[float | None] = mapped_column(Float)
    abstract: Mapped[str] = mapped_column(Text)
    keywords: Mapped[str] = mapped_column(Text, default="")              # joined by 、
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")   # active / withdrawn


class ResultPatentRow(Base):
    __tablename__ = "market_result_patents"

    number: Mapped[str] = mapped_column(String(24), primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("market_results.id", ondelete="CASCADE"), index=True)


class DemandRow(_Registered, Base):
    __tablename__ = "market_demands"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprises.credit_code"), index=True)
    title: Mapped[str] = mapped_column(Text)
    problem: Mapped[str] = mapped_column(Text)
    industry_code: Mapped[str | None] = mapped_column(String(4))
    discipline_code: Mapped[str | None] = mapped_column(String(4))
    trl_min: Mapped[int | None] = mapped_column(Integer)
    budget_wan: Mapped[float | None] = mapped_column(Float)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    keywords: Mapped[str] = mapped_column(Text, default="")              # joined by 、
    status: Mapped[str] = mapped_column(String(16), default="open")      # open / closed


class PairingRow(Base):
    __tablename__ = "market_pairings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("market_results.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("market_demands.id"), index=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprises.credit_code"), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)  # the enterprise's
    stage: Mapped[str] = mapped_column(String(16))
    broker: Mapped[str | None] = mapped_column(String(100))       # 技术经纪人
    score: Mapped[float | None] = mapped_column(Float)            # match total when recommended
    recommended_on: Mapped[dt.date] = mapped_column(Date)
    contacted_on: Mapped[dt.date | None] = mapped_column(Date)
    negotiating_on: Mapped[dt.date | None] = mapped_column(Date)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class PairingEventRow(Base):
    __tablename__ = "market_pairing_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("market_pairings.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    on: Mapped[dt.date] = mapped_column(Date)
    broker: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class ContractRow(Base):
    __tablename__ = "market_contracts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("market_pairings.id"), unique=True)
    registration_no: Mapped[str] = mapped_column(String(64), unique=True)   # 技术合同登记编号
    contract_type: Mapped[str] = mapped_column(String(8))
    amount_wan: Mapped[float] = mapped_column(Float)                        # 成交额
    signed_on: Mapped[dt.date] = mapped_column(Date)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    registry_office: Mapped[str | None] = mapped_column(Text)               # 登记机构
    registry_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    seller_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    buyer_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    major: Mapped[bool] = mapped_column(Boolean, default=False)             # 认定为重大科技成果转化
    major_basis: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))
