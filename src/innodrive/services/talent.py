"""Use cases of the talent one-stop service: registry, 英才卡, service requests, counts.

Every function takes the store and the acting :class:`~innodrive.services.actor.Actor`,
checks the right (``talent.*`` in :mod:`innodrive.services.access`) and the scope (a
区县 account reaches the talent of its county; a handling unit only the requests routed
to it), writes the audit log under ``actor.username`` in the same transaction as the
change, and returns pydantic view models with English keys.

Personal data (个人信息保护法): views are *masked* unless the function's name says
otherwise (:func:`view_personal`, :func:`request_contact`, :func:`export_talents` with
``unmasked=True``, :func:`export_person`); those require ``talent.personal`` (or
``talent.requests.contact`` for the contact of a request routed to the unit), a stated
purpose, and write one audit entry per view or export naming the record numbers and
the purpose — never the data itself. Audit summaries never contain a name or an ID
number, only record numbers (``T000012``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.errors import Conflict, Forbidden, InputError, NotFound, Problem, ValidationFailed
from innodrive.services.access import can, require
from innodrive.services.actor import Actor, Role
from innodrive.store import audit
from innodrive.talent import cards as card_rules
from innodrive.talent import crypto, masking
from innodrive.talent import repository as repo
from innodrive.talent import requests as req_rules
from innodrive.talent.catalogue import Catalogue, catalogue_for
from innodrive.talent.counts import CountCell, IndicatorRule, IndicatorValue
from innodrive.talent.db import (
    TalentCardEventRow,
    TalentCardRow,
    TalentCategoryRow,
    TalentRequestEventRow,
    TalentRequestRow,
    TalentRow,
)
from innodrive.talent.records import HEADERS, LABELS, REQUIRED, CleanTalent, TalentInput, check_talent

Progress = Callable[[str, int, int], None]
EMPLOYMENT_LABELS = {"全职": "全职", "柔性": "柔性"}
CARD_STATUS_LABELS = {"active": "有效", "expired": "已过期", "revoked": "已注销", "replaced": "已换发"}
OUTCOMES = {"resolved": "已办结", "declined": "不予办理"}
COUNT_INDICATORS = ("top_leading_talent_count", "high_level_talent_count", "high_level_talent_new_count")


def _today(day: dt.date | None) -> dt.date:
    return day or dt.date.today()


def _action_day(day: dt.date | None, what: str) -> dt.date:
    """The date an action is recorded on: today by default, never in the future (a card
    cannot be issued, nor a request answered, tomorrow)."""
    today = dt.date.today()
    if day is None:
        return today
    if day > today:
        raise InputError(f"{what} {day.isoformat()} 晚于今天", field="on")
    return day


def _region_name(code: str | None) -> str | None:
    if code is None:
        return None
    from innodrive.regions import all_regions

    r = all_regions().get(code)
    return r.name if r else code


def _required_text(value: str | None, message: str, *, field: str = "reason") -> str:
    """A reason or purpose that must be written (two characters at least)."""
    text = (value or "").strip()
    if len(text) < 2:
        raise InputError(message, field=field)
    return text[:200]


def _purpose(purpose: str | None) -> str:
    return _required_text(purpose, "查看或导出未脱敏的个人信息须写明用途（如“办理落户手续核对身份”）", field="purpose")


# ====================================================================== views


class CardView(BaseModel):
    number: str
    talent_id: int | None
    talent_number: str | None
    holder: str | None                 # masked name
    card_type: str
    card_name: str
    issued_on: dt.date
    valid_to: dt.date
    status: str                        # active | expired | revoked | replaced
    status_label: str
    closed_on: dt.date | None = None
    close_reason: str | None = None
    rules_version: str
    rule_id: str
    reason: str


class TalentView(BaseModel):
    """One talent; ``masked`` says whether the personal fields are masked."""

    id: int
    number: str
    masked: bool
    name: str
    id_type: str
    id_number: str
    birth: str | None
    phone: str | None = None
    email: str | None = None
    employer_name: str | None = None
    employer_code: str | None = None
    employer_kind: str | None = None
    region_code: str
    region_name: str | None = None
    field: str | None = None
    titles: list[str] = Field(default_factory=list)
    honours: list[str] = Field(default_factory=list)
    education: str | None = None
    category: str | None = None
    category_name: str | None = None
    criterion: str | None = None
    catalogue_version: str | None = None
    recognised_on: dt.date | None = None
    arrival_date: dt.date
    employment: str
    departure_date: dt.date | None = None
    card: CardView | None = None


class RegisterResult(BaseModel):
    talent: TalentView
    warnings: list[str] = Field(default_factory=list)
    possible_duplicates: list[str] = Field(default_factory=list)


class CategoryRecord(BaseModel):
    category: str
    criterion: str | None
    catalogue_version: str
    recognised_on: dt.date


class RequestView(BaseModel):
    id: int
    number: str
    talent_number: str | None
    applicant: str                    # masked name, or （已删除）
    service: str
    service_name: str
    unit: str
    region_code: str | None
    rules_version: str
    submitted_on: dt.date
    time_limit: str
    deadline: dt.date
    deadline_notes: list[str] = Field(default_factory=list)
    status: str
    status_label: str
    answered_on: dt.date | None = None
    overdue: bool = False
    overdue_days: int = 0
    due_soon: bool = False
    escalation_level: int = 0
    escalation_name: str | None = None
    escalation_due: str | None = None  # a step reached but not yet recorded
    satisfaction: int | None = None
    satisfaction_label: str | None = None
    exception_reason: str | None = None
    anonymised: bool = False


class RequestEvent(BaseModel):
    kind: str
    on: dt.date
    unit: str | None
    level: int | None
    note: str | None
    by: str


class RequestDetail(RequestView):
    description: str | None = None
    answer: str | None = None
    answered_by: str | None = None
    events: list[RequestEvent] = Field(default_factory=list)


class TalentDetail(BaseModel):
    talent: TalentView
    categories: list[CategoryRecord]
    cards: list[CardView]
    requests: list[RequestView]


class TalentPage(BaseModel):
    total: int
    items: list[TalentView]


class ContactView(BaseModel):
    request_number: str
    talent_number: str
    name: str
    phone: str | None
    email: str | None


def _card_status(row: TalentCardRow, on: dt.date) -> str:
    if row.status == "active" and row.valid_to < on:
        return "expired"
    return row.status


def _card_view(row: TalentCardRow, *, holder: str | None, on: dt.date) -> CardView:
    status = _card_status(row, on)
    name = (row.decision or {}).get("card_name") or row.card_type
    return CardView(number=row.number, talent_id=row.talent_id, talent_number=repo.display_number(row.talent_id),
                    holder=holder, card_type=row.card_type, card_name=name, issued_on=row.issued_on,
                    valid_to=row.valid_to, status=status, status_label=CARD_STATUS_LABELS[status],
                    closed_on=row.closed_on, close_reason=row.close_reason, rules_version=row.rules_version,
                    rule_id=row.rule_id, reason=(row.decision or {}).get("reason", ""))


def _talent_view(p: repo.Person, *, unmasked: bool, card: CardView | None = None) -> TalentView:
    """The one place that decides what a view of a person shows."""
    category_name = None
    if p.category:
        try:
            c = catalogue_for(p.recognised_on or p.arrival_date, version=p.catalogue_version).category(p.category)
            category_name = c.name if c else None
        except NotFound:
            category_name = None
    if unmasked:
        name, idn, birth, phone, email = p.name, p.id_number, p.birth_date.isoformat(), p.phone, p.email
    else:
        name, idn = masking.name(p.name), masking.id_number(p.id_number)
        birth, phone, email = masking.birth_date(p.birth_date), masking.phone(p.phone), masking.email(p.email)
    return TalentView(id=p.id, number=p.number, masked=not unmasked, name=name, id_type=p.id_type, id_number=idn,
                      birth=birth, phone=phone, email=email, employer_name=p.employer_name,
                      employer_code=p.employer_code, employer_kind=p.employer_kind, region_code=p.region_code,
                      region_name=_region_name(p.region_code), field=p.field, titles=p.titles, honours=p.honours,
                      education=p.education, category=p.category, category_name=category_name,
                      criterion=p.criterion, catalogue_version=p.catalogue_version, recognised_on=p.recognised_on,
                      arrival_date=p.arrival_date, employment=p.employment, departure_date=p.departure_date,
                      card=card)


def _current_card(session: Session, talent_id: int, on: dt.date) -> TalentCardRow | None:
    rows = session.scalars(select(TalentCardRow).where(TalentCardRow.talent_id == talent_id,
                                                       TalentCardRow.status == "active")
                           .order_by(TalentCardRow.issued_on.desc(), TalentCardRow.id.desc())).all()
    return rows[0] if rows else None


def _person_row(session: Session, actor: Actor, talent_id: int | str, permission: str) -> TalentRow:
    tid = repo.parse_number(talent_id) if isinstance(talent_id, str) else talent_id
    row = session.get(TalentRow, tid)
    if row is None or not can(actor, permission, region_code=row.region_code, check_region=True):
        # outside the actor's scope looks exactly like absent: no probing of who is registered
        raise NotFound(f"人才库中没有编号为 {repo.display_number(tid)} 的人才")
    return row


# ====================================================================== registry


def register_talent(store, actor: Actor, item: TalentInput, *, today: dt.date | None = None,
                    source: str | None = None) -> RegisterResult:
    """Register one person (checked like an import row); a registered ID number is a conflict."""
    from innodrive.enterprises import directory

    require(actor, "talent.write")
    crypto.keyring()
    today = _today(today)

    def work(session: Session) -> RegisterResult:
        ents = directory.get_many(session, [item.employer_code] if item.employer_code else [])
        clean, problems = check_talent(item, directory=ents, today=today)
        if problems:
            raise ValidationFailed(f"人才信息有 {len(problems)} 处问题，未登记：{problems[0]}", problems=problems)
        assert clean is not None
        require(actor, "talent.write", region_code=clean.region_code, check_region=True, what=_region_name(
            clean.region_code))
        existing = repo.by_id_hmac(session, [repo.id_digest(clean.id_type, clean.id_number)])
        if existing:
            other = next(iter(existing.values()))
            raise Conflict(f"该证件号码已登记为人才 {repo.display_number(other.id)}：请修改该记录，不要重复登记")
        same = repo.by_person_hmac(session, [repo.person_digest(clean.name, clean.birth_date)])
        row = repo.insert(session, clean, actor=actor.username, source=source)
        maybe = [repo.display_number(r.id) for r in same.get(row.person_hmac, []) if r.id != row.id]
        warnings = list(clean.warnings)
        if maybe:
            warnings.append(f"姓名和出生日期与人才 {'、'.join(maybe)} 相同（证件不同），可能是同一人，请核对")
        audit.record(session, actor=actor.username, action="talent.register", entity="talent", entity_id=row.id,
                     summary=f"登记人才 {repo.display_number(row.id)}（{clean.category or '未认定'}类，"
                             f"{_region_name(clean.region_code)}，{clean.employment}）",
                     after={"category": clean.category, "region_code": clean.region_code,
                            "employment": clean.employment, "arrival_date": clean.arrival_date})
        return RegisterResult(talent=_talent_view(repo.to_person(row), unmasked=False), warnings=warnings,
                              possible_duplicates=maybe)

    return store.run(work)


def update_talent(store, actor: Actor, talent_id: int | str, changes: dict[str, object], *,
                  today: dt.date | None = None) -> RegisterResult:
    """Change fields of a record (keys as in :class:`TalentInput`); the whole record is re-checked.

    A new category with a new ``recognised_on`` adds to the category history, so past
    years keep being counted in the category they had."""
    from innodrive.enterprises import directory

    require(actor, "talent.write")
    unknown = sorted(set(changes) - set(TalentInput.model_fields))
    if unknown:
        raise InputError(f"不能修改的字段：{'、'.join(unknown)}")
    today = _today(today)

    def work(session: Session) -> RegisterResult:
        row = _person_row(session, actor, talent_id, "talent.write")
        p = repo.to_person(row)
        base = {f: getattr(p, f) for f in TalentInput.model_fields if hasattr(p, f) and getattr(p, f) is not None}
        base["region"] = p.region_code
        if "category" in changes and "recognised_on" not in changes and changes["category"] != p.category:
            base["recognised_on"] = None  # a new recognition: defaults to the arrival date unless given
        if "employer_code" in changes and "region" not in changes:
            base.pop("region")
        item = TalentInput(**{**base, **changes})
        ents = directory.get_many(session, [item.employer_code] if item.employer_code else [])
        clean, problems = check_talent(item, directory=ents, today=today)
        if problems:
            raise ValidationFailed(f"修改后的人才信息有 {len(problems)} 处问题，未保存：{problems[0]}", problems=problems)
        assert clean is not None
        require(actor, "talent.write", region_code=clean.region_code, check_region=True)
        new_hmac = repo.id_digest(clean.id_type, clean.id_number)
        if new_hmac != row.id_hmac and repo.by_id_hmac(session, [new_hmac]):
            raise Conflict("新的证件号码已登记为另一位人才，不能改为该号码")
        before = {"category": row.category, "region_code": row.region_code, "employment": row.employment,
                  "departure_date": row.departure_date, "employer_code": row.employer_code}
        changed = repo.update(session, row, clean, actor=actor.username)
        if changed:
            audit.record(session, actor=actor.username, action="talent.update", entity="talent", entity_id=row.id,
                         summary=f"修改人才 {repo.display_number(row.id)}：{'、'.join(changed)}",
                         before=before, after={k: getattr(row, k) for k in before})
        return RegisterResult(talent=_talent_view(repo.to_person(row), unmasked=False), warnings=clean.warnings)

    return store.run(work)


class ImportReport(BaseModel):
    file: str
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    dry_run: bool = False
    ignored_columns: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    duplicates: list[str] = Field(default_factory=list)


OnDuplicate = Literal["error", "skip", "update"]


def _import_columns(header: list[str], file: str) -> tuple[dict[int, str], list[str]]:
    from innodrive.tabular import norm_header

    lookup = {norm_header(h): f for f, names in HEADERS.items() for h in names}
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    for i, h in enumerate(header):
        f = lookup.get(norm_header(h))
        if f is None:
            if h:
                ignored.append(h)
        elif f in mapping.values():
            raise InputError(f"“{LABELS[f]}”列出现了两次（第二次为“{h}”）", file=file)
        else:
            mapping[i] = f
    missing = [LABELS[f] for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise InputError(f"人才登记表缺少必需的列：{'、'.join(missing)}（表头应与模板一致）", file=file)
    return mapping, ignored


def import_talents(store, actor: Actor, source: bytes | str | Path, *, name: str | None = None,
                   sheet: str | None = None, on_duplicate: OnDuplicate = "error", dry_run: bool = False, today: dt.date | None = None,
                   progress: Progress | None = None) -> ImportReport:
    """Import a registry table (CSV/XLSX). Every row is checked first; any bad row — a
    wrong GB 11643 check digit, an unknown employer, the same ID twice — is named and
    nothing is written. ID numbers already registered are errors, or skipped, or update
    the existing records (``on_duplicate``)."""
    from innodrive.enterprises import directory
    from innodrive.tabular import open_table

    require(actor, "talent.write")
    if on_duplicate not in ("error", "skip", "update"):
        raise InputError("重复处理方式应为 error、skip 或 update")
    crypto.keyring()
    today = _today(today)
    expected = [h for names in HEADERS.values() for h in names]
    table = open_table(source, name=name, sheet=sheet, expected=expected)
    file = table.name
    mapping, ignored = _import_columns(table.header, table.where)
    raw: list[tuple[int, TalentInput]] = []
    for row_no, cells in table.rows():
        values = {f: (cells[i] if i < len(cells) else None) for i, f in mapping.items()}
        for f, v in list(values.items()):
            if isinstance(v, str):
                values[f] = v.strip() or None
            elif isinstance(v, dt.datetime):
                values[f] = v.date()
            elif isinstance(v, float | int) and not isinstance(v, bool) and f not in ("id_number",):
                values[f] = str(int(v)) if float(v).is_integer() else str(v)
        values = {k: v for k, v in values.items() if v is not None}
        if "id_number" not in values:
            values["id_number"] = ""
        raw.append((row_no, TalentInput(**values)))
        if progress and len(raw) % 500 == 0:
            progress("读取", len(raw), 0)
    if not raw:
        raise InputError("人才登记表没有数据行", file=file)

    def work(session: Session) -> ImportReport:
        codes = [t.employer_code for _, t in raw if t.employer_code]
        ents = directory.get_many(session, [c for c in codes if str(c).strip()])
        problems: list[Problem] = []
        warnings: list[str] = []
        cleaned: list[tuple[int, CleanTalent, str]] = []
        seen: dict[str, int] = {}
        for n, (row_no, item) in enumerate(raw, start=1):
            clean, probs = check_talent(item, directory=ents, today=today, row=row_no, file=table.where)
            problems += probs
            if progress and n % 200 == 0:
                progress("校验", n, len(raw))
            if clean is None:
                continue
            if not can(actor, "talent.write", region_code=clean.region_code, check_region=True):
                problems.append(Problem(f"地区 {_region_name(clean.region_code)} 不在本账号的辖区内", file=table.where,
                                        row=row_no, field=LABELS["region"]))
                continue
            h = repo.id_digest(clean.id_type, clean.id_number)
            if h in seen:
                problems.append(Problem(f"证件号码与第 {seen[h]} 行重复", file=table.where, row=row_no,
                                        field=LABELS["id_number"]))
                continue
            seen[h] = row_no
            warnings += [str(Problem(w, file=table.where, row=row_no)) for w in clean.warnings]
            cleaned.append((row_no, clean, h))
        existing = repo.by_id_hmac(session, [h for _, _, h in cleaned])
        duplicates = []
        for row_no, _clean, h in cleaned:
            if h in existing:
                other = existing[h]
                duplicates.append(f"第 {row_no} 行：证件号码已登记为人才 {repo.display_number(other.id)}")
                if on_duplicate == "error":
                    problems.append(Problem(f"证件号码已登记为人才 {repo.display_number(other.id)}（可选择跳过或更新已登记的人才）",
                                            file=table.where, row=row_no, field=LABELS["id_number"]))
                elif on_duplicate == "update" and not can(actor, "talent.write", region_code=other.region_code,
                                                          check_region=True):
                    problems.append(Problem(f"已登记的人才 {repo.display_number(other.id)} 不在本账号的辖区内，不能更新",
                                            file=table.where, row=row_no, field=LABELS["id_number"]))
        persons = [(row_no, c) for row_no, c, h in cleaned if h not in existing]
        by_person: dict[str, list[int]] = {}
        for row_no, c in persons:
            by_person.setdefault(repo.person_digest(c.name, c.birth_date), []).append(row_no)
        stored_same = repo.by_person_hmac(session, list(by_person))
        for ph, rows in by_person.items():
            others = [repo.display_number(r.id) for r in stored_same.get(ph, [])]
            if len(rows) > 1 or others:
                where = "、".join(f"第 {r} 行" for r in rows)
                also = f"与已登记的人才 {'、'.join(others)}" if others else "互相"
                warnings.append(f"{where}{also}姓名和出生日期相同（证件不同），可能是同一人，请核对")
        if problems:
            raise ValidationFailed(f"人才登记表有 {len(problems)} 处问题，未导入任何记录：{problems[0]}",
                                   file=table.where, problems=problems)
        report = ImportReport(file=file, rows=len(raw), dry_run=dry_run, ignored_columns=ignored, warnings=warnings,
                              duplicates=duplicates)
        for i, (_row_no, clean, h) in enumerate(cleaned, start=1):
            if h in existing:
                if on_duplicate == "skip":
                    report.skipped += 1
                elif (repo.differences(existing[h], clean) if dry_run
                      else repo.update(session, existing[h], clean, actor=actor.username, source=file)):
                    report.updated += 1
                else:
                    report.unchanged += 1
            else:
                if not dry_run:
                    repo.insert(session, clean, actor=actor.username, source=file)
                report.added += 1
            if progress and i % 200 == 0:
                progress("写入", i, len(cleaned))
        if not dry_run:
            audit.record(session, actor=actor.username, action="talent.import", entity="talent", entity_id=None,
                         summary=f"导入人才登记表 {file}（{table.sha256[:12]}）：新增 {report.added} 人，更新 {report.updated} 人，"
                                 f"未变 {report.unchanged} 人，跳过 {report.skipped} 人",
                         after={"file": file, "sha256": table.sha256, "added": report.added,
                                "updated": report.updated, "skipped": report.skipped})
        return report

    return store.run(work)


def _people(session: Session, actor: Actor, *, text: str | None, category: str | None, region_code: str | None,
            employment: str | None, include_departed: bool, on: dt.date) -> list[repo.Person]:
    """The decrypted people in the actor's scope matching the filters (inside a service call only)."""
    from innodrive.talent.catalogue import normalise_category

    want = (text or "").strip()
    q = select(TalentRow).order_by(TalentRow.id)
    if category:
        q = q.where(TalentRow.category == normalise_category(category))
    if employment:
        q = q.where(TalentRow.employment == employment)
    out: list[repo.Person] = []
    for r in session.scalars(q):
        if not actor.covers(r.region_code) or (region_code is not None and not _within(r.region_code, region_code)):
            continue
        if not include_departed and r.departure_date is not None and r.departure_date <= on:
            continue
        p = repo.to_person(r)
        if want and not any(want in (s or "") for s in (p.name, p.employer_name, p.field, *p.honours, *p.titles)):
            continue
        out.append(p)
    return out


