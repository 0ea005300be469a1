"""Publication: the public summary, the 人大 view and what the office hands to the 人大, sealed.

The public sees no live data. An office (创新办) publishes a summary of its region's
targets at a date — each target's indicator, goal, latest published value and light —
and the public page shows only such snapshots. The 人大 reads the plan's state live
(read-only) and receives, for its 专项工作报告, a snapshot the office freezes at a date.

Every snapshot is stored as its canonical text with its own SHA-256
(:mod:`innodrive.publication.canonical`), and the hash is written into the audit log
when it is published. Whatever changes afterwards (a new import, a correction, a plan
not yet published) cannot change it; an edit of the stored text is detected on every
read (the content no longer matches its hash, or the hash no longer matches the audit
log), and a snapshot that fails the check is not shown to the public. A snapshot can
be withdrawn; it stays on record. Publishing and withdrawing are audited.
"""

from __future__ import annotations

import datetime as dt
import json

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.errors import Conflict, InputError, NotFound
from innodrive.plans.wording import goal_of
from innodrive.publication.canonical import METHOD, seal, verify
from innodrive.publication.db import SnapshotRow
from innodrive.publication.state import EvaluationLine, PlanState, build_state
from innodrive.services.access import can, require
from innodrive.services.actor import Actor
from innodrive.store import Store, audit
from innodrive.store.schema import AuditRow, RegionRow, utcnow

KIND_NAMES = {"public": "公开摘要", "npc": "向人大报送的计划执行情况", "tongbao": "督查通报数据"}
READ_PERMISSION = {"public": "public.read", "npc": "npc.read", "tongbao": "tongbao.read"}
PUBLISH_PERMISSION = {"public": "public.publish", "npc": "npc.publish", "tongbao": "tongbao.issue"}


class PublicTarget(BaseModel):
    plan: str
    indicator: str
    goal: str
    light: str
    label: str
    latest_value: float | None
    latest_period: str | None
    unit: str | None


class PublicSummary(BaseModel):
    id: int
    region_code: str | None
    region_name: str | None
    title: str
    as_of: dt.date
    published_at: dt.datetime
    counts: dict[str, int]
    targets: list[PublicTarget]
    sha256: str


class Seal(BaseModel):
    """A snapshot's identity and whether it is still what was published."""

    id: int
    kind: str
    kind_name: str
    region_code: str | None
    region_name: str | None
    title: str
    as_of: dt.date
    period: str | None
    reference: str | None
    method: str
    sha256: str
    published_at: dt.datetime
    published_by: str
    withdrawn_at: dt.datetime | None
    withdrawn_by: str | None
    intact: bool
    problems: list[str] = Field(default_factory=list)


class Snapshot(Seal):
    content: dict


# -- sealing and checking ----------------------------------------------------------------------


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _audited_hash(session: Session, snapshot_id: int) -> str | None:
    row = session.scalar(select(AuditRow).where(AuditRow.action == "publication.publish",
                                                AuditRow.entity == "publication_snapshot",
                                                AuditRow.entity_id == str(snapshot_id)).order_by(AuditRow.id).limit(1))
    return (row.after or {}).get("sha256") if row is not None else None


def _check(session: Session, row: SnapshotRow) -> list[str]:
    problems = verify(row.content, row.sha256)
    if row.method != METHOD:
        problems.append(f"未知的序列化方法 {row.method}")
    logged = _audited_hash(session, row.id)
    if logged is None:
        problems.append("审计日志中没有该快照的发布记录")
    elif logged != row.sha256:
        problems.append("快照记录的 SHA-256 与发布时写入审计日志的不一致")
    return problems


def _seal_view(session: Session, row: SnapshotRow, names: dict[str, str] | None = None) -> Seal:
    problems = _check(session, row)
    region_name = (names or {}).get(row.region_code or "") if names is not None else (
        session.scalar(select(RegionRow.name).where(RegionRow.code == row.region_code)) if row.region_code else None)
    return Seal(id=row.id, kind=row.kind, kind_name=KIND_NAMES.get(row.kind, row.kind), region_code=row.region_code,
                region_name=region_name, title=row.title, as_of=row.as_of, period=row.period, reference=row.reference,
                method=row.method, sha256=row.sha256, published_at=_aware(row.published_at),
                published_by=row.published_by, withdrawn_at=_aware(row.withdrawn_at), withdrawn_by=row.withdrawn_by,
                intact=not problems, problems=problems)


