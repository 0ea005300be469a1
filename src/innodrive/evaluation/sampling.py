"""A stratified random sample, reproducible from its recorded seed (pure, NumPy).

Third-party evaluators (and 专项督查 campaigns) check a sample, not everything, and must
be able to show that nobody chose which items to look at. So the sample is drawn by a
declared design from a recorded frame with a recorded seed, and anyone holding the
three can draw it again and get the same items:

* the **frame** is the list of items (progress reports, tasks), each with its id and
  the attributes it is stratified by; it is put in a canonical order (by id) and its
  SHA-256 is recorded;
* the **design** names the strata (``by``: unit, status …) and the allocation of the
  sample size to them — ``proportional`` (to the stratum's size), ``equal`` or ``fixed``
  (``per_stratum`` each) — with at least ``min_per_stratum`` from every stratum;
* the **draw** uses ``numpy.random.Generator(PCG64(seed))``: strata in sorted order,
  one uniform number per item of the stratum (every item, always, so the stream does
  not depend on the allocation), and the ``n_h`` items with the smallest numbers are
  taken — simple random sampling without replacement within each stratum.

Each sampled item carries its design weight ``N_h / n_h`` (how many frame items it
stands for), which the estimates use.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from innodrive.errors import InputError

Allocation = Literal["proportional", "equal", "fixed"]
ALLOCATION_NAMES = {"proportional": "按层规模比例分配", "equal": "各层等量分配", "fixed": "每层固定数量"}
SEED_BITS = 64
MAX_FRAME = 1_000_000


class Design(BaseModel):
    """How to stratify and allocate (declared, recorded with the sample)."""

    model_config = ConfigDict(extra="forbid")
    by: list[str] = Field(default_factory=list, description="attributes that define the strata, in order")
    allocation: Allocation = "proportional"
    size: int | None = Field(default=None, ge=1, le=100_000, description="total sample size")
    per_stratum: int | None = Field(default=None, ge=1, le=100_000, description="for allocation=fixed")
    min_per_stratum: int = Field(default=1, ge=0, le=1000)

    @model_validator(mode="after")
    def _complete(self) -> Design:
        if self.allocation == "fixed":
            if self.per_stratum is None:
                raise ValueError("每层固定数量的分配方式须给出每层样本量（per_stratum）")
        elif self.size is None:
            raise ValueError("须给出样本总量（size）")
        if len(set(self.by)) != len(self.by):
            raise ValueError("分层变量重复")
        return self


class FrameItem(BaseModel):
    """One item that may be drawn: its id and the attributes the design stratifies by."""

    id: int
    attrs: dict[str, str] = Field(default_factory=dict)


class Drawn(BaseModel):
    id: int
    stratum: str
    weight: float = Field(description="N_h / n_h: frame items this sampled item stands for")


class StratumCount(BaseModel):
    stratum: str
    values: list[str]
    population: int
    sample: int


class Draw(BaseModel):
    seed: str
    design: Design
    frame_size: int
    frame_sha256: str
    strata: list[StratumCount]
    items: list[Drawn]
    generator: str = "numpy.random.Generator(PCG64)"


def new_seed() -> str:
    """A fresh seed from the operating system's entropy (recorded, so the draw stays reproducible)."""
    return str(int(np.random.SeedSequence().generate_state(1, np.uint64)[0]))


def parse_seed(seed: str | int | None) -> int:
    if seed is None or str(seed).strip() == "":
        raise InputError("随机种子为空", field="seed")
    text = str(seed).strip()
    if not text.isdecimal() or len(text) > 39:
        raise InputError(f"随机种子应为非负整数（不超过 39 位），实际为“{text[:40]}”", field="seed")
    return int(text)


def stratum_values(item: FrameItem, by: list[str]) -> list[str]:
    return [item.attrs.get(k) or "（未填）" for k in by]


def stratum_label(values: list[str]) -> str:
    return " / ".join(values) if values else "全部"


def frame_digest(frame: list[FrameItem], by: list[str]) -> str:
    """SHA-256 of the frame in canonical order: every (id, stratum values)."""
    rows = sorted(([it.id, stratum_values(it, by)] for it in frame), key=lambda r: r[0])
    body = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def allocate(populations: dict[str, int], design: Design) -> dict[str, int]:
    """Sample sizes per stratum (keys in sorted order), deterministic.

    ``proportional`` and ``equal`` first give every stratum its minimum (or all of it,
    when smaller), then hand out the rest one at a time to the stratum furthest below
    its share (ties: the first stratum in order), never beyond a stratum's size.
    """
    keys = sorted(populations)
    if design.allocation == "fixed":
        return {k: min(design.per_stratum or 0, populations[k]) for k in keys}
    total = sum(populations.values())
    n = min(design.size or 0, total)
    base = {k: min(design.min_per_stratum, populations[k]) for k in keys}
    if sum(base.values()) > n:
        raise InputError(f"样本总量 {n} 不足以从 {len(keys)} 个层中各抽取至少 {design.min_per_stratum} 个；"
                         f"请增大样本量或减少分层变量", field="size")
    if design.allocation == "proportional":
        share = {k: n * populations[k] / total for k in keys} if total else dict.fromkeys(keys, 0.0)
    else:
        share = {k: n / len(keys) for k in keys} if keys else {}
    sizes = dict(base)
    for _ in range(n - sum(base.values())):
        open_keys = [k for k in keys if sizes[k] < populations[k]]
        if not open_keys:
            break
        best = max(open_keys, key=lambda k: (share[k] - sizes[k], -keys.index(k)))
        sizes[best] += 1
    return sizes


def draw(frame: list[FrameItem], design: Design, seed: str | int) -> Draw:
    """The stratified sample of ``frame`` by ``design`` with ``seed`` (see the module docstring)."""
    if not frame:
        raise InputError("抽样框为空：所选范围内没有可抽取的对象", field="frame")
    if len(frame) > MAX_FRAME:
        raise InputError(f"抽样框过大（{len(frame)} 项，上限 {MAX_FRAME}）", field="frame")
    ids = [it.id for it in frame]
    if len(set(ids)) != len(ids):
        raise InputError("抽样框中有重复编号", field="frame")
    seed_int = parse_seed(seed)
    groups: dict[str, list[FrameItem]] = {}
    values: dict[str, list[str]] = {}
    for it in sorted(frame, key=lambda x: x.id):
        v = stratum_values(it, design.by)
        key = json.dumps(v, ensure_ascii=False)
        groups.setdefault(key, []).append(it)
        values[key] = v
    sizes = allocate({k: len(g) for k, g in groups.items()}, design)
    rng = np.random.Generator(np.random.PCG64(seed_int))
    items: list[Drawn] = []
    strata = []
    for key in sorted(groups):
        members = groups[key]
        u = rng.random(len(members))
        n_h = sizes[key]
        chosen = sorted(np.argsort(u, kind="stable")[:n_h].tolist())
        label = stratum_label(values[key])
        for i in chosen:
            items.append(Drawn(id=members[i].id, stratum=label, weight=len(members) / n_h))
        strata.append(StratumCount(stratum=label, values=values[key], population=len(members), sample=n_h))
    return Draw(seed=str(seed_int), design=design, frame_size=len(frame), frame_sha256=frame_digest(frame, design.by),
                strata=strata, items=items)
