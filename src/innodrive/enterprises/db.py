"""Pipeline records in the living-plan store, and the funnel report built from them.

The store (``innodrive.store``) owns engines, sessions and migrations; this module
declares the one table of the enterprise pipeline on the store's declarative ``Base``
(created by the migration ``0100_enterprise_pipeline``), imports stage records from a
CSV/XLSX ledger (all rows checked first; any bad row and nothing is written), and
assembles :func:`funnel_report`: the pure funnel of :mod:`.funnel` against the plan
targets read through :func:`innodrive.plans.storage.stored_targets`, with the number of
candidates within reach taken from a screened registry.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from innodrive.enterprises import credit_code as cc
from innodrive.enterprises.funnel import FunnelRow, PlanTarget, StageRecord, compute_funnel, stage_id, stages
from innodrive.errors import InputError, Problem, ValidationFailed
from innodrive.store.schema import Base, utcnow


class PipelineRow(Base):
    """One dated step of one enterprise through the cultivation pipeline."""

    __tablename__ = "enterprise_pipeline"
    __table_args__ = (UniqueConstraint("credit_code", "stage", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))


LEDGER_HEADERS = {"统一社会信用代码": "credit_code", "企业名称": "name", "所属地区": "region", "阶段": "stage",
                  "日期": "date"}


def _region_code(name: str | None) -> tuple[str | None, str | None]:
    """(code, None) or (None, why) through the one region resolver (codes, 凉山州 …)."""
    if name is None or not str(name).strip():
        return None, None
    from innodrive.store.reference import resolve_region

    return resolve_region(str(name))


def read_ledger(path: str | Path, *, today: dt.date | None = None) -> list[StageRecord]:
    """Stage records from a ledger file; every bad row is reported, none is returned then."""
    from innodrive.safeio import read_input

    p = Path(path)
    return read_ledger_bytes(read_input(p, what="培育台账"), name=p.name, today=today)


def read_ledger_bytes(data: bytes, *, name: str, today: dt.date | None = None) -> list[StageRecord]:
    """Stage records from the bytes of a ledger (CSV or XLSX named ``name``)."""
    from innodrive.enterprises.registry import _to_date, read_table_bytes
    from innodrive.tabular import wide_row_head

    raw = read_table_bytes(data, name=name)
    today = today or dt.date.today()
    cols = {c: LEDGER_HEADERS.get(str(c).strip(), str(c).strip()) for c in raw.columns}
    missing = [h for h, f in LEDGER_HEADERS.items() if f in ("credit_code", "stage", "date") and f not in cols.values()]
    if missing:
        raise InputError(f"培育台账缺少列：{'、'.join(missing)}", file=name)
    lines = raw.attrs["row_numbers"].tolist()
    wide = raw.attrs["wide_rows"]
    raw = raw.rename(columns=cols)
    out, problems = [], []
    for i, rec in enumerate(raw.to_dict("records")):
        row = lines[i]
        if row in wide:
            problems.append(Problem(wide_row_head(*wide[row]) + "，无法确定各值对应的列，整行未导入；"
                                    "请检查该行是否有未加引号的逗号", file=name, row=row))
            continue
        code = str(rec.get("credit_code") or "").strip()
        msg = cc.problem(code) if code else "必填项为空"
        if msg:
            problems.append(Problem(msg, file=name, row=row, field="统一社会信用代码"))
            continue
        try:
            stage = stage_id(rec.get("stage") or "")
        except InputError as exc:
            problems.append(Problem(exc.message, file=name, row=row, field="阶段"))
            continue
        d = _to_date(rec.get("date"))
        if d is None:
            problems.append(Problem(f"日期格式无法识别：“{rec.get('date')}”", file=name, row=row, field="日期"))
            continue
        if d > today:
            problems.append(Problem(f"日期 {d.isoformat()} 晚于今天", file=name, row=row, field="日期"))
            continue
        region = rec.get("region")
        code_r, why = _region_code(region)
        if why:
            problems.append(Problem(why, file=name, row=row, field="所属地区"))
            continue
        enterprise = rec.get("name")
        out.append(StageRecord(credit_code=cc.normalise(code), stage=stage, date=d, region_code=code_r,
                               name=None if enterprise in (None, "") else str(enterprise)))
    if problems:
        raise ValidationFailed(f"培育台账有 {len(problems)} 处问题，未导入任何记录：{problems[0]}",
                               file=name, problems=problems)
    return out


def record_stages(store, records: list[StageRecord], *, actor: str, source: str | None = None) -> int:
    """Store records not yet present (same code, stage and date); returns how many were added."""
    return store.run(lambda session: record_stages_in(session, records, actor=actor, source=source))


def record_stages_in(session, records: list[StageRecord], *, actor: str, source: str | None = None) -> int:
    """:func:`record_stages` inside the caller's write transaction (so the audit entry
    and the rows are one commit)."""
    added = 0
    for r in records:
        exists = session.scalar(select(PipelineRow.id).where(
            PipelineRow.credit_code == r.credit_code, PipelineRow.stage == r.stage, PipelineRow.date == r.date))
        if exists is None:
            session.add(PipelineRow(credit_code=r.credit_code, name=r.name, region_code=r.region_code,
                                    stage=r.stage, date=r.date, source=source, recorded_at=utcnow(),
                                    recorded_by=actor))
            added += 1
    session.flush()
    return added


def load_stages(store, *, region_code: str | None = None) -> list[StageRecord]:
    """Stage records of a region (and everything under it), or all."""
    from innodrive.regions import all_regions

    regions = all_regions()
    out = []
    with store.read() as session:
        for r in session.scalars(select(PipelineRow).order_by(PipelineRow.date, PipelineRow.id)):
            if region_code and not (r.region_code and regions.is_within(r.region_code, region_code)):
                continue
            out.append(StageRecord(credit_code=r.credit_code, stage=r.stage, date=r.date, name=r.name,
                                   region_code=r.region_code))
    return out


def plan_targets(store, *, region_code: str | None) -> tuple[list[PlanTarget], list[str]]:
    """Numeric plan targets of the region linked to the funnel's indicators (+ notes on
    linked targets that cannot be compared, e.g. 倍增 without a baseline)."""
    from innodrive.plans.storage import stored_targets

    codes = {getattr(s, m) for s in stages() for m in ("stock", "new", "certified") if getattr(s, m, None)}
    out, notes = [], []
    for st in stored_targets(store, region_code=region_code):
        if st.indicator_code not in codes:
            continue
        t = st.target
        if t.kind == "number" and t.value is not None and t.year is not None and (t.unit in (None, "家", "户", "个")):
            out.append(PlanTarget(indicator_code=st.indicator_code, year=t.year, value=float(t.value),
                                  label=t.indicator))
        else:
            notes.append(f"计划目标“{t.evidence.text}”（{t.kind}）无法直接与企业数比较，未纳入漏斗")
    return out, notes


class FunnelReport(BaseModel):
    region: str | None
    region_code: str | None
    year: int
    rows: list[FunnelRow]
    notes: list[str] = Field(default_factory=list)
    imported: int = 0


def within_reach_counts(registry, *, on: dt.date, region_code: str | None, holders: dict[str, set[str]]
                        ) -> dict[str, int]:
    """Per stage, registry enterprises of the region that qualify now or are within the
    programme's reach limits, and do not already hold the stage."""
    import numpy as np

    from innodrive.enterprises.screening import screen
    from innodrive.regions import all_regions

    frame = registry.frame
    keep = np.ones(len(frame), dtype=bool)
    if region_code:
        regions = all_regions()
        names = frame.get("region", None)
        if names is None:
            keep[:] = False
        else:
            cache: dict[str, bool] = {}
            for i, n in enumerate(names.to_numpy()):
                if n not in cache:
                    code, _ = _region_code(n)
                    cache[n] = bool(code and regions.is_within(code, region_code))
                keep[i] = cache[n]
    from innodrive.enterprises.registry import Registry

    sub = Registry(frame=frame[keep].reset_index(drop=True), row_numbers=registry.row_numbers[keep],
                   problems=registry.problems, total_rows=registry.total_rows, file=registry.file)
    wanted = sorted({s.programme for s in stages() if s.programme})
    result = screen(sub, on=on, programmes=wanted, with_incentives=False)
    codes = sub.frame["credit_code"].to_numpy()
    out = {}
    for s in stages():
        if not s.programme or s.programme not in result.within_reach:
            continue
        reach = result.within_reach[s.programme]
        held = holders.get(s.id, set())
        out[s.id] = int(sum(1 for i in np.flatnonzero(reach) if codes[i] not in held))
    return out


def funnel(store, *, region_code: str | None, year: int, on: dt.date, registry=None,
           region: str | None = None) -> FunnelReport:
    """The funnel of a region (already resolved to its code) for ``year`` against its plan
    targets, with candidates within reach when a checked ``registry`` is given."""
    from innodrive.enterprises.funnel import _active

    records = load_stages(store, region_code=region_code)
    targets, notes = plan_targets(store, region_code=region_code)
    reach = None
    if registry is not None:
        holders = {s.id: _active([r for r in records if r.stage == s.id], s, year, records) for s in stages()}
        reach = within_reach_counts(registry, on=on, region_code=region_code, holders=holders)
    rows = compute_funnel(records, year=year, targets=targets, within_reach=reach)
    if not records:
        notes.append("尚无培育阶段记录：可导入培育台账（统一社会信用代码、企业名称、所属地区、阶段、日期）")
    if not targets:
        notes.append("活计划中没有与漏斗指标关联的数值目标（请先导入计划并关联指标）")
    return FunnelReport(region=region, region_code=region_code, year=year, rows=rows, notes=notes)
