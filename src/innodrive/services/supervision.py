"""督查督办 and 专项督查 use cases: raise, answer, return, close, escalate, 约谈; campaigns and 整改.

Every use case takes the store and the actor, checks the right and the scope, writes
its change and one audit entry in one transaction, and returns view models. A 责任单位
sees and answers only the notices and 整改 items addressed to its own unit; a 区县 those
of its own region; the office acts within its region. The board and the task ledger
come from :mod:`innodrive.services.board` as the office sees them — the lights are
never recomputed here.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from innodrive.blobs import BlobStore, Upload, default_blob_store, sha256_hex
from innodrive.errors import Conflict, InputError, NotFound, Problem, ValidationFailed
from innodrive.services.access import can, require
from innodrive.services.actor import Actor, Role
from innodrive.store import Store, audit
from innodrive.store.schema import utcnow
from innodrive.supervision.bulletin import Bulletin
from innodrive.supervision.campaigns import (
    OUTCOME_NAMES,
    RECT_STATE_NAMES,
    Criteria,
    Selection,
    campaign_close_problems,
    select_by_rule,
    select_by_sample,
)
from innodrive.supervision.db import (
    CampaignRow,
    EventEvidenceRow,
    EventRow,
    InspectionItemRow,
    NoticeRow,
    RectificationRow,
)
from innodrive.supervision.escalation import (
    STATE_NAMES,
    Escalation,
    LadderState,
    close_problems,
    due_escalations,
    escalates_on_return,
    next_rung,
)
from innodrive.supervision.raising import (
    NewNotice,
    Skipped,
    TargetCandidate,
    TaskCandidate,
    propose,
    task_key,
)
from innodrive.supervision.ruleset import SupervisionRules, load_rules

EVENT_NAMES = {"raise": "下发督办", "answer": "单位答复", "return": "退回答复", "escalate": "升级督办",
               "interview": "约谈记录", "close": "办结", "rect_open": "交办整改", "rect_report": "报送整改情况",
               "rect_return": "退回整改", "rect_close": "整改销号"}
MAX_TEXT = 5000
MAX_EVIDENCE = 10
_NUMBER_LOCK = 2060031  # PostgreSQL advisory lock: one numberer at a time keeps 督办 numbers gapless


# -- view models ---------------------------------------------------------------------------


class EvidenceView(BaseModel):
    file_name: str
    sha256: str
    size: int


class EventView(BaseModel):
    id: int
    kind: str
    kind_name: str
    on: dt.date = Field(description="the office's date the event counts for")
    at: dt.datetime
    by: str
    level: int | None
    deadline: dt.date | None
    text: str
    details: dict | None
    evidence: list[EvidenceView] = Field(default_factory=list)


class NoticeView(BaseModel):
    id: int
    number: str
    region_code: str | None
    region_name: str | None
    source_kind: str
    target_id: int | None
    task_id: int | None
    plan_id: int | None
    subject: str
    reason: str
    light: str | None
    unit: str
    addressee_kind: str
    required_response: str
    deadline: dt.date
    level: int
    level_name: str
    state: str
    state_name: str
    rule_id: str | None
    rule_name: str | None = Field(description="the raise rule's name in the rules in force (None: raised by hand)")
    rules_version: str
    board_as_of: dt.date
    raised_by: str
    raised_at: dt.datetime
    raised_on: dt.date
    closed_by: str | None
    closed_at: dt.datetime | None
    days_overdue: int = Field(description="days past the deadline while waiting on the addressee, at `today`")
    returns_at_level: int
    interviewed_at_level: bool
    events: list[EventView] = Field(default_factory=list)


class NoticeList(BaseModel):
    today: dt.date
    notices: list[NoticeView]
    totals: dict[str, int] = Field(description="state → number of notices")


class RunResult(BaseModel):
    as_of: dt.date
    rules: str
    dry_run: bool
    proposed: list[NewNotice]
    raised: list[NoticeView]
    skipped: list[Skipped]
    already_open: int
    escalations: list[Escalation]


# -- helpers ---------------------------------------------------------------------------------


def _region_name(code: str | None) -> str | None:
    if not code:
        return None
    from innodrive.regions import all_regions

    r = all_regions().get(code)
    return r.name if r else code


def _units_scope(actor: Actor, unit: str) -> list[str] | None:
    return [unit] if actor.role == Role.UNIT and not actor.local else None


def _region_code(actor: Actor, region: str | None) -> str | None:
    """The code of ``region`` (through the one resolver), else the actor's own region."""
    if region and region.strip():
        from innodrive.regions import resolve, try_resolve

        if actor.region_code:  # an office of 乐山市 typing 市中区 means its own 市中区
            found, _ = try_resolve(region, within=actor.region_code)
            if found is not None:
                return found.code
        return resolve(region, field="region").code
    return actor.region_code


