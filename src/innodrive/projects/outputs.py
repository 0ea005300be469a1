"""Project outputs (patents, 成果, revenue) and the catalogue indicators they count in.

Which kind of output counts in which indicator is data (``outputs.yaml``). Outputs are
summed per region of the call, indicator and year (the year the patent was granted, the
成果 obtained, the revenue earned); the totals are stored as observations with their
source, so a plan target about the outputs of funded projects is tracked like any
other. See ``outputs.yaml`` for why these are indicators of their own and not the
official patent statistics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel

from innodrive.errors import InputError


@dataclass(frozen=True)
class OutputKind:
    id: str
    label: str
    unit: str
    measure: str  # count | amount
    indicators: tuple[str, ...]


@cache
def kinds() -> dict[str, OutputKind]:
    text = resources.files("innodrive.projects").joinpath("outputs.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    out = {k: OutputKind(id=k, label=v["label"], unit=v["unit"], measure=v["measure"],
                         indicators=tuple(v.get("indicators") or ())) for k, v in raw["kinds"].items()}
    from innodrive.indicators.catalogue import load_catalogue

    catalogue = load_catalogue()
    unknown = sorted({c for k in out.values() for c in k.indicators if catalogue.get(c) is None})
    if unknown:
        raise RuntimeError(f"outputs.yaml names indicators missing from the catalogue: {unknown}")
    return out


def kind_id(text: str) -> str:
    """``发明专利授权`` or ``invention_patent`` → ``invention_patent``."""
    t = (text or "").strip()
    for k in kinds().values():
        if t in (k.id, k.label):
            return k.id
    raise InputError(f"无法识别的成果类型“{text}”；可用：{'、'.join(k.label for k in kinds().values())}",
                     field="kind")


class OutputItem(BaseModel):
    """One registered output, as far as counting needs it."""

    project: str
    region_code: str
    kind: str
    on: dt.date
    quantity: float = 1.0
    amount: float | None = None


Key = tuple[str, str, str]  # region_code, indicator_code, period


def totals(items: list[OutputItem]) -> dict[Key, tuple[float, list[str]]]:
    """(region, indicator, year) → (total, projects that contributed)."""
    out: dict[Key, tuple[float, list[str]]] = {}
    table = kinds()
    for it in items:
        k = table[it.kind]
        value = (it.amount or 0.0) if k.measure == "amount" else it.quantity
        for code in k.indicators:
            key = (it.region_code, code, str(it.on.year))
            total, projects = out.get(key, (0.0, []))
            if it.project not in projects:
                projects = [*projects, it.project]
            out[key] = (round(total + value, 4), projects)
    return out


SOURCE = "innodrive 科技项目成果登记（财政资助的科技计划项目，含揭榜挂帅项目）"


def note_text(projects: list[str]) -> str:
    """Which projects a total counts (the source stays the same, so a new project is a revision)."""
    if not projects:
        return "仅统计在 innodrive 登记的项目成果；目前没有登记的成果"
    names = "、".join(sorted(projects)[:20]) + ("等" if len(projects) > 20 else "")
    return f"仅统计在 innodrive 登记的项目成果；{len(projects)} 个项目：{names}"
