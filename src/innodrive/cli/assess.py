"""``innodrive assess``: run an assessment framework on a data file.

Thin: parse the arguments, call :func:`innodrive.assessment.run.assess`, print a
ranked table with Rich, write the results if asked. Heavy libraries are imported
inside the command so that ``innodrive --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import year_parser


@app.command("assess")
def assess_command(
    framework: str = typer.Argument(..., help="考核框架 YAML 文件，或预置框架 preset:名称（如 preset:casted_index）"),
    data: Path = typer.Argument(..., help="数据文件（.csv 或 .xlsx；长表：地区,指标,年份,值；宽表：每个地区一行、每个指标一列）"),
    year: int | None = typer.Option(None, "--year", "-y", parser=year_parser("--year"), help="评价年份（数据含多个年份时；默认最新年份）"),
    uncertainty: int = typer.Option(0, "--uncertainty", "-u", min=0, max=200000,
                                    help="不确定性分析的 Sobol 抽样次数（0 = 不做）"),
    sensitivity: int = typer.Option(0, "--sensitivity", "-s", min=0, max=100000,
                                    help="敏感性分析的基础样本数 N（共运行 N×(因素数+2) 次；0 = 不做）"),
    seed: int = typer.Option(0, "--seed", help="不确定性分析的随机种子（结果可复现）"),
    base_year: int | None = typer.Option(None, "--base-year", parser=year_parser("--base-year"), help="基期年份：把指数的年度变化分解到各指标（固定基期标准化）"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出文件 .xlsx（分表：各级得分、优势劣势、日志…）或 .csv"),
    top: int = typer.Option(50, "--top", min=1, help="终端表格最多显示的行数"),
) -> None:
    """按考核框架计算综合指数、各级得分与排名（可选考核计分、不确定性分析）。

    示例：innodrive assess 框架.yaml 数据.xlsx --year 2023 --uncertainty 1000 --out 结果.xlsx
    示例：innodrive assess 框架.yaml 多年数据.csv --year 2023 --base-year 2022 --out 结果.xlsx
    """
    from rich.table import Table

    from innodrive.assessment.run import assess, write_result
    from innodrive.cli.output import escape, warn
    from innodrive.cli.output import out as console
    from innodrive.services.assessment import assessment_view

    res = assess(framework, data, year=year, uncertainty=uncertainty, seed=seed, base_year=base_year,
                 sensitivity=sensitivity)
    # write first: nothing printed below can cost the user the file they asked for
    paths = write_result(res, out) if out is not None else []
    view = assessment_view(res)
    fw = view.framework
    title = f"{fw.name}（{fw.version}，{fw.effective.isoformat()} 起施行）" + (f" · {view.year} 年" if view.year else "")
    table = Table(title=escape(title))
    has_type = any(r.unit_type for r in view.ranking)
    has_ua = view.uncertainty_runs is not None
    has_change = view.base_year is not None
    has_kaohe = any(r.kaohe_total is not None or r.kaohe_grade for r in view.ranking)
    table.add_column("排名", justify="right")
    table.add_column("地区")
    if has_type:
        table.add_column("类型")
    table.add_column(escape(next(n.name for n in fw.nodes if n.code == fw.root)), justify="right")
    for c in view.columns:
        table.add_column(escape(c.name), justify="right")
    if has_ua:
        table.add_column("排名区间(5–95%)", justify="right")
    if has_change:
        table.add_column(f"较{view.base_year}年变化", justify="right")
    if has_kaohe:
        for c in ("总分", "等次", "一票否决"):
            table.add_column(f"考核{c}", justify="right")

    def num(v) -> str:
        return "—" if v is None else f"{v:.2f}"

    for row in view.ranking[:top]:
        cells = ["—" if row.rank is None else str(row.rank), escape(row.unit)]
        if has_type:
            cells.append(escape(row.unit_type or ""))
        cells.append(num(row.index))
        cells += [num(row.children.get(c.code)) for c in view.columns]
        if has_ua:
            cells.append("—" if row.rank_p05 is None else f"{row.rank_p05:.0f}–{row.rank_p95:.0f}")
        if has_change:
            cells.append("—" if row.change is None else f"{row.change:+.2f}")
        if has_kaohe:
            cells += [num(row.kaohe_total), escape(row.kaohe_grade or ""), escape(row.kaohe_veto or "")]
        table.add_row(*cells)
    for col in table.columns:
        col.overflow = "fold"  # narrow terminals wrap headers instead of hiding them
    if console.is_terminal:
        console.print(table)
    else:  # piped to a file: print the table at its natural width, nothing folded or cropped
        from rich.console import Console
        from rich.measure import Measurement

        need = Measurement.get(console, console.options.update_width(10_000), table).maximum
        Console(file=console.file, width=max(console.width, need), highlight=False, soft_wrap=False).print(table)
    if view.sensitivity:
        st = Table(title=f"敏感性分析（Saltelli 设计，N={res.sensitivity.n}，共 {view.sensitivity_runs} 次）："
                         "对平均排名变化的影响")
        for col in ("不确定因素", "一阶指数 Si", "总效应指数 STi"):
            st.add_column(col, justify="left" if col == "不确定因素" else "right")
        for r in view.sensitivity:
            st.add_row(escape(r.factor), *("—" if v is None else f"{v:.3f}" for v in (r.first_order, r.total)))
        console.print(st)
    if fw.notes:
        console.print(f"[dim]框架说明：{escape(fw.notes)}[/dim]")
    if view.provenance:
        warn(escape(view.provenance))
    for note in view.notes:
        warn(escape(note))  # notes quote column names from the user's file
    if paths:
        console.print("已写入：" + "、".join(escape(str(p)) for p in paths))
