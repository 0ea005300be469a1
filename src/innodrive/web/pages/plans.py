"""计划与文件: plans and their versions, uploading documents, the change from the previous
version, and the document view where a person corrects the extraction.

The document view shows the original text of a version with every extracted target,
task and programme highlighted; a person edits a target's fields, rejects a false one,
or selects words in the text to add a missed one (the selection's character offsets
into the original text are recorded). Over :mod:`innodrive.services.plans` and
:mod:`innodrive.services.corrections`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from innodrive.blobs import Upload
from innodrive.services import corrections as corrections_service
from innodrive.services import plans as plans_service
from innodrive.services.access import can
from innodrive.services.corrections import CorrectionResult, DocumentView
from innodrive.services.plans import AddBatch, PlanDetail, PlanDiffView, PlanView
from innodrive.web import render
from innodrive.web.guard import MAX_ID, ActorDep, Id, make_router, route
from innodrive.web.uploads import DOCUMENTS, read_upload

router = make_router()
MAX_FILES = 20
KIND_NAMES = {"number": "数值", "multiple": "倍数", "growth": "增速", "relative": "相对", "trend": "趋势",
              "milestone": "里程碑"}
COMPARATORS = {"": "（无）", "=": "达到", ">=": "不低于", ">": "超过", "<=": "不超过", "<": "低于", "~": "左右"}


class PlansPage(BaseModel):
    plans: list[PlanView]
    can_add: bool
    added: AddBatch | None = None


class PlanPage(BaseModel):
    detail: PlanDetail
    versions: list[int]
    diff: PlanDiffView | None


class Segment(BaseModel):
    """A run of the original text and the marks covering it (for layout only)."""

    start: int
    text: str
    kinds: list[str]
    target: int | None = None
    label: str | None = None


class DocumentPage(BaseModel):
    document: DocumentView
    segments: list[Segment]
    can_correct: bool
    message: str | None = None


@route(router, "plans")
def plans(request: Request, actor: ActorDep) -> Response:
    data = PlansPage(plans=plans_service.list_plans(request.app.state.store, actor), can_add=can(actor, "plans.write"))
    return render.page(request, "plans.html", data, title="计划与文件")


@route(router, "api_plans", response_model=list[PlanView])
def api_plans(request: Request, actor: ActorDep) -> list[PlanView]:
    return plans_service.list_plans(request.app.state.store, actor)


async def _add(request: Request, actor, files: list[UploadFile] | None, plan: int | None) -> AddBatch:
    from starlette.concurrency import run_in_threadpool

    from innodrive.errors import InputError

    chosen = [f for f in (files or []) if getattr(f, "filename", None)]
    if not chosen:
        raise InputError("请选择要上传的政策文件", field="files")
    if len(chosen) > MAX_FILES:
        raise InputError(f"一次最多上传 {MAX_FILES} 个文件", field="files")
    uploads = []
    for f in chosen:
        name, data = await read_upload(f, allowed=DOCUMENTS, what="政策文件")
        uploads.append(Upload(name=name, data=data))
    return await run_in_threadpool(plans_service.add_documents, request.app.state.store, actor, uploads, plan_id=plan)


@route(router, "plans_add")
async def plans_add(request: Request, actor: ActorDep, files: Annotated[list[UploadFile] | None, File()] = None,
                    plan: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    batch = await _add(request, actor, files, plan)
    listing = await run_in_threadpool(plans_service.list_plans, request.app.state.store, actor)
    data = PlansPage(plans=listing, can_add=True, added=batch)
    return render.page(request, "plans.html", data, title="计划与文件")


@route(router, "api_plans_add", response_model=AddBatch)
async def api_plans_add(request: Request, actor: ActorDep, files: Annotated[list[UploadFile], File()],
                        plan: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None) -> AddBatch:
    return await _add(request, actor, files, plan)


def _plan_page(request: Request, actor, plan_id: Id, old: int | None, new: int | None) -> PlanPage:
    store = request.app.state.store
    detail = plans_service.show_plan(store, actor, str(plan_id))
    versions = [v.number for v in detail.plan.versions]
    diff = None
    if len(versions) > 1 or old is not None or new is not None:
        diff = plans_service.diff_plan(store, actor, str(plan_id), old=old, new=new)
    return PlanPage(detail=detail, versions=versions, diff=diff)


@route(router, "plan")
def plan(request: Request, actor: ActorDep, plan_id: Id, old: Annotated[int | None, Query(ge=1, le=10_000)] = None,
         new: Annotated[int | None, Query(ge=1, le=10_000)] = None) -> Response:
    data = _plan_page(request, actor, plan_id, old, new)
    return render.page(request, "plan.html", data, title=data.detail.plan.title or f"计划 #{plan_id}",
                       KIND_NAMES=KIND_NAMES)


@route(router, "api_plan", response_model=PlanDetail)
def api_plan(request: Request, actor: ActorDep, plan_id: Id) -> PlanDetail:
    return plans_service.show_plan(request.app.state.store, actor, str(plan_id))


@route(router, "api_plan_diff", response_model=PlanDiffView)
def api_plan_diff(request: Request, actor: ActorDep, plan_id: Id, old: Annotated[int | None, Query(ge=1, le=10_000)] = None,
                  new: Annotated[int | None, Query(ge=1, le=10_000)] = None) -> PlanDiffView:
    return plans_service.diff_plan(request.app.state.store, actor, str(plan_id), old=old, new=new)


def segments(view: DocumentView) -> list[Segment]:
    """The text cut at every mark boundary (and at carriage returns, which browsers drop),
    so that each piece knows its offset into the original text."""
    text = view.text
    cuts = {0, len(text)}
    for m in view.marks:
        cuts.update((m.start, m.end))
    cuts.update(i for i, ch in enumerate(text) if ch == "\r")
    cuts.update(i + 1 for i, ch in enumerate(text) if ch == "\r")
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    out = []
    for a, b in zip(points, points[1:], strict=False):
        piece = text[a:b]
        if not piece or piece == "\r":
            continue
        covering = [m for m in view.marks if m.start <= a and b <= m.end]
        target = next((m for m in covering if m.kind == "target"), None)
        out.append(Segment(start=a, text=piece, kinds=sorted({m.kind for m in covering}),
                           target=target.ref if target else None,
                           label="；".join(m.label for m in covering) or None))
    return out


def _document_page(request: Request, actor, plan_id: Id, version: int | None, message: str | None = None
                   ) -> DocumentPage:
    view = corrections_service.document(request.app.state.store, actor, plan_id, version=version)
    return DocumentPage(document=view, segments=segments(view),
                        can_correct=can(actor, "extraction.correct") and version in (None, view.versions[-1]),
                        message=message)


def _render_document(request: Request, page: DocumentPage) -> Response:
    title = f"{page.document.plan_title or page.document.file_name} · 原文"
    return render.page(request, "document.html", page, title=title, KIND_NAMES=KIND_NAMES, COMPARATORS=COMPARATORS)


@route(router, "plan_document")
def plan_document(request: Request, actor: ActorDep, plan_id: Id,
                  version: Annotated[int | None, Query(ge=1, le=10_000)] = None) -> Response:
    return _render_document(request, _document_page(request, actor, plan_id, version))


@route(router, "api_plan_document", response_model=DocumentView)
def api_plan_document(request: Request, actor: ActorDep, plan_id: Id,
                      version: Annotated[int | None, Query(ge=1, le=10_000)] = None) -> DocumentView:
    return corrections_service.document(request.app.state.store, actor, plan_id, version=version)


def _fields(form: dict[str, Any]) -> dict[str, Any]:
    """The target fields a correction form sent (empty optional fields become ``None``)."""
    from innodrive.plans.corrections import EDITABLE

    return {k: (v if v != "" else None) for k, v in form.items() if k in EDITABLE}


def _plan_of_target(request: Request, actor, target_id: Id) -> int:
    from innodrive.services.overview import plan_of_target

    return plan_of_target(request.app.state.store, actor, target_id)


@route(router, "target_correct")
async def target_correct(request: Request, actor: ActorDep, target_id: Id) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = dict((await request.form()).items())
    plan_id = await run_in_threadpool(_plan_of_target, request, actor, target_id)
    result = await run_in_threadpool(corrections_service.edit_target, request.app.state.store, actor, target_id,
                                     _fields(form))
    page = await run_in_threadpool(_document_page, request, actor, plan_id, None, f"已保存：{result.summary}")
    return _render_document(request, page)


@route(router, "target_reject")
def target_reject(request: Request, actor: ActorDep, target_id: Id) -> Response:
    plan_id = _plan_of_target(request, actor, target_id)
    result = corrections_service.reject_target(request.app.state.store, actor, target_id)
    return _render_document(request, _document_page(request, actor, plan_id, None, f"已删除：{result.summary}"))


@route(router, "plan_target_add")
async def plan_target_add(request: Request, actor: ActorDep, plan_id: Id) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = dict((await request.form()).items())
    start, end = _offset(form.get("start"), "start"), _offset(form.get("end"), "end")
    result = await run_in_threadpool(lambda: corrections_service.add_target(
        request.app.state.store, actor, plan_id, start=start, end=end, fields=_fields(form)))
    page = await run_in_threadpool(_document_page, request, actor, plan_id, None, f"已补充：{result.summary}")
    return _render_document(request, page)


def _offset(value, field: str) -> int:
    from innodrive.errors import InputError

    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise InputError("请先在原文中选中目标所在的文字", field=field) from None


class CorrectBody(BaseModel):
    fields: dict[str, Any]


class AddTargetBody(BaseModel):
    start: int
    end: int
    fields: dict[str, Any] = {}


@route(router, "api_target_correct", response_model=CorrectionResult)
def api_target_correct(request: Request, actor: ActorDep, target_id: Id, body: CorrectBody) -> CorrectionResult:
    return corrections_service.edit_target(request.app.state.store, actor, target_id, body.fields)


@route(router, "api_target_reject", response_model=CorrectionResult)
def api_target_reject(request: Request, actor: ActorDep, target_id: Id) -> CorrectionResult:
    return corrections_service.reject_target(request.app.state.store, actor, target_id)


@route(router, "api_plan_target_add", response_model=CorrectionResult)
def api_plan_target_add(request: Request, actor: ActorDep, plan_id: Id, body: AddTargetBody) -> CorrectionResult:
    return corrections_service.add_target(request.app.state.store, actor, plan_id, start=body.start, end=body.end,
                                          fields=body.fields)


@route(router, "corrections_gold")
def corrections_gold(request: Request, actor: ActorDep, plan: Annotated[list[Annotated[int, Query(ge=1, le=MAX_ID)]] | None, Query()] = None) -> Response:
    data = corrections_service.export_gold(request.app.state.store, actor, plan)
    return JSONResponse(data, headers={"Content-Disposition": "attachment; filename=corrected-gold.json"})
