"""数据: upload a table of statistics, see the dry run (what would be added or revised,
every bad row with its row and column), confirm; browse a region's indicator with its
sources and revisions; download the import template.

The uploaded file waits for confirmation in the database (any worker can finish the
import); confirming imports exactly the bytes that were previewed, all or nothing.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive.blobs import Upload
from innodrive.errors import ValidationFailed
from innodrive.services import accounts
from innodrive.services import data as data_service
from innodrive.services import links as links_service
from innodrive.services.access import can
from innodrive.services.data import ImportOutcome, SeriesView
from innodrive.services.overview import ImportLine, recent_imports
from innodrive.web import render
from innodrive.web.guard import ActorDep, make_router, route
from innodrive.web.uploads import TABLES, read_upload

router = make_router()
KIND = "import"


class DataPage(BaseModel):
    can_import: bool
    imports: list[ImportLine]
    indicators: list[tuple[str, str]]
    region: str
    indicator: str
    series: SeriesView | None = None


class PreviewPage(BaseModel):
    """The dry run of an upload: ``staged_id`` confirms it; ``problems`` refuse it."""

    file: str
    staged_id: str | None
    outcome: ImportOutcome | None
    message: str | None
    problems: list[str]


class ImportedPage(BaseModel):
    outcome: ImportOutcome


def _data_page(request: Request, actor, region: str = "", indicator: str = "") -> DataPage:
    store = request.app.state.store
    series = None
    if region and indicator:
        series = data_service.series(store, actor, region=region, indicator=indicator)
    return DataPage(can_import=can(actor, "data.import"),
                    imports=recent_imports(store, actor, region_code=actor.region_code, limit=10),
                    indicators=[(i.code, i.name) for i in links_service.indicators(actor)],
                    region=region or (render.scope_label(actor) or "").split("，")[0], indicator=indicator,
                    series=series)


@route(router, "data")
def data(request: Request, actor: ActorDep, region: Annotated[str, Query(max_length=100)] = "",
         indicator: Annotated[str, Query(max_length=100)] = "") -> Response:
    return render.page(request, "data.html", _data_page(request, actor, region, indicator), title="数据")


@route(router, "api_series", response_model=SeriesView)
def api_series(request: Request, actor: ActorDep, region: Annotated[str, Query(max_length=100)],
               indicator: Annotated[str, Query(max_length=100)]) -> SeriesView:
    return data_service.series(request.app.state.store, actor, region=region, indicator=indicator)


@route(router, "data_template")
def data_template(request: Request, actor: ActorDep) -> Response:
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.reports.workbooks import import_template

    name = "统计数据导入模板.xlsx"
    return Response(import_template(list(load_catalogue())),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _preview(request: Request, actor, name: str, content: bytes) -> PreviewPage:
    store = request.app.state.store
    try:
        outcome = data_service.import_table(store, actor, Upload(name=name, data=content), dry_run=True)
    except ValidationFailed as exc:
        return PreviewPage(file=name, staged_id=None, outcome=None, message=exc.message,
                           problems=[str(p) for p in exc.problems])
    staged = accounts.stage_upload(store, actor, kind=KIND, file_name=name, content=content) if outcome.total_changes else None
    return PreviewPage(file=name, staged_id=staged, outcome=outcome, message=None, problems=[])


@route(router, "data_preview")
async def data_preview(request: Request, actor: ActorDep,
                       file: Annotated[UploadFile | None, File()] = None) -> Response:
    from starlette.concurrency import run_in_threadpool

    name, content = await read_upload(file, allowed=TABLES, what="统计数据表")
    page = await run_in_threadpool(_preview, request, actor, name, content)
    return render.page(request, "data_preview.html", page, title="导入预览",
                       status_code=422 if page.problems else 200)


def _confirm(request: Request, actor, staged_id: str) -> ImportOutcome:
    store = request.app.state.store
    staged = accounts.staged_upload(store, actor, staged_id, kind=KIND)
    outcome = data_service.import_table(store, actor, Upload(name=staged.file_name, data=staged.content))
    accounts.drop_staged(store, actor, staged_id)
    return outcome


@route(router, "data_import")
def data_import(request: Request, actor: ActorDep, staged_id: Annotated[str, Form(max_length=32)] = "") -> Response:
    page = ImportedPage(outcome=_confirm(request, actor, staged_id))
    return render.page(request, "data_imported.html", page, title="导入完成")


@route(router, "api_data_import", response_model=ImportOutcome)
async def api_data_import(request: Request, actor: ActorDep, file: Annotated[UploadFile, File()],
                          dry_run: Annotated[bool, Query()] = False) -> ImportOutcome:
    from starlette.concurrency import run_in_threadpool

    name, content = await read_upload(file, allowed=TABLES, what="统计数据表")
    return await run_in_threadpool(lambda: data_service.import_table(
        request.app.state.store, actor, Upload(name=name, data=content), dry_run=dry_run))
