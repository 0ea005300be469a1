"""``innodrive status``, ``innodrive tasks``, ``innodrive report-progress``, ``innodrive review``,
``innodrive milestone`` and ``innodrive audit``: the weekly work on the living plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import escape, out

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


def written_goal(t) -> str:
    """The target as the document sets it: ≥192家（2025年）, 2020年的2倍（2025年）, 年均增长10%."""
    year = f"（{t.year}年）" if t.year else ""
    if t.value is None:
        return escape(t.note or "") + year
    v = f"{t.value:g}"
    if t.kind == "multiple":
        base = f"{t.baseline_year}年的" if t.baseline_year else "基期的"
        return f"{base}{v}倍{year}"
    if t.kind == "growth":
        how = {"annual": "年均增长", "cumulative": "累计增长", "points": "提高"}.get(t.basis or "", "增长")
        return f"{how}{v}{escape(t.unit or '')}{year}"
    comparator = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "~": "约"}.get(t.comparator or "", "")
    return f"{comparator}{v}{escape(t.unit or '')}{year}"


@app.command("status")
def status_command(
    region: str | None = typer.Option(None, "--region", help="只看该地区计划的目标，如 乐山市"),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    rules: str | None = typer.Option(None, "--rules", help=RULES_HELP),
    plan: str | None = typer.Option(None, "--plan", help="只看该计划（编号或标题中的文字）"),
) -> None:
    """目标状态看板：每个目标的基期值、目标值、最新实际值、序时进度、状态灯及原因。

    示例：innodrive status
          innodrive status --region 乐山市 --as-of 2023-06-30
          innodrive status --rules wuhan
    """
    from rich.table import Table

    from innodrive.cli.plans import open_db
    from innodrive.plans.board import target_board
    from innodrive.plans.storage import find_plan

    day = parse_date(as_of, field="as_of")
    store = open_db()
    try:
        plan_id = find_plan(store, plan).id if plan else None
        lines = target_board(store, as_of=day, region=region, rules=rules, plan_id=plan_id)
    finally:
        store.close()
    if not lines:
        out.print("没有可显示的目标。用 innodrive plan add 添加计划文件。")
        return
    rule_set = lines[0].status.rule_set
    table = Table(title=f"目标状态看板（截至 {day.isoformat()}，规则集 {escape(rule_set)}）", show_lines=True)
    for col, kw in (("编号", {}), ("地区", {}), ("指标", {"max_width": 18, "overflow": "fold"}), ("目标", {}),
                    ("基期", {}), ("最新实际", {}), ("序时应达", {}), ("进度", {}), ("状态", {"no_wrap": True}),
                    ("原因", {"min_width": 30, "overflow": "fold"})):
        table.add_column(col, **kw)
    counts: dict[str, int] = {}
    for line in lines:
        s = line.status
        counts[s.light_name] = counts.get(s.light_name, 0) + 1
        t = line.stored.target
        goal = written_goal(t)
        if s.target_value is not None and t.kind != "number":
            goal += f"\n= {num(s.target_value)}{s.unit or ''}"
        base = f"{num(s.baseline_value)}（{s.baseline_year}）" if s.baseline_value is not None else "—"
        latest = f"{num(s.latest_value)}（{escape(s.latest_period or '')}）" if s.latest_value is not None else "—"
        table.add_row(str(line.target_id), escape(line.region_name or ""), escape(t.indicator), goal, base, latest,
                      num(s.expected_at_latest if s.expected_at_latest is not None else s.expected_value),
                      "—" if s.progress is None else f"{s.progress * 100:.0f}%", light(s), escape(s.reason))
    out.print(table)
    out.print("合计：" + "，".join(f"{k} {v} 项" for k, v in sorted(counts.items())))


@app.command("tasks")
def tasks_command(
    overdue: bool = typer.Option(False, "--overdue", help="只列出已逾期未完成的任务"),
    region: str | None = typer.Option(None, "--region", help="只看该地区计划的任务"),
    plan: str | None = typer.Option(None, "--plan", help="只看该计划（编号或标题中的文字）"),
    unit: str | None = typer.Option(None, "--unit", help="只看该单位牵头或参与的任务，如 市科技局"),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    rules: str | None = typer.Option(None, "--rules", help=RULES_HELP),
) -> None:
    """重点任务清单：牵头单位、责任单位、期限、已审核通过的完成进度、期限状态灯及原因。

    示例：innodrive tasks
          innodrive tasks --overdue --as-of 2023-07-01
          innodrive tasks --unit 市科技局
    """
    from rich.table import Table

    from innodrive.cli.plans import open_db
    from innodrive.plans.board import task_board
    from innodrive.plans.storage import find_plan

    day = parse_date(as_of, field="as_of")
    store = open_db()
    try:
        plan_id = find_plan(store, plan).id if plan else None
        lines = task_board(store, as_of=day, region=region, rules=rules, plan_id=plan_id, unit=unit,
                           overdue_only=overdue)
    finally:
        store.close()
    if not lines:
        out.print("没有逾期任务。" if overdue else "没有可显示的任务。用 innodrive plan add 添加计划文件。")
        return
    table = Table(title=f"重点任务（截至 {day.isoformat()}）", show_lines=True)
    for col, kw in (("编号", {}), ("计划", {"max_width": 14, "overflow": "fold"}),
                    ("任务", {"max_width": 28, "overflow": "fold"}), ("牵头单位", {}), ("责任单位", {}), ("期限", {}),
                    ("完成", {}), ("状态", {"no_wrap": True}), ("原因", {"min_width": 30, "overflow": "fold"})):
        table.add_column(col, **kw)
    for line in lines:
        t, s = line.task, line.status
        deadline = "未明确" if line.deadline is None else line.deadline.isoformat() + ("*" if line.deadline_from_plan else "")
        table.add_row(str(t.id), escape(t.plan_title or f"计划 #{t.plan_id}"), f"{escape(t.path)} {escape(t.title)}",
                      escape("、".join(t.lead_units) or "未明确"), escape("、".join(t.co_units)), deadline,
                      "—" if s.completion is None else f"{s.completion * 100:.0f}%", light(s), escape(s.reason))
    out.print(table)
    if any(line.deadline_from_plan for line in lines):
        out.print("* 文件未写明该任务的期限，按计划期末（规划期最后一年的12月31日）计。")


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

    示例：innodrive report-progress 12 --status 推进中 --percent 60 --note "新认定高新技术企业18家" --evidence 认定文件.pdf
    """
    from innodrive.cli.plans import actor, open_db
    from innodrive.dates import parse_percent
    from innodrive.plans.models import TASK_STATUS_NAMES
    from innodrive.plans.progress import report_progress

    percent = None if percent is None else parse_percent(percent, field="percent", what="完成百分比")
    store = open_db()
    try:
        r = report_progress(store, task_id=task, as_of=parse_date(as_of, field="as_of"), status=status,
                            narrative=narrative, reporter=actor(by), percent=percent, unit=unit, evidence=evidence,
                            milestone_id=milestone)
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
    """审核进展报送：通过或退回（附理由）；不带参数时列出待审核的报送。

    示例：innodrive review
          innodrive review 7 --approve
          innodrive review 7 --return --reason "缺少认定文件"
    """
    from rich.table import Table

    from innodrive.cli.plans import actor, open_db
    from innodrive.errors import InputError
    from innodrive.plans.models import TASK_STATUS_NAMES
    from innodrive.plans.progress import pending_reports, review_report

    store = open_db()
    try:
        if report is None:
            pending = pending_reports(store)
            if not pending:
                out.print("没有待审核的进展报送。")
                return
            table = Table(title="待审核的进展报送")
            for col in ("编号", "任务", "截至", "状态", "完成", "说明", "报送人", "材料"):
                table.add_column(col)
            for r in pending:
                table.add_row(str(r.id), str(r.task_id), r.as_of.isoformat(), TASK_STATUS_NAMES[r.status],
                              "—" if r.percent is None else f"{r.percent:g}%", escape(r.narrative), escape(r.reporter),
                              str(len(r.evidence)))
            out.print(table)
            return
        if approve == send_back:
            raise InputError("请选择 --approve（通过）或 --return（退回）其中之一")
        r = review_report(store, report_id=report, approve=approve, reviewer=actor(by), reason=reason)
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
    from innodrive.cli.plans import actor, open_db
    from innodrive.plans.progress import add_milestone

    store = open_db()
    try:
        m = add_milestone(store, task_id=task, title=title, due_date=parse_date(due, field="due"), actor=actor(by))
    finally:
        store.close()
    out.print(f"[green]✓[/green] 任务 {task} 新增里程碑 #{m.id}：{escape(m.title)}（{m.due_date.isoformat()}）")