def _views(session: Session, people: list[repo.Person], *, on: dt.date, unmasked: bool = False) -> list[TalentView]:
    """Views of ``people`` with their current cards (one query for all the cards)."""
    ids = [p.id for p in people]
    cards: dict[int, TalentCardRow] = {}
    for i in range(0, len(ids), 500):
        for c in session.scalars(select(TalentCardRow).where(TalentCardRow.talent_id.in_(ids[i:i + 500]),
                                                             TalentCardRow.status == "active")
                                 .order_by(TalentCardRow.issued_on, TalentCardRow.id)):
            cards[c.talent_id] = c  # the latest active card wins
    return [_talent_view(p, unmasked=unmasked,
                         card=_card_view(cards[p.id], holder=masking.name(p.name), on=on) if p.id in cards else None)
            for p in people]


def list_talents(store, actor: Actor, *, text: str | None = None, category: str | None = None,
                 region: str | None = None, employment: str | None = None, include_departed: bool = True,
                 on: dt.date | None = None, limit: int = 100, offset: int = 0) -> TalentPage:
    """Talent in the actor's scope, masked; ``text`` matches name, employer, field or honours."""
    require(actor, "talent.read")
    on = _today(on)
    region_code = _resolve_region(region, actor) if region else None
    with store.read() as session:
        people = _people(session, actor, text=text, category=category, region_code=region_code,
                         employment=employment, include_departed=include_departed, on=on)
        page = people[max(0, offset): max(0, offset) + max(1, min(limit, 1000))]
        return TalentPage(total=len(people), items=_views(session, page, on=on))


