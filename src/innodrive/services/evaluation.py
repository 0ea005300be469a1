"""第三方评估 use cases: draw a sample of progress reports, judge each, estimate, report.

The evaluator (``Role.EVALUATOR``) works read-only over its region: it draws a
stratified random sample of the progress reports filed there (with their evidence),
records a verdict on each sampled report (核实 / 不符 / 存疑, with notes) and reads the
discrepancy rate by unit with a confidence interval. Its samples and verdicts are the
only things it writes; every other write of innodrive refuses the role. A sample
records its design, seed and frame, so :func:`reproduce` can draw it again.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.errors import Conflict, InputError, NotFound
from innodrive.evaluation.db import SampleItemRow, SampleRow, VerdictRow
from innodrive.evaluation.estimates import (
    METHOD_NAMES,
    VERDICT_NAMES,
    JudgedItem,
    Method,
    Rates,
    parse_verdict,
    rates,
)
from innodrive.evaluation.sampling import (
    ALLOCATION_NAMES,
    Design,
    Draw,
    FrameItem,
    draw,
    frame_digest,
    new_seed,
    stratum_label,
    stratum_values,
)
from innodrive.plans.models import REVIEW_STATE_NAMES, TASK_STATUS_NAMES
from innodrive.services.access import can, require
from innodrive.services.actor import Actor
from innodrive.store import Store, audit
from innodrive.store.schema import utcnow

STRATA = {"unit": "报送单位", "status": "报送状态", "plan": "计划", "review_state": "审核状态", "region": "地区"}
MAX_NOTE = 4000


class FrameRow(BaseModel):
    """One progress report that may be sampled."""

    report_id: int
    task_id: int
    task_title: str
    plan_id: int
    plan_title: str
    region_code: str | None
    unit: str
    as_of: dt.date
    status: str
    review_state: str

    def attrs(self, region_name: str | None = None) -> dict[str, str]:
        return {"unit": self.unit, "status": TASK_STATUS_NAMES.get(self.status, self.status),
                "plan": self.plan_title, "review_state": REVIEW_STATE_NAMES.get(self.review_state, self.review_state),
                "region": region_name or self.region_code or "（未知地区）"}


class VerdictView(BaseModel):
    verdict: str
    verdict_name: str
    note: str
    by: str
    at: dt.datetime


class EvidenceRef(BaseModel):
    file_name: str
    sha256: str
    size: int


class SampledReport(BaseModel):
    item_id: int
    ordinal: int
    report_id: int
    task_id: int
    task_title: str
    plan_title: str
    unit: str
    stratum: str
    weight: float
    as_of: dt.date
    status: str
    status_name: str
    percent: float | None
    narrative: str
    reporter: str
    review_state: str
    review_state_name: str
    evidence: list[EvidenceRef]
    verdict: VerdictView | None
    history: list[VerdictView] = Field(default_factory=list)


class StratumView(BaseModel):
    stratum: str
    population: int
    sample: int


class SampleView(BaseModel):
    id: int
    name: str
    region_code: str | None
    period_from: dt.date | None
    period_to: dt.date | None
    review_states: list[str]
    design: Design
    design_text: str
    seed: str
    frame_size: int
    frame_sha256: str
    generator: str
    method: Method
    method_name: str
    level: float
    created_by: str
    created_at: dt.datetime
    strata: list[StratumView]
    items: list[SampledReport]
    rates: Rates
    can_judge: bool = False


class ReproduceCheck(BaseModel):
    sample_id: int
    frame_intact: bool = Field(description="the recorded frame still hashes to the recorded SHA-256")
    same_items: bool = Field(description="drawing again from the recorded frame, design and seed gives the same items")
    redrawn: list[int]
    recorded: list[int]
    current_frame_sha256: str | None = Field(description="hash of today's frame over the same scope and period")
    current_frame_changed: bool | None


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _scope_code(actor: Actor, region: str | None) -> str | None:
    if region and region.strip():
        from innodrive.regions import resolve

        code = resolve(region, field="region").code
        require(actor, "evaluation.read", region_code=code, check_region=True, what="评估范围")
        return code
    return actor.region_code


def frame(store: Store, actor: Actor, *, region: str | None = None, period_from: dt.date | None = None,
          period_to: dt.date | None = None, review_states: list[str] | None = None) -> list[FrameRow]:
    """The progress reports in the actor's scope that a sample may draw from."""
    from innodrive.plans.progress import list_tasks

    require(actor, "evaluation.read")
    states = review_states or ["approved"]
    bad = [s for s in states if s not in REVIEW_STATE_NAMES]
    if bad:
        raise InputError(f"无法识别的审核状态：{'、'.join(bad)}（可用：{'、'.join(REVIEW_STATE_NAMES)}）",
                         field="review_states")
    if period_from and period_to and period_from > period_to:
        raise InputError(f"起始日期 {period_from} 晚于截止日期 {period_to}", field="period_from")
    code = _scope_code(actor, region)
    rows = []
    for t in list_tasks(store, include_retired=True):
        if code and not _within(t.region_code, code):
            continue
        if not actor.covers(t.region_code):
            continue
        for r in t.reports:
            if r.review_state not in states:
                continue
            if (period_from and r.as_of < period_from) or (period_to and r.as_of > period_to):
                continue
            unit = (r.unit or "").strip() or (t.lead_units[0] if t.lead_units else "（未明确单位）")
            rows.append(FrameRow(report_id=r.id, task_id=t.id, task_title=t.title, plan_id=t.plan_id,
                                 plan_title=t.plan_title or f"计划 #{t.plan_id}", region_code=t.region_code,
                                 unit=unit, as_of=r.as_of, status=r.status, review_state=r.review_state))
    return sorted(rows, key=lambda x: x.report_id)


