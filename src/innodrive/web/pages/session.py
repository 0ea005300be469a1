"""Signing in and out, one's own account, and the front door (``/``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from innodrive.errors import InnodriveError
from innodrive.services import accounts
from innodrive.services.actor import ROLE_NAMES, Role
from innodrive.web import render
from innodrive.web.guard import SESSION_COOKIE, ActorDep, CallerDep, client_ip, make_router, route

router = make_router()


class LoginPage(BaseModel):
    next: str
    message: str | None = None
    username: str = ""


class AccountPage(BaseModel):
    username: str
    name: str
    role_name: str
    scope: str | None
    message: str | None = None


class Me(BaseModel):
    """The account a token or session acts as."""

    username: str
    name: str
    role: Role
    role_name: str
    region_code: str | None
    unit: str | None


def safe_next(target: str | None) -> str:
    """Only a path on this site (no ``//host`` or ``http:``) may be the place to return to."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _redirect(request: Request, to: str) -> Response:
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": to})
    return RedirectResponse(to, status_code=303)


@route(router, "home")
def home(request: Request, caller: CallerDep) -> Response:
    if caller.how != "session":
        return RedirectResponse("/public", status_code=303)
    nav = render.navigation(caller.actor, "/")
    return RedirectResponse(nav[0].href if nav else "/account", status_code=303)


@route(router, "login_form")
def login_form(request: Request, caller: CallerDep, next: str = "/") -> Response:
    if caller.how == "session":
        return RedirectResponse(safe_next(next), status_code=303)
    return render.page(request, "login.html", LoginPage(next=safe_next(next)), title="登录")


@route(router, "login")
async def login(request: Request, username: Annotated[str, Form(max_length=100)] = "",
                password: Annotated[str, Form(max_length=256)] = "",
                next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    store = request.app.state.store
    try:
        signed = await run_in_threadpool(accounts.sign_in, store, username=username, password=password,
                                         ip=client_ip(request))
    except InnodriveError as exc:
        data = LoginPage(next=safe_next(next), message=str(exc), username=username)
        return render.page(request, "login.html", data, title="登录", status_code=exc.http_status)
    response = _redirect(request, safe_next(next))
    from innodrive import settings

    response.set_cookie(SESSION_COOKIE, signed.token, max_age=max(1, settings.int_setting("session_hours")) * 3600,
                        httponly=True, samesite="lax", secure=settings.flag("secure_cookie"), path="/")
    return response


@route(router, "logout")
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.sign_out(request.app.state.store, token)
    response = _redirect(request, "/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account_page(actor, message: str | None = None) -> AccountPage:
    return AccountPage(username=actor.username, name=actor.name, role_name=ROLE_NAMES[actor.role],
                       scope=render.scope_label(actor), message=message)


@route(router, "account")
def account(request: Request, actor: ActorDep) -> Response:
    return render.page(request, "account.html", _account_page(actor), title="我的账号")


@route(router, "account_password")
def account_password(request: Request, actor: ActorDep, old_password: Annotated[str, Form(max_length=256)] = "",
                     new_password: Annotated[str, Form(max_length=256)] = "",
                     confirm: Annotated[str, Form(max_length=256)] = "") -> Response:
    from innodrive.errors import InputError

    if new_password != confirm:
        raise InputError("两次输入的新密码不一致", field="confirm")
    accounts.change_own_password(request.app.state.store, actor, old_password, new_password)
    return render.page(request, "account.html", _account_page(actor, "密码已修改"), title="我的账号")


@route(router, "api_me", response_model=Me)
def api_me(actor: ActorDep) -> Me:
    return Me(username=actor.username, name=actor.name, role=actor.role, role_name=ROLE_NAMES[actor.role],
              region_code=actor.region_code, unit=actor.unit)


