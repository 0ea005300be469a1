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
from innodrive.cli.output import err, escape, out, warn, year_parser
from innodrive.errors import InputError

ent_app = typer.Typer(help="企业梯度培育：登记表模板、资格筛选（科小、高企、专精特新、瞪羚）与培育漏斗。",
                      no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(ent_app, name="enterprises")

PROGRAMME_HELP = "只评价这些项目（可重复）：tech_sme 科技型中小企业、hnte 高新技术企业、innovative_sme 创新型中小企业、" \
                 "srdi_sme 专精特新中小企业、little_giant 专精特新“小巨人”、gazelle 瞪羚企业"


def _date(text: str | None, what: str = "--on") -> dt.date:
    """Read like every date option (2024-06-30, 2024/6/30, 2024年6月30日, 2024年)."""
    from innodrive.dates import parse_date

    if not text:
        return dt.date.today()
    return parse_date(text, what=what)


BY_HELP = "操作人（默认 INNODRIVE_USER 或系统登录名；已注册账号按其角色和辖区执行）"


def _store_and_actor(by: str | None, *, need_store: bool):
    """The store (when the database is set up) and the acting person.

    Screening a file needs no database: without one the operator acts locally. The
    funnel reads and writes the store, so there it is required. Where the database
    certainly does not exist (:func:`~innodrive.status_snapshot.no_database`) the store
    is not opened: it would refuse it the same way.
    """
    from innodrive.errors import InnodriveError
    from innodrive.services.actor import Actor
    from innodrive.services.identity import cli_actor, operator_name
    from innodrive.status_snapshot import no_database

    if not need_store and no_database():
        return None, Actor.local_operator(operator_name(by))
    from innodrive.store import open_store

    try:
        store = open_store()
    except InnodriveError:
        if need_store:
            raise
        return None, Actor.local_operator(operator_name(by))
    return store, cli_actor(store, by)


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
    out_path: Path | None = typer.Option(None, "--out", "-o",
                                         help="结果文件 .xlsx 或 .csv（默认：<文件名>.筛选结果.xlsx）"),
    programme: list[str] = typer.Option([], "--programme", "-p", help=PROGRAMME_HELP),
    code: str | None = typer.Option(None, "--code", help="逐条解释这一家企业（统一社会信用代码）的评价过程"),
    no_gaps: bool = typer.Option(False, "--no-gaps", help="不做差距分析（更快）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """按生效规则批量筛选企业：逐行校验数据，给出各项目结论、原因、培育建议和激励测算，写出 XLSX 或 CSV。

    有问题的行逐行报告（字段和原因），其余行照常评价；大文件按块流式读取和写出。

    示例：innodrive enterprises check 企业登记表.xlsx --on 2024-06-30
          innodrive enterprises check 企业登记表.csv --out 筛选结果.csv
          innodrive enterprises check 企业登记表.xlsx --code 91511500MA00000078
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from innodrive.safeio import atomic_write, read_input
    from innodrive.services import enterprises as svc

    day = _date(on)
    data = read_input(file)
    store, actor = _store_and_actor(by, need_store=False)
    try:
        if code:
            _explain_one(svc.explain_enterprise(store, actor, data, name=file.name, credit_code=code, on=day))
            return
        target = out_path or file.with_name(file.stem + ".筛选结果.xlsx")
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise InputError("结果文件名应以 .xlsx 或 .csv 结尾", file=str(target))
        # refreshed at each step, without Rich's refresh thread: a large CSV result is screened
        # by forked worker processes, which only a process without other threads may start
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} 行"),
                      TimeElapsedColumn(), console=err, transient=True, auto_refresh=False) as bar:
            task = bar.add_task("读取、评价与写出", total=None)

            def step(stage: str, done: int, total: int) -> None:
                bar.update(task, completed=done, refresh=True)

            holder = {}

            def write(f) -> None:
                holder["view"] = svc.screen_registry_to(store, actor, data, name=file.name, on=day, out=f, fmt=fmt,
                                                        programmes=programme or None, with_gaps=not no_gaps,
                                                        rows=0, progress=step)

            atomic_write(target, write, what="结果文件")
        view = holder["view"]
    finally:
        if store is not None:
            store.close()

    table = Table(title=f"企业资格筛选（评价日期 {day.isoformat()}）")
    for col in ("项目", "规则版本", "规则性质", "符合", "需人工审核", "缺少数据", "不符合", "培育可及（单项差距在阈值内）"):
        table.add_column(col)
    status = {r.programme: r.status_text for r in view.rules}
    for c in view.counts:
        table.add_row(escape(c.title), c.version, status[c.programme], str(c.passed), str(c.manual_review),
                      str(c.needs_data), str(c.failed), str(c.within_reach))
    out.print(table)
    for note in view.notices:
        warn(escape(note))
    out.print(f"共 {view.total_rows} 行，评价 {view.evaluated_rows} 行；数据有问题 {view.bad_rows} 行。")
    for p in view.problems[:10]:
        warn(escape(str(_problem(p))))
    if len(view.problems) > 10:
        more = "结果工作簿“数据问题”表" if fmt == "xlsx" else "同目录的“数据问题”CSV"
        warn(f"其余 {len(view.problems) - 10} 条问题见{more}")
    if view.ignored_headers:
        warn(escape("未识别的列已忽略：" + "、".join(view.ignored_headers)))
    for h, why in view.retired_headers.items():
        warn(escape(f"列“{h}”：{why}"))
    if fmt == "csv" and (view.problems or view.ignored_headers or view.retired_headers):
        problems_path = target.with_name(target.stem + ".数据问题.csv")
        atomic_write(problems_path, _problems_csv(view), what="数据问题文件")
        out.print(f"数据问题已写出：{escape(str(problems_path))}")
    out.print(f"结果已写出：{escape(str(target))}")
    _frozen()


