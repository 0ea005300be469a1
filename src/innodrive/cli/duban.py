"""``innodrive duban …`` (督查督办, 专项督查, 整改) and ``innodrive report tongbao`` (督查通报).

Thin faces over :mod:`innodrive.services.supervision`: parse, call one service, print
with Rich. The operator is ``--by`` / ``INNODRIVE_USER`` (a registered account acts
with its role: a 责任单位 sees and answers only its own 督办单).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out
from innodrive.cli.report import report_app

duban_app = typer.Typer(help="督查督办：按规则或人工发起督办单、答复、办结、退回、升级、约谈；专项督查与整改销号。",
                        no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(duban_app, name="duban")
campaign_app = typer.Typer(help="专项督查：按规则或随机抽样选取任务，填写检查结论，结束督查。", no_args_is_help=True)
duban_app.add_typer(campaign_app, name="campaign")
rectify_app = typer.Typer(help="整改事项：交办、报送整改情况、销号或退回。", no_args_is_help=True)
duban_app.add_typer(rectify_app, name="rectify")

BY_HELP = "操作人（记入审计日志；默认取 INNODRIVE_USER 或登录名；为已注册账号时按其权限执行）"
LIGHT_NAMES = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯", "blue": "蓝灯"}


def _date(text: str | None, field: str, *, default: dt.date | None = None) -> dt.date:
    from innodrive.dates import parse_date

    if text is None or not text.strip():
        if default is None:
            from innodrive.errors import InputError

            raise InputError("请给出日期（YYYY-MM-DD）", field=field)
        return default
    return parse_date(text, field=field)


@contextmanager
def acting(by: str | None) -> Iterator[tuple]:
    """The configured store and this command's actor; the store is closed afterwards."""
    from innodrive.services.identity import cli_actor
    from innodrive.store import open_store

    store = open_store()
    try:
        yield store, cli_actor(store, by)
    finally:
        store.close()


def _uploads(paths: list[Path]):
    from innodrive.blobs import Upload

    return [Upload.from_path(p, what="佐证材料") for p in paths]


def _show_notice(n, *, events: bool = True) -> None:
    late = f"，[red]逾期 {n.days_overdue} 天[/red]" if n.days_overdue else ""
    out.print(f"[bold]{escape(n.number)}[/bold]（#{n.id}）{escape(n.level_name)} · {escape(n.state_name)}{late}")
    out.print(f"  督办对象：{escape(n.unit)}　答复期限：{n.deadline.isoformat()}")
    out.print(f"  事项：{escape(n.subject)}")
    out.print(f"  原因：{escape(n.reason)}")
    out.print(f"  答复要求：{escape(n.required_response)}")
    out.print(f"  依据：{escape(n.rule_name or '人工发起')}（{escape(n.rules_version)}；看板日期 {n.board_as_of.isoformat()}）")
    if events:
        for e in n.events:
            files = "；".join(f"{escape(f.file_name)}（{f.sha256[:12]}…）" for f in e.evidence)
            when = e.at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
            out.print(f"    {when} {escape(e.kind_name)}（{escape(e.by)}）：{escape(e.text)}"
                      + (f" 材料：{files}" if files else ""))


