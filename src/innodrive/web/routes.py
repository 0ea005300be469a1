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
    # -- talent one-stop service (innodrive.web.pages.talent) --------------------------------
    R("talent_list", "GET", "/talent/people", "talent.read", "page", "人才库"),
    R("talent_import", "POST", "/talent/people/import", "talent.write", "action", "导入人才登记表"),
    R("talent_template", "GET", "/talent/people/template", "talent.write", "file", "人才登记表模板"),
    R("talent_export", "GET", "/talent/people/export", "talent.read", "file", "导出人才名单（脱敏）"),
    R("talent_export_personal", "POST", "/talent/people/export", "talent.personal", "file", "导出人才名单（未脱敏）"),
    R("talent_detail", "GET", "/talent/people/{number}", "talent.read", "page", "人才详情"),
    R("talent_personal", "POST", "/talent/people/{number}/personal", "talent.personal", "action", "查看未脱敏个人信息"),
    R("talent_person_export", "POST", "/talent/people/{number}/export", "talent.personal", "file", "导出个人信息副本"),
    R("talent_erase", "POST", "/talent/people/{number}/erase", "talent.erase", "action", "删除个人信息"),
    R("talent_card_issue", "POST", "/talent/people/{number}/card", "talent.write", "action", "发放英才卡"),
    R("talent_request_submit", "POST", "/talent/people/{number}/requests", "talent.write", "action", "受理服务申请"),
    R("talent_card_renew", "POST", "/talent/cards/{card_number}/renew", "talent.write", "action", "英才卡续期"),
    R("talent_card_revoke", "POST", "/talent/cards/{card_number}/revoke", "talent.write", "action", "注销英才卡"),
    R("talent_requests", "GET", "/talent/requests", "talent.requests.handle", "page", "人才服务申请"),
    R("talent_escalate", "POST", "/talent/requests/escalate", "talent.write", "action", "逾期督办"),
    R("talent_request", "GET", "/talent/requests/{request_id}", "talent.requests.handle", "page", "服务申请详情"),
    R("talent_request_answer", "POST", "/talent/requests/{request_id}/answer", "talent.requests.handle", "action",
      "答复服务申请"),
    R("talent_request_contact", "POST", "/talent/requests/{request_id}/contact", "talent.requests.contact", "action",
      "查看申请人联系方式"),
    R("talent_request_transfer", "POST", "/talent/requests/{request_id}/transfer", "talent.write", "action", "转办"),
    R("talent_request_withdraw", "POST", "/talent/requests/{request_id}/withdraw", "talent.write", "action",
      "撤回服务申请"),
    R("talent_request_rate", "POST", "/talent/requests/{request_id}/rate", "talent.write", "action", "记录满意度"),
    R("talent_figures", "GET", "/talent/figures", "talent.figures", "page", "人才服务考核"),
    R("talent_counts", "GET", "/talent/counts", "talent.counts", "page", "人才统计"),
    R("talent_counts_publish", "POST", "/talent/counts", "talent.counts.publish", "action", "人才统计写入指标数据"),
    R("talent_rules", "GET", "/talent/rules", "account.self", "page", "人才服务规则"),
    # -- JSON API ---------------------------------------------------------------------------
    R("api_me", "GET", "/api/v1/me", "account.self", "api", "当前账号"),
    R("api_public", "GET", "/api/v1/public", "public.read", "api", "公开摘要"),
    R("api_publish", "POST", "/api/v1/public", "public.publish", "api", "发布公开摘要"),
    R("api_users", "GET", "/api/v1/users", "users.manage", "api", "账号列表"),
    R("api_talent_list", "GET", "/api/v1/talent/people", "talent.read", "api", "人才库（脱敏）"),
    R("api_talent_detail", "GET", "/api/v1/talent/people/{number}", "talent.read", "api", "人才详情（脱敏）"),
    R("api_talent_card_issue", "POST", "/api/v1/talent/people/{number}/card", "talent.write", "api", "发放英才卡"),
    R("api_talent_request_submit", "POST", "/api/v1/talent/people/{number}/requests", "talent.write", "api",
      "受理服务申请"),
    R("api_talent_requests", "GET", "/api/v1/talent/requests", "talent.requests.handle", "api", "人才服务申请"),
    R("api_talent_request_answer", "POST", "/api/v1/talent/requests/{request_id}/answer", "talent.requests.handle",
      "api", "答复服务申请"),
    R("api_talent_escalate", "POST", "/api/v1/talent/requests/escalate", "talent.write", "api", "逾期督办"),
    R("api_talent_figures", "GET", "/api/v1/talent/figures", "talent.figures", "api", "人才服务考核"),
    R("api_talent_counts", "GET", "/api/v1/talent/counts", "talent.counts", "api", "人才统计"),
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