def _within(code: str, ancestor: str) -> bool:
    from innodrive.regions import all_regions

    return code == ancestor or all_regions().is_within(code, ancestor)


def _resolve_region(text: str, actor: Actor | None = None) -> str:
    """A region named by a person: looked for inside the actor's own region first
    (a 乐山 account's “市中区” is 乐山市市中区), then anywhere."""
    from innodrive.regions import try_resolve

    found, problem = try_resolve(text)
    if found is not None:
        return found.code
    if actor is not None and actor.region_code:
        # only an ambiguous name is looked for inside the actor's region (resolving a name
        # that is not inside it, within it, does not terminate in innodrive.regions today)
        inside, _ = try_resolve(text, within=actor.region_code) if "多个地区" in (problem or "") else (None, None)
        if inside is not None:
            return inside.code
    raise InputError(problem or f"未知的地区“{text}”", field="region")


def get_talent(store, actor: Actor, talent_id: int | str, *, on: dt.date | None = None) -> TalentDetail:
    """One talent (masked) with the category history, cards and requests."""
    require(actor, "talent.read")
    on = _today(on)
    with store.read() as session:
        row = _person_row(session, actor, talent_id, "talent.read")
        p = repo.to_person(row)
        holder = masking.name(p.name)
        card_rows = session.scalars(select(TalentCardRow).where(TalentCardRow.talent_id == row.id)
                                    .order_by(TalentCardRow.issued_on, TalentCardRow.id)).all()
        cards_ = [_card_view(c, holder=holder, on=on) for c in card_rows]
        current = _current_card(session, row.id, on)
        cats = [CategoryRecord(category=c.category, criterion=c.criterion, catalogue_version=c.catalogue_version,
                               recognised_on=c.recognised_on)
                for c in session.scalars(select(TalentCategoryRow).where(TalentCategoryRow.talent_id == row.id)
                                         .order_by(TalentCategoryRow.recognised_on))]
        reqs = [_request_view(r, applicant=holder, on=on)
                for r in session.scalars(select(TalentRequestRow).where(TalentRequestRow.talent_id == row.id)
                                         .order_by(TalentRequestRow.submitted_on, TalentRequestRow.id))]
        view = _talent_view(p, unmasked=False, card=_card_view(current, holder=holder, on=on) if current else None)
    return TalentDetail(talent=view, categories=cats, cards=cards_, requests=reqs)


def view_personal(store, actor: Actor, talent_id: int | str, *, purpose: str) -> TalentView:
    """The unmasked record, for a stated purpose; the view is audited under the actor."""
    require(actor, "talent.personal")
    why = _purpose(purpose)
    crypto.keyring()

    def work(session: Session) -> TalentView:
        row = _person_row(session, actor, talent_id, "talent.personal")
        p = repo.to_person(row)
        audit.record(session, actor=actor.username, action="talent.view_personal", entity="talent", entity_id=row.id,
                     summary=f"查看人才 {p.number} 的未脱敏个人信息（用途：{why}）", after={"purpose": why})
        return _talent_view(p, unmasked=True)

    return store.run(work)


def find_talent(store, actor: Actor, id_number: str, *, id_type: str | None = None) -> TalentView:
    """The talent holding this ID document (by keyed hash, without decrypting the register)."""
    from innodrive.talent import idnumbers

    require(actor, "talent.read")
    crypto.keyring()
    number = idnumbers.normalise(id_number)
    kinds = [idnumbers.id_type(id_type)] if id_type else list(idnumbers.ID_TYPES)
    if None in kinds:
        raise InputError(f"证件类型“{id_type}”无法识别")
    with store.read() as session:
        found = repo.by_id_hmac(session, [repo.id_digest(k, number) for k in kinds])
        rows = [r for r in found.values() if actor.covers(r.region_code)]
        if not rows:
            raise NotFound("人才库中（本账号辖区内）没有持该证件号码的人才")
        p = repo.to_person(rows[0])
    return _talent_view(p, unmasked=False)


