"""账号管理 (管理员): accounts, passwords, API tokens — over :mod:`innodrive.services.accounts`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from innodrive.services import accounts
from innodrive.services.accounts import ACCOUNT_ROLES, IssuedToken, UserView
from innodrive.services.actor import ROLE_NAMES
from innodrive.web import render
from innodrive.web.guard import ActorDep, make_router, route

router = make_router()


class UsersPage(BaseModel):
    users: list[UserView]
    roles: list[str]
    message: str | None = None
    issued: IssuedToken | None = None


def _page(request: Request, actor, *, message: str | None = None, issued: IssuedToken | None = None) -> Response:
    data = UsersPage(users=accounts.list_users(request.app.state.store, actor),
                     roles=[ROLE_NAMES[r] for r in ACCOUNT_ROLES], message=message, issued=issued)
    template = "admin_users.html" if request.headers.get("hx-request") != "true" else "_admin_users_body.html"
    return render.page(request, template, data, title="账号管理")


@route(router, "admin_users")
def admin_users(request: Request, actor: ActorDep) -> Response:
    return _page(request, actor)


@route(router, "admin_user_add")
def admin_user_add(request: Request, actor: ActorDep, username: Annotated[str, Form(max_length=100)] = "",
                   name: Annotated[str, Form(max_length=100)] = "", role: Annotated[str, Form(max_length=20)] = "",
                   region: Annotated[str, Form(max_length=100)] = "", unit: Annotated[str, Form(max_length=100)] = "",
                   password: Annotated[str, Form(max_length=256)] = "") -> Response:
    view = accounts.add_user(request.app.state.store, actor, username=username, password=password, role=role,
                             name=name, region=region or None, unit=unit or None)
    return _page(request, actor, message=f"已新增账号 {view.username}（{view.role_name}）")


@route(router, "admin_user_active")
def admin_user_active(request: Request, actor: ActorDep, username: str,
                      active: Annotated[bool, Form()] = False) -> Response:
    accounts.set_active(request.app.state.store, actor, username, active)
    return _page(request, actor, message=f"已{'启用' if active else '停用'}账号 {username}")


@route(router, "admin_user_password")
def admin_user_password(request: Request, actor: ActorDep, username: str,
                        password: Annotated[str, Form(max_length=256)] = "") -> Response:
    accounts.reset_password(request.app.state.store, actor, username, password)
    return _page(request, actor, message=f"已重设账号 {username} 的密码")


@route(router, "admin_user_token")
def admin_user_token(request: Request, actor: ActorDep, username: str,
                     label: Annotated[str, Form(max_length=100)] = "",
                     days: Annotated[int, Form(ge=1, le=3650)] = 365) -> Response:
    issued = accounts.issue_token(request.app.state.store, actor, username, label=label, days=days)
    return _page(request, actor, message=f"已为账号 {username} 发放接口令牌（只显示这一次）", issued=issued)


@route(router, "api_users", response_model=list[UserView])
def api_users(request: Request, actor: ActorDep) -> list[UserView]:
    return accounts.list_users(request.app.state.store, actor)
