"""Rights, declared in one table: which roles may do what, and over which scope.

Every service calls :func:`require` before it reads or writes on someone's behalf,
so the CLI, the web pages, the JSON API and the report writers all obey the same
rules. A permission is ``"<domain>.<verb>"``; :data:`PERMISSIONS` lists the roles
that hold it. The *scope* is checked as well: an actor only reaches objects of its
region (``Actor.covers``), and a 责任单位 only objects of its own unit. The web
face's route × role matrix is built on this table, and a test walks it exhaustively.

Domains add their permissions here, in their own block, with a Chinese label.
"""

from __future__ import annotations

from collections.abc import Iterable

from innodrive.errors import Forbidden
from innodrive.services.roles import ROLE_NAMES, Role

TYPE_CHECKING = False
if TYPE_CHECKING:  # pydantic is not imported for a rights check (innodrive.services.roles)
    from innodrive.services.actor import Actor
    from innodrive.services.roles import Scope

# One-letter role names keep the table below readable.
A, O, U, C, E, R, N, P = (Role.ADMIN, Role.OFFICE, Role.UNIT, Role.COUNTY,  # noqa: E741
                          Role.EVALUATOR, Role.REVIEWER, Role.NPC, Role.PUBLIC)

# permission -> (roles that hold it, Chinese label of the action)
PERMISSIONS: dict[str, tuple[frozenset[Role], str]] = {
    # accounts and settings
    "users.manage": (frozenset({A}), "管理用户账号"),
    "account.self": (frozenset({A, O, U, C, E, R, N}), "使用本人账号（修改密码、退出登录）"),
    "settings.read": (frozenset({A, O}), "查看系统配置"),
    "audit.read": (frozenset({A, O}), "查看审计日志"),
    # documents and plans
    "plans.read": (frozenset({A, O, U, C, E, N}), "查看计划与目标"),
    "plans.write": (frozenset({O}), "添加、修订、删除计划"),
    "extraction.correct": (frozenset({O}), "更正抽取结果"),
    "links.write": (frozenset({O}), "指定目标与目录指标的对应"),
    # targets, data and tasks
    "board.read": (frozenset({A, O, U, C, E, N}), "查看目标看板"),
    "data.read": (frozenset({A, O, U, C, E, N}), "查看统计数据"),
    "data.import": (frozenset({O, C}), "导入统计数据"),
    "tasks.read": (frozenset({A, O, U, C, E, N}), "查看任务台账"),
    "tasks.assign": (frozenset({O}), "指定任务的牵头和责任单位"),
    "tasks.report": (frozenset({O, U}), "报送任务进展"),
    "tasks.review": (frozenset({O}), "审核任务进展"),
    "evidence.read": (frozenset({O, U, E}), "查看证明材料"),
    # enterprises and assessment
    "enterprises.screen": (frozenset({O}), "企业资格筛选与培育漏斗"),
    "enterprises.read": (frozenset({A, O, U, C, E}), "查看企业名录"),
    "enterprises.write": (frozenset({O}), "登记和更新企业名录"),
    "assessment.run": (frozenset({O, E}), "计算综合指数与考核评分"),
    # published summary
    "public.read": (frozenset({A, O, U, C, E, R, N, P}), "查看公开发布的摘要"),
    "public.publish": (frozenset({O}), "发布或撤回公开摘要"),

    # --- 考核 cycle, 督查督办, 第三方评估, 通报 (innodrive.kaohe, innodrive.supervision) ---
    "kaohe.read": (frozenset({A, O, U, C, E, N}), "查看年度考核的框架与结果"),
    "kaohe.manage": (frozenset({O}), "设置年度考核（框架、方案、考核数据、加扣分事项、计分、定档）"),
    "kaohe.appeal": (frozenset({O, U, C}), "对本单位的考核结果提出申诉"),
    "kaohe.decide": (frozenset({O}), "处理考核申诉"),
    "kaohe.allocate": (frozenset({O}), "按考核结果测算资金分配"),
    "kaohe.report": (frozenset({O}), "生成考核结果通报"),
    # 督查督办 and 专项督查 (innodrive.supervision): a 责任单位 sees and answers only the
    # notices and 整改 items addressed to it, a 区县 those addressed to its government
    "duban.read": (frozenset({O, U, C, E, N}), "查看督办单"),
    "duban.raise": (frozenset({O}), "发起督办（人工或按规则）"),
    "duban.answer": (frozenset({U, C}), "答复督办单、报送整改情况"),
    "duban.decide": (frozenset({O}), "办结、退回、升级督办单，记录约谈"),
    "inspection.read": (frozenset({O, U, C, E, N}), "查看专项督查与整改"),
    "inspection.write": (frozenset({O}), "组织专项督查：选取任务、填写检查结论、交办和销号整改"),
    "tongbao.issue": (frozenset({O}), "编制和印发督查通报"),
    "tongbao.read": (frozenset({O, N}), "查看已印发的督查通报"),
    # 第三方评估 (innodrive.evaluation): read-only over its scope, plus its own samples and verdicts
    "evaluation.read": (frozenset({O, E}), "查看第三方评估的抽样与结论"),
    "evaluation.sample": (frozenset({E}), "抽取第三方评估样本"),
    "evaluation.verdict": (frozenset({E}), "填写第三方评估核查结论"),
    # 人大 (innodrive.publication): the plan's state, read-only; what the office hands over, frozen
    "npc.read": (frozenset({O, N}), "查看人大监督视图与报送的计划执行情况"),
    "npc.publish": (frozenset({O}), "向人大常委会报送冻结的计划执行情况"),

    # --- province board, official index, 产业链 (innodrive.province, innodrive.chains) ---
    "province.read": (frozenset({A, O, U, C, E, N}), "查看全省市州、区县对比看板"),
    "index.run": (frozenset({O, E}), "计算科技创新水平指数、差距与提升路径"),
    "chains.read": (frozenset({A, O, U, C, E, N}), "查看产业链图谱"),
    "chains.write": (frozenset({O}), "导入、修改产业链图谱"),

    # --- technology market (innodrive.market) ---
    "market.read": (frozenset({O, U, C, E, N}), "查看科技成果、技术需求与对接记录"),
    "market.write": (frozenset({O, C}), "登记、导入、更新科技成果与技术需求"),
    "market.contact": (frozenset({O, C}), "查看成果与需求联系人的完整信息（不脱敏）"),
    "market.confidential": (frozenset({O}), "查看保密的技术需求"),
    "market.pair": (frozenset({O, C}), "推荐对接并记录对接进展"),
    "market.contract": (frozenset({O}), "登记技术合同并计入技术合同统计"),

    # --- 揭榜挂帅 and S&T projects (innodrive.projects) ---
    "projects.read": (frozenset({O, E}), "查看科技项目（榜单、申报、评审结果、合同）"),
    "projects.calls.write": (frozenset({O}), "发布榜单（指南）"),
    "projects.apply": (frozenset({O}), "代申报单位录入申报材料"),
    "projects.experts.manage": (frozenset({O}), "管理评审专家库"),
    "projects.assign": (frozenset({O}), "分配评审专家和办理回避"),
    "projects.review": (frozenset({R}), "评审打分（仅本人的评审任务）"),
    "projects.scores.enter": (frozenset({O}), "代评审专家录入纸质评分表"),
    "projects.decide": (frozenset({O}), "确定拟立项、组织公示和处理异议"),
    "projects.contracts": (frozenset({O}), "签订合同、节点验收和资金拨付"),
    "projects.outputs": (frozenset({O}), "登记项目成果"),

    # --- talent services (innodrive.talent) ---
    "talent.read": (frozenset({O, C}), "查看人才库（个人信息脱敏显示）"),
    "talent.personal": (frozenset({O}), "查看、导出未脱敏的人才个人信息"),
    "talent.write": (frozenset({O}), "登记、导入、修改人才信息，办理英才卡和人才服务申请"),
    "talent.erase": (frozenset({O}), "按本人要求删除人才个人信息"),
    "talent.requests.handle": (frozenset({O, U}), "查看和答复交办本单位的人才服务申请"),
    "talent.requests.contact": (frozenset({O, U}), "查看人才服务申请人的联系方式（未脱敏）"),
    "talent.figures": (frozenset({O, U, E}), "查看人才服务办理的考核数据"),
    "talent.counts": (frozenset({O, C, E, N}), "查看人才数量统计（汇总数）"),
    "talent.counts.publish": (frozenset({O}), "把人才数量统计写入指标数据"),
}


