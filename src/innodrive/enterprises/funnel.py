"""The 梯度培育 funnel, computed purely from stage records and plan targets.

Each enterprise moves through 入库 → 培育 → 认定 → 瞪羚, one dated record per step.
For a region and a year this module counts, per stage, the enterprises holding the
stage at year end (titles expire: 入库 after a year, 高企 and 瞪羚 after three), the
first-time entrants of the year and all events of the year (first and repeated
recognitions), and sets them against the plan's targets for the matching catalogue
indicators (``hnte_count``, ``hnte_new_count``, ``hnte_certified_count``,
``tech_sme_count``, ``gazelle_count`` …). Stage definitions are data
(``rules/pipeline.yaml``). No database here: :mod:`.db` feeds it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from pydantic import BaseModel, Field

from innodrive.enterprises.fields import load_yaml_text
from innodrive.errors import InputError

STAGE_WORDS = {"入库": "registered", "科小入库": "registered", "培育": "cultivating", "入库培育": "cultivating",
               "认定": "recognised", "高企认定": "recognised", "瞪羚": "gazelle", "瞪羚企业": "gazelle"}


class StageDef(BaseModel):
    id: str
    label: str
    validity_years: int | None = None
    stock: str | None = None
    new: str | None = None
    certified: str | None = None
    programme: str | None = None


@cache
def stages() -> tuple[StageDef, ...]:
    text = resources.files("innodrive.enterprises").joinpath("rules").joinpath("pipeline.yaml").read_text(encoding="utf-8")
    return tuple(StageDef.model_validate(s) for s in load_yaml_text(text)["stages"])


def stage_id(word: str) -> str:
    """Accept the stage id or its Chinese name (入库/培育/认定/瞪羚)."""
    w = str(word).strip()
    ids = {s.id for s in stages()}
    if w in ids:
        return w
    if w in STAGE_WORDS:
        return STAGE_WORDS[w]
    raise InputError(f"未知的培育阶段“{w}”，应为 入库、培育、认定、瞪羚 之一")


class StageRecord(BaseModel):
    credit_code: str
    stage: str
    date: dt.date
    name: str | None = None
    region_code: str | None = None


class TargetCompare(BaseModel):
    indicator_code: str
    measure: str  # stock | new | certified
    label: str
    year: int
    value: float
    measured: int
    shortfall: float
    exact_year: bool = True


class FunnelRow(BaseModel):
    stage: str
    stage_label: str
    cumulative: int
    new_in_year: int
    events_in_year: int
    targets: list[TargetCompare] = Field(default_factory=list)
    within_reach: int | None = None

    # convenience for the one-line display of the first target
    @property
    def target_label(self) -> str | None:
        return self.targets[0].label if self.targets else None

    @property
    def target(self) -> float | None:
        return self.targets[0].value if self.targets else None

    @property
    def shortfall(self) -> float | None:
        return self.targets[0].shortfall if self.targets else None


class PlanTarget(BaseModel):
    """A plan target as the funnel needs it (from the living plan's stored targets)."""

    indicator_code: str
    year: int
    value: float
    label: str


def _active(records: list[StageRecord], stage: StageDef, year: int, all_records: list[StageRecord]) -> set[str]:
    end = dt.date(year, 12, 31)
    out = set()
    for r in records:
        if r.date > end:
            continue
        if stage.validity_years is None:
            # in the pool until a later recognition
            later = any(o.credit_code == r.credit_code and o.stage == "recognised" and r.date <= o.date <= end
                        for o in all_records)
            if not later:
                out.add(r.credit_code)
        elif r.date.year > year - stage.validity_years:
            out.add(r.credit_code)
    return out


def compute_funnel(records: list[StageRecord], *, year: int, targets: list[PlanTarget] | None = None,
                   within_reach: dict[str, int] | None = None) -> list[FunnelRow]:
    """Counts per stage for ``year`` (records already limited to the region), with targets."""
    rows = []
    targets = targets or []
    for s in stages():
        recs = [r for r in records if r.stage == s.id]
        first: dict[str, dt.date] = {}
        for r in recs:
            if r.credit_code not in first or r.date < first[r.credit_code]:
                first[r.credit_code] = r.date
        cumulative = len(_active(recs, s, year, records))
        new = sum(1 for d in first.values() if d.year == year)
        events = len({r.credit_code for r in recs if r.date.year == year})
        measured = {"stock": cumulative, "new": new, "certified": events}
        compares = []
        for measure in ("stock", "new", "certified"):
            code = getattr(s, measure, None)
            if not code:
                continue
            exact = [t for t in targets if t.indicator_code == code and t.year == year]
            later = sorted((t for t in targets if t.indicator_code == code and t.year > year), key=lambda t: t.year)
            chosen = exact[:1] or (later[:1] if measure == "stock" else [])
            for t in chosen:
                compares.append(TargetCompare(
                    indicator_code=code, measure=measure, label=t.label if t.year == year else f"{t.label}（{t.year}年目标）",
                    year=t.year, value=t.value, measured=measured[measure],
                    shortfall=max(0.0, t.value - measured[measure]), exact_year=t.year == year))
        rows.append(FunnelRow(stage=s.id, stage_label=s.label, cumulative=cumulative, new_in_year=new,
                              events_in_year=events, targets=compares,
                              within_reach=(within_reach or {}).get(s.id)))
    return rows