@app.command("audit")
def audit_command(
    limit: int = typer.Option(30, "--limit", help="显示最近多少条"),
    entity: str | None = typer.Option(None, "--entity",
                                      help="只看一类对象：plan、task、progress_report、import_batch、observation、indicator_link"),
) -> None:
    """审计日志：谁在何时做了什么（含修改前后的值）。

    示例：innodrive audit --limit 10
          innodrive audit --entity progress_report
    """
    import json

    from rich.table import Table

    from innodrive.cli.plans import open_db
    from innodrive.store import audit

    store = open_db()
    try:
        with store.read() as session:
            entries = audit.entries(session, entity=entity, limit=limit)
    finally:
        store.close()
    table = Table(title="审计日志")
    for col, kw in (("时间", {}), ("操作人", {}), ("操作", {}), ("对象", {}), ("说明", {"max_width": 60}),
                    ("修改前", {"max_width": 30}), ("修改后", {"max_width": 30})):
        table.add_column(col, **kw)
    for e in entries:
        table.add_row(e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), escape(e.actor), e.action,
                      f"{e.entity} {e.entity_id or ''}", escape(e.summary),
                      escape(json.dumps(e.before, ensure_ascii=False)) if e.before else "",
                      escape(json.dumps(e.after, ensure_ascii=False)) if e.after else "")
    out.print(table)
