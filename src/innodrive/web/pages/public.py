"""The published summary (no sign-in) and the office's publish/withdraw actions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive.services import publication
from innodrive.services.access import can
from innodrive.services.publication import PublicSummary
from innodrive.web import render
from innodrive.web.guard import ActorDep, Id, make_router, route

router = make_router()


class PublicPage(BaseModel):
    summaries: list[PublicSummary]
    can_publish: bool


class PublishRequest(BaseModel):
    region: str | None = None
    as_of: dt.date | None = None
    title: str = ""


def _data(request: Request, actor) -> PublicPage:
    store = request.app.state.store
    return PublicPage(summaries=publication.published(store, actor), can_publish=can(actor, "public.publish"))


@route(router, "public_summary")
def public_summary(request: Request, actor: ActorDep) -> Response:
    return render.page(request, "public.html", _data(request, actor), title="公开摘要")


@route(router, "api_public", response_model=list[PublicSummary])
def api_public(request: Request, actor: ActorDep) -> list[PublicSummary]:
    return publication.published(request.app.state.store, actor)


@route(router, "publish")
def publish(request: Request, actor: ActorDep, region: Annotated[str, Form(max_length=100)] = "",
            as_of: Annotated[dt.date | None, Form()] = None,
            title: Annotated[str, Form(max_length=200)] = "") -> Response:
    publication.publish(request.app.state.store, actor, region=region or None, as_of=as_of, title=title)
    return render.page(request, "public.html", _data(request, actor), title="公开摘要")


@route(router, "api_publish", response_model=PublicSummary)
def api_publish(request: Request, actor: ActorDep, body: PublishRequest) -> PublicSummary:
    return publication.publish(request.app.state.store, actor, region=body.region, as_of=body.as_of,
                               title=body.title)


@route(router, "withdraw")
def withdraw(request: Request, actor: ActorDep, summary_id: Id) -> Response:
    publication.withdraw(request.app.state.store, actor, summary_id)
    return render.page(request, "public.html", _data(request, actor), title="公开摘要")
