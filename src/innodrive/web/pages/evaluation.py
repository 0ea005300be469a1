"""第三方评估 workspace pages and API — over :mod:`innodrive.services.evaluation`.

The evaluator draws a sample, opens each sampled progress report with its evidence,
records a verdict with notes, and reads the discrepancy rates by unit; the office reads
the same pages without the forms. Nothing here writes anything else.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Form, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive.errors import InputError
from innodrive.services import evaluation as ev
from innodrive.services.access import can
from innodrive.services.evaluation import SampleView
from innodrive.web import render
from innodrive.web.guard import ActorDep, Id, make_router, route
from innodrive.web.pages.supervision import document_bytes, download

router = make_router()


class WorkspacePage(BaseModel):
    samples: list[SampleView]
    can_sample: bool
    strata: dict[str, str]


@route(router, "evaluation")
def evaluation(request: Request, actor: ActorDep) -> Response:
    page = WorkspacePage(samples=ev.list_samples(request.app.state.store, actor), can_sample=can(actor, "evaluation.sample"),
                         strata=ev.STRATA)
    return render.page(request, "evaluation.html", page, title="第三方评估")


@route(router, "evaluation_draw")
def evaluation_draw(request: Request, actor: ActorDep, name: Annotated[str, Form(max_length=200)] = "",
                    size: Annotated[int | None, Form(ge=1, le=100000)] = None,
                    by: Annotated[list[str] | None, Form()] = None,
                    allocation: Annotated[str, Form(max_length=20)] = "proportional",
                    seed: Annotated[str, Form(max_length=40)] = "",
                    period_from: Annotated[dt.date | None, Form()] = None,
                    period_to: Annotated[dt.date | None, Form()] = None,
                    method: Annotated[str, Form(max_length=20)] = "wilson") -> Response:
    s = ev.draw_sample(request.app.state.store, actor, name=name, size=size, by=[b for b in (by or []) if b],
                       allocation=allocation, seed=seed or None, period_from=period_from, period_to=period_to,
                       method=method)
    return _sample_page(request, actor, s.id, f"已抽取样本 {len(s.items)} 份（种子 {s.seed}）")


class SamplePage(BaseModel):
    sample: SampleView
    message: str | None = None


def _sample_page(request: Request, actor, sample_id: int, message: str | None = None) -> Response:
    s = ev.get_sample(request.app.state.store, actor, sample_id)
    return render.page(request, "evaluation_sample.html", SamplePage(sample=s, message=message), title=s.name[:40])


@route(router, "evaluation_sample")
def evaluation_sample(request: Request, actor: ActorDep, sample_id: Id) -> Response:
    return _sample_page(request, actor, sample_id)


@route(router, "api_evaluation_sample", response_model=SampleView)
def api_evaluation_sample(request: Request, actor: ActorDep, sample_id: Id) -> SampleView:
    return ev.get_sample(request.app.state.store, actor, sample_id)


@route(router, "evaluation_verdict")
def evaluation_verdict(request: Request, actor: ActorDep, item_id: Id,
                       verdict: Annotated[str, Form(max_length=10)] = "",
                       note: Annotated[str, Form(max_length=4000)] = "") -> Response:
    s = ev.record_verdict(request.app.state.store, actor, item_id, verdict=verdict, note=note)
    return _sample_page(request, actor, s.id, f"已记录核查结论（待核查 {s.rates.pending} 份）")


class VerdictBody(BaseModel):
    verdict: str
    note: str = ""


@route(router, "api_evaluation_verdict", response_model=SampleView)
def api_evaluation_verdict(request: Request, actor: ActorDep, item_id: Id, body: VerdictBody) -> SampleView:
    if len(body.note) > 4000:
        raise InputError("说明过长（上限 4000 字）", field="note")
    return ev.record_verdict(request.app.state.store, actor, item_id, verdict=body.verdict, note=body.note)


@route(router, "evaluation_evidence")
def evaluation_evidence(request: Request, actor: ActorDep, item_id: Id,
                        sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]) -> Response:
    content = ev.evidence(request.app.state.store, actor, item_id=item_id, sha256=sha256)
    return download(content.data, content.file_name, "")


@route(router, "evaluation_report")
def evaluation_report(request: Request, actor: ActorDep, sample_id: Id,
                      fmt: Annotated[str, Path(pattern=r"^(docx|pdf|xlsx)$")]) -> Response:
    from innodrive.regions import all_regions
    from innodrive.reports.evaluation import build

    s = ev.get_sample(request.app.state.store, actor, sample_id)
    region = all_regions().get(s.region_code) if s.region_code else None
    files = build(s, city=region.name if region else "", evaluator=actor.name or actor.username)
    data, name = document_bytes(files, fmt)
    return download(data, name, fmt)
