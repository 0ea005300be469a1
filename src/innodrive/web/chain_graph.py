"""A 产业链图谱 drawn as an ECharts tree: the chain, its 上游/中游/下游 segments, and each
segment's nodes with their sub-nodes. Layout only — gaps, counts and verdicts come from
:class:`innodrive.chains.models.ChainView`. A gap node (no local enterprise, or no
platform) is drawn red with its reason in the tooltip, so 补链/强链 candidates stand out.
"""

from __future__ import annotations

from innodrive.chains.export import gap_text
from innodrive.chains.models import SEGMENTS, ChainView, NodeView

GAP = "#b3261e"
WEAK = "#f29900"
OK = "#1e8e3e"


def _tip(n: NodeView) -> str:
    lines = [f"{n.name}（{n.segment}）", f"本地企业 {n.local_enterprises} 家，平台 {len(n.platforms)} 个"]
    leaders = [e["name"] for e in n.enterprises if e["leader"]]
    if leaders:
        lines.append("链主：" + "、".join(leaders))
    if n.gap_enterprise or n.gap_platform:
        lines.append("缺口：" + gap_text(n))
    for t in n.targets:
        lines.append("目标：" + t.text)
    return "\n".join(lines)


def _node(n: NodeView, kids: dict[str | None, list[NodeView]], link: str) -> dict:
    colour = GAP if n.gap_enterprise else WEAK if n.gap_platform else OK
    label = n.name + (f"（{n.local_enterprises}）" if n.local_enterprises else "（缺）" if n.gap_enterprise else "")
    out = {"name": label, "tip": _tip(n), "link": f"{link}#node-{n.code}",
           "itemStyle": {"color": colour, "borderColor": colour},
           "label": {"color": GAP if n.gap_enterprise else "#202124"}}
    children = [_node(k, kids, link) for k in kids.get(n.code, [])]
    if children:
        out["children"] = children
    return out


def tree_option(v: ChainView, *, link: str) -> dict:
    """The chain as a left-to-right tree, with a legend of the colours in the title."""
    kids: dict[str | None, list[NodeView]] = {}
    for n in v.nodes:
        kids.setdefault(n.parent, []).append(n)
    segments = []
    for seg in SEGMENTS:
        top = [n for n in kids.get(None, []) if n.segment == seg]
        if top:
            segments.append({"name": seg, "tip": f"{seg}：{len(top)} 个环节", "itemStyle": {"color": "#5f6368"},
                             "children": [_node(n, kids, link) for n in top]})
    leaves = sum(1 for n in v.nodes if n.code not in kids)
    return {
        "__tooltip_text": True,
        "__points": len(v.nodes),
        "title": {"text": v.name, "subtext": "绿色：有本地企业和平台；橙色：无创新平台（强链）；红色：无本地企业（补链）；括号内为本地企业数",
                  "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "series": [{"type": "tree", "data": [{"name": v.name, "tip": v.description or v.name, "children": segments}],
                    "top": 60, "left": 140, "bottom": 20, "right": 200, "symbolSize": 10, "orient": "LR",
                    "initialTreeDepth": -1, "expandAndCollapse": False,
                    "label": {"position": "left", "verticalAlign": "middle", "align": "right", "fontSize": 12},
                    "leaves": {"label": {"position": "right", "verticalAlign": "middle", "align": "left"}}}],
        "__height": max(420, 40 + leaves * 30),
    }
