"""A chain to XLSX: the import template's sheets (so the file can be edited and imported
again), plus the enterprises' verdicts and a 缺口 sheet. Formula-safe, written atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from innodrive.chains.models import ChainView

PROGRAMME_NAMES = {"tech_sme": "科技型中小企业", "hnte": "高新技术企业", "innovative_sme": "创新型中小企业",
                   "srdi_sme": "专精特新中小企业", "little_giant": "专精特新“小巨人”", "gazelle": "瞪羚企业"}
STATE_NAMES = {"pass": "符合", "fail": "不符合", "needs_data": "缺少数据", "manual_review": "需人工审核"}


def verdict_text(verdicts: dict) -> str:
    parts = []
    for prog, v in verdicts.items():
        state = v.get("state") if isinstance(v, dict) else v
        parts.append(f"{PROGRAMME_NAMES.get(prog, prog)}：{STATE_NAMES.get(state, state)}")
    return "；".join(parts)


def gap_text(n) -> str:
    parts = []
    if n.gap_enterprise:
        parts.append("无本地企业（补链）")
    if n.gap_platform:
        parts.append("无创新平台（强链）")
    return "、".join(parts)


def frames(v: ChainView) -> list[tuple[str, pd.DataFrame, bool]]:
    info = pd.DataFrame([{"产业链代码": v.key, "产业链名称": v.name, "地区": v.region_name or "", "说明": v.description or "",
                          "来源": v.source or "", "示例": "是（结构为通用示例，企业为构造数据）" if v.example else "否"}])
    nodes = pd.DataFrame([{"环节代码": n.code, "环节名称": n.name, "链段": n.segment, "上级环节": n.parent or "",
                           "说明": n.note or "", "本地企业数": n.local_enterprises, "缺口": gap_text(n)} for n in v.nodes])
    firms = pd.DataFrame([{"环节代码": n.code, "统一社会信用代码": e["credit_code"], "企业名称": e["name"],
                           "所在地区": e["region_name"] or "", "链主": "是" if e["leader"] else "否",
                           "说明": e["note"] or "", "本地": "是" if e["local"] else "否",
                           "资格评价": verdict_text(e["verdicts"]), "构造数据": "是" if e["constructed"] else ""}
                          for n in v.nodes for e in n.enterprises],
                         columns=["环节代码", "统一社会信用代码", "企业名称", "所在地区", "链主", "说明", "本地", "资格评价",
                                  "构造数据"])
    plats = pd.DataFrame([{"环节代码": n.code, "平台名称": p.name, "级别": p.level, "类型": p.kind or ""}
                          for n in v.nodes for p in n.platforms], columns=["环节代码", "平台名称", "级别", "类型"])
    tg = [(None, t) for t in v.targets] + [(n.code, t) for n in v.nodes for t in n.targets]
    targets = pd.DataFrame([{"环节代码": c or "", "目标": t.text, "数值": t.value, "单位": t.unit or "", "年份": t.year}
                            for c, t in tg], columns=["环节代码", "目标", "数值", "单位", "年份"])
    gaps = pd.DataFrame([{"环节代码": n.code, "环节名称": n.name, "链段": n.segment, "缺口": gap_text(n)}
                         for n in v.gaps], columns=["环节代码", "环节名称", "链段", "缺口"])
    return [("产业链", info, False), ("环节", nodes, False), ("企业", firms, False), ("平台", plats, False),
            ("目标", targets, False), ("缺口", gaps, False)]


def write_chain(v: ChainView, path: Path | str) -> Path:
    from innodrive.assessment.run import write_xlsx

    return write_xlsx(path, frames(v))


def to_bytes(sheets: list[tuple[str, pd.DataFrame, bool]]) -> bytes:
    from innodrive.assessment.run import xlsx_bytes

    return xlsx_bytes(sheets)


TEMPLATE_NOTES = (
    ("产业链", "一行：产业链代码（英文字母、数字、下划线）、名称、地区（如 乐山市，可空）、说明、来源、示例（是/否）"),
    ("环节", "每个环节一行：环节代码、环节名称、链段（上游/中游/下游）、上级环节（子环节填上级的环节代码）、说明"),
    ("企业", "每个挂接一行：环节代码、统一社会信用代码（18 位）、企业名称、所在地区、链主（是/否）、说明"),
    ("平台", "每个创新平台一行：环节代码、平台名称、级别（国家级/省级/市级/县级/其他）、类型"),
    ("目标", "每项目标一行：环节代码（整条链的目标留空）、目标、数值、单位、年份"),
)


def template_xlsx() -> bytes:
    """An empty import template: the five sheets with their headers, and the notes."""
    from innodrive.chains.reader import SHEETS

    sheets = [(name, pd.DataFrame(columns=list(cols)), False) for name, cols in SHEETS.items()]
    sheets.append(("填写说明", pd.DataFrame(TEMPLATE_NOTES, columns=["工作表", "填写说明"]), False))
    return to_bytes(sheets)
