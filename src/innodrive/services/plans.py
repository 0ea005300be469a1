"""Plans: add documents (many at once, each failing on its own), list, show, diff, remove.

The office adds policy documents as plans: a new document becomes a new plan, a
revised text of a known plan its next version, the same text changes nothing. Each
file of a batch succeeds or fails on its own (one unreadable file does not stop the
other nine) and the batch says which and why. A file whose content does not match
its extension (a text named ``.pdf``) is refused instead of becoming an empty plan;
targets that repeat those of another plan of the same region are pointed out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from innodrive.blobs import Upload
from innodrive.errors import Conflict, InnodriveError, InputError, NotFound
from innodrive.plans.models import TaskChange
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.store import Store

# --------------------------------------------------------------------- views


class FileOutcome(BaseModel):
    """What adding one file did (or why it failed)."""

    file: str
    outcome: Literal["new_plan", "new_version", "unchanged", "failed"]
    error: str | None = None
    plan_id: int | None = None
    plan_title: str | None = None
    version_number: int | None = None
    targets: int = 0
    linked_targets: int = 0
    unlinked: int = 0
    tasks: TaskChange = Field(default_factory=TaskChange)
    diff_lines: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class AddBatch(BaseModel):
    files: list[FileOutcome]

    @property
    def failures(self) -> int:
        return sum(f.outcome == "failed" for f in self.files)

    @property
    def unlinked(self) -> int:
        return sum(f.unlinked for f in self.files if f.outcome in ("new_plan", "new_version"))


class VersionView(BaseModel):
    number: int
    file_name: str
    sha256: str
    title: str | None
    issued: str | None
    horizon: int | None
    added_at: dt.datetime
    added_by: str
    targets: int


class PlanView(BaseModel):
    id: int
    title: str | None
    issuer: str | None
    region_code: str | None
    region_name: str | None
    tasks: int
    versions: list[VersionView]
    removed_at: dt.datetime | None = None
    removed_by: str | None = None

    @property
    def latest(self) -> VersionView:
        return self.versions[-1]

    @property
    def display_title(self) -> str:
        return self.title or self.versions[-1].file_name


class Location(BaseModel):
    """Where a fact stands in its document, as a person finds it: paragraph and
    sentence numbers (and the character offsets for tools)."""

    paragraph: int | None = None
    sentence: int | None = None
    section: str | None = None
    start: int
    end: int


class TargetView(BaseModel):
    id: int
    indicator: str
    kind: str
    value: float | int | None
    unit: str | None
    comparator: str | None
    year: int | None
    baseline_year: int | None
    basis: str | None
    note: str | None
    indicator_code: str | None
    indicator_name: str | None
    link_method: str | None
    evidence: str
    location: Location


class PlanDetail(BaseModel):
    plan: PlanView
    version: VersionView
    targets: list[TargetView]


class PlanDiffView(BaseModel):
    plan: PlanView
    old: int
    new: int
    lines: list[str]


class RemovedPlan(BaseModel):
    plan: PlanView
    reports: int
    forced: bool


# --------------------------------------------------------------------- helpers


def _view(p) -> PlanView:
    return PlanView(id=p.id, title=p.title, issuer=p.issuer, region_code=p.region_code, region_name=p.region_name,
                    tasks=p.tasks, removed_at=p.removed_at, removed_by=p.removed_by,
                    versions=[VersionView(number=v.number, file_name=v.file_name, sha256=v.sha256, title=v.title,
                                          issued=v.issued, horizon=v.horizon, added_at=v.added_at,
                                          added_by=v.added_by, targets=v.targets) for v in p.versions])


EXTENSION_KINDS = {".pdf": {"pdf"}, ".docx": {"zip"}, ".txt": {"text"}, ".text": {"text"}, ".md": {"text"},
                   ".html": {"text", "html"}, ".htm": {"text", "html"}}


def check_extension(data: bytes, name: str) -> None:
    """Refuse a file whose content is not what its extension says (a text saved as
    ``.pdf`` would otherwise become an empty plan without a word)."""
    from innodrive.tabular import KIND_NAMES, sniff

    suffix = Path(name).suffix.lower()
    wanted = EXTENSION_KINDS.get(suffix)
    kind = sniff(data)
    if wanted is None or kind == "empty" or kind in wanted:
        return
    if kind == "text" and "html" in wanted:
        return
    raise InputError(f"文件扩展名为 {suffix}，内容却是{KIND_NAMES.get(kind, kind)}：请确认文件是否正确，"
                     f"或改为与内容相符的扩展名后再添加", file=name)


def _plan_scope(actor: Actor, p: PlanView | object, permission: str = "plans.read") -> None:
    require(actor, permission, region_code=getattr(p, "region_code", None), check_region=True,
            what=f"计划 #{p.id}")


# --------------------------------------------------------------------- use cases


def add_documents(store: Store, actor: Actor, files: list[Upload], *, plan_id: int | None = None,
                  progress: Callable[[str, int, int], None] | None = None,
                  jobs: int | None = None) -> AddBatch:
    """Extract and store each file as a plan or a new version; failures are per file.

    Many files are extracted on ``jobs`` worker processes (default: all cores; see
    :mod:`innodrive.extraction.batch`, which keeps small batches and threaded callers such
    as the web server in this process); storing stays here, in input order."""
    from innodrive.extraction.batch import Batch
    from innodrive.plans.links import catalogue_linker
    from innodrive.plans.storage import add_plan, region_code_for

    require(actor, "plans.write")
    if plan_id is not None:
        target_plan = get_plan(store, actor, str(plan_id))
        require(actor, "plans.write", region_code=target_plan.region_code, check_region=True,
                what=f"计划 #{plan_id}")
    linker = catalogue_linker()
    outcomes: list[FileOutcome] = []
    extracted = Batch(lambda i: _extract_upload(files[i]), [u.safe_name for u in files],
                      size=sum(len(u.data) for u in files), jobs=jobs)
    with extracted:
        for i, (plan, original, message) in extracted.results():
            name = files[i].safe_name
            if progress is not None:
                progress(name, i, len(files))
            if message is not None:
                outcomes.append(FileOutcome(file=name, outcome="failed", error=message))
                continue
            try:
                region = region_code_for(plan.document.region)
                require(actor, "plans.write", region_code=region, check_region=region is not None,
                        what=f"{plan.document.region or ''}的计划")
                r = add_plan(store, plan, actor=actor.username, plan_id=plan_id, linker=linker, text=original)
            except InnodriveError as exc:
                outcomes.append(FileOutcome(file=name, outcome="failed", error=exc.message))
                continue
            out = FileOutcome(file=r.file, outcome=r.outcome, plan_id=r.plan_id, plan_title=r.plan_title,
                              version_number=r.version_number, targets=r.targets, linked_targets=r.linked_targets,
                              unlinked=r.unlinked, tasks=r.tasks, diff_lines=r.diff_lines)
            if r.outcome != "unchanged":
                out.warnings = duplicate_warnings(store, r.plan_id)
            if r.outcome == "new_version":  # a person's corrections of earlier versions carry over
                from innodrive.services.corrections import reapply

                out.warnings += reapply(store, actor, r.plan_id).not_found
            outcomes.append(out)
    if progress is not None:
        progress("", len(files), len(files))
    return AddBatch(files=outcomes)


def _extract_upload(upload: Upload) -> tuple:
    """``(plan, original text, None)``, or ``(None, None, message)`` for a file that cannot
    be read. Runs on a worker process for large batches: reads bytes, opens no database."""
    from innodrive.documents import read_document
    from innodrive.extraction import extract

    try:
        check_extension(upload.data, upload.safe_name)
        doc = read_document(upload.data, upload.safe_name)
        return extract(doc), doc.original, None
    except InnodriveError as exc:
        return None, None, exc.message


def duplicate_warnings(store: Store, plan_id: int) -> list[str]:
    """Targets of ``plan_id`` that another plan of the same region also states (same
    indicator, value and year): a duplicate plan, or a 决议 endorsing a 决定."""
    from innodrive.plans.storage import list_plans, stored_targets
    from innodrive.services.board import target_identity

    plans = {p.id: p for p in list_plans(store)}
    mine = plans.get(plan_id)
    if mine is None or mine.region_code is None:
        return []
    others = [p for p in plans.values() if p.id != plan_id and p.region_code == mine.region_code]
    if not others:
        return []
    own = {target_identity(t): t for t in stored_targets(store, plan_id=plan_id)}
    shared: dict[int, int] = {}
    for t in stored_targets(store, region_code=mine.region_code):
        if t.plan_id != plan_id and target_identity(t) in own:
            shared[t.plan_id] = shared.get(t.plan_id, 0) + 1
    return [f"本计划有 {n} 项目标与计划 #{pid}《{plans[pid].title or plans[pid].versions[-1].file_name}》相同"
            f"（同一地区、指标、目标值和年份）：看板上合并为一项、列出两个出处。若这是同一文件的修订稿，"
            f"请删除本计划后作为该计划的新版本重新添加"
            for pid, n in sorted(shared.items())]


def list_plans(store: Store, actor: Actor, *, include_removed: bool = False) -> list[PlanView]:
    from innodrive.plans.storage import list_plans as _list

    require(actor, "plans.read")
    return [_view(p) for p in _list(store, include_removed=include_removed) if actor.covers(p.region_code)]


def get_plan(store: Store, actor: Actor, ref: str, *, include_removed: bool = False) -> PlanView:
    """A plan by number or by words of its title (within the actor's scope)."""
    from innodrive.plans.storage import find_plan

    require(actor, "plans.read")
    p = _view(find_plan(store, ref, include_removed=include_removed))
    _plan_scope(actor, p)
    return p


def locate(text: str | None, start: int, end: int, section: str | None = None) -> Location:
    """Paragraph (non-empty lines counted from 1) and sentence (within the paragraph,
    ended by 。！？；) of the span ``start``–``end`` of ``text``."""
    if not text or start < 0 or start > len(text):
        return Location(start=start, end=end, section=section)
    before = text[:start]
    paragraph = sum(1 for line in before.split("\n")[:-1] if line.strip()) + 1
    line_start = before.rfind("\n") + 1
    sentence = len(re.findall(r"[。！？；!?;]", text[line_start:start])) + 1
    return Location(paragraph=paragraph, sentence=sentence, start=start, end=end, section=section)


def show_plan(store: Store, actor: Actor, ref: str) -> PlanDetail:
    from sqlalchemy import select

    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.plans.storage import stored_targets
    from innodrive.store.schema import PlanVersionRow

    plan = get_plan(store, actor, ref)
    with store.read() as session:
        text = session.scalar(select(PlanVersionRow.text).where(PlanVersionRow.plan_id == plan.id)
                              .where(PlanVersionRow.number == plan.latest.number))
    catalogue = load_catalogue()
    targets = []
    for t in stored_targets(store, plan_id=plan.id):
        x = t.target
        ind = catalogue.get(t.indicator_code) if t.indicator_code else None
        targets.append(TargetView(
            id=t.id, indicator=x.indicator, kind=x.kind, value=x.value, unit=x.unit, comparator=x.comparator,
            year=x.year, baseline_year=x.baseline_year, basis=x.basis, note=x.note, indicator_code=t.indicator_code,
            indicator_name=ind.name if ind else None, link_method=t.link_method, evidence=x.evidence.text,
            location=locate(text, x.evidence.span[0], x.evidence.span[1], x.section)))
    return PlanDetail(plan=plan, version=plan.latest, targets=targets)


def diff_plan(store: Store, actor: Actor, ref: str, *, old: int | None = None, new: int | None = None) -> PlanDiffView:
    from innodrive.plans.diff import describe
    from innodrive.plans.storage import diff_versions

    plan = get_plan(store, actor, ref)
    a, b, d = diff_versions(store, plan_id=plan.id, old=old, new=new)
    return PlanDiffView(plan=plan, old=a, new=b, lines=describe(d))


def remove_plan(store: Store, actor: Actor, ref: str, *, force: bool = False, reason: str | None = None) -> RemovedPlan:
    """Remove a plan from the boards and ledgers, keeping it and its history on record.

    Refused while progress reports hang on its tasks, unless ``force``: the reports
    stay in the database (and in the audit log) either way.
    """
    from sqlalchemy import func, select

    from innodrive.store import audit
    from innodrive.store.schema import PlanRow, ProgressReportRow, TaskRow, utcnow

    plan = get_plan(store, actor, ref)
    require(actor, "plans.write", region_code=plan.region_code, check_region=True, what=f"计划 #{plan.id}")
    reason = (reason or "").strip() or None

    def work(session) -> int:
        row = session.get(PlanRow, plan.id, with_for_update=True)
        if row is None or row.removed_at is not None:
            raise NotFound(f"没有编号为 {plan.id} 的计划（或已删除）", field="plan")
        reports = session.scalar(select(func.count()).select_from(ProgressReportRow)
                                 .join(TaskRow, TaskRow.id == ProgressReportRow.task_id)
                                 .where(TaskRow.plan_id == plan.id)) or 0
        if reports and not force:
            raise Conflict(f"计划 #{plan.id}《{plan.display_title}》的任务已有 {reports} 条进展报送，不能删除；"
                           f"确需删除请强制执行（报送记录仍会保留）", field="plan")
        row.removed_at, row.removed_by, row.removed_reason = utcnow(), actor.username, reason
        audit.record(session, actor=actor.username, action="plan.remove", entity="plan", entity_id=plan.id,
                     summary=f"删除计划 #{plan.id}《{plan.display_title}》（保留全部版本、任务和 {reports} 条报送记录）"
                             + (f"：{reason}" if reason else ""),
                     before={"removed": False}, after={"removed": True, "reports": reports, "forced": force,
                                                       "reason": reason})
        return reports

    reports = store.run(work)
    return RemovedPlan(plan=plan, reports=reports, forced=force and reports > 0)


__all__ = ["AddBatch", "FileOutcome", "Location", "PlanDetail", "PlanDiffView", "PlanView", "RemovedPlan",
           "TargetView", "add_documents", "check_extension", "diff_plan", "get_plan", "list_plans", "locate",
           "remove_plan", "show_plan"]
