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
    # -- 揭榜挂帅 and S&T projects (innodrive.web.pages.projects) ------------------------------
    R("projects", "GET", "/projects", "projects.read", "page", "科技项目"),
    R("projects_call_add", "POST", "/projects/calls", "projects.calls.write", "action", "发布榜单"),
    R("projects_call", "GET", "/projects/calls/{code}", "projects.read", "page", "榜单"),
    R("projects_apply_form", "GET", "/projects/calls/{code}/apply", "projects.apply", "page", "代录申报"),
    R("projects_apply", "POST", "/projects/calls/{code}/apply", "projects.apply", "action", "代录申报"),
    R("projects_assign", "POST", "/projects/calls/{code}/assign", "projects.assign", "action", "分配评审专家"),
    R("projects_publicity_open", "POST", "/projects/calls/{code}/publicity", "projects.decide", "action", "发布公示"),
    R("projects_publicity_close", "POST", "/projects/calls/{code}/publicity/close", "projects.decide", "action",
      "结束公示"),
    R("projects_objection_add", "POST", "/projects/calls/{code}/objections", "projects.decide", "action", "登记异议"),
    R("projects_objection_handle", "POST", "/projects/objections/{number}", "projects.decide", "action", "处理异议"),
    R("projects_application", "GET", "/projects/applications/{code}", "projects.read", "page", "申报"),
    R("projects_recheck", "POST", "/projects/applications/{code}/recheck", "projects.apply", "action", "重新审查资格"),
    R("projects_select", "POST", "/projects/applications/{code}/select", "projects.decide", "action", "确定拟立项"),
    R("projects_second_look", "POST", "/projects/applications/{code}/second-look", "projects.decide", "action",
      "记录复议结论"),
    R("projects_contract_sign", "POST", "/projects/applications/{code}/contract", "projects.contracts", "action",
      "签订合同"),
    R("projects_attachment", "GET", "/projects/attachments/{number}", "projects.read", "file", "下载附件"),
    R("projects_recuse", "POST", "/projects/assignments/{number}/recuse", "projects.assign", "action", "办理回避"),
    R("projects_sheet", "POST", "/projects/assignments/{number}/sheet", "projects.scores.enter", "action",
      "代录纸质评分表"),
    R("projects_experts", "GET", "/projects/experts", "projects.experts.manage", "page", "评审专家库"),
    R("projects_experts_upload", "POST", "/projects/experts", "projects.experts.manage", "action", "登记评审专家"),
    R("projects_project", "GET", "/projects/contracts/{code}", "projects.read", "page", "项目"),
    R("projects_check", "POST", "/projects/contracts/{code}/milestones/{index}/check", "projects.contracts", "action",
      "节点验收"),
    R("projects_pay", "POST", "/projects/contracts/{code}/milestones/{index}/pay", "projects.contracts", "action",
      "拨付资金"),
    R("projects_output", "POST", "/projects/contracts/{code}/outputs", "projects.outputs", "action", "登记成果"),
    R("reviews", "GET", "/reviews", "projects.review", "page", "我的评审"),
    R("review", "GET", "/reviews/{number}", "projects.review", "page", "评审"),
    R("review_score", "POST", "/reviews/{number}", "projects.review", "action", "提交评分"),
    R("review_recuse", "POST", "/reviews/{number}/recuse", "projects.review", "action", "申请回避"),
    R("review_attachment", "GET", "/reviews/{number}/attachments/{index}", "projects.review", "file", "下载附件"),
    R("publicity", "GET", "/publicity", "public.read", "page", "立项公示"),
    # -- JSON API ---------------------------------------------------------------------------
    R("api_me", "GET", "/api/v1/me", "account.self", "api", "当前账号"),
    R("api_public", "GET", "/api/v1/public", "public.read", "api", "公开摘要"),
    R("api_publish", "POST", "/api/v1/public", "public.publish", "api", "发布公开摘要"),
    R("api_users", "GET", "/api/v1/users", "users.manage", "api", "账号列表"),
    R("api_project_calls", "GET", "/api/v1/projects/calls", "projects.read", "api", "榜单列表"),
    R("api_project_ranking", "GET", "/api/v1/projects/calls/{code}/ranking", "projects.read", "api", "评审排名"),
    R("api_project_board", "GET", "/api/v1/projects/board", "projects.read", "api", "项目看板"),
    R("api_reviews", "GET", "/api/v1/reviews", "projects.review", "api", "我的评审任务"),
    R("api_review_score", "POST", "/api/v1/reviews/{number}", "projects.review", "api", "提交评分"),
    R("api_publicity", "GET", "/api/v1/publicity", "public.read", "api", "立项公示"),
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
