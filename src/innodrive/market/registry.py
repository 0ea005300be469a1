"""The registries in the store: results and demands written, checked against what is
already there, read back as typed records.

Everything here runs inside a session the caller (a service) opened, so an import is
one transaction: rows are checked against the file *and* the store first, and either
all of them are written or none. Words for the matcher are computed before the
transaction (segmenting is the slow part) and stored with each record.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from innodrive.errors import Problem
from innodrive.market import duplicates
from innodrive.market.classification import disciplines, industries
from innodrive.market.contacts import Contact
from innodrive.market.db import ContractRow, DemandRow, PairingRow, ResultPatentRow, ResultRow
from innodrive.market.records import Demand, DemandIn, Result, ResultIn
from innodrive.market.text import TOKENIZER_VERSION
from innodrive.store.schema import utcnow


class Suspect(BaseModel):
    """A suspected duplicate: near-identical title and holder."""

    row: int | None = None            # the imported row (None when both are stored)
    result_id: int | None = None      # the stored result it resembles (or the first of two stored)
    other_row: int | None = None      # another imported row it resembles
    other_result_id: int | None = None
    title_score: float
    holder_score: float
    message: str


SEP = "、"


def join(items: list[str]) -> str:
    return SEP.join(items)


def split(text: str | None) -> list[str]:
    return [p for p in (text or "").split(SEP) if p]


# --------------------------------------------------------------------------- results

def check_results(session: Session, rows: list[tuple[int, ResultIn]], *, file: str | None
                  ) -> tuple[list[Problem], list[Suspect]]:
    """Problems (a patent held twice, an unknown 成果编号) and suspected duplicates of
    rows about to be written."""
    problems: list[Problem] = []
    ids = [r.id for _, r in rows if r.id is not None]
    known = set(session.scalars(select(ResultRow.id).where(ResultRow.id.in_(ids)))) if ids else set()
    seen_ids: dict[int, int] = {}
    for number, r in rows:
        if r.id is None:
            continue
        if r.id not in known:
            problems.append(Problem(f"成果编号 {r.id} 不存在（新成果请留空）", file=file, row=number, field="成果编号"))
        elif r.id in seen_ids:
            problems.append(Problem(f"成果编号 {r.id} 与第 {seen_ids[r.id]} 行重复", file=file, row=number,
                                    field="成果编号"))
        else:
            seen_ids[r.id] = number
    # the same patent twice: within the file, or held by another stored result
    first_row: dict[str, int] = {}
    wanted = sorted({p for _, r in rows for p in r.patents})
    holders: dict[str, int] = {}
    for i in range(0, len(wanted), 500):
        for rec in session.execute(select(ResultPatentRow.number, ResultPatentRow.result_id)
                                   .where(ResultPatentRow.number.in_(wanted[i:i + 500]))):
            holders[rec.number] = rec.result_id
    for number, r in rows:
        for p in r.patents:
            if p in first_row:
                problems.append(Problem(f"专利号 {p} 与第 {first_row[p]} 行重复：同一专利只能属于一项成果",
                                        file=file, row=number, field="专利号"))
                continue
            first_row[p] = number
            owner = holders.get(p)
            if owner is not None and owner != r.id:
                problems.append(Problem(f"专利号 {p} 已由成果 #{owner} 登记：同一专利只能属于一项成果"
                                        f"（如为同一成果的更新，请在“成果编号”填写 {owner}）",
                                        file=file, row=number, field="专利号"))
    # near-identical title and holder: a suspicion, not a refusal
    new = [duplicates.Entry(("row", n), r.title, r.holder) for n, r in rows]
    updating = {r.id for _, r in rows if r.id is not None}
    stored = [duplicates.Entry(rid, t, h) for rid, t, h in session.execute(
        select(ResultRow.id, ResultRow.title, ResultRow.holder).where(ResultRow.status == "active"))
        if rid not in updating]
    suspects: list[Suspect] = []
    for s in duplicates.similar(new, stored):
        suspects.append(Suspect(row=s.a[1], result_id=s.b, title_score=round(s.title_score, 1),
                                holder_score=round(s.holder_score, 1),
                                message=f"第 {s.a[1]} 行与已登记的成果 #{s.b} 名称和持有单位几乎相同"
                                        f"（相似度 {s.title_score:.0f}），疑似重复"))
    for s in duplicates.similar(new, new):
        suspects.append(Suspect(row=s.b[1], other_row=s.a[1], title_score=round(s.title_score, 1),
                                holder_score=round(s.holder_score, 1),
                                message=f"第 {s.b[1]} 行与第 {s.a[1]} 行名称和持有单位几乎相同"
                                        f"（相似度 {s.title_score:.0f}），疑似重复"))
    return problems, suspects


def _write(session: Session, table, record_id: int | None, values: dict, *, status: str, words: str,
           source: str | None, actor: str, also_changed: bool = False):
    """Add a row of ``table`` (results or demands) or update row ``record_id`` with
    ``values``; returns (row, "added" | "updated" | "unchanged"). Words and source are
    refreshed with any change."""
    now = utcnow()
    if record_id is None:
        row = table(**values, status=status, words=words, words_version=TOKENIZER_VERSION, source=source,
                    created_at=now, created_by=actor, updated_at=now, updated_by=actor)
        session.add(row)
        session.flush()
        return row, "added"
    row = session.get(table, record_id)
    if not also_changed and not any(getattr(row, k) != v for k, v in values.items()):
        return row, "unchanged"
    for k, v in values.items():
        setattr(row, k, v)
    row.words, row.words_version = words, TOKENIZER_VERSION
    row.source = source or row.source
    row.updated_at, row.updated_by = now, actor
    return row, "updated"


def _contact_values(c) -> dict:
    return {"contact_name": c.name, "contact_phone": c.phone, "contact_email": c.email}


def save_result(session: Session, r: ResultIn, *, words: str, actor: str) -> tuple[int, str]:
    """Add or update one result; returns (id, "added" | "updated" | "unchanged")."""
    values = {"title": r.title, "holder": r.holder, "holder_kind": r.holder_kind,
              "holder_credit_code": r.holder_credit_code, "industry_code": r.industry_code,
              "discipline_code": r.discipline_code, "trl": r.trl, "transfer_modes": join(r.transfer_modes),
              "price_wan": r.price_wan, "abstract": r.abstract, "keywords": join(r.keywords),
              "region_code": r.region_code, **_contact_values(r.contact)}
    current = set() if r.id is None else set(session.scalars(
        select(ResultPatentRow.number).where(ResultPatentRow.result_id == r.id)))
    row, what = _write(session, ResultRow, r.id, values, status="active", words=words, source=r.source, actor=actor,
                       also_changed=r.id is not None and current != set(r.patents))
    for p in current - set(r.patents):
        session.delete(session.get(ResultPatentRow, p))
    session.flush()
    for p in set(r.patents) - current:
        session.add(ResultPatentRow(number=p, result_id=row.id))
    return row.id, what


def _names(industry: str | None, discipline: str | None) -> tuple[str | None, str | None]:
    i, d = industries().get(industry), disciplines().get(discipline)
    return (i.name if i else None), (d.name if d else None)


def _region_name(code: str | None) -> str | None:
    from innodrive.regions import all_regions

    r = all_regions().get(code) if code else None
    return r.name if r else None


def result_model(row: ResultRow, patents: list[str], *, converted: bool = False) -> Result:
    iname, dname = _names(row.industry_code, row.discipline_code)
    return Result(id=row.id, title=row.title, holder=row.holder, holder_kind=row.holder_kind,
                  holder_credit_code=row.holder_credit_code, industry_code=row.industry_code, industry_name=iname,
                  discipline_code=row.discipline_code, discipline_name=dname, trl=row.trl, patents=sorted(patents),
                  transfer_modes=split(row.transfer_modes), price_wan=row.price_wan, abstract=row.abstract,
                  keywords=split(row.keywords), region_code=row.region_code,
                  region_name=_region_name(row.region_code),
                  contact=Contact(name=row.contact_name, phone=row.contact_phone, email=row.contact_email),
                  status=row.status, converted=converted, source=row.source, created_at=row.created_at,
                  updated_at=row.updated_at)


def _patents_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for i in range(0, len(ids), 500):
        for number, rid in session.execute(select(ResultPatentRow.number, ResultPatentRow.result_id)
                                           .where(ResultPatentRow.result_id.in_(ids[i:i + 500]))):
            out.setdefault(rid, []).append(number)
    return out


def _converted(session: Session, ids: list[int]) -> set[int]:
    out: set[int] = set()
    for i in range(0, len(ids), 500):
        out.update(session.scalars(select(PairingRow.result_id).join(ContractRow, ContractRow.pairing_id == PairingRow.id)
                                   .where(PairingRow.result_id.in_(ids[i:i + 500]))))
    return out


def _rows_by_id(session: Session, table, ids: Iterable[int]) -> list:
    wanted = sorted(set(ids))
    rows: list = []
    for i in range(0, len(wanted), 500):
        rows.extend(session.scalars(select(table).where(table.id.in_(wanted[i:i + 500]))))
    return rows


def results_by_id(session: Session, ids: Iterable[int]) -> dict[int, Result]:
    rows = _rows_by_id(session, ResultRow, ids)
    patents = _patents_of(session, [r.id for r in rows])
    converted = _converted(session, [r.id for r in rows])
    return {r.id: result_model(r, patents.get(r.id, []), converted=r.id in converted) for r in rows}


class ResultFilter(BaseModel):
    text: str = ""                     # in title, holder, keywords or abstract
    region_code: str | None = None     # the region and everything under it
    industry_code: str | None = None   # a 大类, or a 门类 and its 大类
    discipline_code: str | None = None
    trl_min: int | None = None
    holder_kind: str | None = None
    transfer_mode: str | None = None
    max_price_wan: float | None = None
    include_withdrawn: bool = False


def _region_codes_under(code: str) -> list[str]:
    from innodrive.regions import all_regions

    regions = all_regions()
    return [r.code for r in regions if regions.is_within(r.code, code)]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "").replace("%", "").replace("_", "") + "%"


def search_results(session: Session, f: ResultFilter, *, limit: int = 50, offset: int = 0) -> tuple[int, list[Result]]:
    """(how many match, one page of them, newest first)."""
    q = select(ResultRow)
    if not f.include_withdrawn:
        q = q.where(ResultRow.status == "active")
    for word in f.text.split():
        like = _like(word)
        q = q.where(or_(ResultRow.title.like(like), ResultRow.holder.like(like), ResultRow.abstract.like(like),
                        ResultRow.keywords.like(like)))
    if f.region_code:
        q = q.where(ResultRow.region_code.in_(_region_codes_under(f.region_code)))
    if f.industry_code:
        q = q.where(ResultRow.industry_code.in_(_codes_under(industries(), f.industry_code)))
    if f.discipline_code:
        q = q.where(ResultRow.discipline_code.in_(_codes_under(disciplines(), f.discipline_code)))
    if f.trl_min:
        q = q.where(ResultRow.trl >= f.trl_min)
    if f.holder_kind:
        q = q.where(ResultRow.holder_kind == f.holder_kind)
    if f.max_price_wan is not None:
        q = q.where(ResultRow.price_wan <= f.max_price_wan)
    if f.transfer_mode:
        q = q.where(ResultRow.transfer_modes.like(_like(f.transfer_mode)))
    total = session.scalar(select(func.count()).select_from(q.subquery()))
    rows = list(session.scalars(q.order_by(ResultRow.id.desc()).limit(limit).offset(offset)))
    patents = _patents_of(session, [r.id for r in rows])
    converted = _converted(session, [r.id for r in rows])
    return total, [result_model(r, patents.get(r.id, []), converted=r.id in converted) for r in rows]


def _codes_under(table, code: str) -> list[str]:
    return [c.code for c in table if c.code == code or c.parent == code]


# --------------------------------------------------------------------------- demands

def check_demands(session: Session, rows: list[tuple[int, DemandIn]], *, file: str | None
                  ) -> tuple[list[Problem], list]:
    """Problems of demand rows against the store, and the enterprises to add to the
    directory (new credit codes that came with a name and a region)."""
    from innodrive.enterprises import directory
    from innodrive.enterprises.directory import Enterprise

    problems: list[Problem] = []
    ids = [r.id for _, r in rows if r.id is not None]
    known = set(session.scalars(select(DemandRow.id).where(DemandRow.id.in_(ids)))) if ids else set()
    for number, r in rows:
        if r.id is not None and r.id not in known:
            problems.append(Problem(f"需求编号 {r.id} 不存在（新需求请留空）", file=file, row=number, field="需求编号"))
    firms = directory.get_many(session, [r.credit_code for _, r in rows])
    new: dict[str, Enterprise] = {}
    for number, r in rows:
        firm = firms.get(r.credit_code)
        if firm is None and r.credit_code not in new:
            if not r.enterprise_name:
                problems.append(Problem(f"企业名录中没有统一社会信用代码为 {r.credit_code} 的企业：请填写企业名称以便登记",
                                        file=file, row=number, field="企业名称"))
                continue
            if not r.region_code:
                problems.append(Problem("新登记的企业须填写所在地区", file=file, row=number, field="所在地区"))
                continue
            new[r.credit_code] = Enterprise(credit_code=r.credit_code, name=r.enterprise_name,
                                            region_code=r.region_code, source=file)
        region = r.region_code or (firm.region_code if firm else None) or (
            new[r.credit_code].region_code if r.credit_code in new else None)
        if region is None:
            problems.append(Problem("企业名录中该企业没有所在地区：请填写需求的所在地区", file=file, row=number,
                                    field="所在地区"))
        else:
            r.region_code = region
    return problems, list(new.values())


def save_demand(session: Session, r: DemandIn, *, words: str, actor: str) -> tuple[int, str]:
    values = {"credit_code": r.credit_code, "title": r.title, "problem": r.problem, "industry_code": r.industry_code,
              "discipline_code": r.discipline_code, "trl_min": r.trl_min, "budget_wan": r.budget_wan,
              "deadline": r.deadline, "region_code": r.region_code, "confidential": r.confidential,
              "keywords": join(r.keywords), **_contact_values(r.contact)}
    row, what = _write(session, DemandRow, r.id, values, status="open", words=words, source=r.source, actor=actor)
    return row.id, what


def demand_model(row: DemandRow, enterprise_name: str | None) -> Demand:
    iname, dname = _names(row.industry_code, row.discipline_code)
    return Demand(id=row.id, credit_code=row.credit_code, enterprise_name=enterprise_name, title=row.title,
                  problem=row.problem, industry_code=row.industry_code, industry_name=iname,
                  discipline_code=row.discipline_code, discipline_name=dname, trl_min=row.trl_min,
                  budget_wan=row.budget_wan, deadline=row.deadline, region_code=row.region_code,
                  region_name=_region_name(row.region_code), confidential=row.confidential,
                  keywords=split(row.keywords),
                  contact=Contact(name=row.contact_name, phone=row.contact_phone, email=row.contact_email),
                  status=row.status, source=row.source, created_at=row.created_at, updated_at=row.updated_at)


def _enterprise_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    from innodrive.enterprises import directory

    return {c: e.name for c, e in directory.get_many(session, codes).items()}


def demands_by_id(session: Session, ids: Iterable[int]) -> dict[int, Demand]:
    rows = _rows_by_id(session, DemandRow, ids)
    names = _enterprise_names(session, [r.credit_code for r in rows])
    return {r.id: demand_model(r, names.get(r.credit_code)) for r in rows}


class DemandFilter(BaseModel):
    text: str = ""
    region_codes: list[str] | None = None   # already expanded (scope and filter)
    industry_code: str | None = None
    credit_code: str | None = None
    include_confidential: bool = False
    include_closed: bool = False


def search_demands(session: Session, f: DemandFilter, *, limit: int = 50, offset: int = 0) -> tuple[int, list[Demand]]:
    q = select(DemandRow)
    if not f.include_closed:
        q = q.where(DemandRow.status == "open")
    if not f.include_confidential:
        q = q.where(DemandRow.confidential.is_(False))
    for word in f.text.split():
        like = _like(word)
        q = q.where(or_(DemandRow.title.like(like), DemandRow.problem.like(like), DemandRow.keywords.like(like)))
    if f.region_codes is not None:
        q = q.where(DemandRow.region_code.in_(f.region_codes))
    if f.industry_code:
        q = q.where(DemandRow.industry_code.in_(_codes_under(industries(), f.industry_code)))
    if f.credit_code:
        q = q.where(DemandRow.credit_code == f.credit_code)
    total = session.scalar(select(func.count()).select_from(q.subquery()))
    rows = list(session.scalars(q.order_by(DemandRow.id.desc()).limit(limit).offset(offset)))
    names = _enterprise_names(session, [r.credit_code for r in rows])
    return total, [demand_model(r, names.get(r.credit_code)) for r in rows]


# --------------------------------------------------------------------------- for matching

def revision(session: Session, kind: str) -> tuple:
    """A key that changes whenever the records of ``kind`` change (count, last id, last
    update): the matcher's index cache is keyed by it."""
    table = ResultRow if kind == "result" else DemandRow
    return tuple(session.execute(select(func.count(table.id), func.max(table.id), func.max(table.updated_at))).one())


def match_rows(session: Session, kind: str) -> list[tuple]:
    """The fields the matcher needs of every active result / open demand."""
    if kind == "result":
        q = (select(ResultRow.id, ResultRow.title, ResultRow.keywords, ResultRow.abstract, ResultRow.words,
                    ResultRow.industry_code, ResultRow.discipline_code, ResultRow.trl, ResultRow.price_wan,
                    ResultRow.region_code, ResultRow.words_version)
             .where(ResultRow.status == "active").order_by(ResultRow.id))
    else:
        q = (select(DemandRow.id, DemandRow.title, DemandRow.keywords, DemandRow.problem, DemandRow.words,
                    DemandRow.industry_code, DemandRow.discipline_code, DemandRow.trl_min, DemandRow.budget_wan,
                    DemandRow.region_code, DemandRow.words_version, DemandRow.confidential)
             .where(DemandRow.status == "open").order_by(DemandRow.id))
    return list(session.execute(q))
