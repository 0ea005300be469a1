"""Correcting an extraction in the document view, and keeping the corrections.

An office (``extraction.correct``) edits a target's fields, rejects a false target, or
adds a missed one by selecting its words in the text. Each correction changes the
stored targets of the plan's current version at once (so the board, the overview and
the public summary see it) and is remembered in ``extraction_corrections`` by what it
is about (:mod:`innodrive.plans.corrections`), so that it is applied again to every
later version: :func:`reapply` runs when a revised file becomes the plan's next
version (:func:`innodrive.services.plans.add_documents` calls it). Re-adding the same
file changes nothing, and the corrected targets stay as they are. Every correction is
audited with before and after, and the corrected plans can be exported in the gold
format of ``innodrive evaluate``. A task's lead and co-units are set through
:func:`innodrive.services.tasks.assign`, which already keeps a person's assignment
across versions.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innodrive.errors import InputError, NotFound
from innodrive.extraction.models import Target
from innodrive.plans import corrections as rules
from innodrive.plans.corrections import Correction
from innodrive.plans.corrections_db import CorrectionRow
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.store import Store, audit
from innodrive.store.schema import (
    PlanRow,
    PlanVersionRow,
    ProgrammeRow,
    TargetRow,
    TaskRow,
    TaskUnitRow,
    utcnow,
)


class Mark(BaseModel):
    """A highlighted stretch of the document: ``kind`` target/task/programme/rejected."""

    kind: str
    start: int
    end: int
    ref: int | None = None
    label: str


class DocTarget(BaseModel):
    id: int
    indicator: str
    kind: str
    value: float | int | None
    unit: str | None
    comparator: str | None
    year: int | None
    baseline_year: int | None
    direction: str
    basis: str | None
    note: str | None
    section: str | None
    evidence: str
    start: int
    end: int
    indicator_code: str | None
    corrected: str | None = Field(description="edit/add when a person's correction shaped this target")


class DocTask(BaseModel):
    id: int
    path: str
    title: str
    lead_units: list[str]
    co_units: list[str]
    deadline: str | None
    start: int | None
    end: int | None


class CorrectionView(BaseModel):
    id: int
    kind: str
    kind_name: str
    summary: str
    created_at: Any
    created_by: str


class DocumentView(BaseModel):
    plan_id: int
    plan_title: str | None
    region_code: str | None
    version: int
    versions: list[int]
    file_name: str
    text: str
    marks: list[Mark]
    targets: list[DocTarget]
    tasks: list[DocTask]
    corrections: list[CorrectionView]
    rejected: list[str] = Field(description="indicators of rejected targets, as extracted")


class CorrectionResult(BaseModel):
    correction_id: int
    kind: str
    target_id: int | None
    summary: str


class ReapplyResult(BaseModel):
    plan_id: int
    version: int
    edited: int = 0
    rejected: int = 0
    added: int = 0
    not_found: list[str] = Field(default_factory=list)


# -- reading ----------------------------------------------------------------------------------


def _plan(session: Session, plan_id: int) -> PlanRow:
    row = session.get(PlanRow, plan_id)
    if row is None or getattr(row, "removed_at", None) is not None:
        raise NotFound(f"没有编号为 {plan_id} 的计划", field="plan")
    return row


def _version(session: Session, plan_id: int, number: int | None) -> PlanVersionRow:
    q = select(PlanVersionRow).where(PlanVersionRow.plan_id == plan_id)
    q = q.where(PlanVersionRow.number == number) if number is not None else q.order_by(PlanVersionRow.number.desc())
    row = session.scalars(q.limit(1)).first()
    if row is None:
        raise NotFound(f"计划 {plan_id} 没有第 {number} 版", field="version")
    return row


def _live(session: Session, plan_id: int) -> list[CorrectionRow]:
    return list(session.scalars(select(CorrectionRow).where(CorrectionRow.plan_id == plan_id,
                                                            CorrectionRow.active.is_(True))
                                .order_by(CorrectionRow.id)))


def _summary(c: Correction) -> str:
    if c.kind == "reject" and c.target:
        return f"删除误抽的目标“{c.target.indicator}”（原句：{c.target.evidence[:60]}）"
    if c.kind == "edit" and c.target:
        fields = "，".join(f"{rules.EDITABLE.get(k, k)}改为 {v if v is not None else '空'}" for k, v in c.fields.items())
        return f"修改目标“{c.target.indicator}”：{fields}"
    if c.kind == "add" and c.added:
        return f"补充漏抽的目标“{c.added.indicator}”（所选文字：{c.added.evidence.text[:60]}）"
    return rules.KIND_NAMES.get(c.kind, c.kind)


def document(store: Store, actor: Actor, plan_id: int, *, version: int | None = None) -> DocumentView:
    """The text of a plan version with every target, task and programme marked."""
    require(actor, "plans.read")
    with store.read() as session:
        plan = _plan(session, plan_id)
        require(actor, "plans.read", region_code=plan.region_code, check_region=True, what=plan.title or "计划")
        v = _version(session, plan_id, version)
        versions = list(session.scalars(select(PlanVersionRow.number).where(PlanVersionRow.plan_id == plan_id)
                                        .order_by(PlanVersionRow.number)))
        text = getattr(v, "text", None) or ""
        live = _live(session, plan_id)
        by_target = {c.target_id: c.kind for c in live if c.target_id is not None and c.version_id == v.id}
        targets = [DocTarget(id=t.id, indicator=t.indicator, kind=t.kind,
                             value=None if t.value is None else (int(t.value) if t.value_is_int else t.value),
                             unit=t.unit, comparator=t.comparator, year=t.year, baseline_year=t.baseline_year,
                             direction=t.direction, basis=t.basis, note=t.note, section=t.section,
                             evidence=t.evidence_text, start=t.span_start, end=t.span_end,
                             indicator_code=t.indicator_code, corrected=by_target.get(t.id))
                   for t in session.scalars(select(TargetRow).where(TargetRow.version_id == v.id)
                                            .order_by(TargetRow.span_start, TargetRow.ordinal))]
        tasks = []
        task_rows = session.scalars(select(TaskRow).where(TaskRow.plan_id == plan_id, TaskRow.active.is_(True))
                                    .order_by(TaskRow.id)).all()
        units: dict[int, list[TaskUnitRow]] = {}
        if task_rows:
            for u in session.scalars(select(TaskUnitRow).where(TaskUnitRow.task_id.in_([t.id for t in task_rows]))
                                     .order_by(TaskUnitRow.ordinal)):
                units.setdefault(u.task_id, []).append(u)
        for t in task_rows:
            us = units.get(t.id, [])
            tasks.append(DocTask(id=t.id, path=t.path, title=t.title, deadline=t.deadline,
                                 lead_units=[u.unit for u in us if u.role == "lead"],
                                 co_units=[u.unit for u in us if u.role == "co"],
                                 start=t.span_start if t.last_version_id == v.id else None,
                                 end=t.span_end if t.last_version_id == v.id else None))
        programmes = session.scalars(select(ProgrammeRow).where(ProgrammeRow.version_id == v.id)).all()
        marks = [Mark(kind="target", start=t.start, end=t.end, ref=t.id, label=t.indicator) for t in targets]
        marks += [Mark(kind="task", start=t.start, end=t.end, ref=t.id, label=f"任务 {t.path}：{t.title}")
                  for t in tasks if t.start is not None and t.end is not None and t.end > t.start]
        marks += [Mark(kind="programme", start=p.span_start, end=p.span_end, label=p.name) for p in programmes
                  if p.span_end > p.span_start]
        rejected: list[str] = []
        for c in live:
            model = Correction.model_validate(c.payload)
            if model.kind == "reject" and model.target is not None:
                rejected.append(model.target.indicator)
                span = rules.locate_words(text, model.target.evidence, None)
                if span is not None:
                    marks.append(Mark(kind="rejected", start=span[0], end=span[1], label=model.target.indicator))
        views = [CorrectionView(id=c.id, kind=c.kind, kind_name=rules.KIND_NAMES.get(c.kind, c.kind),
                                summary=_summary(Correction.model_validate(c.payload)), created_at=c.created_at,
                                created_by=c.created_by) for c in live]
        return DocumentView(plan_id=plan_id, plan_title=plan.title, region_code=plan.region_code, version=v.number,
                            versions=versions, file_name=v.file_name, text=text,
                            marks=[m for m in marks if 0 <= m.start < m.end <= len(text)], targets=targets,
                            tasks=tasks, corrections=views, rejected=rejected)


# -- correcting ------------------------------------------------------------------------------


def _target_in_scope(session: Session, actor: Actor, target_id: int) -> tuple[TargetRow, PlanVersionRow, PlanRow]:
    found = session.execute(select(TargetRow, PlanVersionRow, PlanRow)
                            .join(PlanVersionRow, PlanVersionRow.id == TargetRow.version_id)
                            .join(PlanRow, PlanRow.id == PlanVersionRow.plan_id)
                            .where(TargetRow.id == target_id)).first()
    if found is None:
        raise NotFound(f"没有编号为 {target_id} 的目标", field="target")
    t, v, p = found
    require(actor, "extraction.correct", region_code=p.region_code, check_region=True, what=p.title or "计划")
    latest = session.scalar(select(func.max(PlanVersionRow.number)).where(PlanVersionRow.plan_id == p.id))
    if v.number != latest:
        raise InputError(f"目标 {target_id} 属于计划的第 {v.number} 版，只能更正现行的第 {latest} 版", field="target")
    return t, v, p


def _stored_target(row: TargetRow) -> Target:
    from innodrive.plans.storage import _target

    return _target(row)


def _link(session: Session, indicator: str, unit: str | None, kind: str):
    from innodrive.plans import links as links_mod

    return links_mod.catalogue_linker()(indicator, unit if kind == "number" else None, links_mod.remembered(session))


def _write_fields(session: Session, row: TargetRow, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key == "value":
            row.value = None if value is None else float(value)
            row.value_is_int = isinstance(value, int)
        else:
            setattr(row, key, value)
    if "indicator" in fields or "unit" in fields or "kind" in fields:
        outcome = _link(session, row.indicator, row.unit, row.kind)
        row.indicator_code, row.link_method = outcome.code, outcome.method
        row.link_score, row.link_candidates = outcome.score, list(outcome.candidates)


def _remember(session: Session, actor: Actor, plan_id: int, version_id: int, c: Correction,
              target_id: int | None) -> CorrectionRow:
    """Store ``c`` as the live correction of its key (a newer one replaces the older)."""
    now = utcnow()
    for old in session.scalars(select(CorrectionRow).where(CorrectionRow.plan_id == plan_id,
                                                           CorrectionRow.key == c.key(),
                                                           CorrectionRow.active.is_(True))):
        old.active, old.replaced_at = False, now
    row = CorrectionRow(plan_id=plan_id, kind=c.kind, key=c.key(), payload=c.model_dump(mode="json"), active=True,
                        version_id=version_id, target_id=target_id, created_at=now, created_by=actor.username)
    session.add(row)
    session.flush()
    return row


def edit_target(store: Store, actor: Actor, target_id: int, fields: dict[str, Any]) -> CorrectionResult:
    """Change fields of a stored target (``indicator``, ``kind``, ``value``, ``unit``, ``comparator``,
    ``year``, ``baseline_year``, ``direction``, ``note``, ``basis``)."""
    require(actor, "extraction.correct")
    clean = rules.clean_fields(fields)
    if not clean:
        raise InputError("没有要修改的字段", field="fields")

    def work(session: Session) -> CorrectionResult:
        row, version, plan = _target_in_scope(session, actor, target_id)
        before = _stored_target(row)
        changed = {k: v for k, v in clean.items() if getattr(before, k) != v}
        if not changed:
            raise InputError("没有改动：各字段与现有值相同", field="fields")
        clean.clear()
        clean.update(changed)
        previous = session.scalars(select(CorrectionRow).where(CorrectionRow.plan_id == plan.id,
                                                               CorrectionRow.target_id == target_id,
                                                               CorrectionRow.active.is_(True))).first()
        if previous is not None and previous.kind == "edit":
            # a second edit of the same target keeps the extraction's original as its anchor
            earlier = Correction.model_validate(previous.payload)
            c = Correction(kind="edit", target=earlier.target, fields={**earlier.fields, **clean})
        elif previous is not None and previous.kind == "add":
            earlier = Correction.model_validate(previous.payload)
            c = Correction(kind="add", added=rules.edited(earlier.added, clean), context=earlier.context)
        else:
            c = Correction(kind="edit", target=rules.ref_of(before), fields=clean)
        _write_fields(session, row, clean)
        stored = _remember(session, actor, plan.id, version.id, c, target_id)
        summary = _summary(Correction(kind="edit", target=rules.ref_of(before), fields=clean))
        audit.record(session, actor=actor.username, action="extraction.edit", entity="target", entity_id=target_id,
                     summary=f"更正抽取结果：{summary}", before={k: getattr(before, k) for k in clean},
                     after=clean)
        return CorrectionResult(correction_id=stored.id, kind="edit", target_id=target_id, summary=summary)

    return store.run(work)


def reject_target(store: Store, actor: Actor, target_id: int) -> CorrectionResult:
    """Remove a falsely extracted target from the current version (and from later ones)."""
    require(actor, "extraction.correct")

    def work(session: Session) -> CorrectionResult:
        row, version, plan = _target_in_scope(session, actor, target_id)
        before = _stored_target(row)
        previous = session.scalars(select(CorrectionRow).where(CorrectionRow.plan_id == plan.id,
                                                               CorrectionRow.target_id == target_id,
                                                               CorrectionRow.active.is_(True))).first()
        if previous is not None and previous.kind == "add":
            # withdrawing one's own addition: the addition is no longer live
            previous.active, previous.replaced_at = False, utcnow()
            c = Correction(kind="reject", target=rules.ref_of(before))
            stored_id = previous.id
        else:
            # rejecting an edited target: the extraction's original stays the anchor
            ref = (Correction.model_validate(previous.payload).target if previous is not None
                   else rules.ref_of(before))
            c = Correction(kind="reject", target=ref)
            stored_id = _remember(session, actor, plan.id, version.id, c, None).id
        session.delete(row)
        summary = _summary(c)
        audit.record(session, actor=actor.username, action="extraction.reject", entity="target", entity_id=target_id,
                     summary=f"更正抽取结果：{summary}", before=before.model_dump(mode="json"))
        return CorrectionResult(correction_id=stored_id, kind="reject", target_id=None, summary=summary)

    return store.run(work)


def add_target(store: Store, actor: Actor, plan_id: int, *, start: int, end: int,
               fields: dict[str, Any]) -> CorrectionResult:
    """Add a target the extraction missed, from the words ``start``–``end`` of the current version's text."""
    require(actor, "extraction.correct")

    def work(session: Session) -> CorrectionResult:
        plan = _plan(session, plan_id)
        require(actor, "extraction.correct", region_code=plan.region_code, check_region=True,
                what=plan.title or "计划")
        version = _version(session, plan_id, None)
        text = getattr(version, "text", None) or ""
        if not text:
            raise InputError("该版本没有保存原文，无法按所选文字补充目标", field="span")
        c = rules.new_target(text, start, end, fields, section=_section_at(session, version.id, start))
        row = _insert(session, version.id, c.added)
        stored = _remember(session, actor, plan_id, version.id, c, row.id)
        summary = _summary(c)
        audit.record(session, actor=actor.username, action="extraction.add", entity="target", entity_id=row.id,
                     summary=f"更正抽取结果：{summary}", after=c.added.model_dump(mode="json"))
        return CorrectionResult(correction_id=stored.id, kind="add", target_id=row.id, summary=summary)

    return store.run(work)