def make_design(**fields):
    """A sampling design from typed-in values, or an :class:`InputError` naming the field."""
    from pydantic import ValidationError

    from innodrive.evaluation.sampling import Design

    try:
        return Design(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(f"抽样设计有误：{str(err['msg']).removeprefix('Value error, ')}",
                         field=".".join(str(p) for p in err["loc"]) or "design") from None


def _check_notice(actor: Actor, permission: str, row: NoticeRow) -> None:
    require(actor, permission, region_code=row.region_code, check_region=True, units=_units_scope(actor, row.unit),
            what=f"督办单 {row.number}")


def _clean(value: str | None, *, field: str, what: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    t = (value or "").strip()
    if required and not t:
        raise InputError(f"{what}为空", field=field)
    if len(t) > limit:
        raise InputError(f"{what}过长（{len(t)} 字，上限 {limit}）", field=field)
    return t


def _store_evidence(uploads: list[Upload] | None, blobs: BlobStore | None) -> list[dict]:
    """Put the files into the blob store (before the transaction: content-addressed, so a
    rolled-back change leaves at most an unreferenced blob) and return their rows."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_EVIDENCE:
        raise InputError(f"一次最多上传 {MAX_EVIDENCE} 个佐证材料", field="evidence")
    problems = [Problem("佐证材料是空文件", file=u.safe_name, field="evidence") for u in uploads if not u.data]
    if problems:
        raise ValidationFailed(f"佐证材料有 {len(problems)} 处问题，未保存：" + "；".join(str(p) for p in problems),
                               problems=problems)
    store = blobs or default_blob_store()
    return [{"file_name": u.safe_name, "sha256": (key := store.put(u.data)), "size": len(u.data), "blob_key": key}
            for u in uploads]


def _add_event(session: Session, *, on: dt.date, kind: str, by: str, text_: str, notice_id: int | None = None,
               rectification_id: int | None = None, level: int | None = None, deadline: dt.date | None = None,
               details: dict | None = None, evidence: list | None = None) -> EventRow:
    row = EventRow(notice_id=notice_id, rectification_id=rectification_id, kind=kind, on=on, at=utcnow(), by=by,
                   level=level,
                   deadline=deadline, text=text_, details=_jsonable(details))
    session.add(row)
    session.flush()
    session.add_all([EventEvidenceRow(event_id=row.id, **e) for e in evidence or []])
    return row


def _jsonable(details: dict | None) -> dict | None:
    if details is None:
        return None
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in details.items()}


def _events(session: Session, *, notice_ids: list[int] | None = None,
            rect_ids: list[int] | None = None) -> dict[int, list[EventView]]:
    q = select(EventRow).order_by(EventRow.id)
    if notice_ids is not None:
        q = q.where(EventRow.notice_id.in_(notice_ids or [-1]))
    if rect_ids is not None:
        q = q.where(EventRow.rectification_id.in_(rect_ids or [-1]))
    rows = session.scalars(q).all()
    files: dict[int, list[EvidenceView]] = {}
    if rows:
        for e in session.scalars(select(EventEvidenceRow).where(EventEvidenceRow.event_id.in_([r.id for r in rows]))
                                 .order_by(EventEvidenceRow.id)):
            files.setdefault(e.event_id, []).append(EvidenceView(file_name=e.file_name, sha256=e.sha256, size=e.size))
    out: dict[int, list[EventView]] = {}
    for r in rows:
        key = r.notice_id if notice_ids is not None else r.rectification_id
        out.setdefault(key, []).append(EventView(
            id=r.id, kind=r.kind, kind_name=EVENT_NAMES.get(r.kind, r.kind), on=r.on, at=_aware(r.at), by=r.by, level=r.level,
            deadline=r.deadline, text=r.text, details=r.details, evidence=files.get(r.id, [])))
    return out


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _ladder(row: NoticeRow, events: list[EventView]) -> LadderState:
    at_level = [e for e in events if e.level == row.level]
    answers = [e for e in events if e.kind == "answer"]
    return LadderState(id=row.id, level=row.level, state=row.state, deadline=row.deadline,
                       returns_at_level=sum(1 for e in at_level if e.kind == "return"),
                       interviewed_at_level=any(e.kind == "interview" for e in at_level),
                       last_answer_has_evidence=bool(answers and answers[-1].evidence))


def _view(row: NoticeRow, events: list[EventView], rules: SupervisionRules | None, today: dt.date) -> NoticeView:
    ladder = _ladder(row, events)
    rules = rules or load_rules()
    return NoticeView(
        id=row.id, number=row.number, region_code=row.region_code, region_name=_region_name(row.region_code),
        source_kind=row.source_kind, target_id=row.target_id, task_id=row.task_id, plan_id=row.plan_id,
        subject=row.subject, reason=row.reason, light=row.light, unit=row.unit, addressee_kind=row.addressee_kind,
        required_response=row.required_response, deadline=row.deadline, level=row.level,
        level_name=rules.level_name(row.level), state=row.state, state_name=STATE_NAMES.get(row.state, row.state),
        rule_id=row.rule_id, rule_name=_rule_name(rules, row.rule_id), rules_version=row.rules_version,
        board_as_of=row.board_as_of, raised_by=row.raised_by, raised_at=_aware(row.raised_at),
        raised_on=events[0].on if events else row.board_as_of, closed_by=row.closed_by,
        closed_at=_aware(row.closed_at),
        days_overdue=max(0, (today - row.deadline).days) if row.state == "open" else 0,
        returns_at_level=ladder.returns_at_level, interviewed_at_level=ladder.interviewed_at_level, events=events)


def _rule_name(rules: SupervisionRules, rule_id: str | None) -> str | None:
    if rule_id is None:
        return None
    return next((r.name for r in rules.raise_ if r.id == rule_id), rule_id)


def _next_number(session: Session, rules: SupervisionRules, year: int) -> tuple[int, str]:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({_NUMBER_LOCK})"))
    seq = (session.scalar(select(func.max(NoticeRow.seq)).where(NoticeRow.year == year)) or 0) + 1
    return seq, rules.number(year, seq)


def _insert_notice(session: Session, actor: Actor, n: NewNotice, rules: SupervisionRules, *, as_of: dt.date,
                   today: dt.date) -> NoticeRow:
    seq, number = _next_number(session, rules, today.year)
    row = NoticeRow(number=number, year=today.year, seq=seq, region_code=n.region_code, source_kind=n.source_kind,
                    source_key=n.source_key, target_id=n.target_id, task_id=n.task_id, plan_id=n.plan_id,
                    subject=n.subject, reason=n.reason, light=n.light, unit=n.unit, addressee_kind=n.addressee_kind,
                    required_response=n.required_response, deadline=n.deadline, level=1, state="open",
                    rule_id=n.rule_id, rules_version=rules.label, board_as_of=as_of, raised_by=actor.username,
                    raised_at=utcnow())
    session.add(row)
    session.flush()
    how = f"按规则“{_rule_name(rules, n.rule_id)}”" if n.rule_id else "人工"
    _add_event(session, on=today, kind="raise", by=actor.username, notice_id=row.id, level=1, deadline=n.deadline,
               text_=f"{how}下发{rules.level_name(1)}：{n.subject}；{n.reason}",
               details={"rule": n.rule_id, "rules": rules.label, "board_as_of": as_of})
    audit.record(session, actor=actor.username, action="duban.raise", entity="supervision_notice", entity_id=row.id,
                 summary=f"{how}发起督办 {number}：{n.subject} → {n.unit}，限 {n.deadline.isoformat()} 前答复",
                 after={"number": number, "unit": n.unit, "deadline": n.deadline, "source": n.source_key,
                        "rule": n.rule_id, "rules": rules.label})
    return row


# -- candidates from the board and the ledger ------------------------------------------------


def candidates(store: Store, actor: Actor, *, as_of: dt.date, region: str | None = None,
               tracking_rules: str | None = None) -> tuple[list[TargetCandidate], list[TaskCandidate]]:
    """The board's targets and the ledger's tasks as the rule run sees them."""
    from innodrive.plans.storage import stored_targets
    from innodrive.plans.wording import goal_of
    from innodrive.regions import all_regions
    from innodrive.services import board

    tb = board.targets(store, actor, as_of=as_of, region=region, rules=tracking_rules)
    kb = board.tasks(store, actor, as_of=as_of, region=region, rules=tracking_rules)
    regions = all_regions()
    plan_ids = {p.id for line in tb.lines for p in line.plans}
    sections = {t.id: t.target.section for pid in sorted(plan_ids) for t in stored_targets(store, plan_id=pid)}
    leads: dict[tuple[int, str], list[str]] = {(k.task.plan_id, k.task.path): list(k.task.lead_units)
                                               for k in kb.lines}
    targets = []
    for line in tb.lines:
        s = line.status
        section = sections.get(line.target_id)
        units: list[str] = []
        path = section or ""
        while path and not units:
            units = leads.get((line.plans[0].id, path), [])
            path = path.rpartition("/")[0]
        r = regions.get(line.region_code) if line.region_code else None
        targets.append(TargetCandidate(
            target_id=line.target_id, plan_id=line.plans[0].id, plan_title=line.plans[0].title,
            region_code=line.region_code, region_name=line.region_name, region_level=r.level if r else None,
            indicator=line.indicator, indicator_code=line.indicator_code, kind=line.kind,
            value=None if line.value is None else float(line.value), unit=line.unit, year=line.year,
            goal=goal_of(line), section=section, section_units=units, light=s.light, label=s.label, reason=s.reason,
            flags=list(s.flags)))
    tasks = []
    for k in kb.lines:
        s, t = k.status, k.task
        tasks.append(TaskCandidate(
            task_id=t.id, plan_id=t.plan_id, plan_title=t.plan_title or f"计划 #{t.plan_id}",
            region_code=t.region_code, region_name=_region_name(t.region_code), title=t.title, path=t.path,
            lead_units=list(t.lead_units), deadline=k.deadline, light=s.light, label=s.label, reason=s.reason,
            flags=list(s.flags), days_overdue=s.days_overdue))
    return targets, tasks


def _open_sources(session: Session) -> set[str]:
    return set(session.scalars(select(NoticeRow.source_key).where(NoticeRow.state != "closed")).all())


# -- raising -----------------------------------------------------------------------------------


def run_rules(store: Store, actor: Actor, *, as_of: dt.date, today: dt.date | None = None, region: str | None = None,
              rules: str | None = None, tracking_rules: str | None = None, dry_run: bool = False,
              escalate: bool = True) -> RunResult:
    """Raise the notices the declared rules ask for on the board at ``as_of``, and climb
    the ladder for open notices past their deadline at ``today``. ``dry_run`` shows what
    would happen and changes nothing."""
    require(actor, "duban.raise")
    if escalate:
        require(actor, "duban.decide")
    today = today or dt.date.today()
    rs = load_rules(rules)
    targets, tasks = candidates(store, actor, as_of=as_of, region=region, tracking_rules=tracking_rules)
    with store.read() as session:
        proposal = propose(targets, tasks, open_sources=_open_sources(session), rules=rs, as_of=today)
        ladder = _ladder_states(session, actor) if escalate else []
    escalations = due_escalations(ladder, rs, today) if escalate else []
    result = RunResult(as_of=as_of, rules=rs.label, dry_run=dry_run, proposed=proposal.notices, raised=[],
                       skipped=proposal.skipped, already_open=proposal.already_open, escalations=escalations)
    if dry_run or (not proposal.notices and not escalations):
        return result

    def work(session: Session) -> list[int]:
        open_now = _open_sources(session)
        ids = []
        for n in proposal.notices:
            if n.source_key in open_now:  # raised by someone else since the preview
                continue
            require(actor, "duban.raise", region_code=n.region_code, check_region=True, what=n.subject)
            ids.append(_insert_notice(session, actor, n, rs, as_of=as_of, today=today).id)
            open_now.add(n.source_key)
        for e in escalations:
            row = session.get(NoticeRow, e.notice_id, with_for_update=True)
            if row is not None and row.state == "open" and row.level == e.from_level:
                _apply_escalation(session, actor, row, e, rs, today=today)
        return ids

    ids = store.run(work)
    result.raised = [get_notice(store, actor, i, today=today, rules=rs) for i in ids]
    return result


def _ladder_states(session: Session, actor: Actor) -> list[LadderState]:
    rows = [r for r in session.scalars(select(NoticeRow).where(NoticeRow.state != "closed").order_by(NoticeRow.id))
            if actor.covers(r.region_code)]
    events = _events(session, notice_ids=[r.id for r in rows])
    return [_ladder(r, events.get(r.id, [])) for r in rows]


def raise_notice(store: Store, actor: Actor, *, unit: str, deadline: dt.date, response: str,
                 target_id: int | None = None, task_id: int | None = None, subject: str | None = None,
                 reason: str | None = None, as_of: dt.date | None = None, today: dt.date | None = None,
                 region: str | None = None, rules: str | None = None) -> NoticeView:
    """Raise a 督办单 by hand: on a target or a task of the board (its light and reason are
    taken from the board at ``as_of``), or on a matter the office describes."""
    require(actor, "duban.raise")
    today = today or dt.date.today()
    as_of = as_of or today
    rs = load_rules(rules)
    from innodrive.plans.units import clean_units

    units = clean_units([unit])
    if not units:
        raise InputError("请指定督办对象（责任单位）", field="unit")
    if deadline <= today:
        raise InputError(f"答复期限 {deadline.isoformat()} 应晚于今天 {today.isoformat()}", field="deadline")
    response = _clean(response, field="response", what="答复要求")
    if target_id is not None and task_id is not None:
        raise InputError("一张督办单只能针对一个目标或一个任务", field="target")
    if target_id is None and task_id is None and not (subject or "").strip():
        raise InputError("请指定一个目标（target）或一个任务（task），或写明督办事项", field="target")
    if target_id is not None or task_id is not None:
        targets, tasks = candidates(store, actor, as_of=as_of, region=region)
        if target_id is not None:
            t = next((x for x in targets if x.target_id == target_id), None)
            if t is None:
                raise NotFound(f"看板上没有编号为 {target_id} 的目标（或不在您的辖区内）", field="target")
            from innodrive.supervision.raising import target_key

            n = NewNotice(source_kind="target", source_key=target_key(t), target_id=t.target_id, plan_id=t.plan_id,
                          region_code=t.region_code, subject=f"目标“{t.indicator}”（{t.goal}）",
                          reason=f"{t.label}：{t.reason}", light=t.light, unit=units[0],
                          addressee_kind="region" if units[0].endswith("人民政府") else "unit",
                          required_response=response, deadline=deadline, rule_id=None)
        else:
            k = next((x for x in tasks if x.task_id == task_id), None)
            if k is None:
                raise NotFound(f"任务台账中没有编号为 {task_id} 的任务（或不在您的辖区内）", field="task")
            n = NewNotice(source_kind="task", source_key=task_key(k.task_id), task_id=k.task_id, plan_id=k.plan_id,
                          region_code=k.region_code, subject=f"任务“{k.title}”（{k.path}）",
                          reason=f"{k.label}：{k.reason}", light=k.light, unit=units[0], addressee_kind="unit",
                          required_response=response, deadline=deadline, rule_id=None)
    else:
        code = _region_code(actor, region)
        text_subject = _clean(subject, field="subject", what="督办事项", limit=500)
        n = NewNotice(source_kind="manual", source_key=f"manual:{today.isoformat()}:{text_subject}",
                      region_code=code, subject=text_subject,
                      reason=_clean(reason, field="reason", what="督办原因", required=False) or "人工督办",
                      light=None, unit=units[0], addressee_kind="unit", required_response=response, deadline=deadline,
                      rule_id=None)
    require(actor, "duban.raise", region_code=n.region_code, check_region=True, what=n.subject)

    def work(session: Session) -> int:
        if n.source_kind != "manual" and n.source_key in _open_sources(session):
            raise Conflict(f"{n.subject}已有未办结的督办单，不重复发起", field="target" if target_id else "task")
        return _insert_notice(session, actor, n, rs, as_of=as_of, today=today).id

    return get_notice(store, actor, store.run(work), today=today, rules=rs)


# -- reading ------------------------------------------------------------------------------------


def get_notice(store: Store, actor: Actor, notice_id: int, *, today: dt.date | None = None,
               rules: SupervisionRules | None = None) -> NoticeView:
    require(actor, "duban.read")
    with store.read() as session:
        row = session.get(NoticeRow, notice_id)
        if row is None:
            raise NotFound(f"没有编号为 {notice_id} 的督办单", field="notice")
        _check_notice(actor, "duban.read", row)
        events = _events(session, notice_ids=[row.id]).get(row.id, [])
        return _view(row, events, rules, today or dt.date.today())


def list_notices(store: Store, actor: Actor, *, state: str | None = None, unit: str | None = None,
                 overdue: bool = False, today: dt.date | None = None, limit: int = 2000) -> NoticeList:
    """The notices the actor may see (a 责任单位: its own), newest first."""
    require(actor, "duban.read")
    today = today or dt.date.today()
    if state and state not in STATE_NAMES:
        raise InputError(f"无法识别的督办状态“{state}”（可用：{'、'.join(STATE_NAMES)}）", field="state")
    with store.read() as session:
        q = select(NoticeRow).order_by(NoticeRow.id.desc())
        if state:
            q = q.where(NoticeRow.state == state)
        if actor.role == Role.UNIT and not actor.local:
            q = q.where(NoticeRow.unit == (actor.unit or "（未指定单位）"))
        elif unit:
            q = q.where(NoticeRow.unit == unit.strip())
        rows = [r for r in session.scalars(q) if can(actor, "duban.read", region_code=r.region_code,
                                                        check_region=True, units=_units_scope(actor, r.unit))]
        events = _events(session, notice_ids=[r.id for r in rows])
        rules = load_rules()
        views = [_view(r, events.get(r.id, []), rules, today) for r in rows]
    if overdue:
        views = [v for v in views if v.days_overdue > 0]
    views = views[:limit]
    totals: dict[str, int] = {}
    for v in views:
        totals[v.state] = totals.get(v.state, 0) + 1
    return NoticeList(today=today, notices=views, totals=totals)


def notice_evidence(store: Store, actor: Actor, *, notice_id: int, sha256: str,
                    blobs: BlobStore | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of one file handed in on a notice, checked against its hash."""
    n = get_notice(store, actor, notice_id)
    return _evidence_bytes([e for ev in n.events for e in ev.evidence], sha256, blobs, what=f"督办单 {n.number}")


def _evidence_bytes(files: list[EvidenceView], sha256: str, blobs: BlobStore | None, *, what: str) -> tuple[str, bytes]:
    e = next((f for f in files if f.sha256 == sha256), None)
    if e is None:
        raise NotFound(f"{what}没有该佐证材料", field="evidence")
    data = (blobs or default_blob_store()).get(e.sha256)
    if sha256_hex(data) != e.sha256:
        raise Conflict(f"佐证材料“{e.file_name}”与提交时的 SHA-256 不符（已被改动）", field="evidence")
    return e.file_name, data


# -- the addressee answers; the office decides ---------------------------------------------------


def _locked(session: Session, notice_id: int) -> NoticeRow:
    row = session.get(NoticeRow, notice_id, with_for_update=True)
    if row is None:
        raise NotFound(f"没有编号为 {notice_id} 的督办单", field="notice")
    return row


def answer(store: Store, actor: Actor, notice_id: int, *, text_: str, evidence: list[Upload] | None = None,
           blobs: BlobStore | None = None, today: dt.date | None = None) -> NoticeView:
    """The addressee answers (with evidence); the notice then waits on the office."""
    today = today or dt.date.today()
    require(actor, "duban.answer")
    body = _clean(text_, field="text", what="答复内容")
    stored = _store_evidence(evidence, blobs)

    def work(session: Session) -> None:
        row = _locked(session, notice_id)
        _check_notice(actor, "duban.answer", row)
        if actor.role == Role.COUNTY and not actor.local and row.addressee_kind != "region":
            from innodrive.errors import Forbidden

            raise Forbidden(f"督办单 {row.number} 的督办对象是{row.unit}，应由该单位答复")
        if row.state != "open":
            raise Conflict(f"督办单 {row.number} 当前状态为“{STATE_NAMES[row.state]}”，不能再答复", field="notice")
        _add_event(session, on=today, kind="answer", by=actor.username, notice_id=row.id, level=row.level, text_=body,
                   details={"unit": actor.unit or row.unit}, evidence=stored)
        row.state = "answered"
        audit.record(session, actor=actor.username, action="duban.answer", entity="supervision_notice",
                     entity_id=row.id, summary=f"答复督办单 {row.number}（佐证材料 {len(stored)} 个）",
                     after={"text": body, "evidence": [e["sha256"] for e in stored]})

    store.run(work)
    return get_notice(store, actor, notice_id, today=today)


def close(store: Store, actor: Actor, notice_id: int, *, note: str, rules: str | None = None,
          today: dt.date | None = None) -> NoticeView:
    """Accept the answer and close the notice (办结), when the declared conditions hold."""
    today = today or dt.date.today()
    require(actor, "duban.decide")
    rs = load_rules(rules)
    body = _clean(note, field="note", what="办结意见")

    def work(session: Session) -> None:
        row = _locked(session, notice_id)
        _check_notice(actor, "duban.decide", row)
        ladder = _ladder(row, _events(session, notice_ids=[row.id]).get(row.id, []))
        problems = close_problems(ladder, rs)
        if problems:
            raise Conflict(f"督办单 {row.number} 不能办结：" + "；".join(problems), field="notice")
        _add_event(session, on=today, kind="close", by=actor.username, notice_id=row.id, level=row.level, text_=body)
        row.state, row.closed_by, row.closed_at = "closed", actor.username, utcnow()
        audit.record(session, actor=actor.username, action="duban.close", entity="supervision_notice",
                     entity_id=row.id, summary=f"办结督办单 {row.number}：{body[:80]}", before={"state": "answered"},
                     after={"state": "closed"})

    store.run(work)
    return get_notice(store, actor, notice_id, today=today, rules=rs)


def return_answer(store: Store, actor: Actor, notice_id: int, *, reason: str, rules: str | None = None,
                  today: dt.date | None = None) -> NoticeView:
    """Return the answer (不予认可) with a reason; the notice waits on the addressee again
    (deadline: at least ``return_days`` from today), or climbs the ladder when the rules'
    number of returns is reached."""
    require(actor, "duban.decide")
    rs = load_rules(rules)
    today = today or dt.date.today()
    body = _clean(reason, field="reason", what="退回理由")

    def work(session: Session) -> None:
        row = _locked(session, notice_id)
        _check_notice(actor, "duban.decide", row)
        if row.state != "answered":
            raise Conflict(f"督办单 {row.number} 没有待审核的答复", field="notice")
        ladder = _ladder(row, _events(session, notice_ids=[row.id]).get(row.id, []))
        climbs = escalates_on_return(ladder, rs)
        deadline = max(row.deadline, today + dt.timedelta(days=rs.closing.return_days))
        _add_event(session, on=today, kind="return", by=actor.username, notice_id=row.id, level=row.level,
                   deadline=None if climbs else deadline, text_=body)
        row.state = "open"
        if climbs:
            e = next_rung(ladder.model_copy(update={"state": "open"}), rs, today,
                          why=f"答复第 {ladder.returns_at_level + 1} 次被退回，按规则升级")
            _apply_escalation(session, actor, row, e, rs, today=today)
        else:
            row.deadline = deadline
        audit.record(session, actor=actor.username, action="duban.return", entity="supervision_notice",
                     entity_id=row.id, summary=f"退回督办单 {row.number} 的答复：{body[:80]}",
                     after={"deadline": row.deadline, "level": row.level})

    store.run(work)
    return get_notice(store, actor, notice_id, today=today, rules=rs)


def _apply_escalation(session: Session, actor: Actor, row: NoticeRow, e: Escalation, rs: SupervisionRules, *,
                      today: dt.date) -> None:
    before = {"level": row.level, "deadline": row.deadline}
    row.level, row.deadline, row.state = e.to_level, e.deadline, "open"
    if e.response:
        row.required_response = e.response
    _add_event(session, on=today, kind="escalate", by=actor.username, notice_id=row.id, level=e.to_level, deadline=e.deadline,
               text_=f"升级为{e.level_name}：{e.why}", details={"from_level": e.from_level, "rules": rs.label})
    audit.record(session, actor=actor.username, action="duban.escalate", entity="supervision_notice",
                 entity_id=row.id, summary=f"督办单 {row.number} 升级为{e.level_name}，限 {e.deadline.isoformat()} 前答复",
                 before=before, after={"level": e.to_level, "deadline": e.deadline, "why": e.why})


def escalate(store: Store, actor: Actor, notice_id: int, *, reason: str, rules: str | None = None,
             today: dt.date | None = None) -> NoticeView:
    """Climb one rung of the declared ladder by the office's decision (with a reason)."""
    require(actor, "duban.decide")
    rs = load_rules(rules)
    today = today or dt.date.today()
    body = _clean(reason, field="reason", what="升级理由")

    def work(session: Session) -> None:
        row = _locked(session, notice_id)
        _check_notice(actor, "duban.decide", row)
        if row.state == "closed":
            raise Conflict(f"督办单 {row.number} 已办结，不能升级", field="notice")
        ladder = _ladder(row, _events(session, notice_ids=[row.id]).get(row.id, []))
        e = next_rung(ladder, rs, today, why=body)
        if e is None:
            raise Conflict(f"督办单 {row.number} 已是最高级（{rs.level_name(row.level)}），不能再升级", field="notice")
        _apply_escalation(session, actor, row, e, rs, today=today)

    store.run(work)
    return get_notice(store, actor, notice_id, today=today, rules=rs)


class Interview(BaseModel):
    """The record of a 约谈."""

    held_on: dt.date
    place: str
    interviewer: str = Field(description="约谈人")
    interviewees: str = Field(description="被约谈人（单位、姓名、职务）")
    content: str = Field(description="约谈内容")
    commitments: str = Field(description="整改承诺")


def record_interview(store: Store, actor: Actor, notice_id: int, interview: Interview, *,
                     evidence: list[Upload] | None = None, blobs: BlobStore | None = None, rules: str | None = None,
                     today: dt.date | None = None) -> NoticeView:
    """Record the 约谈 a notice has climbed to (needed before it can be closed)."""
    require(actor, "duban.decide")
    rs = load_rules(rules)
    today = today or dt.date.today()
    fields = {k: _clean(getattr(interview, k), field=k, what=label, limit=2000)
              for k, label in (("place", "约谈地点"), ("interviewer", "约谈人"), ("interviewees", "被约谈人"),
                               ("content", "约谈内容"), ("commitments", "整改承诺"))}
    if interview.held_on > today:
        raise InputError(f"约谈日期 {interview.held_on.isoformat()} 晚于今天", field="held_on")
    stored = _store_evidence(evidence, blobs)

    def work(session: Session) -> None:
        row = _locked(session, notice_id)
        _check_notice(actor, "duban.decide", row)
        if not rs.rung(row.level).interview:
            raise Conflict(f"督办单 {row.number} 当前为{rs.level_name(row.level)}，尚未升级为约谈", field="notice")
        if row.state == "closed":
            raise Conflict(f"督办单 {row.number} 已办结", field="notice")
        _add_event(session, on=today, kind="interview", by=actor.username, notice_id=row.id, level=row.level,
                   text_=f"{interview.held_on.isoformat()} 在{fields['place']}约谈{fields['interviewees']}：{fields['content']}",
                   details={"held_on": interview.held_on, **fields}, evidence=stored)
        audit.record(session, actor=actor.username, action="duban.interview", entity="supervision_notice",
                     entity_id=row.id, summary=f"记录督办单 {row.number} 的约谈（{interview.held_on.isoformat()}）",
                     after={"held_on": interview.held_on, **fields})

    store.run(work)
    return get_notice(store, actor, notice_id, today=today, rules=rs)


# -- 专项督查 ------------------------------------------------------------------------------------


class RectificationView(BaseModel):
    id: int
    item_id: int
    campaign_id: int
    campaign_name: str
    region_code: str | None
    unit: str
    subject: str
    problem: str
    requirement: str
    deadline: dt.date
    state: str
    state_name: str
    days_overdue: int
    created_by: str
    created_at: dt.datetime
    closed_by: str | None
    closed_at: dt.datetime | None
    events: list[EventView] = Field(default_factory=list)


class ItemView(BaseModel):
    id: int
    task_id: int
    plan_id: int
    unit: str | None
    subject: str
    why: str
    stratum: str | None
    weight: float | None
    outcome: str
    outcome_name: str
    finding: str | None
    inspected_by: str | None
    inspected_at: dt.datetime | None
    rectifications: list[RectificationView] = Field(default_factory=list)


class CampaignView(BaseModel):
    id: int
    name: str
    region_code: str | None
    region_name: str | None
    as_of: dt.date
    method: str
    criteria: dict
    seed: str | None
    frame_size: int
    frame_sha256: str | None
    state: str
    created_by: str
    created_at: dt.datetime
    closed_by: str | None
    closed_at: dt.datetime | None
    note: str | None
    items: list[ItemView]
    counts: dict[str, int] = Field(description="items by outcome; 整改 by state")


def create_campaign(store: Store, actor: Actor, *, name: str, as_of: dt.date, criteria: Criteria | None = None,
                    sample_size: int | None = None, by: list[str] | None = None, seed: str | None = None,
                    allocation: str = "proportional", region: str | None = None, include_completed: bool = False,
                    tracking_rules: str | None = None, today: dt.date | None = None) -> CampaignView:
    """Open a 专项督查 campaign over the task ledger at ``as_of``: the tasks a rule picks
    (``criteria``) or a seeded stratified sample of ``sample_size`` (strata ``by``)."""
    from innodrive.evaluation.sampling import new_seed

    require(actor, "inspection.write")
    title = _clean(name, field="name", what="专项督查名称", limit=200)
    code = _region_code(actor, region)
    require(actor, "inspection.write", region_code=code, check_region=code is not None, what=title)
    _, tasks = candidates(store, actor, as_of=as_of, region=region, tracking_rules=tracking_rules)
    if sample_size is not None:
        seed = (seed or "").strip() or new_seed()
        design = make_design(by=list(by if by is not None else ["unit"]), allocation=allocation, size=sample_size)
        selection: Selection = select_by_sample(tasks, design, seed, include_completed=include_completed)
        recorded = {"design": design.model_dump(), "include_completed": include_completed}
    else:
        criteria = criteria or Criteria(lights=["red"])
        selection = select_by_rule(tasks, criteria.model_copy(update={"include_completed": include_completed}))
        recorded = criteria.model_dump()
    if not selection.picks:
        raise InputError("按所给条件没有选出任何任务，未创建专项督查", field="criteria")

    def work(session: Session) -> int:
        row = CampaignRow(region_code=code, name=title, as_of=as_of, method=selection.method, criteria=recorded,
                          seed=selection.draw.seed if selection.draw else None, frame_size=selection.frame_size,
                          frame_sha256=selection.draw.frame_sha256 if selection.draw else None, state="open",
                          created_by=actor.username, created_at=utcnow())
        session.add(row)
        session.flush()
        session.add_all([InspectionItemRow(campaign_id=row.id, task_id=p.task_id, plan_id=p.plan_id, unit=p.unit,
                                           subject=p.subject, why=p.why, stratum=p.stratum, weight=p.weight,
                                           outcome="pending") for p in selection.picks])
        how = f"随机抽样（种子 {row.seed}）" if row.seed else "按规则"
        audit.record(session, actor=actor.username, action="inspection.create", entity="inspection_campaign",
                     entity_id=row.id, summary=f"组织专项督查《{title}》：{how}选取任务 {len(selection.picks)} 项",
                     after={"method": row.method, "criteria": recorded, "seed": row.seed,
                            "tasks": [p.task_id for p in selection.picks], "frame_sha256": row.frame_sha256})
        return row.id

    return get_campaign(store, actor, store.run(work), today=today)


def _rect_view(r: RectificationRow, campaign: CampaignRow, subject: str, events: list[EventView],
               today: dt.date) -> RectificationView:
    return RectificationView(
        id=r.id, item_id=r.item_id, campaign_id=r.campaign_id, campaign_name=campaign.name, region_code=r.region_code,
        unit=r.unit, subject=subject, problem=r.problem, requirement=r.requirement, deadline=r.deadline, state=r.state,
        state_name=RECT_STATE_NAMES.get(r.state, r.state),
        days_overdue=max(0, (today - r.deadline).days) if r.state != "closed" else 0, created_by=r.created_by,
        created_at=_aware(r.created_at), closed_by=r.closed_by, closed_at=_aware(r.closed_at), events=events)


def get_campaign(store: Store, actor: Actor, campaign_id: int, *, today: dt.date | None = None) -> CampaignView:
    """A campaign with its items and 整改 (a 责任单位 sees the items of its own unit only)."""
    require(actor, "inspection.read")
    today = today or dt.date.today()
    with store.read() as session:
        c = session.get(CampaignRow, campaign_id)
        if c is None:
            raise NotFound(f"没有编号为 {campaign_id} 的专项督查", field="campaign")
        require(actor, "inspection.read", region_code=c.region_code, check_region=True, what=f"专项督查《{c.name}》")
        items = session.scalars(select(InspectionItemRow).where(InspectionItemRow.campaign_id == c.id)
                                .order_by(InspectionItemRow.id)).all()
        rects = session.scalars(select(RectificationRow).where(RectificationRow.campaign_id == c.id)
                                .order_by(RectificationRow.id)).all()
        events = _events(session, rect_ids=[r.id for r in rects])
        session.expunge_all()  # keep the loaded rows readable after the read session rolls back
    own = actor.role == Role.UNIT and not actor.local
    subjects = {i.id: i.subject for i in items}
    by_item: dict[int, list[RectificationView]] = {}
    for r in rects:
        if own and r.unit != actor.unit:
            continue
        by_item.setdefault(r.item_id, []).append(_rect_view(r, c, subjects.get(r.item_id, ""), events.get(r.id, []),
                                                            today))
    views = []
    for i in items:
        if own and i.unit != actor.unit and i.id not in by_item:
            continue
        views.append(ItemView(id=i.id, task_id=i.task_id, plan_id=i.plan_id, unit=i.unit, subject=i.subject, why=i.why,
                              stratum=i.stratum, weight=i.weight, outcome=i.outcome,
                              outcome_name=OUTCOME_NAMES.get(i.outcome, i.outcome), finding=i.finding,
                              inspected_by=i.inspected_by, inspected_at=_aware(i.inspected_at),
                              rectifications=by_item.get(i.id, [])))
    counts: dict[str, int] = {}
    for v in views:
        counts[v.outcome] = counts.get(v.outcome, 0) + 1
        for r in v.rectifications:
            counts["rect_" + r.state] = counts.get("rect_" + r.state, 0) + 1
    return CampaignView(id=c.id, name=c.name, region_code=c.region_code, region_name=_region_name(c.region_code),
                        as_of=c.as_of, method=c.method, criteria=c.criteria, seed=c.seed, frame_size=c.frame_size,
                        frame_sha256=c.frame_sha256, state=c.state, created_by=c.created_by,
                        created_at=_aware(c.created_at), closed_by=c.closed_by, closed_at=_aware(c.closed_at),
                        note=c.note, items=views, counts=counts)


def list_campaigns(store: Store, actor: Actor) -> list[CampaignView]:
    require(actor, "inspection.read")
    with store.read() as session:
        ids = [c.id for c in session.scalars(select(CampaignRow).order_by(CampaignRow.id.desc()))
               if can(actor, "inspection.read", region_code=c.region_code, check_region=True)]
    return [get_campaign(store, actor, i) for i in ids]


def _campaign_of(session: Session, actor: Actor, campaign_id: int, *, lock: bool = False) -> CampaignRow:
    c = session.get(CampaignRow, campaign_id, with_for_update=lock)
    if c is None:
        raise NotFound(f"没有编号为 {campaign_id} 的专项督查", field="campaign")
    require(actor, "inspection.write", region_code=c.region_code, check_region=True, what=f"专项督查《{c.name}》")
    if c.state == "closed":
        raise Conflict(f"专项督查《{c.name}》已结束，不能再修改", field="campaign")
    return c


def record_finding(store: Store, actor: Actor, item_id: int, *, outcome: str, finding: str) -> CampaignView:
    """The inspection's conclusion on one task: 未发现问题 (``ok``) or 发现问题 (``issue``)."""
    require(actor, "inspection.write")
    if outcome not in ("ok", "issue"):
        raise InputError("检查结论应为“未发现问题”（ok）或“发现问题”（issue）", field="outcome")
    body = _clean(finding, field="finding", what="检查情况")

    def work(session: Session) -> int:
        item = session.get(InspectionItemRow, item_id, with_for_update=True)
        if item is None:
            raise NotFound(f"没有编号为 {item_id} 的检查事项", field="item")
        _campaign_of(session, actor, item.campaign_id)
        before = {"outcome": item.outcome, "finding": item.finding}
        if outcome == "ok" and session.scalar(select(func.count()).select_from(RectificationRow)
                                              .where(RectificationRow.item_id == item.id)):
            raise Conflict("该事项已交办整改，不能改为“未发现问题”", field="outcome")
        item.outcome, item.finding, item.inspected_by, item.inspected_at = outcome, body, actor.username, utcnow()
        audit.record(session, actor=actor.username, action="inspection.finding", entity="inspection_item",
                     entity_id=item.id, summary=f"专项督查检查结论：{item.subject} → {OUTCOME_NAMES[outcome]}",
                     before=before, after={"outcome": outcome, "finding": body})
        return item.campaign_id

    return get_campaign(store, actor, store.run(work))


def add_rectification(store: Store, actor: Actor, item_id: int, *, problem: str, requirement: str,
                      deadline: dt.date, unit: str | None = None, today: dt.date | None = None) -> RectificationView:
    """Hand a problem found on an inspected task to a unit as a 整改 item with a deadline."""
    require(actor, "inspection.write")
    today = today or dt.date.today()
    if deadline <= today:
        raise InputError(f"整改期限 {deadline.isoformat()} 应晚于今天 {today.isoformat()}", field="deadline")
    p = _clean(problem, field="problem", what="存在问题")
    req = _clean(requirement, field="requirement", what="整改要求")

    def work(session: Session) -> int:
        item = session.get(InspectionItemRow, item_id, with_for_update=True)
        if item is None:
            raise NotFound(f"没有编号为 {item_id} 的检查事项", field="item")
        c = _campaign_of(session, actor, item.campaign_id)
        who = (unit or "").strip() or item.unit
        if not who:
            raise InputError("该任务的牵头单位未明确，请指定整改责任单位", field="unit")
        if item.outcome != "issue":
            item.outcome, item.inspected_by, item.inspected_at = "issue", actor.username, utcnow()
            item.finding = item.finding or p
        row = RectificationRow(item_id=item.id, campaign_id=c.id, region_code=c.region_code, unit=who, problem=p,
                               requirement=req, deadline=deadline, state="open", created_by=actor.username,
                               created_at=utcnow())
        session.add(row)
        session.flush()
        _add_event(session, on=today, kind="rect_open", by=actor.username, rectification_id=row.id, deadline=deadline,
                   text_=f"交办整改：{p}；要求：{req}")
        audit.record(session, actor=actor.username, action="inspection.rectify", entity="rectification",
                     entity_id=row.id, summary=f"交办整改 → {who}，限 {deadline.isoformat()}：{p[:60]}",
                     after={"unit": who, "problem": p, "requirement": req, "deadline": deadline})
        return row.id

    return get_rectification(store, actor, store.run(work), today=today)


def get_rectification(store: Store, actor: Actor, rect_id: int, *, today: dt.date | None = None) -> RectificationView:
    require(actor, "inspection.read")
    with store.read() as session:
        r = session.get(RectificationRow, rect_id)
        if r is None:
            raise NotFound(f"没有编号为 {rect_id} 的整改事项", field="rectification")
        require(actor, "inspection.read", region_code=r.region_code, check_region=True,
                units=_units_scope(actor, r.unit), what=f"整改事项 {rect_id}")
        c = session.get(CampaignRow, r.campaign_id)
        item = session.get(InspectionItemRow, r.item_id)
        events = _events(session, rect_ids=[r.id]).get(r.id, [])
        session.expunge_all()  # keep the loaded rows readable after the read session rolls back
    return _rect_view(r, c, item.subject if item else "", events, today or dt.date.today())


def list_rectifications(store: Store, actor: Actor, *, state: str | None = None,
                        today: dt.date | None = None) -> list[RectificationView]:
    """整改 items the actor may see (a 责任单位: its own), open ones first."""
    require(actor, "inspection.read")
    today = today or dt.date.today()
    with store.read() as session:
        q = select(RectificationRow).order_by(RectificationRow.deadline, RectificationRow.id)
        if state:
            q = q.where(RectificationRow.state == state)
        rows = [r for r in session.scalars(q) if can(actor, "inspection.read", region_code=r.region_code,
                                                        check_region=True, units=_units_scope(actor, r.unit))]
        campaigns = {c.id: c for c in session.scalars(select(CampaignRow).where(
            CampaignRow.id.in_({r.campaign_id for r in rows} or {-1})))}
        subjects = dict(session.execute(select(InspectionItemRow.id, InspectionItemRow.subject).where(
            InspectionItemRow.id.in_({r.item_id for r in rows} or {-1}))).all())
        events = _events(session, rect_ids=[r.id for r in rows])
        session.expunge_all()  # keep the loaded rows readable after the read session rolls back
    views = [_rect_view(r, campaigns[r.campaign_id], subjects.get(r.item_id, ""), events.get(r.id, []), today)
             for r in rows]
    return sorted(views, key=lambda v: (v.state == "closed", v.deadline, v.id))


def report_rectification(store: Store, actor: Actor, rect_id: int, *, text_: str, evidence: list[Upload] | None = None,
                         blobs: BlobStore | None = None, today: dt.date | None = None) -> RectificationView:
    """The unit reports what it rectified, with evidence; the item waits for 销号."""
    today = today or dt.date.today()
    require(actor, "duban.answer")
    body = _clean(text_, field="text", what="整改情况")
    stored = _store_evidence(evidence, blobs)

    def work(session: Session) -> None:
        r = session.get(RectificationRow, rect_id, with_for_update=True)
        if r is None:
            raise NotFound(f"没有编号为 {rect_id} 的整改事项", field="rectification")
        require(actor, "duban.answer", region_code=r.region_code, check_region=True,
                units=_units_scope(actor, r.unit), what=f"整改事项 {rect_id}")
        if r.state != "open":
            raise Conflict(f"整改事项 {rect_id} 当前为“{RECT_STATE_NAMES[r.state]}”，不能再报送", field="rectification")
        _add_event(session, on=today, kind="rect_report", by=actor.username, rectification_id=r.id, text_=body, evidence=stored)
        r.state = "reported"
        audit.record(session, actor=actor.username, action="inspection.report", entity="rectification", entity_id=r.id,
                     summary=f"报送整改情况（整改事项 {r.id}，佐证材料 {len(stored)} 个）",
                     after={"text": body, "evidence": [e["sha256"] for e in stored]})

    store.run(work)
    return get_rectification(store, actor, rect_id, today=today)


def decide_rectification(store: Store, actor: Actor, rect_id: int, *, accept: bool, note: str,
                         deadline: dt.date | None = None, today: dt.date | None = None) -> RectificationView:
    """销号 (``accept``) a reported 整改 item, or return it with a reason (and a new deadline)."""
    require(actor, "inspection.write")
    today = today or dt.date.today()
    body = _clean(note, field="note", what="核验意见")
    if not accept and deadline is not None and deadline <= today:
        raise InputError(f"新的整改期限 {deadline.isoformat()} 应晚于今天", field="deadline")

    def work(session: Session) -> None:
        r = session.get(RectificationRow, rect_id, with_for_update=True)
        if r is None:
            raise NotFound(f"没有编号为 {rect_id} 的整改事项", field="rectification")
        _campaign_of(session, actor, r.campaign_id)
        if r.state != "reported":
            raise Conflict(f"整改事项 {rect_id} 尚未报送整改情况，不能核验", field="rectification")
        if accept:
            r.state, r.closed_by, r.closed_at = "closed", actor.username, utcnow()
            _add_event(session, on=today, kind="rect_close", by=actor.username, rectification_id=r.id, text_=body)
        else:
            r.state = "open"
            if deadline is not None:
                r.deadline = deadline
            _add_event(session, on=today, kind="rect_return", by=actor.username, rectification_id=r.id, text_=body,
                       deadline=r.deadline)
        audit.record(session, actor=actor.username, action="inspection.close" if accept else "inspection.return",
                     entity="rectification", entity_id=r.id,
                     summary=f"{'整改销号' if accept else '退回整改'}（整改事项 {r.id}）：{body[:60]}",
                     after={"state": r.state, "deadline": r.deadline})

    store.run(work)
    return get_rectification(store, actor, rect_id, today=today)


def close_campaign(store: Store, actor: Actor, campaign_id: int, *, note: str) -> CampaignView:
    """End a campaign once every task has a finding and every 整改 item is 销号."""
    require(actor, "inspection.write")
    body = _clean(note, field="note", what="总结")

    def work(session: Session) -> None:
        c = _campaign_of(session, actor, campaign_id, lock=True)
        pending = session.scalar(select(func.count()).select_from(InspectionItemRow).where(
            InspectionItemRow.campaign_id == c.id, InspectionItemRow.outcome == "pending")) or 0
        still_open = session.scalar(select(func.count()).select_from(RectificationRow).where(
            RectificationRow.campaign_id == c.id, RectificationRow.state != "closed")) or 0
        problems = campaign_close_problems(still_open, pending)
        if problems:
            raise Conflict(f"专项督查《{c.name}》不能结束：" + "；".join(problems), field="campaign")
        c.state, c.closed_by, c.closed_at, c.note = "closed", actor.username, utcnow(), body
        audit.record(session, actor=actor.username, action="inspection.finish", entity="inspection_campaign",
                     entity_id=c.id, summary=f"结束专项督查《{c.name}》", after={"note": body})

    store.run(work)
    return get_campaign(store, actor, campaign_id)


def rectification_evidence(store: Store, actor: Actor, *, rect_id: int, sha256: str,
                           blobs: BlobStore | None = None) -> tuple[str, bytes]:
    r = get_rectification(store, actor, rect_id)
    return _evidence_bytes([e for ev in r.events for e in ev.evidence], sha256, blobs, what=f"整改事项 {rect_id}")


# -- what the 通报 and the 人大 view need ----------------------------------------------------------


class UnitLoad(BaseModel):
    unit: str
    open: int
    overdue: int
    answered: int
    closed: int
    highest_level: int


class SupervisionSummary(BaseModel):
    today: dt.date
    raised: int
    open: int
    answered: int
    closed: int
    overdue: int
    escalated: int = Field(description="notices that climbed beyond the first rung")
    interviews: int
    by_level: dict[str, int]
    by_unit: list[UnitLoad]
    campaigns: int
    rectifications: dict[str, int]
    rectifications_overdue: int


def summary(store: Store, actor: Actor, *, today: dt.date | None = None, since: dt.date | None = None,
            until: dt.date | None = None) -> SupervisionSummary:
    """Counts of notices, escalations, 约谈 and 整改 in the actor's scope (raised within
    ``since``..``until`` when given)."""
    today = today or dt.date.today()
    notices = list_notices(store, actor, today=today).notices
    if since or until:
        notices = [n for n in notices if (since is None or n.raised_on >= since)
                   and (until is None or n.raised_on <= until)]
    rules = load_rules()
    by_level: dict[str, int] = {}
    units: dict[str, UnitLoad] = {}
    for n in notices:
        by_level[rules.level_name(n.level)] = by_level.get(rules.level_name(n.level), 0) + 1
        u = units.setdefault(n.unit, UnitLoad(unit=n.unit, open=0, overdue=0, answered=0, closed=0, highest_level=1))
        u.open += n.state == "open"
        u.overdue += n.days_overdue > 0
        u.answered += n.state == "answered"
        u.closed += n.state == "closed"
        u.highest_level = max(u.highest_level, n.level)
    rects = list_rectifications(store, actor, today=today) if can(actor, "inspection.read") else []
    rect_counts: dict[str, int] = {}
    for r in rects:
        rect_counts[r.state] = rect_counts.get(r.state, 0) + 1
    campaigns = 0
    if can(actor, "inspection.read"):
        with store.read() as session:
            campaigns = sum(1 for c in session.scalars(select(CampaignRow))
                            if can(actor, "inspection.read", region_code=c.region_code, check_region=True))
    return SupervisionSummary(
        today=today, raised=len(notices), open=sum(n.state == "open" for n in notices),
        answered=sum(n.state == "answered" for n in notices), closed=sum(n.state == "closed" for n in notices),
        overdue=sum(n.days_overdue > 0 for n in notices), escalated=sum(n.level > 1 for n in notices),
        interviews=sum(1 for n in notices for e in n.events if e.kind == "interview"), by_level=by_level,
        by_unit=sorted(units.values(), key=lambda u: (-u.overdue, -u.open, u.unit)), campaigns=campaigns,
        rectifications=rect_counts, rectifications_overdue=sum(r.days_overdue > 0 for r in rects))


# -- the 督查通报 -------------------------------------------------------------------------------


class TongbaoView(BaseModel):
    """A 通报's data and, when issued, its sealed record (文号, SHA-256)."""

    bulletin: Bulletin
    issued: bool
    reference: str | None = None
    snapshot_id: int | None = None
    sha256: str | None = None


def _constructed_notes(lines) -> list[str]:
    sources = sorted({s for s in (getattr(line.status, "latest_source", None) for line in lines) if s})
    marked = [s for s in sources if "构造" in s or "测试" in s or "示例" in s]
    return [f"部分实际值的来源标注为：{'；'.join(marked)}"] if marked else []


def _previous_bulletin(store: Store, actor: Actor, *, period: str, region_code: str | None, as_of: dt.date,
                       region_arg: str | None, tracking_rules: str | None):
    from innodrive.publication.db import SnapshotRow
    from innodrive.services import board, publication
    from innodrive.supervision.bulletin import build_bulletin, period_bounds, previous_period
    from innodrive.supervision.raising import target_key

    with store.read() as session:
        rows = session.scalars(select(SnapshotRow).where(SnapshotRow.kind == "tongbao",
                                                         SnapshotRow.withdrawn_at.is_(None),
                                                         SnapshotRow.as_of < as_of)
                               .order_by(SnapshotRow.as_of.desc(), SnapshotRow.id.desc())).all()
        candidates_ = [r.id for r in rows if r.region_code == region_code]
    for sid in candidates_:
        snap = publication.get_snapshot(store, actor, sid)
        if not snap.intact:
            continue
        before = Bulletin.model_validate({k: v for k, v in snap.content.items() if k != "kind"})
        return before, "issued", snap.reference
    prev = previous_period(period)
    _, prev_end = period_bounds(prev)
    tb = board.targets(store, actor, as_of=prev_end, region=region_arg, rules=tracking_rules)
    kb = board.tasks(store, actor, as_of=prev_end, region=region_arg, rules=tracking_rules)
    before = build_bulletin(prev, tb, kb, region_name=None, target_keys={x.target_id: target_key(x) for x in tb.lines})
    return before, "recomputed", None


def tongbao(store: Store, actor: Actor, *, period: str, region: str | None = None,
            tracking_rules: str | None = None) -> TongbaoView:
    """The 督查通报 of ``period`` (``2024Q2``, ``2024-06`` …) as data, from the boards of its
    last day; an issued 通报 of that period is returned as it was issued (its sealed data)."""
    from innodrive.services import board
    from innodrive.services.publication import document_region
    from innodrive.supervision.bulletin import (
        build_bulletin,
        compare,
        parse_bulletin_period,
        period_bounds,
        supervision_line,
    )
    from innodrive.supervision.raising import target_key

    require(actor, "tongbao.read")
    p = parse_bulletin_period(period)
    code = document_region(store, actor, region)
    region = region or code
    issued = _issued(store, actor, p, code)
    if issued is not None:
        return issued
    require(actor, "tongbao.issue", region_code=code, check_region=code is not None, what="督查通报")
    start, end = period_bounds(p)
    region_arg = region if region and region.strip() else None
    tb = board.targets(store, actor, as_of=end, region=region_arg, rules=tracking_rules)
    kb = board.tasks(store, actor, as_of=end, region=region_arg, rules=tracking_rules)
    keys = {x.target_id: target_key(x) for x in tb.lines}
    notices = list_notices(store, actor, today=end).notices if can(actor, "duban.read") else []
    if code:
        notices = [n for n in notices if n.region_code and (n.region_code == code or _inside(n.region_code, code))]
    before, basis, reference = _previous_bulletin(store, actor, period=p, region_code=code, as_of=end,
                                                  region_arg=region_arg, tracking_rules=tracking_rules)
    names = {keys[x.target_id]: x.indicator for x in tb.lines}
    lights = {keys[x.target_id]: x.status.light for x in tb.lines}
    progress = compare(lights, names, before.target_lights, before.target_names, basis=basis, reference=reference,
                       previous_period=before.period, previous_as_of=before.as_of,
                       totals_before={x.light: x.count for x in before.lights}, overdue_before=before.tasks_overdue,
                       completed_before=before.tasks_completed)
    b = build_bulletin(p, tb, kb, region_name=_region_name(code), target_keys=keys,
                       supervision=supervision_line(notices, start, end), previous=progress,
                       data_notes=_constructed_notes(tb.lines))
    return TongbaoView(bulletin=b, issued=False)


def _inside(code: str, scope: str) -> bool:
    from innodrive.regions import all_regions

    return all_regions().is_within(code, scope)


def _issued(store: Store, actor: Actor, period: str, code: str | None) -> TongbaoView | None:
    from innodrive.publication.db import SnapshotRow
    from innodrive.services import publication

    with store.read() as session:
        sid = session.scalar(select(SnapshotRow.id).where(
            SnapshotRow.kind == "tongbao", SnapshotRow.period == period, SnapshotRow.withdrawn_at.is_(None),
            SnapshotRow.region_code.is_(None) if code is None else SnapshotRow.region_code == code)
            .order_by(SnapshotRow.id.desc()).limit(1))
    if sid is None:
        return None
    snap = publication.get_snapshot(store, actor, sid)
    if not snap.intact:
        raise Conflict(f"已印发的{period}督查通报（{snap.reference}）未通过完整性校验："
                       f"{'；'.join(snap.problems)}", field="period")
    b = Bulletin.model_validate({k: v for k, v in snap.content.items() if k != "kind"})
    return TongbaoView(bulletin=b, issued=True, reference=snap.reference, snapshot_id=snap.id, sha256=snap.sha256)


def issue_tongbao(store: Store, actor: Actor, *, period: str, reference: str, region: str | None = None,
                  tracking_rules: str | None = None) -> TongbaoView:
    """Issue (印发) the 通报 of ``period`` under 文号 ``reference``: its data is sealed, so it
    can be printed again identically and the next 通报 measures progress against it."""
    from innodrive.services.publication import store_snapshot
    from innodrive.supervision.bulletin import parse_bulletin_period

    require(actor, "tongbao.issue")
    from innodrive.services.publication import document_region

    ref = _clean(reference, field="reference", what="文号", limit=100)
    p = parse_bulletin_period(period)
    code = document_region(store, actor, region)
    region = region or code
    if _issued(store, actor, p, code) is not None:
        raise Conflict(f"{p}的督查通报已印发；如需重发，请先撤回已印发的通报", field="period")
    view = tongbao(store, actor, period=p, region=region, tracking_rules=tracking_rules)
    b = view.bulletin

    def work(session: Session) -> tuple[int, str]:
        row = store_snapshot(session, actor, kind="tongbao", region_code=code,
                             title=f"{b.region_name or ''}{b.period_label}督查通报", as_of=b.as_of, period=p,
                             reference=ref, content={"kind": "tongbao", **b.model_dump(mode="json")})
        return row.id, row.sha256

    sid, sha = store.run(work)
    return TongbaoView(bulletin=b, issued=True, reference=ref, snapshot_id=sid, sha256=sha)


__all__ = ["CampaignView", "EventView", "Interview", "ItemView", "NoticeList", "NoticeView", "RectificationView",
           "RunResult", "SupervisionSummary", "add_rectification", "answer", "candidates", "close", "close_campaign",
           "create_campaign", "decide_rectification", "escalate", "get_campaign", "get_notice", "get_rectification",
           "list_campaigns", "list_notices", "list_rectifications", "notice_evidence", "raise_notice",
           "record_finding", "record_interview", "rectification_evidence", "report_rectification", "return_answer",
           "run_rules", "summary", "tongbao", "issue_tongbao", "TongbaoView"]