class DuplicateGroup(BaseModel):
    reason: str
    members: list[TalentView]


def find_duplicates(store, actor: Actor) -> list[DuplicateGroup]:
    """Records that are probably one person: the same name and birth date under different
    ID documents (a foreign expert registered once by passport, once by 永久居留身份证)."""
    require(actor, "talent.read")
    with store.read() as session:
        groups: dict[str, list[TalentRow]] = {}
        for r in session.scalars(select(TalentRow).order_by(TalentRow.id)):
            if actor.covers(r.region_code):
                groups.setdefault(r.person_hmac, []).append(r)
        out = [DuplicateGroup(reason="姓名和出生日期相同、证件不同",
                              members=[_talent_view(repo.to_person(r), unmasked=False) for r in rows])
               for rows in groups.values() if len(rows) > 1]
    return out


class ExportResult(BaseModel):
    path: str
    rows: int
    masked: bool


EXPORT_HEADER = ["人才编号", "姓名", "证件类型", "证件号码", "出生日期", "联系电话", "电子邮箱", "工作单位", "统一社会信用代码",
                 "所在地区", "从事领域", "职称", "荣誉称号", "学历学位", "人才类别", "认定依据", "认定日期", "到岗日期", "引进方式",
                 "离开日期", "英才卡号", "卡别", "有效期至"]


def export_talents(store, actor: Actor, path: str | Path, *, unmasked: bool = False, purpose: str | None = None,
                   category: str | None = None, region: str | None = None, on: dt.date | None = None) -> ExportResult:
    """The register (in scope) as XLSX or CSV — masked, or unmasked for ``talent.personal``
    with a stated purpose. Every export is audited (file name, rows, masked or not)."""
    from innodrive.talent.export import check_suffix, write_table

    require(actor, "talent.read")
    if unmasked:
        require(actor, "talent.personal")
        why = _purpose(purpose)
    target = Path(path)
    check_suffix(target)
    on = _today(on)
    region_code = _resolve_region(region, actor) if region else None
    with store.read() as session:
        people = _people(session, actor, text=None, category=category, region_code=region_code, employment=None,
                         include_departed=True, on=on)
        shown_all = _views(session, people, on=on, unmasked=unmasked)
    lines = []
    for shown in shown_all:
        c = shown.card
        lines.append([shown.number, shown.name, shown.id_type, shown.id_number, shown.birth, shown.phone, shown.email,
                      shown.employer_name, shown.employer_code, shown.region_name, shown.field, "、".join(shown.titles),
                      "、".join(shown.honours), shown.education, f"{shown.category}类" if shown.category else "",
                      shown.criterion, shown.recognised_on, shown.arrival_date, shown.employment,
                      shown.departure_date, c.number if c else None, c.card_name if c else None,
                      c.valid_to if c else None])
    notes = [f"导出时间：{dt.datetime.now().isoformat(timespec='seconds')}，导出人：{actor.username}",
             "个人信息未脱敏，仅限" + why + "使用，请勿转发" if unmasked else "个人信息已脱敏显示。"]

    def work(session: Session) -> None:
        # the file is written inside the transaction of its audit entry: no entry for a file
        # that could not be written, and no file left behind when the entry cannot be committed
        write_table(target, EXPORT_HEADER, lines, notes=notes)
        action = "talent.export_personal" if unmasked else "talent.export"
        summary = (f"导出未脱敏的人才名单 {target.name}（{len(lines)} 人；用途：{why}）" if unmasked
                   else f"导出脱敏的人才名单 {target.name}（{len(lines)} 人）")
        audit.record(session, actor=actor.username, action=action, entity="talent", entity_id=None, summary=summary,
                     after={"file": target.name, "rows": len(lines), "masked": not unmasked,
                            "numbers": [v.number for v in shown_all][:5000]})

    _run_writing(store, work, target)
    return ExportResult(path=str(target), rows=len(lines), masked=not unmasked)


def _run_writing(store, work, target: Path):
    """``store.run(work)`` where ``work`` writes ``target``; the file is removed if the
    transaction fails after it was written."""
    try:
        return store.run(work)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def export_person(store, actor: Actor, talent_id: int | str, path: str | Path, *, purpose: str) -> Path:
    """A copy of everything innodrive holds about one person (个人信息保护法第四十五条), as JSON."""
    from innodrive.talent.export import write_json

    require(actor, "talent.personal")
    why = _purpose(purpose)
    crypto.keyring()
    target = Path(path)
    if target.suffix.lower() != ".json":
        raise InputError("个人信息副本应导出为 .json 文件（机器可读，便于本人转移）", file=str(target))
    holder: dict = {}

    def work(session: Session) -> None:
        row = _person_row(session, actor, talent_id, "talent.personal")
        p = repo.to_person(row)
        cards_ = []
        for c in session.scalars(select(TalentCardRow).where(TalentCardRow.talent_id == row.id)):
            events = [{"事项": e.kind, "日期": e.on, "原因": e.reason, "有效期至": e.valid_to_after}
                      for e in session.scalars(select(TalentCardEventRow).where(TalentCardEventRow.card_id == c.id)
                                               .order_by(TalentCardEventRow.id))]
            cards_.append({"卡号": c.number, "卡别": c.card_type, "发卡日期": c.issued_on, "有效期至": c.valid_to,
                           "状态": CARD_STATUS_LABELS[_card_status(c, dt.date.today())], "发卡依据": c.decision,
                           "记录": events})
        reqs = []
        for r in session.scalars(select(TalentRequestRow).where(TalentRequestRow.talent_id == row.id)):
            reqs.append({"申请编号": _request_number(r.id), "服务事项": r.service_name, "承办单位": r.unit,
                         "申请日期": r.submitted_on, "答复期限": r.deadline, "状态": req_rules.STATUS_LABELS[r.status],
                         "申请内容": crypto.decrypt(r.description_enc, "request.description"),
                         "答复日期": r.answered_on, "答复内容": crypto.decrypt(r.answer_enc, "request.answer"),
                         "满意度": r.satisfaction})
        cats = [{"人才类别": c.category, "认定依据": c.criterion, "目录版本": c.catalogue_version, "认定日期": c.recognised_on}
                for c in session.scalars(select(TalentCategoryRow).where(TalentCategoryRow.talent_id == row.id))]
        holder["data"] = {
            "说明": "innodrive 人才库中与本人有关的全部个人信息副本（依据《中华人民共和国个人信息保护法》第四十五条）",
            "导出时间": dt.datetime.now().isoformat(timespec="seconds"), "导出人": actor.username,
            "人才编号": p.number,
            "个人信息": {"姓名": p.name, "证件类型": p.id_type, "证件号码": p.id_number, "出生日期": p.birth_date,
                     "联系电话": p.phone, "电子邮箱": p.email},
            "登记信息": {"工作单位": p.employer_name, "统一社会信用代码": p.employer_code, "所在地区": _region_name(p.region_code),
                     "从事领域": p.field, "职称": p.titles, "荣誉称号": p.honours, "学历学位": p.education,
                     "人才类别": p.category, "认定依据": p.criterion, "认定日期": p.recognised_on,
                     "到岗日期": p.arrival_date, "引进方式": p.employment, "离开日期": p.departure_date,
                     "登记时间": p.created_at, "来源": p.source},
            "类别认定记录": cats, "英才卡": cards_, "服务申请": reqs,
        }
        write_json(target, holder["data"])
        audit.record(session, actor=actor.username, action="talent.export_personal", entity="talent",
                     entity_id=row.id, summary=f"导出人才 {p.number} 的个人信息副本 {target.name}（用途：{why}）",
                     after={"file": target.name, "purpose": why})

    _run_writing(store, work, target)
    return target


class ErasureReport(BaseModel):
    number: str
    cards_deleted: int
    requests_anonymised: int
    requests_withdrawn: int
    spells_retained: int


def erase_person(store, actor: Actor, talent_id: int | str, *, reason: str, on: dt.date | None = None) -> ErasureReport:
    """Delete a person's record on their request (个人信息保护法第四十七条).

    Their cards and category history go; their service requests stay without them
    (open ones are withdrawn) so the units' figures do not change; their contribution
    to the talent counts is kept as an anonymous aggregate, so the counts of past years
    do not change either."""
    require(actor, "talent.erase")
    text = _required_text(reason, "删除个人信息须写明依据（如“本人2024年7月1日书面申请删除”）")
    on = _action_day(on, "删除日期")

    def work(session: Session) -> ErasureReport:
        row = _person_row(session, actor, talent_id, "talent.erase")
        number = repo.display_number(row.id)
        spells = repo.person_spells(session, row)
        repo.retain(session, spells)
        withdrawn = 0
        for r in session.scalars(select(TalentRequestRow).where(TalentRequestRow.talent_id == row.id,
                                                                TalentRequestRow.status == req_rules.OPEN)):
            r.status = req_rules.WITHDRAWN
            session.add(TalentRequestEventRow(request_id=r.id, kind="withdraw", on=on, note="本人申请删除个人信息",
                                              at=_now(), by=actor.username))
            withdrawn += 1
        n_cards = len(session.scalars(select(TalentCardRow.id).where(TalentCardRow.talent_id == row.id)).all())
        anonymised = repo.anonymise_requests(session, row.id)
        repo.delete_person(session, row)
        audit.record(session, actor=actor.username, action="talent.erase", entity="talent", entity_id=row.id,
                     summary=f"按本人要求删除人才 {number} 的个人信息（依据：{text}）：英才卡 {n_cards} 张已删除，服务申请 "
                             f"{anonymised} 件已匿名化，统计贡献已转为汇总",
                     after={"cards": n_cards, "requests": anonymised, "spells": len(spells)})
        return ErasureReport(number=number, cards_deleted=n_cards, requests_anonymised=anonymised,
                             requests_withdrawn=withdrawn, spells_retained=len(spells))

    return store.run(work)


