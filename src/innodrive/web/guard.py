"""Who is asking, may they, and did the request come from our own pages.

Every request passes :func:`guard` before its handler runs:

1. the actor: an API token (``Authorization: Bearer …``, for ``/api/v1`` only), else
   the session cookie, else the public;
2. the route's permission from :data:`innodrive.web.routes.ROUTES` (role only; the
   services check region and unit scope): the public is asked to sign in (401), a
   signed-in person without the right is refused (403);
3. for a change (POST …) made with a cookie, the CSRF token: the session's own token
   for a signed-in person, the ``innodrive_csrf`` cookie's for the sign-in form; it
   must come back in the ``X-CSRF-Token`` header (htmx sends it on every request) or
   the ``csrf_token`` form field. A request authenticated by an API token carries no
   cookie and needs none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from innodrive.accounts import secrets
from innodrive.errors import Forbidden, NotAuthenticated
from innodrive.services import access
from innodrive.services.actor import Actor
from innodrive.web.routes import ROUTES, Rule

SESSION_COOKIE = "innodrive_session"
CSRF_COOKIE = "innodrive_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class Caller:
    """What the guard learnt about a request: the actor, how it authenticated and the
    CSRF token its pages must carry."""

    def __init__(self, actor: Actor, how: str, csrf: str) -> None:
        self.actor = actor
        self.how = how  # "token", "session" or "anonymous"
        self.csrf = csrf


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _resolve(store, request: Request) -> Caller:
    """Who is asking; on the way, the database version the page caches are keyed by
    (read in the same statement as the session: both are on every request's path)."""
    from innodrive.services import accounts

    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer " and request.url.path.startswith("/api/"):
        request.state.db_version, _ = accounts.session_and_version(store, None)
        actor = accounts.token_actor(store, header[7:].strip())
        if actor is None:
            raise NotAuthenticated("接口令牌无效、已过期或已吊销")
        return Caller(actor, "token", "")
    request.state.db_version, found = accounts.session_and_version(store, request.cookies.get(SESSION_COOKIE))
    if found is not None:
        return Caller(found[0], "session", found[1])
    anon = request.cookies.get(CSRF_COOKIE) or ""
    if not anon or len(anon) > 100:
        anon = getattr(request.state, "new_csrf", "") or secrets.new_token()
        request.state.new_csrf = anon  # set as a cookie on the response (see app middleware)
    return Caller(Actor.public(), "anonymous", anon)


async def _submitted_csrf(request: Request) -> str:
    sent = request.headers.get(CSRF_HEADER)
    if sent:
        return sent
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def _refuse_nul(request: Request) -> None:
    """A NUL character is never meaningful in a form, a query or a name, and PostgreSQL
    cannot store one in text: refuse it before anything reads it (found by fuzzing)."""
    from innodrive.errors import InputError

    def bad(values) -> bool:
        return any(isinstance(v, str) and "\x00" in v for v in values)

    if bad(request.query_params.values()) or bad(request.path_params.values()):
        raise InputError("请求参数含有空字符（\\0），已拒绝", http_status=400)
    if request.method in UNSAFE:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            if bad((await request.form()).values()):
                raise InputError("表单内容含有空字符（\\0），已拒绝", http_status=400)
        elif b"\\u0000" in await request.body():
            raise InputError("请求内容含有空字符（\\u0000），已拒绝", http_status=400)


async def guard(request: Request) -> None:
    """The check every declared route runs first (see the module docstring)."""
    await _refuse_nul(request)
    route = request.scope.get("route")
    rule: Rule | None = ROUTES.get(getattr(route, "name", ""))
    if rule is None:  # a handler registered without a line in the table
        raise Forbidden("该地址未在权限表中登记，已拒绝访问")
    store = request.app.state.store
    # one indexed read by primary key (WAL readers and PostgreSQL readers never wait for
    # a writer): cheaper on the event loop than a hop to the thread pool and back
    caller = _resolve(store, request)
    request.state.caller = caller
    if not access.can(caller.actor, rule.permission):
        if caller.how == "anonymous":
            raise _refusal(NotAuthenticated("请先登录"), "role")
        raise _refusal(Forbidden(f"{caller.actor.display}无权{access.label(rule.permission)}"), "role")
    if request.method in UNSAFE and caller.how != "token":
        sent = await _submitted_csrf(request)
        if caller.how == "anonymous" and not request.cookies.get(CSRF_COOKIE):
            raise _refusal(Forbidden("页面已过期或来源不明（缺少防伪令牌），请刷新页面后重试"), "csrf")
        if not sent or not caller.csrf or not secrets.same(sent, caller.csrf):
            raise _refusal(Forbidden("页面已过期或来源不明（防伪令牌不符），请刷新页面后重试"), "csrf")


REFUSAL_HEADER = "X-Innodrive-Refusal"


def _refusal(exc, why: str):
    """Mark a refusal by the guard (``role`` or ``csrf``): the response carries it in
    :data:`REFUSAL_HEADER`, so a client (and the role-matrix test) can tell "you may not"
    from "the handler found your input wanting"."""
    exc.refusal = why
    return exc


# coroutines, so that FastAPI calls them on the event loop: a plain function dependency
# would cost every request a hop to the thread pool and back
async def current_caller(request: Request) -> Caller:
    return request.state.caller


async def current_actor(request: Request) -> Actor:
    return request.state.caller.actor


ActorDep = Annotated[Actor, Depends(current_actor)]
CallerDep = Annotated[Caller, Depends(current_caller)]


def make_router() -> APIRouter:
    return APIRouter(dependencies=[Depends(guard)])


def route(router: APIRouter, name: str, **options) -> Callable:
    """Register the decorated handler as the declared route ``name``."""
    r = ROUTES[name]

    def decorate(fn: Callable) -> Callable:
        from fastapi.responses import HTMLResponse

        kwargs = dict(options)
        if r.kind != "api":
            kwargs.setdefault("include_in_schema", False)
            kwargs.setdefault("response_class", HTMLResponse)
        else:
            from innodrive.web.errors import API_ERROR_RESPONSES

            kwargs.setdefault("responses", API_ERROR_RESPONSES)
            kwargs.setdefault("summary", r.title)
        router.add_api_route(r.path, fn, methods=[r.method], name=name, **kwargs)
        return fn

    return decorate


MAX_ID = 2_147_483_647  # the largest id a database integer column holds on every backend
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Index = Annotated[int, Path(ge=0, le=MAX_ID)]  # a position in a list (0 is the first)
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]  # rows skipped before a page; bounded so no database sees a larger integer