def label(permission: str) -> str:
    return PERMISSIONS[permission][1]


def roles_for(permission: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[permission][0]
    except KeyError:
        raise KeyError(f"undeclared permission {permission!r}: add it to innodrive.services.access") from None


def can(actor: Actor | Scope, permission: str, *, region_code: str | None = None, units: Iterable[str] | None = None,
        check_region: bool = False) -> bool:
    """Whether ``actor`` may do ``permission`` on an object of ``region_code`` owned by ``units``.

    ``check_region`` asks for the region scope to be checked even when the object's
    region is ``None`` (then only unscoped actors pass). ``units`` is given for
    objects that belong to units (a task's lead and co-units, a 督办单's addressee):
    a 责任单位 account passes only when its own unit is among them.
    """
    roles = roles_for(permission)
    if actor.local:
        return True
    if actor.role not in roles:
        return False
    if (region_code is not None or check_region) and not actor.covers(region_code):
        return False
    if units is not None and actor.role == Role.UNIT:
        return actor.unit is not None and actor.unit in set(units)
    return True


def require(actor: Actor, permission: str, *, region_code: str | None = None,
            units: Iterable[str] | None = None, check_region: bool = False, what: str | None = None) -> None:
    """Raise :class:`~innodrive.errors.Forbidden` with a Chinese reason unless :func:`can`."""
    units = None if units is None else list(units)
    if can(actor, permission, region_code=region_code, units=units, check_region=check_region):
        return
    action = label(permission)
    target = f"（{what}）" if what else ""
    if actor.role not in roles_for(permission):
        raise Forbidden(f"{actor.display}无权{action}{target}")
    if units is not None and actor.role == Role.UNIT:
        raise Forbidden(f"{actor.display}只能处理本单位（{actor.unit or '未指定单位'}）的事项{target}")
    raise Forbidden(f"{actor.display}只能访问本辖区的数据{target}")


def matrix() -> dict[str, dict[Role, bool]]:
    """Every permission × every role (ignoring scope): the table the role tests walk."""
    return {p: {r: r in roles for r in Role} for p, (roles, _) in PERMISSIONS.items()}


__all__ = ["PERMISSIONS", "ROLE_NAMES", "can", "label", "matrix", "require", "roles_for"]
