"""Use cases of enterprise cultivation (梯度培育): screening, one enterprise explained, the funnel.

Every face (the CLI's ``innodrive enterprises``, the web workbench's 企业培育 pages, the
JSON API) calls these functions with the store, an explicit :class:`Actor` and the
uploaded bytes; none of them reads a path the server would have to trust or asks the
process who is running it. Rights: ``enterprises.screen`` (创新办), and for the funnel the
actor's region must cover the region asked for. Importing a cultivation ledger is the one
write here, and it is audited under ``actor.username``.

View models have English keys; the Chinese labels of states are carried as ``label``
fields so that every face shows the same words (``符合（规则待核实）`` under a version whose
thresholds are not yet checked against the official text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import IO

from pydantic import BaseModel, Field

from innodrive.enterprises.explain import Verdict
from innodrive.enterprises.funnel import FunnelRow
from innodrive.errors import InputError, NotFound
from innodrive.services.access import require
from innodrive.services.actor import Actor

Progress = Callable[[str, int, int], None]
PERMISSION = "enterprises.screen"


# --------------------------------------------------------------------------- view models


class RuleVersionView(BaseModel):
    programme: str
    title: str
    version: str
    status: str
    status_text: str
    notice: str | None = None
    effective_from: dt.date
    effective_to: dt.date | None = None
    source: list[str]


class ProgrammeCount(BaseModel):
    programme: str
    title: str
    version: str
    notice: str | None = None
    passed: int
    manual_review: int
    needs_data: int
    failed: int
    within_reach: int


class ProblemView(BaseModel):
    file: str | None = None
    row: int | None = None
    field: str | None = None
    message: str


class VerdictCell(BaseModel):
    programme: str
    state: str
    label: str
    reasons: str = ""
    advice: str | None = None


class ScreenedRow(BaseModel):
    row: int
    credit_code: str
    name: str
    region: str | None = None
    verdicts: list[VerdictCell]


class ScreeningView(BaseModel):
    """What a screening found: counts per programme, the rules used, every data problem,
    and the first ``rows`` enterprises (the workbook holds all of them)."""

    file: str
    on: dt.date
    total_rows: int
    evaluated_rows: int
    bad_rows: int
    rules: list[RuleVersionView]
    counts: list[ProgrammeCount]
    problems: list[ProblemView]
    ignored_headers: list[str] = Field(default_factory=list)
    retired_headers: dict[str, str] = Field(default_factory=dict)
    rows: list[ScreenedRow] = Field(default_factory=list)
    rows_shown: int = 0
    notices: list[str] = Field(default_factory=list, description="rule versions that are not official texts")


class ScreeningOutput(BaseModel):
    """The view plus the result file (``workbook`` is XLSX or CSV bytes, not serialised)."""

    view: ScreeningView
    workbook: bytes = Field(b"", exclude=True, repr=False)
    media_type: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename: str = ""


class EnterpriseExplanation(BaseModel):
    credit_code: str
    name: str
    row: int
    region: str | None = None
    on: dt.date
    verdicts: list[Verdict]
    incentives: list[str]


class OfficialFigure(BaseModel):
    """A published statistic beside the ledger's count (stored observation with its source)."""

    indicator_code: str
    indicator: str
    measure: str  # stock | new | certified
    period: str
    value: float
    unit: str
    source: str
    revision: int


class FunnelStage(FunnelRow):
    official: list[OfficialFigure] = Field(default_factory=list)


class FunnelView(BaseModel):
    region: str | None
    region_code: str | None
    year: int
    rows: list[FunnelStage]
    notes: list[str] = Field(default_factory=list)
    imported: int = 0


# --------------------------------------------------------------------------- helpers


def rule_views(rule_sets) -> list[RuleVersionView]:
    return [RuleVersionView(programme=rs.programme, title=rs.title, version=rs.version, status=rs.status,
                            status_text=rs.status_text(), notice=rs.notice, effective_from=rs.effective_from,
                            effective_to=rs.effective_to, source=list(rs.source)) for rs in rule_sets]


