"""产业链图谱 pages over :mod:`innodrive.services.chains`: the list, a chain as a tree with
its enterprises (verdicts, 链主), platforms, targets and gaps, the import (preview with
every bad row named, then confirm), the XLSX template and export, and taking an
enterprise off a chain. Reading is every signed-in role's; changing is the office's.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from innodrive.chains.models import ChainView
from innodrive.services import accounts
from innodrive.services import chains as service
from innodrive.services.access import can
from innodrive.web import chain_graph, render
from innodrive.web.guard import ActorDep, make_router, route
from innodrive.web.uploads import read_upload

router = make_router()
KIND = "chain"
CHAIN_FILES = (".yaml", ".yml", ".xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ChainsPage(BaseModel):
    chains: list[service.ChainSummary]
    can_write: bool


class PreviewPage(BaseModel):
    id: str
    file: str
    result: service.ImportResult


class ChainPage(BaseModel):
    chain: ChainView
    gaps: list[str]
    tree: dict
    can_write: bool


def _download(body: bytes, name: str) -> Response:
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@route(router, "chains")
def chains(request: Request, actor: ActorDep) -> Response:
    data = ChainsPage(chains=service.list_chains(request.app.state.store, actor), can_write=can(actor, "chains.write"))
    return render.page(request, "chains.html", data, title="产业链图谱")


@route(router, "chains_template")
def chains_template(request: Request, actor: ActorDep) -> Response:
    return _download(service.template_workbook(actor), "产业链导入模板.xlsx")


@route(router, "chains_preview")
async def chains_preview(request: Request, actor: ActorDep,
                         file: Annotated[UploadFile | None, File()] = None) -> Response:
    name, data = await read_upload(file, allowed=CHAIN_FILES, what="产业链文件")
    store = request.app.state.store
    result = await run_in_threadpool(service.preview_chain, store, actor, data, file_name=name)
    staged_id = await run_in_threadpool(accounts.stage_upload, store, actor, kind=KIND, file_name=name, content=data)
    return render.page(request, "chain_preview.html", PreviewPage(id=staged_id, file=name, result=result),
                       title="产业链导入预览")


@route(router, "chains_import")
def chains_import(request: Request, actor: ActorDep, staged_id: Annotated[str, Form(max_length=64)] = "") -> Response:
    store = request.app.state.store
    staged = accounts.staged_upload(store, actor, staged_id, kind=KIND)
    result = service.import_chain(store, actor, staged.content, file_name=staged.file_name)
    accounts.drop_staged(store, actor, staged.id)
    target = f"/chains/{result.key}"
    return Response(status_code=303, headers={"Location": target, "HX-Redirect": target})


def _chain_page(request: Request, actor, key: str) -> ChainPage:
    from innodrive.chains.export import gap_text

    v = service.show_chain(request.app.state.store, actor, key)
    return ChainPage(chain=v, gaps=[f"{n.name}（{n.segment}）：{gap_text(n)}" for n in v.gaps],
                     tree=chain_graph.tree_option(v, link=f"/chains/{v.key}"),
                     can_write=can(actor, "chains.write", region_code=v.region_code))


@route(router, "chain")
def chain(request: Request, actor: ActorDep, key: str) -> Response:
    data = _chain_page(request, actor, key)
    from innodrive.chains.export import PROGRAMME_NAMES, STATE_NAMES

    return render.page(request, "chain.html", data, title=f"产业链图谱 · {data.chain.name}",
                       PROGRAMMES=PROGRAMME_NAMES, STATES=STATE_NAMES)


@route(router, "chain_xlsx")
def chain_xlsx(request: Request, actor: ActorDep, key: str) -> Response:
    return _download(*service.chain_workbook(request.app.state.store, actor, key))


@route(router, "chain_detach")
def chain_detach(request: Request, actor: ActorDep, key: str,
                 credit_code: Annotated[str, Form(max_length=40)] = "",
                 node: Annotated[str | None, Form(max_length=80)] = None) -> Response:
    service.detach_enterprise(request.app.state.store, actor, key, credit_code.strip(), node=node or None)
    target = f"/chains/{key}"
    return Response(status_code=303, headers={"Location": target, "HX-Redirect": target})


# --------------------------------------------------------------------------- JSON API


class DetachResult(BaseModel):
    key: str
    credit_code: str
    removed: int


@route(router, "api_chains", response_model=list[service.ChainSummary])
def api_chains(request: Request, actor: ActorDep) -> list[service.ChainSummary]:
    return service.list_chains(request.app.state.store, actor)


@route(router, "api_chain", response_model=ChainView)
def api_chain(request: Request, actor: ActorDep, key: str) -> ChainView:
    return service.show_chain(request.app.state.store, actor, key)


@route(router, "api_chains_import", response_model=service.ImportResult)
async def api_chains_import(request: Request, actor: ActorDep, file: Annotated[UploadFile | None, File()] = None,
                            dry_run: Annotated[bool, Form()] = False) -> service.ImportResult:
    name, data = await read_upload(file, allowed=CHAIN_FILES, what="产业链文件")
    use = service.preview_chain if dry_run else service.import_chain
    return await run_in_threadpool(use, request.app.state.store, actor, data, file_name=name)


@route(router, "api_chain_detach", response_model=DetachResult)
def api_chain_detach(request: Request, actor: ActorDep, key: str,
                     credit_code: Annotated[str, Form(max_length=40)] = "",
                     node: Annotated[str | None, Form(max_length=80)] = None) -> DetachResult:
    n = service.detach_enterprise(request.app.state.store, actor, key, credit_code.strip(), node=node or None)
    return DetachResult(key=key, credit_code=credit_code.strip(), removed=n)
