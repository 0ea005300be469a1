"""``innodrive projects …``: 揭榜挂帅 and S&T projects for the office.

Thin commands over :mod:`innodrive.services.projects`: read the office's files, call
one use case, print with Rich. The acting user comes from ``--by`` / ``INNODRIVE_USER``
(:func:`innodrive.services.identity.cli_actor`): a registered reviewer account sees
only its own assignments, blind; the local operator acts as the office.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out
from innodrive.errors import InputError

projects_app = typer.Typer(help="揭榜挂帅与科技计划项目：榜单、代录申报、专家评审、公示、合同、节点验收、资金拨付与成果。",
                           no_args_is_help=True, rich_markup_mode="rich")
publicity_app = typer.Typer(help="立项公示：发布、结束、查看公示名单。", no_args_is_help=True)
objection_app = typer.Typer(help="公示异议：登记、处理、查看。", no_args_is_help=True)
projects_app.add_typer(publicity_app, name="publicity")
projects_app.add_typer(objection_app, name="objection")
app.add_typer(projects_app, name="projects")

BY = typer.Option(None, "--by", help="操作人（登记的账号按其角色办理；默认取 INNODRIVE_USER 或登录名，作为本机办公室操作员）")
LIGHT_STYLE = {"green": "green", "yellow": "yellow", "red": "red", "blue": "blue", "grey": "bright_black"}


def _date(text: str | None, field: str) -> dt.date:
    from innodrive.cli.status import parse_date

    return parse_date(text, field=field)


class _Session:
    """The store and the acting user of one command."""

    def __init__(self, by: str | None) -> None:
        from innodrive.services.identity import cli_actor
        from innodrive.store import open_store

        self.store = open_store()
        self.actor = cli_actor(self.store, by)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.store.close()


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v:,.2f}".rstrip("0").rstrip(".")


def _table(*columns: str):
    from rich.table import Table

    t = Table(show_lines=False)
    for c in columns:
        t.add_column(c)
    return t


def _mark(constructed: bool) -> str:
    from innodrive.projects.specs import CONSTRUCTED_LABEL

    return f" [dim]（{CONSTRUCTED_LABEL}）[/dim]" if constructed else ""


# --------------------------------------------------------------------------- example and calls


@projects_app.command("example")
def example_command(out_dir: Path = typer.Option(Path("揭榜挂帅示例"), "--out", "-o", help="写出示例文件的目录"),
                    load: bool = typer.Option(False, "--load", help="同时载入数据库：示例企业登记进企业名录，发布示例榜单，"
                                                                   "录入示例申报和评审专家（均标注为构造示例）"),
                    by: str | None = BY) -> None:
    """写出一套构造示例文件（企业名录、榜单、申报、评审专家、合同），展示各文件的格式。

    示例中的单位、人员、金额均为虚构，文件开头注明“构造示例”。

    示例：innodrive projects example --out 揭榜挂帅示例
          innodrive projects example --load
    """
    from innodrive.projects.example import write_files

    for p in write_files(out_dir):
        out.print(f"已写出：{escape(str(p))}")
    if load:
        from innodrive.projects.example import load_into

        with _Session(by) as s:
            for line in load_into(s.store, s.actor):
                out.print(line)


@projects_app.command("call")
def call_command(file: Path = typer.Argument(..., help="榜单文件（YAML）"),
                 replace: bool = typer.Option(False, "--replace", help="替换同编号、尚无申报的榜单"),
                 by: str | None = BY) -> None:
    """发布榜单（指南）：需解决的问题、榜额、申报条件（规则）、截止日期、发榜单位、服务的计划任务、评审办法。

    示例：innodrive projects call 榜单.yaml
    """
    from innodrive.projects.files import read_call
    from innodrive.services.projects import declare_call

    spec = read_call(file)
    with _Session(by) as s:
        v = declare_call(s.store, s.actor, spec, file=str(file), replace=replace)
    out.print(f"已发布榜单 {escape(v.code)}“{escape(v.title)}”{_mark(v.constructed)}：{v.kind_label}，榜额 {_money(v.quota)} 万元，"
              f"申报期 {v.opens_on} 至 {v.deadline}，申报条件 {len(v.eligibility)} 条，评审指标 {len(v.criteria)} 项")
    if v.plan_task:
        out.print(f"服务计划任务：{v.plan_task.id} {escape(v.plan_task.title)}")


@projects_app.command("calls")
def calls_command(by: str | None = BY) -> None:
    """列出榜单及其所处阶段（申报中、评审中、公示中、已立项）。

    示例：innodrive projects calls
    """
    from innodrive.services.projects import list_calls

    with _Session(by) as s:
        rows = list_calls(s.store, s.actor)
    t = _table("编号", "榜单", "类型", "发榜单位", "榜额（万元）", "截止日期", "申报数", "阶段")
    for c in rows:
        t.add_row(escape(c.code), escape(c.title) + ("（示例）" if c.constructed else ""), c.kind_label,
                  escape(c.issuer), _money(c.quota), str(c.deadline), str(c.applications), c.stage_label)
    out.print(t if rows else "尚无榜单")


@projects_app.command("show-call")
def show_call_command(code: str = typer.Argument(..., help="榜单编号"), by: str | None = BY) -> None:
    """查看榜单详情：申报条件、评审指标和评审办法。

    示例：innodrive projects show-call JB-2024-01
    """
    from innodrive.projects.aggregation import MEASURE_LABELS, METHOD_LABELS
    from innodrive.services.projects import get_call

    with _Session(by) as s:
        v = get_call(s.store, s.actor, code)
    out.print(f"[bold]{escape(v.title)}[/bold]（{escape(v.code)}，{v.kind_label}）{_mark(v.constructed)}")
    out.print(f"发榜单位：{escape(v.issuer)}；地区：{v.region_name}；领域：{escape(v.field)}；榜额 {_money(v.quota)} 万元，"
              f"最多支持 {v.max_awards} 项；申报期 {v.opens_on} 至 {v.deadline}；阶段：{v.stage_label}")
    out.print(f"需解决的问题：{escape(v.problem)}")
    if v.plan_task:
        out.print(f"服务计划任务：{v.plan_task.id} {escape(v.plan_task.title)}（{escape(v.plan_task.plan_title or '')}）")
    t = _table("编号", "申报条件", "依据", "规则")
    for r in v.eligibility:
        rule = r.test or ("全部满足 " + "、".join(r.all or []) if r.all else "满足其一 " + "、".join(r.any or []))
        t.add_row(r.id, escape(r.label), escape(r.basis or ""), escape(rule))
    out.print(t)
    t = _table("指标", "满分")
    for c in v.criteria:
        t.add_row(escape(c.label), _money(c.max))
    out.print(t)
    rv = v.review
    out.print(f"评审：每项 {rv.reviewers} 位专家，{'盲评' if rv.blind else '非盲评'}；汇总：{METHOD_LABELS[rv.aggregation]}"
              + (f"（去掉最高、最低各 {rv.trim} 个）" if rv.aggregation == "trimmed_mean" else "")
              + f"；{MEASURE_LABELS[rv.disagreement.measure]}达到 {_money(rv.disagreement.threshold)} 分标记为非共识；"
                f"近 {rv.collaboration_years} 年合作关系须回避；公示期 {v.publicity_days} 天")


# --------------------------------------------------------------------------- applications


def _print_eligibility(v) -> None:
    e = v.eligibility
    style = {"pass": "green", "fail": "red"}.get(e.state, "yellow")
    out.print(f"资格审查（截至 {e.on}）：[{style}]{e.state_label}[/{style}]")
    for r in e.reasons:
        out.print(f"  · {escape(r)}")
    for n in e.notes:
        out.print(f"  [dim]{escape(n)}[/dim]")


@projects_app.command("apply")
def apply_command(file: Path = typer.Argument(..., help="申报文件（YAML；附件路径相对于该文件）"), by: str | None = BY) -> None:
    """代申报单位录入申报材料（申报单位不登录系统），并自动审查申报资格、说明理由。

    企业按统一社会信用代码从企业名录取名称、地区、成立日期和认定结论；高校、院所填写单位名称和地区。

    示例：innodrive projects apply 申报1.yaml
    """
    from innodrive.projects.files import read_application
    from innodrive.services.projects import NewAttachment, enter_application

    spec, files = read_application(file)
    attachments = [NewAttachment(name=name, data=data, kind=meta.kind, blind=meta.blind)
                   for (name, data), meta in zip(files, spec.attachments, strict=True)]
    with _Session(by) as s:
        v = enter_application(s.store, s.actor, spec, attachments=attachments, file=str(file))
    out.print(f"已受理申报 {escape(v.code)}（匿名编号 {v.blind_code}）：{escape(v.title)}，{escape(v.applicant)}，"
              f"申请 {_money(v.requested)} 万元，自筹 {_money(v.self_funding)} 万元{_mark(v.constructed)}")
    _print_eligibility(v)


@projects_app.command("applications")
def applications_command(call: str = typer.Argument(..., help="榜单编号"), by: str | None = BY) -> None:
    """列出一个榜单的全部申报及资格审查结论。

    示例：innodrive projects applications JB-2024-01
    """
    from innodrive.services.projects import list_applications
    from innodrive.services.projects.views import SELECTION_LABELS

    with _Session(by) as s:
        rows = list_applications(s.store, s.actor, call)
    t = _table("申报编号", "匿名编号", "项目名称", "申报单位", "申请（万元）", "资格审查", "状态")
    for a in rows:
        state = "已撤回" if a.withdrawn else SELECTION_LABELS.get(a.selection or "", "")
        t.add_row(a.code, a.blind_code, escape(a.title), escape(a.applicant), _money(a.requested), a.eligibility_label,
                  state)
    out.print(t if rows else "该榜单尚无申报")


@projects_app.command("show")
def show_command(code: str = typer.Argument(..., help="申报编号"), by: str | None = BY) -> None:
    """查看一份申报：团队、预算、节点、附件，以及逐条的资格审查（取值、要求、依据）。

    示例：innodrive projects show JB-2024-01-001
    """
    from innodrive.services.projects import get_application

    with _Session(by) as s:
        v = get_application(s.store, s.actor, code)
    out.print(f"[bold]{escape(v.title)}[/bold]（{v.code}，匿名编号 {v.blind_code}）{_mark(v.constructed)}")
    out.print(f"申报单位：{escape(v.applicant)}" + (f"（{v.credit_code}）" if v.credit_code else "")
              + (f"；联合申报：{escape('、'.join(p.name for p in v.partners))}" if v.partners else ""))
    out.print(f"收件日期 {v.received_on}；实施期 {v.duration_months} 个月；申请 {_money(v.requested)} 万元，"
              f"自筹 {_money(v.self_funding)} 万元；已分配评审专家 {v.reviewers} 人")
    t = _table("团队成员", "单位", "职称", "分工")
    for m in v.members:
        t.add_row(escape(m.name), escape(m.organisation), escape(m.title), escape(m.role))
    out.print(t)
    t = _table("条件", "依据", "取值", "要求", "结论")
    for c in v.eligibility.conditions:
        if c.kind in ("all", "any"):
            continue
        need = f"{c.op if c.op != '==' else ''} {c.threshold_text or ''}".strip()
        t.add_row(escape(c.label), escape(c.basis or ""), escape(c.value_text or ""), escape(need), c.state_label)
    out.print(t)
    _print_eligibility(v)
    for a in v.attachments:
        out.print(f"附件 {a.id}：{escape(a.file_name)}（{a.kind}，{a.size} 字节，SHA-256 {a.sha256[:12]}…"
                  f"{'，可供盲评' if a.blind_ok else ''}）")


@projects_app.command("recheck")
def recheck_command(code: str = typer.Argument(..., help="申报编号"),
                    dishonest: bool | None = typer.Option(None, "--dishonest/--no-dishonest",
                                                          help="信用核查结果：有/无失信记录"),
                    source: str | None = typer.Option(None, "--credit-source", help="信用核查的来源，如 信用中国查询"),
                    checked_on: str | None = typer.Option(None, "--checked-on", help="核查日期 YYYY-MM-DD"),
                    by: str | None = BY) -> None:
    """重新审查申报资格（企业名录更新或补充信用核查结果之后）。

    示例：innodrive projects recheck JB-2024-01-002 --no-dishonest --credit-source 信用中国查询 --checked-on 2024-05-06
    """
    from innodrive.projects.specs import CreditCheck
    from innodrive.services.projects import recheck_eligibility

    check = None
    if dishonest is not None:
        check = CreditCheck(dishonest=dishonest, source=source, checked_on=_date(checked_on, "checked_on"))
    with _Session(by) as s:
        v = recheck_eligibility(s.store, s.actor, code, credit_check=check)
    out.print(f"申报 {v.code}：")
    _print_eligibility(v)


@projects_app.command("withdraw")
def withdraw_command(code: str = typer.Argument(..., help="申报编号"),
                     reason: str = typer.Option(..., "--reason", help="撤回原因"), by: str | None = BY) -> None:
    """登记申报单位撤回申报。

    示例：innodrive projects withdraw JB-2024-01-002 --reason 申报单位书面申请撤回
    """
    from innodrive.services.projects import withdraw_application

    with _Session(by) as s:
        v = withdraw_application(s.store, s.actor, code, reason=reason)
    out.print(f"申报 {v.code} 已撤回")


# --------------------------------------------------------------------------- experts and review


@projects_app.command("experts")
def experts_command(file: Path | None = typer.Argument(None, help="专家名单（YAML，或带中文表头的 CSV/XLSX）；不给则列出专家库"),
                    field: str | None = typer.Option(None, "--field", help="只列出该领域的专家"),
                    by: str | None = BY) -> None:
    """登记或列出评审专家库（领域、工作单位、兼职单位、近年合作关系、评审上限、登录账号）。

    表格的表头：姓名、工作单位、单位统一社会信用代码、职称、专业领域（多个用分号分隔）、兼职单位、
    合作关系（“单位或人员:年份”，多个用分号分隔）、每轮最多评审数、账号、在库。

    示例：innodrive projects experts 评审专家.xlsx
          innodrive projects experts --field 新材料
    """
    from innodrive.services.projects import list_experts, register_experts

    with _Session(by) as s:
        if file is not None:
            from innodrive.projects.files import read_experts

            r = register_experts(s.store, s.actor, read_experts(file), file=file.name)
            out.print(f"专家库：新增 {r.added} 人，更新 {r.updated} 人，未变 {r.unchanged} 人")
            return
        rows = list_experts(s.store, s.actor, field=field)
    t = _table("编号", "姓名", "工作单位", "职称", "领域", "兼职单位", "合作关系", "上限", "账号", "在库")
    for e in rows:
        t.add_row(str(e.id), escape(e.name), escape(e.affiliation), escape(e.title), escape("、".join(e.fields)),
                  escape("、".join(e.posts)),
                  escape("、".join(f"{c.with_}（{c.until or '年份未注明'}）" for c in e.collaborations)),
                  "—" if e.max_load is None else str(e.max_load), escape(e.username or ""), "是" if e.active else "否")
    out.print(t if rows else "专家库为空")


@projects_app.command("assign")
def assign_command(call: str = typer.Argument(..., help="榜单编号"),
                   dry_run: bool = typer.Option(False, "--dry-run", help="只预览，不保存"),
                   on: str | None = typer.Option(None, "--on", help="办理日期（默认今天；须在申报截止之后）"),
                   by: str | None = BY) -> None:
    """为资格审查通过的每份申报分配规定人数的评审专家：回避利益冲突（同单位、申报单位人员、近年合作），
    各专家评审量尽量均衡；无法配齐时说明原因，不强行分配。

    示例：innodrive projects assign JB-2024-01 --dry-run
    """
    from innodrive.services.projects import assign_reviewers

    with _Session(by) as s, err.status("正在求解评审分配……"):
        r = assign_reviewers(s.store, s.actor, call, dry_run=dry_run, on=_date(on, "on") if on else None)
    head = "预览（未保存）" if r.dry_run else "已分配"
    out.print(f"{head}：新分配 {len(r.new)} 人次，保留原分配 {r.kept} 人次，每项 {r.per_application} 人")
    t = _table("申报编号", "匿名编号", "评审专家")
    by_app: dict[str, list[str]] = {}
    for line in r.new:
        by_app.setdefault(line.application_code, []).append(line.expert_name)
    for code, names in by_app.items():
        blind = next(x.blind_code for x in r.new if x.application_code == code)
        t.add_row(code, blind, escape("、".join(names)))
    if by_app:
        out.print(t)
    for b in r.balance:
        out.print(f"领域“{escape(b.field)}”：{b.experts} 位专家，每人评审 {b.min_load}–{b.max_load} 项")
    for sk in r.skipped:
        out.print(f"[yellow]未进入评审[/yellow] {sk.code}：{escape(sk.reason)}")


@projects_app.command("assignments")
def assignments_command(call: str = typer.Argument(..., help="榜单编号"), by: str | None = BY) -> None:
    """列出一个榜单的评审任务（编号用于打分和回避）。

    示例：innodrive projects assignments JB-2024-01
    """
    from innodrive.services.projects import assignments

    with _Session(by) as s:
        rows = assignments(s.store, s.actor, call)
    t = _table("任务编号", "申报编号", "匿名编号", "专家", "状态", "已评分")
    for a in rows:
        state = "回避：" + (a.recusal_reason or "") if a.state == "recused" else "评审中"
        t.add_row(str(a.assignment_id), a.application_code, a.blind_code, escape(a.expert_name), escape(state),
                  "是" if a.scored else "否")
    out.print(t if rows else "尚未分配评审专家")


@projects_app.command("recuse")
def recuse_command(assignment: int = typer.Argument(..., help="评审任务编号"),
                   reason: str = typer.Option(..., "--reason", help="回避原因"), by: str | None = BY) -> None:
    """办理回避：专家不再评审该申报（再运行 assign 补足人数）。

    示例：innodrive projects recuse 12 --reason 专家申报曾与申报单位合作
    """
    from innodrive.services.projects import recuse

    with _Session(by) as s:
        line = recuse(s.store, s.actor, assignment, reason=reason)
    out.print(f"专家 {escape(line.expert_name)} 已回避申报 {line.application_code}")


@projects_app.command("score")
def score_command(assignment: int = typer.Argument(..., help="评审任务编号"),
                  scores: list[str] = typer.Argument(..., help="各指标得分，如 tech=32 team=20 budget=12 benefit=15"),
                  comment: str = typer.Option("", "--comment", help="评审意见"), by: str | None = BY) -> None:
    """提交评分：评审专家为本人任务打分，或办公室代专家录入纸质评分表。

    示例：innodrive projects score 12 tech=32 team=20 budget=12 benefit=15 --comment 方案可行
    """
    from innodrive.services.projects import submit_scores

    values: dict[str, float] = {}
    for item in scores:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"得分“{item}”应写作 指标=分数（如 tech=32）", field="scores")
        try:
            values[key.strip()] = float(value)
        except ValueError:
            raise InputError(f"指标 {key.strip()} 的得分“{value}”不是数字", field=key.strip()) from None
    with _Session(by) as s:
        v = submit_scores(s.store, s.actor, assignment, values, comment=comment)
    out.print(f"已记录评分：任务 {v.assignment_id}，合计 {_money(v.total)} 分（{escape(v.submitted_by)}）")


@projects_app.command("reviews")
def reviews_command(by: str | None = BY) -> None:
    """评审专家查看本人的评审任务（盲评时不显示申报单位和团队）。

    示例：innodrive projects reviews --by expert
    """
    from innodrive.services.projects import my_reviews

    with _Session(by) as s:
        packets = my_reviews(s.store, s.actor)
    if not packets:
        out.print("没有待评审的任务")
    for p in packets:
        out.print(f"[bold]任务 {p.assignment_id}[/bold]：{escape(p.call_title)} — 申报 {p.blind_code}“{escape(p.title)}”"
                  f"（{'盲评' if p.blind else '非盲评'}）")
        if p.identity:
            out.print(f"  申报单位：{escape(p.identity.applicant)}")
        out.print(f"  摘要：{escape(p.summary)}")
        out.print(f"  申请 {_money(p.requested)} 万元，自筹 {_money(p.self_funding)} 万元，实施期 {p.duration_months} 个月")
        out.print("  评审指标：" + "；".join(f"{c.id} {escape(c.label)}（满分 {_money(c.max)}）" for c in p.criteria))
        if p.submitted:
            out.print(f"  已评分：{_money(p.submitted.total)} 分")


@projects_app.command("ranking")
def ranking_command(call: str = typer.Argument(..., help="榜单编号"), by: str | None = BY) -> None:
    """评审结果：按汇总分排名，标出并列和非共识（专家意见分歧大）项目。

    示例：innodrive projects ranking JB-2024-01
    """
    from innodrive.projects.aggregation import METHOD_LABELS
    from innodrive.services.projects import ranking

    with _Session(by) as s:
        v = ranking(s.store, s.actor, call)
    out.print(f"{escape(v.call_title)}：{METHOD_LABELS[v.method]}（满分 {_money(v.max_total)}）")
    t = _table("排名", "申报编号", "项目名称", "申报单位", "汇总分", "专家评分", "提示")
    for r in v.ranked:
        notes = []
        if r.tied:
            notes.append("并列")
        if r.non_consensus:
            notes.append("[red]非共识，需复议[/red]" if not r.second_look else "非共识（已复议）")
        if r.selection:
            from innodrive.services.projects.views import SELECTION_LABELS

            notes.append(SELECTION_LABELS[r.selection])
        t.add_row(str(r.rank), r.code, escape(r.title), escape(r.applicant), f"{r.aggregate.value:.2f}",
                  "、".join(_money(x) for x in r.aggregate.kept + r.aggregate.dropped), "；".join(notes))
    out.print(t if v.ranked else "尚无完成评审的申报")
    for r in v.incomplete:
        out.print(f"[yellow]评审未完成[/yellow] {r.code}：已评 {r.reviews}/{r.assigned} 人")


@projects_app.command("second-look")
def second_look_command(code: str = typer.Argument(..., help="申报编号"),
                        conclusion: str = typer.Option(..., "--conclusion", help="support（支持立项）或 maintain（维持评审结果）"),
                        reason: str = typer.Option(..., "--reason", help="复议意见"),
                        on: str | None = typer.Option(None, "--on", help="复议日期"), by: str | None = BY) -> None:
    """记录非共识项目的复议结论。

    示例：innodrive projects second-look JB-2024-01-003 --conclusion support --reason 复议专家组认为技术路线有原创性
    """
    from innodrive.services.projects import record_second_look

    with _Session(by) as s:
        r = record_second_look(s.store, s.actor, code, conclusion=conclusion, reason=reason, held_on=_date(on, "on"))
    out.print(f"已记录申报 {r.code} 的复议结论")


# --------------------------------------------------------------------------- decisions


@projects_app.command("select")
def select_command(code: str = typer.Argument(..., help="申报编号"),
                   amount: float = typer.Option(..., "--amount", help="支持金额（万元）"),
                   reason: str = typer.Option(..., "--reason", help="决定理由"), by: str | None = BY) -> None:
    """确定拟立项（须评审完成；非共识项目须先复议；合计不超过榜额）。

    示例：innodrive projects select JB-2024-01-001 --amount 350 --reason 综合排名第一
    """
    from innodrive.services.projects import select_application

    with _Session(by) as s:
        v = select_application(s.store, s.actor, code, amount=amount, reason=reason)
    out.print(f"拟立项：{v.application_code}“{escape(v.title)}”，支持 {_money(v.amount)} 万元")


@projects_app.command("unselect")
def unselect_command(code: str = typer.Argument(..., help="申报编号"),
                     reason: str = typer.Option(..., "--reason", help="撤销理由"), by: str | None = BY) -> None:
    """撤销尚未公示的拟立项。

    示例：innodrive projects unselect JB-2024-01-003 --reason 经费调整
    """
    from innodrive.services.projects import withdraw_selection

    with _Session(by) as s:
        v = withdraw_selection(s.store, s.actor, code, reason=reason)
    out.print(f"已撤销拟立项：{v.application_code}")


def _print_publicity(p) -> None:
    from innodrive.services.projects.views import SELECTION_LABELS

    out.print(f"[bold]{escape(p.call_title)}[/bold] 拟立项公示{_mark(p.constructed)}（{escape(p.issuer)}）："
              f"{p.starts_on} 至 {p.ends_on}，{'公示中' if p.state == 'open' else '已结束'}")
    t = _table("项目名称", "承担单位", "支持金额（万元）", "状态")
    for e in p.entries:
        t.add_row(escape(e.title), escape(e.applicant), _money(e.amount), SELECTION_LABELS[e.state])
    out.print(t)


@publicity_app.command("open")
def publicity_open_command(call: str = typer.Argument(..., help="榜单编号"),
                           start: str = typer.Option(..., "--start", help="公示开始日期 YYYY-MM-DD"),
                           days: int | None = typer.Option(None, "--days", help="公示天数（默认按榜单规定）"),
                           by: str | None = BY) -> None:
    """发布拟立项公示。

    示例：innodrive projects publicity open JB-2024-01 --start 2024-06-01
    """
    from innodrive.services.projects import open_publicity

    with _Session(by) as s:
        p = open_publicity(s.store, s.actor, call, starts_on=_date(start, "start"), days=days)
    _print_publicity(p)


@publicity_app.command("close")
def publicity_close_command(call: str = typer.Argument(..., help="榜单编号"),
                            on: str | None = typer.Option(None, "--on", help="办理日期（须在公示期满之后）"),
                            by: str | None = BY) -> None:
    """公示期满且异议处理完毕后结束公示，公示中的项目正式立项。

    示例：innodrive projects publicity close JB-2024-01 --on 2024-06-10
    """
    from innodrive.services.projects import close_publicity

    with _Session(by) as s:
        p = close_publicity(s.store, s.actor, call, on=_date(on, "on"))
    _print_publicity(p)


@publicity_app.command("list")
def publicity_list_command(by: str | None = BY) -> None:
    """公示名单（向社会公开的内容：项目、承担单位、支持金额、公示期）。

    示例：innodrive projects publicity list
    """
    from innodrive.services.projects import publicity_notices

    with _Session(by) as s:
        rows = publicity_notices(s.store, s.actor)
    if not rows:
        out.print("尚无公示")
    for p in rows:
        _print_publicity(p)


@objection_app.command("add")
def objection_add_command(call: str = typer.Argument(..., help="榜单编号"),
                          application: str = typer.Argument(..., help="被提出异议的申报编号"),
                          received: str = typer.Option(..., "--received", help="收到异议的日期"),
                          submitter: str = typer.Option(..., "--submitter", help="异议人（实名）"),
                          contact: str = typer.Option(..., "--contact", help="异议人联系方式"),
                          text: str = typer.Option(..., "--text", help="异议内容"), by: str | None = BY) -> None:
    """登记公示期内收到的异议。

    示例：innodrive projects objection add JB-2024-01 JB-2024-01-001 --received 2024-06-03 --submitter 张某 --contact 13800000000 --text 对成果原创性有疑问
    """
    from innodrive.services.projects import record_objection

    with _Session(by) as s:
        o = record_objection(s.store, s.actor, call, application_code=application, received_on=_date(received, "received"),
                             submitter=submitter, contact=contact, text=text)
    out.print(f"已登记异议 {o.id}（申报 {o.application_code}，联系方式 {escape(o.contact)}）")


@objection_app.command("handle")
def objection_handle_command(objection: int = typer.Argument(..., help="异议编号"),
                             uphold: bool = typer.Option(..., "--uphold/--reject", help="异议成立 / 不成立"),
                             response: str = typer.Option(..., "--response", help="处理意见（答复异议人）"),
                             by: str | None = BY) -> None:
    """处理异议：成立则撤销该项目的拟立项。

    示例：innodrive projects objection handle 1 --reject --response 经核查，相关专利为申报单位自主研发
    """
    from innodrive.services.projects import handle_objection

    with _Session(by) as s:
        o = handle_objection(s.store, s.actor, objection, uphold=uphold, response=response)
    out.print(f"异议 {o.id}：{o.state_label}")


@objection_app.command("list")
def objection_list_command(call: str = typer.Argument(..., help="榜单编号"),
                           unmasked: bool = typer.Option(False, "--unmasked", help="显示完整联系方式（记入审计日志）"),
                           by: str | None = BY) -> None:
    """查看公示异议及处理情况（联系方式默认部分隐藏）。

    示例：innodrive projects objection list JB-2024-01
    """
    from innodrive.services.projects import objections

    with _Session(by) as s:
        rows = objections(s.store, s.actor, call, unmasked=unmasked)
    t = _table("编号", "申报编号", "收件日期", "异议人", "联系方式", "内容", "状态", "答复")
    for o in rows:
        t.add_row(str(o.id), o.application_code or "", str(o.received_on), escape(o.submitter), escape(o.contact),
                  escape(o.text), o.state_label, escape(o.response or ""))
    out.print(t if rows else "没有异议")


# --------------------------------------------------------------------------- contracts


def _print_project(p) -> None:
    style = LIGHT_STYLE.get(p.status.light, "")
    out.print(f"[bold]{escape(p.title)}[/bold]（合同 {p.code}，申报 {p.application_code}）{_mark(p.constructed)}")
    out.print(f"承担单位：{escape(p.applicant)}；合同期 {p.starts_on} 至 {p.ends_on}；财政资金 {_money(p.amount)} 万元，"
              f"已拨付 {_money(p.paid)} 万元，余额 {_money(p.balance)} 万元")
    out.print(f"状态：[{style}]● {p.status.light_label}[/{style}] {p.status.standing_label}（{escape(p.status.label)}）："
              f"{escape(p.status.reason)}")
    if p.plan_task:
        out.print(f"服务计划任务：{p.plan_task.id} {escape(p.plan_task.title)}")
    t = _table("节点", "类型", "日期", "交付成果", "拨付（万元）", "验收", "已拨付")
    for m in p.milestones:
        t.add_row(f"{m.ordinal}. {escape(m.title)}", m.kind_label, str(m.due_on), escape("；".join(m.deliverables)),
                  _money(m.tranche), str(m.accepted_on or "—"), _money(m.paid))
    out.print(t)
    for c in p.checks:
        out.print(f"  验收 {c.held_on} {escape(c.milestone)}：{c.conclusion_label}。{escape(c.comments)}")
    for pay in p.payments:
        out.print(f"  {pay.kind_label} {pay.paid_on} {_money(pay.amount)} 万元（凭证 {escape(pay.voucher)}）")
    for o in p.outputs:
        size = f"{_money(o.amount)}{o.unit}" if o.amount is not None else f"{_money(o.quantity)}{o.unit}"
        out.print(f"  成果 {o.id}：{o.kind_label}“{escape(o.title)}”{('（' + escape(o.identifier) + '）') if o.identifier else ''}"
                  f" {size}，{o.obtained_on}")


@projects_app.command("contract")
def contract_command(code: str = typer.Argument(..., help="已立项的申报编号"),
                     file: Path = typer.Argument(..., help="合同文件（YAML：编号、日期、节点、交付成果、各期拨付金额）"),
                     by: str | None = BY) -> None:
    """签订项目合同：节点、交付成果、时间和与节点验收挂钩的分期拨付金额（合计等于立项金额）。

    示例：innodrive projects contract JB-2024-01-001 合同.yaml
    """
    from innodrive.projects.files import read_contract
    from innodrive.services.projects import sign_contract

    spec = read_contract(file)
    with _Session(by) as s:
        p = sign_contract(s.store, s.actor, code, spec, file=str(file))
    _print_project(p)


@projects_app.command("check")
def check_command(contract: str = typer.Argument(..., help="合同编号"),
                  milestone: int = typer.Argument(..., help="节点序号（1 起）"),
                  on: str = typer.Option(..., "--on", help="验收日期"),
                  conclusion: str = typer.Option(..., "--conclusion", help="通过、整改 或 不通过"),
                  comments: str = typer.Option(..., "--comments", help="验收意见"),
                  expert: list[str] = typer.Option([], "--expert", help="验收专家（可重复）"),
                  attach: list[Path] = typer.Option([], "--attach", help="验收报告等附件（可重复）"),
                  by: str | None = BY) -> None:
    """记录节点验收、中期检查或结题验收；通过后该节点的资金可以拨付。

    示例：innodrive projects check HT-2024-JB01 2 --on 2025-06-20 --conclusion 通过 --comments 中期检查通过
    """
    from innodrive.safeio import read_input
    from innodrive.services.projects import NewAttachment, record_check

    files = [NewAttachment(name=p.name, data=read_input(p, what="附件"), kind="验收材料") for p in attach]
    with _Session(by) as s:
        p = record_check(s.store, s.actor, contract, milestone, held_on=_date(on, "on"), conclusion=conclusion,
                         comments=comments, experts=expert, attachments=files)
    _print_project(p)


@projects_app.command("pay")
def pay_command(contract: str = typer.Argument(..., help="合同编号"),
                milestone: int = typer.Argument(..., help="节点序号（1 起）"),
                on: str = typer.Option(..., "--on", help="拨付日期"),
                voucher: str = typer.Option(..., "--voucher", help="国库支付或转账凭证号"),
                note: str | None = typer.Option(None, "--note", help="备注"), by: str | None = BY) -> None:
    """拨付已验收节点的资金（全额、一次；每笔记入审计日志）。

    示例：innodrive projects pay HT-2024-JB01 1 --on 2024-06-25 --voucher GK2024-0618
    """
    from innodrive.services.projects import disburse

    with _Session(by) as s:
        p = disburse(s.store, s.actor, contract, milestone, paid_on=_date(on, "on"), voucher=voucher, note=note)
    out.print(f"已拨付，累计 {_money(p.paid)}/{_money(p.amount)} 万元，余额 {_money(p.balance)} 万元")


@projects_app.command("terminate")
def terminate_command(contract: str = typer.Argument(..., help="合同编号"),
                      on: str = typer.Option(..., "--on", help="终止日期"),
                      reason: str = typer.Option(..., "--reason", help="终止原因"),
                      recover: float = typer.Option(0.0, "--recover", help="收回资金（万元）"),
                      voucher: str | None = typer.Option(None, "--voucher", help="收回资金的凭证号"),
                      by: str | None = BY) -> None:
    """终止项目合同，可同时登记收回的资金。

    示例：innodrive projects terminate HT-2024-JB01 --on 2025-09-01 --reason 承担单位主动申请终止 --recover 50 --voucher SH-001
    """
    from innodrive.services.projects import terminate

    with _Session(by) as s:
        p = terminate(s.store, s.actor, contract, on=_date(on, "on"), reason=reason, recover=recover, voucher=voucher)
    _print_project(p)


@projects_app.command("output")
def output_command(contract: str = typer.Argument(..., help="合同编号"),
                   kind: str = typer.Option(..., "--kind", help="成果类型：发明专利授权、实用新型专利授权、软件著作权登记、新增销售收入 等"),
                   title: str = typer.Option(..., "--title", help="成果名称"),
                   on: str = typer.Option(..., "--on", help="取得日期（授权日、登记日；收入为所属年度内的日期）"),
                   identifier: str | None = typer.Option(None, "--id", help="专利号、登记号等"),
                   quantity: float = typer.Option(1.0, "--quantity", help="数量"),
                   amount: float | None = typer.Option(None, "--amount", help="金额（万元，新增销售收入）"),
                   by: str | None = BY) -> None:
    """登记项目成果（专利、成果、新增收入），并计入指标目录中的“科技计划项目”指标。

    示例：innodrive projects output HT-2024-JB01 --kind 发明专利授权 --title 一种电子级二氧化硅的制备方法 --id ZL202510000000.0 --on 2025-11-03
    """
    from innodrive.services.projects import add_output

    with _Session(by) as s:
        r = add_output(s.store, s.actor, contract, kind=kind, title=title, obtained_on=_date(on, "on"),
                       identifier=identifier, quantity=quantity, amount=amount)
    out.print(f"已登记成果 {r.output.id}：{r.output.kind_label}“{escape(r.output.title)}”")
    for o in r.observations:
        out.print(f"  指标 {o['indicator']} {o['period']} 年 = {_money(o['value'])}{o['unit']}")


@projects_app.command("board")
def board_command(as_of: str | None = typer.Option(None, "--as-of", help="评估日期（默认今天）"),
                  call: str | None = typer.Option(None, "--call", help="只看该榜单的项目"),
                  task: int | None = typer.Option(None, "--task", help="只看服务该计划任务的项目"),
                  by: str | None = BY) -> None:
    """项目看板：每个在研项目的红黄绿灯（按期、有风险、逾期）、拨付进度和下一个节点。

    示例：innodrive projects board --as-of 2025-08-01
    """
    from innodrive.services.projects import project_board

    with _Session(by) as s:
        rows = project_board(s.store, s.actor, as_of=_date(as_of, "as_of"), call_code=call, task_id=task)
    t = _table("灯", "合同编号", "项目", "承担单位", "拨付（万元）", "结束日期", "下一节点", "说明")
    for p in rows:
        style = LIGHT_STYLE.get(p.status.light, "")
        nxt = f"{p.status.next_milestone}（{p.status.next_due}）" if p.status.next_milestone else "—"
        t.add_row(f"[{style}]●[/{style}] {p.status.standing_label}", p.code, escape(p.title), escape(p.applicant),
                  f"{_money(p.paid)}/{_money(p.amount)}", str(p.ends_on), escape(nxt), escape(p.status.reason))
    out.print(t if rows else "尚无签订合同的项目")


@projects_app.command("project")
def project_command(contract: str = typer.Argument(..., help="合同编号"),
                    as_of: str | None = typer.Option(None, "--as-of", help="评估日期（默认今天）"),
                    by: str | None = BY) -> None:
    """查看一个项目：节点与验收、拨付台账、成果和状态灯。

    示例：innodrive projects project HT-2024-JB01
    """
    from innodrive.services.projects import get_project

    with _Session(by) as s:
        p = get_project(s.store, s.actor, contract, as_of=_date(as_of, "as_of"))
    _print_project(p)
