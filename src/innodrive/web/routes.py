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
    # -- 计划与文件 -----------------------------------------------------------------------------
    R("plans", "GET", "/plans", "plans.read", "page", "计划与文件"),
    R("plans_add", "POST", "/plans", "plans.write", "action", "上传政策文件"),
    R("plan", "GET", "/plans/{plan_id}", "plans.read", "page", "计划详情与版本比较"),
    R("plan_document", "GET", "/plans/{plan_id}/document", "plans.read", "page", "原文与抽取结果"),
    R("plan_target_add", "POST", "/plans/{plan_id}/targets", "extraction.correct", "action", "补充漏抽的目标"),
    R("target_correct", "POST", "/targets/{target_id}/correct", "extraction.correct", "action", "修改目标"),
    R("target_reject", "POST", "/targets/{target_id}/reject", "extraction.correct", "action", "删除误抽的目标"),
    R("corrections_gold", "GET", "/corrections/gold.json", "extraction.correct", "file",
      "导出人工更正后的抽取结果（金标准格式）"),
    R("api_plans", "GET", "/api/v1/plans", "plans.read", "api", "计划列表"),
    R("api_plans_add", "POST", "/api/v1/plans", "plans.write", "api", "上传政策文件（multipart files）"),
    R("api_plan", "GET", "/api/v1/plans/{plan_id}", "plans.read", "api", "计划详情"),
    R("api_plan_diff", "GET", "/api/v1/plans/{plan_id}/diff", "plans.read", "api", "版本比较"),
    R("api_plan_document", "GET", "/api/v1/plans/{plan_id}/document", "plans.read", "api", "原文与标注"),
    R("api_plan_target_add", "POST", "/api/v1/plans/{plan_id}/targets", "extraction.correct", "api",
      "补充漏抽的目标"),
    R("api_target_correct", "POST", "/api/v1/targets/{target_id}/correct", "extraction.correct", "api", "修改目标"),
    R("api_target_reject", "POST", "/api/v1/targets/{target_id}/reject", "extraction.correct", "api",
      "删除误抽的目标"),
    # -- 任务台账 ------------------------------------------------------------------------------
    R("tasks", "GET", "/tasks", "tasks.read", "page", "任务台账"),
    R("tasks_xlsx", "GET", "/tasks.xlsx", "tasks.read", "file", "导出任务台账"),
    R("task", "GET", "/tasks/{task_id}", "tasks.read", "page", "任务详情"),
    R("task_report", "POST", "/tasks/{task_id}/reports", "tasks.report", "action", "报送进展"),
    R("task_units", "POST", "/tasks/{task_id}/units", "tasks.assign", "action", "指定牵头和配合单位"),
    R("report_review", "POST", "/reports/{report_id}/review", "tasks.review", "action", "审核进展报送"),
    R("evidence", "GET", "/reports/{report_id}/evidence/{sha256}", "evidence.read", "file", "下载证明材料"),
    R("api_tasks", "GET", "/api/v1/tasks", "tasks.read", "api", "任务台账"),
    R("api_task", "GET", "/api/v1/tasks/{task_id}", "tasks.read", "api", "任务详情"),
    R("api_task_report", "POST", "/api/v1/tasks/{task_id}/reports", "tasks.report", "api",
      "报送进展（multipart：status、narrative、percent、as_of、evidence 文件）"),
    R("api_task_units", "POST", "/api/v1/tasks/{task_id}/units", "tasks.assign", "api", "指定牵头和配合单位"),
    R("api_report_review", "POST", "/api/v1/reports/{report_id}/review", "tasks.review", "api", "审核进展报送"),
    R("api_reports_pending", "GET", "/api/v1/reports/pending", "tasks.review", "api", "待审核的报送"),
    # -- 数据 ------------------------------------------------------------------------------------
    R("data", "GET", "/data", "data.read", "page", "数据"),
    R("data_template", "GET", "/data/template.xlsx", "data.read", "file", "下载导入模板"),
    R("data_preview", "POST", "/data/preview", "data.import", "action", "导入预览"),
    R("data_import", "POST", "/data/imports", "data.import", "action", "确认导入"),
    R("api_series", "GET", "/api/v1/data/series", "data.read", "api", "某地区某指标的全部数值与修订"),
    R("api_data_import", "POST", "/api/v1/data/imports", "data.import", "api",
      "导入统计数据表（multipart file；dry_run=true 只预览）"),
    # -- 审计日志 --------------------------------------------------------------------------------
    R("audit", "GET", "/audit", "audit.read", "page", "审计日志"),
    R("api_audit", "GET", "/api/v1/audit", "audit.read", "api", "审计日志"),
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
    # -- 全省看板, one region, the public province page, map boundaries -------------------------
    R("province", "GET", "/province", "province.read", "page", "全省看板"),
    R("province_xlsx", "GET", "/province.xlsx", "province.read", "file", "导出全省看板"),
    R("region", "GET", "/regions/{code}", "province.read", "page", "地区页"),
    R("public_province", "GET", "/public/province", "public.read", "page", "全省市州对比（公开）"),
    R("map_geojson", "GET", "/maps/sichuan_{level}.json", "public.read", "file", "四川省市州、区县边界（GeoJSON）"),
    R("cities", "GET", "/cities", "board.read", "page", "四市对比"),
    R("api_province", "GET", "/api/v1/province", "province.read", "api", "全省看板"),
    R("api_province_years", "GET", "/api/v1/province/years", "province.read", "api", "某指标有数据的年份"),
    R("api_region", "GET", "/api/v1/regions/{code}", "province.read", "api", "地区页"),
    R("api_cities", "GET", "/api/v1/cities", "board.read", "api", "四市对比"),
    # -- 科技创新水平指数 --------------------------------------------------------------------------
    R("sti_index", "GET", "/sti-index", "index.run", "page", "科技创新水平指数"),
    R("sti_template", "GET", "/sti-index/template.yaml", "index.run", "file", "下载标准值与权重模板"),
    R("sti_upload", "POST", "/sti-index", "index.run", "action", "上传指数框架"),
    R("sti_result", "GET", "/sti-index/{staged_id}", "index.run", "page", "各市州指数与提升路径"),
    R("sti_checks", "GET", "/sti-index/{staged_id}/checks", "index.run", "page", "指数发布前检查"),
    R("api_sti_index", "POST", "/api/v1/sti-index", "index.run", "api",
      "计算科技创新水平指数（multipart：framework 文件、year、region、what_if 如 rd_intensity=2.1）"),
    # -- 产业链图谱 ------------------------------------------------------------------------------
    R("chains", "GET", "/chains", "chains.read", "page", "产业链图谱"),
    R("chains_template", "GET", "/chains/template.xlsx", "chains.read", "file", "下载产业链导入模板"),
    R("chains_preview", "POST", "/chains/preview", "chains.write", "action", "产业链导入预览"),
    R("chains_import", "POST", "/chains/imports", "chains.write", "action", "确认导入产业链"),
    R("chain", "GET", "/chains/{key}", "chains.read", "page", "产业链图谱详情"),
    R("chain_xlsx", "GET", "/chains/{key}/export.xlsx", "chains.read", "file", "导出产业链"),
    R("chain_detach", "POST", "/chains/{key}/detach", "chains.write", "action", "从产业链移除企业"),
    R("api_chains", "GET", "/api/v1/chains", "chains.read", "api", "产业链列表"),
    R("api_chain", "GET", "/api/v1/chains/{key}", "chains.read", "api", "产业链图谱详情"),
    R("api_chains_import", "POST", "/api/v1/chains/imports", "chains.write", "api",
      "导入产业链（multipart file：.yaml 或 .xlsx；dry_run=true 只预览）"),
    R("api_chain_detach", "POST", "/api/v1/chains/{key}/detach", "chains.write", "api", "从产业链移除企业"),
    # -- 综合评价 ------------------------------------------------------------------------------
    R("assessment", "GET", "/assessment", "assessment.run", "page", "综合指数评价"),
    R("assessment_run", "POST", "/assessment/runs", "assessment.run", "action", "计算综合指数"),
    R("assessment_result", "GET", "/assessment/runs/{staged_id}", "assessment.run", "page", "综合指数评价结果"),
    R("assessment_xlsx", "GET", "/assessment/runs/{staged_id}/result.xlsx", "assessment.run", "file",
      "下载综合指数评价结果"),
    R("api_assessment", "POST", "/api/v1/assessment/runs", "assessment.run", "api",
      "计算综合指数（multipart：data 文件，preset 或 framework 文件，year、uncertainty）"),
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
