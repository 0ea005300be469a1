"""``innodrive status``, ``innodrive tasks``, ``innodrive report-progress``, ``innodrive review``,
``innodrive milestone`` and ``innodrive audit``: the weekly work on the living plan."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out, warn

LIGHT_STYLE = {"green": "green", "yellow": "yellow", "red": "red", "blue": "blue", "grey": "bright_black"}
AS_OF_HELP = "评估日期，如 2024-06-30、2024/6/30、2024年6月30日 或 2024年（默认今天）；过去的日期只使用当时已报送的进展"
RULES_HELP = "状态规则集：default、yinchuan、sanya、wuhan、cascade、clearpoint、xian、suqian、jinzhai 或 YAML 文件路径"


def parse_date(text: str | None, *, field: str) -> dt.date:
    """A date option (``--as-of``, a due date): today when not given; every form
    :func:`innodrive.dates.parse_date` accepts (2024-06-30, 2024/6/30, 2024年6月30日, 2024年)."""
    from innodrive.dates import parse_optional_date

    return parse_optional_date(text, field=field, what=f"日期（{DATE_FIELDS.get(field, field)}）")


DATE_FIELDS = {"as_of": "--as-of", "due": "节点日期", "on": "--on"}


def light(status) -> str:
    style = LIGHT_STYLE.get(status.light, "")
    return f"[{style}]● {status.light_name}[/{style}]"


def num(v: float | None) -> str:
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.4g}"


OUT_HELP = "同时把看板写入文件：.xlsx 或 .csv（文本单元格防公式注入）"
WIDE = 140  # narrower terminals (and pipes) get one block per line instead of a table that would cut text


def _as_of(as_of: str | None) -> dt.date:
    return parse_date(as_of, field="as_of")


def goal_text(line) -> str:
    """The target as written, and its value in catalogue units when they differ."""
    from innodrive.plans.wording import goal_of

    goal = goal_of(line)  # plain text: the table escapes markup once, files get it as written
    s = line.status
    if s.target_value is not None and line.kind != "number":
        goal += f"\n= {num(s.target_value)}{s.unit or ''}"
    return goal


def _target_cells(line) -> dict[str, str]:
    s = line.status
    return {
        "编号": str(line.target_id),
        "计划": "；".join(f"#{p.id}《{p.title}》" for p in line.plans),
        "地区": line.region_name or "",
        "指标": line.indicator,
        "目标": goal_text(line),
        "基期": f"{num(s.baseline_value)}（{s.baseline_year}）" if s.baseline_value is not None else "—",
        "最新实际": f"{num(s.latest_value)}（{s.latest_period or ''}）" if s.latest_value is not None else "—",
        "序时应达": num(s.expected_at_latest if s.expected_at_latest is not None else s.expected_value),
        "进度": "—" if s.progress is None else f"{s.progress * 100:.0f}%",
        "状态": s.light_name,
        "原因": s.reason,
    }


@app.command("status")
def status_command(
    region: str | None = typer.Option(None, "--region", help="只看该地区计划的目标，如 乐山市、511100、凉山州"),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    rules: str | None = typer.Option(None, "--rules", help=RULES_HELP),
    plan: str | None = typer.Option(None, "--plan", help="只看该计划（编号或标题中的词）"),
    out_file: Path | None = typer.Option(None, "--out", help=OUT_HELP),
) -> None:
    """目标状态看板：每个目标的计划、基期值、目标值、最新实际值、序时进度、状态灯及原因。

    同一地区两份文件写明的同一目标（如决议认可的决定目标）合并为一项，并列出两个出处。
    终端较窄或输出到管道时逐项分行显示，不截断任何内容。

    示例：innodrive status
          innodrive status --region 乐山市 --as-of 2023/6/30
          innodrive status --rules wuhan --out 看板.xlsx
    """
    from innodrive import status_snapshot as snapshot

    day = _as_of(as_of)
    cacheable = plan is None and out_file is None and (rules is None or snapshot.rule_set_name(rules))
    if cacheable:
        hit = snapshot.stored_screen(day, region, rules)
        if hit is not None:
            profile = snapshot.terminal_profile()
            snapshot.keep_rendering(hit, profile, _print_screen(hit.screen, capture=profile is not None))
            return
    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.services import board

    store = open_db()
    try:
        who = cli_actor(store, None)
        plan_id = _plan_id(store, who, plan)
        keep = cacheable and store.dialect == "sqlite" and snapshot.sqlite_path() is not None
        if keep:
            from innodrive.store import derived

            at = derived.version(store)  # before computing: a board is never labelled newer than its data
        b = board.targets(store, who, as_of=day, region=region, rules=rules, plan_id=plan_id)
        screen = _screen(b, day)
        profile = snapshot.terminal_profile() if keep else None
        printed = _print_screen(screen, out_file=out_file, capture=profile is not None)
        if keep:  # after printing: the board is on the screen while it is stored
            snapshot.save(store, snapshot.key(day=day, region=region, rules=rules, actor=who), at,
                          snapshot.with_rendering(screen, profile, printed))
    finally:
        store.close()


def _screen(b, day: dt.date) -> dict:
    """What ``status`` prints for board ``b``, as plain data: the fast path stores and
    prints it (:mod:`innodrive.status_snapshot`)."""
    screen = {"region_code": b.region_code, "region_note": b.region_note, "title": None, "cells": [],
              "styles": [], "totals": None}
    if not b.lines:
        return screen
    names = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "blue": "蓝灯", "grey": "灰灯"}
    screen.update(title=f"目标状态看板（截至 {day.isoformat()}，规则集 {b.rule_set}）",
                  cells=[_target_cells(line) for line in b.lines],
                  styles=[LIGHT_STYLE.get(line.status.light, "") for line in b.lines],
                  totals="合计：" + "，".join(f"{names.get(k, k)} {v} 项" for k, v in b.totals.items()))
    return screen


def _print_screen(screen: dict, *, out_file: Path | None = None, capture: bool = False) -> dict[str, str] | None:
    """Print ``screen`` (and write ``out_file``). With ``capture``, Rich renders each part
    to text that is then written as Rich writes its buffer, and the text is returned
    (``{"err": …, "out": …}``): the console script replays it for the same terminal
    profile (:func:`innodrive.status_snapshot.rendering`)."""
    with _part(err, capture) as note:
        if screen["region_note"]:
            warn(escape(screen["region_note"]))
    cells = screen["cells"]
    with _part(out, capture) as board:
        if not cells:
            out.print("没有可显示的目标。用 innodrive plan add 添加计划文件。")
        else:
            if out_file is not None:
                _write(out_file, screen["title"], cells, sheet="目标看板", wide_cols=("计划", "指标", "目标", "原因"))
            _show(screen["title"], cells, screen["styles"], narrow_head=("编号", "地区", "指标", "状态"))
            out.print(screen["totals"])
            if out_file is not None:
                out.print(f"已写入 {escape(str(out_file))}")
    return {"err": note.text, "out": board.text} if capture else None


class _Part:
    text = ""


@contextlib.contextmanager
def _part(console, capture: bool):
    """Print to ``console`` as usual; with ``capture``, render to text first, then write
    that text as Rich writes its buffer (write, flush; a closed pipe as Rich handles it),
    keeping it in ``.text``."""
    part = _Part()
    if not capture:
        yield part
        return
    with console.capture() as c:
        yield part
    part.text = c.get()
    if part.text:
        try:
            console.file.write(part.text)
            console.file.flush()
        except BrokenPipeError:
            console.on_broken_pipe()


def _plan_id(store, who, plan: str | None) -> int | None:
    if not plan:
        return None
    from innodrive.services import plans as plan_service

    return plan_service.get_plan(store, who, plan).id


def _write(path: Path, title: str, cells: list[dict[str, str]], *, sheet: str, wide_cols: tuple[str, ...]) -> None:
    from innodrive.tabular import write_table

    header = list(cells[0])
    widths = {i: (40 if h in wide_cols else 12) for i, h in enumerate(header)}
    write_table(path, header, ([c[h] for h in header] for c in cells), sheet=sheet, widths=widths)


def _show(title: str, cells: list[dict[str, str]], styles: list[str], *, narrow_head: tuple[str, ...]) -> None:
    """A table on a wide terminal; one block per line elsewhere. Text is wrapped, never cut."""
    from rich.table import Table

    if out.width >= WIDE:
        table = Table(title=title, show_lines=True)
        for h in cells[0]:
            kw = {"overflow": "fold"}
            if h == "状态":
                kw = {"no_wrap": True}
            elif h == "原因":
                kw["min_width"] = 30
            elif h in ("指标", "计划"):
                kw["max_width"] = 18
            table.add_column(h, **kw)
        for c, style in zip(cells, styles, strict=True):
            row = [escape(v) for v in c.values()]
            row[list(c).index("状态")] = f"[{style}]● {escape(c['状态'])}[/{style}]" if style else f"● {c['状态']}"
            table.add_row(*row)
        out.print(table)
        return
    out.print(f"[bold]{escape(title)}[/bold]")
    for c, style in zip(cells, styles, strict=True):
        head = " ".join(escape(c[h]) for h in narrow_head if h != "状态" and c.get(h))
        light_ = f"[{style}]● {escape(c['状态'])}[/{style}]" if style else f"● {escape(c['状态'])}"
        out.print(f"\n{head}  {light_}", soft_wrap=False, overflow="fold")
        for h, v in c.items():
            if h in narrow_head or not v:
                continue
            out.print(f"  {h}：{escape(v)}", overflow="fold")


def _task_cells(line) -> dict[str, str]:
    t, s = line.task, line.status
    deadline = "未明确" if line.deadline is None else line.deadline.isoformat() + ("*" if line.deadline_from_plan else "")
    return {
        "编号": str(t.id),
        "计划": t.plan_title or f"计划 #{t.plan_id}",
        "任务": f"{t.path} {t.title}",
        "牵头单位": "、".join(t.lead_units) or "未明确",
        "配合单位": "、".join(t.co_units),
        "期限": deadline,
        "完成": "—" if s.completion is None else f"{s.completion * 100:.0f}%",
        "状态": s.light_name,
        "原因": s.reason,
    }


tasks_app = typer.Typer(help="重点任务清单，以及指定任务的牵头单位和配合单位（innodrive tasks assign）。",
                        invoke_without_command=True, rich_markup_mode="rich")
app.add_typer(tasks_app, name="tasks")


@tasks_app.callback()
def tasks_command(
    ctx: typer.Context,
    overdue: bool = typer.Option(False, "--overdue", help="只列出已逾期的任务，以及 --due-within 天内到期的未完成任务"),
    due_within: int = typer.Option(30, "--due-within", help="与 --overdue 同用：同时列出多少天内到期的任务（默认 30）"),
    region: str | None = typer.Option(None, "--region", help="只看该地区计划的任务"),
    plan: str | None = typer.Option(None, "--plan", help="只看该计划（编号或标题中的词）"),
    unit: str | None = typer.Option(None, "--unit", help="只看该单位牵头或配合的任务，如 市科技局"),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    rules: str | None = typer.Option(None, "--rules", help=RULES_HELP),
    out_file: Path | None = typer.Option(None, "--out", help=OUT_HELP),
) -> None:
    """重点任务清单：牵头单位、配合单位、期限、已审核通过的完成进度、期限状态灯及原因。

    示例：innodrive tasks
          innodrive tasks --overdue --due-within 14 --as-of 2023-07-01
          innodrive tasks --unit 市科技局 --out 任务台账.xlsx
          innodrive tasks assign 12 --lead 市科技局 --co 市财政局 --co 市税务局
    """
    if ctx.invoked_subcommand is not None:
        return
    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.services import board

    day = _as_of(as_of)
    store = open_db()
    try:
        who = cli_actor(store, None)
        plan_id = _plan_id(store, who, plan)
        b = board.tasks(store, who, as_of=day, region=region, rules=rules, plan_id=plan_id, unit=unit,
                        overdue=overdue, due_within=due_within)
    finally:
        store.close()
    if not b.lines:
        out.print(f"没有逾期任务，也没有 {due_within} 天内到期的任务。" if overdue else
                  "没有可显示的任务。用 innodrive plan add 添加计划文件。")
        return
    cells = [_task_cells(line) for line in b.lines]
    title = f"重点任务（截至 {day.isoformat()}" + (f"，逾期及 {due_within} 天内到期" if overdue else "") + "）"
    if out_file is not None:
        _write(out_file, title, cells, sheet="任务台账", wide_cols=("计划", "任务", "原因"))
    styles = [LIGHT_STYLE.get(line.status.light, "") for line in b.lines]
    _show(title, cells, styles, narrow_head=("编号", "任务", "状态"))
    if any(line.deadline_from_plan for line in b.lines):
        out.print("* 文件未写明该任务的期限，按计划期末（规划期最后一年的12月31日）计。")
    if out_file is not None:
        out.print(f"已写入 {escape(str(out_file))}")


@tasks_app.command("assign")
def tasks_assign_command(
    task: int = typer.Argument(..., help="任务编号（见 innodrive tasks）"),
    lead: list[str] = typer.Option([], "--lead", help="牵头单位，可重复给出"),
    co: list[str] = typer.Option([], "--co", help="配合单位，可重复给出"),
    clear_co: bool = typer.Option(False, "--no-co", help="清空配合单位"),
    by: str | None = typer.Option(None, "--by", help="操作人"),
) -> None:
    """指定或更正任务的牵头单位和配合单位；之后的计划新版本保留人工指定的单位。

    示例：innodrive tasks assign 12 --lead 市科技局 --co 市财政局 --co 市税务局
    """
    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.services import tasks as task_service

    store = open_db()
    try:
        a = task_service.assign(store, cli_actor(store, by), task_id=task, lead=lead or None,
                                co=[] if clear_co else (co or None))
    finally:
        store.close()
    out.print(f"[green]✓[/green] 任务 {task}：牵头单位 {escape('、'.join(a.lead_units) or '无')}；"
              f"配合单位 {escape('、'.join(a.co_units) or '无')}")


@app.command("report-progress")
def report_progress_command(
    task: int = typer.Argument(..., help="任务编号（见 innodrive tasks）"),
    status: str = typer.Option(..., "--status", help="未启动、推进中、受阻 或 已完成"),
    narrative: str = typer.Option(..., "--note", help="本期进展情况说明"),
    percent: str | None = typer.Option(None, "--percent", help="完成百分比 0–100，如 60 或 60%"),
    as_of: str | None = typer.Option(None, "--as-of", help="进展截至日期，如 2024-06-30 或 2024年6月30日（默认今天）"),
    evidence: list[Path] = typer.Option([], "--evidence", help="证明材料文件，可重复给出"),
    unit: str | None = typer.Option(None, "--unit", help="报送单位"),
    milestone: int | None = typer.Option(None, "--milestone", help="本次报送针对的里程碑编号"),
    by: str | None = typer.Option(None, "--by", help="报送人（默认取 INNODRIVE_USER 或登录名）"),
) -> None:
    """报送任务进展（报送 → 审核 → 退回/通过）；只有审核通过的进展计入任务完成情况。

    示例：innodrive report-progress 12 --status 推进中 --percent 60% --note "新认定高新技术企业18家" --evidence 认定文件.pdf
    """
    from innodrive.blobs import Upload
    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.dates import parse_percent
    from innodrive.errors import InputError, Problem, ValidationFailed
    from innodrive.plans.models import TASK_STATUS_NAMES
    from innodrive.services import tasks as task_service

    problems: list[Problem] = []
    pct = None
    if percent is not None:
        try:
            pct = parse_percent(percent, field="percent", what="完成百分比")
        except InputError as exc:
            problems.append(Problem(exc.message, field="percent"))
    uploads = []
    for f in evidence:
        try:
            uploads.append(Upload.from_path(f, what="证明材料"))
        except InputError as exc:
            problems.append(Problem(exc.message, file=str(f), field="evidence"))
    day = _as_of(as_of)
    if problems:
        raise ValidationFailed(f"进展报送有 {len(problems)} 处问题，未保存：" + "；".join(str(p) for p in problems),
                               problems=problems)
    store = open_db()
    try:
        r = task_service.report(store, cli_actor(store, by), task_id=task, as_of=day, status=status,
                                narrative=narrative, percent=pct, unit=unit, evidence=uploads, milestone_id=milestone)
    finally:
        store.close()
    out.print(f"[green]✓[/green] 已报送进展 #{r.id}（任务 {task}，截至 {r.as_of.isoformat()}，"
              f"{TASK_STATUS_NAMES[r.status]}" + (f"，{r.percent:g}%" if r.percent is not None else "")
              + f"，证明材料 {len(r.evidence)} 份），等待审核：innodrive review {r.id} --approve")


@app.command("review")
def review_command(
    report: int | None = typer.Argument(None, help="进展报送编号；省略则列出待审核的报送"),
    approve: bool = typer.Option(False, "--approve", help="审核通过"),
    send_back: bool = typer.Option(False, "--return", help="退回（须用 --reason 写明理由）"),
    reason: str | None = typer.Option(None, "--reason", help="退回理由或审核意见"),
    by: str | None = typer.Option(None, "--by", help="审核人（不能是报送人本人）"),
) -> None:
    """审核进展报送：通过或退回（附理由）；不带参数时列出待审核的报送。通过时核对证明材料的 SHA-256。

    示例：innodrive review
          innodrive review 7 --approve
          innodrive review 7 --return --reason "缺少认定文件"
    """
    from rich.table import Table

    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.errors import InputError
    from innodrive.plans.models import TASK_STATUS_NAMES
    from innodrive.services import tasks as task_service

    if report is not None and approve == send_back:
        raise InputError("请选择 --approve（通过）或 --return（退回）其中之一")
    store = open_db()
    try:
        who = cli_actor(store, by)
        if report is None:
            pending = task_service.pending(store, who)
            if not pending:
                out.print("没有待审核的进展报送。")
                return
            table = Table(title="待审核的进展报送")
            for col in ("编号", "任务", "截至", "状态", "完成", "说明", "报送人", "材料"):
                table.add_column(col, overflow="fold")
            for r in pending:
                table.add_row(str(r.id), str(r.task_id), r.as_of.isoformat(), TASK_STATUS_NAMES[r.status],
                              "—" if r.percent is None else f"{r.percent:g}%", escape(r.narrative), escape(r.reporter),
                              str(len(r.evidence)))
            out.print(table)
            return
        r = task_service.review(store, who, report_id=report, approve=approve, reason=reason)
    finally:
        store.close()
    verb = "通过" if r.review_state == "approved" else "退回"
    out.print(f"[green]✓[/green] 进展报送 #{r.id} 已{verb}" + (f"：{escape(r.review_reason)}" if r.review_reason else ""))


@app.command("milestone")
def milestone_command(
    task: int = typer.Argument(..., help="任务编号"),
    due: str = typer.Argument(..., help="节点日期，如 2024-09-30、2024/9/30 或 2024年9月"),
    title: str = typer.Argument(..., help="里程碑内容"),
    by: str | None = typer.Option(None, "--by", help="操作人"),
) -> None:
    """为任务添加里程碑（节点目标）；逾期未完成的里程碑会使任务亮灯提醒。

    示例：innodrive milestone 12 2023-09-30 "完成企业摸底"
    """
    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.services import tasks as task_service

    day = parse_date(due, field="due")
    store = open_db()
    try:
        m = task_service.add_milestone(store, cli_actor(store, by), task_id=task, title=title, due_date=day)
    finally:
        store.close()
    out.print(f"[green]✓[/green] 任务 {task} 新增里程碑 #{m.id}：{escape(m.title)}（{m.due_date.isoformat()}）")


audit_app = typer.Typer(help="审计日志：查看（innodrive audit）与核验（innodrive audit verify）。",
                        invoke_without_command=True, rich_markup_mode="rich")
app.add_typer(audit_app, name="audit")


def _changes_text(before: dict | None, after: dict | None) -> str:
    """Before → after in Chinese labels, one field a line."""
    from innodrive.services.audit import FIELD_NAMES, VALUE_NAMES

    def show(v) -> str:
        if v is None:
            return "—"
        if isinstance(v, bool):
            return "是" if v else "否"
        if isinstance(v, list):
            return "、".join(show(x) for x in v) if v else "（无）"
        if isinstance(v, dict):
            return "；".join(f"{FIELD_NAMES.get(k, k)} {show(x)}" for k, x in v.items())
        if isinstance(v, float):
            return f"{v:g}"
        return VALUE_NAMES.get(str(v), str(v))

    before, after = before or {}, after or {}
    lines = []
    for k in list(dict.fromkeys([*before, *after])):
        label = FIELD_NAMES.get(k, k)
        if k in before and k in after:
            if before[k] != after[k]:
                lines.append(f"{label}：{show(before[k])} → {show(after[k])}")
        elif k in after:
            lines.append(f"{label}：{show(after[k])}")
        else:
            lines.append(f"{label}：{show(before[k])} →（删除）")
    return "\n".join(lines)


@audit_app.callback()
def audit_command(
    ctx: typer.Context,
    limit: int = typer.Option(30, "--limit", help="显示最近多少条（正整数）"),
    entity: str | None = typer.Option(None, "--entity",
                                      help="只看一类对象：计划、任务、进展报送、数据导入、统计数据、指标对应（或英文代码）"),
    entity_id: str | None = typer.Option(None, "--id", help="与 --entity 同用：只看该编号的对象"),
    user: str | None = typer.Option(None, "--user", help="只看该操作人的记录"),
    since: str | None = typer.Option(None, "--since", help="起始日期，如 2024-01-01"),
    until: str | None = typer.Option(None, "--until", help="截止日期（含当天）"),
) -> None:
    """审计日志：谁在何时做了什么（含修改前后的值，以中文列出）。

    示例：innodrive audit --limit 10
          innodrive audit --entity 计划
          innodrive audit --user 王五 --since 2024-01-01
          innodrive audit verify
    """
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.services import audit as audit_service

    start = parse_date(since, field="since") if since else None
    end = parse_date(until, field="until") if until else None
    store = open_db()
    try:
        page = audit_service.read(store, cli_actor(store, None), entity=entity, entity_id=entity_id, user=user,
                                  since=start, until=end, limit=limit)
    finally:
        store.close()
    table = Table(title="审计日志", show_lines=True)
    for col, kw in (("编号", {}), ("时间", {}), ("操作人", {}), ("操作", {}), ("对象", {}),
                    ("说明", {"min_width": 20}), ("修改内容", {"min_width": 20})):
        table.add_column(col, overflow="fold", **kw)
    for e in page.entries:
        entity_name = audit_service.ENTITY_NAMES.get(e.entity, e.entity)
        table.add_row(str(e.id), e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), escape(e.actor),
                      audit_service.ACTION_NAMES.get(e.action, e.action), f"{entity_name} {escape(e.entity_id or '')}",
                      escape(e.summary), escape(_changes_text(e.before, e.after)))
    out.print(table)


@audit_app.command("verify")
def audit_verify_command() -> None:
    """核验审计日志的哈希链和全部证明材料的 SHA-256，指出第一条被改动、删除或插入的记录。

    示例：innodrive audit verify
    """
    from innodrive.cli.plans import cli_actor, open_db
    from innodrive.errors import Conflict
    from innodrive.services import audit as audit_service

    store = open_db()
    try:
        v = audit_service.verify(store, cli_actor(store, None))
    finally:
        store.close()
    if v.ok:
        out.print(f"[green]✓[/green] 审计日志 {v.entries} 条记录的哈希链完整；证明材料 {v.evidence} 份与 SHA-256 一致")
        return
    problems = []
    if v.broken is not None:
        problems.append(f"审计日志自第 {v.broken.entry_id} 条起不可信：{v.broken.reason}（此前 {v.entries} 条完整）")
    if v.bad_evidence:
        problems.append(f"证明材料缺失或被改动：{'；'.join(v.bad_evidence[:20])}")
    raise Conflict("；".join(problems))
