"""``innodrive evaluate-sample …`` (第三方评估) and ``innodrive report evaluation`` (its report draft).

Thin faces over :mod:`innodrive.services.evaluation`. An evaluator account (``--by``)
draws samples and records verdicts; it can change nothing else.
"""

from __future__ import annotations

from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.duban import BY_HELP, _date, acting, write_document
from innodrive.cli.output import escape, out
from innodrive.cli.report import report_app

sample_app = typer.Typer(help="第三方评估：分层随机抽取进展报送（种子可复现）、逐份核查结论、分单位不符率及置信区间。",
                         no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(sample_app, name="evaluate-sample")


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _show_rates(s) -> None:
    r = s.rates
    out.print(f"不符率（{escape(s.method_name)}，置信水平 {s.level:.0%}）：")
    for u in [*r.by_unit, r.overall]:
        ci = "—" if u.lower is None else f"{_pct(u.lower)}–{_pct(u.upper)}"
        out.print(f"  {escape(u.group)}：已核查 {u.judged}/{u.sampled}，核实 {u.verified}，不符 {u.discrepant}，"
                  f"存疑 {u.doubtful}；不符率 {_pct(u.rate)}（{ci}）；含存疑 {_pct(u.rate_with_doubtful)}")
    out.print(f"  按层加权的全部报送不符率估计：{_pct(r.weighted_rate)}；待核查 {r.pending} 份")


@sample_app.command("draw")
def draw_command(
    name: str = typer.Option(..., "--name", help="样本名称"),
    size: int | None = typer.Option(None, "--size", help="样本总量"),
    by_: str = typer.Option("unit", "--by-strata", help="分层变量，逗号分隔：unit、status、plan、review_state、region"),
    allocation: str = typer.Option("proportional", "--allocation",
                                   help="proportional（按层规模比例）、equal（各层等量）、fixed（每层固定数量）"),
    per_stratum: int | None = typer.Option(None, "--per-stratum", help="每层数量（allocation=fixed）"),
    min_per_stratum: int = typer.Option(1, "--min-per-stratum", help="每层至少抽取的份数"),
    seed: str | None = typer.Option(None, "--seed", help="随机种子（不填则自动生成并记录）"),
    start: str | None = typer.Option(None, "--from", help="报送截至日期不早于"),
    end: str | None = typer.Option(None, "--to", help="报送截至日期不晚于"),
    states: str = typer.Option("approved", "--states", help="纳入的审核状态：approved、submitted、returned"),
    method: str = typer.Option("wilson", "--method", help="置信区间：wilson 或 clopper-pearson"),
    level: float = typer.Option(0.95, "--level", help="置信水平"),
    region: str | None = typer.Option(None, "--region", help="地区（默认操作人所辖地区）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """抽取第三方评估样本：按声明的分层和分配方式，从范围内的进展报送中随机抽取（记录种子、抽样框及其 SHA-256）。

    示例：innodrive evaluate-sample draw --name "2025年上半年核查" --size 30 --by-strata unit --by ls-eval
          innodrive evaluate-sample draw --name 复核 --allocation fixed --per-stratum 3 --seed 20250701
    """
    from innodrive.services import evaluation

    with acting(by) as (store, actor):
        s = evaluation.draw_sample(
            store, actor, name=name, size=size, by=[x.strip() for x in by_.split(",") if x.strip()],
            allocation=allocation, per_stratum=per_stratum, min_per_stratum=min_per_stratum, seed=seed, region=region,
            period_from=_date(start, "from") if start else None, period_to=_date(end, "to") if end else None,
            review_states=[x.strip() for x in states.split(",") if x.strip()], method=method, level=level)
    out.print(f"样本 #{s.id}《{escape(s.name)}》：{escape(s.design_text)}")
    out.print(f"  抽样框 {s.frame_size} 份（SHA-256 {s.frame_sha256}），抽取 {len(s.items)} 份；种子 {s.seed}")
    for st in s.strata:
        out.print(f"  层 {escape(st.stratum)}：{st.sample}/{st.population}")


@sample_app.command("list")
def list_command(by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """列出评估样本。"""
    from innodrive.services import evaluation

    with acting(by) as (store, actor):
        found = evaluation.list_samples(store, actor)
    if not found:
        out.print("尚无评估样本")
    for s in found:
        o = s.rates.overall
        out.print(f"#{s.id}《{escape(s.name)}》种子 {s.seed}：抽取 {o.sampled} 份，已核查 {o.judged}，不符率 {_pct(o.rate)}")


@sample_app.command("show")
def show_command(sample: int = typer.Argument(..., help="样本编号"),
                 by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """查看样本：每份报送、佐证材料、核查结论，以及不符率。"""
    from innodrive.services import evaluation

    with acting(by) as (store, actor):
        s = evaluation.get_sample(store, actor, sample)
    out.print(f"样本 #{s.id}《{escape(s.name)}》：{escape(s.design_text)}；种子 {s.seed}")
    for i in s.items:
        verdict = f"{i.verdict.verdict_name}（{escape(i.verdict.note)}）" if i.verdict else "待核查"
        files = "、".join(escape(e.file_name) for e in i.evidence) or "无材料"
        out.print(f"  事项 {i.item_id}｜{i.ordinal}. {escape(i.unit)}｜{escape(i.task_title)}｜截至 {i.as_of}｜"
                  f"{escape(i.status_name)}｜{files}｜{verdict}")
    _show_rates(s)


@sample_app.command("verdict")
def verdict_command(item: int = typer.Argument(..., help="抽样事项编号"),
                    verdict: str = typer.Argument(..., help="核实、不符 或 存疑"),
                    note: str = typer.Option("", "--note", help="核查发现（不符、存疑时必填）"),
                    by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """记录一份抽样报送的核查结论（可修改，历次结论都保留）。

    示例：innodrive evaluate-sample verdict 17 不符 --note "认定文件日期晚于报送截至日期" --by ls-eval
    """
    from innodrive.services import evaluation

    with acting(by) as (store, actor):
        s = evaluation.record_verdict(store, actor, item, verdict=verdict, note=note)
    out.print(f"已记录（样本 #{s.id}，待核查 {s.rates.pending} 份）")


@sample_app.command("rates")
def rates_command(sample: int = typer.Argument(..., help="样本编号"),
                  by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """分单位不符率及置信区间。"""
    from innodrive.services import evaluation

    with acting(by) as (store, actor):
        _show_rates(evaluation.get_sample(store, actor, sample))


@sample_app.command("check")
def check_command(sample: int = typer.Argument(..., help="样本编号"),
                  by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """用记录的抽样框、设计和种子重新抽取，核对与原样本是否完全一致。"""
    from innodrive.errors import Conflict
    from innodrive.services import evaluation

    with acting(by) as (store, actor):
        c = evaluation.reproduce(store, actor, sample)
    out.print(f"抽样框校验：{'一致' if c.frame_intact else '不一致'}；重新抽取：{'与原样本完全相同' if c.same_items else '不同'}"
              f"（{len(c.redrawn)} 份）")
    if c.current_frame_changed is not None:
        out.print("当前范围内的报送" + ("已有变化（新报送或审核），不影响已记录的样本" if c.current_frame_changed
                                      else "与抽样时相同"))
    if not (c.frame_intact and c.same_items):
        raise Conflict(f"样本 #{sample} 无法按记录复现", field="sample")


@report_app.command("evaluation")
def evaluation_report_command(
    sample: int = typer.Argument(..., help="样本编号"),
    fmt: str = typer.Option("docx", "--format", "-f", help="docx 或 pdf"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="输出文件或目录（默认当前目录）"),
    evaluator: str | None = typer.Option(None, "--evaluator", help="评估机构名称（落款；默认操作人姓名）"),
    issued_on: str | None = typer.Option(None, "--date", help="报告日期（默认抽样日期）"),
    template: Path | None = typer.Option(None, "--template", help="使用指定的模板文件（YAML）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """第三方评估报告初稿（Word 或 PDF，另附 XLSX 抽样明细）。

    示例：innodrive report evaluation 1 --format pdf --evaluator "某某咨询有限公司" --by ls-eval
    """
    from innodrive.regions import all_regions
    from innodrive.reports.evaluation import build
    from innodrive.services import evaluation

    with acting(by) as (store, actor):
        s = evaluation.get_sample(store, actor, sample)
    region = all_regions().get(s.region_code) if s.region_code else None
    files = build(s, city=region.name if region else "", evaluator=evaluator or actor.name or actor.username,
                  issued_on=_date(issued_on, "date") if issued_on else None,
                  template_path=str(template) if template else None)
    for p in write_document(files, fmt, out_path):
        out.print(f"已写出：{escape(str(p))}")
