"""``innodrive province``: all 市州 (or 区县) of Sichuan on one indicator and year.

Thin: resolve the options, call :func:`innodrive.services.province.province_board`,
print the board with Rich (missing values shown as missing, with the reason), and
write it to XLSX/CSV when asked.
"""

from __future__ import annotations

from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import year_parser

LEVEL_OPTIONS = {"市州": "prefecture", "市": "prefecture", "prefecture": "prefecture",
                 "区县": "county", "县": "county", "county": "county"}


def fmt(v: float | None, digits: int = 4) -> str:
    if v is None:
        return "—"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def short(source: str, limit: int = 36) -> str:
    """A source's first clause for the terminal (the full text goes to --out)."""
    head = source.split("；")[0].split("，转载")[0]
    return head if len(head) <= limit else head[: limit - 1] + "…"


@app.command("province")
def province_command(
    indicator: str = typer.Option(..., "--indicator", "-i", help="指标目录中的代码或名称，如 rd_intensity 或 R&D经费投入强度"),
    year: int = typer.Option(..., "--year", "-y", parser=year_parser("--year"), help="年份"),
    level: str = typer.Option("市州", "--level", help="市州 或 区县"),
    as_of: str | None = typer.Option(None, "--as-of", help="判断“数据待发布”所用的日期（默认今天）"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出 .xlsx 或 .csv"),
    by: str | None = typer.Option(None, "--by", help="操作人（默认取 INNODRIVE_USER 或登录名）"),
) -> None:
    """全省市州（或区县）对比看板：数值、排名、较上年变化、全省值与平均、来源；缺失的数据标明原因。

    示例：innodrive province --indicator R&D经费投入强度 --year 2018
    示例：innodrive province --indicator hnte_count --year 2023 --level 区县 --out 区县高企.xlsx
    """
    from rich.table import Table

    from innodrive.cli.output import escape
    from innodrive.cli.output import out as console
    from innodrive.cli.plans import open_db
    from innodrive.cli.status import parse_date
    from innodrive.errors import InputError
    from innodrive.services.identity import cli_actor
    from innodrive.services.province import province_board

    lv = LEVEL_OPTIONS.get(level.strip())
    if lv is None:
        raise InputError(f"--level 应为 市州 或 区县，而不是“{level}”", field="level")
    if out is not None and out.suffix.lower() not in (".xlsx", ".csv"):
        raise InputError("输出文件应为 .xlsx 或 .csv", file=out.name)
    when = parse_date(as_of, field="as_of")
    store = open_db()
    try:
        board = province_board(store, cli_actor(store, by), indicator=indicator, year=year, level=lv, as_of=when)
    finally:
        store.close()
    if out is not None:
        from innodrive.province.export import write_board

        write_board(board, out)
    table = Table(title=escape(f"{board.province_name}各{board.level_name} · {board.indicator_name}（{board.unit}）"
                               f" · {board.year} 年"), caption=f"有数据 {board.with_data}/{board.regions}")
    for col, justify in (("排名", "right"), (board.level_name, "left"), *((("所属市州", "left"),)
                         if lv == "county" else ()), ("数值", "right"), ("较上年", "right"), ("来源或缺失原因", "left")):
        table.add_column(col, justify=justify, overflow="fold")
    ordered = sorted(board.rows, key=lambda r: (r.rank is None, r.rank or 0, r.code))
    for r in ordered:
        change = "—" if r.change is None else f"{r.change:+.4g}" + (f"（{r.change_pct:+.1f}%）" if r.change_pct is not None else "")
        note = escape(short(r.source or "")) + ("（派生）" if r.derived else "") if r.value is not None else \
            f"[yellow]缺失[/yellow]：{escape(r.missing_reason or '')}"
        cells = ["—" if r.rank is None else str(r.rank), escape(r.name)]
        if lv == "county":
            cells.append(escape(r.parent_name or ""))
        cells += [fmt(r.value), change, note]
        table.add_row(*cells)
    console.print(table)
    console.print("[dim]来源只显示首句；完整来源见 --out 输出的“来源”列[/dim]")
    prov = fmt(board.province_value) if board.province_value is not None else "未录入"
    console.print(f"全省：{prov}" + (f"（{escape(board.province_source or '')}）" if board.province_source else "")
                  + f"；平均：{fmt(board.average)}（{escape(board.average_note or '无数据')}）")
    if out is not None:
        console.print(f"已写入：{escape(str(out))}")


@app.command("cities")
def cities_command(
    indicator: str = typer.Option(..., "--indicator", "-i", help="指标目录中的代码或名称，如 高新技术企业数量"),
    region: list[str] = typer.Option([], "--region", "-r", help="城市（可重复；默认 自贡市、乐山市、绵阳市、宜宾市）"),
    as_of: str | None = typer.Option(None, "--as-of", help="评估日期（默认今天）"),
    rules: str | None = typer.Option(None, "--rules", help="状态规则集（默认 default）"),
    by: str | None = typer.Option(None, "--by", help="操作人（默认取 INNODRIVE_USER 或登录名）"),
) -> None:
    """示范城市对照：同一指标在各城市的目标、路径（序时进度）、最新值与灯色。

    示例：innodrive cities --indicator 高新技术企业数量 --as-of 2024-06-30
    """
    from rich.table import Table

    from innodrive.cli.output import escape
    from innodrive.cli.output import out as console
    from innodrive.cli.plans import open_db
    from innodrive.cli.status import LIGHT_STYLE, parse_date
    from innodrive.services.identity import cli_actor
    from innodrive.services.province import cities_side_by_side

    when = parse_date(as_of, field="as_of")
    store = open_db()
    try:
        v = cities_side_by_side(store, cli_actor(store, by), indicator=indicator, as_of=when,
                                regions=region or None, rules=rules)
    finally:
        store.close()
    t = Table(title=escape(f"{v.indicator_name} · 示范城市对照（{v.as_of}）"))
    for col in ("城市", "文件中的目标", "基期", "目标值", "最新值", "灯", "原因"):
        t.add_column(col, overflow="fold")
    for c in v.cities:
        if not c.targets:
            t.add_row(escape(c.region_name), "[dim]计划中没有对应目标[/dim]", "", "", "", "", "")
        for x in c.targets:
            style = LIGHT_STYLE.get(x.light, "")
            base = "—" if x.baseline_value is None else f"{x.baseline_value:g}（{x.baseline_year}）"
            tgt = "—" if x.target_value is None else f"{x.target_value:g}{x.unit or ''}"
            last = "—" if x.latest_value is None else f"{x.latest_value:g}（{x.latest_period}）"
            t.add_row(escape(c.region_name), escape(x.written), base, tgt, last,
                      f"[{style}]● {x.light_name}[/{style}]", escape(x.reason))
    console.print(t)
