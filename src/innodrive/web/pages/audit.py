"""审计日志: who changed what and when, filtered by user, object and date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive.services import audit as audit_service
from innodrive.services.audit import AuditPage
from innodrive.web import render
from innodrive.web.guard import ActorDep, make_router, route

router = make_router()
LIMIT = 200


class AuditFilters(BaseModel):
    user: str = ""
    entity: str = ""
    entity_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


class AuditView(BaseModel):
    filters: AuditFilters
    log: AuditPage
    limit: int


def _read(request: Request, actor, f: AuditFilters, limit: int = LIMIT) -> AuditPage:
    page = audit_service.read(request.app.state.store, actor, entity=f.entity or None, entity_id=f.entity_id or None,
                              user=f.user or None, since=f.since, until=f.until, limit=limit)
    return page.model_copy(update={"entries": list(reversed(page.entries))})  # newest first on the page


@route(router, "audit")
def audit(request: Request, actor: ActorDep, user: Annotated[str, Query(max_length=100)] = "",
          entity: Annotated[str, Query(max_length=40)] = "", entity_id: Annotated[str, Query(max_length=80)] = "",
          since: Annotated[dt.date | None, Query()] = None, until: Annotated[dt.date | None, Query()] = None) -> Response:
    f = AuditFilters(user=user, entity=entity, entity_id=entity_id, since=since, until=until)
    view = AuditView(filters=f, log=_read(request, actor, f), limit=LIMIT)
    return render.page(request, "audit.html", view, title="审计日志")


@route(router, "api_audit", response_model=AuditPage)
def api_audit(request: Request, actor: ActorDep, user: Annotated[str, Query(max_length=100)] = "",
              entity: Annotated[str, Query(max_length=40)] = "", entity_id: Annotated[str, Query(max_length=80)] = "",
              since: Annotated[dt.date | None, Query()] = None, until: Annotated[dt.date | None, Query()] = None,
              limit: Annotated[int, Query(ge=1, le=5000)] = LIMIT) -> AuditPage:
    f = AuditFilters(user=user, entity=entity, entity_id=entity_id, since=since, until=until)
    return _read(request, actor, f, limit)