def _section_at(session: Session, version_id: int, offset: int) -> str | None:
    from innodrive.store.schema import OutlineNodeRow

    node = session.scalars(select(OutlineNodeRow).where(OutlineNodeRow.version_id == version_id,
                                                        OutlineNodeRow.span_start <= offset)
                           .order_by(OutlineNodeRow.span_start.desc()).limit(1)).first()
    return node.path if node is not None else None


def _insert(session: Session, version_id: int, target: Target) -> TargetRow:
    from innodrive.plans import links as links_mod
    from innodrive.plans.storage import _insert_targets

    ordinal = (session.scalar(select(func.max(TargetRow.ordinal)).where(TargetRow.version_id == version_id)) or 0) + 1
    _insert_targets(session, version_id, [target], links_mod.catalogue_linker(), links_mod.remembered(session))
    session.flush()
    row = session.scalars(select(TargetRow).where(TargetRow.version_id == version_id)
                          .order_by(TargetRow.id.desc()).limit(1)).first()
    row.ordinal = ordinal
    return row


# -- carrying corrections to a new version ------------------------------------------------------


def reapply(store: Store, actor: Actor, plan_id: int) -> ReapplyResult:
    """Apply the plan's live corrections to its current version (after a revised file
    was added). Corrections whose object the new text no longer has are reported."""
    require(actor, "plans.write")

    def work(session: Session) -> ReapplyResult:
        version = _version(session, plan_id, None)
        live = _live(session, plan_id)
        result = ReapplyResult(plan_id=plan_id, version=version.number)
        if not live or all(c.version_id == version.id for c in live):
            return result
        rows = list(session.scalars(select(TargetRow).where(TargetRow.version_id == version.id)
                                    .order_by(TargetRow.ordinal)))
        targets = [_stored_target(r) for r in rows]
        models = [Correction.model_validate(c.payload) for c in live]
        text = getattr(version, "text", None) or ""
        for stored, c in zip(live, models, strict=True):
            if c.kind in ("edit", "reject") and c.target is not None:
                i = rules.find_target(c.target, targets)
                if i is None:
                    result.not_found.append(f"{rules.KIND_NAMES[c.kind]}“{c.target.indicator}”：新版本中找不到原句")
                    continue
                if c.kind == "edit":
                    _write_fields(session, rows[i], c.fields)
                    stored.target_id = rows[i].id
                    result.edited += 1
                else:
                    session.delete(rows[i])
                    stored.target_id = None
                    result.rejected += 1
                stored.version_id = version.id
            elif c.kind == "add" and c.added is not None:
                outcome = rules.apply([c], targets, text)
                if outcome.not_found:
                    result.not_found += outcome.not_found
                    continue
                if outcome.added:
                    row = _insert(session, version.id, outcome.added[0])
                    stored.target_id = row.id
                    result.added += 1
                stored.version_id = version.id
        if result.edited or result.rejected or result.added or result.not_found:
            audit.record(session, actor=actor.username, action="extraction.reapply", entity="plan", entity_id=plan_id,
                         summary=(f"把人工更正应用到第 {version.number} 版：修改 {result.edited}、删除 {result.rejected}、"
                                  f"补充 {result.added}；未能应用 {len(result.not_found)}"),
                         after=result.model_dump())
        return result

    return store.run(work)


