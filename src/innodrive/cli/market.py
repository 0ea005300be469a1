"""``innodrive market …``: the technology market (科技成果汇交, 技术需求, 匹配, 对接, 技术合同).

Thin commands over :mod:`innodrive.services.market`: parse, call one service with the
CLI's actor, print with Rich.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out, warn

market_app = typer.Typer(help="技术市场：科技成果汇交、企业技术需求、供需匹配、对接跟踪与技术合同登记。",
                         no_args_is_help=True, rich_markup_mode="rich")
pair_app = typer.Typer(help="对接记录：推荐 → 联系 → 洽谈 → 签约 → 技术合同登记（技术经纪人、日期）。",
                       no_args_is_help=True, rich_markup_mode="rich")
contracts_app = typer.Typer(help="技术合同：登记（计入技术合同成交额等指标）、更正、列表。",
                            no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(market_app, name="market")
market_app.add_typer(pair_app, name="pair")
market_app.add_typer(contracts_app, name="contracts")

BY = typer.Option(None, "--by", help="操作人（默认 INNODRIVE_USER 或登录名）")


def _store():
    from innodrive.store import open_store

    return open_store()


def _actor(store, by):
    from innodrive.services.identity import cli_actor

    return cli_actor(store, by)


def _date(text: str | None, what: str) -> dt.date | None:
    from innodrive.dates import parse_date

    return parse_date(text, field=what, what=what) if text else None


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True)


def _stepper(bar):
    tasks: dict[str, int] = {}

    def step(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=max(total, 1))
        bar.update(tasks[stage], completed=done)

    return step


def _money(v: float | None) -> str:
    return "面议" if v is None else f"{v:g}"


# --------------------------------------------------------------------------- registry

@market_app.command("template")
def template_command(
    kind: str = typer.Argument("results", help="results（科技成果汇交表）或 demands（企业技术需求表）"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="输出 .xlsx（默认 科技成果汇交表.xlsx / 企业技术需求表.xlsx）"),
) -> None:
    """生成汇交模板：中文表头与批注、下拉选项、填写说明，以及行业分类、学科分类、技术就绪度对照表。

    示例：innodrive market template results --out 科技成果汇交表.xlsx
    """
    from innodrive.errors import InputError
    from innodrive.market.forms import SHEETS
    from innodrive.safeio import atomic_write
    from innodrive.services.market import template

    k = {"results": "result", "result": "result", "成果": "result", "demands": "demand", "demand": "demand",
         "需求": "demand"}.get(kind)
    if k is None:
        raise InputError(f"模板类型“{kind}”应为 results 或 demands")
    path = out_path or Path(f"{SHEETS[k]}.xlsx")
    if path.suffix.lower() != ".xlsx":
        raise InputError("模板文件名应以 .xlsx 结尾", file=str(path))
    atomic_write(path, template(k), what="模板文件")
    out.print(f"已生成{SHEETS[k]}模板：{escape(str(path))}")


@market_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="填好的科技成果汇交表或企业技术需求表（.xlsx 或 .csv）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查并预览，不写入"),
    by: str | None = BY,
) -> None:
    """导入汇交表（自动识别成果表或需求表）：逐行检查，任何一行有问题则不导入并逐行列出；提示疑似重复。

    示例：innodrive market import 科技成果汇交表.xlsx --dry-run
          innodrive market import 企业技术需求表.xlsx
    """
    from innodrive.market.forms import SHEETS, detect_kind
    from innodrive.safeio import read_input
    from innodrive.services import market

    data = read_input(file, what="汇交表")
    kind = detect_kind(data, file=file.name)
    with _store() as store:
        actor = _actor(store, by)
        run = market.import_results if kind == "result" else market.import_demands
        with _progress() as bar:
            report = run(store, actor, data, file=file.name, dry_run=dry_run, progress=_stepper(bar))
    what = "成果" if kind == "result" else "需求"
    if dry_run:
        out.print(f"{SHEETS[kind]} {escape(file.name)}：{report.rows} 行全部通过检查（预览，未写入）")
    else:
        out.print(f"已导入{SHEETS[kind]} {escape(file.name)}：新增 {report.added} 项，更新 {report.updated} 项，"
                  f"未变 {report.unchanged} 项{what}" +
                  (f"；新登记企业 {report.enterprises_added} 家" if report.enterprises_added else ""))
    for s in report.suspects:
        warn(escape(s.message))


def _result_table(items, title: str):
    from rich.table import Table

    t = Table(title=title, show_lines=False)
    for col in ("编号", "成果名称", "持有单位", "类型", "行业", "TRL", "转化方式", "价格（万元）", "地区", "联系人"):
        t.add_column(col)
    for r in items:
        t.add_row(str(r.id), escape(r.title), escape(r.holder), r.holder_kind, r.industry_code or "",
                  str(r.trl or ""), "、".join(r.transfer_modes), _money(r.price_wan), r.region_name or "",
                  escape(f"{r.contact.name or ''} {r.contact.phone or ''}"))
    return t


@market_app.command("results")
def results_command(
    text: str = typer.Argument("", help="在名称、持有单位、关键词、简介中查找（空格分隔多个词）"),
    region: str | None = typer.Option(None, "--region", help="所在地区（含下辖区县）"),
    industry: str | None = typer.Option(None, "--industry", help="行业门类或大类（GB/T 4754），如 C 或 38"),
    trl_min: int | None = typer.Option(None, "--trl-min", min=1, max=9, help="最低技术就绪度"),
    mode: str | None = typer.Option(None, "--mode", help="转化方式：转让、许可、作价入股、合作开发"),
    kind: str | None = typer.Option(None, "--holder-kind", help="持有人类型：高校、院所、企业、个人"),
    limit: int = typer.Option(50, "--limit", min=1, max=500),
    by: str | None = BY,
) -> None:
    """查找科技成果（联系人脱敏显示）。

    示例：innodrive market results 正极材料 --region 四川 --trl-min 6
    """
    from innodrive.market.classification import industries
    from innodrive.market.registry import ResultFilter
    from innodrive.regions import resolve
    from innodrive.services.market import search_results

    f = ResultFilter(text=text, region_code=resolve(region, field="--region").code if region else None,
                     industry_code=_code(industries(), industry, "--industry"), trl_min=trl_min, transfer_mode=mode,
                     holder_kind=kind)
    with _store() as store:
        page = search_results(store, _actor(store, by), f, limit=limit)
    out.print(_result_table(page.items, f"科技成果：共 {page.total} 项，显示 {len(page.items)} 项"))


def _code(table, text: str | None, option: str) -> str | None:
    from innodrive.errors import InputError

    if not text:
        return None
    code, problem = table.parse(text)
    if problem:
        raise InputError(problem, field=option)
    return code


@market_app.command("demands")
def demands_command(
    text: str = typer.Argument("", help="在需求名称、问题描述、关键词中查找"),
    industry: str | None = typer.Option(None, "--industry", help="行业门类或大类（GB/T 4754）"),
    confidential: bool = typer.Option(False, "--confidential", help="包括保密需求（须有权限）"),
    limit: int = typer.Option(50, "--limit", min=1, max=500),
    by: str | None = BY,
) -> None:
    """查找本辖区企业的技术需求（联系人脱敏显示）。

    示例：innodrive market demands 涂布
    """
    from rich.table import Table

    from innodrive.market.classification import industries
    from innodrive.market.registry import DemandFilter
    from innodrive.services.market import search_demands

    f = DemandFilter(text=text, industry_code=_code(industries(), industry, "--industry"),
                     include_confidential=confidential)
    with _store() as store:
        page = search_demands(store, _actor(store, by), f, limit=limit)
    t = Table(title=f"技术需求：共 {page.total} 项，显示 {len(page.items)} 项")
    for col in ("编号", "需求名称", "企业", "行业", "最低TRL", "预算（万元）", "截止日期", "地区", "保密"):
        t.add_column(col)
    for d in page.items:
        t.add_row(str(d.id), escape(d.title), escape(d.enterprise_name or d.credit_code), d.industry_code or "",
                  str(d.trl_min or ""), _money(d.budget_wan) if d.budget_wan is not None else "未定",
                  d.deadline.isoformat() if d.deadline else "", d.region_name or "", "是" if d.confidential else "")
    out.print(t)


@market_app.command("show")
def show_command(
    kind: str = typer.Argument(..., help="result（成果）或 demand（需求）"),
    record_id: int = typer.Argument(..., help="编号"),
    contact: bool = typer.Option(False, "--contact", help="显示完整联系人信息（须有权限；记入审计日志）"),
    by: str | None = BY,
) -> None:
    """查看一项成果或需求的全部信息。

    示例：innodrive market show result 12 --contact
    """
    from innodrive.errors import InputError
    from innodrive.market.terms import trl_label
    from innodrive.services.market import get_demand, get_result

    with _store() as store:
        actor = _actor(store, by)
        if kind in ("result", "成果"):
            r = get_result(store, actor, record_id, reveal_contact=contact)
            lines = [("成果名称", r.title), ("持有单位", f"{r.holder}（{r.holder_kind}）"),
                     ("行业", f"{r.industry_code or ''} {r.industry_name or ''}"),
                     ("学科", f"{r.discipline_code or ''} {r.discipline_name or ''}"), ("技术就绪度", trl_label(r.trl)),
                     ("专利", "、".join(r.patents)), ("转化方式", "、".join(r.transfer_modes)),
                     ("意向价格（万元）", _money(r.price_wan)), ("关键词", "、".join(r.keywords)),
                     ("所在地区", r.region_name or ""), ("成果简介", r.abstract), ("状态", _status(r)),
                     ("来源", r.source or "")]
        elif kind in ("demand", "需求"):
            r = get_demand(store, actor, record_id, reveal_contact=contact)
            lines = [("需求名称", r.title), ("企业", f"{r.enterprise_name or ''}（{r.credit_code}）"),
                     ("行业", f"{r.industry_code or ''} {r.industry_name or ''}"), ("最低技术就绪度", trl_label(r.trl_min)),
                     ("预算（万元）", _money(r.budget_wan) if r.budget_wan is not None else "未定"),
                     ("截止日期", r.deadline.isoformat() if r.deadline else ""), ("所在地区", r.region_name or ""),
                     ("保密", "是" if r.confidential else "否"), ("问题描述", r.problem), ("来源", r.source or "")]
        else:
            raise InputError(f"“{kind}”应为 result 或 demand")
    c = r.contact
    lines.append(("联系人", f"{c.name or ''}  {c.phone or ''}  {c.email or ''}" + ("（已脱敏）" if c.masked else "")))
    for k, v in lines:
        out.print(f"[bold]{k}[/bold]：{escape(str(v))}")


def _status(r) -> str:
    s = {"active": "在库", "withdrawn": "已下架"}.get(r.status, r.status)
    return s + ("（已转化）" if r.converted else "")


@market_app.command("duplicates")
def duplicates_command(by: str | None = BY) -> None:
    """列出名称和持有单位几乎相同的成果（疑似重复，由人工判断）。

    示例：innodrive market duplicates
    """
    from innodrive.services.market import find_duplicates

    with _store() as store:
        found = find_duplicates(store, _actor(store, by))
    if not found:
        out.print("未发现疑似重复的成果")
    for s in found:
        out.print(escape(s.message))


@market_app.command("reindex")
def reindex_command(by: str | None = BY) -> None:
    """重新分词（分词器版本更新后运行；匹配前会自动使用新分词，但逐条计算较慢）。"""
    from innodrive.services.market import reindex

    with _store() as store, _progress() as bar:
        n = reindex(store, _actor(store, by), progress=_stepper(bar))
    out.print(f"已重新分词 {n} 条记录")


# --------------------------------------------------------------------------- matching

def _highlighted(text: str, spans) -> object:
    from rich.text import Text

    t = Text(text)
    for s in spans:
        t.stylize("bold black on yellow", s.start, s.end)
    return t


def _explain(ex, demand_text: str, result_text: str) -> None:
    from rich.table import Table

    t = Table(show_header=True, box=None, padding=(0, 1))
    for col in ("分项", "得分", "分值", "理由"):
        t.add_column(col)
    for c in ex.components:
        t.add_row(c.name, f"{c.score:.2f}", f"{c.points:.1f}/{c.max_points:g}", escape(c.reason))
    out.print(t)
    if ex.terms:
        out.print("共同关键词：" + "、".join(f"{escape(x.term)}（{x.share:.0%}）" for x in ex.terms))
    out.print("需求：", _highlighted(demand_text, ex.demand_spans))
    out.print("成果：", _highlighted(result_text, ex.result_spans))


@market_app.command("match")
def match_command(
    demand: int | None = typer.Option(None, "--demand", "-d", help="为这项需求推荐成果"),
    result: int | None = typer.Option(None, "--result", "-r", help="为这项成果推荐企业（其需求）"),
    all_: bool = typer.Option(False, "--all", help="为全部需求各推荐前 N 项成果，写出 XLSX"),
    top: int = typer.Option(10, "--top", "-n", min=1, max=100, help="每项推荐多少"),
    explain_: bool = typer.Option(False, "--explain", "-e", help="逐项解释：各分项得分、共同关键词、原文高亮"),
    region: str | None = typer.Option(None, "--region", help="只推荐该地区（含下辖区县）的成果"),
    trl_min: int | None = typer.Option(None, "--trl-min", min=1, max=9, help="只推荐不低于该就绪度的成果"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="--all 的输出 .xlsx（默认 需求匹配结果.xlsx）"),
    by: str | None = BY,
) -> None:
    """供需匹配：文本相关度（字符 TF-IDF + jieba 词 BM25）、行业、成熟度、地区、预算，逐项说明理由。

    示例：innodrive market match --demand 3 --explain
          innodrive market match --result 12
          innodrive market match --all --out 需求匹配结果.xlsx
    """
    from innodrive.errors import InputError
    from innodrive.services import market

    if sum(x is not None and x is not False for x in (demand, result, all_ or None)) != 1:
        raise InputError("请指定 --demand、--result 或 --all 之一")
    with _store() as store:
        actor = _actor(store, by)
        if all_:
            with _progress() as bar:
                rows = market.match_all(store, actor, k=top, progress=_stepper(bar))
            path = _write_batch(rows, out_path or Path("需求匹配结果.xlsx"))
            out.print(f"已为 {len({r.demand_id for r in rows})} 项需求写出 {len(rows)} 条推荐：{escape(str(path))}")
            return
        if demand is not None:
            from innodrive.market.registry import ResultFilter
            from innodrive.regions import resolve

            f = ResultFilter(region_code=resolve(region, field="--region").code if region else None, trl_min=trl_min)
            m = market.match_demand(store, actor, demand, k=top, f=f)
            out.print(f"[bold]需求 #{m.demand.id}[/bold] {escape(m.demand.title)}（{escape(m.demand.enterprise_name or '')}）"
                      f"：在 {m.considered} 项成果中推荐 {len(m.items)} 项（方法 {m.method}）")
            for it in m.items:
                r = it.result
                out.print(f"\n[bold]{it.rank}. 成果 #{r.id} {escape(r.title)}[/bold]  总分 {it.total:.1f}"
                          f"  — {escape(r.holder)}，{r.region_name or ''}，TRL {r.trl or '未填'}，{_money(r.price_wan)} 万元")
                if explain_:
                    _explain(it.explanation, it.demand_text, it.result_text)
        else:
            m = market.match_result(store, actor, result, k=top)
            out.print(f"[bold]成果 #{m.result.id}[/bold] {escape(m.result.title)}：在 {m.considered} 项需求中推荐"
                      f" {len(m.items)} 家企业（方法 {m.method}）")
            for it in m.items:
                d = it.demand
                out.print(f"\n[bold]{it.rank}. {escape(d.enterprise_name or d.credit_code)}[/bold] 需求 #{d.id} "
                          f"{escape(d.title)}  总分 {it.total:.1f}")
                if explain_:
                    _explain(it.explanation, it.demand_text, it.result_text)
        if not m.items:
            out.print("没有文本相关的推荐。")


def _write_batch(rows, path: Path) -> Path:
    import io

    from openpyxl import Workbook

    from innodrive.market.matching import COMPONENT_NAMES, COMPONENTS
    from innodrive.safeio import atomic_write, safe_row

    wb = Workbook()
    ws = wb.active
    ws.title = "需求匹配结果"
    ws.append(["需求编号", "需求名称", "企业", "名次", "成果编号", "成果名称", "持有单位", "总分",
               *[f"{COMPONENT_NAMES[c]}（0–1）" for c in COMPONENTS]])
    for r in rows:
        ws.append(safe_row([r.demand_id, r.demand_title, r.enterprise_name or "", r.rank, r.result_id, r.result_title,
                            r.holder, r.total, *[r.scores[c] for c in COMPONENTS]]))
    buf = io.BytesIO()
    wb.save(buf)
    return atomic_write(path, buf.getvalue(), what="匹配结果")


@market_app.command("evaluate")
def evaluate_command(
    file: Path = typer.Argument(..., help="标注集 YAML（成果、需求及每项需求的相关成果等级，格式见 README）"),
) -> None:
    """在标注集上评测匹配质量：precision@5、nDCG@10，对照普通 TF-IDF 基线。

    示例：innodrive market evaluate tests/market/data/labelled.yaml
    """
    from rich.table import Table

    from innodrive.market.quality import evaluate, load_labelled
    from innodrive.safeio import read_input

    s = load_labelled(read_input(file, what="标注集").decode("utf-8", errors="replace"), name=file.name)
    for which, name in (("demands", "标注集"), ("heldout", "留出集")):
        part = s.only(which)
        if not part.demands:
            continue
        report = evaluate(part)
        t = Table(title=f"{name}：{report.demands} 项需求 × {report.results} 项成果"
                        f"（P@5 的上限 {report.ideal_precision_at_5:.3f}）")
        for col in ("方法", "precision@5", "nDCG@10"):
            t.add_column(col)
        for row in report.rows:
            t.add_row(row.name, f"{row.precision_at_5:.3f}", f"{row.ndcg_at_10:.3f}")
        out.print(t)


# --------------------------------------------------------------------------- pairing

def _pairing(p) -> None:
    out.print(f"[bold]对接 #{p.id}[/bold]（{p.stage_name}）成果 #{p.result_id} {escape(p.result_title)} → "
              f"{escape(p.enterprise_name or p.credit_code)}"
              + (f" 需求 #{p.demand_id} {escape(p.demand_title or '（保密需求）')}" if p.demand_id else "")
              + (f"；技术经纪人 {escape(p.broker)}" if p.broker else ""))
    for s in p.steps:
        out.print(f"  {s.on.isoformat()} {s.stage_name}" + (f" {escape(s.broker)}" if s.broker else "")
                  + (f"：{escape(s.note)}" if s.note else ""))
    if p.contract:
        c = p.contract
        out.print(f"  技术合同 {escape(c.registration_no)}：{c.contract_type} {c.amount_wan:g} 万元，签订 {c.signed_on}，"
                  f"登记 {c.registered_on}" + ("，认定为重大科技成果转化" if c.major else ""))


@pair_app.command("new")
def pair_new(
    result: int = typer.Argument(..., help="成果编号"),
    demand: int | None = typer.Option(None, "--demand", "-d", help="企业的需求编号"),
    enterprise: str | None = typer.Option(None, "--enterprise", "-e", help="企业统一社会信用代码（不针对具体需求时）"),
    broker: str | None = typer.Option(None, "--broker", help="技术经纪人"),
    on: str | None = typer.Option(None, "--on", help="推荐日期（默认今天）"),
    note: str | None = typer.Option(None, "--note", help="说明"),
    by: str | None = BY,
) -> None:
    """推荐对接：把一项成果推荐给企业（针对其需求或企业本身）。

    示例：innodrive market pair new 12 --demand 3 --broker 王经纪 --on 2025-03-01
    """
    from innodrive.services.market import recommend

    with _store() as store:
        p = recommend(store, _actor(store, by), result_id=result, demand_id=demand, credit_code=enterprise,
                      broker=broker, on=_date(on, "--on"), note=note)
    _pairing(p)


@pair_app.command("step")
def pair_step(
    pairing_id: int = typer.Argument(..., help="对接编号"),
    stage: str = typer.Argument(..., help="联系、洽谈、签约 或 终止"),
    on: str | None = typer.Option(None, "--on", help="日期（默认今天）"),
    broker: str | None = typer.Option(None, "--broker", help="技术经纪人"),
    note: str | None = typer.Option(None, "--note", help="说明（终止时必填原因）"),
    by: str | None = BY,
) -> None:
    """记录对接进展（只能向前；日期不早于上一步、不晚于今天）。

    示例：innodrive market pair step 5 洽谈 --on 2025-03-20 --note "双方就许可费用初步达成一致"
    """
    from innodrive.services.market import advance_pairing

    with _store() as store:
        p = advance_pairing(store, _actor(store, by), pairing_id, stage=stage, on=_date(on, "--on"), broker=broker,
                            note=note)
    _pairing(p)


@pair_app.command("show")
def pair_show(pairing_id: int = typer.Argument(...), by: str | None = BY) -> None:
    """查看一条对接记录及其全部进展。"""
    from innodrive.services.market import get_pairing

    with _store() as store:
        _pairing(get_pairing(store, _actor(store, by), pairing_id))


@pair_app.command("board")
def pair_board(
    region: str | None = typer.Option(None, "--region", help="企业所在地区（含下辖区县）"),
    broker: str | None = typer.Option(None, "--broker", help="只看该技术经纪人的对接"),
    closed: bool = typer.Option(False, "--closed", help="包括已终止的对接"),
    by: str | None = BY,
) -> None:
    """对接看板：按阶段列出对接（推荐 → 联系 → 洽谈 → 签约 → 技术合同登记）。

    示例：innodrive market pair board --region 乐山市
    """
    from rich.columns import Columns
    from rich.panel import Panel

    from innodrive.services.market import pairing_board

    with _store() as store:
        board = pairing_board(store, _actor(store, by), region=region, broker=broker, include_closed=closed)
    panels = []
    for col in board.columns:
        body = "\n".join(f"#{p.id} {escape(p.result_title[:16])} → {escape((p.enterprise_name or p.credit_code)[:12])}"
                         for p in col.items) or "（无）"
        panels.append(Panel(body, title=f"{col.name}（{len(col.items)}）", width=40))
    out.print(Columns(panels))


# --------------------------------------------------------------------------- contracts

@contracts_app.command("register")
def contracts_register(
    pairing_id: int = typer.Argument(..., help="对接编号"),
    number: str = typer.Option(..., "--no", help="技术合同登记编号"),
    contract_type: str = typer.Option(..., "--type", help="技术开发、技术转让、技术许可、技术咨询、技术服务"),
    amount: float = typer.Option(..., "--amount", help="成交额（万元）"),
    signed: str = typer.Option(..., "--signed", help="签订日期"),
    registered: str = typer.Option(..., "--registered", help="登记日期"),
    office: str | None = typer.Option(None, "--office", help="登记机构"),
    registry_region: str | None = typer.Option(None, "--registry-region", help="登记地（默认成果方所在市）"),
    major: bool = typer.Option(False, "--major", help="认定为重大科技成果转化"),
    basis: str | None = typer.Option(None, "--basis", help="重大科技成果转化的认定依据（--major 时必填）"),
    by: str | None = BY,
) -> None:
    """登记技术合同：对接完成，成交额计入技术合同成交额、登记额、登记数（按地区和年度），进而进入目标看板。

    示例：innodrive market contracts register 5 --no 2025510100000123 --type 技术转让 --amount 300 \\
          --signed 2025-04-01 --registered 2025-04-15
    """
    from innodrive.market.pairing import ContractIn
    from innodrive.services.market import register_contract

    c = ContractIn(registration_no=number, contract_type=contract_type, amount_wan=amount,
                   signed_on=_date(signed, "--signed"), registered_on=_date(registered, "--registered"),
                   registry_office=office, registry_region_code=registry_region, major=major, major_basis=basis)
    with _store() as store:
        report = register_contract(store, _actor(store, by), pairing_id, c)
    _pairing(report.pairing)
    _indicator_updates(report.indicators)


def _indicator_updates(updates) -> None:
    from rich.table import Table

    t = Table(title="指标更新（本平台登记合同的合计）")
    for col in ("指标", "地区", "年度", "数值", "变化", "统计部门数据"):
        t.add_column(col)
    for u in updates:
        t.add_row(u.indicator_name, u.region_name, str(u.year), f"{u.value:g} {u.unit}",
                  {"add": "新增", "revise": "修订", "same": "未变", "source": "补充来源"}.get(u.change, u.change),
                  f"{u.official_value:g}（看板以此为准）" if u.official_value is not None else "")
    out.print(t)


@contracts_app.command("correct")
def contracts_correct(
    pairing_id: int = typer.Argument(..., help="对接编号"),
    amount: float = typer.Option(..., "--amount", help="更正后的成交额（万元）"),
    reason: str = typer.Option(..., "--reason", help="更正原因"),
    by: str | None = BY,
) -> None:
    """更正技术合同成交额（指标随之修订，旧值保留为历史版本）。"""
    from innodrive.services.market import correct_contract_amount

    with _store() as store:
        report = correct_contract_amount(store, _actor(store, by), pairing_id, amount_wan=amount, reason=reason)
    _pairing(report.pairing)
    _indicator_updates(report.indicators)


@contracts_app.command("list")
def contracts_list(
    region: str | None = typer.Option(None, "--region", help="成果方或企业所在地区"),
    year: int | None = typer.Option(None, "--year", help="登记年度"),
    by: str | None = BY,
) -> None:
    """列出经本平台登记的技术合同及合计。

    示例：innodrive market contracts list --region 乐山市 --year 2025
    """
    from rich.table import Table

    from innodrive.services.market import list_contracts

    with _store() as store:
        lines = list_contracts(store, _actor(store, by), region=region, year=year)
    t = Table(title=f"技术合同：{len(lines)} 份，合计 {sum(x.contract.amount_wan for x in lines):g} 万元")
    for col in ("登记编号", "类型", "成交额（万元）", "登记日期", "成果", "企业", "技术经纪人", "重大"):
        t.add_column(col)
    for x in lines:
        c = x.contract
        t.add_row(escape(c.registration_no), c.contract_type, f"{c.amount_wan:g}", c.registered_on.isoformat(),
                  escape(f"#{x.result_id} {x.result_title}"), escape(x.enterprise_name or x.credit_code),
                  escape(x.broker or ""), "是" if c.major else "")
    out.print(t)
