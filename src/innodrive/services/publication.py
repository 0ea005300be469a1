"""The published summary: what the public may see, chosen and frozen by the office.

The public sees no live data. An office (创新办) publishes a summary of its region's
targets at a date — each target's indicator, goal, latest published value and light —
and the public page shows only such frozen snapshots. Whatever changes afterwards
(a new import, a correction, a target not yet published) stays unseen until the
office publishes again; a snapshot can be withdrawn. Publishing and withdrawing are
audited.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from innodrive.accounts.db import PublishedSummaryRow
from innodrive.errors import InputError, NotFound
from innodrive.plans.wording import goal_of
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.store import Store, audit
from innodrive.store.schema import RegionRow, utcnow


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


def _snapshot(store: Store, region_code: str | None, as_of: dt.date) -> tuple[dict[str, int], list[PublicTarget]]:
    from innodrive.plans.board import target_board

    lines = target_board(store, as_of=as_of, region=region_code)
    counts = {"green": 0, "yellow": 0, "red": 0, "grey": 0}
    targets = []
    for line in lines:
        status = line.status
        counts[status.light] = counts.get(status.light, 0) + 1
        t = line.stored.target
        targets.append(PublicTarget(plan=line.plan_title or "", indicator=t.indicator, goal=goal_of(t),
                                    light=status.light, label=status.label, latest_value=status.latest_value,
                                    latest_period=status.latest_period, unit=status.unit))
    return counts, targets


def publish(store: Store, actor: Actor, *, region: str | None = None, as_of: dt.date | None = None,
            title: str = "") -> PublicSummary:
    """Freeze and publish the summary of ``region`` (default: the actor's region) at ``as_of``."""
    from innodrive.store.reference import resolve_region

    code = actor.region_code
    if region and region.strip():
        code, problem = resolve_region(region)
        if code is None:
            raise InputError(problem or f"未知的地区“{region}”", field="region")
    require(actor, "public.publish", region_code=code, check_region=True, what="公开摘要")
    day = as_of or dt.date.today()
    counts, targets = _snapshot(store, code, day)
    if not targets:
        raise InputError("该地区还没有可发布的目标", field="region")

    def work(session: Session) -> PublicSummary:
        region_name = session.scalar(select(RegionRow.name).where(RegionRow.code == code)) if code else None
        text = (title or "").strip()[:200] or f"{region_name or '全部地区'}创新驱动发展目标进展（截至 {day.isoformat()}）"
        row = PublishedSummaryRow(region_code=code, title=text, as_of=day,
                                  payload={"counts": counts, "targets": [t.model_dump() for t in targets]},
                                  published_at=utcnow(), published_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(session, actor=actor.username, action="public.publish", entity="published_summary",
                     entity_id=row.id, summary=f"发布公开摘要《{text}》（目标 {len(targets)} 项）", after=counts)
        return _view(row, region_name)

    return store.run(work)


def withdraw(store: Store, actor: Actor, summary_id: int) -> None:
    def work(session: Session) -> None:
        row = session.get(PublishedSummaryRow, summary_id)
        if row is None or row.withdrawn_at is not None:
            raise NotFound(f"没有编号为 {summary_id} 的已发布摘要")
        require(actor, "public.publish", region_code=row.region_code, check_region=True, what="公开摘要")
        row.withdrawn_at = utcnow()
        audit.record(session, actor=actor.username, action="public.withdraw", entity="published_summary",
                     entity_id=row.id, summary=f"撤回公开摘要《{row.title}》")

    store.run(work)


def published(store: Store, actor: Actor, *, limit: int = 20) -> list[PublicSummary]:
    """The newest published (not withdrawn) summary of each region, newest first."""
    require(actor, "public.read")
    with store.read() as session:
        rows = session.scalars(select(PublishedSummaryRow).where(PublishedSummaryRow.withdrawn_at.is_(None))
                               .order_by(PublishedSummaryRow.published_at.desc(), PublishedSummaryRow.id.desc())
                               ).all()
        names = dict(session.execute(select(RegionRow.code, RegionRow.name).where(
            RegionRow.code.in_({r.region_code for r in rows if r.region_code}))).all()) if rows else {}
        latest: dict[str | None, PublishedSummaryRow] = {}
        for row in rows:
            latest.setdefault(row.region_code, row)
        return [_view(r, names.get(r.region_code or "")) for r in list(latest.values())[:limit]]


def _view(row: PublishedSummaryRow, region_name: str | None) -> PublicSummary:
    payload = row.payload or {}
    at = row.published_at if row.published_at.tzinfo else row.published_at.replace(tzinfo=dt.UTC)
    return PublicSummary(id=row.id, region_code=row.region_code, region_name=region_name, title=row.title,
                         as_of=row.as_of, published_at=at, counts=payload.get("counts", {}),
                         targets=[PublicTarget(**t) for t in payload.get("targets", [])])