def _within(region_code: str | None, scope: str) -> bool:
    if region_code is None:
        return False
    if region_code == scope:
        return True
    from innodrive.regions import all_regions

    return all_regions().is_within(region_code, scope)


def _region_names(codes: set[str | None]) -> dict[str | None, str | None]:
    from innodrive.regions import all_regions

    regions = all_regions()
    return {c: (regions.get(c).name if c and regions.get(c) else c) for c in codes}


def _design_text(d: Design) -> str:
    by = "、".join(STRATA.get(b, b) for b in d.by) or "不分层"
    size = f"每层 {d.per_stratum} 份" if d.allocation == "fixed" else f"共 {d.size} 份"
    return f"按{by}分层，{ALLOCATION_NAMES[d.allocation]}，{size}，每层至少 {d.min_per_stratum} 份"


def draw_sample(store: Store, actor: Actor, *, name: str, size: int | None = None, by: list[str] | None = None,
                allocation: str = "proportional", per_stratum: int | None = None, min_per_stratum: int = 1,
                seed: str | None = None, region: str | None = None, period_from: dt.date | None = None,
                period_to: dt.date | None = None, review_states: list[str] | None = None,
                method: str = "wilson", level: float = 0.95) -> SampleView:
    """Draw and record a stratified sample of progress reports (a new seed from the
    system's entropy unless ``seed`` is given; either way it is recorded)."""
    from innodrive.services.supervision import make_design

    require(actor, "evaluation.sample")
    title = (name or "").strip()[:200]
    if not title:
        raise InputError("样本名称为空", field="name")
    if method not in METHOD_NAMES:
        raise InputError(f"无法识别的区间方法“{method}”（可用：wilson、clopper-pearson）", field="method")
    if not 0.5 <= level < 1:
        raise InputError(f"置信水平应在 0.5 到 1 之间，实际为 {level}", field="level")
    by = list(by if by is not None else ["unit"])
    unknown = [b for b in by if b not in STRATA]
    if unknown:
        raise InputError(f"不认识的分层变量：{'、'.join(unknown)}（可用：{'、'.join(STRATA)}）", field="by")
    design = make_design(by=by, allocation=allocation, size=size, per_stratum=per_stratum,
                         min_per_stratum=min_per_stratum)
    code = _scope_code(actor, region)
    require(actor, "evaluation.sample", region_code=code, check_region=code is not None, what="评估范围")
    states = review_states or ["approved"]
    rows = frame(store, actor, region=region, period_from=period_from, period_to=period_to, review_states=states)
    names = _region_names({r.region_code for r in rows})
    items = [FrameItem(id=r.report_id, attrs={k: v for k, v in r.attrs(names.get(r.region_code)).items() if k in by})
             for r in rows]
    seed = (seed or "").strip() or new_seed()
    d = draw(items, design, seed)
    by_report = {r.report_id: r for r in rows}

    def work(session: Session) -> int:
        row = SampleRow(region_code=code, name=title, period_from=period_from, period_to=period_to,
                        review_states=states, design=design.model_dump(), seed=d.seed,
                        frame=[it.model_dump() for it in items], frame_size=d.frame_size,
                        frame_sha256=d.frame_sha256, generator=d.generator, method=method, level=level,
                        created_by=actor.username, created_at=utcnow())
        session.add(row)
        session.flush()
        session.add_all([SampleItemRow(sample_id=row.id, report_id=i.id, task_id=by_report[i.id].task_id,
                                       unit=by_report[i.id].unit, stratum=i.stratum, weight=i.weight, ordinal=n)
                         for n, i in enumerate(d.items, start=1)])
        audit.record(session, actor=actor.username, action="evaluation.sample", entity="evaluation_sample",
                     entity_id=row.id, summary=f"抽取第三方评估样本《{title}》：抽样框 {d.frame_size} 份进展报送，"
                                               f"抽取 {len(d.items)} 份（种子 {d.seed}）",
                     after={"design": design.model_dump(), "seed": d.seed, "frame_sha256": d.frame_sha256,
                            "reports": [i.id for i in d.items]})
        return row.id

    return get_sample(store, actor, store.run(work))