def _now() -> dt.datetime:
    from innodrive.store.schema import utcnow

    return utcnow()


class RekeyReport(BaseModel):
    people: int
    requests: int
    key_id: str


def rekey_personal_data(store, actor: Actor) -> RekeyReport:
    """Re-encrypt everything with the current key (after a key rotation), in one transaction."""
    require(actor, "talent.personal")
    require(actor, "talent.write")
    ring = crypto.keyring()

    def work(session: Session) -> RekeyReport:
        people, requests = repo.rekey(session)
        audit.record(session, actor=actor.username, action="talent.rekey", entity="talent", entity_id=None,
                     summary=f"人才个人信息改用新密钥（指纹 {ring.kid}）加密：人才 {people} 人，服务申请 {requests} 件")
        return RekeyReport(people=people, requests=requests, key_id=ring.kid)

    return store.run(work)


# ====================================================================== 英才卡


class CardDecisionView(BaseModel):
    talent: TalentView
    decision: card_rules.Decision
    current_card: CardView | None
    entitlements: list[card_rules.Decision]


def card_decision(store, actor: Actor, talent_id: int | str, *, on: dt.date | None = None) -> CardDecisionView:
    """Which card the rules in force give this person, and which services the current card opens."""
    require(actor, "talent.read")
    on = _today(on)
    rules = card_rules.rules_for(on)
    with store.read() as session:
        row = _person_row(session, actor, talent_id, "talent.read")
        p = repo.to_person(row)
        current = _current_card(session, row.id, on)
        cv = _card_view(current, holder=masking.name(p.name), on=on) if current else None
    held = cv.card_type if cv and cv.status == "active" else None
    return CardDecisionView(talent=_talent_view(p, unmasked=False, card=cv),
                            decision=card_rules.decide_card(rules, p.facts(), on), current_card=cv,
                            entitlements=card_rules.entitlements(rules, p.facts(), card=held, on=on))


def _card_event(session: Session, card: TalentCardRow, kind: str, *, on: dt.date, reason: str | None, actor: Actor,
                rules_version: str | None, before: dt.date | None = None, after: dt.date | None = None) -> None:
    session.add(TalentCardEventRow(card_id=card.id, kind=kind, on=on, reason=reason, rules_version=rules_version,
                                   valid_to_before=before, valid_to_after=after, at=_now(), by=actor.username))


def issue_card(store, actor: Actor, talent_id: int | str, *, on: dt.date | None = None,
               reason: str | None = None) -> CardView:
    """Issue the card the rules in force give; a card of another type is replaced; the
    same type already held is a conflict (renew it instead)."""
    require(actor, "talent.write")
    on = _action_day(on, "发卡日期")
    rules = card_rules.rules_for(on)

    def work(session: Session) -> CardView:
        row = _person_row(session, actor, talent_id, "talent.write")
        p = repo.to_person(row)
        decision = card_rules.decide_card(rules, p.facts(), on)
        if not decision.granted:
            raise Conflict(f"人才 {p.number}：{decision.reason}（{rules.citation()}）")
        current = _current_card(session, row.id, on)
        if current is not None and current.card_type == decision.card and current.valid_to >= on:
            raise Conflict(f"人才 {p.number} 已持有有效的{decision.card_name}（{current.number}，有效期至 "
                           f"{current.valid_to.isoformat()}）：到期前可办理续期")
        number = repo.next_card_number(session, rules.card_number_prefix, on.year)
        valid_to = card_rules.validity_end(rules, decision.card, on)
        card = TalentCardRow(talent_id=row.id, number=number, card_type=decision.card, rules_version=rules.version,
                             rule_id=decision.rule_id, issued_on=on, valid_to=valid_to, status="active",
                             decision=decision.model_dump(mode="json"), created_at=_now(), created_by=actor.username)
        session.add(card)
        session.flush()
        if current is not None:
            current.status, current.closed_on = "replaced", on
            current.close_reason = f"换发{decision.card_name}（{number}）"
            _card_event(session, current, "replace", on=on, reason=current.close_reason, actor=actor,
                        rules_version=rules.version)
        _card_event(session, card, "issue", on=on, reason=reason, actor=actor, rules_version=rules.version,
                    after=valid_to)
        audit.record(session, actor=actor.username, action="talent.card.issue", entity="talent_card", entity_id=number,
                     summary=f"为人才 {p.number} 发放{decision.card_name}（{number}，有效期至 {valid_to.isoformat()}；"
                             f"依据 {rules.citation()} {decision.rule_id}）"
                             + (f"，换发原卡 {current.number}" if current is not None else ""),
                     after={"talent": p.number, "card": decision.card, "valid_to": valid_to,
                            "rules": rules.version, "rule": decision.rule_id})
        return _card_view(card, holder=masking.name(p.name), on=on)

    return store.run(work)


def _card_row(session: Session, actor: Actor, number: str, permission: str) -> tuple[TalentCardRow, TalentRow]:
    card = session.scalar(select(TalentCardRow).where(TalentCardRow.number == number.strip().upper()))
    person = session.get(TalentRow, card.talent_id) if card is not None else None
    if card is None or person is None or not can(actor, permission, region_code=person.region_code,
                                                 check_region=True):
        raise NotFound(f"没有编号为 {number} 的英才卡")
    return card, person


def renew_card(store, actor: Actor, number: str, *, on: dt.date | None = None, reason: str | None = None) -> CardView:
    """Renew a card whose holder still qualifies for the same card under the rules in force."""
    require(actor, "talent.write")
    on = _action_day(on, "续期日期")
    rules = card_rules.rules_for(on)

    def work(session: Session) -> CardView:
        card, row = _card_row(session, actor, number, "talent.write")
        if card.status != "active":
            raise Conflict(f"英才卡 {card.number} {CARD_STATUS_LABELS[card.status]}，不能续期")
        p = repo.to_person(row)
        decision = card_rules.decide_card(rules, p.facts(), on)
        if not decision.granted or decision.card != card.card_type:
            now = decision.reason
            raise Conflict(f"按{rules.citation()}，人才 {p.number} 现在的结论是“{now}”，不能续期原卡"
                           f"（{card.card_type}卡）：请注销原卡后按新结论办理")
        before = card.valid_to
        card.valid_to = card_rules.renewal_end(rules, card.card_type, valid_to=card.valid_to, on=on)
        card.rules_version = rules.version
        card.decision = decision.model_dump(mode="json")
        _card_event(session, card, "renew", on=on, reason=reason, actor=actor, rules_version=rules.version,
                    before=before, after=card.valid_to)
        audit.record(session, actor=actor.username, action="talent.card.renew", entity="talent_card",
                     entity_id=card.number, summary=f"英才卡 {card.number}（人才 {p.number}）续期：有效期由 "
                                                    f"{before.isoformat()} 延至 {card.valid_to.isoformat()}",
                     before={"valid_to": before}, after={"valid_to": card.valid_to, "rules": rules.version})
        return _card_view(card, holder=masking.name(p.name), on=on)

    return store.run(work)


def revoke_card(store, actor: Actor, number: str, *, reason: str, on: dt.date | None = None) -> CardView:
    """Revoke a card (离开本市, 不再符合条件, 违法违规 …); the reason is required."""
    require(actor, "talent.write")
    text = _required_text(reason, "注销英才卡须写明原因")
    on = _action_day(on, "注销日期")

    def work(session: Session) -> CardView:
        card, row = _card_row(session, actor, number, "talent.write")
        if card.status != "active":
            raise Conflict(f"英才卡 {card.number} {CARD_STATUS_LABELS[card.status]}，无需注销")
        card.status, card.closed_on, card.close_reason = "revoked", on, text
        _card_event(session, card, "revoke", on=on, reason=text, actor=actor, rules_version=None)
        audit.record(session, actor=actor.username, action="talent.card.revoke", entity="talent_card",
                     entity_id=card.number, summary=f"注销英才卡 {card.number}（人才 {repo.display_number(row.id)}）："
                                                    f"{text}", after={"reason": text, "on": on})
        return _card_view(card, holder=masking.name(crypto.decrypt(row.name_enc, "name")), on=on)

    return store.run(work)