# -- gold export ------------------------------------------------------------------------------------


def export_gold(store: Store, actor: Actor, plan_ids: list[int] | None = None) -> dict:
    """The current versions of the plans (after corrections) in the gold format of ``innodrive evaluate``."""
    from innodrive.plans.storage import load_plan

    require(actor, "plans.read")
    with store.read() as session:
        q = select(PlanRow.id, PlanRow.region_code).order_by(PlanRow.id)
        if plan_ids is not None:
            q = q.where(PlanRow.id.in_(plan_ids))
        if hasattr(PlanRow, "removed_at"):
            q = q.where(PlanRow.removed_at.is_(None))
        plans = [(pid, code) for pid, code in session.execute(q) if actor.covers(code)]
    documents = []
    for pid, _ in plans:
        plan = load_plan(store, plan_id=pid)
        documents.append(rules.gold_document(
            file=plan.source.file, region=plan.document.region, issuer=plan.document.issuer,
            title=plan.document.title, genre=plan.document.genre, issued=plan.document.issued,
            horizon=plan.document.horizon, targets=plan.targets,
            programmes=[{"name": p.name, "parts": list(p.parts)} for p in plan.programmes],
            outline=[{"level": n.level, "label": n.label, "title": n.title} for n in plan.outline]))
    return rules.gold_file(documents)