def _sample_row(session: Session, actor: Actor, sample_id: int) -> SampleRow:
    row = session.get(SampleRow, sample_id)
    if row is None:
        raise NotFound(f"没有编号为 {sample_id} 的评估样本", field="sample")
    require(actor, "evaluation.read", region_code=row.region_code, check_region=True, what=f"评估样本《{row.name}》")
    return row


def get_sample(store: Store, actor: Actor, sample_id: int) -> SampleView:
    """A sample with every sampled report, its evidence, its verdict history and the rates."""
    from innodrive.plans.progress import get_report

    require(actor, "evaluation.read")
    with store.read() as session:
        row = _sample_row(session, actor, sample_id)
        items = session.scalars(select(SampleItemRow).where(SampleItemRow.sample_id == row.id)
                                .order_by(SampleItemRow.ordinal)).all()
        verdicts: dict[int, list[VerdictView]] = {}
        for v in session.scalars(select(VerdictRow).where(VerdictRow.item_id.in_([i.id for i in items] or [-1]))
                                 .order_by(VerdictRow.id)):
            verdicts.setdefault(v.item_id, []).append(VerdictView(
                verdict=v.verdict, verdict_name=VERDICT_NAMES.get(v.verdict, v.verdict), note=v.note, by=v.by,
                at=_aware(v.at)))
        session.expunge_all()  # keep the loaded rows readable after the read session rolls back
    design = Design.model_validate(row.design)
    tasks = _tasks_by_id(store, {i.task_id for i in items})
    reports = []
    for i in items:
        t = tasks.get(i.task_id)
        r = next((x for x in t.reports if x.id == i.report_id), None) if t else None
        if r is None:
            r = get_report(store, i.report_id)
        history = verdicts.get(i.id, [])
        reports.append(SampledReport(
            item_id=i.id, ordinal=i.ordinal, report_id=i.report_id, task_id=i.task_id,
            task_title=t.title if t else f"任务 #{i.task_id}", plan_title=(t.plan_title or "") if t else "",
            unit=i.unit, stratum=i.stratum, weight=i.weight, as_of=r.as_of, status=r.status,
            status_name=TASK_STATUS_NAMES.get(r.status, r.status), percent=r.percent, narrative=r.narrative,
            reporter=r.reporter, review_state=r.review_state,
            review_state_name=REVIEW_STATE_NAMES.get(r.review_state, r.review_state),
            evidence=[EvidenceRef(file_name=e.file_name, sha256=e.sha256, size=e.size) for e in r.evidence],
            verdict=history[-1] if history else None, history=history))
    strata: dict[str, StratumView] = {}
    for it in row.frame:
        fi = FrameItem.model_validate(it)
        label = stratum_label(stratum_values(fi, design.by))
        strata.setdefault(label, StratumView(stratum=label, population=0, sample=0)).population += 1
    for s in reports:
        if s.stratum in strata:
            strata[s.stratum].sample += 1
    judged = [JudgedItem(unit=s.unit, stratum=s.stratum, weight=s.weight,
                         verdict=s.verdict.verdict if s.verdict else None) for s in reports]
    return SampleView(
        id=row.id, name=row.name, region_code=row.region_code, period_from=row.period_from, period_to=row.period_to,
        review_states=list(row.review_states), design=design, design_text=_design_text(design), seed=row.seed,
        frame_size=row.frame_size, frame_sha256=row.frame_sha256, generator=row.generator, method=row.method,
        method_name=METHOD_NAMES.get(row.method, row.method), level=row.level, created_by=row.created_by,
        created_at=_aware(row.created_at), strata=[strata[k] for k in sorted(strata)], items=reports,
        rates=rates(judged, method=row.method, level=row.level), can_judge=can(actor, "evaluation.verdict"))


def _tasks_by_id(store: Store, ids: set[int]) -> dict:
    from innodrive.plans.progress import list_tasks

    return {t.id: t for t in list_tasks(store, task_ids=sorted(ids), include_retired=True)} if ids else {}


