"""Links from target phrases to the indicator catalogue, and the catalogue itself.

A target is tracked once its phrase ("高新技术企业数量增长") is linked to a catalogue
indicator (``hnte_count``) whose observations feed it. Most links are found by name;
the rest are grouped here by phrase with their candidates, and a person decides once:
the decision is remembered for later documents and imports. A person may name the
indicator by code or by its Chinese name.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from innodrive.errors import NotFound
from innodrive.services.access import require
from innodrive.services.actor import Actor
from innodrive.store import Store


class Candidate(BaseModel):
    code: str
    name: str


class UnlinkedGroup(BaseModel):
    phrase: str
    target_ids: list[int]
    candidates: list[Candidate]


class LinkResult(BaseModel):
    phrase: str
    code: str
    name: str
    updated: int = Field(description="stored targets relinked")
    warning: str | None = None


class IndicatorView(BaseModel):
    code: str
    name: str
    unit: str
    aliases: list[str]
    direction: str | None = None
    definition: str | None = None


def indicators(actor: Actor, *, query: str | None = None) -> list[IndicatorView]:
    """The catalogue (optionally the indicators whose code or names contain ``query``)."""
    from innodrive.indicators.catalogue import load_catalogue, normalise_name

    require(actor, "plans.read")
    q = normalise_name(query) if query else None
    out = []
    for ind in load_catalogue():
        if q and not (q in ind.code.lower() or any(q in normalise_name(n) for n in ind.names)):
            continue
        out.append(IndicatorView(code=ind.code, name=ind.name, unit=ind.unit,
                                 aliases=[n for n in ind.names if n != ind.name],
                                 direction=getattr(ind, "direction", None),
                                 definition=getattr(ind, "definition", None)))
    return out


def resolve_indicator(ref: str) -> tuple[str, str]:
    """(code, name) of the catalogue indicator ``ref`` names: a code, a name or an alias."""
    from innodrive.indicators.catalogue import load_catalogue

    cat = load_catalogue()
    ref = (ref or "").strip()
    ind = cat.get(ref) or cat.by_name(ref)
    if ind is not None:
        return ind.code, ind.name
    from rapidfuzz import fuzz, process

    choices = {n: i for i in cat for n in (i.code, *i.names)}
    close: list[str] = []
    for n, _s, _ in process.extract(ref, list(choices), scorer=fuzz.WRatio, limit=8):
        label = f"{choices[n].name}（{choices[n].code}）"
        if label not in close:
            close.append(label)
    what = f"代码为“{ref}”的指标" if ref.isascii() else f"名称为“{ref}”的指标"
    raise NotFound(f"指标目录中没有{what}" + (f"；相近的指标：{'、'.join(close[:3])}" if close else ""),
                   field="indicator")


def unlinked(store: Store, actor: Actor) -> list[UnlinkedGroup]:
    """Targets (other than milestones) not yet linked, grouped by phrase, with candidates."""
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.plans.storage import stored_targets

    require(actor, "plans.read")
    cat = load_catalogue()
    grouped: dict[str, UnlinkedGroup] = {}
    for t in stored_targets(store):
        if t.indicator_code is not None or t.target.kind == "milestone" or not actor.covers(t.region_code):
            continue
        g = grouped.get(t.target.indicator)
        if g is None:
            g = grouped[t.target.indicator] = UnlinkedGroup(
                phrase=t.target.indicator, target_ids=[],
                candidates=[Candidate(code=c, name=cat.get(c).name) for c in t.link_candidates[:3] if cat.get(c)])
        g.target_ids.append(t.id)
    return list(grouped.values())


def link(store: Store, actor: Actor, *, phrase: str, indicator: str) -> LinkResult:
    """Link ``phrase`` to the catalogue indicator ``indicator`` (code or Chinese name)."""
    from innodrive.plans.links import remember

    require(actor, "links.write")
    code, name = resolve_indicator(indicator)
    n = remember(store, text=phrase, code=code, actor=actor.username)
    warning = None
    if n == 0:
        warning = (f"目前没有任何已存目标的指标名称写作“{phrase.strip()}”：对应关系已记住，"
                   f"将用于之后添加的文件和导入的数据；请核对名称是否与原文一致")
    return LinkResult(phrase=phrase.strip(), code=code, name=name, updated=n, warning=warning)


__all__ = ["Candidate", "IndicatorView", "LinkResult", "UnlinkedGroup", "indicators", "link", "resolve_indicator",
           "unlinked"]