@duban_app.command("run")
def run_command(
    as_of: str | None = typer.Option(None, "--as-of", help="看板日期（默认今天）"),
    today: str | None = typer.Option(None, "--today", help="判断逾期和计算期限所用的日期（默认今天）"),
    rules: str | None = typer.Option(None, "--rules", help="督查督办规则：内置名称（default）或 YAML 文件"),
    region: str | None = typer.Option(None, "--region", help="只处理该地区（默认操作人所辖地区）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只列出将发起和升级的督办，不作改动"),
    no_escalate: bool = typer.Option(False, "--no-escalate", help="只发起，不按规则升级已逾期的督办单"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """按声明的规则运行一次督办：红灯目标、逾期任务发起督办单；逾期未答复的按升级规则升级（二次督办、约谈）。

    示例：innodrive duban run --dry-run
          innodrive duban run --as-of 2025-06-30 --rules 本办督办规则.yaml
    """
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        day = _date(today, "today", default=dt.date.today())
        r = supervision.run_rules(store, actor, as_of=_date(as_of, "as_of", default=day), today=day, rules=rules,
                                  region=region, dry_run=dry_run, escalate=not no_escalate)
    verb = "将发起" if dry_run else "已发起"
    out.print(f"督办规则：{escape(r.rules)}；看板日期 {r.as_of.isoformat()}")
    shown = r.proposed if dry_run else r.raised
    out.print(f"{verb}督办单 {len(shown)} 件（已有未办结督办单、不重复发起的 {r.already_open} 件）")
    for n in shown:
        number = getattr(n, "number", None)
        out.print(f"  {escape(number or '（待编号）')} → {escape(n.unit)}，限 {n.deadline.isoformat()}：{escape(n.subject)}")
    if r.escalations:
        out.print(f"{'将' if dry_run else '已'}升级 {len(r.escalations)} 件：")
        for e in r.escalations:
            out.print(f"  #{e.notice_id} → {escape(e.level_name)}，限 {e.deadline.isoformat()}（{escape(e.why)}）")
    if r.skipped:
        err.print(f"[yellow]未能发起 {len(r.skipped)} 件[/yellow]（请人工指定单位后发起）：")
        for s in r.skipped:
            err.print(f"  {escape(s.subject)}：{escape(s.why)}")


@duban_app.command("raise")
def raise_command(
    unit: str = typer.Option(..., "--unit", help="督办对象（责任单位或区县人民政府）"),
    deadline: str = typer.Option(..., "--deadline", help="答复期限（YYYY-MM-DD）"),
    response: str = typer.Option(..., "--response", help="要求答复的内容"),
    target: int | None = typer.Option(None, "--target", help="针对看板上的目标（编号）"),
    task: int | None = typer.Option(None, "--task", help="针对任务台账中的任务（编号）"),
    subject: str | None = typer.Option(None, "--subject", help="其他督办事项（不针对目标或任务时）"),
    reason: str | None = typer.Option(None, "--reason", help="督办原因（针对其他事项时）"),
    as_of: str | None = typer.Option(None, "--as-of", help="看板日期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """人工发起一张督办单（目标或任务的灯色和原因取自看板）。

    示例：innodrive duban raise --task 12 --unit 市经信局 --deadline 2025-07-20 --response "说明逾期原因和完成时限"
    """
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        n = supervision.raise_notice(store, actor, unit=unit, deadline=_date(deadline, "deadline"), response=response,
                                     target_id=target, task_id=task, subject=subject, reason=reason,
                                     as_of=_date(as_of, "as_of", default=dt.date.today()))
    out.print("已发起督办单：")
    _show_notice(n, events=False)


@duban_app.command("list")
def list_command(
    state: str | None = typer.Option(None, "--state", help="open（待答复）、answered（已答复待审核）、closed（已办结）"),
    unit: str | None = typer.Option(None, "--unit", help="只看该督办对象"),
    overdue: bool = typer.Option(False, "--overdue", help="只看逾期未答复的"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """列出督办单（责任单位账号只看到本单位的）。

    示例：innodrive duban list --state open --overdue
    """
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        found = supervision.list_notices(store, actor, state=state, unit=unit, overdue=overdue)
    if not found.notices:
        out.print("没有符合条件的督办单")
        return
    for n in found.notices:
        late = f" [red]逾期{n.days_overdue}天[/red]" if n.days_overdue else ""
        out.print(f"#{n.id} {escape(n.number)} {escape(n.level_name)} {escape(n.state_name)}{late} → {escape(n.unit)}"
                  f"，限 {n.deadline.isoformat()}：{escape(n.subject)}")
    out.print("合计：" + "，".join(f"{k} {v}" for k, v in found.totals.items()))


@duban_app.command("show")
def show_command(notice: int = typer.Argument(..., help="督办单编号（#）"),
                 by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """查看一张督办单及其全部经过（下发、答复、退回、升级、约谈、办结）。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        _show_notice(supervision.get_notice(store, actor, notice))


@duban_app.command("answer")
def answer_command(
    notice: int = typer.Argument(..., help="督办单编号（#）"),
    text: str = typer.Option(..., "--text", help="答复内容"),
    evidence: list[Path] = typer.Option([], "--evidence", "-e", help="佐证材料文件（可重复）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """责任单位答复督办单（附佐证材料），等待创新办审核。

    示例：innodrive duban answer 3 --text "已完成认定申报，附认定文件" -e 认定文件.pdf --by ls-jxj
    """
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        n = supervision.answer(store, actor, notice, text_=text, evidence=_uploads(evidence))
    out.print(f"已答复 {escape(n.number)}，等待创新办审核")


@duban_app.command("close")
def close_command(notice: int = typer.Argument(..., help="督办单编号（#）"),
                  note: str = typer.Option(..., "--note", help="办结意见"),
                  rules: str | None = typer.Option(None, "--rules", help="督查督办规则"),
                  by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """认可答复并办结督办单（须满足规则：有答复、附材料、已约谈的须有约谈记录）。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        n = supervision.close(store, actor, notice, note=note, rules=rules)
    out.print(f"已办结 {escape(n.number)}")


@duban_app.command("return")
def return_command(notice: int = typer.Argument(..., help="督办单编号（#）"),
                   reason: str = typer.Option(..., "--reason", help="退回理由"),
                   rules: str | None = typer.Option(None, "--rules", help="督查督办规则"),
                   by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """退回答复（不予认可）；达到规则规定的退回次数时自动升级。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        n = supervision.return_answer(store, actor, notice, reason=reason, rules=rules)
    out.print(f"已退回 {escape(n.number)} 的答复：现为{escape(n.level_name)}，限 {n.deadline.isoformat()} 前重新答复")


@duban_app.command("escalate")
def escalate_command(notice: int = typer.Argument(..., help="督办单编号（#）"),
                     reason: str = typer.Option(..., "--reason", help="升级理由"),
                     rules: str | None = typer.Option(None, "--rules", help="督查督办规则"),
                     by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """按升级规则把督办单升一级（二次督办、约谈）。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        n = supervision.escalate(store, actor, notice, reason=reason, rules=rules)
    out.print(f"{escape(n.number)} 已升级为{escape(n.level_name)}，限 {n.deadline.isoformat()} 前答复")


@duban_app.command("interview")
def interview_command(
    notice: int = typer.Argument(..., help="督办单编号（#）"),
    held_on: str = typer.Option(..., "--date", help="约谈日期"),
    place: str = typer.Option(..., "--place", help="约谈地点"),
    interviewer: str = typer.Option(..., "--interviewer", help="约谈人"),
    interviewees: str = typer.Option(..., "--interviewees", help="被约谈人（单位、姓名、职务）"),
    content: str = typer.Option(..., "--content", help="约谈内容"),
    commitments: str = typer.Option(..., "--commitments", help="整改承诺"),
    evidence: list[Path] = typer.Option([], "--evidence", "-e", help="约谈记录等材料（可重复）"),
    rules: str | None = typer.Option(None, "--rules", help="督查督办规则"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """记录约谈（督办单升级为约谈后，办结前必须记录）。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        n = supervision.record_interview(
            store, actor, notice, supervision.Interview(
                held_on=_date(held_on, "held_on"), place=place, interviewer=interviewer, interviewees=interviewees,
                content=content, commitments=commitments), evidence=_uploads(evidence), rules=rules)
    out.print(f"已记录 {escape(n.number)} 的约谈")


@campaign_app.command("new")
def campaign_new_command(
    name: str = typer.Option(..., "--name", help="专项督查名称"),
    as_of: str | None = typer.Option(None, "--as-of", help="台账日期（默认今天）"),
    lights: str | None = typer.Option(None, "--lights", help="按规则：灯色，逗号分隔（red,yellow）"),
    flags: str | None = typer.Option(None, "--flags", help="按规则：任务标记，逗号分隔（overdue,report_missing）"),
    units: str | None = typer.Option(None, "--units", help="按规则：牵头单位，逗号分隔"),
    sample: int | None = typer.Option(None, "--sample", help="随机抽样：抽取的任务数"),
    strata: str = typer.Option("unit", "--by-strata", help="随机抽样的分层变量：unit、light、plan、region"),
    seed: str | None = typer.Option(None, "--seed", help="随机种子（不填则自动生成并记录）"),
    region: str | None = typer.Option(None, "--region", help="地区（默认操作人所辖地区）"),
    include_completed: bool = typer.Option(False, "--include-completed", help="已完成的任务也纳入选取范围"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """组织一次专项督查：按规则（灯色、标记、单位）或分层随机抽样选取要检查的任务。

    示例：innodrive duban campaign new --name "上半年重点任务专项督查" --lights red,yellow
          innodrive duban campaign new --name "随机抽查" --sample 10 --by-strata unit --seed 20250701
    """
    from innodrive.services import supervision
    from innodrive.supervision.campaigns import Criteria

    def split(text: str | None) -> list[str]:
        return [x.strip() for x in (text or "").replace("，", ",").split(",") if x.strip()]

    with acting(by) as (store, actor):
        criteria = None
        if sample is None:
            from pydantic import ValidationError

            from innodrive.errors import InputError

            try:
                criteria = Criteria(lights=split(lights) or (["red"] if not (flags or units) else []),
                                    flags=split(flags), units=split(units))
            except ValidationError as exc:
                raise InputError(str(exc.errors()[0]["msg"]).removeprefix("Value error, "), field="flags") from None
        c = supervision.create_campaign(store, actor, name=name, as_of=_date(as_of, "as_of", default=dt.date.today()),
                                        criteria=criteria, sample_size=sample, by=split(strata), seed=seed,
                                        region=region, include_completed=include_completed)
    _show_campaign(c)


def _show_campaign(c) -> None:
    how = f"随机抽样（种子 {c.seed}，抽样框 {c.frame_size} 项）" if c.seed else f"按规则（{c.criteria}）"
    out.print(f"[bold]专项督查 #{c.id}《{escape(c.name)}》[/bold] {how}；{'已结束' if c.state == 'closed' else '进行中'}")
    for i in c.items:
        out.print(f"  事项 {i.id}：{escape(i.subject)} → {escape(i.unit or '（牵头单位未明确）')} · {escape(i.outcome_name)}"
                  + (f"：{escape(i.finding)}" if i.finding else ""))
        for r in i.rectifications:
            late = f" [red]逾期{r.days_overdue}天[/red]" if r.days_overdue else ""
            out.print(f"      整改 {r.id}（{escape(r.state_name)}{late}，限 {r.deadline.isoformat()}）：{escape(r.problem)}")


@campaign_app.command("list")
def campaign_list_command(by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """列出专项督查。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        found = supervision.list_campaigns(store, actor)
    if not found:
        out.print("尚无专项督查")
    for c in found:
        out.print(f"#{c.id}《{escape(c.name)}》{c.as_of.isoformat()} {'已结束' if c.state == 'closed' else '进行中'}："
                  f"检查任务 {len(c.items)} 项，" + "，".join(f"{k} {v}" for k, v in c.counts.items()))


@campaign_app.command("show")
def campaign_show_command(campaign: int = typer.Argument(..., help="专项督查编号"),
                          by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """查看专项督查的检查事项、结论和整改。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        _show_campaign(supervision.get_campaign(store, actor, campaign))


@campaign_app.command("finding")
def finding_command(item: int = typer.Argument(..., help="检查事项编号"),
                    outcome: str = typer.Option(..., "--outcome", help="ok（未发现问题）或 issue（发现问题）"),
                    text: str = typer.Option(..., "--text", help="检查情况"),
                    by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """填写一个检查事项的结论。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        c = supervision.record_finding(store, actor, item, outcome=outcome, finding=text)
    out.print(f"已记录检查结论（专项督查 #{c.id}）")


@campaign_app.command("close")
def campaign_close_command(campaign: int = typer.Argument(..., help="专项督查编号"),
                           note: str = typer.Option(..., "--note", help="督查总结"),
                           by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """结束专项督查（每项都已有结论、每项整改都已销号）。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        c = supervision.close_campaign(store, actor, campaign, note=note)
    out.print(f"专项督查 #{c.id}《{escape(c.name)}》已结束")


@rectify_app.command("add")
def rectify_add_command(item: int = typer.Argument(..., help="检查事项编号"),
                        problem: str = typer.Option(..., "--problem", help="存在问题"),
                        requirement: str = typer.Option(..., "--requirement", help="整改要求"),
                        deadline: str = typer.Option(..., "--deadline", help="整改期限"),
                        unit: str | None = typer.Option(None, "--unit", help="整改责任单位（默认该任务的牵头单位）"),
                        by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """把检查发现的问题交办为整改事项。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        r = supervision.add_rectification(store, actor, item, problem=problem, requirement=requirement,
                                          deadline=_date(deadline, "deadline"), unit=unit)
    out.print(f"已交办整改 {r.id} → {escape(r.unit)}，限 {r.deadline.isoformat()}")


@rectify_app.command("list")
def rectify_list_command(state: str | None = typer.Option(None, "--state", help="open、reported、closed"),
                         by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """列出整改事项（责任单位账号只看到本单位的）。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        found = supervision.list_rectifications(store, actor, state=state)
    if not found:
        out.print("没有符合条件的整改事项")
    for r in found:
        late = f" [red]逾期{r.days_overdue}天[/red]" if r.days_overdue else ""
        out.print(f"{r.id} {escape(r.state_name)}{late} → {escape(r.unit)}，限 {r.deadline.isoformat()}："
                  f"{escape(r.problem)}（《{escape(r.campaign_name)}》）")


@rectify_app.command("report")
def rectify_report_command(rect: int = typer.Argument(..., help="整改事项编号"),
                           text: str = typer.Option(..., "--text", help="整改情况"),
                           evidence: list[Path] = typer.Option([], "--evidence", "-e", help="佐证材料（可重复）"),
                           by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """责任单位报送整改情况（附佐证材料）。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        r = supervision.report_rectification(store, actor, rect, text_=text, evidence=_uploads(evidence))
    out.print(f"已报送整改 {r.id} 的整改情况，等待核验销号")


@rectify_app.command("close")
def rectify_close_command(rect: int = typer.Argument(..., help="整改事项编号"),
                          note: str = typer.Option(..., "--note", help="核验意见"),
                          by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """核验通过，整改销号。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        r = supervision.decide_rectification(store, actor, rect, accept=True, note=note)
    out.print(f"整改 {r.id} 已销号")


@rectify_app.command("return")
def rectify_return_command(rect: int = typer.Argument(..., help="整改事项编号"),
                           note: str = typer.Option(..., "--note", help="退回理由"),
                           deadline: str | None = typer.Option(None, "--deadline", help="新的整改期限"),
                           by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """整改不到位，退回重新整改。"""
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        r = supervision.decide_rectification(store, actor, rect, accept=False, note=note,
                                             deadline=_date(deadline, "deadline") if deadline else None)
    out.print(f"整改 {r.id} 已退回，限 {r.deadline.isoformat()}")


# -- documents ---------------------------------------------------------------------------------


def write_document(files, fmt: str, out_path: Path | None) -> list[Path]:
    """Write the document (docx/pdf) and its XLSX appendix; ``out_path`` is a file or a folder."""
    from innodrive.errors import InputError
    from innodrive.reports import FORMATS, render, write
    from innodrive.reports.xlsx import render_xlsx

    if fmt not in FORMATS:
        raise InputError(f"不支持的格式“{fmt}”；可用：docx、pdf", field="format")
    target = out_path or Path.cwd()
    if target.suffix.lower() in (".docx", ".pdf"):
        doc_path = target.with_suffix(f".{fmt}")
        base = target.with_suffix("")
    else:
        target.mkdir(parents=True, exist_ok=True)
        base = target / files.name
        doc_path = Path(f"{base}.{fmt}")
    xlsx_path = Path(f"{base}_附件.xlsx")
    written = [write(render(files.document, fmt), doc_path), write(render_xlsx(files.appendix), xlsx_path)]
    return written


@report_app.command("tongbao")
def tongbao_command(
    period: str = typer.Option(..., "--period", help="通报时期：季度 2024Q2、月份 2024-06、半年 2024H1 或年份"),
    fmt: str = typer.Option("docx", "--format", "-f", help="docx 或 pdf"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="输出文件或目录（默认当前目录）"),
    issue: str | None = typer.Option(None, "--issue", help="以此文号印发（存证数据，作为下期“与上期相比”的基准）"),
    issued_on: str | None = typer.Option(None, "--date", help="成文日期（默认期末日）"),
    region: str | None = typer.Option(None, "--region", help="地区（默认操作人所辖地区）"),
    template: Path | None = typer.Option(None, "--template", help="使用指定的模板文件（YAML）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """督查通报：灯色总体情况、红灯黄灯目标及原因、逾期任务（按牵头单位）、督办情况、与上期相比（Word 或 PDF，另附 XLSX 明细）。

    不加 --issue 生成征求意见稿；加 --issue 则以该文号印发并存证（已印发的通报再次生成时与印发时完全相同）。

    示例：innodrive report tongbao --period 2024Q2 --format pdf
          innodrive report tongbao --period 2024Q2 --format docx --issue "乐山创新办督〔2024〕3号" --date 2024-07-05
    """
    from innodrive.reports.tongbao import build
    from innodrive.services import supervision

    with acting(by) as (store, actor):
        if issue:
            view = supervision.issue_tongbao(store, actor, period=period, reference=issue, region=region)
        else:
            view = supervision.tongbao(store, actor, period=period, region=region)
    files = build(view.bulletin, reference=view.reference, issued_on=_date(issued_on, "date") if issued_on else None,
                  template_path=str(template) if template else None)
    paths = write_document(files, fmt, out_path)
    b = view.bulletin
    status = f"已印发（{view.reference}，SHA-256 {view.sha256[:16]}…）" if view.issued else "征求意见稿"
    out.print(f"{escape(b.region_name or '')}{escape(b.period_label)}督查通报 · {status}")
    out.print(f"  目标 {b.targets_total} 项：" + "，".join(f"{x.name} {x.count}" for x in b.lights)
              + f"；逾期任务 {b.tasks_overdue} 项（{len(b.overdue_by_unit)} 个牵头单位）")
    for p in paths:
        out.print(f"  已写出：{escape(str(p))}")
