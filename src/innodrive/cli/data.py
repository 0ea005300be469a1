"""``innodrive data import`` and ``innodrive data show``: statistics in and out."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out, warn

data_app = typer.Typer(help="统计数据：导入（长表或宽表，CSV 或 XLSX）与查看（含出处和修订记录）。", no_args_is_help=True,
                       rich_markup_mode="rich")
app.add_typer(data_app, name="data")

SHOWN_CHANGES = 40
KIND_NAMES = {"add": "新增", "revise": "修正", "source": "增加出处"}


@data_app.command("import")
def data_import_command(
    file: Path | None = typer.Argument(None, help="CSV（UTF-8 或 GB18030）或 XLSX 文件", show_default=False),
    default: bool = typer.Option(False, "--default", help="导入内置的四川省创新统计数据（含出处；只补充缺少的数值）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只预览将新增、修正哪些数值，不写入数据库"),
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX 的工作表名称（默认第一个）"),
    by: str | None = typer.Option(None, "--by", help="操作人（记入审计日志）"),
) -> None:
    """导入统计数据：长表（地区、指标、时期/年份、值、单位、来源[、备注]）或宽表（地区、指标、单位、来源、每年一列）。

    表头上方可以有标题行；单位自动换算为指标目录单位（万元→亿元、人→万人、万家→家）；任何一行有问题则逐行列出且不导入任何数据；
    重复导入同一文件不会改变数据库；修正的数值保存为新修订版本；同一数值来自另一出处时记为第二个出处。

    示例：innodrive data import 统计数据.csv --dry-run
          innodrive data import 统计数据.xlsx --sheet 2023年
          innodrive data import --default
    """
    from innodrive.blobs import Upload
    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.errors import InputError, ValidationFailed
    from innodrive.services import data as data_service

    if (file is None) == (not default):
        raise InputError("请给出要导入的文件，或使用 --default 导入内置数据（二者选一）")
    upload = None if default else Upload.from_path(file, what="表格文件")
    store = open_db()
    committed = None
    try:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        who = cli_actor(store, by)
        with Progress(TextColumn("写入数值"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            job = None

            def progress(stage: str, done: int, total: int) -> None:
                nonlocal job
                if job is None:
                    job = bar.add_task("", total=total)
                bar.update(job, completed=done)

            try:
                if default:
                    r = data_service.import_shipped(store, who, dry_run=dry_run)
                else:
                    r = data_service.import_table(store, who, upload, sheet=sheet, dry_run=dry_run, progress=progress)
                committed = r
            except ValidationFailed:
                bar.stop()  # main() lists the problems, one line each
                raise
    except KeyboardInterrupt:
        # the transaction either committed (r is set) or was rolled back as a whole
        if committed is not None and committed.batch_id is not None:
            err.print(f"已中断：导入已完成，已导入 {committed.rows} 行（批次 #{committed.batch_id}）")
            raise typer.Exit(130) from None
        err.print("已中断，未导入任何数据")
        raise typer.Exit(130) from None
    finally:
        with contextlib.suppress(BaseException):  # a second Ctrl-C while closing: nothing left to protect
            store.close()
    layout = "长表" if r.layout == "long" else "宽表"
    if dry_run:
        _show_changes(r)
        extra = f"，{r.sourced} 个增加出处" if r.sourced else ""
        out.print(f"[bold]预览[/bold] {escape(r.file)}（{layout}，{r.rows} 行）："
                  f"将新增 {r.added} 个数值，修正 {r.revised} 个{extra}，{r.unchanged} 个不变，空白 {r.blank} 个跳过。"
                  f"未写入数据库。")
        return
    if r.kept:
        warn(f"有 {r.kept} 个数值已由人工录入或后来导入，内置数据未覆盖它们")
    if not r.changed:
        out.print(f"{escape(r.file)}：数据库中已有完全相同的 {r.unchanged} 个数值，无任何变化。")
        return
    extra = f"，增加出处 {r.sourced} 个（数值相同、来源不同）" if r.sourced else ""
    out.print(f"[green]✓[/green] {escape(r.file)}（{layout}，{r.rows} 行）："
              f"新增 {r.added} 个数值，修正 {r.revised} 个（保留原值为历史修订）{extra}，{r.unchanged} 个不变，"
              f"空白 {r.blank} 个跳过，派生指标 {r.derived} 个；导入批次 #{r.batch_id}")


def _show_changes(r) -> None:
    from rich.table import Table

    if not r.changes:
        return
    shown = r.changes[:SHOWN_CHANGES]
    table = Table(title=f"将发生的变化（前 {len(shown)} 项，共 {r.total_changes} 项）")
    for col in ("变化", "地区", "指标", "时期", "原值", "新值", "单位", "来源"):
        table.add_column(col, overflow="fold")
    for c in shown:
        table.add_row(KIND_NAMES[c.kind], escape(c.region_name), escape(c.indicator_name), c.period,
                      "" if c.before is None else f"{c.before:g}", f"{c.value:g}", escape(c.unit), escape(c.source))
    out.print(table)


@data_app.command("show")
def data_show_command(
    region: str = typer.Option(..., "--region", help="地区名称或代码，如 乐山市、511100"),
    indicator: str = typer.Option(..., "--indicator", help="目录指标的名称或代码，如 高新技术企业数量、hnte_count"),
    period: str | None = typer.Option(None, "--period", help="只看该时期，如 2022"),
) -> None:
    """查看某地区某指标的全部数值：每个时期的现行值、出处、其他出处和历次修订。

    示例：innodrive data show --region 乐山市 --indicator 高新技术企业数量
    """
    from rich.table import Table

    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.services import data as data_service

    store = open_db()
    try:
        s = data_service.series(store, cli_actor(store, None), region=region, indicator=indicator, period=period)
    finally:
        store.close()
    if s.region_note:
        warn(escape(s.region_note))
    if not s.observations:
        out.print(f"{escape(s.region_name)} 的“{escape(s.indicator_name)}”（{s.indicator_code}）尚无数据。")
        return
    table = Table(title=f"{escape(s.region_name)} · {escape(s.indicator_name)}（{s.indicator_code}，目录单位 {escape(s.unit)}）",
                  show_lines=True)
    for col in ("时期", "数值", "原文写法", "修订", "现行", "来源", "其他出处", "录入"):
        table.add_column(col, overflow="fold")
    for o in s.observations:
        written = f"{o.value_as_written:g}{o.unit_as_written or ''}" if o.value_as_written is not None else ""
        origin = "派生" if o.origin == "derived" else f"第 {o.revision} 版"
        others = "；".join(x.source for x in o.other_sources)
        table.add_row(o.period, f"{o.value:g}", escape(written), origin, "✓" if o.is_current else "",
                      escape(o.source), escape(others),
                      f"{o.recorded_at.astimezone().strftime('%Y-%m-%d')} {escape(o.recorded_by)}")
    out.print(table)
