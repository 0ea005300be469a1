"""``innodrive enterprises template|check|funnel``: enterprise cultivation (梯度培育).

Thin commands over :mod:`innodrive.enterprises`: parse, call one library function,
print with Rich. pandas/NumPy/SQLAlchemy are imported inside the commands so that
``innodrive --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out, warn
from innodrive.errors import InputError

ent_app = typer.Typer(help="企业梯度培育：登记表模板、资格筛选（科小、高企、专精特新、瞪羚）与培育漏斗。",
                      no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(ent_app, name="enterprises")

PROGRAMME_HELP = "只评价这些项目（可重复）：tech_sme 科技型中小企业、hnte 高新技术企业、innovative_sme 创新型中小企业、" \
                 "srdi_sme 专精特新中小企业、little_giant 专精特新“小巨人”、gazelle 瞪羚企业"


def _date(text: str | None, what: str = "--on") -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what} 应为 YYYY-MM-DD 格式的日期，实际为“{text}”") from None


@ent_app.command("template")
def template_command(
    out_path: Path = typer.Option(Path("企业登记表模板.xlsx"), "--out", "-o", help="输出文件（.xlsx 或 .csv）"),
    on: str | None = typer.Option(None, "--on", help="列出该日生效的规则版本（默认今天）"),
) -> None:
    """生成企业登记表模板（中文表头、填写说明、数据有效性校验、生效规则版本）。

    示例：innodrive enterprises template --out 企业登记表.xlsx
    """
    from innodrive.enterprises.template import write_template

    path = write_template(out_path, on=_date(on))
    out.print(f"已生成模板：{escape(str(path))}")


@ent_app.command("check")
def check_command(
    file: Path = typer.Argument(..., help="企业登记表（.xlsx 或 .csv，表头同模板）"),
    on: str | None = typer.Option(None, "--on", help="评价日期 YYYY-MM-DD（默认今天；决定适用的规则版本）"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="结果工作簿（默认：<文件名>.筛选结果.xlsx）"),
    programme: list[str] = typer.Option([], "--programme", "-p", help=PROGRAMME_HELP),
    code: str | None = typer.Option(None, "--code", help="逐条解释这一家企业（统一社会信用代码）的评价过程"),
    no_gaps: bool = typer.Option(False, "--no-gaps", help="不做差距分析（更快）"),
) -> None:
    """按生效规则批量筛选企业：逐行校验数据，给出各项目结论、原因、培育建议和激励测算，写出 XLSX。

    有问题的行逐行报告（字段和原因），其余行照常评价。

    示例：innodrive enterprises check 企业登记表.xlsx --on 2024-06-30
          innodrive enterprises check 企业登记表.xlsx --code 91511500MA00000078
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from innodrive.enterprises.registry import read_registry
    from innodrive.enterprises.screening import screen, write_xlsx

    day = _date(on)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        tasks: dict[str, int] = {}

        def step(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        registry = read_registry(file, progress=lambda d, t: step("读取与校验", d, t))
        if code:
            _explain_one(registry, code, day)
            return
        result = screen(registry, on=day, programmes=programme or None, with_gaps=not no_gaps, progress=step)
        target = out_path or file.with_name(file.stem + ".筛选结果.xlsx")
        step("写出结果", 0, len(result.table))
        write_xlsx(result, target, progress=step)

    table = Table(title=f"企业资格筛选（评价日期 {day.isoformat()}）")
    summary = result.summary()
    for col in summary.columns:
        table.add_column(str(col))
    for rec in summary.itertuples(index=False, name=None):
        table.add_row(*[str(v) for v in rec])
    out.print(table)
    out.print(f"共 {registry.total_rows} 行，评价 {len(result.table)} 行；数据有问题 {registry.bad_rows} 行。")
    for p in registry.problems[:10]:
        warn(str(p))
    if len(registry.problems) > 10:
        warn(f"其余 {len(registry.problems) - 10} 条问题见结果工作簿“数据问题”表")
    if registry.ignored_headers:
        warn("未识别的列已忽略：" + "、".join(registry.ignored_headers))
    out.print(f"结果已写出：{escape(str(target))}")


def _explain_one(registry, code: str, day: dt.date) -> None:
    from innodrive.enterprises import credit_code as cc
    from innodrive.enterprises.gaps import explain_with_gaps
    from innodrive.enterprises.registry import row_dict
    from innodrive.enterprises.rules import rules_in_force
    from innodrive.errors import NotFound

    wanted = cc.normalise(code)
    matches = registry.frame.index[registry.frame["credit_code"] == wanted].tolist()
    if not matches:
        bad = [p for p in registry.problems if p.row is not None and wanted in p.message]
        hint = f"（该企业所在行有数据问题：{bad[0]}）" if bad else ""
        raise NotFound(f"登记表中没有统一社会信用代码为 {wanted} 的有效行{hint}", file=registry.file)
    i = matches[0]
    row = row_dict(registry.frame, i)
    name = registry.frame["name"].iat[i]
    out.print(f"[bold]{escape(str(name))}[/bold]（{wanted}，第 {registry.row_numbers[i]} 行）")
    for rs in rules_in_force(day):
        v = explain_with_gaps(row, rs, on=day)
        out.print(escape(v.explain_text()))
        out.print("")
    from innodrive.enterprises.incentives import incentive_lines

    for line in incentive_lines(row, on=day):
        out.print(escape(line))


@ent_app.command("funnel")
def funnel_command(
    region: str | None = typer.Option(None, "--region", help="地区（如 宜宾市）；默认全部地区"),
    year: int | None = typer.Option(None, "--year", help="统计年度（默认今年）"),
    records: Path | None = typer.Option(None, "--records", help="先导入培育阶段记录（CSV/XLSX：统一社会信用代码、企业名称、所属地区、阶段、日期）"),
    registry_file: Path | None = typer.Option(None, "--registry", help="企业登记表：统计各项目“培育可及”的候选企业数"),
    on: str | None = typer.Option(None, "--on", help="候选企业评价日期（默认今天）"),
) -> None:
    """培育漏斗：入库 → 培育 → 认定 → 瞪羚 各阶段企业数，对照活计划中的目标值，并给出可及的候选企业数。

    示例：innodrive enterprises funnel --region 宜宾市 --year 2022
          innodrive enterprises funnel --records 培育台账.csv --registry 企业登记表.xlsx --region 宜宾市
    """
    from rich.table import Table

    from innodrive.enterprises.db import funnel_report

    report = funnel_report(region=region, year=year or dt.date.today().year, records_file=records,
                           registry_file=registry_file, on=_date(on))
    if report.imported:
        out.print(f"已导入培育阶段记录 {report.imported} 条。")
    table = Table(title=f"培育漏斗 {escape(report.region or '全部地区')} {report.year} 年")
    for col in ("阶段", "累计企业数", "本年新增", "计划指标", "目标值", "差额", "候选可及"):
        table.add_column(col)
    measure_names = {"stock": "累计", "new": "新增", "certified": "认定（含重新认定）"}
    for r in report.rows:
        reach = "—" if r.within_reach is None else str(r.within_reach)
        if not r.targets:
            table.add_row(r.stage_label, str(r.cumulative), str(r.new_in_year), "—", "—", "—", reach)
        for j, t in enumerate(r.targets):
            first = j == 0
            table.add_row(r.stage_label if first else "", str(r.cumulative) if first else "",
                          str(r.new_in_year) if first else "",
                          escape(f"{t.label}（{measure_names[t.measure]} {t.measured}）"), f"{t.value:g}",
                          f"{t.shortfall:g}", reach if first else "")
    out.print(table)
    for note in report.notes:
        warn(note)
