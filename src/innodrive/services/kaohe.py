"""Use cases of the annual 考核: frameworks, the year's scheme, data, scoring, 申诉, money, 通报 data.

Every function takes the store and the acting :class:`~innodrive.services.actor.Actor`,
checks the right (``kaohe.*`` in :mod:`innodrive.services.access`) and the scope, writes
the audit log in the same transaction as the change, and returns view models with
English keys. Scope: the office sees the cycles of its region; a 责任单位 account
(``unit``) and a 区县 account (``county``, by its region) see only their own unit's
results and appeals; the evaluator and the 人大 see results once they are final.

The cycle moves 设置 (``setup``) → 初步结果 (``preliminary``, after the first scoring:
units may appeal within the scheme's window) → 最终结果 (``final``: no pending appeal,
window closed). Accepting an appeal records its correction and scores the year again
(a ``review`` run), so the change to the unit's score is visible and audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from innodrive.blobs import Upload
from innodrive.errors import Conflict, Forbidden, InputError, NotFound
from innodrive.kaohe.diff import DiffLine, framework_diff
from innodrive.kaohe.framework import SOURCE_NAMES, KaoheFramework, describe_rule, load_kaohe_framework
from innodrive.kaohe.model import CycleResult, EvidenceRef, UnitResult
from innodrive.kaohe.scheme import Scheme, load_scheme, normalise_unit
from innodrive.services.access import require
from innodrive.services.actor import Actor, Role
from innodrive.store import Store, audit

STAGE_NAMES = {"setup": "设置", "preliminary": "初步结果", "final": "最终结果"}
RUN_STAGE_NAMES = {"preliminary": "初步结果", "review": "申诉复核", "final": "最终结果"}
APPEAL_STATES = {"pending": "待处理", "accepted": "已采纳", "rejected": "未采纳"}
MAX_EVIDENCE_FILES = 10


# -- view models ---------------------------------------------------------------------


class IndicatorView(BaseModel):
    code: str
    name: str
    unit: str | None
    source: str
    source_name: str
    rule: str | None


class DeclaredItemView(BaseModel):
    code: str
    kind: Literal["bonus", "deduction", "veto"]
    name: str
    points_each: float | None = None
    max: float | None = None
    when: str | None = None
    source: str = "items"


class FrameworkView(BaseModel):
    id: int
    region_code: str
    unit_type: str
    year: int
    revision: int
    framework_id: str
    version: str
    name: str
    file_name: str
    sha256: str
    added_at: dt.datetime
    added_by: str
    full_marks: float
    bonus_cap: float | None
    task_role: str
    no_tasks: str
    indicators: list[IndicatorView]
    items: list[DeclaredItemView]
    text: str


class FrameworkAdded(BaseModel):
    framework: FrameworkView
    created: bool


class FrameworkDiffView(BaseModel):
    unit_type: str
    region_code: str
    old: FrameworkView
    new: FrameworkView
    lines: list[DiffLine]


class GroupView(BaseModel):
    name: str
    types: list[str]
    grades: str
    allocation: str | None


class UnitView(BaseModel):
    name: str
    unit_type: str
    region_code: str | None
    aliases: list[str]


class RunView(BaseModel):
    id: int
    number: int
    stage: str
    stage_name: str
    as_of: dt.date
    sha256: str
    created_at: dt.datetime
    created_by: str
    note: str | None


class CycleView(BaseModel):
    id: int
    year: int
    name: str
    region_code: str
    region: str
    stage: str
    stage_name: str
    as_of: dt.date
    data_note: str | None
    appeal_opens: dt.date | None
    appeal_closes: dt.date | None
    groups: list[GroupView]
    units: list[UnitView]
    frameworks: dict[str, FrameworkView | None]
    runs: list[RunView]
    values: int
    items: int
    appeals_pending: int
    file_name: str
    sha256: str
    created_at: dt.datetime
    created_by: str


class ImportView(BaseModel):
    file: str
    rows: int
    added: int
    replaced: int
    unchanged: int
    dry_run: bool


class ItemView(BaseModel):
    id: int
    unit: str
    code: str
    kind: str
    name: str
    title: str
    evidence: str
    files: list[EvidenceRef]
    occurred_on: dt.date | None
    source: str | None
    withdrawn: str | None
    recorded_by: str


class ResultsView(BaseModel):
    cycle: CycleView
    run: RunView
    result: CycleResult = Field(description="filtered to what the actor may see")
    complete: bool = Field(description="every unit is shown (office) or only the actor's own")


class AppealView(BaseModel):
    id: int
    cycle_id: int
    run_number: int
    unit: str
    subject: str
    subject_label: str
    claim: str
    requested: dict
    files: list[EvidenceRef]
    filed_on: dt.date
    filed_by: str
    state: str
    state_name: str
    decision: str | None
    correction: dict | None
    effect: dict | None
    decided_at: dt.datetime | None
    decided_by: str | None


class AllocationLine(BaseModel):
    unit: str
    total: float
    grade: str
    rank: int
    weight: float
    exact: float
    amount: float
    reason: str


class AllocationView(BaseModel):
    group: str
    name: str
    pool: float
    unit: str
    method: str
    floor: float
    rule: str
    decimals: int
    lines: list[AllocationLine]
    allocated: float
    simulated: bool = Field(description="the rule was changed for this simulation (what-if)")


class TongbaoData(BaseModel):
    """Everything the 考核结果通报 prints, from one run (the writer adds only wording)."""

    cycle: CycleView
    run: RunView
    result: CycleResult
    allocations: list[AllocationView]
    appeals: list[AppealView]
    frameworks: list[FrameworkView]


# -- helpers -------------------------------------------------------------------------


def _framework_view(row, fw: KaoheFramework) -> FrameworkView:
    indicators = []
    for code in fw.engine.indicators:
        node = fw.engine.by_code[code]
        rule = fw.rule(code)
        src = fw.sources.get(code, "data")
        indicators.append(IndicatorView(code=code, name=node.name, unit=node.unit, source=src,
                                        source_name=SOURCE_NAMES.get(src, src),
                                        rule=describe_rule(fw, rule) if rule else None))
    items = [DeclaredItemView(code=b.code, kind="bonus", name=b.name, points_each=b.points_each, max=b.max)
             for b in fw.bonuses]
    items += [DeclaredItemView(code=d["code"], kind="deduction", name=str(d.get("name", d["code"])),
                               points_each=float(d["points_each"]), max=float(d["max"]),
                               source=fw.deduction_sources.get(d["code"], "items")) for d in fw.deductions()]
    items += [DeclaredItemView(code=v["code"], kind="veto", name=str(v.get("name", v["code"])),
                               when=str(v.get("when", ">0"))) for v in fw.vetoes()]
    return FrameworkView(id=row.id, region_code=row.region_code, unit_type=row.unit_type, year=row.year,
                         revision=row.revision, framework_id=row.framework_id, version=row.version, name=row.name,
                         file_name=row.file_name, sha256=row.sha256, added_at=_aware(row.added_at),
                         added_by=row.added_by, full_marks=fw.full_marks, bonus_cap=fw.bonus_cap,
                         task_role=fw.tasks.role, no_tasks=fw.tasks.no_tasks, indicators=indicators, items=items,
                         text=row.text)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _region(text: str | None, actor: Actor) -> str:
    """The region a framework or cycle belongs to: as written, else the actor's own."""
    from innodrive.regions import resolve

    if text:
        return resolve(text, field="region").code
    if actor.region_code:
        return actor.region_code
    raise InputError("请写明所属地区（框架文件中的 region，如 乐山市）", field="region")


