"""What changed between two versions of a plan (pure functions).

Plans are revised (a mid-term adjustment, a corrected reprint); the office needs to
see which targets, headings and programmes changed, not two long texts. Targets are
paired by what they measure (indicator phrase, kind, year, scope) so that a changed
number shows as one change rather than a removal and an addition; headings are paired
by their outline path. Spans are not compared: they move whenever text is inserted
earlier in the document.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from innodrive.extraction.models import ExtractedPlan, OutlineNode, Programme, Target

TARGET_FIELDS = ("value", "unit", "comparator", "direction", "firmness", "baseline_year", "note", "basis",
                 "baseline_value", "binding", "section")
META_FIELDS = ("title", "issuer", "region", "genre", "issued", "horizon")
META_NAMES = {"title": "标题", "issuer": "发文机关", "region": "地区", "genre": "文种", "issued": "印发日期",
              "horizon": "规划期末年"}
FIELD_NAMES = {"value": "目标值", "unit": "单位", "comparator": "比较关系", "direction": "方向", "firmness": "力度",
               "baseline_year": "基期年", "note": "表述", "basis": "口径", "baseline_value": "基期值",
               "binding": "属性", "section": "所在章节"}
KIND_NAMES = {"number": "数值", "multiple": "倍数", "growth": "增速", "relative": "相对", "trend": "趋势",
              "milestone": "里程碑"}


class FieldChange(BaseModel):
    field: str
    old: object = None
    new: object = None


class TargetChange(BaseModel):
    old: Target
    new: Target
    changes: list[FieldChange]


class HeadingChange(BaseModel):
    path: str
    old_title: str
    new_title: str


class PlanDiff(BaseModel):
    meta: list[FieldChange] = Field(default_factory=list)
    targets_added: list[Target] = Field(default_factory=list)
    targets_removed: list[Target] = Field(default_factory=list)
    targets_changed: list[TargetChange] = Field(default_factory=list)
    headings_added: list[OutlineNode] = Field(default_factory=list)
    headings_removed: list[OutlineNode] = Field(default_factory=list)
    headings_retitled: list[HeadingChange] = Field(default_factory=list)
    programmes_added: list[Programme] = Field(default_factory=list)
    programmes_removed: list[Programme] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f) for f in type(self).model_fields)


def _target_key(t: Target) -> tuple:
    return ("".join(t.indicator.split()), t.kind, t.year, t.scope or "")


def diff_plans(old: ExtractedPlan, new: ExtractedPlan) -> PlanDiff:
    """The differences from ``old`` to ``new``."""
    d = PlanDiff()
    for f in META_FIELDS:
        a, b = getattr(old.document, f), getattr(new.document, f)
        if a != b:
            d.meta.append(FieldChange(field=f, old=a, new=b))

    olds: dict[tuple, list[Target]] = defaultdict(list)
    for t in old.targets:
        olds[_target_key(t)].append(t)
    for t in new.targets:
        bucket = olds.get(_target_key(t))
        if not bucket:
            d.targets_added.append(t)
            continue
        # prefer an identical partner, else the first one left
        match = next((o for o in bucket if _target_changes(o, t) == []), bucket[0])
        bucket.remove(match)
        changes = _target_changes(match, t)
        if changes:
            d.targets_changed.append(TargetChange(old=match, new=t, changes=changes))
    d.targets_removed = [t for bucket in olds.values() for t in bucket]

    old_nodes = {n.path: n for n in old.outline}
    new_nodes = {n.path: n for n in new.outline}
    for path, n in new_nodes.items():
        o = old_nodes.get(path)
        if o is None:
            d.headings_added.append(n)
        elif o.title.strip() != n.title.strip():
            d.headings_retitled.append(HeadingChange(path=path, old_title=o.title, new_title=n.title))
    d.headings_removed = [n for p, n in old_nodes.items() if p not in new_nodes]

    old_progs = {(p.name, tuple(p.parts)) for p in old.programmes}
    new_progs = {(p.name, tuple(p.parts)) for p in new.programmes}
    d.programmes_added = [p for p in new.programmes if (p.name, tuple(p.parts)) not in old_progs]
    d.programmes_removed = [p for p in old.programmes if (p.name, tuple(p.parts)) not in new_progs]
    return d


def _target_changes(a: Target, b: Target) -> list[FieldChange]:
    out = [FieldChange(field=f, old=getattr(a, f), new=getattr(b, f))
           for f in TARGET_FIELDS if getattr(a, f) != getattr(b, f)]
    if a.evidence.text != b.evidence.text and not out:
        out.append(FieldChange(field="evidence", old=a.evidence.text, new=b.evidence.text))
    return out


def describe_target(t: Target) -> str:
    """One line naming a target: 国家高新技术企业（2025年，数值）192家."""
    when = f"{t.year}年，" if t.year else ""
    value = ""
    if t.value is not None:
        v = int(t.value) if float(t.value).is_integer() else t.value
        value = f" {t.comparator if t.comparator not in (None, '=') else ''}{v}{t.unit or ''}"
    elif t.note:
        value = f" {t.note}"
    return f"“{t.indicator}”（{when}{KIND_NAMES.get(t.kind, t.kind)}）{value}"


def describe(d: PlanDiff) -> list[str]:
    """The differences as lines of Chinese text, for the CLI and reports."""
    if d.empty:
        return ["两个版本的目标、提纲和重点工程均无差异"]
    lines: list[str] = []
    for c in d.meta:
        lines.append(f"文件信息 {META_NAMES.get(c.field, c.field)}：{_show(c.old)} → {_show(c.new)}")
    for t in d.targets_added:
        lines.append(f"新增目标 {describe_target(t)}")
    for t in d.targets_removed:
        lines.append(f"删除目标 {describe_target(t)}")
    for c in d.targets_changed:
        parts = "；".join(f"{FIELD_NAMES.get(f.field, '原文')} {_show(f.old)} → {_show(f.new)}" for f in c.changes)
        lines.append(f"修改目标 “{c.new.indicator}”（{c.new.year or '未标年份'}年）：{parts}")
    for n in d.headings_added:
        lines.append(f"新增标题 {n.path} {n.title}")
    for n in d.headings_removed:
        lines.append(f"删除标题 {n.path} {n.title}")
    for h in d.headings_retitled:
        lines.append(f"修改标题 {h.path}：{h.old_title} → {h.new_title}")
    for p in d.programmes_added:
        lines.append(f"新增重点工程 {p.name}")
    for p in d.programmes_removed:
        lines.append(f"删除重点工程 {p.name}")
    return lines


def _show(v: object) -> str:
    if v is None:
        return "（无）"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
