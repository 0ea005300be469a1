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
    # -- technology market (innodrive.web.pages.market) --------------------------------------
    R("market_results", "GET", "/market/results", "market.read", "page", "科技成果"),
    R("market_result", "GET", "/market/results/{result_id}", "market.read", "page", "科技成果详情"),
    R("market_result_contact", "POST", "/market/results/{result_id}/contact", "market.contact", "action",
      "查看成果联系人"),
    R("market_import", "POST", "/market/import", "market.write", "action", "导入汇交表"),
    R("market_template", "GET", "/market/template/{kind}", "market.read", "file", "下载汇交模板"),
    R("market_demands", "GET", "/market/demands", "market.read", "page", "技术需求"),
    R("market_demand", "GET", "/market/demands/{demand_id}", "market.read", "page", "技术需求详情"),
    R("market_demand_contact", "POST", "/market/demands/{demand_id}/contact", "market.contact", "action",
      "查看需求联系人"),
    R("market_matches", "GET", "/market/demands/{demand_id}/matches", "market.read", "page", "匹配成果"),
    R("market_board", "GET", "/market/pairings", "market.read", "page", "对接看板"),
    R("market_recommend", "POST", "/market/pairings", "market.pair", "action", "推荐对接"),
    R("market_pairing", "GET", "/market/pairings/{pairing_id}", "market.read", "page", "对接记录"),
    R("market_pairing_step", "POST", "/market/pairings/{pairing_id}/step", "market.pair", "action", "记录对接进展"),
    R("market_contract", "POST", "/market/pairings/{pairing_id}/contract", "market.contract", "action",
      "登记技术合同"),
    R("api_market_results", "GET", "/api/v1/market/results", "market.read", "api", "科技成果"),
    R("api_market_matches", "GET", "/api/v1/market/demands/{demand_id}/matches", "market.read", "api", "匹配成果"),
    R("api_market_board", "GET", "/api/v1/market/pairings", "market.read", "api", "对接看板"),
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
    # -- 年度考核 (innodrive.web.pages.kaohe) --------------------------------------------------
    R("kaohe", "GET", "/kaohe", "kaohe.read", "page", "年度考核"),
    R("kaohe_setup", "POST", "/kaohe", "kaohe.manage", "action", "设立年度考核（上传考核方案）"),
    R("kaohe_frameworks", "GET", "/kaohe/frameworks", "kaohe.read", "page", "考核框架"),
    R("kaohe_framework_add", "POST", "/kaohe/frameworks", "kaohe.manage", "action", "添加考核框架"),
    R("kaohe_framework_diff", "GET", "/kaohe/frameworks/diff", "kaohe.read", "page", "考核框架年度比较"),
    R("kaohe_framework", "GET", "/kaohe/frameworks/{framework_id}", "kaohe.read", "page", "考核框架详情"),
    R("kaohe_cycle", "GET", "/kaohe/{cycle_id}", "kaohe.read", "page", "考核结果"),
    R("kaohe_figures", "POST", "/kaohe/{cycle_id}/figures", "kaohe.manage", "action", "导入考核数据"),
    R("kaohe_items", "POST", "/kaohe/{cycle_id}/items", "kaohe.manage", "action", "导入加扣分事项"),
    R("kaohe_score", "POST", "/kaohe/{cycle_id}/score", "kaohe.manage", "action", "计分"),
    R("kaohe_finalise", "POST", "/kaohe/{cycle_id}/finalise", "kaohe.manage", "action", "定档"),
    R("kaohe_unit", "GET", "/kaohe/{cycle_id}/units/{unit}", "kaohe.read", "page", "单位得分明细"),
    R("kaohe_appeals", "GET", "/kaohe/{cycle_id}/appeals", "kaohe.read", "page", "申诉"),
    R("kaohe_appeal_file", "POST", "/kaohe/{cycle_id}/appeals", "kaohe.appeal", "action", "提出申诉"),
    R("kaohe_appeal_decide", "POST", "/kaohe/appeals/{appeal_id}/decide", "kaohe.decide", "action", "处理申诉"),
    R("kaohe_appeal_evidence", "GET", "/kaohe/appeals/{appeal_id}/evidence/{sha256}", "kaohe.read", "file",
      "下载申诉材料"),
    R("kaohe_allocation", "GET", "/kaohe/{cycle_id}/allocation", "kaohe.allocate", "page", "资金分配测算"),
    R("kaohe_allocation_xlsx", "GET", "/kaohe/{cycle_id}/allocation.xlsx", "kaohe.allocate", "file",
      "下载资金分配测算表"),
    R("kaohe_tongbao", "GET", "/kaohe/{cycle_id}/tongbao.{fmt}", "kaohe.report", "file",
      "下载考核结果通报（docx、pdf）或附件（xlsx）"),
    R("api_kaohe_cycles", "GET", "/api/v1/kaohe", "kaohe.read", "api", "年度考核列表"),
    R("api_kaohe_diff", "GET", "/api/v1/kaohe/frameworks/diff", "kaohe.read", "api", "考核框架年度比较"),
    R("api_kaohe_results", "GET", "/api/v1/kaohe/{cycle_id}/results", "kaohe.read", "api", "考核结果"),
    R("api_kaohe_unit", "GET", "/api/v1/kaohe/{cycle_id}/units/{unit}", "kaohe.read", "api", "单位得分明细"),
    R("api_kaohe_appeals", "GET", "/api/v1/kaohe/{cycle_id}/appeals", "kaohe.read", "api", "申诉列表"),
    R("api_kaohe_appeal_file", "POST", "/api/v1/kaohe/{cycle_id}/appeals", "kaohe.appeal", "api",
      "提出申诉（multipart：unit、subject、claim、value、completed_on、evidence 文件）"),
    R("api_kaohe_appeal_decide", "POST", "/api/v1/kaohe/appeals/{appeal_id}/decide", "kaohe.decide", "api",
      "处理申诉"),
    R("api_kaohe_allocation", "GET", "/api/v1/kaohe/{cycle_id}/allocation", "kaohe.allocate", "api", "资金分配测算"),
    # -- 督查督办, 专项督查, 督查通报 (innodrive.web.pages.supervision) --------------------------------
    R("duban", "GET", "/duban", "duban.read", "page", "督查督办"),
    R("duban_run", "POST", "/duban/run", "duban.raise", "action", "按规则发起和升级督办（可先预览）"),
    R("duban_raise", "POST", "/duban", "duban.raise", "action", "人工发起督办"),
    R("duban_notice", "GET", "/duban/{notice_id}", "duban.read", "page", "督办单"),
    R("duban_answer", "POST", "/duban/{notice_id}/answer", "duban.answer", "action", "答复督办单"),
    R("duban_close", "POST", "/duban/{notice_id}/close", "duban.decide", "action", "办结督办单"),
    R("duban_return", "POST", "/duban/{notice_id}/return", "duban.decide", "action", "退回督办答复"),
    R("duban_escalate", "POST", "/duban/{notice_id}/escalate", "duban.decide", "action", "升级督办"),
    R("duban_interview", "POST", "/duban/{notice_id}/interview", "duban.decide", "action", "记录约谈"),
    R("duban_evidence", "GET", "/duban/{notice_id}/evidence/{sha256}", "duban.read", "file", "下载督办佐证材料"),
    R("inspections", "GET", "/inspections", "inspection.read", "page", "专项督查"),
    R("inspections_add", "POST", "/inspections", "inspection.write", "action", "组织专项督查"),
    R("inspection", "GET", "/inspections/{campaign_id}", "inspection.read", "page", "专项督查详情"),
    R("inspection_close", "POST", "/inspections/{campaign_id}/close", "inspection.write", "action", "结束专项督查"),
    R("inspection_finding", "POST", "/inspection-items/{item_id}/finding", "inspection.write", "action",
      "填写检查结论"),
    R("inspection_rectify", "POST", "/inspection-items/{item_id}/rectifications", "inspection.write", "action",
      "交办整改"),
    R("rectification_report", "POST", "/rectifications/{rect_id}/report", "duban.answer", "action", "报送整改情况"),
    R("rectification_decide", "POST", "/rectifications/{rect_id}/decide", "inspection.write", "action",
      "整改销号或退回"),
    R("rectification_evidence", "GET", "/rectifications/{rect_id}/evidence/{sha256}", "inspection.read", "file",
      "下载整改佐证材料"),
    R("tongbao", "GET", "/tongbao", "tongbao.read", "page", "督查通报"),
    R("tongbao_issue", "POST", "/tongbao/issue", "tongbao.issue", "action", "印发督查通报"),
    R("tongbao_file", "GET", "/tongbao/{period}/file.{fmt}", "tongbao.read", "file", "下载督查通报（Word、PDF、XLSX 附件）"),
    R("api_duban", "GET", "/api/v1/duban", "duban.read", "api", "督办单列表"),
    R("api_duban_notice", "GET", "/api/v1/duban/{notice_id}", "duban.read", "api", "督办单"),
    R("api_duban_run", "POST", "/api/v1/duban/run", "duban.raise", "api", "按规则发起和升级督办（dry_run 只预览）"),
    R("api_duban_answer", "POST", "/api/v1/duban/{notice_id}/answer", "duban.answer", "api",
      "答复督办单（multipart：text、evidence 文件）"),
    R("api_tongbao", "GET", "/api/v1/tongbao/{period}", "tongbao.read", "api", "督查通报数据"),
    # -- 第三方评估 (innodrive.web.pages.evaluation) --------------------------------------------
    R("evaluation", "GET", "/evaluation", "evaluation.read", "page", "第三方评估"),
    R("evaluation_draw", "POST", "/evaluation/samples", "evaluation.sample", "action", "抽取评估样本"),
    R("evaluation_sample", "GET", "/evaluation/samples/{sample_id}", "evaluation.read", "page", "评估样本"),
    R("evaluation_verdict", "POST", "/evaluation/items/{item_id}/verdict", "evaluation.verdict", "action",
      "填写核查结论"),
    R("evaluation_evidence", "GET", "/evaluation/items/{item_id}/evidence/{sha256}", "evaluation.read", "file",
      "下载抽样报送的佐证材料"),
    R("evaluation_report", "GET", "/evaluation/samples/{sample_id}/report.{fmt}", "evaluation.read", "file",
      "下载评估报告初稿（Word、PDF、XLSX 明细）"),
    R("api_evaluation_sample", "GET", "/api/v1/evaluation/samples/{sample_id}", "evaluation.read", "api", "评估样本"),
    R("api_evaluation_verdict", "POST", "/api/v1/evaluation/items/{item_id}/verdict", "evaluation.verdict", "api",
      "填写核查结论"),
    # -- 人大监督 and sealed snapshots (innodrive.web.pages.npc) ------------------------------------
    R("npc", "GET", "/npc", "npc.read", "page", "人大监督"),
    R("npc_publish", "POST", "/npc/snapshots", "npc.publish", "action", "向人大报送冻结的计划执行情况"),
    R("npc_report", "GET", "/npc/snapshots/{snapshot_id}/report.{fmt}", "npc.read", "file",
      "下载专项工作报告草稿（Word、PDF、XLSX 明细）"),
    R("snapshot", "GET", "/snapshots/{snapshot_id}", "public.read", "page", "发布快照与核验"),
    R("api_npc", "GET", "/api/v1/npc", "npc.read", "api", "人大监督视图（计划执行情况）"),
    R("api_snapshot", "GET", "/api/v1/snapshots/{snapshot_id}", "public.read", "api", "发布快照（含核验结果）"),
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