def _frozen() -> None:
    """Leave the objects alive at the end of a check to the process's exit, out of the
    cyclic collector's walks: at shutdown the interpreter's last collection walked every
    object (every imported module, the registry's bytes, the summary) only for the process
    to end (0.15-0.22 s from the last exit handler to the end of the process on this host,
    0.03-0.04 s with them frozen). Frozen objects are still freed by reference counting as
    the modules are torn down; only objects that nothing but a cycle keeps alive stay until
    the process ends, which Python never promised to finalise at exit anyway. The output is
    written and closed by then. Only a command may do this, never the library: a server
    lives on after a screening."""
    import gc

    gc.freeze()


def _problem(p):
    from innodrive.errors import Problem

    return Problem(p.message, file=p.file, row=p.row, field=p.field)


def _problems_csv(view) -> bytes:
    import csv
    import io

    from innodrive.enterprises.stream import problem_rows

    buf = io.StringIO()
    csv.writer(buf).writerows(problem_rows(view))
    return buf.getvalue().encode("utf-8-sig")


def _explain_one(ex) -> None:
    out.print(f"[bold]{escape(ex.name)}[/bold]（{ex.credit_code}，第 {ex.row} 行）")
    for v in ex.verdicts:
        out.print(escape(v.explain_text()))
        out.print("")
    for line in ex.incentives:
        out.print(escape(line))


@ent_app.command("funnel")
def funnel_command(
    region: str | None = typer.Option(None, "--region", help="地区（名称或六位区划代码，如 宜宾市、凉山州、511100）；默认全部地区"),
    year: int | None = typer.Option(None, "--year", parser=year_parser("--year"), help="统计年度（默认今年）"),
    records: Path | None = typer.Option(None, "--records", help="先导入培育阶段记录（CSV/XLSX：统一社会信用代码、企业名称、所属地区、阶段、日期）"),
    registry_file: Path | None = typer.Option(None, "--registry", help="企业登记表：统计各项目“培育可及”的候选企业数"),
    on: str | None = typer.Option(None, "--on", help="候选企业评价日期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """培育漏斗：入库 → 培育 → 认定 → 瞪羚 各阶段企业数，对照活计划中的目标值和统计部门公布的数据，并给出可及的候选企业数。

    示例：innodrive enterprises funnel --region 宜宾市 --year 2022
          innodrive enterprises funnel --records 培育台账.csv --registry 企业登记表.xlsx --region 宜宾市
    """
    from rich.table import Table

    from innodrive.safeio import read_input
    from innodrive.services import enterprises as svc

    store, actor = _store_and_actor(by, need_store=True)
    try:
        report = svc.funnel_report(
            store, actor, region=region, year=year or dt.date.today().year, on=_date(on),
            ledger=read_input(records, what="培育台账") if records else None,
            ledger_name=records.name if records else None,
            registry=read_input(registry_file, what="企业登记表") if registry_file else None,
            registry_name=registry_file.name if registry_file else None)
    finally:
        store.close()
    if report.imported:
        out.print(f"已导入培育阶段记录 {report.imported} 条。")
    table = Table(title=f"培育漏斗 {escape(report.region or '全部地区')} {report.year} 年")
    for col in ("阶段", "累计企业数", "本年新增", "统计数据（来源）", "计划指标", "目标值", "差额", "候选可及"):
        table.add_column(col)
    measure_names = {"stock": "累计", "new": "新增", "certified": "认定（含重新认定）"}
    for r in report.rows:
        reach = "—" if r.within_reach is None else str(r.within_reach)
        stats = "\n".join(escape(f"{o.indicator} {o.value:g}{o.unit}（{o.source}）") for o in r.official) or "—"
        if not r.targets:
            table.add_row(r.stage_label, str(r.cumulative), str(r.new_in_year), stats, "—", "—", "—", reach)
        for j, t in enumerate(r.targets):
            first = j == 0
            table.add_row(r.stage_label if first else "", str(r.cumulative) if first else "",
                          str(r.new_in_year) if first else "", stats if first else "",
                          escape(f"{t.label}（{measure_names[t.measure]} {t.measured}）"), f"{t.value:g}",
                          f"{t.shortfall:g}", reach if first else "")
    out.print(table)
    for note in report.notes:
        warn(escape(note))