def list_cards(store, actor: Actor, *, status: str | None = None, expiring_within_days: int | None = None,
               on: dt.date | None = None) -> list[CardView]:
    """Cards of the talent in scope (holders masked); ``expiring_within_days`` lists
    active cards that expire within that many days (for renewal reminders)."""
    require(actor, "talent.read")
    on = _today(on)
    out = []
    with store.read() as session:
        q = (select(TalentCardRow, TalentRow).join(TalentRow, TalentRow.id == TalentCardRow.talent_id)
             .order_by(TalentCardRow.valid_to, TalentCardRow.number))
        for card, person in session.execute(q):
            if not actor.covers(person.region_code):
                continue
            view = _card_view(card, holder=masking.name(crypto.decrypt(person.name_enc, "name")), on=on)
            if status and view.status != status:
                continue
            if expiring_within_days is not None and not (
                    view.status == "active" and (card.valid_to - on).days <= expiring_within_days):
                continue
            out.append(view)
    return out


# ====================================================================== service requests


def _request_number(request_id: int) -> str:
    return f"R{request_id:06d}"


def _request_view(r: TalentRequestRow, *, applicant: str | None, on: dt.date) -> RequestView:
    rules = card_rules.rules_for(r.submitted_on, version=r.rules_version)
    open_ = r.status == req_rules.OPEN
    overdue = open_ and req_rules.is_overdue(deadline=r.deadline, answered_on=r.answered_on, as_of=on)
    step = req_rules.escalation_due(deadline=r.deadline, as_of=on, steps=rules.escalation) if open_ else None
    recorded = next((e for e in rules.escalation if e.level == r.escalation_level), None)
    return RequestView(
        id=r.id, number=_request_number(r.id), talent_number=repo.display_number(r.talent_id) if r.talent_id else None,
        applicant=applicant or "（已删除）", service=r.service, service_name=r.service_name, unit=r.unit,
        region_code=r.region_code, rules_version=r.rules_version, submitted_on=r.submitted_on,
        time_limit=card_rules.DayCount(days=r.limit_days, unit=r.limit_unit).label, deadline=r.deadline,
        deadline_notes=list(r.deadline_notes or []), status=r.status, status_label=req_rules.STATUS_LABELS[r.status],
        answered_on=r.answered_on, overdue=overdue,
        overdue_days=req_rules.overdue_days(r.deadline, on, r.limit_unit) if overdue else 0,
        due_soon=open_ and req_rules.due_soon(deadline=r.deadline, as_of=on, reminder=rules.reminder),
        escalation_level=r.escalation_level, escalation_name=recorded.name if recorded else None,
        escalation_due=step.name if step is not None and step.level > r.escalation_level else None,
        satisfaction=r.satisfaction,
        satisfaction_label=rules.satisfaction_label(r.satisfaction) if r.satisfaction is not None else None,
        exception_reason=r.exception_reason, anonymised=r.anonymised)


def _applicant(session: Session, r: TalentRequestRow) -> str | None:
    if r.talent_id is None:
        return None
    person = session.get(TalentRow, r.talent_id)
    return masking.name(crypto.decrypt(person.name_enc, "name")) if person else None


def _request_row(session: Session, actor: Actor, request_id: int | str, permission: str) -> TalentRequestRow:
    digits = str(request_id).strip().upper().lstrip("R")
    rid = int(digits) if digits.isdecimal() and len(digits) <= 12 else None
    r = session.get(TalentRequestRow, rid) if rid is not None else None
    if r is None or not can(actor, permission, region_code=r.region_code, units=[r.unit]):
        raise NotFound(f"没有编号为 {request_id} 的服务申请" + ("（或该申请未交办本单位）" if actor.role == Role.UNIT else ""))
    return r


def _event(session: Session, r: TalentRequestRow, kind: str, *, on: dt.date, actor: Actor, unit: str | None = None,
           level: int | None = None, note: str | None = None) -> None:
    session.add(TalentRequestEventRow(request_id=r.id, kind=kind, on=on, unit=unit, level=level, note=note, at=_now(),
                                      by=actor.username))


def submit_request(store, actor: Actor, talent_id: int | str, service: str, *, submitted_on: dt.date | None = None,
                   description: str | None = None, exception_reason: str | None = None) -> RequestView:
    """Accept a service request and route it to the service's unit with its time limit.

    The person must be entitled (an active card of the right type, the service's
    conditions); otherwise the request is refused with the rule's reason, unless an
    ``exception_reason`` (特事特办) is recorded with it."""
    require(actor, "talent.write")
    day = _action_day(submitted_on, "申请日期")
    rules = card_rules.rules_for(day)
    svc = rules.service(service)
    if svc is None:
        raise InputError(f"未知的服务事项“{service}”：应为" + "、".join(f"{s.id}（{s.name}）" for s in rules.services),
                         field="service")
    crypto.keyring()  # the request's content is stored encrypted

    def work(session: Session) -> RequestView:
        row = _person_row(session, actor, talent_id, "talent.write")
        p = repo.to_person(row)
        card = _current_card(session, row.id, day)
        held = card.card_type if card is not None and card.issued_on <= day <= card.valid_to else None
        decision = card_rules.decide_service(rules, p.facts(), svc, card=held, on=day)
        exception = (exception_reason or "").strip() or None
        if not decision.granted and exception is None:
            raise Conflict(f"人才 {p.number} {decision.reason}（{rules.citation()}）；如确需办理，请注明特事特办的理由")
        deadline, notes = req_rules.deadline_for(day, svc.time_limit)
        ring = crypto.keyring()
        r = TalentRequestRow(talent_id=row.id, service=svc.id, service_name=svc.name, unit=svc.unit,
                             region_code=row.region_code, rules_version=rules.version, submitted_on=day,
                             limit_days=svc.time_limit.days, limit_unit=svc.time_limit.unit, deadline=deadline,
                             deadline_notes=notes, key_id=ring.kid,
                             description_enc=crypto.encrypt((description or "").strip() or None, "request.description",
                                                            ring=ring),
                             status=req_rules.OPEN, escalation_level=0,
                             exception_reason=exception if not decision.granted else None, anonymised=False,
                             created_at=_now(), created_by=actor.username, updated_at=_now())
        session.add(r)
        session.flush()
        _event(session, r, "submit", on=day, actor=actor, unit=svc.unit,
               note=(f"特事特办：{exception}" if not decision.granted else None))
        audit.record(session, actor=actor.username, action="talent.request.submit", entity="talent_request",
                     entity_id=r.id, summary=f"受理人才 {p.number} 的{svc.name}申请 {_request_number(r.id)}，交{svc.unit}"
                                             f"办理，时限{svc.time_limit.label}，{deadline.isoformat()} 前答复"
                                             + (f"（特事特办：{exception}）" if not decision.granted else ""),
                     after={"service": svc.id, "unit": svc.unit, "deadline": deadline, "rules": rules.version})
        return _request_view(r, applicant=masking.name(p.name), on=day)

    return store.run(work)


def list_requests(store, actor: Actor, *, status: str | None = None, unit: str | None = None,
                  service: str | None = None, overdue_only: bool = False, talent_id: int | str | None = None,
                  as_of: dt.date | None = None) -> list[RequestView]:
    """Requests the actor may see: a handling unit only those routed to it."""
    require(actor, "talent.requests.handle")
    on = _today(as_of)
    if actor.role == Role.UNIT and not actor.local:
        if unit is not None and unit != actor.unit:
            raise Forbidden(f"{actor.display}只能查看交办本单位（{actor.unit or '未指定单位'}）的服务申请")
        unit = actor.unit or "\x00"
    with store.read() as session:
        q = select(TalentRequestRow).order_by(TalentRequestRow.deadline, TalentRequestRow.id)
        if status:
            q = q.where(TalentRequestRow.status == status)
        if unit:
            q = q.where(TalentRequestRow.unit == unit)
        if service:
            q = q.where(TalentRequestRow.service == service)
        if talent_id is not None:
            q = q.where(TalentRequestRow.talent_id == repo.parse_number(talent_id))
        out = []
        for r in session.scalars(q):
            if not can(actor, "talent.requests.handle", region_code=r.region_code, units=[r.unit]):
                continue
            v = _request_view(r, applicant=_applicant(session, r), on=on)
            if overdue_only and not v.overdue:
                continue
            out.append(v)
    return out


def get_request(store, actor: Actor, request_id: int | str, *, as_of: dt.date | None = None) -> RequestDetail:
    """One request with its content, answer and history (the handling unit's working view)."""
    require(actor, "talent.requests.handle")
    on = _today(as_of)
    with store.read() as session:
        r = _request_row(session, actor, request_id, "talent.requests.handle")
        base = _request_view(r, applicant=_applicant(session, r), on=on)
        events = [RequestEvent(kind=e.kind, on=e.on, unit=e.unit, level=e.level, note=e.note, by=e.by)
                  for e in session.scalars(select(TalentRequestEventRow).where(TalentRequestEventRow.request_id == r.id)
                                           .order_by(TalentRequestEventRow.id))]
        return RequestDetail(**base.model_dump(), description=crypto.decrypt(r.description_enc, "request.description"),
                             answer=crypto.decrypt(r.answer_enc, "request.answer"), answered_by=r.answered_by,
                             events=events)


