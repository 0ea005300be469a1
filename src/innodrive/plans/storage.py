"""Plans in the store: adding documents as plans and versions, reading them back.

Adding an extracted document is one transaction: the plan (found by its issuer and
title, or created), a new version with every outline node, target and programme and
their source spans, the targets' links to the catalogue, the task ledger brought up to
date, and the audit entries. A document whose text is already stored (same SHA-256)
changes nothing; a changed text of a known plan becomes its next version, and the
differences from the previous version are reported.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innodrive.errors import NotFound
from innodrive.extraction.models import (
    DocumentMeta,
    Evidence,
    ExtractedPlan,
    OutlineNode,
    Programme,
    SourceInfo,
    Target,
)
from innodrive.plans import links as links_mod
from innodrive.plans.diff import PlanDiff, describe, diff_plans
from innodrive.plans.models import AddResult, PlanSummary, PlanVersionInfo, StoredTarget, TaskChange
from innodrive.plans.tasks import TaskRules, TaskSpec, tasks_from_plan
from innodrive.store import Store, audit
from innodrive.store.reference import resolve_region
from innodrive.store.schema import (
    OutlineNodeRow,
    PlanRow,
    PlanVersionRow,
    ProgrammeRow,
    RegionRow,
    TargetRow,
    TaskRow,
    TaskUnitRow,
    utcnow,
)

_PUNCT = re.compile(r"[\s“”\"'‘’《》〈〉()（）\[\]【】,，.。:：;；、·—\-]+")


def plan_key(plan: ExtractedPlan) -> str:
    """The identity of a plan across revisions: its issuer and title with spacing and
    punctuation removed; the file name when the title is unknown."""
    title = plan.document.title
    if title and title.strip():
        return f"{_PUNCT.sub('', plan.document.issuer or '')}|{_PUNCT.sub('', title)}"
    return f"file|{plan.source.file}"


def region_code_for(name: str | None) -> str | None:
    """The GB/T 2260 code of the region a document names (乐山市, 凉山州 …), if known."""
    return resolve_region(name)[0] if name else None


def add_plan(store: Store, plan: ExtractedPlan, *, actor: str, plan_id: int | None = None,
             linker: links_mod.Linker | None = None, rules: TaskRules | None = None,
             text: str | None = None) -> AddResult:
    """Store ``plan`` as a new plan or a new version of an existing one.

    :param plan_id: attach to this plan instead of finding it by issuer and title
        (for a revision whose title changed).
    :param linker: matches target phrases to catalogue codes (default: the shipped catalogue).
    """
    linker = linker or links_mod.catalogue_linker()
    specs = tasks_from_plan(plan, rules=rules, text=text)
    key = plan_key(plan)
    region_code = region_code_for(plan.document.region)

    def work(session: Session) -> AddResult:
        q = (select(PlanVersionRow, PlanRow).join(PlanRow, PlanRow.id == PlanVersionRow.plan_id)
             .where(PlanVersionRow.sha256 == plan.source.sha256).order_by(PlanVersionRow.id))
        if plan_id is not None:
            q = q.where(PlanRow.id == plan_id)
        same = session.execute(q).first()
        if same is not None:
            version, prow = same
            return AddResult(file=plan.source.file, outcome="unchanged", plan_id=prow.id, plan_title=prow.title,
                             version_number=version.number, targets=_count(session, TargetRow, version.id),
                             linked_targets=_count(session, TargetRow, version.id, linked=True), tasks=TaskChange())
        if plan_id is not None:
            prow = session.get(PlanRow, plan_id)
            if prow is None:
                raise NotFound(f"没有编号为 {plan_id} 的计划", field="plan")
        else:
            prow = session.scalar(select(PlanRow).where(PlanRow.key == key))
        previous: ExtractedPlan | None = None
        if prow is None:
            code = region_code if region_code and session.get(RegionRow, region_code) else None
            prow = PlanRow(key=key, title=plan.document.title, issuer=plan.document.issuer, region_code=code,
                           created_at=utcnow(), created_by=actor)
            session.add(prow)
            session.flush()
            number = 1
        else:
            last = session.scalar(select(PlanVersionRow).where(PlanVersionRow.plan_id == prow.id)
                                  .order_by(PlanVersionRow.number.desc()).limit(1))
            number = last.number + 1
            previous = _load_version(session, last)
            if plan.document.title:
                prow.title = plan.document.title
        if prow.removed_at is not None:  # adding a removed plan's document again brings it back
            prow.removed_at = prow.removed_by = prow.removed_reason = None
        version = _insert_version(session, prow.id, number, plan, actor, text)
        remembered = links_mod.remembered(session)
        linked = _insert_targets(session, version.id, plan.targets, linker, remembered)
        _insert_outline(session, version.id, plan.outline)
        _insert_programmes(session, version.id, plan.programmes)
        changes = _sync_tasks(session, prow.id, version.id, specs, actor)
        diff_lines = describe(diff_plans(previous, plan)) if previous is not None else []
        outcome = "new_plan" if number == 1 else "new_version"
        audit.record(
            session, actor=actor, action="plan.add" if number == 1 else "plan.revise", entity="plan",
            entity_id=prow.id,
            summary=(f"新增计划《{plan.document.title or plan.source.file}》第 {number} 版："
                     f"目标 {len(plan.targets)} 项，任务新增 {changes.added}、更新 {changes.updated}、撤销 {changes.retired}"),
            before={"version": number - 1} if previous is not None else None,
            after={"version": number, "file": plan.source.file, "sha256": plan.source.sha256,
                   "targets": len(plan.targets), "diff": diff_lines},
        )
        unlinked = session.scalar(select(func.count()).select_from(TargetRow).where(TargetRow.version_id == version.id)
                                  .where(TargetRow.indicator_code.is_(None)).where(TargetRow.kind != "milestone"))
        return AddResult(file=plan.source.file, outcome=outcome, plan_id=prow.id, plan_title=prow.title,
                         version_number=number, targets=len(plan.targets), linked_targets=linked, unlinked=unlinked,
                         tasks=changes, diff_lines=diff_lines)

    return store.run(work)


def _count(session: Session, model, version_id: int, *, linked: bool = False) -> int:
    q = select(func.count()).select_from(model).where(model.version_id == version_id)
    if linked:
        q = q.where(model.indicator_code.is_not(None))
    return session.scalar(q) or 0


def _insert_version(session: Session, plan_id: int, number: int, plan: ExtractedPlan, actor: str,
                    text: str | None = None) -> PlanVersionRow:
    doc, src = plan.document, plan.source
    row = PlanVersionRow(
        plan_id=plan_id, number=number, file_name=src.file, sha256=src.sha256, encoding=src.encoding,
        script=src.script, format=src.format, title=doc.title, issuer=doc.issuer, region_name=doc.region,
        genre=doc.genre, issued=doc.issued, horizon=doc.horizon, warnings=list(plan.warnings),
        added_at=utcnow(), added_by=actor, text=text,
    )
    session.add(row)
    session.flush()
    return row


def _insert_targets(session: Session, version_id: int, targets: list[Target], linker: links_mod.Linker,
                    remembered: dict[str, str]) -> int:
    linked = 0
    rows = []
    for i, t in enumerate(targets):
        outcome = linker(t.indicator, t.unit if t.kind == "number" else None, remembered)
        linked += outcome.code is not None
        rows.append(TargetRow(
            version_id=version_id, ordinal=i, indicator=t.indicator, kind=t.kind,
            value=None if t.value is None else float(t.value), value_is_int=isinstance(t.value, int),
            unit=t.unit, comparator=t.comparator, year=t.year, baseline_year=t.baseline_year,
            direction=t.direction, firmness=t.firmness, scope=t.scope, section=t.section,
            evidence_text=t.evidence.text, span_start=t.evidence.span[0], span_end=t.evidence.span[1],
            note=t.note, basis=t.basis, baseline_value=t.baseline_value, binding=t.binding,
            indicator_code=outcome.code, link_method=outcome.method, link_score=outcome.score,
            link_candidates=list(outcome.candidates),
        ))
    session.add_all(rows)
    return linked


def _insert_outline(session: Session, version_id: int, nodes: list[OutlineNode]) -> None:
    session.add_all([
        OutlineNodeRow(
            version_id=version_id, ordinal=i, level=n.level, label=n.label, title=n.title,
            span_start=n.span[0], span_end=n.span[1], marker=n.marker, number=n.number, path=n.path,
            body_start=n.body_span[0] if n.body_span else None, body_end=n.body_span[1] if n.body_span else None,
            lead_units=list(n.lead_units), co_units=list(n.co_units), deadline=n.deadline,
        )
        for i, n in enumerate(nodes)
    ])


def _insert_programmes(session: Session, version_id: int, programmes: list[Programme]) -> None:
    session.add_all([
        ProgrammeRow(version_id=version_id, ordinal=i, name=p.name, parts=list(p.parts),
                     evidence_text=p.evidence.text, span_start=p.evidence.span[0], span_end=p.evidence.span[1])
        for i, p in enumerate(programmes)
    ])


def _norm(title: str) -> str:
    return _PUNCT.sub("", title)


def _sync_tasks(session: Session, plan_id: int, version_id: int, specs: list[TaskSpec], actor: str) -> TaskChange:
    """Bring the plan's task ledger in line with a new version.

    A task of the new version continues an existing task when its title is the same
    (wherever it moved), else when it sits at the same outline path; progress reported
    against the task is kept. Tasks that are no longer in the plan are retired, not deleted.
    """
    existing = session.scalars(select(TaskRow).where(TaskRow.plan_id == plan_id).order_by(TaskRow.id)).all()
    units = {}
    for u in session.scalars(select(TaskUnitRow).where(TaskUnitRow.task_id.in_([t.id for t in existing]))):
        units.setdefault(u.task_id, []).append(u)
    free = [t for t in existing if t.active]
    change = TaskChange()
    kept: set[int] = set()
    for spec in specs:
        match = next((t for t in free if t.id not in kept and _norm(t.title) == _norm(spec.title)), None)
        if match is None:
            match = next((t for t in free if t.id not in kept and t.path == spec.path), None)
        if match is None:
            row = TaskRow(plan_id=plan_id, path=spec.path, label=spec.label, title=spec.title, level=spec.level,
                          deadline=spec.deadline, due_date=spec.due_date, span_start=spec.span[0],
                          span_end=spec.span[1], first_version_id=version_id, last_version_id=version_id,
                          active=True, created_at=utcnow())
            session.add(row)
            session.flush()
            _set_units(session, row.id, spec, [])
            change.added += 1
            continue
        kept.add(match.id)
        before = _task_state(match, units.get(match.id, []))
        match.path, match.label, match.title, match.level = spec.path, spec.label, spec.title, spec.level
        match.deadline, match.due_date = spec.deadline, spec.due_date
        match.span_start, match.span_end = spec.span
        match.last_version_id = version_id
        if match.units_set_by is None:  # units a person assigned are kept over what a new text says
            _set_units(session, match.id, spec, units.get(match.id, []))
            lead, co = list(spec.lead_units), list(spec.co_units)
        else:
            lead, co = before["lead_units"], before["co_units"]
        after = {"path": spec.path, "title": spec.title, "deadline": spec.deadline,
                 "lead_units": lead, "co_units": co}
        if before != after:
            change.updated += 1
            audit.record(session, actor=actor, action="task.update", entity="task", entity_id=match.id,
                         summary=f"计划新版本更新任务“{spec.title}”", before=before, after=after)
    for t in free:
        if t.id not in kept:
            t.active = False
            change.retired += 1
            audit.record(session, actor=actor, action="task.retire", entity="task", entity_id=t.id,
                         summary=f"计划新版本中已无任务“{t.title}”，该任务撤销（历史报送保留）",
                         before={"active": True}, after={"active": False, "version_id": version_id})
    return change


def _task_state(t: TaskRow, units: list[TaskUnitRow]) -> dict:
    ordered = sorted(units, key=lambda u: u.ordinal)
    return {"path": t.path, "title": t.title, "deadline": t.deadline,
            "lead_units": [u.unit for u in ordered if u.role == "lead"],
            "co_units": [u.unit for u in ordered if u.role == "co"]}


def _set_units(session: Session, task_id: int, spec: TaskSpec, current: list[TaskUnitRow]) -> None:
    wanted = [("lead", u) for u in dict.fromkeys(spec.lead_units)] + [("co", u) for u in dict.fromkeys(spec.co_units)]
    have = [(u.role, u.unit) for u in sorted(current, key=lambda u: u.ordinal)]
    if have == wanted:
        return
    for u in current:
        session.delete(u)
    session.flush()
    session.add_all([TaskUnitRow(task_id=task_id, role=role, unit=unit, ordinal=i)
                     for i, (role, unit) in enumerate(wanted)])


# -- reading ---------------------------------------------------------------


def _load_version(session: Session, version: PlanVersionRow) -> ExtractedPlan:
    nodes = session.scalars(select(OutlineNodeRow).where(OutlineNodeRow.version_id == version.id)
                            .order_by(OutlineNodeRow.ordinal)).all()
    targets = session.scalars(select(TargetRow).where(TargetRow.version_id == version.id)
                              .order_by(TargetRow.ordinal)).all()
    progs = session.scalars(select(ProgrammeRow).where(ProgrammeRow.version_id == version.id)
                            .order_by(ProgrammeRow.ordinal)).all()
    return ExtractedPlan(
        source=SourceInfo(file=version.file_name, sha256=version.sha256, encoding=version.encoding,
                          script=version.script, format=version.format),
        document=DocumentMeta(title=version.title, issuer=version.issuer, region=version.region_name,
                              genre=version.genre, issued=version.issued, horizon=version.horizon),
        outline=[_node(n) for n in nodes],
        targets=[_target(t) for t in targets],
        programmes=[Programme(name=p.name, parts=list(p.parts),
                              evidence=Evidence(text=p.evidence_text, span=(p.span_start, p.span_end)))
                    for p in progs],
        warnings=list(version.warnings or []),
    )


def _node(n: OutlineNodeRow) -> OutlineNode:
    return OutlineNode(
        level=n.level, label=n.label, title=n.title, span=(n.span_start, n.span_end), marker=n.marker,
        number=n.number, path=n.path,
        body_span=(n.body_start, n.body_end) if n.body_start is not None else None,
        lead_units=list(n.lead_units or []), co_units=list(n.co_units or []), deadline=n.deadline,
    )


def _target(t: TargetRow) -> Target:
    value: float | int | None = t.value
    if value is not None and t.value_is_int:
        value = int(value)
    return Target(
        indicator=t.indicator, kind=t.kind, value=value, unit=t.unit, comparator=t.comparator, year=t.year,
        baseline_year=t.baseline_year, direction=t.direction, firmness=t.firmness, scope=t.scope,
        section=t.section, evidence=Evidence(text=t.evidence_text, span=(t.span_start, t.span_end)),
        note=t.note, basis=t.basis, baseline_value=t.baseline_value, binding=t.binding,
    )


def load_plan(store: Store, *, plan_id: int, version: int | None = None) -> ExtractedPlan:
    """A stored version of a plan (the latest when ``version`` is ``None``), exactly as it was added."""
    with store.read() as session:
        return _load_version(session, _version_row(session, plan_id, version))


def _version_row(session: Session, plan_id: int, number: int | None) -> PlanVersionRow:
    q = select(PlanVersionRow).where(PlanVersionRow.plan_id == plan_id)
    q = q.where(PlanVersionRow.number == number) if number is not None else q.order_by(PlanVersionRow.number.desc())
    row = session.scalars(q.limit(1)).first()
    if row is None:
        what = f"第 {number} 版" if number is not None else "任何版本"
        raise NotFound(f"计划 {plan_id} 没有{what}", field="plan")
    return row


def diff_versions(store: Store, *, plan_id: int, old: int | None = None, new: int | None = None) -> tuple[int, int, PlanDiff]:
    """Differences between two versions of a plan (default: the last two)."""
    with store.read() as session:
        new_row = _version_row(session, plan_id, new)
        old_number = old if old is not None else new_row.number - 1
        if old_number < 1:
            raise NotFound(f"计划 {plan_id} 只有 1 个版本，没有可比较的上一版", field="plan")
        old_row = _version_row(session, plan_id, old_number)
        return old_row.number, new_row.number, diff_plans(_load_version(session, old_row),
                                                          _load_version(session, new_row))


def list_plans(store: Store, *, include_removed: bool = False) -> list[PlanSummary]:
    """Every plan with its versions, oldest plan first (removed plans only when asked)."""
    with store.read() as session:
        q = select(PlanRow).order_by(PlanRow.id)
        if not include_removed:
            q = q.where(PlanRow.removed_at.is_(None))
        plans = session.scalars(q).all()
        versions = session.scalars(select(PlanVersionRow).order_by(PlanVersionRow.plan_id, PlanVersionRow.number)).all()
        counts = dict(session.execute(select(TargetRow.version_id, func.count()).group_by(TargetRow.version_id)).all())
        nodes = dict(session.execute(select(OutlineNodeRow.version_id, func.count())
                                     .group_by(OutlineNodeRow.version_id)).all())
        tasks = dict(session.execute(select(TaskRow.plan_id, func.count()).where(TaskRow.active.is_(True))
                                     .group_by(TaskRow.plan_id)).all())
        names = {r.code: r.name for r in session.scalars(select(RegionRow).where(
            RegionRow.code.in_([p.region_code for p in plans if p.region_code])))}
        by_plan: dict[int, list[PlanVersionInfo]] = {}
        for v in versions:
            by_plan.setdefault(v.plan_id, []).append(PlanVersionInfo(
                id=v.id, number=v.number, file_name=v.file_name, sha256=v.sha256, title=v.title, issued=v.issued,
                horizon=v.horizon, added_at=_aware(v.added_at), added_by=v.added_by,
                targets=counts.get(v.id, 0), outline_nodes=nodes.get(v.id, 0)))
        return [PlanSummary(id=p.id, key=p.key, title=p.title, issuer=p.issuer, region_code=p.region_code,
                            region_name=names.get(p.region_code), versions=by_plan.get(p.id, []),
                            tasks=tasks.get(p.id, 0), removed_at=_aware(p.removed_at) if p.removed_at else None,
                            removed_by=p.removed_by)
                for p in plans]


def find_plan(store: Store, ref: str, *, include_removed: bool = False) -> PlanSummary:
    """A plan by number, or by words of its title (every word given must occur in the
    title, in any order: ``乐山 决定`` finds 《中共乐山市委关于……的决定》); the match must be
    unambiguous."""
    plans = list_plans(store, include_removed=include_removed)
    ref = (ref or "").strip()
    if ref.isdecimal():
        for p in plans:
            if p.id == int(ref):
                return p
        raise NotFound(f"没有编号为 {ref} 的计划", field="plan")
    words = [w for w in re.split(r"[\s,，、;；]+", ref) if w]
    if not words:
        raise NotFound("请给出计划编号或标题中的文字", field="plan")

    def title_of(p: PlanSummary) -> str:
        return " ".join(filter(None, [p.title, p.issuer, p.region_name] + [v.file_name for v in p.versions]))

    hits = [p for p in plans if all(w in title_of(p) for w in words)]
    if not hits:
        short = [_shorten_word(w) for w in words]
        hits = [p for p in plans if all(w in title_of(p) for w in short)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise NotFound(f"没有标题包含“{ref}”的计划", field="plan")
    listed = "；".join(f"#{p.id}《{p.title or p.versions[-1].file_name}》" for p in hits[:8])
    raise NotFound(f"标题包含“{ref}”的计划有 {len(hits)} 个：{listed}。请用编号或更多的字指定", field="plan")


def _shorten_word(word: str) -> str:
    """乐山市 → 乐山 for matching titles that write the short form."""
    from innodrive.regions import shorten

    return shorten(word)


def stored_targets(store: Store, *, region_code: str | None = None, plan_id: int | None = None) -> list[StoredTarget]:
    """The targets of the latest version of every plan (optionally of one region or plan)."""
    with store.read() as session:
        latest = (select(PlanVersionRow.plan_id, func.max(PlanVersionRow.number).label("n"))
                  .group_by(PlanVersionRow.plan_id).subquery())
        q = (select(TargetRow, PlanVersionRow, PlanRow)
             .join(PlanVersionRow, PlanVersionRow.id == TargetRow.version_id)
             .join(latest, (latest.c.plan_id == PlanVersionRow.plan_id) & (latest.c.n == PlanVersionRow.number))
             .join(PlanRow, PlanRow.id == PlanVersionRow.plan_id)
             .order_by(PlanRow.id, TargetRow.ordinal))
        q = q.where(PlanRow.removed_at.is_(None))
        if region_code:
            q = q.where(PlanRow.region_code == region_code)
        if plan_id is not None:
            q = q.where(PlanRow.id == plan_id)
        return [StoredTarget(id=t.id, plan_id=p.id, version_id=v.id, version_number=v.number,
                             region_code=p.region_code, target=_target(t), indicator_code=t.indicator_code,
                             link_method=t.link_method, link_score=t.link_score,
                             link_candidates=list(t.link_candidates or []))
                for t, v, p in session.execute(q).all()]


def _aware(value):
    import datetime as dt

    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
