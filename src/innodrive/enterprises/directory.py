"""The city's enterprise directory (企业名录): one row per 统一社会信用代码.

Several parts of the machinery point at the same firms — a 产业链 node's enterprises,
a technology demand, a 揭榜挂帅 applicant, a talent's employer — and each must name the
firm by its credit code and show its name, region and latest screening verdicts. The
directory is that shared identity, kept in the store: registries screened with
``innodrive.enterprises`` can be registered here, and later domains link to it
instead of keeping their own copy of an enterprise's name and region.

Codes are checked (GB 32100-2015) before anything is written; a registration either
writes every row or none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from innodrive.enterprises import credit_code as cc
from innodrive.errors import Problem, ValidationFailed
from innodrive.store.schema import Base, utcnow

SIZE_CLASSES = ("大型", "中型", "小型", "微型")


class EnterpriseRow(Base):
    __tablename__ = "enterprises"

    credit_code: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    industry: Mapped[str | None] = mapped_column(Text)
    size_class: Mapped[str | None] = mapped_column(String(8))
    established: Mapped[dt.date | None] = mapped_column(Date)
    # programme id -> {"state": "pass"|…, "version": "most-2016", "on": "2024-06-30"}
    verdicts: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class Enterprise(BaseModel):
    """One enterprise as the directory knows it."""

    credit_code: str
    name: str
    region_code: str | None = None
    industry: str | None = None
    size_class: str | None = None
    established: dt.date | None = None
    verdicts: dict[str, dict] = Field(default_factory=dict)
    source: str | None = None

    @field_validator("credit_code")
    @classmethod
    def _code(cls, v: str) -> str:
        return cc.normalise(v)


class RegisterResult(BaseModel):
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def check(entries: Iterable[Enterprise], *, file: str | None = None) -> list[Enterprise]:
    """All entries, or :class:`ValidationFailed` listing every bad one (row = position + 1)."""
    from innodrive.regions import all_regions

    regions = all_regions()
    items = list(entries)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, e in enumerate(items, start=1):
        reason = cc.problem(e.credit_code)
        if reason:
            problems.append(Problem(reason, file=file, row=i, field="统一社会信用代码"))
        elif e.credit_code in seen:
            problems.append(Problem(f"统一社会信用代码与第 {seen[e.credit_code]} 条重复", file=file, row=i,
                                    field="统一社会信用代码"))
        else:
            seen[e.credit_code] = i
        if not e.name.strip():
            problems.append(Problem("企业名称不能为空", file=file, row=i, field="企业名称"))
        if e.region_code is not None and regions.get(e.region_code) is None:
            problems.append(Problem(f"未知的行政区划代码 {e.region_code}", file=file, row=i, field="地区"))
        if e.size_class is not None and e.size_class not in SIZE_CLASSES:
            problems.append(Problem(f"企业规模应为{'、'.join(SIZE_CLASSES)}之一", file=file, row=i, field="企业规模"))
    if problems:
        raise ValidationFailed(f"企业名录有 {len(problems)} 处问题，未写入任何企业", file=file, problems=problems)
    return items


def register(session: Session, entries: Iterable[Enterprise], *, actor: str, file: str | None = None) -> RegisterResult:
    """Add or update enterprises by credit code inside the caller's write transaction.

    Fields given as ``None`` keep what the directory already knows; verdicts merge by
    programme (a later screening of one programme does not erase another's).
    """
    items = check(entries, file=file)
    result = RegisterResult()
    existing = {r.credit_code: r for r in session.scalars(
        select(EnterpriseRow).where(EnterpriseRow.credit_code.in_([e.credit_code for e in items])))}
    now = utcnow()
    for e in items:
        row = existing.get(e.credit_code)
        if row is None:
            session.add(EnterpriseRow(credit_code=e.credit_code, name=e.name.strip(), region_code=e.region_code,
                                      industry=e.industry, size_class=e.size_class, established=e.established,
                                      verdicts=dict(e.verdicts), source=e.source or file, updated_at=now,
                                      updated_by=actor))
            result.added += 1
            continue
        new = {"name": e.name.strip(), "region_code": e.region_code, "industry": e.industry,
               "size_class": e.size_class, "established": e.established}
        changed = False
        for key, value in new.items():
            if value is not None and getattr(row, key) != value:
                setattr(row, key, value)
                changed = True
        merged = {**(row.verdicts or {}), **e.verdicts}
        if merged != (row.verdicts or {}):
            row.verdicts = merged
            changed = True
        if changed:
            row.source = e.source or file or row.source
            row.updated_at, row.updated_by = now, actor
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _model(row: EnterpriseRow) -> Enterprise:
    return Enterprise(credit_code=row.credit_code, name=row.name, region_code=row.region_code,
                      industry=row.industry, size_class=row.size_class, established=row.established,
                      verdicts=row.verdicts or {}, source=row.source)


def get(session: Session, credit_code: str) -> Enterprise | None:
    row = session.get(EnterpriseRow, cc.normalise(credit_code))
    return None if row is None else _model(row)


def get_many(session: Session, credit_codes: Iterable[str]) -> dict[str, Enterprise]:
    codes = sorted({cc.normalise(c) for c in credit_codes})
    out: dict[str, Enterprise] = {}
    for i in range(0, len(codes), 500):
        for row in session.scalars(select(EnterpriseRow).where(EnterpriseRow.credit_code.in_(codes[i:i + 500]))):
            out[row.credit_code] = _model(row)
    return out


def search(session: Session, text: str, *, region_codes: Iterable[str] | None = None,
           limit: int = 50) -> list[Enterprise]:
    """Enterprises whose name or code contains ``text``, optionally within regions."""
    q = select(EnterpriseRow)
    t = text.strip()
    if t:
        like = f"%{t.replace('%', '').replace('_', '')}%"
        q = q.where(or_(EnterpriseRow.name.like(like), EnterpriseRow.credit_code.like(like.upper())))
    if region_codes is not None:
        q = q.where(EnterpriseRow.region_code.in_(list(region_codes)))
    return [_model(r) for r in session.scalars(q.order_by(EnterpriseRow.name).limit(limit))]


def remove(session: Session, credit_code: str) -> bool:
    row = session.get(EnterpriseRow, cc.normalise(credit_code))
    if row is None:
        return False
    session.delete(row)
    return True
