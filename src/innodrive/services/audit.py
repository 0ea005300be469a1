"""Reading the audit log, and checking that nobody changed it (or the evidence) behind
innodrive's back.

The log is read with Chinese labels at the faces (:data:`ACTION_NAMES`,
:data:`ENTITY_NAMES`, :data:`FIELD_NAMES` say what each code means), filtered by
object, person, action and time. :func:`verify` walks the hash chain of the log and
re-hashes every stored piece of evidence; it names the first broken entry.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from innodrive.blobs import BlobStore, default_blob_store
from innodrive.errors import InputError
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.store import Store
from innodrive.store.audit import AuditEntry, ChainBreak

ENTITY_NAMES: dict[str, str] = {
    "plan": "计划", "task": "任务", "progress_report": "进展报送", "import_batch": "数据导入",
    "observation": "统计数据", "indicator_link": "指标对应", "milestone": "里程碑",
    # 揭榜挂帅 and S&T projects (innodrive.services.projects)
    "project_call": "榜单", "project_application": "项目申报", "project_expert": "评审专家",
    "project_assignment": "评审任务", "project_contract": "项目合同",
}
ACTION_NAMES: dict[str, str] = {
    "plan.add": "新增计划", "plan.revise": "计划新版本", "plan.remove": "删除计划",
    "task.update": "更新任务", "task.retire": "撤销任务", "task.assign": "指定责任单位",
    "milestone.add": "新增里程碑", "report.submit": "报送进展", "report.approve": "审核通过",
    "report.return": "审核退回", "data.import": "导入数据", "data.record": "录入数据", "link": "指标对应",
    # 揭榜挂帅 and S&T projects (innodrive.services.projects)
    "project_call.publish": "发布榜单", "project_call.revise": "修改榜单",
    "project_application.enter": "代录申报", "project_application.recheck": "重新审查资格",
    "project_application.withdraw": "撤回申报", "project_experts.register": "登记评审专家",
    "project_review.assign": "分配评审专家", "project_review.recuse": "回避", "project_review.score": "评分",
    "project_review.second_look": "非共识复议", "project_decision.select": "拟立项",
    "project_decision.withdraw": "撤销拟立项", "project_decision.publicise": "立项公示",
    "project_decision.objection": "登记异议", "project_decision.objection_handled": "处理异议",
    "project_decision.confirm": "立项", "project_decision.view_contacts": "查看异议人联系方式",
    "project_contract.sign": "签订合同", "project_contract.check": "验收", "project_contract.terminate": "终止合同",
    "project_funds.disburse": "拨付资金", "project_funds.recover": "收回资金", "project_output.add": "登记成果",
    "project_output.remove": "删除成果", "observation.add": "录入数据", "observation.revise": "修正数据",
}
FIELD_NAMES: dict[str, str] = {
    "version": "版本", "file": "文件", "sha256": "SHA-256", "targets": "目标数", "diff": "差异",
    "path": "提纲位置", "title": "标题", "deadline": "期限", "lead_units": "牵头单位", "co_units": "配合单位",
    "active": "有效", "version_id": "版本编号", "milestone_id": "里程碑编号", "due_date": "节点日期",
    "task_id": "任务编号", "as_of": "截至日期", "status": "状态", "percent": "完成百分比", "narrative": "进展说明",
    "evidence": "证明材料", "review_state": "审核状态", "reason": "理由", "rows": "行数", "added": "新增",
    "revised": "修正", "sourced": "增加出处", "unchanged": "未变", "derived": "派生", "text": "指标名称",
    "code": "目录代码", "value": "数值", "unit": "单位", "source": "来源", "note": "备注", "revision": "修订版本",
    "removed": "已删除", "reports": "报送数", "forced": "强制",
}
# 考核 (innodrive.kaohe)
ENTITY_NAMES.update({"kaohe_framework": "考核框架", "kaohe_cycle": "年度考核", "kaohe_item": "加扣分事项",
                     "kaohe_appeal": "考核申诉"})
ACTION_NAMES.update({
    "kaohe.framework.add": "添加考核框架", "kaohe.cycle.create": "设立年度考核", "kaohe.cycle.replace": "替换考核方案",
    "kaohe.values.import": "导入考核数据", "kaohe.items.import": "导入加扣分事项", "kaohe.item.add": "记录加扣分事项",
    "kaohe.item.withdraw": "撤销加扣分事项", "kaohe.score": "考核计分", "kaohe.appeal.file": "提出申诉",
    "kaohe.appeal.decide": "处理申诉", "kaohe.finalise": "考核定档",
})

VALUE_NAMES: dict[str, str] = {
    "submitted": "待审核", "approved": "已通过", "returned": "已退回", "not_started": "未启动",
    "in_progress": "推进中", "blocked": "受阻", "completed": "已完成",
}


def entity_code(text: str | None) -> str | None:
    """``计划`` or ``plan`` → ``plan``; :class:`InputError` listing the choices otherwise."""
    if not text:
        return None
    t = text.strip()
    if t in ENTITY_NAMES:
        return t
    for code, name in ENTITY_NAMES.items():
        if t == name:
            return code
    choices = "、".join(f"{n}（{c}）" for c, n in ENTITY_NAMES.items())
    raise InputError(f"未知的对象类别“{text}”；可用：{choices}", field="entity")


class AuditPage(BaseModel):
    entries: list[AuditEntry]
    entity: str | None = None


class Verification(BaseModel):
    entries: int = Field(description="audit entries checked")
    evidence: int = Field(description="pieces of evidence re-hashed")
    broken: ChainBreak | None = None
    bad_evidence: list[str] = Field(default_factory=list, description="file names whose bytes changed or vanished")

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.bad_evidence


def read(store: Store, actor: Actor, *, entity: str | None = None, entity_id: str | None = None,
         user: str | None = None, action: str | None = None, since: dt.date | None = None,
         until: dt.date | None = None, limit: int | None = 30) -> AuditPage:
    """Entries of the log, newest last (``limit`` of them, a positive number)."""
    from innodrive.store import audit

    require(actor, "audit.read")
    code = entity_code(entity)
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC) if until else None
    with store.read() as session:
        rows = audit.entries(session, entity=code, entity_id=entity_id, limit=limit, actor=user, action=action,
                             since=start, until=end)
    return AuditPage(entries=rows, entity=code)


def verify(store: Store, actor: Actor, *, blobs: BlobStore | None = None) -> Verification:
    """Check the audit chain and every stored piece of evidence."""
    from sqlalchemy import select

    from innodrive.store.audit import verify_chain
    from innodrive.store.schema import ReportEvidenceRow

    require(actor, "audit.read")
    blobs = blobs or default_blob_store()
    with store.read() as session:
        checked, broken = verify_chain(session)
        evidence = session.execute(select(ReportEvidenceRow.file_name, ReportEvidenceRow.blob_key,
                                          ReportEvidenceRow.sha256, ReportEvidenceRow.report_id)).all()
    bad = [f"进展报送 {e.report_id} 的“{e.file_name}”" for e in evidence
           if e.blob_key != e.sha256 or not blobs.verify(e.blob_key)]
    return Verification(entries=checked, evidence=len(evidence), broken=broken, bad_evidence=bad)


__all__ = ["ACTION_NAMES", "ENTITY_NAMES", "FIELD_NAMES", "VALUE_NAMES", "AuditPage", "Verification", "entity_code",
           "read", "verify"]