def _content(row: SnapshotRow) -> dict:
    try:
        data = json.loads(row.content)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def store_snapshot(session: Session, actor: Actor, *, kind: str, region_code: str | None, title: str,
                   as_of: dt.date, content: dict, period: str | None = None, reference: str | None = None) -> SnapshotRow:
    """Seal ``content`` and store it (inside the caller's write transaction), with the
    hash in the audit entry. Used by every kind: the public summary, the 人大 snapshot,
    the data a 督查通报 is issued on."""
    text, sha = seal(content)
    row = SnapshotRow(kind=kind, region_code=region_code, title=title, as_of=as_of, period=period, reference=reference,
                      content=text, method=METHOD, sha256=sha, published_at=utcnow(), published_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor.username, action="publication.publish", entity="publication_snapshot",
                 entity_id=row.id, summary=f"发布{KIND_NAMES.get(kind, kind)}《{title}》（SHA-256 {sha[:16]}…）",
                 after={"kind": kind, "sha256": sha, "as_of": as_of, "period": period, "reference": reference,
                        "bytes": len(text.encode("utf-8"))})
    return row


def get_snapshot(store: Store, actor: Actor, snapshot_id: int) -> Snapshot:
    """One snapshot with its content and the result of its integrity check."""
    with store.read() as session:
        row = session.get(SnapshotRow, snapshot_id)
        if row is None:
            raise NotFound(f"没有编号为 {snapshot_id} 的发布快照", field="snapshot")
        require(actor, READ_PERMISSION.get(row.kind, "npc.read"), region_code=row.region_code,
                check_region=row.kind != "public", what=f"{KIND_NAMES.get(row.kind, row.kind)}《{row.title}》")
        if row.kind == "public" and row.withdrawn_at is not None and not can(actor, "public.publish"):
            raise NotFound(f"没有编号为 {snapshot_id} 的发布快照", field="snapshot")
        return Snapshot(**_seal_view(session, row).model_dump(), content=_content(row))


def snapshots(store: Store, actor: Actor, *, kind: str | None = None, include_withdrawn: bool = True) -> list[Seal]:
    """Every snapshot of ``kind`` the actor may read, newest first, each checked."""
    if kind is not None and kind not in KIND_NAMES:
        raise InputError(f"无法识别的快照类别“{kind}”（可用：{'、'.join(KIND_NAMES)}）", field="kind")
    with store.read() as session:
        q = select(SnapshotRow).order_by(SnapshotRow.published_at.desc(), SnapshotRow.id.desc())
        if kind:
            q = q.where(SnapshotRow.kind == kind)
        if not include_withdrawn:
            q = q.where(SnapshotRow.withdrawn_at.is_(None))
        rows = [r for r in session.scalars(q)
                if can(actor, READ_PERMISSION.get(r.kind, "npc.read"), region_code=r.region_code,
                       check_region=r.kind != "public")]
        names = _names(session, rows)
        return [_seal_view(session, r, names) for r in rows]


def _names(session: Session, rows: list[SnapshotRow]) -> dict[str, str]:
    codes = {r.region_code for r in rows if r.region_code}
    if not codes:
        return {}
    return dict(session.execute(select(RegionRow.code, RegionRow.name).where(RegionRow.code.in_(codes))).all())


def withdraw(store: Store, actor: Actor, summary_id: int) -> None:
    """Withdraw a snapshot (it stays on record; the public no longer sees a public one)."""
    def work(session: Session) -> None:
        row = session.get(SnapshotRow, summary_id)
        if row is None or row.withdrawn_at is not None:
            raise NotFound(f"没有编号为 {summary_id} 的已发布摘要", field="snapshot")
        require(actor, PUBLISH_PERMISSION.get(row.kind, "public.publish"), region_code=row.region_code,
                check_region=True, what=KIND_NAMES.get(row.kind, row.kind))
        row.withdrawn_at, row.withdrawn_by = utcnow(), actor.username
        audit.record(session, actor=actor.username, action="publication.withdraw", entity="publication_snapshot",
                     entity_id=row.id, summary=f"撤回{KIND_NAMES.get(row.kind, row.kind)}《{row.title}》")

    store.run(work)


