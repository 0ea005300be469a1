"""The task ledger at work: milestones, progress reports and their review.

A responsible unit reports (报送) progress on a task: as of which date, a status, a
percentage, what was done, evidence files. A reviewer then approves it (通过) or
returns it with a reason (退回); only approved reports count when tracking decides a
task's light. Reports are rows that are only ever added — two people reporting on the
same task at the same moment both keep their report — and every step is in the audit
log. Evidence files go into the blob store (:mod:`innodrive.blobs`) under their
SHA-256 — the database holds the hash, never a local path, so every machine of a
shared deployment finds them — and are verified against that hash again when the
report is approved: a file changed behind the report that cites it is refused.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.blobs import BlobStore, Upload, default_blob_store
from innodrive.errors import Conflict, InputError, NotFound, Problem, ValidationFailed
from innodrive.plans.models import (
    TASK_STATUS_NAMES,
    EvidenceFile,
    Milestone,
    ProgressReport,
    Task,
)
from innodrive.store import Store, audit
from innodrive.store.schema import (
    MilestoneRow,
    PlanRow,
    ProgressReportRow,
    ReportEvidenceRow,
    TaskRow,
    TaskUnitRow,
    utcnow,
)

STATUS_ALIASES: dict[str, str] = {**{v: k for k, v in TASK_STATUS_NAMES.items()},
                                  **{k: k for k in TASK_STATUS_NAMES}, "进行中": "in_progress", "未开始": "not_started",
                                  "完成": "completed", "办结": "completed", "已办结": "completed", "遇到困难": "blocked"}


def parse_status(text: str) -> str:
    """``推进中`` / ``in_progress`` → ``in_progress``; anything else is an input error."""
    key = (text or "").strip()
    if key in STATUS_ALIASES:
        return STATUS_ALIASES[key]
    raise InputError(f"无法识别的任务状态“{text}”；可用：{'、'.join(TASK_STATUS_NAMES.values())}", field="status")


# -- reading -----------------------------------------------------------------


def list_tasks(store: Store, *, plan_id: int | None = None, region_code: str | None = None,
               unit: str | None = None, task_ids: list[int] | None = None,
               include_retired: bool = False) -> list[Task]:
    """Tasks with their units, milestones and every report (newest last)."""
    with store.read() as session:
        q = select(TaskRow, PlanRow).join(PlanRow, PlanRow.id == TaskRow.plan_id).order_by(TaskRow.plan_id, TaskRow.id)
        if not include_retired:
            q = q.where(TaskRow.active.is_(True)).where(PlanRow.removed_at.is_(None))
        if plan_id is not None:
            q = q.where(TaskRow.plan_id == plan_id)
        if region_code:
            q = q.where(PlanRow.region_code == region_code)
        if task_ids is not None:
            q = q.where(TaskRow.id.in_(task_ids))
        rows = session.execute(q).all()
        ids = [t.id for t, _ in rows]
        units: dict[int, list[TaskUnitRow]] = {}
        milestones: dict[int, list[Milestone]] = {}
        reports: dict[int, list[ProgressReport]] = {}
        for chunk in _chunks(ids, 500):
            for u in session.scalars(select(TaskUnitRow).where(TaskUnitRow.task_id.in_(chunk))
                                     .order_by(TaskUnitRow.ordinal)):
                units.setdefault(u.task_id, []).append(u)
            for m in session.scalars(select(MilestoneRow).where(MilestoneRow.task_id.in_(chunk))
                                     .order_by(MilestoneRow.due_date, MilestoneRow.id)):
                milestones.setdefault(m.task_id, []).append(_milestone(m))
            for r in _reports(session, select(ProgressReportRow).where(ProgressReportRow.task_id.in_(chunk))):
                reports.setdefault(r.task_id, []).append(r)
        tasks = []
        for t, p in rows:
            us = units.get(t.id, [])
            if unit and not any(unit in u.unit for u in us):
                continue
            tasks.append(Task(
                id=t.id, plan_id=t.plan_id, plan_title=p.title, region_code=p.region_code, path=t.path,
                label=t.label, title=t.title, level=t.level,
                lead_units=[u.unit for u in us if u.role == "lead"], co_units=[u.unit for u in us if u.role == "co"],
                deadline=t.deadline, due_date=t.due_date, active=t.active,
                milestones=milestones.get(t.id, []), reports=reports.get(t.id, []),
            ))
        return tasks


def get_task(store: Store, task_id: int) -> Task:
    found = list_tasks(store, task_ids=[task_id], include_retired=True)
    if not found:
        raise NotFound(f"没有编号为 {task_id} 的任务", field="task")
    return found[0]


def get_report(store: Store, report_id: int) -> ProgressReport:
    with store.read() as session:
        found = _reports(session, select(ProgressReportRow).where(ProgressReportRow.id == report_id))
    if not found:
        raise NotFound(f"没有编号为 {report_id} 的进展报送", field="report")
    return found[0]


def pending_reports(store: Store) -> list[ProgressReport]:
    """Reports waiting for review, oldest first."""
    with store.read() as session:
        return _reports(session, select(ProgressReportRow).where(ProgressReportRow.review_state == "submitted"))


def _reports(session: Session, q) -> list[ProgressReport]:
    rows = session.scalars(q.order_by(ProgressReportRow.id)).all()
    evidence: dict[int, list[EvidenceFile]] = {}
    for chunk in _chunks([r.id for r in rows], 500):
        for e in session.scalars(select(ReportEvidenceRow).where(ReportEvidenceRow.report_id.in_(chunk))
                                 .order_by(ReportEvidenceRow.id)):
            evidence.setdefault(e.report_id, []).append(EvidenceFile(
                file_name=e.file_name, sha256=e.sha256, size=e.size, blob_key=e.blob_key))
    return [ProgressReport(
        id=r.id, task_id=r.task_id, milestone_id=r.milestone_id, as_of=r.as_of, status=r.status, percent=r.percent,
        narrative=r.narrative, reporter=r.reporter, unit=r.unit, submitted_at=_aware(r.submitted_at),
        review_state=r.review_state, reviewer=r.reviewer,
        reviewed_at=_aware(r.reviewed_at) if r.reviewed_at else None, review_reason=r.review_reason,
        evidence=evidence.get(r.id, []),
    ) for r in rows]


def _milestone(m: MilestoneRow) -> Milestone:
    return Milestone(id=m.id, task_id=m.task_id, title=m.title, due_date=m.due_date)


# -- writing -----------------------------------------------------------------


def add_milestone(store: Store, *, task_id: int, title: str, due_date: dt.date, actor: str) -> Milestone:
    """Add a dated milestone (节点目标) to a task."""
    title = (title or "").strip()
    if not title:
        raise InputError("里程碑名称为空", field="title")

    def work(session: Session) -> Milestone:
        task = session.get(TaskRow, task_id)
        if task is None:
            raise NotFound(f"没有编号为 {task_id} 的任务", field="task")
        row = MilestoneRow(task_id=task_id, title=title, due_date=due_date, created_at=utcnow(), created_by=actor)
        session.add(row)
        session.flush()
        audit.record(session, actor=actor, action="milestone.add", entity="task", entity_id=task_id,
                     summary=f"任务“{task.title}”新增里程碑“{title}”（{due_date.isoformat()}）",
                     after={"milestone_id": row.id, "title": title, "due_date": due_date})
        return _milestone(row)

    return store.run(work)


def report_progress(store: Store, *, task_id: int, as_of: dt.date, status: str, narrative: str, reporter: str,
                    percent: float | None = None, unit: str | None = None,
                    evidence: list[Path | Upload] | None = None, milestone_id: int | None = None,
                    today: dt.date | None = None, blobs: BlobStore | None = None) -> ProgressReport:
    """Submit (报送) a progress report on a task; it waits for review.

    Every problem with the input is reported at once, and nothing is stored unless
    the whole report is valid.
    """
    today = today or dt.date.today()
    problems: list[Problem] = []
    try:
        status_key = parse_status(status)
    except InputError as exc:
        problems.append(Problem(exc.message, field="status"))
        status_key = None
    if percent is not None and not (0 <= percent <= 100):
        problems.append(Problem(f"完成百分比应在 0 到 100 之间，实际为 {percent:g}", field="percent"))
    if status_key == "completed" and percent is not None and percent < 100:
        problems.append(Problem(f"状态为“已完成”时完成百分比应为 100，实际为 {percent:g}", field="percent"))
    if not (narrative or "").strip():
        problems.append(Problem("进展情况说明为空：请写明本期完成了哪些工作", field="narrative"))
    if as_of > today:
        problems.append(Problem(f"报送截至日期 {as_of.isoformat()} 晚于今天 {today.isoformat()}", field="as_of"))
    if not (reporter or "").strip():
        problems.append(Problem("报送人为空", field="reporter"))
    uploads: list[Upload] = []
    for item in evidence or []:
        if isinstance(item, Upload):
            uploads.append(item)
            continue
        try:
            uploads.append(Upload.from_path(item, what="证明材料"))
        except InputError as exc:
            problems.append(Problem(exc.message, file=str(item), field="evidence"))
    for u in uploads:
        if not u.data:
            problems.append(Problem("证明材料是空文件", file=u.safe_name, field="evidence"))
    if problems:
        raise ValidationFailed(f"进展报送有 {len(problems)} 处问题，未保存：" + "；".join(str(p) for p in problems),
                               problems=problems)
    blobs = blobs or default_blob_store()

    def work(session: Session) -> ProgressReport:
        task = session.get(TaskRow, task_id)
        if task is None:
            raise NotFound(f"没有编号为 {task_id} 的任务", field="task")
        if not task.active:
            raise Conflict(f"任务 {task_id}“{task.title}”已在计划新版本中撤销，不能再报送进展", field="task")
        plan_row = session.get(PlanRow, task.plan_id)
        if plan_row is not None and plan_row.removed_at is not None:
            raise Conflict(f"任务 {task_id}“{task.title}”所属的计划已删除，不能再报送进展", field="task")
        if milestone_id is not None:
            m = session.get(MilestoneRow, milestone_id)
            if m is None or m.task_id != task_id:
                raise NotFound(f"任务 {task_id} 没有编号为 {milestone_id} 的里程碑", field="milestone")
        # the evidence is copied only once the report is accepted: a report refused for its
        # task or milestone leaves no file behind
        stored = [EvidenceFile(file_name=u.safe_name, sha256=(key := blobs.put(u.data)), size=len(u.data),
                               blob_key=key) for u in uploads]
        row = ProgressReportRow(
            task_id=task_id, milestone_id=milestone_id, as_of=as_of, status=status_key, percent=percent,
            narrative=narrative.strip(), reporter=reporter.strip(), unit=(unit or "").strip() or None,
            submitted_at=utcnow(), review_state="submitted",
        )
        session.add(row)
        session.flush()
        session.add_all([ReportEvidenceRow(report_id=row.id, **e.model_dump()) for e in stored])
        audit.record(session, actor=reporter.strip(), action="report.submit", entity="progress_report",
                     entity_id=row.id,
                     summary=f"报送任务 {task_id}“{task.title}”截至 {as_of.isoformat()} 的进展："
                             f"{TASK_STATUS_NAMES[status_key]}" + (f"，完成 {percent:g}%" if percent is not None else ""),
                     after={"task_id": task_id, "as_of": as_of, "status": status_key, "percent": percent,
                            "narrative": narrative.strip(), "evidence": [e.sha256 for e in stored]})
        session.flush()
        return _reports(session, select(ProgressReportRow).where(ProgressReportRow.id == row.id))[0]

    return store.run(work)


def review_report(store: Store, *, report_id: int, approve: bool, reviewer: str, reason: str | None = None,
                  blobs: BlobStore | None = None) -> ProgressReport:
    """Approve (通过) or return (退回, with a reason) a submitted report.

    A report is reviewed once; a returned report stays on record and the unit submits
    a new one. The reviewer must not be the person who reported (compared as
    identities: ``alice``, ``Alice`` and ``ａｌｉｃｅ`` are one person). Approving checks
    every piece of evidence against its SHA-256 first.
    """
    from innodrive.identities import same_person

    reviewer = (reviewer or "").strip()
    reason = (reason or "").strip() or None
    if not reviewer:
        raise InputError("审核人为空", field="reviewer")
    if not approve and not reason:
        raise InputError("退回进展报送时必须写明退回理由", field="reason")

    def work(session: Session) -> ProgressReport:
        row = session.get(ProgressReportRow, report_id, with_for_update=True)
        if row is None:
            raise NotFound(f"没有编号为 {report_id} 的进展报送", field="report")
        if row.review_state != "submitted":
            state = "已通过" if row.review_state == "approved" else "已退回"
            raise Conflict(f"进展报送 {report_id} {state}（审核人 {row.reviewer}），不能再次审核", field="report")
        if same_person(row.reporter, reviewer):
            raise Conflict(f"审核人不能是报送人本人（{reviewer}）", field="reviewer")
        if approve:
            store_ = blobs or default_blob_store()
            for e in session.scalars(select(ReportEvidenceRow).where(ReportEvidenceRow.report_id == report_id)):
                if not store_.verify(e.blob_key) or e.blob_key != e.sha256:
                    raise Conflict(f"证明材料“{e.file_name}”已缺失或被改动（与报送时的 SHA-256 不符），不能通过；"
                                   f"请退回并要求重新报送", field="evidence")
        before = {"review_state": row.review_state}
        row.review_state = "approved" if approve else "returned"
        row.reviewer, row.reviewed_at, row.review_reason = reviewer, utcnow(), reason
        verb = "通过" if approve else "退回"
        audit.record(session, actor=reviewer, action=f"report.{'approve' if approve else 'return'}",
                     entity="progress_report", entity_id=report_id,
                     summary=f"审核{verb}进展报送 {report_id}" + (f"：{reason}" if reason else ""),
                     before=before, after={"review_state": row.review_state, "reason": reason})
        session.flush()
        return _reports(session, select(ProgressReportRow).where(ProgressReportRow.id == report_id))[0]

    return store.run(work)


def _chunks(items: list[int], size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