def list_samples(store: Store, actor: Actor) -> list[SampleView]:
    require(actor, "evaluation.read")
    with store.read() as session:
        ids = [r.id for r in session.scalars(select(SampleRow).order_by(SampleRow.id.desc()))
               if can(actor, "evaluation.read", region_code=r.region_code, check_region=True)]
    return [get_sample(store, actor, i) for i in ids]


def record_verdict(store: Store, actor: Actor, item_id: int, *, verdict: str, note: str = "") -> SampleView:
    """The evaluator's verdict on one sampled report (a later verdict supersedes, the
    earlier stays in the history). 不符 and 存疑 need a note saying what was found."""
    require(actor, "evaluation.verdict")
    key = parse_verdict(verdict)
    body = (note or "").strip()
    if len(body) > MAX_NOTE:
        raise InputError(f"说明过长（{len(body)} 字，上限 {MAX_NOTE}）", field="note")
    if key != "verified" and not body:
        raise InputError(f"结论为“{VERDICT_NAMES[key]}”时须写明核查发现", field="note")

    def work(session: Session) -> int:
        item = session.get(SampleItemRow, item_id)
        if item is None:
            raise NotFound(f"没有编号为 {item_id} 的抽样事项", field="item")
        sample = session.get(SampleRow, item.sample_id)
        require(actor, "evaluation.verdict", region_code=sample.region_code, check_region=True,
                what=f"评估样本《{sample.name}》")
        previous = session.scalar(select(VerdictRow).where(VerdictRow.item_id == item.id)
                                  .order_by(VerdictRow.id.desc()).limit(1))
        if previous is not None and previous.verdict == key and previous.note == body:
            raise Conflict("与当前结论相同，未作改动", field="verdict")
        session.add(VerdictRow(item_id=item.id, verdict=key, note=body, by=actor.username, at=utcnow()))
        audit.record(session, actor=actor.username, action="evaluation.verdict", entity="evaluation_item",
                     entity_id=item.id, summary=f"评估样本《{sample.name}》第 {item.ordinal} 份（进展报送 "
                                                f"{item.report_id}）核查结论：{VERDICT_NAMES[key]}",
                     before={"verdict": previous.verdict, "note": previous.note} if previous else None,
                     after={"verdict": key, "note": body})
        return sample.id

    return get_sample(store, actor, store.run(work))


def reproduce(store: Store, actor: Actor, sample_id: int) -> ReproduceCheck:
    """Draw the sample again from its recorded frame, design and seed, and compare; also
    say whether today's frame over the same scope still hashes the same."""
    require(actor, "evaluation.read")
    with store.read() as session:
        row = _sample_row(session, actor, sample_id)
        recorded = [i.report_id for i in session.scalars(select(SampleItemRow).where(SampleItemRow.sample_id == row.id)
                                                          .order_by(SampleItemRow.ordinal))]
        session.expunge_all()  # keep the loaded rows readable after the read session rolls back
    design = Design.model_validate(row.design)
    items = [FrameItem.model_validate(x) for x in row.frame]
    again: Draw = draw(items, design, row.seed)
    redrawn = [i.id for i in again.items]
    current = None
    try:
        rows = frame(store, actor, region=row.region_code, period_from=row.period_from, period_to=row.period_to,
                     review_states=list(row.review_states))
        names = _region_names({r.region_code for r in rows})
        current = frame_digest([FrameItem(id=r.report_id, attrs={k: v for k, v in r.attrs(names.get(r.region_code))
                                                                 .items() if k in design.by}) for r in rows], design.by)
    except InputError:
        current = None
    return ReproduceCheck(sample_id=row.id, frame_intact=frame_digest(items, design.by) == row.frame_sha256,
                          same_items=redrawn == recorded, redrawn=redrawn, recorded=recorded,
                          current_frame_sha256=current,
                          current_frame_changed=None if current is None else current != row.frame_sha256)


def evidence(store: Store, actor: Actor, *, item_id: int, sha256: str, blobs=None):
    """The bytes of one evidence file of a sampled report (checked against its hash)."""
    from innodrive.services import tasks

    require(actor, "evaluation.read")
    with store.read() as session:
        item = session.get(SampleItemRow, item_id)
        if item is None:
            raise NotFound(f"没有编号为 {item_id} 的抽样事项", field="item")
        _sample_row(session, actor, item.sample_id)
        report_id = item.report_id
    return tasks.evidence(store, actor, report_id=report_id, sha256=sha256, blobs=blobs)


__all__ = ["FrameRow", "ReproduceCheck", "SampleView", "SampledReport", "draw_sample", "evidence", "frame",
           "get_sample", "list_samples", "record_verdict", "reproduce"]