def _resolve_region(actor: Actor, region: str | None) -> str | None:
    if region and region.strip():
        from innodrive.store.reference import resolve_region

        code, problem = resolve_region(region)
        if code is None:
            raise InputError(problem or f"未知的地区“{region}”", field="region")
        return code
    return actor.region_code


def document_region(store: Store, actor: Actor, region: str | None) -> str | None:
    """The region a document (通报, 专项工作报告) is about: the one asked for, else the
    actor's own, else — for an actor over every region, such as the CLI's local operator —
    the only region the stored plans belong to. Several regions and none asked for is an
    input error: a document speaks for one region."""
    code = _resolve_region(actor, region)
    if code is not None:
        return code
    from innodrive.plans.storage import list_plans

    codes = sorted({p.region_code for p in list_plans(store) if p.region_code and p.removed_at is None})
    if len(codes) > 1:
        names = "、".join(filter(None, (_region_name(store, c) for c in codes)))
        raise InputError(f"计划涉及多个地区（{names}），请指定文书针对的地区", field="region")
    return codes[0] if codes else None


def _region_name(store: Store, code: str | None) -> str | None:
    if not code:
        return None
    with store.read() as session:
        return session.scalar(select(RegionRow.name).where(RegionRow.code == code))


# -- the public summary ---------------------------------------------------------------------


def _public_targets(store: Store, region_code: str | None, as_of: dt.date) -> tuple[dict[str, int], list[PublicTarget]]:
    from innodrive.plans.board import target_board

    counts = {"green": 0, "yellow": 0, "red": 0, "grey": 0}
    targets = []
    for line in target_board(store, as_of=as_of, region=region_code):
        status = line.status
        counts[status.light] = counts.get(status.light, 0) + 1
        t = line.stored.target
        targets.append(PublicTarget(plan=line.plan_title or "", indicator=t.indicator, goal=goal_of(t),
                                    light=status.light, label=status.label, latest_value=status.latest_value,
                                    latest_period=status.latest_period, unit=status.unit))
    return counts, targets


def publish(store: Store, actor: Actor, *, region: str | None = None, as_of: dt.date | None = None,
            title: str = "") -> PublicSummary:
    """Freeze, seal and publish the summary of ``region`` (default: the actor's region) at ``as_of``."""
    code = _resolve_region(actor, region)
    require(actor, "public.publish", region_code=code, check_region=True, what="公开摘要")
    day = as_of or dt.date.today()
    counts, targets = _public_targets(store, code, day)
    if not targets:
        raise InputError("该地区还没有可发布的目标", field="region")
    region_name = _region_name(store, code)
    text = (title or "").strip()[:200] or f"{region_name or '全部地区'}创新驱动发展目标进展（截至 {day.isoformat()}）"
    content = {"kind": "public", "title": text, "as_of": day, "region_code": code, "counts": counts,
               "targets": [t.model_dump() for t in targets]}

    def work(session: Session) -> int:
        return store_snapshot(session, actor, kind="public", region_code=code, title=text, as_of=day,
                              content=content).id

    snapshot_id = store.run(work)
    with store.read() as session:
        return _public_view(session.get(SnapshotRow, snapshot_id), region_name)


def _public_view(row: SnapshotRow, region_name: str | None) -> PublicSummary:
    content = _content(row)
    return PublicSummary(id=row.id, region_code=row.region_code, region_name=region_name, title=row.title,
                         as_of=row.as_of, published_at=_aware(row.published_at), counts=content.get("counts", {}),
                         targets=[PublicTarget(**t) for t in content.get("targets", [])], sha256=row.sha256)