def request_contact(store, actor: Actor, request_id: int | str, *, purpose: str) -> ContactView:
    """The applicant's name and contact details, for the unit the request is routed to
    (to call the person back); audited like every view of unmasked personal data."""
    require(actor, "talent.requests.contact")
    why = _purpose(purpose)
    crypto.keyring()

    def work(session: Session) -> ContactView:
        r = _request_row(session, actor, request_id, "talent.requests.contact")
        if r.talent_id is None:
            raise NotFound("该申请人的个人信息已按本人要求删除")
        if r.status != req_rules.OPEN and actor.role == Role.UNIT and not actor.local:
            raise Forbidden("申请已办结，承办单位不再需要申请人的联系方式")
        person = session.get(TalentRow, r.talent_id)
        p = repo.to_person(person)
        audit.record(session, actor=actor.username, action="talent.view_personal", entity="talent", entity_id=p.id,
                     summary=f"为办理服务申请 {_request_number(r.id)} 查看人才 {p.number} 的姓名和联系方式（用途：{why}）",
                     after={"request": _request_number(r.id), "purpose": why})
        return ContactView(request_number=_request_number(r.id), talent_number=p.number, name=p.name, phone=p.phone,
                           email=p.email)

    return store.run(work)


def answer_request(store, actor: Actor, request_id: int | str, *, outcome: str, answer: str,
                   on: dt.date | None = None) -> RequestView:
    """The handling unit's answer: 已办结 (resolved) or 不予办理 (declined), with its content."""
    require(actor, "talent.requests.handle")
    if outcome not in OUTCOMES:
        raise InputError("办理结果应为 resolved（已办结）或 declined（不予办理）", field="outcome")
    text = (answer or "").strip()
    if len(text) < 2:
        raise InputError("请填写答复内容（办理结果或不予办理的理由）", field="answer")
    crypto.keyring()
    day = _action_day(on, "答复日期")

    def work(session: Session) -> RequestView:
        r = _request_row(session, actor, request_id, "talent.requests.handle")
        if r.status != req_rules.OPEN:
            raise Conflict(f"服务申请 {_request_number(r.id)} {req_rules.STATUS_LABELS[r.status]}，不能再次答复")
        if day < r.submitted_on:
            raise InputError(f"答复日期 {day.isoformat()} 早于申请日期 {r.submitted_on.isoformat()}", field="on")
        r.status, r.answered_on, r.answered_by = outcome, day, actor.username
        r.answer_enc = crypto.encrypt(text, "request.answer")
        r.key_id = crypto.keyring().kid
        r.updated_at = _now()
        late = day > r.deadline
        _event(session, r, "answer", on=day, actor=actor, unit=r.unit, note=OUTCOMES[outcome] + ("（逾期）" if late else ""))
        audit.record(session, actor=actor.username, action="talent.request.answer", entity="talent_request",
                     entity_id=r.id, summary=f"{r.unit}答复服务申请 {_request_number(r.id)}：{OUTCOMES[outcome]}"
                                             f"（{'逾期' if late else '按时'}，期限 {r.deadline.isoformat()}）",
                     after={"outcome": outcome, "answered_on": day, "on_time": not late})
        return _request_view(r, applicant=_applicant(session, r), on=day)

    return store.run(work)


def transfer_request(store, actor: Actor, request_id: int | str, *, unit: str, reason: str,
                     on: dt.date | None = None) -> RequestView:
    """Route an open request to another unit (转办); the deadline does not restart."""
    require(actor, "talent.write")
    target = (unit or "").strip()
    text = (reason or "").strip()
    if not target or len(text) < 2:
        raise InputError("转办须写明新的承办单位和理由")
    day = _action_day(on, "转办日期")

    def work(session: Session) -> RequestView:
        r = _request_row(session, actor, request_id, "talent.write")
        if r.status != req_rules.OPEN:
            raise Conflict(f"服务申请 {_request_number(r.id)} {req_rules.STATUS_LABELS[r.status]}，不能转办")
        if target == r.unit:
            raise InputError(f"服务申请已由{target}承办")
        old, r.unit, r.updated_at = r.unit, target, _now()
        _event(session, r, "transfer", on=day, actor=actor, unit=target, note=f"由{old}转办：{text}")
        audit.record(session, actor=actor.username, action="talent.request.transfer", entity="talent_request",
                     entity_id=r.id, summary=f"服务申请 {_request_number(r.id)} 由{old}转{target}办理：{text}",
                     before={"unit": old}, after={"unit": target})
        return _request_view(r, applicant=_applicant(session, r), on=day)

    return store.run(work)


def withdraw_request(store, actor: Actor, request_id: int | str, *, reason: str,
                     on: dt.date | None = None) -> RequestView:
    """The person withdrew the request; it leaves the units' figures."""
    require(actor, "talent.write")
    text = _required_text(reason, "撤回申请须写明原因")
    day = _action_day(on, "撤回日期")

    def work(session: Session) -> RequestView:
        r = _request_row(session, actor, request_id, "talent.write")
        if r.status != req_rules.OPEN:
            raise Conflict(f"服务申请 {_request_number(r.id)} {req_rules.STATUS_LABELS[r.status]}，不能撤回")
        r.status, r.updated_at = req_rules.WITHDRAWN, _now()
        _event(session, r, "withdraw", on=day, actor=actor, note=text)
        audit.record(session, actor=actor.username, action="talent.request.withdraw", entity="talent_request",
                     entity_id=r.id, summary=f"服务申请 {_request_number(r.id)} 撤回：{text}")
        return _request_view(r, applicant=_applicant(session, r), on=day)

    return store.run(work)


def rate_request(store, actor: Actor, request_id: int | str, *, level: int, on: dt.date | None = None) -> RequestView:
    """Record the person's satisfaction (好差评 1–5) with an answered request."""
    require(actor, "talent.write")
    day = _action_day(on, "评价日期")

    def work(session: Session) -> RequestView:
        r = _request_row(session, actor, request_id, "talent.write")
        rules = card_rules.rules_for(r.submitted_on, version=r.rules_version)
        if level not in rules.satisfaction.levels:
            raise InputError("满意度应为 " + "、".join(f"{k}（{v}）" for k, v in sorted(rules.satisfaction.levels.items(),
                                                                                   reverse=True)), field="level")
        if r.status not in (req_rules.RESOLVED, req_rules.DECLINED):
            raise Conflict(f"服务申请 {_request_number(r.id)} 尚未答复，不能评价")
        if day < r.answered_on:
            raise InputError(f"评价日期 {day.isoformat()} 早于答复日期 {r.answered_on.isoformat()}", field="on")
        before = r.satisfaction
        r.satisfaction, r.rated_on, r.updated_at = level, day, _now()
        _event(session, r, "rate", on=day, actor=actor, level=level, note=rules.satisfaction_label(level))
        audit.record(session, actor=actor.username, action="talent.request.rate", entity="talent_request",
                     entity_id=r.id, summary=f"记录服务申请 {_request_number(r.id)} 的满意度：{rules.satisfaction_label(level)}",
                     before={"satisfaction": before}, after={"satisfaction": level})
        return _request_view(r, applicant=_applicant(session, r), on=day)

    return store.run(work)


class EscalationView(BaseModel):
    request_number: str
    unit: str
    deadline: dt.date
    overdue_days: int
    level: int
    name: str
    to: str


def escalate_overdue(store, actor: Actor, *, as_of: dt.date | None = None) -> list[EscalationView]:
    """Raise every overdue request to the escalation step it has reached (idempotent:
    a step already recorded is not recorded again). Run it daily."""
    require(actor, "talent.write")
    on = _action_day(as_of, "督办日期")

    def work(session: Session) -> list[EscalationView]:
        out = []
        for r in session.scalars(select(TalentRequestRow).where(TalentRequestRow.status == req_rules.OPEN)
                                 .order_by(TalentRequestRow.deadline, TalentRequestRow.id)):
            if not can(actor, "talent.write", region_code=r.region_code, check_region=True):
                continue
            rules = card_rules.rules_for(r.submitted_on, version=r.rules_version)
            step = req_rules.escalation_due(deadline=r.deadline, as_of=on, steps=rules.escalation)
            if step is None or step.level <= r.escalation_level:
                continue
            days = req_rules.overdue_days(r.deadline, on, step.after.unit)
            r.escalation_level = step.level
            r.escalated_on = r.escalated_on or on
            r.updated_at = _now()
            unit_label = card_rules.DAY_UNITS[step.after.unit]
            _event(session, r, "escalate", on=on, actor=actor, unit=r.unit, level=step.level,
                   note=f"{step.name}：逾期{days}{unit_label}，报{step.to}")
            out.append(EscalationView(request_number=_request_number(r.id), unit=r.unit, deadline=r.deadline,
                                      overdue_days=days, level=step.level, name=step.name, to=step.to))
        if out:
            audit.record(session, actor=actor.username, action="talent.request.escalate", entity="talent_request",
                         entity_id=None, summary=f"逾期服务申请逐级督办（{on.isoformat()}）：" + "；".join(
                             f"{e.request_number} {e.unit} {e.name}" for e in out[:50]),
                         after={"requests": [e.request_number for e in out], "as_of": on})
        return out

    return store.run(work)