def _run_view(row) -> RunView:
    return RunView(id=row.id, number=row.number, stage=row.stage, stage_name=RUN_STAGE_NAMES.get(row.stage, row.stage),
                   as_of=row.as_of, sha256=row.sha256, created_at=_aware(row.created_at), created_by=row.created_by,
                   note=row.note)


def _allocation_text(a) -> str | None:
    """The allocation rule in words (no spaces: it is printed in the 通报)."""
    if a is None:
        return None
    how = {"above_floor": f"按得分超过{a.floor:g}分部分的比例分配",
           "proportional": f"得分不低于{a.floor:g}分的，按得分比例分配",
           "grade_coefficients": "按等次系数分配（" + "，".join(f"{k}{v:g}" for k, v in a.coefficients.items()) + "）"}
    cap = f"，单个单位不超过{a.max_share:.0%}" if a.max_share else ""
    places = f"保留{a.decimals}位小数" if a.decimals else "取整"
    return f"{a.name}{a.pool:g}{a.unit}，{how[a.method]}{cap}，{places}（最大余数法，合计等于总额）"


def _cycle_view(session, row) -> CycleView:
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.scores import grade_rule_text
    from innodrive.regions import all_regions

    scheme = S.scheme_of(row)
    fws = S.current_frameworks(session, row.region_code, row.year)
    region = all_regions().get(row.region_code)
    groups = [GroupView(name=g.name, types=list(g.types),
                        grades=grade_rule_text(g.grades, sum(1 for u in scheme.units if u.type in g.types)),
                        allocation=_allocation_text(g.allocation)) for g in scheme.groups]
    return CycleView(
        id=row.id, year=row.year, name=row.name, region_code=row.region_code,
        region=region.name if region else row.region_code, stage=row.stage, stage_name=STAGE_NAMES[row.stage],
        as_of=scheme.cutoff, data_note=scheme.data_note,
        appeal_opens=scheme.appeal.opens if scheme.appeal else None,
        appeal_closes=scheme.appeal.closes if scheme.appeal else None, groups=groups,
        units=[UnitView(name=u.name, unit_type=u.type, region_code=u.region_code, aliases=list(u.aliases))
               for u in scheme.units],
        frameworks={t: (_framework_view(fws[t], S.framework_of(fws[t])) if t in fws else None) for t in scheme.types},
        runs=[_run_view(r) for r in S.run_rows(session, row.id)], values=len(S.current_values(session, row.id)),
        items=sum(1 for r in S.item_rows(session, row.id) if r.withdrawn_at is None),
        appeals_pending=len(S.appeal_rows(session, row.id, state="pending")), file_name=row.file_name,
        sha256=row.sha256, created_at=_aware(row.created_at), created_by=row.created_by)


def own_units(actor: Actor, scheme: Scheme) -> set[str] | None:
    """The units whose results ``actor`` may see: ``None`` for all of them."""
    if actor.local or actor.role in (Role.ADMIN, Role.OFFICE, Role.EVALUATOR, Role.NPC):
        return None
    if actor.role == Role.UNIT:
        key = normalise_unit(actor.unit or "")
        return {u.name for u in scheme.units if key and key in u.names()}
    if actor.role == Role.COUNTY:
        from innodrive.regions import all_regions

        regions = all_regions()
        return {u.name for u in scheme.units if u.region_code and actor.region_code and (
            u.region_code == actor.region_code or regions.is_within(u.region_code, actor.region_code))}
    return set()


def _open_cycle(session, actor: Actor, cycle_id: int, permission: str, *, lock: bool = False):
    """The cycle row and its scheme, if the actor may act on it at all."""
    from innodrive.kaohe import storage as S

    require(actor, permission)
    row = S.cycle_row(session, cycle_id, lock=lock)
    scheme = S.scheme_of(row)
    mine = own_units(actor, scheme)
    if mine is None:
        require(actor, permission, region_code=row.region_code, check_region=True, what=row.name)
    elif not mine:
        raise Forbidden(f"{actor.display}不是“{row.name}”的考核对象，无权查看", field="cycle")
    return row, scheme, mine


# -- frameworks ----------------------------------------------------------------------


def add_framework(store: Store, actor: Actor, data: bytes, *, file_name: str) -> FrameworkAdded:
    """Store a new version of a unit type's framework for a year (the text as written)."""
    from innodrive.kaohe import storage as S

    require(actor, "kaohe.manage")
    fw = load_kaohe_framework(data, file=file_name)
    region_code = _region(fw.region, actor)
    require(actor, "kaohe.manage", region_code=region_code, check_region=True, what=fw.name)

    def work(session) -> FrameworkAdded:
        for cycle in S.cycle_rows(session):
            if cycle.region_code == region_code and cycle.year == fw.year and cycle.stage == "final":
                raise Conflict(f"{fw.year} 年度考核已定档（最终结果），不能再修改该年度的考核框架", field="year")
        row, created = S.add_framework(session, fw, region_code=region_code, file_name=file_name,
                                       actor=actor.username)
        if created:
            audit.record(session, actor=actor.username, action="kaohe.framework.add", entity="kaohe_framework",
                         entity_id=row.id, summary=f"添加{fw.unit_type}考核框架“{fw.name}”（{fw.year} 年度第 "
                                                   f"{row.revision} 版，{file_name}）",
                         after={"unit_type": fw.unit_type, "year": fw.year, "revision": row.revision,
                                "sha256": fw.sha256, "file": file_name})
        return FrameworkAdded(framework=_framework_view(row, fw), created=created)

    return store.run(work)


def _related(code: str, other: str) -> bool:
    """One region lies within the other (a county's city, a city's counties) or they are the same."""
    from innodrive.regions import all_regions

    regions = all_regions()
    return code == other or regions.is_within(code, other) or regions.is_within(other, code)