def published(store: Store, actor: Actor, *, limit: int = 20) -> list[PublicSummary]:
    """The newest published (not withdrawn) public summary of each region, newest first.
    A snapshot that fails its integrity check is left out (and the next older intact one
    of its region is shown instead)."""
    require(actor, "public.read")
    with store.read() as session:
        rows = session.scalars(select(SnapshotRow).where(SnapshotRow.kind == "public",
                                                         SnapshotRow.withdrawn_at.is_(None))
                               .order_by(SnapshotRow.published_at.desc(), SnapshotRow.id.desc())).all()
        names = _names(session, list(rows))
        latest: dict[str | None, SnapshotRow] = {}
        for row in rows:
            if row.region_code in latest or _check(session, row):
                continue
            latest[row.region_code] = row
        return [_public_view(r, names.get(r.region_code or "")) for r in list(latest.values())[:limit]]


# -- the 人大 view and the snapshot handed to the 人大 ----------------------------------------------


def _evaluation_lines(store: Store, actor: Actor, region_code: str | None) -> list[EvaluationLine]:
    if not can(actor, "evaluation.read"):
        return []
    from innodrive.services import evaluation

    lines = []
    for s in evaluation.list_samples(store, actor):
        if region_code and s.region_code and s.region_code != region_code:
            continue
        o = s.rates.overall
        lines.append(EvaluationLine(sample=s.name, seed=s.seed, sampled=o.sampled, judged=o.judged,
                                    discrepant=o.discrepant, rate=o.rate, lower=o.lower, upper=o.upper,
                                    method=s.method_name, level=s.level))
    return lines


def plan_state(store: Store, actor: Actor, *, as_of: dt.date | None = None, region: str | None = None,
               permission: str = "npc.read") -> PlanState:
    """The plan's state at ``as_of`` in the actor's region: targets, tasks, 督办, 评估."""
    from innodrive.services import board, supervision

    require(actor, permission)
    day = as_of or dt.date.today()
    code = _resolve_region(actor, region)
    if code is not None:
        require(actor, permission, region_code=code, check_region=True, what="计划执行情况")
    region_arg = region if region and region.strip() else None
    tb = board.targets(store, actor, as_of=day, region=region_arg)
    kb = board.tasks(store, actor, as_of=day, region=region_arg)
    summary = supervision.summary(store, actor, today=day) if can(actor, "duban.read") else None
    state = build_state(tb, kb, region_name=_region_name(store, code), supervision=summary,
                        evaluation=_evaluation_lines(store, actor, code))
    return state


def publish_npc(store: Store, actor: Actor, *, as_of: dt.date | None = None, region: str | None = None,
                title: str = "") -> Snapshot:
    """Freeze the plan's state at ``as_of`` for the 人大常委会 (the 专项工作报告 is drafted from it)."""
    require(actor, "npc.publish")
    code = document_region(store, actor, region)
    region = region or code
    require(actor, "npc.publish", region_code=code, check_region=True, what="向人大报送的计划执行情况")
    state = plan_state(store, actor, as_of=as_of, region=region, permission="npc.publish")
    if not state.targets and not state.tasks_total:
        raise InputError("该地区还没有目标和任务，无可报送的内容", field="region")
    text = (title or "").strip()[:200] or f"{state.region_name or '全部地区'}创新驱动发展规划实施情况（截至 {state.as_of.isoformat()}）"
    content = {"kind": "npc", "title": text, **state.model_dump(mode="json")}

    def work(session: Session) -> int:
        return store_snapshot(session, actor, kind="npc", region_code=code, title=text, as_of=state.as_of,
                              content=content).id

    return get_snapshot(store, actor, store.run(work))


def npc_state_of(snapshot: Snapshot) -> PlanState:
    """The frozen plan state inside an ``npc`` snapshot."""
    if snapshot.kind != "npc":
        raise Conflict(f"快照 {snapshot.id} 不是向人大报送的计划执行情况", field="snapshot")
    if not snapshot.intact:
        raise Conflict(f"快照 {snapshot.id} 未通过完整性校验：{'；'.join(snapshot.problems)}", field="snapshot")
    body = {k: v for k, v in snapshot.content.items() if k not in ("kind", "title")}
    return PlanState.model_validate(body)


__all__ = ["PublicSummary", "PublicTarget", "Seal", "Snapshot", "get_snapshot", "npc_state_of", "plan_state",
           "publish", "publish_npc", "published", "snapshots", "store_snapshot", "withdraw"]