class FiguresReport(BaseModel):
    start: dt.date
    end: dt.date
    as_of: dt.date
    units: list[req_rules.UnitFigures]
    satisfaction_rule: str
    notes: list[str] = Field(default_factory=list)


def unit_figures(store, actor: Actor, *, start: dt.date, end: dt.date, as_of: dt.date | None = None) -> FiguresReport:
    """Per handling unit: received, answered on time, overdue, average days, satisfaction —
    the figures the 考核 of the units uses. A unit sees only its own line."""
    require(actor, "talent.figures")
    if end < start:
        raise InputError(f"统计期间结束日 {end.isoformat()} 早于开始日 {start.isoformat()}")
    on = as_of or min(end, dt.date.today())
    rules = card_rules.rules_for(end)
    with store.read() as session:
        facts = []
        for r in session.scalars(select(TalentRequestRow).where(TalentRequestRow.submitted_on >= start,
                                                                TalentRequestRow.submitted_on <= end)):
            if not can(actor, "talent.figures", region_code=r.region_code, units=[r.unit]):
                continue
            facts.append(req_rules.RequestFacts(unit=r.unit, submitted_on=r.submitted_on, deadline=r.deadline,
                                                status=r.status, answered_on=r.answered_on, satisfaction=r.satisfaction,
                                                rated_on=r.rated_on, escalated_on=r.escalated_on))
    figures = req_rules.unit_figures(facts, start=start, end=end, as_of=on,
                                     satisfied_at_least=rules.satisfaction.satisfied_at_least)
    levels = rules.satisfaction.levels
    rule = (f"满意率 = 评价为“{levels[rules.satisfaction.satisfied_at_least]}”及以上的件数 ÷ 已评价件数；"
            f"评价等级依据{rules.satisfaction.source}")
    notes = [] if rules.status == "official" else [f"服务事项、时限和满意度口径来自{rules.citation()}"]
    return FiguresReport(start=start, end=end, as_of=on, units=figures, satisfaction_rule=rule, notes=notes)


# ====================================================================== counts


class CountsReport(BaseModel):
    region_code: str
    region_name: str | None
    years: list[int]
    cells: list[CountCell]
    indicators: list[IndicatorValue]
    notes: list[str] = Field(default_factory=list)


def _indicator_rule(code: str, year: int) -> IndicatorRule | None:
    from innodrive.indicators.catalogue import load_catalogue

    try:
        cat: Catalogue = catalogue_for(dt.date(year, 12, 31))
    except NotFound:
        return None
    rule = cat.indicators.get(code)
    if rule is None:
        return None
    ind = load_catalogue().get(code)
    return IndicatorRule(categories=rule.categories, employment=rule.employment, flow=bool(ind and ind.is_flow),
                         catalogue=cat.citation())


def talent_counts(store, actor: Actor, *, region: str, years: list[int]) -> CountsReport:
    """Year-end talent counts of a region (and each region directly under it) by category,
    and the catalogue indicators they feed — aggregates only, no person."""
    from innodrive.regions import all_regions

    code = _resolve_region(region, actor)
    require(actor, "talent.counts", region_code=code, check_region=True, what=_region_name(code))
    years = sorted(set(years))
    if not years:
        raise InputError("请指定统计年份")
    with store.read() as session:
        all_spells = repo.live_spells(session) + repo.retained_spells(session)
    inside = [s for s in all_spells if _within(s.region_code, code)]
    # the region itself, and the regions under it that the register covers (a county
    # with no registered talent in any year stays unknown, never 0)
    regions = [code] + [r.code for r in all_regions().children(code)
                        if any(_within(s.region_code, r.code) for s in inside)]
    from innodrive.talent.counts import by_category, indicator_values

    cells = by_category(inside, years)
    values = indicator_values(inside, regions=regions, years=years, rule_for=_indicator_rule,
                              indicator_codes=list(COUNT_INDICATORS), within=_within)
    notes = []
    cats = {v.catalogue for v in values}
    if any("示例" in c for c in cats):
        notes.append("按示例人才分类目录统计（非官方口径）：请以本市正式目录替换后再用于考核和报送")
    missing = [y for y in years if not any(v.year == y for v in values)]
    if missing:
        notes.append(f"{'、'.join(map(str, missing))} 年末没有生效的人才分类目录，未计算指标值")
    return CountsReport(region_code=code, region_name=_region_name(code), years=years, cells=cells,
                        indicators=values, notes=notes)


class PublishReport(BaseModel):
    region_code: str
    values: list[IndicatorValue]
    added: int
    revised: int
    unchanged: int
    dry_run: bool
    notes: list[str] = Field(default_factory=list)


def publish_counts(store, actor: Actor, *, region: str, years: list[int], dry_run: bool = False,
                   today: dt.date | None = None) -> PublishReport:
    """Write the counts as observations of the catalogue indicators (顶尖人才和科技领军人才数量,
    高层次人才数, 新引进高层次人才数) for the region and the regions under it, so that the
    plan's targets on them get their lights. Only finished years; same values are left alone."""
    from innodrive.indicators import derivation
    from innodrive.indicators.observations import NewValue, apply_changes, current_by_key, plan_changes

    code = _resolve_region(region, actor)
    require(actor, "talent.counts.publish", region_code=code, check_region=True, what=_region_name(code))
    today = _today(today)
    unfinished = [y for y in years if dt.date(y, 12, 31) >= today]
    if unfinished:
        raise InputError(f"{'、'.join(map(str, unfinished))} 年尚未结束，年末人数还不能确定，不能写入指标数据")
    report = talent_counts(store, actor, region=region, years=years)
    values = []
    for v in report.indicators:
        example = "示例" in v.catalogue
        source = (f"innodrive 人才库统计：{v.catalogue}中{'、'.join(c + '类' for c in v.categories)}"
                  f"（{'、'.join(v.employment)}），{'当年到岗且' if v.indicator_code.endswith('_new_count') else ''}"
                  f"{v.year}年末在本地工作；含按本人要求删除个人信息后保留的汇总数")
        values.append(NewValue(region_code=v.region_code, indicator_code=v.indicator_code, period=str(v.year),
                               value=float(v.value), unit="人", source=source,
                               note="按示例人才分类目录统计，非官方口径" if example else None))

    def work(session: Session) -> PublishReport:
        current = current_by_key(session, indicator_codes=list(COUNT_INDICATORS),
                                 region_codes={v.region_code for v in values})
        changes = plan_changes(values, current)
        added = sum(c.kind == "add" for c in changes)
        revised = sum(c.kind == "revise" for c in changes)
        if not dry_run and (added or revised):
            apply_changes(session, changes, origin="reported", actor=actor.username, batch_id=None)
            derivation.refresh(session, changes, actor=actor.username, batch_id=None)
            audit.record(session, actor=actor.username, action="talent.counts.publish", entity="observation",
                         entity_id=None, summary=f"人才数量统计写入指标数据（{_region_name(code)}，"
                                                 f"{'、'.join(map(str, years))} 年）：新增 {added} 个，修正 {revised} 个",
                         after={"region_code": code, "years": years, "added": added, "revised": revised})
        return PublishReport(region_code=code, values=report.indicators, added=added, revised=revised,
                             unchanged=len(changes) - added - revised, dry_run=dry_run, notes=report.notes)

    return store.run(work)


# ====================================================================== rules


class RulesView(BaseModel):
    on: dt.date
    catalogue: Catalogue
    cards: card_rules.CardRules
    calendar_notes: list[str]


def current_rules(store, actor: Actor, *, on: dt.date | None = None) -> RulesView:
    """The catalogue and the 英才卡 rules in force (published policy: any signed-in role).

    ``store`` is unused (the rules are files) and kept for the services' one signature."""
    from innodrive.talent import workdays

    if actor.role == Role.PUBLIC and not actor.local:
        raise Forbidden(f"{actor.display}无权查看人才服务规则")
    on = _today(on)
    return RulesView(on=on, catalogue=catalogue_for(on), cards=card_rules.rules_for(on),
                     calendar_notes=workdays.notes(dt.date(on.year, 1, 1), dt.date(on.year + 1, 12, 31)))


__all__ = [
    "CardDecisionView", "CardView", "ContactView", "CountsReport", "DuplicateGroup", "ErasureReport", "EscalationView",
    "ExportResult", "FiguresReport", "ImportReport", "PublishReport", "RegisterResult", "RekeyReport", "RequestDetail",
    "RequestView", "RulesView", "TalentDetail", "TalentPage", "TalentView",
    "answer_request", "card_decision", "current_rules", "erase_person", "escalate_overdue", "export_person",
    "export_talents", "find_duplicates", "find_talent", "get_request", "get_talent", "import_talents",
    "issue_card", "list_cards", "list_requests", "list_talents", "publish_counts", "rate_request",
    "register_talent", "rekey_personal_data", "renew_card", "request_contact", "revoke_card", "submit_request",
    "talent_counts", "transfer_request", "unit_figures", "update_talent", "view_personal", "withdraw_request",
]
