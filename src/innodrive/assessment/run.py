"""One call from files to results: what ``innodrive assess`` runs.

:func:`assess` reads a framework and a data file, checks them against each other
(every indicator must have data somewhere; denominators, deduction and veto columns
must exist; unit types must be declared), builds the coin with the framework's
method, and collects the results (ranking, every level, 优势/劣势, 考核 scores,
uncertainty). :func:`write_result` writes them to XLSX (one sheet each, plus the
framework and the log) or CSV (every level in one table, the log beside it as JSON).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from innodrive.assessment.coin import TYPE_COLUMN, Coin
from innodrive.assessment.data_io import AssessmentData, read_assessment_data
from innodrive.assessment.framework import USER_SUPPLIED, Framework, load_framework
from innodrive.errors import InputError, Problem, ValidationFailed
from innodrive.safeio import atomic_write

FIELD_ZH = {"standard": "评价标准值", "weight": "权重", "target": "目标值", "goalposts": "门槛值"}


@dataclass
class AssessmentResult:
    framework: Framework
    coin: Coin
    year: int | None
    ranking: pd.DataFrame
    levels: pd.DataFrame
    profiles: pd.DataFrame
    scoring: pd.DataFrame | None = None
    uncertainty: object | None = None
    sensitivity: object | None = None
    attribution: pd.DataFrame | None = None
    base_year: int | None = None
    notes: list[str] = field(default_factory=list)
    data_file: str = ""

    @property
    def user_supplied(self) -> list[tuple[str, str]]:
        return self.framework.user_supplied()

    def provenance_line(self) -> str:
        """The "用户提供" mark every output carries when a preset left values to the user."""
        marks = self.user_supplied
        if not marks:
            return ""
        counts: dict[str, int] = {}
        for _, f in marks:
            counts[f] = counts.get(f, 0) + 1
        parts = "、".join(f"{FIELD_ZH.get(f, f)} {n} 项" for f, n in counts.items())
        return f"注意：本结果使用的{parts}为{USER_SUPPLIED}（官方现行值未公开），不是官方数值。"


def default_method(framework: Framework) -> list[dict]:
    method: list[dict] = []
    if any(framework.by_code[c].denominator for c in framework.indicators):
        method.append({"step": "denominate", "dset": "Raw"})
    method.append({"step": "normalise", "dset": method and "Denominated" or "Raw", "method": "minmax",
                   "params": {"l": 0, "u": 100}})
    method.append({"step": "aggregate", "dset": "Normalised", "method": "arithmetic"})
    return method


def _extra_columns(fw: Framework) -> set[str]:
    extra = {fw.by_code[c].denominator for c in fw.indicators if fw.by_code[c].denominator}
    for key in ("deductions", "vetoes"):
        extra |= {d["code"] for d in (fw.scoring or {}).get(key) or []}
    return extra


def read_for(framework: Framework, data_path: Path | str) -> AssessmentData:
    return read_assessment_data(data_path, codes=data_keys(framework), extra=_extra_columns(framework))


def data_keys(framework: Framework) -> dict[str, str]:
    """Every column/indicator name a data file may use → framework code."""
    codes = {c: c for c in framework.indicators}
    for c in framework.indicators:
        codes.setdefault(framework.by_code[c].name, c)
    if framework.catalogue:
        from innodrive.indicators.catalogue import load_catalogue

        for ind in load_catalogue():
            if ind.code in codes:
                for n in ind.names:
                    codes.setdefault(n, ind.code)
    return codes


def build_coin(framework: Framework, data: AssessmentData, *, year: int | None = None) -> tuple[Coin, list[str]]:
    """Check the data against the framework and build the coin for one year (no steps run)."""
    notes: list[str] = []
    years = data.years
    if year is None and years:
        with_data = [y for y in years if any(c in data.values[y].columns and data.values[y][c].notna().any()
                                             for c in framework.indicators)]
        year = (with_data or years)[-1]
        if len(years) > 1:
            notes.append(f"未指定年份，使用数据中最新的 {year} 年（可用 --year 指定）")
    if year is not None and year not in data.values:
        avail = "、".join(str(y) for y in years) or "无（数据没有年份列）"
        raise InputError(f"数据中没有 {year} 年；现有年份：{avail}", file=data.file, field="年份")
    key = year if year in data.values else None
    if key not in data.values:
        raise InputError("数据中没有可用的数值", file=data.file)
    values = data.values[key]
    problems: list[Problem] = []
    for c in framework.indicators:
        anywhere = any(c in v.columns and v[c].notna().any() for v in data.values.values())
        here = c in values.columns and values[c].notna().any()
        if not anywhere:
            problems.append(Problem(f"指标“{c}”（{framework.label(c)}）在数据中没有任何取值，无法评价；"
                                    "请补充数据或从框架中删除该指标", file=data.file, field=c))
        elif not here:
            problems.append(Problem(f"指标“{c}”（{framework.label(c)}）在 {year} 年没有任何取值（其他年份有数据）",
                                    file=data.file, field=c))
    for den in sorted({framework.by_code[c].denominator for c in framework.indicators
                       if framework.by_code[c].denominator}):
        if den not in values.columns:
            problems.append(Problem(f"缺少分母列“{den}”（框架中有指标以它为分母）", file=data.file, field=den))
    if TYPE_COLUMN in data.units.columns and framework.unit_types:
        for unit, t in data.units[TYPE_COLUMN].items():
            if t is not None and t not in framework.unit_types:
                problems.append(Problem(f"“{unit}”的类型“{t}”未在框架的 unit_types 中声明（{'、'.join(framework.unit_types)}）",
                                        file=data.file, field=TYPE_COLUMN))
    if problems:
        first = problems[0]
        raise ValidationFailed(f"数据与框架不匹配（{len(problems)} 处），第一处：{first.message}", file=data.file,
                               field=first.field, problems=problems)
    if data.ignored:
        notes.append(f"数据中以下列/指标不在框架中，已忽略：{'、'.join(data.ignored[:20])}")
    dens = sorted(_extra_columns(framework) & set(values.columns))
    panel = {y: v for y, v in data.values.items() if y is not None} or None
    coin = Coin(framework=framework, data=values, units=data.units, denominators=values[dens] if dens else None,
                panel=panel, year=year)
    return coin, notes


def assess(framework_path: Path | str, data_path: Path | str, *, year: int | None = None, uncertainty: int = 0,
           seed: int = 0, base_year: int | None = None, sensitivity: int = 0) -> AssessmentResult:
    """Run a framework on a data file: the library call behind ``innodrive assess``.

    With ``base_year`` the change of the index since that year is split into indicator
    contributions under fixed-base normalisation (:func:`results.attribute_change`).
    With ``sensitivity`` (base samples N) a Saltelli design of N·(d + 2) runs gives the
    first-order and total indices of each uncertain factor.
    """
    fw = load_framework(framework_path)
    data = read_for(fw, data_path)
    return assess_data(fw, data, year=year, uncertainty=uncertainty, seed=seed, base_year=base_year,
                       sensitivity=sensitivity)


def assess_data(fw: Framework, data: AssessmentData, *, year: int | None = None, uncertainty: int = 0,
                seed: int = 0, base_year: int | None = None, sensitivity: int = 0) -> AssessmentResult:
    """:func:`assess` on a framework and data already read (files, bytes or the store)."""
    from innodrive.assessment import results, scoring
    from innodrive.assessment import sensitivity as sa

    coin, notes = build_coin(fw, data, year=year)
    method = list(fw.method) or default_method(fw)
    if not fw.method:
        notes.append("框架未声明评价方法（method），使用默认：极差标准化到 [0,100] + 加权算术平均")
    coin.run(method)
    notes.extend(coin.notes)
    agg = [e for e in coin.log if e["step"] == "aggregate"]
    if not agg:
        raise InputError("评价方法中没有合成步骤（aggregate），无法得到总指数", file=fw.file, field="method")
    dset = agg[-1]["params"]["write_to"]
    norm = [e for e in coin.log if e["step"] == "normalise"]
    res = AssessmentResult(framework=fw, coin=coin, year=coin.year, ranking=results.ranking(coin, dset=dset),
                           levels=results.level_table(coin, dset=dset),
                           profiles=results.profiles(coin, dset=norm[-1]["params"]["write_to"] if norm else dset),
                           notes=notes, data_file=data.file)
    if fw.scoring:
        key = coin.year if coin.year in data.values else None
        raw = data.values[key]
        types = data.units[TYPE_COLUMN] if TYPE_COLUMN in data.units.columns else None
        res.scoring = scoring.score(fw, raw, targets=data.targets.get(key), unit_types=types)
    if base_year is not None:
        if base_year == coin.year:
            raise InputError("基期年份与评价年份相同，无法计算变化", field="--base-year")
        base, _ = build_coin(fw, data, year=base_year)
        base.run(method)
        res.attribution = results.attribute_change(base, coin)
        res.base_year = base_year
    if uncertainty:
        factors = fw.uncertainty["factors"] if fw.uncertainty else None
        res.uncertainty = sa.uncertainty(coin, n=int(uncertainty), factors=factors, seed=seed)
    if sensitivity:
        factors = fw.uncertainty["factors"] if fw.uncertainty else None
        res.sensitivity = sa.sensitivity(coin, n=int(sensitivity), factors=factors, seed=seed)
    return res


def _wide_levels(res: AssessmentResult) -> pd.DataFrame:
    lv = res.levels
    score = lv.pivot(index="unit", columns="code", values="score")
    rank = lv.pivot(index="unit", columns="code", values="rank")
    order = list(dict.fromkeys(lv["code"]))
    idx = res.ranking.index
    cols: dict[str, pd.Series] = {}
    if TYPE_COLUMN in res.ranking.columns:
        cols[TYPE_COLUMN] = res.ranking[TYPE_COLUMN]
    for c in order:
        cols[f"{c} {res.framework.label(c)}"] = score[c].reindex(idx)
        cols[f"{c}:排名"] = rank[c].reindex(idx)
    if res.scoring is not None:
        for c in ("总分", "排名", "等次", "一票否决"):
            if c in res.scoring.columns:
                cols[f"考核{c}"] = res.scoring[c].reindex(idx)
    if res.uncertainty is not None:
        t = res.uncertainty.table
        for c, zh in (("median_rank", "排名中位数"), ("rank_p05", "排名5%分位"), ("rank_p95", "排名95%分位")):
            cols[zh] = t[c].reindex(idx)
    out = pd.DataFrame(cols, index=idx)
    out.index.name = "地区"
    return out


def framework_table(fw: Framework) -> pd.DataFrame:
    rows = []
    for n in fw.nodes:
        rows.append({"代码": n.code, "名称": n.name, "类别": "指标" if n.kind == "indicator" else "分组",
                     "层级": fw.levels.get(n.code), "上级": n.parent, "方向": "正向" if n.direction > 0 else "逆向",
                     "权重": n.weight, "分类型权重": json.dumps(n.weights_by_type, ensure_ascii=False) if n.weights_by_type else "",
                     "分母": n.denominator, "评价标准值": n.standard, "目标值": n.target,
                     "门槛值": "" if n.goalposts is None else f"{n.goalposts[0]:g}–{n.goalposts[1]:g}",
                     "单位": n.unit, "参数来源": "；".join(f"{FIELD_ZH.get(k, k)}：{v}" for k, v in n.sources.items())})
    return pd.DataFrame(rows)


def write_result(res: AssessmentResult, path: Path | str) -> list[Path]:
    """Write results to ``.xlsx`` (sheets) or ``.csv`` (+ ``<name>.log.json``). Returns the files written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(f"输出文件应为 .xlsx 或 .csv，而不是“{suffix or '无扩展名'}”", file=path.name)
    if path.parent and not path.parent.exists():
        raise InputError("输出目录不存在", file=str(path.parent))
    fw = res.framework
    meta = [("框架", fw.name), ("框架代码", fw.id), ("版本", fw.version), ("生效日期", fw.effective.isoformat()),
            ("框架来源", fw.source or ""), ("框架说明", fw.notes or ""), ("数据文件", res.data_file),
            ("评价年份", res.year or "")]
    if res.provenance_line():
        meta.append(("参数来源", res.provenance_line()))
    meta += [("说明", n) for n in res.notes]
    if res.uncertainty is not None:
        from innodrive.assessment.sensitivity import describe_factors

        meta.append(("不确定性分析", f"Sobol 准随机抽样 {res.uncertainty.n} 次（种子 {res.uncertainty.seed}）："
                                f"{describe_factors(res.uncertainty.factors)}"))
    log = res.coin.log_json()
    if suffix == ".csv":
        wide = _wide_levels(res)
        if res.provenance_line():
            wide["参数来源"] = res.provenance_line()
        if res.attribution is not None:
            a = res.attribution
            ch = a[a["code"] == fw.root].set_index("unit")["contribution"]
            wide[f"{res.base_year}–{res.year}年指数变化（固定基期）"] = ch.reindex(wide.index)
        body = safe_frame(wide).to_csv().encode("utf-8-sig")
        atomic_write(path, body)
        logp = path.with_suffix(".log.json")
        atomic_write(logp, json.dumps({"meta": dict(meta), "log": json.loads(log)}, ensure_ascii=False, indent=1,
                                      default=str).encode("utf-8"))
        return [path, logp]
    sheets: list[tuple[str, pd.DataFrame]] = [
        ("说明", pd.DataFrame(meta, columns=["项目", "内容"])),
        ("排名", res.ranking.rename(columns={c: f"{c} {fw.label(c)}" for c in res.ranking.columns if c in fw.by_code})),
        ("各级得分", _wide_levels(res)),
        ("各级得分（长表）", res.levels.rename(columns={"unit": "地区", "code": "代码", "name": "名称", "level": "层级",
                                                "parent": "上级", "score": "得分", "rank": "排名"})),
        ("优势劣势", res.profiles),
    ]
    for name in res.coin.data:
        if name not in ("Aggregated",):
            sheets.append((f"数据-{name}", res.coin.data[name]))
    if res.scoring is not None:
        sheets.append(("考核得分", res.scoring))
    if res.uncertainty is not None:
        sheets.append(("不确定性", res.uncertainty.table.rename(columns={
            "nominal_score": "得分", "nominal_rank": "排名", "median_rank": "排名中位数", "rank_p05": "排名5%分位",
            "rank_p95": "排名95%分位", "mean_score": "得分均值", "score_p05": "得分5%分位", "score_p95": "得分95%分位"})))
    if res.sensitivity is not None:
        sr = res.sensitivity
        sheets.append(("敏感性", sr.indices.rename(columns={"factor": "不确定因素", "Si": "一阶指数Si",
                                                           "STi": "总效应指数STi"})))
        sheets.append(("敏感性-各单位STi", sr.per_unit_sti))
    if res.attribution is not None:
        sheets.append((f"变化归因{res.base_year}-{res.year}", res.attribution.rename(columns={
            "unit": "地区", "code": "代码", "name": "名称", "base": f"{res.base_year}年标准化值",
            "new": f"{res.year}年标准化值", "contribution": "对指数变化的贡献"})))
    sheets.append(("框架", framework_table(fw)))
    steps = json.loads(log)["steps"]
    sheets.append(("日志", pd.DataFrame([{"序号": i, "步骤": s["step"], "写入": "、".join(s["writes"]),
                                          "可重放": "是" if s["can_regen"] else f"否：{s['reason']}",
                                          "参数(JSON)": json.dumps(s["params"], ensure_ascii=False)}
                                         for i, s in enumerate(steps)])))
    write_xlsx(path, [(name, df, name not in ("说明", "各级得分（长表）", "框架", "日志")) for name, df in sheets])
    return [path]


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose every text — cells, row labels (region names) and column
    headers (indicator names) — is safe to open in a spreadsheet (no live formulas)."""
    from innodrive.safeio import safe_cell

    out = df.copy()
    out.columns = pd.Index([safe_cell(c) for c in out.columns], name=safe_cell(out.columns.name))
    if isinstance(out.index, pd.MultiIndex):
        out.index = pd.MultiIndex.from_tuples([tuple(safe_cell(v) for v in t) for t in out.index],
                                              names=[safe_cell(n) for n in out.index.names])
    else:
        out.index = pd.Index([safe_cell(v) for v in out.index], name=safe_cell(out.index.name))
    for j in range(out.shape[1]):
        col = out.iloc[:, j]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col)):
            out.isetitem(j, col.map(safe_cell).astype(object))
    return out


def write_xlsx(path: Path | str, sheets: list[tuple[str, pd.DataFrame, bool]]) -> Path:
    """Write (sheet name, frame, keep index) sheets to one workbook, formula-safe and atomically."""
    from innodrive.safeio import safe_cell

    def write(f) -> None:
        with pd.ExcelWriter(f, engine="openpyxl") as xw:
            for name, df, index in sheets:
                safe_frame(df).to_excel(xw, sheet_name=str(safe_cell(name)).lstrip("'")[:31], index=index)

    return atomic_write(path, write)


def xlsx_bytes(sheets: list[tuple[str, pd.DataFrame, bool]]) -> bytes:
    """:func:`write_xlsx` into memory, for a download (same sheets, same formula safety)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return write_xlsx(Path(folder) / "out.xlsx", sheets).read_bytes()