def _framework_rows(session, actor: Actor, region: str | None, **filters):
    """Framework versions of the region asked for, else of the actor's region or the region
    that contains it (a 区县 account reads its city's frameworks)."""
    from innodrive.kaohe import storage as S

    if region:
        code = _region(region, actor)
        return [r for r in S.framework_rows(session, region_code=code, **filters)
                if actor.local or actor.role in (Role.UNIT, Role.COUNTY) or actor.covers(r.region_code)]
    rows = S.framework_rows(session, **filters)
    if actor.local or not actor.region_code:
        return rows
    return [r for r in rows if _related(r.region_code, actor.region_code)]


def list_frameworks(store: Store, actor: Actor, *, region: str | None = None, unit_type: str | None = None,
                    year: int | None = None) -> list[FrameworkView]:
    """Every stored framework version the actor may read (newest revision last). Frameworks
    are the rules the units are assessed by: every role that reads the 考核 may read them."""
    from innodrive.kaohe import storage as S

    require(actor, "kaohe.read")
    with store.read() as session:
        return [_framework_view(r, S.framework_of(r))
                for r in _framework_rows(session, actor, region, unit_type=unit_type, year=year)]


def get_framework(store: Store, actor: Actor, framework_id: int) -> FrameworkView:
    """One stored framework version, with its text."""
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.db import KaoheFrameworkRow

    require(actor, "kaohe.read")
    with store.read() as session:
        row = session.get(KaoheFrameworkRow, framework_id)
        if row is None or row.id not in {r.id for r in _framework_rows(session, actor, None)}:
            raise NotFound(f"没有编号为 {framework_id} 的考核框架", field="framework")
        return _framework_view(row, S.framework_of(row))


def _framework_at(session, actor: Actor, region: str | None, unit_type: str, year: int, revision: int | None):
    rows = _framework_rows(session, actor, region, unit_type=unit_type, year=year)
    if len({r.region_code for r in rows}) > 1:
        raise InputError(f"多个地区都有{unit_type} {year} 年度的考核框架，请指定地区", field="region")
    if revision is not None:
        rows = [r for r in rows if r.revision == revision]
    if not rows:
        what = f"第 {revision} 版" if revision is not None else ""
        raise NotFound(f"没有{unit_type} {year} 年度{what}的考核框架", field="year")
    return rows[-1]


def diff_frameworks(store: Store, actor: Actor, *, unit_type: str, old_year: int, new_year: int,
                    region: str | None = None, old_revision: int | None = None,
                    new_revision: int | None = None) -> FrameworkDiffView:
    """What changed in a unit type's framework between two years (or two revisions of one year)."""
    from innodrive.kaohe import storage as S

    require(actor, "kaohe.read")
    with store.read() as session:
        old = _framework_at(session, actor, region, unit_type, old_year, old_revision)
        new = _framework_at(session, actor, region, unit_type, new_year, new_revision)
        if old.region_code != new.region_code:
            raise InputError("两个框架属于不同地区，请指定地区", field="region")
        ofw, nfw = S.framework_of(old), S.framework_of(new)
        return FrameworkDiffView(unit_type=unit_type, region_code=new.region_code, old=_framework_view(old, ofw),
                                 new=_framework_view(new, nfw), lines=framework_diff(ofw, nfw))


# -- cycles --------------------------------------------------------------------------


