"""What changed in a unit type's framework from one year to the next (动态调整), in words.

The office adjusts indicators, weights and points every year and must be able to say
exactly what it changed — to the units being assessed and to whoever checks the
考核 later. :func:`framework_diff` compares two versions field by field and returns
one line per change: an indicator added or removed, a weight or a target changed, a
scoring rule's points or method changed, a 加分/扣分/否决 item added, removed or
re-pointed, a setting changed. Pure.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from innodrive.kaohe.framework import SOURCE_NAMES, KaoheFramework, describe_rule

Change = Literal["新增", "删除", "调整"]


class DiffLine(BaseModel):
    change: Change
    area: str
    code: str
    name: str
    field: str | None = None
    before: str | None = None
    after: str | None = None

    @property
    def text(self) -> str:
        what = f"{self.area}“{self.name}”"
        if self.change == "新增":
            return f"新增{what}" + (f"：{self.after}" if self.after else "")
        if self.change == "删除":
            return f"删除{what}" + (f"（原：{self.before}）" if self.before else "")
        return f"{what}的{self.field}：{self.before} → {self.after}"


def _fmt(v) -> str:
    if v is None:
        return "无"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, dict):
        return "，".join(f"{k} {_fmt(x)}" for k, x in v.items()) or "无"
    if isinstance(v, list | tuple):
        return "、".join(_fmt(x) for x in v) or "无"
    return str(v)


NODE_FIELDS = (("name", "名称"), ("parent", "上级分组"), ("direction", "方向"), ("weight", "权重"),
               ("weights_by_type", "分类型权重"), ("unit", "单位"), ("target", "目标值"),
               ("targets_by_type", "分类型目标值"), ("standard", "评价标准值"), ("denominator", "分母"))
RULE_FIELDS = (("points", "分值"), ("method", "计分方法"), ("cap", "完成率上限"), ("bonus", "超目标加分"),
               ("rank_points", "排名分值"))
ITEM_FIELDS = (("name", "名称"), ("points_each", "每项分值"), ("max", "上限"), ("when", "否决条件"), ("from", "来源"))


def framework_diff(old: KaoheFramework, new: KaoheFramework) -> list[DiffLine]:
    """Every change from ``old`` to ``new``, in the order a reader expects: settings,
    indicators, scoring rules, then 加分/扣分/否决 items."""
    out: list[DiffLine] = []
    roles = {"lead": "牵头任务", "any": "牵头和配合任务"}
    empty = {"unknown": "按未知计（不得分）", "full": "按满分计"}
    for label, a, b in (("满分", old.full_marks, new.full_marks), ("加分合计上限", old.bonus_cap, new.bonus_cap),
                        ("计入的任务", roles[old.tasks.role], roles[new.tasks.role]),
                        ("没有到期任务时", empty[old.tasks.no_tasks], empty[new.tasks.no_tasks]),
                        ("单位类型", old.unit_type, new.unit_type)):
        if a != b:
            out.append(DiffLine(change="调整", area="设置", code=label, name=label, field="取值", before=_fmt(a),
                                after=_fmt(b)))
    on, nn = old.engine.by_code, new.engine.by_code
    for code, node in nn.items():
        area = "指标" if node.kind == "indicator" else "分组"
        if code not in on:
            src = SOURCE_NAMES.get(new.sources.get(code, ""), "")
            out.append(DiffLine(change="新增", area=area, code=code, name=node.name,
                                after="，".join(x for x in (f"权重 {_fmt(node.weight)}", f"来源：{src}" if src else "")
                                               if x)))
            continue
        before = on[code]
        for fld, zh in NODE_FIELDS:
            a, b = getattr(before, fld), getattr(node, fld)
            if a != b:
                out.append(DiffLine(change="调整", area=area, code=code, name=node.name, field=zh, before=_fmt(a),
                                    after=_fmt(b)))
        if old.sources.get(code) != new.sources.get(code) and node.kind == "indicator":
            out.append(DiffLine(change="调整", area=area, code=code, name=node.name, field="数据来源",
                                before=SOURCE_NAMES.get(old.sources.get(code, ""), "无"),
                                after=SOURCE_NAMES.get(new.sources.get(code, ""), "无")))
    for code, node in on.items():
        if code not in nn:
            out.append(DiffLine(change="删除", area="指标" if node.kind == "indicator" else "分组", code=code,
                                name=node.name, before=f"权重 {_fmt(node.weight)}"))
    orules = {r["indicator"]: r for r in old.scoring.get("rules") or []}
    nrules = {r["indicator"]: r for r in new.scoring.get("rules") or []}
    for code, r in nrules.items():
        name = new.engine.label(code)
        if code not in orules:
            out.append(DiffLine(change="新增", area="计分规则", code=code, name=name, after=describe_rule(new, r)))
            continue
        for fld, zh in RULE_FIELDS:
            a, b = orules[code].get(fld), r.get(fld)
            if fld == "method":
                a, b = a or "completion", b or "completion"
            if a != b:
                out.append(DiffLine(change="调整", area="计分规则", code=code, name=name, field=zh, before=_fmt(a),
                                    after=_fmt(b)))
    for code, r in orules.items():
        if code not in nrules:
            out.append(DiffLine(change="删除", area="计分规则", code=code, name=old.engine.label(code),
                                before=describe_rule(old, r)))
    for area, oi, ni in (("加分项", {b.code: b.model_dump() for b in old.bonuses}, {b.code: b.model_dump() for b in new.bonuses}),
                         ("扣分项", {d["code"]: d for d in old.deductions()}, {d["code"]: d for d in new.deductions()}),
                         ("否决项", {v["code"]: v for v in old.vetoes()}, {v["code"]: v for v in new.vetoes()})):
        for code, item in ni.items():
            name = str(item.get("name", code))
            if code not in oi:
                out.append(DiffLine(change="新增", area=area, code=code, name=name, after=_item_text(item)))
                continue
            for fld, zh in ITEM_FIELDS:
                a, b = oi[code].get(fld), item.get(fld)
                if fld == "when" and area == "否决项":
                    a, b = a or ">0", b or ">0"
                if a != b and not (fld == "from" and {a, b} <= {None, "items"}):
                    out.append(DiffLine(change="调整", area=area, code=code, name=name, field=zh, before=_fmt(a),
                                        after=_fmt(b)))
        for code, item in oi.items():
            if code not in ni:
                out.append(DiffLine(change="删除", area=area, code=code, name=str(item.get("name", code)),
                                    before=_item_text(item)))
    return out


def _item_text(item: dict) -> str:
    if "points_each" not in item:  # a veto
        return f"条件 {item.get('when', '>0')}"
    return f"每项 {_fmt(item.get('points_each'))} 分，最多 {_fmt(item.get('max'))} 分"


__all__ = ["DiffLine", "framework_diff"]