def notices_of(rule_sets) -> list[str]:
    return [f"{rs.title}（{rs.version}）：{rs.notice}——门槛仅见转载或为示例，尚未与正式文件原文核对，结论仅供参考"
            for rs in rule_sets if rs.notice]


def _problems(problems) -> list[ProblemView]:
    return [ProblemView(file=p.file, row=p.row, field=p.field, message=p.message) for p in problems]


def resolve_region(name: str | None) -> str | None:
    """The one region resolver (codes, full and short names, 凉山州-style names)."""
    if not name:
        return None
    from innodrive.store.reference import resolve_region as resolve

    code, why = resolve(str(name))
    if code is None:
        raise InputError(why or f"无法识别的地区“{name}”", field="region")
    return code


# --------------------------------------------------------------------------- screening


def screen_registry(store, actor: Actor, data: bytes, *, name: str, on: dt.date,
                    programmes: list[str] | None = None, with_gaps: bool = True, output: str = "xlsx",
                    rows: int = 200, progress: Progress | None = None) -> ScreeningOutput:
    """Screen a registry given as bytes (CSV or XLSX, named ``name``) against the rules in
    force on ``on``; return the view and the result file (``output``: ``xlsx`` or ``csv``)."""
    import io

    require(actor, PERMISSION, what=name)
    if output not in ("xlsx", "csv"):
        raise InputError(f"结果文件格式应为 xlsx 或 csv，实际为“{output}”")
    buffer = io.BytesIO()
    view = screen_registry_to(store, actor, data, name=name, on=on, out=buffer, fmt=output, programmes=programmes,
                              with_gaps=with_gaps, rows=rows, progress=progress)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    media = ("text/csv; charset=utf-8" if output == "csv"
             else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return ScreeningOutput(view=view, workbook=buffer.getvalue(), media_type=media, filename=f"{stem}.筛选结果.{output}")


def screen_registry_to(store, actor: Actor, source: bytes | IO[bytes], *, name: str, on: dt.date, out: IO[bytes],
                       fmt: str = "xlsx", programmes: list[str] | None = None, with_gaps: bool = True,
                       rows: int = 200, progress: Progress | None = None) -> ScreeningView:
    """The streaming form: rows are read, screened and written to ``out`` chunk by chunk,
    so a registry of a million enterprises never sits in memory as a whole."""
    from innodrive.enterprises.stream import screen_stream

    require(actor, PERMISSION, what=name)
    return screen_stream(source, name=name, on=on, out=out, fmt=fmt, programmes=programmes, with_gaps=with_gaps,
                         keep_rows=rows, progress=progress)


def explain_enterprise(store, actor: Actor, data: bytes, *, name: str, credit_code: str, on: dt.date
                       ) -> EnterpriseExplanation:
    """Every programme's verdict for one enterprise of a registry, each condition with its
    value, threshold, article and state, the gaps and the incentives it is due."""
    from innodrive.enterprises import credit_code as cc
    from innodrive.enterprises.gaps import explain_with_gaps
    from innodrive.enterprises.incentives import incentive_lines
    from innodrive.enterprises.registry import read_registry_bytes, row_dict
    from innodrive.enterprises.rules import rules_in_force

    require(actor, PERMISSION, what=name)
    registry = read_registry_bytes(data, name=name)
    wanted = cc.normalise(credit_code)
    matches = registry.frame.index[registry.frame["credit_code"] == wanted].tolist()
    if not matches:
        bad = [p for p in registry.problems if p.row is not None and wanted in p.message]
        hint = f"（该企业所在行有数据问题：{bad[0]}）" if bad else ""
        raise NotFound(f"登记表中没有统一社会信用代码为 {wanted} 的有效行{hint}", file=registry.file)
    i = matches[0]
    row = row_dict(registry.frame, i)
    region = registry.frame["region"].iat[i] if "region" in registry.frame else None
    verdicts = [explain_with_gaps(row, rs, on=on) for rs in rules_in_force(on)]
    return EnterpriseExplanation(credit_code=wanted, name=str(registry.frame["name"].iat[i]),
                                 row=int(registry.row_numbers[i]), region=region, on=on, verdicts=verdicts,
                                 incentives=incentive_lines(row, on=on))


# --------------------------------------------------------------------------- funnel


def funnel_report(store, actor: Actor, *, region: str | None, year: int, on: dt.date | None = None,
                  ledger: bytes | None = None, ledger_name: str | None = None,
                  registry: bytes | None = None, registry_name: str | None = None) -> FunnelView:
    """The cultivation funnel of ``region`` for ``year``: ledger counts per stage against the
    plan's targets, the official statistics beside them, and (with a registry) the
    candidates within reach. A ledger given here is imported first (audited)."""
    from innodrive.enterprises import db
    from innodrive.store import audit

    region_code = resolve_region(region)
    require(actor, PERMISSION, region_code=region_code, check_region=True, what=region or "全部地区")
    imported = 0
    if ledger is not None:
        file = ledger_name or "培育台账"
        records = db.read_ledger_bytes(ledger, name=file)
        for r in records:
            if r.region_code is not None:
                require(actor, PERMISSION, region_code=r.region_code, check_region=True,
                        what=f"{r.name or r.credit_code}（{file}）")

        def work(session) -> int:
            added = db.record_stages_in(session, records, actor=actor.username, source=file)
            audit.record(session, actor=actor.username, action="import", entity="enterprise_pipeline", entity_id=None,
                         summary=f"导入培育台账 {file}：{len(records)} 条，新增 {added} 条",
                         after={"file": file, "rows": len(records), "added": added})
            return added

        imported = store.run(work)
    reg = None
    if registry is not None:
        from innodrive.enterprises.registry import read_registry_bytes

        reg = read_registry_bytes(registry, name=registry_name or "企业登记表")
    report = db.funnel(store, region_code=region_code, year=year, on=on or dt.date.today(), registry=reg)
    official = official_figures(store, region_code=region_code, year=year)
    rows = [FunnelStage(**r.model_dump(), official=official.get(r.stage, [])) for r in report.rows]
    return FunnelView(region=region, region_code=region_code, year=year, rows=rows, notes=report.notes,
                      imported=imported)


def official_figures(store, *, region_code: str | None, year: int) -> dict[str, list[OfficialFigure]]:
    """Per stage, the stored observations of its catalogue indicators for the region and
    year (current revision, with its source). Without a region nothing is summed: a
    province total is its own observation, never an addition of counties."""
    from innodrive.enterprises.funnel import stages
    from innodrive.indicators.observations import latest

    if region_code is None:
        return {}
    wanted: dict[str, tuple[str, str]] = {}
    for s in stages():
        for measure in ("stock", "new", "certified"):
            code = getattr(s, measure, None)
            if code:
                wanted[code] = (s.id, measure)
    names = _indicator_names(list(wanted))
    out: dict[str, list[OfficialFigure]] = {}
    for o in latest(store, indicator_codes=list(wanted), region_codes=[region_code]):
        if o.period != str(year):
            continue
        stage, measure = wanted[o.indicator_code]
        out.setdefault(stage, []).append(OfficialFigure(
            indicator_code=o.indicator_code, indicator=names.get(o.indicator_code, o.indicator_code), measure=measure,
            period=o.period, value=o.value, unit=o.unit, source=o.source, revision=o.revision))
    return out


def _indicator_names(codes: list[str]) -> dict[str, str]:
    from innodrive.indicators.catalogue import load_catalogue

    cat = load_catalogue()
    return {c: cat.get(c).name for c in codes if cat.get(c) is not None}


__all__ = ["screen_registry", "screen_registry_to", "explain_enterprise", "funnel_report", "official_figures",
           "ScreeningView", "ScreeningOutput", "EnterpriseExplanation", "FunnelView", "FunnelStage", "OfficialFigure",
           "RuleVersionView", "ProgrammeCount", "ScreenedRow", "VerdictCell", "ProblemView"]
