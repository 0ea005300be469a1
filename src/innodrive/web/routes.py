"""Every route of the workbench, declared in one table with the right it needs.

A route's handler is registered by name (:func:`innodrive.web.guard.route`) and takes
its method, path and permission from :data:`ROUTES`; a request to a route that is
not in this table is refused. The permission is one of
:data:`innodrive.services.access.PERMISSIONS`: the guard checks the role here
(before any work), the services check the region and unit scope of what is touched.
``tests/web/test_role_matrix.py`` walks every route × every role against this table.

Kinds: ``page`` (an HTML page, GET), ``action`` (a form or htmx post, answers with
HTML or a redirect), ``file`` (a download), ``api`` (JSON under ``/api/v1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["page", "action", "file", "api"]


@dataclass(frozen=True)
class Rule:
    name: str
    method: str
    path: str
    permission: str
    kind: Kind
    title: str = ""


def _rules(*rules: Rule) -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for r in rules:
        assert r.name not in table, r.name
        table[r.name] = r
    return table


R = Rule
ROUTES: dict[str, Rule] = _rules(
    # -- signing in, one's own account, the public summary ---------------------------------
    R("home", "GET", "/", "public.read", "page", "首页"),
    R("login_form", "GET", "/login", "public.read", "page", "登录"),
    R("login", "POST", "/login", "public.read", "action", "登录"),
    R("logout", "POST", "/logout", "account.self", "action", "退出登录"),
    R("account", "GET", "/account", "account.self", "page", "我的账号"),
    R("account_password", "POST", "/account/password", "account.self", "action", "修改密码"),
    R("public_summary", "GET", "/public", "public.read", "page", "公开摘要"),
    R("publish", "POST", "/public/publish", "public.publish", "action", "发布公开摘要"),
    R("withdraw", "POST", "/public/{summary_id}/withdraw", "public.publish", "action", "撤回公开摘要"),
    # -- administration ---------------------------------------------------------------------
    R("admin_users", "GET", "/admin/users", "users.manage", "page", "账号管理"),
    R("admin_user_add", "POST", "/admin/users", "users.manage", "action", "新增账号"),
    R("admin_user_active", "POST", "/admin/users/{username}/active", "users.manage", "action", "停用或启用账号"),
    R("admin_user_password", "POST", "/admin/users/{username}/password", "users.manage", "action", "重设密码"),
    R("admin_user_token", "POST", "/admin/users/{username}/token", "users.manage", "action", "发放接口令牌"),
    # -- JSON API ---------------------------------------------------------------------------
    R("api_me", "GET", "/api/v1/me", "account.self", "api", "当前账号"),
    R("api_public", "GET", "/api/v1/public", "public.read", "api", "公开摘要"),
    R("api_publish", "POST", "/api/v1/public", "public.publish", "api", "发布公开摘要"),
    R("api_users", "GET", "/api/v1/users", "users.manage", "api", "账号列表"),
)

# Routes FastAPI and the static files serve themselves; open to everyone, they hold no data.
FRAMEWORK_ROUTES: dict[str, str] = {
    "/openapi.json": "public.read",
    "/docs": "public.read",
    "/static": "public.read",
    "/healthz": "public.read",
}


def rule(name: str) -> Rule:
    try:
        return ROUTES[name]
    except KeyError:
        raise KeyError(f"route {name!r} is not declared in innodrive.web.routes.ROUTES") from None
