"""人大监督 pages and API, and the page of any sealed snapshot — over :mod:`innodrive.services.publication`.

The 人大 reads the plan's state live and read-only (targets, tasks, 督办, 评估), and the
snapshots the office froze for it, from which the 专项工作报告 draft is rendered. Every
snapshot page shows its SHA-256 and whether it is still what was published.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Form, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive.publication.state import PlanState
from innodrive.services import publication
from innodrive.services.access import can
from innodrive.services.publication import Seal, Snapshot
from innodrive.web import render
from innodrive.web.guard import ActorDep, Id, make_router, route
from innodrive.web.pages.supervision import document_bytes, download

router = make_router()


class NpcPage(BaseModel):
    state: PlanState
    snapshots: list[Seal]
    can_publish: bool
    message: str | None = None


def _npc_page(request: Request, actor, as_of: dt.date | None, message: str | None = None) -> Response:
    store = request.app.state.store
    page = NpcPage(state=publication.plan_state(store, actor, as_of=as_of),
                   snapshots=publication.snapshots(store, actor, kind="npc"), can_publish=can(actor, "npc.publish"),
                   message=message)
    return render.page(request, "npc.html", page, title="人大监督")


@route(router, "npc")
def npc(request: Request, actor: ActorDep, as_of: Annotated[dt.date | None, Query()] = None) -> Response:
    return _npc_page(request, actor, as_of)


@route(router, "api_npc", response_model=PlanState)
def api_npc(request: Request, actor: ActorDep, as_of: Annotated[dt.date | None, Query()] = None) -> PlanState:
    return publication.plan_state(request.app.state.store, actor, as_of=as_of)


@route(router, "npc_publish")
def npc_publish(request: Request, actor: ActorDep, as_of: Annotated[dt.date | None, Form()] = None,
                title: Annotated[str, Form(max_length=200)] = "") -> Response:
    s = publication.publish_npc(request.app.state.store, actor, as_of=as_of, title=title)
    return _npc_page(request, actor, as_of, f"已冻结并报送《{s.title}》（快照 #{s.id}，SHA-256 {s.sha256}）")


@route(router, "npc_report")
def npc_report(request: Request, actor: ActorDep, snapshot_id: Id,
               fmt: Annotated[str, Path(pattern=r"^(docx|pdf|xlsx)$")]) -> Response:
    from innodrive.reports.npc import build

    snap = publication.get_snapshot(request.app.state.store, actor, snapshot_id)
    state = publication.npc_state_of(snap)
    published_on = snap.published_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    data, name = document_bytes(build(state, snapshot_id=snap.id, sha256=snap.sha256, published_on=published_on), fmt)
    return download(data, name, fmt)


class SnapshotPage(BaseModel):
    snapshot: Snapshot


@route(router, "snapshot")
def snapshot(request: Request, actor: ActorDep, snapshot_id: Id) -> Response:
    snap = publication.get_snapshot(request.app.state.store, actor, snapshot_id)
    return render.page(request, "snapshot.html", SnapshotPage(snapshot=snap), title=snap.title[:40])


@route(router, "api_snapshot", response_model=Snapshot)
def api_snapshot(request: Request, actor: ActorDep, snapshot_id: Id) -> Snapshot:
    return publication.get_snapshot(request.app.state.store, actor, snapshot_id)
