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
    # -- 总览, 目标看板, one target ----------------------------------------------------------------
    R("overview", "GET", "/overview", "board.read", "page", "总览"),
    R("board", "GET", "/board", "board.read", "page", "目标看板"),
    R("target", "GET", "/targets/{target_id}", "board.read", "page", "目标详情"),
    R("target_link", "POST", "/targets/{target_id}/link", "links.write", "action", "指定目录指标"),
    R("api_overview", "GET", "/api/v1/overview", "board.read", "api", "总览"),
    R("api_board", "GET", "/api/v1/board", "board.read", "api", "目标看板"),
    R("api_target", "GET", "/api/v1/targets/{target_id}", "board.read", "api", "目标详情"),
    R("api_target_link", "POST", "/api/v1/targets/{target_id}/link", "links.write", "api", "指定目录指标"),
    # -- 企业培育 -----------------------------------------------------------------------------
    R("enterprises", "GET", "/enterprises", "enterprises.screen", "page", "企业培育"),
    R("enterprises_screen", "POST", "/enterprises/screenings", "enterprises.screen", "action", "筛选企业登记表"),
    R("enterprises_screening", "GET", "/enterprises/screenings/{staged_id}", "enterprises.screen", "page",
      "筛选结果"),
    R("enterprises_result", "GET", "/enterprises/screenings/{staged_id}/result.xlsx", "enterprises.screen", "file",
      "下载筛选结果"),
    R("enterprises_explain", "GET", "/enterprises/screenings/{staged_id}/enterprises/{code}", "enterprises.screen",
      "page", "逐条解释一家企业"),
    R("enterprises_funnel", "GET", "/enterprises/funnel", "enterprises.screen", "page", "培育漏斗"),
    R("enterprises_funnel_import", "POST", "/enterprises/funnel", "enterprises.screen", "action", "导入培育台账"),
    # -- JSON API ---------------------------------------------------------------------------
    R("api_enterprises_screen", "POST", "/api/v1/enterprises/screenings", "enterprises.screen", "api",
      "筛选企业登记表（上传 CSV/XLSX）"),
    R("api_enterprises_screening", "GET", "/api/v1/enterprises/screenings/{staged_id}", "enterprises.screen", "api",
      "筛选结果"),
    R("api_enterprises_explain", "GET", "/api/v1/enterprises/screenings/{staged_id}/enterprises/{code}",
      "enterprises.screen", "api", "逐条解释一家企业"),
    R("api_enterprises_funnel", "GET", "/api/v1/enterprises/funnel", "enterprises.screen", "api", "培育漏斗"),
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
