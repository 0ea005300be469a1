"""``innodrive index sichuan``: the provincial 科技创新水平指数 of every 市州, one city's gap and levers.

Thin: read the options, call :mod:`innodrive.services.province`, print with Rich.
"""

from __future__ import annotations

from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import year_parser

index_app = typer.Typer(help="科技创新水平指数：全省市州计算、缺失数据、距 60% 的差距与提升路径。", no_args_is_help=True)
app.add_typer(index_app, name="index")


def _what_if(items: list[str]) -> dict[str, float]:
    from innodrive.errors import InputError
    from innodrive.province.board import resolve_indicator

    out = {}
    for it in items:
        key, sep, value = it.partition("=")
        if not sep:
            raise InputError(f"--what-if 应写成 指标=数值，如 rd_intensity=2.1，而不是“{it}”", field="what-if")
        try:
            out[resolve_indicator(key).code] = float(value.strip().rstrip("%"))
        except ValueError:
            raise InputError(f"--what-if 的数值“{value}”不是数字", field="what-if") from None
    return out


@index_app.command("sichuan")
def sichuan_command(
    framework: Path | None = typer.Option(None, "--framework", "-f",
                                          help="填好评价标准值和权重的框架文件（extends: sichuan_sti_index）"),
    year: int = typer.Option(..., "--year", "-y", parser=year_parser("--year"), help="年份"),
    region: str | None = typer.Option(None, "--region", "-r", help="查看一个市州的差距与提升路径，如 乐山市"),
    show_levers: bool = typer.Option(False, "--levers", help="列出提升路径（每个指标对指数的边际贡献）"),
    what_if: list[str] = typer.Option([], "--what-if", help="假设分析：指标=数值，可重复，如 rd_intensity=2.1"),
    template: Path | None = typer.Option(None, "--template", help="写出待填写标准值与权重的框架模板后退出"),
    checks: bool = typer.Option(False, "--checks", help="发布前检查：相关性、Cronbach α、数据可得性、实际影响、去掉一项的影响"),
    charts: Path | None = typer.Option(None, "--charts", help="把检查图表（条形、点、散点、相关热图、排名区间）写成 PNG 到该文件夹"),
    uncertainty: int = typer.Option(0, "--uncertainty", min=0, max=100000, help="排名不确定性抽样次数（用于区间图）"),
    as_of: str | None = typer.Option(None, "--as-of", help="判断“数据待发布”所用的日期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help="操作人（默认取 INNODRIVE_USER 或登录名）"),
) -> None:
    """四川省市州科技创新水平指数（评价标准值法，达标线 60%）：各市州指数、缺失数据、差距与提升路径。

    官方现行评价标准值和权重未公开，须由用户依据省统计监测文件填写（--template 生成模板）。

    示例：innodrive index sichuan --template 四川指数.yaml
    示例：innodrive index sichuan -f 四川指数.yaml --year 2023 --region 乐山市 --levers --what-if rd_intensity=2.1
    """
    from rich.table import Table

    from innodrive.cli.output import escape, warn
    from innodrive.cli.output import out as console
    from innodrive.cli.plans import open_db
    from innodrive.cli.status import parse_date
    from innodrive.services.identity import cli_actor
    from innodrive.services.province import sti_index, sti_levers

    if template is not None:
        from innodrive.province.sti_index import template_yaml
        from innodrive.safeio import atomic_write

        atomic_write(template, template_yaml().encode("utf-8"))
        console.print(f"已写出模板：{escape(str(template))}（请依据省统计监测文件填写全部标准值和权重）")
        return
    changes = _what_if(what_if)
    when = parse_date(as_of, field="as_of")
    store = open_db()
    try:
        actor = cli_actor(store, by)
        if region:
            report, lv = sti_levers(store, actor, framework=framework, year=year, region=region, what_if=changes,
                                    as_of=when)
        else:
            report, lv = sti_index(store, actor, framework=framework, year=year, as_of=when), None
    finally:
        store.close()

    def f(v, d=2):
        return "—" if v is None else f"{v:.{d}f}"

    table = Table(title=escape(f"{report.framework_name} · {report.year} 年（达标线 {report.line:g}）"))
    for col in ("排名", "市州", "指数", *report.group_names.values(), "距60差距", "数据", "已公布值"):
        table.add_column(escape(col), justify="left" if col == "市州" else "right", overflow="fold")
    for c in sorted(report.cities, key=lambda c: (c.rank is None, c.rank or 0)):
        gap = "—" if c.gap is None else ("[green]已达标[/green]" if c.gap <= 0 else f"[red]{c.gap:.2f}[/red]")
        table.add_row("—" if c.rank is None else str(c.rank), escape(c.name), f(c.index),
                      *(f(c.groups.get(g)) for g in report.group_names), gap, f"{c.available}/{c.total}",
                      f(c.published))
    console.print(table)
    warn(escape(report.provenance))
    for n in report.notes:
        warn(escape(n))
    if checks or charts is not None:
        from innodrive.services.province import sti_checks

        store = open_db()
        try:
            _, view = sti_checks(store, actor, framework=framework, year=year, region=region,
                                 uncertainty=uncertainty, as_of=when)
        finally:
            store.close()
        print_checks(view, console)
        if charts is not None:
            write_charts(view, charts, console)
    if lv is None:
        return
    c = lv.city
    console.print(f"\n[bold]{escape(c.name)}[/bold]：指数 {f(c.index)}，" +
                  ("已达到 60" if c.gap <= 0 else f"距 {report.line:g} 还差 {c.gap:.2f}"))
    if c.missing:
        console.print("缺失数据：")
        for m in c.missing:
            console.print(f"  · {escape(m.name)}（{m.code}）：{escape(m.reason)}")
    if show_levers:
        t = Table(title="提升路径（按“提高现值 1%”带来的指数增量排序）")
        for col in ("指标", "现值", "标准值", "得分", "有效权重", "每提高1个单位", "提高现值1%", "剩余空间", "单独达到60所需值"):
            t.add_column(col, justify="left" if col == "指标" else "right", overflow="fold")
        for x in lv.levers:
            need = "—" if x.needed_alone is None else f"{x.needed_alone:.4g}"
            t.add_row(escape(f"{x.name}（{x.unit or ''}）"), f"{x.value:.4g}", f"{x.standard:.4g}", f(x.normalised, 1),
                      f"{x.effective_weight:.3f}", "已封顶" if x.capped else f"{x.per_unit:.4g}", f"{x.per_percent:.4f}",
                      f(x.headroom), need)
        console.print(t)
    if lv.what_if:
        items = "、".join(f"{k}={v:g}" for k, v in lv.what_if.items())
        console.print(f"假设分析（{escape(items)}）：指数 {f(c.index)} → {f(lv.what_if_index)}，" +
                      ("达到 60" if lv.what_if_gap <= 0 else f"距 60 还差 {lv.what_if_gap:.2f}"))


def print_checks(view, console) -> None:
    """The checks an office reads before publishing, in Chinese."""
    from rich.table import Table

    from innodrive.cli.output import escape

    res = view.checks
    t = Table(title="发布前检查：实际影响与名义权重")
    for col in ("指标", "名义权重", "与指数相关 r", "实际影响", "实际/名义"):
        t.add_column(col, justify="left" if col == "指标" else "right")
    for i in res.influence:
        t.add_row(escape(i.name), f"{i.nominal:.1%}", "—" if i.r is None else f"{i.r:.2f}",
                  "—" if i.influence is None else f"{i.influence:.1%}", "—" if i.ratio is None else f"{i.ratio:.2f}")
    console.print(t)
    a = Table(title="各组 Cronbach α")
    for col in ("分组", "指标数", "单位数", "α"):
        a.add_column(col)
    for x in res.alpha:
        a.add_row(escape(x.name), str(x.k), str(x.n), "—" if x.alpha is None else f"{x.alpha:.2f}")
    console.print(a)
    d = Table(title="去掉一项后排名的变化（平均 / 最大，名次）")
    for col in ("去掉", "类别", "平均变化", "最大变化", "排名变动的单位数"):
        d.add_column(col)
    for x in res.drop_one[:10]:
        d.add_row(escape(x.name), "指标" if x.kind == "indicator" else "分组", f"{x.mean_abs_rank_change:.2f}",
                  str(x.max_abs_rank_change), str(x.units_moved))
    console.print(d)
    for w in res.warnings:
        console.print(f"[yellow]注意[/yellow]：{escape(w)}")


def write_charts(view, folder: Path, console) -> None:
    from innodrive.assessment.charts import cjk_font, render_png
    from innodrive.cli.output import escape
    from innodrive.errors import InputError
    from innodrive.safeio import atomic_write

    if not folder.is_dir():
        raise InputError("图表输出文件夹不存在", file=str(folder))
    if cjk_font() is None:
        console.print("[yellow]注意[/yellow]：未找到中文字体（Debian 软件包 fonts-noto-cjk），图中中文可能无法显示")
    for i, ch in enumerate(view.charts, start=1):
        p = folder / f"{i:02d}_{ch.kind}.png"
        atomic_write(p, render_png(ch))
        console.print(f"已写入图表：{escape(str(p))}")
