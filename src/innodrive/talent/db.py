"""The tables of the talent service, on the store's declarative ``Base``.

Created by the migration ``0007_talent``. Personal data never appears in a column in
plain text: ``*_enc`` columns hold AES-GCM ciphertexts (:mod:`innodrive.talent.crypto`)
and ``*_hmac`` columns keyed hashes for duplicate detection and look-up. What stays
plain is what the office counts and routes by — category, region, employer, dates of
arrival and departure, 全职/柔性 — none of which identifies a person by itself.

Erasing a person on request (个人信息保护法 art. 47) deletes the person, their category
history and their cards, keeps their service requests without the person (for the
handling units' 考核 figures) and adds their contribution to the talent counts to
``talent_retained_counts``, an aggregate without identity.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from innodrive.store.schema import Base


class TalentRow(Base):
    __tablename__ = "talent_people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_type: Mapped[str] = mapped_column(String(20))
    id_hmac: Mapped[str] = mapped_column(String(64), unique=True)
    person_hmac: Mapped[str] = mapped_column(String(64), index=True)   # name + birth date
    name_hmac: Mapped[str] = mapped_column(String(64), index=True)
    key_id: Mapped[str] = mapped_column(String(16))
    name_enc: Mapped[str] = mapped_column(Text)
    id_number_enc: Mapped[str] = mapped_column(Text)
    birth_date_enc: Mapped[str] = mapped_column(Text)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    email_enc: Mapped[str | None] = mapped_column(Text)
    employer_code: Mapped[str | None] = mapped_column(String(18), index=True)
    employer_name: Mapped[str | None] = mapped_column(Text)
    employer_kind: Mapped[str | None] = mapped_column(String(12))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    field: Mapped[str | None] = mapped_column(Text)
    titles: Mapped[list] = mapped_column(JSON, default=list)
    honours: Mapped[list] = mapped_column(JSON, default=list)
    education: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(8), index=True)
    criterion: Mapped[str | None] = mapped_column(String(16))
    catalogue_version: Mapped[str | None] = mapped_column(String(40))
    recognised_on: Mapped[dt.date | None] = mapped_column(Date)
    arrival_date: Mapped[dt.date] = mapped_column(Date)
    employment: Mapped[str] = mapped_column(String(4))
    departure_date: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class TalentCategoryRow(Base):
    """Each recognition of a person's category: counts for past years use the category
    in effect at each year's end."""

    __tablename__ = "talent_categories"
    __table_args__ = (UniqueConstraint("talent_id", "recognised_on", name="uq_talent_categories_talent_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent_people.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(8))
    criterion: Mapped[str | None] = mapped_column(String(16))
    catalogue_version: Mapped[str] = mapped_column(String(40))
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


class TalentCardRow(Base):
    __tablename__ = "talent_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent_people.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    card_type: Mapped[str] = mapped_column(String(8))
    rules_version: Mapped[str] = mapped_column(String(40))
    rule_id: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))  # active | revoked | replaced
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))


class TalentCardEventRow(Base):
    __tablename__ = "talent_card_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("talent_cards.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # issue | renew | revoke | replace
    on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    rules_version: Mapped[str | None] = mapped_column(String(40))
    valid_to_before: Mapped[dt.date | None] = mapped_column(Date)
    valid_to_after: Mapped[dt.date | None] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(100))


class TalentRequestRow(Base):
    __tablename__ = "talent_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    talent_id: Mapped[int | None] = mapped_column(ForeignKey("talent_people.id", ondelete="SET NULL"), index=True)
    service: Mapped[str] = mapped_column(String(40))
    service_name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(100), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    rules_version: Mapped[str] = mapped_column(String(40))
    submitted_on: Mapped[dt.date] = mapped_column(Date, index=True)
    limit_days: Mapped[int] = mapped_column(Integer)
    limit_unit: Mapped[str] = mapped_column(String(10))
    deadline: Mapped[dt.date] = mapped_column(Date, index=True)
    deadline_notes: Mapped[list] = mapped_column(JSON, default=list)
    key_id: Mapped[str | None] = mapped_column(String(16))
    description_enc: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), index=True)  # open | resolved | declined | withdrawn
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    answer_enc: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_on: Mapped[dt.date | None] = mapped_column(Date)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    rated_on: Mapped[dt.date | None] = mapped_column(Date)
    exception_reason: Mapped[str | None] = mapped_column(Text)
    anonymised: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class TalentRequestEventRow(Base):
    __tablename__ = "talent_request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("talent_requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # submit | transfer | answer | escalate | rate | withdraw
    on: Mapped[dt.date] = mapped_column(Date)
    unit: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(100))


class TalentRetainedRow(Base):
    """What erased people contributed to the counts: category spells by year, no identity."""

    __tablename__ = "talent_retained_counts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    category: Mapped[str] = mapped_column(String(8))
    employment: Mapped[str] = mapped_column(String(4))
    arrival_year: Mapped[int] = mapped_column(Integer)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


__all__ = ["TalentCardEventRow", "TalentCardRow", "TalentCategoryRow", "TalentRequestEventRow", "TalentRequestRow",
           "TalentRetainedRow", "TalentRow"]
