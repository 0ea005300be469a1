"""``innodrive assess``: run an assessment framework on a data file.

Thin: parse the arguments, call :func:`innodrive.assessment.run.assess`, print a
ranked table with Rich, write the results if asked. Heavy libraries are imported
inside the command so that ``innodrive --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

from innodrive.cli.app import app


@app.command("assess")
def assess_command(
    framework: str = typer.Argument(..., help="考核框架 YAML 文件，或预置框架 preset:名称（如 preset:casted_index）"),
    data: Path = typer.Argument(..., help="数据文件（.csv 或 .xlsx；长表：地区,指标,年份,值；宽表：每个地区一行、每个指标一列）"),
    year: int | None = typer.Option(None, "--year", "-y", help="评价年份（数据含多个年份时；默认最新年份）"),
    uncertainty: int = typer.Option(0, "--uncertainty", "-u", min=0, max=200000,
                                    help="不确定性分析的 Sobol 抽样次数（0 = 不做）"),
    sensitivity: int = typer.Option(0, "--sensitivity", "-s", min=0, max=100000,
                                    help="敏感性分析的基础样本数 N（共运行 N×(因素数+2) 次；0 = 不做）"),
    seed: int = typer.Option(0, "--seed", help="不确定性分析的随机种子（结果可复现）"),
    base_year: int | None = typer.Option(None, "--base-year", help="基期年份：把指数的年度变化分解到各指标（固定基期标准化）"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出文件 .xlsx（分表：各级得分、优势劣势、日志…）或 .csv"),
    top: int = typer.Option(50, "--top", min=1, help="终端表格最多显示的行数"),
) -> None:
    """按考核框架计算综合指数、各级得分与排名（可选考核计分、不确定性分析）。

    示例：innodrive assess 框架.yaml 数据.xlsx --year 2023 --uncertainty 1000 --out 结果.xlsx
    示例：innodrive assess 框架.yaml 多年数据.csv --year 2023 --base-year 2022 --out 结果.xlsx
    """
    import math

    from rich.table import Table

    from innodrive.assessment.run import assess, write_result
    from innodrive.cli.output import escape, warn
    from innodrive.cli.output import out as console

    res = assess(framework, data, year=year, uncertainty=uncertainty, seed=seed, base_year=base_year,
                 sensitivity=sensitivity)
    # write first: nothing printed below can cost the user the file they asked for
    paths = write_result(res, out) if out is not None else []
    fw = res.framework
    title = f"{fw.name}（{fw.version}，{fw.effective.isoformat()} 起施行）" + (f" · {res.year} 年" if res.year else "")
    table = Table(title=escape(title))
    rk = res.ranking
    kids = [c for c in rk.columns if c in fw.by_code and c != fw.root]
    table.add_column("排名", justify="right")
    table.add_column("地区")
    if "类型" in rk.columns:
        table.add_column("类型")
    table.add_column(escape(fw.label(fw.root)), justify="right")
    for c in kids:
        table.add_column(escape(fw.label(c)), justify="right")
    ua = res.uncertainty.table if res.uncertainty is not None else None
    if ua is not None:
        table.add_column("排名区间(5–95%)", justify="right")
    change = None
    if res.attribution is not None:
        a = res.attribution
        change = a[a["code"] == fw.root].set_index("unit")["contribution"]
        table.add_column(f"较{res.base_year}年变化", justify="right")
    sc = res.scoring
    if sc is not None:
        for c in ("总分", "等次", "一票否决"):
            if c in sc.columns:
                table.add_column(f"考核{c}", justify="right")

    def num(v) -> str:
        return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.2f}"

    for unit, row in list(rk.iterrows())[:top]:
        cells = ["—" if math.isnan(row["排名"]) else str(int(row["排名"])), escape(str(unit))]
        if "类型" in rk.columns:
            cells.append(escape(str(row["类型"] or "")))
        cells.append(num(row[fw.root]))
        cells += [num(row[c]) for c in kids]
        if ua is not None:
            lo, hi = ua.loc[unit, "rank_p05"], ua.loc[unit, "rank_p95"]
            cells.append("—" if math.isnan(lo) else f"{lo:.0f}–{hi:.0f}")
        if change is not None:
            v = change.get(unit)
            cells.append("—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:+.2f}")
        if sc is not None:
            for c in ("总分", "等次", "一票否决"):
                if c in sc.columns:
                    v = sc.loc[unit, c]
                    cells.append(num(v) if c == "总分" else escape(str(v or "")))
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
    if res.sensitivity is not None:
        st = Table(title=f"敏感性分析（Saltelli 设计，N={res.sensitivity.n}，共 {res.sensitivity.runs} 次）："
                         "对平均排名变化的影响")
        for col in ("不确定因素", "一阶指数 Si", "总效应指数 STi"):
            st.add_column(col, justify="left" if col == "不确定因素" else "right")
        for _, r in res.sensitivity.indices.iterrows():
            st.add_row(escape(str(r["factor"])), *("—" if math.isnan(r[k]) else f"{r[k]:.3f}" for k in ("Si", "STi")))
        console.print(st)
    if fw.notes:
        console.print(f"[dim]框架说明：{escape(fw.notes)}[/dim]")
    if res.provenance_line():
        warn(escape(res.provenance_line()))
    for note in res.notes:
        warn(escape(note))  # notes quote column names from the user's file
    if paths:
        console.print("已写入：" + "、".join(escape(str(p)) for p in paths))
