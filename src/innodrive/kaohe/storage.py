"""Persistence of the 考核: frameworks, cycles, figures, items, runs and appeals.

Functions over a SQLAlchemy session (the services own the transactions, the rights
and the audit log) plus :func:`gather_inputs`, which reads everything a scoring run
needs — the catalogue's observations, the task ledger (through
:func:`innodrive.plans.board.task_board`, the same task lights the board shows),
the imported figures, the items and the accepted appeals' corrections — into
:class:`~innodrive.kaohe.model.UnitInputs` with the source of every value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from innodrive.errors import NotFound
from innodrive.kaohe.db import (
    KaoheAppealRow,
    KaoheCycleRow,
    KaoheFrameworkRow,
    KaoheItemRow,
    KaoheRunRow,
    KaoheValueRow,
)
from innodrive.kaohe.framework import KaoheFramework, parse_kaohe_framework
from innodrive.kaohe.model import CycleResult, EvidenceRef, Fact, Item, Source, UnitInputs
from innodrive.kaohe.scheme import Scheme, normalise_unit, parse_scheme
from innodrive.store.schema import utcnow


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- frameworks ------------------------------------------------------------------


@lru_cache(maxsize=256)
def _parse_framework_text(text: str, file: str) -> KaoheFramework:
    from innodrive.safeio import load_yaml

    return parse_kaohe_framework(load_yaml(text, name=file), file=file, text=text)


def framework_of(row: KaoheFrameworkRow) -> KaoheFramework:
    return _parse_framework_text(row.text, row.file_name)


def framework_rows(session: Session, *, region_code: str | None = None, unit_type: str | None = None,
                   year: int | None = None) -> list[KaoheFrameworkRow]:
    q = select(KaoheFrameworkRow)
    if region_code is not None:
        q = q.where(KaoheFrameworkRow.region_code == region_code)
    if unit_type is not None:
        q = q.where(KaoheFrameworkRow.unit_type == unit_type)
    if year is not None:
        q = q.where(KaoheFrameworkRow.year == year)
    return list(session.scalars(q.order_by(KaoheFrameworkRow.region_code, KaoheFrameworkRow.unit_type,
                                           KaoheFrameworkRow.year, KaoheFrameworkRow.revision)))


def current_frameworks(session: Session, region_code: str, year: int) -> dict[str, KaoheFrameworkRow]:
    """The newest revision of each unit type's framework for ``year``."""
    out: dict[str, KaoheFrameworkRow] = {}
    for row in framework_rows(session, region_code=region_code, year=year):
        out[row.unit_type] = row  # ordered by revision: the last one wins
    return out


def add_framework(session: Session, fw: KaoheFramework, *, region_code: str, file_name: str,
                  actor: str) -> tuple[KaoheFrameworkRow, bool]:
    """Store a framework version; ``(row, False)`` when the newest stored one is the same text."""
    existing = framework_rows(session, region_code=region_code, unit_type=fw.unit_type, year=fw.year)
    if existing and existing[-1].sha256 == fw.sha256:
        return existing[-1], False
    row = KaoheFrameworkRow(region_code=region_code, unit_type=fw.unit_type, year=fw.year,
                            revision=(existing[-1].revision + 1) if existing else 1, framework_id=fw.id,
                            version=fw.version, name=fw.name, file_name=file_name, text=fw.text, sha256=fw.sha256,
                            added_at=utcnow(), added_by=actor)
    session.add(row)
    session.flush()
    return row, True


# -- cycles ----------------------------------------------------------------------


def cycle_row(session: Session, cycle_id: int, *, lock: bool = False) -> KaoheCycleRow:
    row = session.get(KaoheCycleRow, cycle_id, with_for_update=lock)
    if row is None:
        raise NotFound(f"没有编号为 {cycle_id} 的年度考核", field="cycle")
    return row


@lru_cache(maxsize=64)
def _parse_scheme_text(text: str, file: str) -> Scheme:
    from innodrive.safeio import load_yaml

    return parse_scheme(load_yaml(text, name=file), file=file)


def scheme_of(row: KaoheCycleRow) -> Scheme:
    return _parse_scheme_text(row.scheme_text, row.file_name)


def cycle_rows(session: Session) -> list[KaoheCycleRow]:
    return list(session.scalars(select(KaoheCycleRow).order_by(KaoheCycleRow.year.desc(), KaoheCycleRow.id)))


def frameworks_for_cycle(session: Session, row: KaoheCycleRow) -> dict[str, KaoheFramework]:
    return {t: framework_of(r) for t, r in current_frameworks(session, row.region_code, row.year).items()}


# -- figures and items -------------------------------------------------------------


def current_values(session: Session, cycle_id: int) -> list[KaoheValueRow]:
    return list(session.scalars(select(KaoheValueRow).where(KaoheValueRow.cycle_id == cycle_id)
                                .where(KaoheValueRow.current.is_(True)).order_by(KaoheValueRow.id)))


