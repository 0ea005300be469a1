"""``innodrive data import``: statistics from CSV/XLSX into observations."""

from __future__ import annotations

from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out

data_app = typer.Typer(help="统计数据：导入（长表或宽表，CSV 或 XLSX）。", no_args_is_help=True,
                       rich_markup_mode="rich")
app.add_typer(data_app, name="data")

SHOWN_CHANGES = 40


@data_app.command("import")
def data_import_command(
    file: Path | None = typer.Argument(None, help="CSV（UTF-8 或 GB18030）或 XLSX 文件", show_default=False),
    default: bool = typer.Option(False, "--default", help="导入内置的四川省创新统计数据（含出处）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只预览将新增、修正哪些数值，不写入数据库"),
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX 的工作表名称（默认第一个）"),
    by: str | None = typer.Option(None, "--by", help="操作人（记入审计日志）"),
) -> None:
    """导入统计数据：长表（地区、指标、时期/年份、值、单位、来源[、备注]）或宽表（地区、指标、单位、来源、每年一列）。

    单位自动换算为指标目录单位（万元→亿元、人→万人、万家→家）；任何一行有问题则逐行列出且不导入任何数据；
    重复导入同一文件不会改变数据库；修正的数值保存为新修订版本。

    示例：innodrive data import 统计数据.csv --dry-run
          innodrive data import 统计数据.xlsx --sheet 2023年
          innodrive data import --default
    """
    from innodrive.cli.plans import actor, open_db
    from innodrive.errors import InputError, ValidationFailed
    from innodrive.indicators import importer

    if (file is None) == (not default):
        raise InputError("请给出要导入的文件，或使用 --default 导入内置数据（二者选一）")
    path = importer.default_dataset() if default else file
    store = open_db()
    try:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("写入数值"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            job = None

            def progress(stage: str, done: int, total: int) -> None:
                nonlocal job
                if job is None:
                    job = bar.add_task("", total=total)
                bar.update(job, completed=done)

            try:
                r = importer.import_file(store, path, actor=actor(by), sheet=sheet, dry_run=dry_run, progress=progress)
            except ValidationFailed:
                bar.stop()  # main() lists the problems, one line each
                raise
    finally:
        store.close()
    if dry_run:
        _show_changes(r)
        out.print(f"[bold]预览[/bold] {escape(r.file)}（{'长表' if r.layout == 'long' else '宽表'}，{r.rows} 行）："
                  f"将新增 {r.added} 个数值，修正 {r.revised} 个，{r.unchanged} 个不变，空白 {r.blank} 个跳过。未写入数据库。")
        return
    if not r.changed:
        out.print(f"{escape(r.file)}：数据库中已有完全相同的 {r.unchanged} 个数值，无任何变化。")
        return
    out.print(f"[green]✓[/green] {escape(r.file)}（{'长表' if r.layout == 'long' else '宽表'}，{r.rows} 行）："
              f"新增 {r.added} 个数值，修正 {r.revised} 个（保留原值为历史修订），{r.unchanged} 个不变，"
              f"空白 {r.blank} 个跳过，派生指标 {r.derived} 个；导入批次 #{r.batch_id}")


def _show_changes(r) -> None:
    from rich.table import Table

    from innodrive.regions import all_regions

    if not r.changes:
        return
    regions = all_regions()
    table = Table(title=f"将发生的变化（前 {min(SHOWN_CHANGES, len(r.changes))} 项，共 {len(r.changes)} 项）")
    for col in ("变化", "地区", "指标", "时期", "原值", "新值", "单位"):
        table.add_column(col)
    for c in r.changes[:SHOWN_CHANGES]:
        reg = regions.get(c.new.region_code)
        table.add_row("新增" if c.kind == "add" else "修正", escape(reg.name if reg else c.new.region_code),
                      c.new.indicator_code, c.new.period, "" if c.before is None else f"{c.before.value:g}",
                      f"{c.new.value:g}", escape(c.new.unit))
    out.print(table)
