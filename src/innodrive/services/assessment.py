"""Use cases of the assessment engine: run a framework on data and return the views people read.

``run_assessment`` takes the framework (a bundled preset by name, or the bytes of a
YAML file) and the data (bytes of a CSV/XLSX file) — never a server path — runs it,
and returns :class:`AssessmentView`: the ranking, every level's scores and ranks, the
优势/劣势 profiles, the 考核 scores and the uncertainty intervals, with English keys.
The CLI prints it and the web workbench renders it; both add the Chinese labels.
:func:`assessment_view` turns an :class:`~innodrive.assessment.run.AssessmentResult`
into the same view, so a face that already has a result (the CLI, a report) shows
exactly what the web shows.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from pydantic import BaseModel, Field

from innodrive.errors import InputError
from innodrive.services.access import require
from innodrive.services.actor import Actor


class NodeInfo(BaseModel):
    code: str
    name: str
    level: int
    parent: str | None = None


class FrameworkInfo(BaseModel):
    id: str
    name: str
    version: str
    effective: dt.date
    source: str | None = None
    notes: str | None = None
    root: str
    nodes: list[NodeInfo]
    user_supplied: list[tuple[str, str]] = Field(default_factory=list, description="(code, field) marked 用户提供")


class RankingRow(BaseModel):
    unit: str
    unit_type: str | None = None
    rank: int | None
    index: float | None
    children: dict[str, float | None] = Field(description="scores of the index's direct children, by code")
    rank_p05: float | None = None
    rank_p95: float | None = None
    median_rank: float | None = None
    change: float | None = Field(None, description="index change since the base year (fixed-base)")
    kaohe_total: float | None = None
    kaohe_grade: str | None = None
    kaohe_veto: str | None = None


class LevelScore(BaseModel):
    unit: str
    code: str
    name: str
    level: int
    parent: str | None
    score: float | None
    rank: int | None


class Profile(BaseModel):
    unit: str
    strengths: list[str]
    weaknesses: list[str]


class SensitivityRow(BaseModel):
    factor: str
    first_order: float | None
    total: float | None


class AssessmentView(BaseModel):
    framework: FrameworkInfo
    year: int | None
    base_year: int | None = None
    columns: list[NodeInfo] = Field(description="the index's direct children, in order (ranking columns)")
    ranking: list[RankingRow]
    levels: list[LevelScore]
    profiles: list[Profile]
    uncertainty_runs: int | None = None
    sensitivity: list[SensitivityRow] = Field(default_factory=list)
    sensitivity_runs: int | None = None
    provenance: str = ""
    notes: list[str] = Field(default_factory=list)
    log: dict = Field(default_factory=dict, description="the replayable recipe (steps and parameters)")


def _num(v) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v)
    return s or None


def assessment_view(res) -> AssessmentView:
    """The view of a computed :class:`~innodrive.assessment.run.AssessmentResult`."""
    import json

    fw = res.framework
    nodes = [NodeInfo(code=n.code, name=n.name, level=fw.levels[n.code], parent=n.parent) for n in fw.nodes]
    info = FrameworkInfo(id=fw.id, name=fw.name, version=fw.version, effective=fw.effective, source=fw.source,
                         notes=fw.notes, root=fw.root, nodes=nodes, user_supplied=fw.user_supplied())
    rk = res.ranking
    kids = [c for c in rk.columns if c in fw.by_code and c != fw.root]
    ua = res.uncertainty.table if res.uncertainty is not None else None
    change = None
    if res.attribution is not None:
        a = res.attribution
        change = a[a["code"] == fw.root].set_index("unit")["contribution"]
    sc = res.scoring
    rows = []
    for unit, r in rk.iterrows():
        row = RankingRow(unit=str(unit), unit_type=_text(r.get("类型")) if "类型" in rk.columns else None,
                         rank=None if _num(r["排名"]) is None else int(r["排名"]), index=_num(r[fw.root]),
                         children={c: _num(r[c]) for c in kids})
        if ua is not None and unit in ua.index:
            row.rank_p05, row.rank_p95 = _num(ua.loc[unit, "rank_p05"]), _num(ua.loc[unit, "rank_p95"])
            row.median_rank = _num(ua.loc[unit, "median_rank"])
        if change is not None:
            row.change = _num(change.get(unit))
        if sc is not None and unit in sc.index:
            row.kaohe_total = _num(sc.loc[unit, "总分"]) if "总分" in sc.columns else None
            row.kaohe_grade = _text(sc.loc[unit, "等次"]) if "等次" in sc.columns else None
            row.kaohe_veto = _text(sc.loc[unit, "一票否决"]) if "一票否决" in sc.columns else None
        rows.append(row)
    levels = [LevelScore(unit=str(r["unit"]), code=r["code"], name=r["name"], level=int(r["level"]),
                         parent=_text(r["parent"]), score=_num(r["score"]),
                         rank=None if _num(r["rank"]) is None else int(r["rank"]))
              for r in res.levels.to_dict("records")]
    profiles = [Profile(unit=str(u), strengths=[s for s in str(p["优势"]).split("、") if s],
                        weaknesses=[s for s in str(p["劣势"]).split("、") if s])
                for u, p in res.profiles.iterrows()]
    view = AssessmentView(framework=info, year=res.year, base_year=res.base_year,
                          columns=[n for n in nodes if n.code in kids], ranking=rows, levels=levels,
                          profiles=profiles, provenance=res.provenance_line(), notes=list(res.notes),
                          log=json.loads(res.coin.log_json()))
    if res.uncertainty is not None:
        view.uncertainty_runs = res.uncertainty.n
    if res.sensitivity is not None:
        view.sensitivity_runs = res.sensitivity.runs
        view.sensitivity = [SensitivityRow(factor=str(r["factor"]), first_order=_num(r["Si"]), total=_num(r["STi"]))
                            for _, r in res.sensitivity.indices.iterrows()]
    return view


def load_framework_source(framework: str | bytes, *, name: str = "框架.yaml"):
    """A framework from a preset name (``preset:NAME`` or ``NAME``) or from the bytes of a YAML file.

    Uploaded bytes may ``extends:`` bundled presets only (there is no folder on the
    server they could name).
    """
    from innodrive.assessment.framework import load_framework, parse_framework, preset_names, raw_from_bytes

    if isinstance(framework, str):
        preset = framework.split(":", 1)[1] if framework.startswith("preset:") else framework
        if preset not in preset_names():
            raise InputError(f"未知的预置框架“{preset}”；可用：{'、'.join(preset_names())}", field="framework")
        return load_framework(f"preset:{preset}")
    return parse_framework(raw_from_bytes(framework, name=name), file=name)


def run_assessment(store, actor: Actor, *, framework: str | bytes, data: bytes, data_name: str,
                   framework_name: str = "框架.yaml", year: int | None = None, uncertainty: int = 0,
                   sensitivity: int = 0, seed: int = 0, base_year: int | None = None) -> AssessmentView:
    """Run an assessment on uploaded bytes and return its view (no database change)."""
    view, _ = run_assessment_result(store, actor, framework=framework, data=data, data_name=data_name,
                                    framework_name=framework_name, year=year, uncertainty=uncertainty,
                                    sensitivity=sensitivity, seed=seed, base_year=base_year)
    return view


def run_assessment_result(store, actor: Actor, *, framework: str | bytes, data: bytes, data_name: str,
                          framework_name: str = "框架.yaml", year: int | None = None, uncertainty: int = 0,
                          sensitivity: int = 0, seed: int = 0, base_year: int | None = None):
    """As :func:`run_assessment`, also returning the result object (for writing XLSX/CSV)."""
    from innodrive.assessment.data_io import parse_assessment_table, read_table_bytes
    from innodrive.assessment.run import _extra_columns, assess_data, data_keys

    require(actor, "assessment.run")
    if not 0 <= uncertainty <= 200_000 or not 0 <= sensitivity <= 100_000:
        raise InputError("抽样次数超出范围（不确定性 ≤ 200000，敏感性 ≤ 100000）", field="uncertainty")
    fw = load_framework_source(framework, name=framework_name)
    table = read_table_bytes(data, Path(data_name).name)
    parsed = parse_assessment_table(table, Path(data_name).name, codes=data_keys(fw), extra=_extra_columns(fw))
    res = assess_data(fw, parsed, year=year, uncertainty=uncertainty, seed=seed, base_year=base_year,
                      sensitivity=sensitivity)
    return assessment_view(res), res


__all__ = ["AssessmentView", "FrameworkInfo", "LevelScore", "NodeInfo", "Profile", "RankingRow",
           "assessment_view", "load_framework_source", "run_assessment", "run_assessment_result"]


class ChecksView(BaseModel):
    """Pre-publication checks of an index with the charts a page or a report shows."""

    checks: object = Field(description="innodrive.assessment.checks.PublicationChecks")
    charts: list[object] = Field(default_factory=list, description="chart models (bar, dot, scatter, heatmap, intervals)")

    model_config = {"arbitrary_types_allowed": True}


def checks_for(coin, *, uncertainty=None, reference: float | None = None, unit: str | None = None,
               names: dict[str, str] | None = None) -> ChecksView:
    """The checks and charts of a built coin (shared by the assessment and the provincial index)."""
    from innodrive.assessment import charts as G
    from innodrive.assessment import checks as C

    res = C.run_checks(coin)
    fw = coin.framework
    figs: list = [G.bar_chart(coin, reference=reference, names=names), G.heatmap_chart(res.correlations, fw)]
    known = coin.data["Raw"].dropna(how="all").index
    if unit is not None or len(known):
        figs.append(G.dot_chart(coin, unit if unit is not None else str(known[0]), names=names))
    top = max(res.influence, key=lambda i: i.influence or 0)
    figs.append(G.scatter_chart(coin, top.code, fw.root, names=names))
    if uncertainty is not None:
        figs.append(G.interval_chart(uncertainty, names=names))
    return ChecksView(checks=res, charts=figs)


def publication_checks(store, actor: Actor, *, framework: str | bytes, data: bytes, data_name: str,
                       framework_name: str = "框架.yaml", year: int | None = None, uncertainty: int = 0,
                       seed: int = 0) -> ChecksView:
    """Run an index and its pre-publication checks (no database change)."""
    _, res = run_assessment_result(store, actor, framework=framework, data=data, data_name=data_name,
                                   framework_name=framework_name, year=year, uncertainty=uncertainty, seed=seed)
    return checks_for(res.coin, uncertainty=res.uncertainty)

