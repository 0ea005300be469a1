"""The one error shape of the web face.

Whatever goes wrong, a person sees a clear Chinese message and never a traceback or
a blank page:

- ``/api/…`` answers the JSON shape of :meth:`InnodriveError.as_dict` with the
  error's HTTP status (documented in the OpenAPI document as :class:`ErrorBody`);
- an htmx request gets the message as a fragment that htmx puts into the page's
  message area (``#flash``), so the person stays on the page they were on;
- a page or a plain form post gets the page shell with the message and a way back;
  a visitor who must sign in is sent to the sign-in page and brought back after.

Errors that are not :class:`~innodrive.errors.InnodriveError` are bugs: the person
sees "内部错误" with a reference they can quote, and the traceback goes to the log.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from innodrive.errors import InnodriveError, InputError, NotAuthenticated, Problem, ValidationFailed

log = logging.getLogger("innodrive.web")


class ProblemBody(BaseModel):
    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None


class ErrorBody(BaseModel):
    """What every refused or failed API call answers."""

    error: str
    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    problems: list[ProblemBody] = []


API_ERROR_RESPONSES = {status: {"model": ErrorBody, "description": text} for status, text in (
    (400, "输入有误"), (401, "未登录或令牌无效"), (403, "无权操作"), (404, "对象不存在"), (409, "冲突"),
    (413, "上传文件过大"), (422, "数据校验未通过（逐行列出问题）"), (429, "尝试次数过多"), (503, "数据库忙或不可用"))}

HTTP_MESSAGES = {404: "页面或对象不存在", 405: "不支持该请求方式", 413: "上传文件过大",
                 400: "请求格式不正确"}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def respond(request: Request, exc: InnodriveError) -> Response:
    response = _respond(request, exc)
    refusal = getattr(exc, "refusal", None)
    if refusal:
        response.headers["X-Innodrive-Refusal"] = refusal
    return response


def _respond(request: Request, exc: InnodriveError) -> Response:
    status = exc.http_status
    if _is_api(request):
        return JSONResponse(exc.as_dict(), status_code=status)
    if isinstance(exc, NotAuthenticated) and request.method == "GET" and not _is_htmx(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    from innodrive.web import render

    if _is_htmx(request):
        html = render.fragment("_flash.html", level="error", message=str(exc), problems=[str(p) for p in exc.problems])
        # HX-Reselect: a form that swaps a part of a full page (hx-select="#main") would
        # otherwise select nothing from this fragment and show an empty message
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML", "HX-Reselect": ".notice"}
        if isinstance(exc, NotAuthenticated):
            headers = {"HX-Redirect": "/login"}
        return HTMLResponse(html, status_code=status, headers=headers)
    return render.error_page(request, exc, status)


def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header", "cookie")]
        problems.append(Problem(message=_pydantic_message(e), field=".".join(loc) or None))
    first = problems[0] if problems else Problem(message="请求参数不正确")
    error = ValidationFailed(f"参数{('「' + first.field + '」') if first.field else ''}不正确：{first.message}",
                             field=first.field, problems=problems)
    return respond(request, error)


def _pydantic_message(e: dict) -> str:
    kind = e.get("type", "")
    ctx = e.get("ctx") or {}
    if kind == "missing":
        return "缺少必填项"
    if kind.startswith("int") or kind.startswith("float"):
        return "应为数字"
    if kind.startswith("date"):
        return "应为日期 YYYY-MM-DD"
    if kind.startswith("bool"):
        return "应为是或否"
    if kind == "string_too_long":
        return f"过长（最多 {ctx.get('max_length')} 个字符）"
    if kind in ("enum", "literal_error"):
        return f"取值不在允许范围内（{ctx.get('expected', '')}）"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return "超出允许范围"
    return "格式不正确"


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    message = HTTP_MESSAGES.get(exc.status_code, "请求无法处理")
    error = InputError(message, http_status=exc.status_code)
    if exc.status_code == 404:
        from innodrive.errors import NotFound

        error = NotFound(message)
    response = respond(request, error)
    if exc.status_code == 405 and exc.headers:
        response.headers.update(exc.headers)
    return response


def _internal_error(request: Request, exc: Exception) -> Response:
    from innodrive import settings

    reference = secrets.token_hex(4)
    log.error("internal error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
    if settings.debug():
        raise exc
    error = InnodriveError(f"内部错误（编号 {reference}）：请求未能完成。请把编号告知管理员。",
                           http_status=500)
    return respond(request, error)


def install(app: FastAPI) -> None:
    app.add_exception_handler(InnodriveError, respond)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