def item_rows(session: Session, cycle_id: int, *, unit: str | None = None) -> list[KaoheItemRow]:
    q = select(KaoheItemRow).where(KaoheItemRow.cycle_id == cycle_id)
    if unit is not None:
        q = q.where(KaoheItemRow.unit == unit)
    return list(session.scalars(q.order_by(KaoheItemRow.id)))


def item_model(r: KaoheItemRow) -> Item:
    withdrawn = None
    if r.withdrawn_at is not None:
        withdrawn = f"{r.withdrawn_reason or '已撤销'}（{r.withdrawn_by}，{r.withdrawn_at.date().isoformat()}）"
    return Item(id=r.id, unit=r.unit, code=r.code, title=r.title, evidence=r.evidence,
                files=[EvidenceRef(**f) for f in r.files or []], occurred_on=r.occurred_on, source=r.source,
                withdrawn=withdrawn)


# -- runs and appeals ------------------------------------------------------------


def run_rows(session: Session, cycle_id: int) -> list[KaoheRunRow]:
    return list(session.scalars(select(KaoheRunRow).where(KaoheRunRow.cycle_id == cycle_id)
                                .order_by(KaoheRunRow.number)))


def latest_run(session: Session, cycle_id: int) -> KaoheRunRow | None:
    rows = run_rows(session, cycle_id)
    return rows[-1] if rows else None


def result_of(row: KaoheRunRow) -> CycleResult:
    return CycleResult.model_validate(row.result)


def add_run(session: Session, cycle_id: int, result: CycleResult, *, stage: str, actor: str,
            note: str | None = None) -> KaoheRunRow:
    number = (session.scalar(select(func.max(KaoheRunRow.number)).where(KaoheRunRow.cycle_id == cycle_id)) or 0) + 1
    data = result.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    row = KaoheRunRow(cycle_id=cycle_id, number=number, stage=stage, as_of=result.as_of, result=data, sha256=digest,
                      note=note, created_at=utcnow(), created_by=actor)
    session.add(row)
    session.flush()
    return row


def appeal_rows(session: Session, cycle_id: int, *, unit: str | None = None,
                state: str | None = None) -> list[KaoheAppealRow]:
    q = select(KaoheAppealRow).where(KaoheAppealRow.cycle_id == cycle_id)
    if unit is not None:
        q = q.where(KaoheAppealRow.unit == unit)
    if state is not None:
        q = q.where(KaoheAppealRow.state == state)
    return list(session.scalars(q.order_by(KaoheAppealRow.id)))


# -- inputs for a scoring run ------------------------------------------------------


def _year_period(year: int, periods: list[str]) -> str | None:
    """The period that stands for the year: the annual figure, else one ending on 31 December."""
    from innodrive.indicators.periods import period_end

    if str(year) in periods:
        return str(year)
    ends = sorted(p for p in periods if period_end(p) == dt.date(year, 12, 31))
    return ends[-1] if ends else None


def _observations(store, scheme: Scheme, frameworks: dict[str, KaoheFramework]) -> dict[str, dict[str, Fact]]:
    from innodrive.indicators.observations import latest
    from innodrive.regions import all_regions

    regions = all_regions()
    codes = sorted({c for fw in frameworks.values() for c, s in fw.sources.items() if s == "observations"})
    units = [u for u in scheme.units if u.region_code]
    if not codes or not units:
        return {}
    found = latest(store, indicator_codes=codes, region_codes=[u.region_code for u in units])
    by_key: dict[tuple[str, str], dict[str, object]] = {}
    for o in found:
        by_key.setdefault((o.region_code, o.indicator_code), {})[o.period] = o
    out: dict[str, dict[str, Fact]] = {}
    for u in units:
        for code in codes:
            periods = by_key.get((u.region_code, code), {})
            p = _year_period(scheme.year, list(periods))
            if p is None:
                continue
            o = periods[p]
            region = regions.get(u.region_code)
            rev = f"，第 {o.revision} 版" if o.revision > 1 else ""
            origin = "（由组成指标计算）" if o.origin == "derived" else ""
            text = (f"{region.name if region else u.region_code} {p} 年统计数据{origin}：{o.value:g}{o.unit}；"
                    f"来源：{o.source}{rev}（{o.recorded_by} {o.recorded_at.date().isoformat()} 录入）")
            out.setdefault(u.name, {})[code] = Fact(value=o.value, unit=o.unit, source=Source(
                kind="observation", text=text, ref={"observation_id": o.id, "period": p, "revision": o.revision}))
    return out