def create_cycle(store: Store, actor: Actor, data: bytes, *, file_name: str, replace: bool = False) -> CycleView:
    """Set up a year's 考核 from its scheme; ``replace`` updates the scheme of a cycle not yet final."""
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.db import KaoheCycleRow
    from innodrive.store.schema import utcnow

    require(actor, "kaohe.manage")
    scheme = load_scheme(data, file=file_name)
    require(actor, "kaohe.manage", region_code=scheme.region_code, check_region=True, what=scheme.name)
    text = data.decode("utf-8-sig")

    def work(session) -> CycleView:
        from sqlalchemy import select

        existing = session.scalars(select(KaoheCycleRow).where(KaoheCycleRow.region_code == scheme.region_code)
                                   .where(KaoheCycleRow.year == scheme.year).with_for_update()).first()
        now = utcnow()
        if existing is not None:
            if not replace:
                raise Conflict(f"{scheme.region} {scheme.year} 年度考核已存在（编号 {existing.id}）；"
                               "如需修改方案，请选择替换现有方案", field="year")
            if existing.stage == "final":
                raise Conflict(f"{scheme.year} 年度考核已定档，不能再修改方案", field="year")
            before = {"sha256": existing.sha256, "file": existing.file_name}
            _check_units_kept(session, existing, scheme)
            existing.name, existing.file_name, existing.scheme_text = scheme.name, file_name, text
            existing.sha256, existing.updated_at, existing.updated_by = S.sha256_text(text), now, actor.username
            audit.record(session, actor=actor.username, action="kaohe.cycle.replace", entity="kaohe_cycle",
                         entity_id=existing.id, summary=f"替换“{scheme.name}”的考核方案（{file_name}）",
                         before=before, after={"sha256": existing.sha256, "file": file_name})
            session.flush()
            return _cycle_view(session, existing)
        row = KaoheCycleRow(region_code=scheme.region_code, year=scheme.year, name=scheme.name, file_name=file_name,
                            scheme_text=text, sha256=S.sha256_text(text), stage="setup", created_at=now,
                            created_by=actor.username, updated_at=now, updated_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(session, actor=actor.username, action="kaohe.cycle.create", entity="kaohe_cycle",
                     entity_id=row.id, summary=f"设立“{scheme.name}”（{len(scheme.units)} 个考核对象，{file_name}）",
                     after={"year": scheme.year, "region_code": scheme.region_code, "sha256": row.sha256,
                            "units": [u.name for u in scheme.units]})
        return _cycle_view(session, row)

    return store.run(work)


def _check_units_kept(session, row, scheme: Scheme) -> None:
    """A replaced scheme keeps every unit that already has figures, items or appeals."""
    from innodrive.kaohe import storage as S

    used = {v.unit for v in S.current_values(session, row.id)} | {i.unit for i in S.item_rows(session, row.id)} \
        | {a.unit for a in S.appeal_rows(session, row.id)}
    names = {u.name for u in scheme.units}
    gone = sorted(used - names)
    if gone:
        raise Conflict(f"新方案删去了已有考核数据、事项或申诉的单位：{'、'.join(gone)}", field="units")


def list_cycles(store: Store, actor: Actor) -> list[CycleView]:
    from innodrive.kaohe import storage as S

    require(actor, "kaohe.read")
    with store.read() as session:
        out = []
        for row in S.cycle_rows(session):
            scheme = S.scheme_of(row)
            mine = own_units(actor, scheme)
            if (mine is None and actor.covers(row.region_code)) or mine:
                out.append(_cycle_view(session, row))
        return out


def get_cycle(store: Store, actor: Actor, cycle_id: int) -> CycleView:
    with store.read() as session:
        row, _, _ = _open_cycle(session, actor, cycle_id, "kaohe.read")
        return _cycle_view(session, row)


def find_cycle(store: Store, actor: Actor, *, year: int, region: str | None = None) -> CycleView:
    """The cycle of ``year`` in the region (the actor's own when not given)."""
    from sqlalchemy import select

    from innodrive.kaohe.db import KaoheCycleRow

    require(actor, "kaohe.read")
    with store.read() as session:
        q = select(KaoheCycleRow).where(KaoheCycleRow.year == year)
        if region or actor.region_code:
            from innodrive.regions import all_regions

            code = _region(region, actor)
            regions = all_regions()
            rows = [r for r in session.scalars(q) if r.region_code == code or regions.is_within(code, r.region_code)]
        else:
            rows = list(session.scalars(q))
        found = [(r.id, r.name) for r in rows]
    if not found:
        raise NotFound(f"没有 {year} 年度的考核", field="year")
    if len(found) > 1:
        raise InputError(f"{year} 年度有多个地区的考核：{'、'.join(f'{name}（编号 {i}）' for i, name in found)}；"
                         "请指定地区或编号", field="year")
    return get_cycle(store, actor, found[0][0])


def _not_final(row) -> None:
    if row.stage == "final":
        raise Conflict(f"“{row.name}”已定档（最终结果），不能再修改", field="cycle")


def _editable(session, actor: Actor, cycle_id: int):
    """The cycle (locked), its scheme and frameworks, for a change by the office before 定档."""
    from innodrive.kaohe import storage as S

    row, scheme, _ = _open_cycle(session, actor, cycle_id, "kaohe.manage", lock=True)
    _not_final(row)
    return row, scheme, S.frameworks_for_cycle(session, row)


# -- figures and items ---------------------------------------------------------------


def import_values(store: Store, actor: Actor, cycle_id: int, data: bytes, *, file_name: str,
                  dry_run: bool = False) -> ImportView:
    """Import a unit × indicator table of actual figures and targets (all rows checked first)."""
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.db import KaoheValueRow
    from innodrive.kaohe.files import read_values
    from innodrive.store.schema import utcnow

    def work(session) -> ImportView:
        row, scheme, frameworks = _editable(session, actor, cycle_id)
        rows = read_values(data, name=file_name, scheme=scheme, frameworks=frameworks)
        current = {(v.unit, v.indicator_code, v.kind): v for v in S.current_values(session, row.id)}
        added = replaced = unchanged = 0
        now = utcnow()
        for r in rows:
            old = current.get((r.unit, r.indicator, r.kind))
            if old is not None and old.value == r.value and old.source == r.source and old.note == r.note:
                unchanged += 1
                continue
            if old is not None:
                replaced += 1
                if not dry_run:
                    old.current = False
            else:
                added += 1
            if not dry_run:
                session.add(KaoheValueRow(cycle_id=row.id, unit=r.unit, indicator_code=r.indicator, kind=r.kind,
                                          value=r.value, unit_label=r.measure, source=r.source, note=r.note,
                                          file_name=file_name, row=r.row, current=True, recorded_at=now,
                                          recorded_by=actor.username))
        view = ImportView(file=file_name, rows=len(rows), added=added, replaced=replaced, unchanged=unchanged,
                          dry_run=dry_run)
        if not dry_run and (added or replaced):
            audit.record(session, actor=actor.username, action="kaohe.values.import", entity="kaohe_cycle",
                         entity_id=row.id, summary=f"导入“{row.name}”的考核数据 {file_name}：新增 {added}、"
                                                   f"更新 {replaced}、未变 {unchanged}", after=view.model_dump())
        return view

    return store.run(work)


def _keep_files(files: list[Upload] | None) -> list[dict]:
    from innodrive.kaohe.evidence import keep

    files = list(files or [])
    if len(files) > MAX_EVIDENCE_FILES:
        raise InputError(f"一次最多提交 {MAX_EVIDENCE_FILES} 个证明材料", field="files")
    return [keep(f).model_dump() for f in files]


def _item_view(r, scheme: Scheme, frameworks: dict[str, KaoheFramework]) -> ItemView:
    from innodrive.kaohe import storage as S

    unit = next((u for u in scheme.units if u.name == r.unit), None)
    fw = frameworks.get(unit.type) if unit else None
    kind, name = (fw.item_kinds().get(r.code, ("bonus", r.code)) if fw else ("bonus", r.code))
    m = S.item_model(r)
    return ItemView(id=r.id, unit=r.unit, code=r.code, kind=kind, name=name, title=r.title, evidence=r.evidence,
                    files=m.files, occurred_on=r.occurred_on, source=r.source, withdrawn=m.withdrawn,
                    recorded_by=r.recorded_by)


def import_items(store: Store, actor: Actor, cycle_id: int, data: bytes, *, file_name: str,
                 dry_run: bool = False) -> ImportView:
    """Import 加分/扣分/否决 items with their evidence (all rows checked first)."""
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.db import KaoheItemRow
    from innodrive.kaohe.files import read_items
    from innodrive.store.schema import utcnow

    def work(session) -> ImportView:
        row, scheme, frameworks = _editable(session, actor, cycle_id)
        rows = read_items(data, name=file_name, scheme=scheme, frameworks=frameworks)
        existing = {(i.unit, i.code, i.title) for i in S.item_rows(session, row.id) if i.withdrawn_at is None}
        added = unchanged = 0
        now = utcnow()
        for r in rows:
            if (r.unit, r.code, r.title) in existing:
                unchanged += 1
                continue
            added += 1
            if not dry_run:
                session.add(KaoheItemRow(cycle_id=row.id, unit=r.unit, code=r.code, title=r.title, evidence=r.evidence,
                                         files=[], occurred_on=r.occurred_on,
                                         source=r.source or f"{file_name} 第 {r.row} 行", recorded_at=now,
                                         recorded_by=actor.username))
        view = ImportView(file=file_name, rows=len(rows), added=added, replaced=0, unchanged=unchanged,
                          dry_run=dry_run)
        if not dry_run and added:
            audit.record(session, actor=actor.username, action="kaohe.items.import", entity="kaohe_cycle",
                         entity_id=row.id, summary=f"导入“{row.name}”的加扣分事项 {file_name}：新增 {added}、"
                                                   f"已有 {unchanged}", after=view.model_dump())
        return view

    return store.run(work)


def add_item(store: Store, actor: Actor, cycle_id: int, *, unit: str, item: str, title: str, evidence: str,
             occurred_on: dt.date | None = None, files: list[Upload] | None = None) -> ItemView:
    """Record one 加分/扣分/否决 item with its evidence (a form in the workbench)."""
    from innodrive.kaohe.db import KaoheItemRow
    from innodrive.store.schema import utcnow

    title, evidence = (title or "").strip(), (evidence or "").strip()
    if not title:
        raise InputError("请写明事由", field="title")
    if not evidence:
        raise InputError("请写明依据（文件、通报或批复）", field="evidence")
    kept = _keep_files(files)

    def work(session) -> ItemView:
        row, scheme, frameworks = _editable(session, actor, cycle_id)
        u = scheme.unit(unit)
        if u.type not in frameworks:
            raise Conflict(f"{u.type}还没有 {row.year} 年度的考核框架", field="unit")
        kinds = frameworks[u.type].item_kinds()
        code = item if item in kinds else next((c for c, (_, n) in kinds.items()
                                                if normalise_unit(n) == normalise_unit(item)), None)
        if code is None:
            raise InputError(f"“{item}”不是{u.type}考核框架中的事项；可用：{'、'.join(n for _, n in kinds.values())}",
                             field="item")
        if occurred_on is not None and occurred_on.year != row.year:
            raise InputError(f"日期 {occurred_on} 不在考核年度 {row.year} 年内", field="occurred_on")
        r = KaoheItemRow(cycle_id=row.id, unit=u.name, code=code, title=title, evidence=evidence, files=kept,
                         occurred_on=occurred_on, source=None, recorded_at=utcnow(), recorded_by=actor.username)
        session.add(r)
        session.flush()
        audit.record(session, actor=actor.username, action="kaohe.item.add", entity="kaohe_item", entity_id=r.id,
                     summary=f"记录{u.name}的{kinds[code][1]}：{title}", after={"unit": u.name, "code": code,
                                                                              "title": title, "evidence": evidence,
                                                                              "files": kept})
        return _item_view(r, scheme, frameworks)

    return store.run(work)


def list_items(store: Store, actor: Actor, cycle_id: int) -> list[ItemView]:
    from innodrive.kaohe import storage as S

    with store.read() as session:
        row, scheme, mine = _open_cycle(session, actor, cycle_id, "kaohe.read")
        frameworks = S.frameworks_for_cycle(session, row)
        return [_item_view(r, scheme, frameworks) for r in S.item_rows(session, row.id)
                if mine is None or r.unit in mine]


def withdraw_item(store: Store, actor: Actor, item_id: int, *, reason: str) -> ItemView:
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.db import KaoheItemRow
    from innodrive.store.schema import utcnow

    reason = (reason or "").strip()
    if not reason:
        raise InputError("请写明撤销理由", field="reason")

    def work(session) -> ItemView:
        r = session.get(KaoheItemRow, item_id, with_for_update=True)
        if r is None:
            raise NotFound(f"没有编号为 {item_id} 的加扣分事项", field="item")
        row, scheme, _ = _open_cycle(session, actor, r.cycle_id, "kaohe.manage")
        _not_final(row)
        if r.withdrawn_at is not None:
            raise Conflict(f"事项 {item_id} 已撤销", field="item")
        r.withdrawn_at, r.withdrawn_by, r.withdrawn_reason = utcnow(), actor.username, reason
        audit.record(session, actor=actor.username, action="kaohe.item.withdraw", entity="kaohe_item",
                     entity_id=r.id, summary=f"撤销{r.unit}的事项“{r.title}”：{reason}",
                     before={"withdrawn": False}, after={"withdrawn": True, "reason": reason})
        return _item_view(r, scheme, S.frameworks_for_cycle(session, row))

    return store.run(work)


# -- scoring ------------------------------------------------------------------------


def _score(store: Store, session, row, scheme: Scheme, actor: Actor) -> CycleResult:
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.scores import score_cycle

    frameworks = S.frameworks_for_cycle(session, row)
    inputs = S.gather_inputs(store, session, row, scheme, frameworks, actor=actor)
    return score_cycle(scheme, frameworks, inputs)


def score(store: Store, actor: Actor, cycle_id: int, *, note: str | None = None) -> RunView:
    """Score the year from the current data: the first run publishes the preliminary results."""
    from innodrive.kaohe import storage as S

    def work(session) -> RunView:
        row, scheme, _ = _open_cycle(session, actor, cycle_id, "kaohe.manage", lock=True)
        _not_final(row)
        result = _score(store, session, row, scheme, actor)
        stage = "preliminary" if row.stage == "setup" else "review"
        run = S.add_run(session, row.id, result, stage=stage, actor=actor.username, note=note)
        before = row.stage
        row.stage = "preliminary"
        audit.record(session, actor=actor.username, action="kaohe.score", entity="kaohe_cycle", entity_id=row.id,
                     summary=f"计算“{row.name}”得分（第 {run.number} 次，{RUN_STAGE_NAMES[stage]}）",
                     before={"stage": before}, after={"stage": row.stage, "run": run.number, "sha256": run.sha256,
                                                      "totals": {u.unit: round(u.total, 6) for u in result.units}})
        return _run_view(run)

    return store.run(work)


def _pick_run(session, row, run: int | None):
    from innodrive.kaohe import storage as S

    runs = S.run_rows(session, row.id)
    if not runs:
        raise NotFound(f"“{row.name}”还没有计算得分", field="run")
    if run is None:
        return runs[-1]
    hit = [r for r in runs if r.number == run]
    if not hit:
        raise NotFound(f"“{row.name}”没有第 {run} 次计分", field="run")
    return hit[0]


def _visible(result: CycleResult, mine: set[str] | None) -> CycleResult:
    if mine is None:
        return result
    groups = [g.model_copy(update={"units": [u for u in g.units if u in mine]}) for g in result.groups]
    return result.model_copy(update={"units": [u for u in result.units if u.unit in mine],
                                     "groups": [g for g in groups if g.units]})


def results(store: Store, actor: Actor, cycle_id: int, *, run: int | None = None) -> ResultsView:
    """The results of a run (the newest by default), as far as the actor may see them."""
    from innodrive.kaohe import storage as S

    with store.read() as session:
        row, _, mine = _open_cycle(session, actor, cycle_id, "kaohe.read")
        if actor.role in (Role.EVALUATOR, Role.NPC) and not actor.local and row.stage != "final":
            raise Forbidden(f"“{row.name}”的结果尚未定档，{actor.display}只能查看最终结果", field="cycle")
        r = _pick_run(session, row, run)
        return ResultsView(cycle=_cycle_view(session, row), run=_run_view(r),
                           result=_visible(S.result_of(r), mine), complete=mine is None)


def explain(store: Store, actor: Actor, cycle_id: int, unit: str, *, run: int | None = None) -> UnitResult:
    """One unit's score, every point back to its data and rule."""
    view = results(store, actor, cycle_id, run=run)
    with store.read() as session:
        from innodrive.kaohe import storage as S

        name = S.scheme_of(S.cycle_row(session, cycle_id)).unit(unit).name
    hit = [u for u in view.result.units if u.unit == name]
    if not hit:
        raise Forbidden(f"{actor.display}只能查看本单位的考核结果", field="unit")
    return hit[0]


def runs(store: Store, actor: Actor, cycle_id: int) -> list[RunView]:
    from innodrive.kaohe import storage as S

    with store.read() as session:
        row, _, _ = _open_cycle(session, actor, cycle_id, "kaohe.read")
        return [_run_view(r) for r in S.run_rows(session, row.id)]


# -- appeals ------------------------------------------------------------------------


def _subject(result: UnitResult, subject: str) -> tuple[str, str]:
    """Check what an appeal disputes: ``indicator:<code>``, ``item:<id>``, ``task:<id>`` or ``other``."""
    kind, _, ref = (subject or "").partition(":")
    if kind == "indicator":
        line = next((r for r in result.rules if r.code == ref), None)
        if line is None:
            raise InputError(f"本单位的考核指标中没有“{ref}”", field="subject")
        return subject, f"指标：{line.name}"
    if kind == "item":
        line = next((i for i in result.items if i.item_id is not None and str(i.item_id) == ref), None)
        if line is None:
            raise InputError(f"本单位的加扣分事项中没有编号 {ref}", field="subject")
        return subject, f"{ {'bonus': '加分', 'deduction': '扣分', 'veto': '否决'}[line.kind]}事项：{line.title}"
    if kind == "task":
        t = next((t for t in result.tasks if str(t.task_id) == ref), None)
        if t is None:
            raise InputError(f"本单位计入考核的任务中没有编号 {ref}", field="subject")
        return subject, f"任务 #{t.task_id}：{t.title}"
    if kind == "other":
        return "other", "其他"
    raise InputError("申诉对象应为 indicator:指标代码、item:事项编号、task:任务编号 或 other", field="subject")


def _requested(subject: str, requested: dict | None) -> dict:
    """What the unit asks for, checked against the kind of subject."""
    req = dict(requested or {})
    kind = subject.partition(":")[0]
    if kind == "indicator":
        if "value" in req and req["value"] is not None:
            try:
                req["value"] = float(req["value"])
            except (TypeError, ValueError):
                raise InputError(f"请求更正的数值“{req['value']}”不是数字", field="value") from None
            req["kind"] = req.get("kind") or "value"
            if req["kind"] not in ("value", "target"):
                raise InputError("更正对象应为 value（实际值）或 target（目标值）", field="kind")
    elif kind == "task":
        if req.get("completed_on"):
            try:
                req["completed_on"] = dt.date.fromisoformat(str(req["completed_on"])).isoformat()
            except ValueError:
                raise InputError("认定完成日期应为 YYYY-MM-DD", field="completed_on") from None
    elif kind == "item":
        req["withdraw"] = bool(req.get("withdraw", True))
    return {k: v for k, v in req.items() if v is not None}


def _appeal_view(a, run_number: int) -> AppealView:
    return AppealView(id=a.id, cycle_id=a.cycle_id, run_number=run_number, unit=a.unit, subject=a.subject,
                      subject_label=(a.requested or {}).get("_label", a.subject), claim=a.claim,
                      requested={k: v for k, v in (a.requested or {}).items() if not k.startswith("_")},
                      files=[EvidenceRef(**f) for f in a.files or []], filed_on=a.filed_on, filed_by=a.filed_by,
                      state=a.state, state_name=APPEAL_STATES[a.state], decision=a.decision, correction=a.correction,
                      effect=a.effect, decided_at=_aware(a.decided_at) if a.decided_at else None,
                      decided_by=a.decided_by)


def file_appeal(store: Store, actor: Actor, cycle_id: int, *, unit: str, subject: str, claim: str,
                requested: dict | None = None, files: list[Upload] | None = None,
                today: dt.date | None = None) -> AppealView:
    """A unit disputes one item of its preliminary result, with evidence, inside the window."""
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.db import KaoheAppealRow
    from innodrive.store.schema import utcnow

    claim = (claim or "").strip()
    if not claim:
        raise InputError("请写明申诉理由", field="claim")
    today = today or dt.date.today()
    kept = _keep_files(files)

    def work(session) -> AppealView:
        row, scheme, mine = _open_cycle(session, actor, cycle_id, "kaohe.appeal")
        name = scheme.unit(unit).name
        if mine is not None and name not in mine:
            raise Forbidden(f"{actor.display}只能对本单位的考核结果提出申诉", field="unit")
        if row.stage != "preliminary":
            raise Conflict("初步结果公布后、定档前才能申诉" if row.stage == "setup" else "考核结果已定档，不再受理申诉",
                           field="cycle")
        if scheme.appeal is None:
            raise Conflict("本年度考核方案没有设置申诉期", field="cycle")
        if not scheme.appeal.opens <= today <= scheme.appeal.closes:
            raise Conflict(f"申诉期为 {scheme.appeal.opens} 至 {scheme.appeal.closes}，今天（{today}）不在申诉期内",
                           field="today")
        run = S.latest_run(session, row.id)
        result = S.result_of(run).unit(name)
        subj, label = _subject(result, subject)
        req = _requested(subj, requested)
        dup = [a for a in S.appeal_rows(session, row.id, unit=name, state="pending") if a.subject == subj]
        if dup and subj != "other":
            raise Conflict(f"本单位对“{label}”的申诉（编号 {dup[0].id}）尚未处理", field="subject")
        a = KaoheAppealRow(cycle_id=row.id, run_id=run.id, unit=name, subject=subj, claim=claim,
                           requested={**req, "_label": label}, files=kept, filed_on=today, filed_at=utcnow(),
                           filed_by=actor.username, state="pending")
        session.add(a)
        session.flush()
        audit.record(session, actor=actor.username, action="kaohe.appeal.file", entity="kaohe_appeal", entity_id=a.id,
                     summary=f"{name}就“{label}”提出申诉：{claim[:60]}", after={"unit": name, "subject": subj,
                                                                               "requested": req, "files": kept})
        return _appeal_view(a, run.number)

    return store.run(work)


class EvidenceFile(BaseModel):
    file_name: str
    sha256: str
    data: bytes


def appeal_evidence(store: Store, actor: Actor, appeal_id: int, sha256: str) -> EvidenceFile:
    """One evidence file of an appeal, checked against its hash (the unit that filed it and the office)."""
    from innodrive.kaohe.db import KaoheAppealRow
    from innodrive.kaohe.evidence import fetch

    with store.read() as session:
        a = session.get(KaoheAppealRow, appeal_id)
        if a is None:
            raise NotFound(f"没有编号为 {appeal_id} 的申诉", field="appeal")
        _, _, mine = _open_cycle(session, actor, a.cycle_id, "kaohe.read")
        if mine is not None and a.unit not in mine:
            raise Forbidden(f"{actor.display}只能查看本单位的申诉材料", field="appeal")
        ref = next((EvidenceRef(**f) for f in a.files or [] if f["sha256"] == sha256), None)
    if ref is None:
        raise NotFound("该申诉没有这份证明材料", field="sha256")
    return EvidenceFile(file_name=ref.file_name, sha256=ref.sha256, data=fetch(ref))


def list_appeals(store: Store, actor: Actor, cycle_id: int, *, state: str | None = None) -> list[AppealView]:
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.db import KaoheRunRow

    if state is not None and state not in APPEAL_STATES:
        raise InputError(f"申诉状态应为：{'、'.join(APPEAL_STATES)}", field="state")
    with store.read() as session:
        row, _, mine = _open_cycle(session, actor, cycle_id, "kaohe.read")
        numbers = {r.id: r.number for r in session.query(KaoheRunRow).filter(KaoheRunRow.cycle_id == row.id)}
        return [_appeal_view(a, numbers[a.run_id]) for a in S.appeal_rows(session, row.id, state=state)
                if mine is None or a.unit in mine]


def decide_appeal(store: Store, actor: Actor, appeal_id: int, *, accept: bool, reason: str,
                  correction: dict | None = None) -> AppealView:
    """The office's decision. Accepting applies the correction (the unit's request unless
    ``correction`` says otherwise) and scores the year again; the effect on the unit's
    total, rank and grade is recorded with the decision and in the audit log."""
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.db import KaoheAppealRow, KaoheItemRow
    from innodrive.store.schema import utcnow

    reason = (reason or "").strip()
    if not reason:
        raise InputError("请写明处理意见", field="reason")

    def work(session) -> AppealView:
        a = session.get(KaoheAppealRow, appeal_id, with_for_update=True)
        if a is None:
            raise NotFound(f"没有编号为 {appeal_id} 的申诉", field="appeal")
        row, scheme, _ = _open_cycle(session, actor, a.cycle_id, "kaohe.decide", lock=True)
        _not_final(row)
        if a.state != "pending":
            raise Conflict(f"申诉 {appeal_id} 已处理（{APPEAL_STATES[a.state]}）", field="appeal")
        now = utcnow()
        before_run = S.latest_run(session, row.id)
        before = S.result_of(before_run).unit(a.unit)
        a.state, a.decision, a.decided_at, a.decided_by = ("accepted" if accept else "rejected"), reason, now, \
            actor.username
        effect = None
        if accept:
            fix = _correction(a, correction)
            a.correction = fix
            kind, _, ref = a.subject.partition(":")
            if fix.get("kind") == "withdraw_item":
                item = session.get(KaoheItemRow, int(fix["item_id"]))
                if item is None or item.cycle_id != row.id or item.unit != a.unit:
                    raise InputError("要撤销的事项不属于该单位", field="correction")
                item.withdrawn_at, item.withdrawn_by = now, actor.username
                item.withdrawn_reason = f"经申诉 #{a.id} 撤销：{reason}"
            elif fix.get("kind") == "add_item":
                session.add(KaoheItemRow(cycle_id=row.id, unit=a.unit, code=fix["code"], title=fix["title"],
                                         evidence=fix.get("evidence") or a.claim, files=a.files or [],
                                         occurred_on=None, source=f"申诉 #{a.id}", recorded_at=now,
                                         recorded_by=actor.username))
            session.flush()
            result = _score(store, session, row, scheme, actor)
            run = S.add_run(session, row.id, result, stage="review", actor=actor.username,
                            note=f"采纳申诉 #{a.id} 后重新计分")
            after = result.unit(a.unit)
            effect = {"run": run.number, "before": {"total": before.total, "rank": before.rank, "grade": before.grade},
                      "after": {"total": after.total, "rank": after.rank, "grade": after.grade}}
            a.effect = effect
        audit.record(session, actor=actor.username, action="kaohe.appeal.decide", entity="kaohe_appeal",
                     entity_id=a.id, summary=(f"{'采纳' if accept else '不采纳'}{a.unit}的申诉 #{a.id}：{reason}"
                                              + (f"；总分 {before.total:.2f} → {effect['after']['total']:.2f}，"
                                                 f"排名 {before.rank} → {effect['after']['rank']}，"
                                                 f"等次 {before.grade} → {effect['after']['grade']}" if effect else "")),
                     before={"state": "pending", "total": before.total, "rank": before.rank, "grade": before.grade},
                     after={"state": a.state, "correction": a.correction, "effect": effect})
        session.flush()
        return _appeal_view(a, before_run.number)

    return store.run(work)


def _correction(appeal, override: dict | None) -> dict:
    """The correction an accepted appeal makes: the office's own, else what the unit asked."""
    req = {k: v for k, v in (appeal.requested or {}).items() if not k.startswith("_")}
    kind, _, ref = appeal.subject.partition(":")
    fix = dict(override or {})
    if kind == "indicator":
        value = fix.get("value", req.get("value"))
        if value is None:
            raise InputError("采纳指标申诉需要给出更正后的数值", field="value")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise InputError(f"更正数值“{value}”不是数字", field="value") from None
        which = fix.get("kind") or req.get("kind") or "value"
        if which not in ("value", "target"):
            raise InputError("更正对象应为 value（实际值）或 target（目标值）", field="kind")
        return {"kind": which, "indicator": ref, "value": value, "source": fix.get("source") or appeal.claim}
    if kind == "item":
        return {"kind": "withdraw_item", "item_id": int(ref)}
    if kind == "task":
        if fix.get("exclude") or (not fix.get("completed_on") and req.get("exclude")):
            return {"kind": "task", "task_id": int(ref), "exclude": True}
        done = fix.get("completed_on") or req.get("completed_on")
        if not done:
            raise InputError("采纳任务申诉需要给出认定的完成日期，或不计入该任务", field="completed_on")
        return {"kind": "task", "task_id": int(ref), "completed_on": dt.date.fromisoformat(str(done)).isoformat()}
    if fix.get("kind") in ("add_item",) and fix.get("code") and fix.get("title"):
        return {"kind": "add_item", "code": fix["code"], "title": fix["title"], "evidence": fix.get("evidence")}
    raise InputError("“其他”类申诉采纳时需要写明更正内容（如补记加分事项 add_item）", field="correction")


# -- final ---------------------------------------------------------------------------


def finalise(store: Store, actor: Actor, cycle_id: int, *, today: dt.date | None = None) -> RunView:
    """定档: the final results, once every appeal is decided and the window has closed."""
    from innodrive.kaohe import storage as S

    today = today or dt.date.today()

    def work(session) -> RunView:
        row, scheme, _ = _open_cycle(session, actor, cycle_id, "kaohe.manage", lock=True)
        _not_final(row)
        if row.stage == "setup":
            raise Conflict("还没有计算得分和公布初步结果", field="cycle")
        pending = S.appeal_rows(session, row.id, state="pending")
        if pending:
            raise Conflict(f"还有 {len(pending)} 件申诉未处理（编号 {'、'.join(str(a.id) for a in pending)}）",
                           field="appeals")
        if scheme.appeal is not None and today <= scheme.appeal.closes:
            raise Conflict(f"申诉期到 {scheme.appeal.closes} 结束，之后才能定档", field="today")
        result = _score(store, session, row, scheme, actor)
        run = S.add_run(session, row.id, result, stage="final", actor=actor.username, note="定档")
        row.stage = "final"
        audit.record(session, actor=actor.username, action="kaohe.finalise", entity="kaohe_cycle", entity_id=row.id,
                     summary=f"“{row.name}”定档（第 {run.number} 次计分）", before={"stage": "preliminary"},
                     after={"stage": "final", "run": run.number, "sha256": run.sha256,
                            "totals": {u.unit: round(u.total, 6) for u in result.units}})
        return _run_view(run)

    return store.run(work)


# -- money ---------------------------------------------------------------------------


def allocate(store: Store, actor: Actor, cycle_id: int, *, run: int | None = None, group: str | None = None,
             overrides: dict[str, Any] | None = None) -> list[AllocationView]:
    """Run each group's declared allocation rule on a run's results (a simulation: nothing is stored).

    ``overrides`` changes the rule for a what-if (``pool``, ``floor``, ``method``,
    ``decimals``, ``max_share``, ``coefficients``) and the view says it was simulated.
    """
    from innodrive.kaohe import storage as S
    from innodrive.kaohe.allocation import Entry
    from innodrive.kaohe.allocation import allocate as split
    from innodrive.kaohe.scheme import AllocationRule

    with store.read() as session:
        row, scheme, _ = _open_cycle(session, actor, cycle_id, "kaohe.allocate")
        result = S.result_of(_pick_run(session, row, run))
    out = []
    for g in scheme.groups:
        if group is not None and g.name != group:
            continue
        rule = g.allocation
        if rule is None and not overrides:
            continue
        if overrides:
            base = rule.model_dump() if rule is not None else {"name": "专项资金"}
            try:
                rule = AllocationRule.model_validate({**base, **{k: v for k, v in overrides.items() if v is not None}})
            except Exception as exc:
                raise InputError(f"资金分配参数不正确：{exc}", field="allocation") from None
            if rule.method == "grade_coefficients":
                missing = [n for n in g.grades.names if n not in rule.coefficients]
                if missing:
                    raise InputError(f"按等次系数分配需要每个等次的系数，缺少：{'、'.join(missing)}",
                                     field="coefficients")
        order = [result.unit(n) for gr in result.groups if gr.name == g.name for n in gr.units]
        entries = [Entry(u.unit, u.total, u.grade, u.rank, u.vetoed) for u in order]
        shares = split(entries, rule)
        lines = [AllocationLine(unit=e.unit, total=e.total, grade=e.grade, rank=e.rank, weight=s.weight,
                                exact=s.exact, amount=s.amount, reason=s.reason) for e, s in zip(entries, shares,
                                                                                               strict=True)]
        out.append(AllocationView(group=g.name, name=rule.name, pool=rule.pool, unit=rule.unit, method=rule.method,
                                  floor=rule.floor, rule=_allocation_text(rule) or "", decimals=rule.decimals, lines=lines,
                                  allocated=round(sum(line.amount for line in lines), rule.decimals),
                                  simulated=bool(overrides)))
    if group is not None and not out:
        raise NotFound(f"没有名为“{group}”且设有资金分配规则的考核组", field="group")
    return out


# -- the 通报 -------------------------------------------------------------------------


def tongbao_data(store: Store, actor: Actor, cycle_id: int, *, run: int | None = None) -> TongbaoData:
    """Everything the 考核结果通报 prints, from one run (the newest by default)."""
    from innodrive.kaohe import storage as S

    with store.read() as session:
        row, _, _ = _open_cycle(session, actor, cycle_id, "kaohe.report")
        r = _pick_run(session, row, run)
        run_view = _run_view(r)
        cycle = _cycle_view(session, row)
        result = S.result_of(r)
        numbers = {x.id: x.number for x in S.run_rows(session, row.id)}
        appeals = [_appeal_view(a, numbers[a.run_id]) for a in S.appeal_rows(session, row.id)
                   if a.filed_at <= r.created_at or numbers[a.run_id] < r.number]
    frameworks = [f for f in cycle.frameworks.values() if f is not None]
    return TongbaoData(cycle=cycle, run=run_view, result=result,
                       allocations=allocate(store, actor, cycle_id, run=run_view.number) if _has_allocation(cycle) else [],
                       appeals=appeals, frameworks=frameworks)


def _has_allocation(cycle: CycleView) -> bool:
    return any(g.allocation for g in cycle.groups)


__all__ = ["APPEAL_STATES", "RUN_STAGE_NAMES", "STAGE_NAMES", "AllocationLine", "AllocationView", "AppealView",
           "CycleView", "DeclaredItemView", "FrameworkAdded", "FrameworkDiffView", "FrameworkView",
           "GroupView", "ImportView", "IndicatorView", "ItemView", "ResultsView", "RunView", "TongbaoData",
           "UnitView", "add_framework", "add_item", "allocate", "create_cycle", "decide_appeal", "diff_frameworks",
           "appeal_evidence", "explain", "file_appeal", "get_framework", "finalise", "find_cycle", "get_cycle", "import_items", "import_values",
           "list_appeals", "list_cycles", "list_frameworks", "list_items", "own_units", "results", "runs", "score",
           "tongbao_data", "withdraw_item"]