def _tasks(store, actor, scheme: Scheme, frameworks: dict[str, KaoheFramework], inputs: dict[str, UnitInputs]) -> None:
    """Each unit's ledger tasks and reviewed reports, from the task board at the cut-off
    (the living plan's service, as the acting office sees it)."""
    from innodrive.kaohe.taskmetrics import task_fact
    from innodrive.regions import all_regions
    from innodrive.services.board import tasks as task_board

    regions = all_regions()
    lines = task_board(store, actor, as_of=scheme.cutoff).lines
    start = dt.date(scheme.year, 1, 1)
    for line in lines:
        task = line.task
        if scheme.region_code and not (task.region_code == scheme.region_code or (
                task.region_code and regions.is_within(task.region_code, scheme.region_code))):
            continue
        lead = {normalise_unit(x) for x in task.lead_units}
        co = {normalise_unit(x) for x in task.co_units}
        for u in scheme.units:
            names = u.names()
            role = "lead" if names & lead else "co" if names & co else None
            if role is None:
                continue
            status = line.status
            inputs[u.name].tasks.append(task_fact(
                task_id=task.id, title=task.title, plan_title=task.plan_title, role=role, deadline=line.deadline,
                completed_on=status.completed_on if status.completed else None, year=scheme.year,
                cutoff=scheme.cutoff, reason=status.reason.rstrip("。")))
            fw = frameworks.get(u.type)
            if fw is not None and (role == "lead" or fw.tasks.role == "any"):
                for r in task.reports:
                    if start <= r.as_of <= scheme.cutoff:
                        if r.review_state == "approved":
                            inputs[u.name].reports_approved += 1
                        elif r.review_state == "returned":
                            inputs[u.name].reports_returned += 1


def gather_inputs(store, session: Session, cycle: KaoheCycleRow, scheme: Scheme,
                  frameworks: dict[str, KaoheFramework], *, actor) -> dict[str, UnitInputs]:
    """Everything the scoring needs, for every unit, with the source of every value."""
    inputs = {u.name: UnitInputs(unit=u.name) for u in scheme.units}
    for unit, facts in _observations(store, scheme, frameworks).items():
        inputs[unit].values.update(facts)
    _tasks(store, actor, scheme, frameworks, inputs)
    for v in current_values(session, cycle.id):
        if v.unit not in inputs:
            continue
        where = f"{v.file_name} 第 {v.row} 行" if v.file_name and v.row else (v.file_name or "")
        text = f"{v.source}（{where}，{v.recorded_by} {v.recorded_at.date().isoformat()} 导入）" if where else v.source
        fact = Fact(value=v.value, unit=v.unit_label, source=Source(kind="data", text=text, ref={"value_id": v.id}))
        (inputs[v.unit].targets if v.kind == "target" else inputs[v.unit].values)[v.indicator_code] = fact
    for r in item_rows(session, cycle.id):
        if r.unit in inputs:
            inputs[r.unit].items.append(item_model(r))
    for a in appeal_rows(session, cycle.id, state="accepted"):
        apply_correction(inputs.get(a.unit), a)
    return inputs


def apply_correction(inputs: UnitInputs | None, appeal: KaoheAppealRow) -> None:
    """An accepted appeal's correction on a unit's inputs (values, targets, tasks).

    Items are corrected at the decision itself (withdrawn or added as rows), so a
    later run sees them like any other item.
    """
    if inputs is None or not appeal.correction:
        return
    c = appeal.correction
    when = appeal.decided_at.date().isoformat() if appeal.decided_at else ""
    note = f"经申诉 #{appeal.id} 更正（{appeal.decided_by} {when} 决定：{appeal.decision}）"
    kind = c.get("kind")
    if kind in ("value", "target"):
        old = (inputs.targets if kind == "target" else inputs.values).get(c["indicator"])
        before = "未知" if old is None or old.value is None else f"{old.value:g}"
        fact = Fact(value=float(c["value"]), unit=c.get("unit"), source=Source(
            kind="correction", text=f"{note}：原值 {before} → {float(c['value']):g}；依据：{c.get('source') or appeal.claim}",
            ref={"appeal_id": appeal.id}))
        (inputs.targets if kind == "target" else inputs.values)[c["indicator"]] = fact
    elif kind == "task":
        for i, t in enumerate(inputs.tasks):
            if t.task_id != int(c["task_id"]):
                continue
            if c.get("exclude"):
                inputs.tasks[i] = t.model_copy(update={"excluded": note})
            elif c.get("completed_on"):
                done = dt.date.fromisoformat(c["completed_on"])
                on_time = t.deadline is not None and done <= t.deadline
                inputs.tasks[i] = t.model_copy(update={"completed": True, "completed_on": done, "on_time": on_time,
                                                       "overdue": False, "reason": f"{note}：认定 {done} 完成"})
    inputs.corrections.append(appeal.id)


__all__ = ["add_framework", "add_run", "appeal_rows", "apply_correction", "current_frameworks", "current_values",
           "cycle_row", "cycle_rows", "framework_of", "framework_rows", "frameworks_for_cycle", "gather_inputs",
           "item_model", "item_rows", "latest_run", "result_of", "run_rows", "scheme_of", "sha256_text"]
