"""``innodrive kaohe …``: the annual 考核 of 县(市、区) and 市级部门, as thin commands.

Each command opens the store, takes its actor from ``--by`` (:func:`innodrive.services.identity.cli_actor`),
calls one function of :mod:`innodrive.services.kaohe` and prints the view with Rich.
A cycle is named by its number (``innodrive kaohe cycles``) or by ``--year``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out, print_table, warn
from innodrive.errors import InputError

kaohe_app = typer.Typer(help="年度考核：分类考核框架及年度调整、考核方案、考核数据、加扣分事项、计分与解释、申诉、定档、资金分配测算。",
                        no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(kaohe_app, name="kaohe")
framework_app = typer.Typer(help="考核框架：每类单位一个框架，按年度管理版本。", no_args_is_help=True,
                            rich_markup_mode="rich")
kaohe_app.add_typer(framework_app, name="framework")
appeal_app = typer.Typer(help="申诉：被考核单位对初步结果提出申诉，创新办处理。", no_args_is_help=True,
                         rich_markup_mode="rich")
kaohe_app.add_typer(appeal_app, name="appeal")

BY_HELP = "操作人（默认 INNODRIVE_USER 或系统登录名；已注册账号按其角色和辖区执行）"
CYCLE_HELP = "年度考核编号（innodrive kaohe cycles 可查）；或用 --year 指定年度"


def _open(by: str | None):
    from innodrive.services.identity import cli_actor
    from innodrive.store import open_store

    store = open_store()
    return store, cli_actor(store, by)


def _cycle_id(store, actor, cycle: int | None, year: int | None, region: str | None = None) -> int:
    from innodrive.services import kaohe as svc

    if cycle is not None:
        return cycle
    if year is None:
        raise InputError("请给出年度考核编号，或用 --year 指定年度", field="cycle")
    return svc.find_cycle(store, actor, year=year, region=region).id


def _date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    from innodrive.dates import parse_date

    return parse_date(text, field=what, what=what)


def _num(v: float | None, decimals: int = 2) -> str:
    return "—" if v is None else f"{v:.{decimals}f}"


def _print_framework(f) -> None:
    from rich.table import Table

    t = Table(title=escape(f"{f.name}（{f.unit_type}，{f.year} 年度第 {f.revision} 版，满分 {f.full_marks:g} 分）"))
    for col in ("指标", "数据来源", "计分规则"):
        t.add_column(col, overflow="fold")
    for ind in f.indicators:
        t.add_row(escape(ind.name), escape(ind.source_name), escape(ind.rule or "不计分"))
    for it in f.items:
        kind = {"bonus": "加分项", "deduction": "扣分项", "veto": "否决项"}[it.kind]
        rule = f"每项 {it.points_each:g} 分，最多 {it.max:g} 分" if it.points_each is not None else f"条件 {it.when}"
        t.add_row(escape(it.name), kind + ("（任务台账）" if it.source != "items" else ""), escape(rule))
    print_table(t)
    if f.bonus_cap is not None:
        out.print(f"加分合计上限 {f.bonus_cap:g} 分；计入{'牵头' if f.task_role == 'lead' else '牵头和配合'}任务；"
                  f"没有到期任务时按{'满分' if f.no_tasks == 'full' else '未知'}计")


# -- frameworks --------------------------------------------------------------------


@framework_app.command("add")
def framework_add(
    files: list[Path] = typer.Argument(..., help="考核框架 YAML 文件（可多个）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """添加考核框架（每类单位、每个年度一个框架；内容变化则新增一版，原文件内容完整保存）。

    示例：innodrive kaohe framework add 框架-县域-2024.yaml 框架-部门-2024.yaml
    """
    from innodrive.safeio import read_input
    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        for path in files:
            r = svc.add_framework(store, actor, read_input(path, what="考核框架"), file_name=path.name)
            f = r.framework
            state = "已添加" if r.created else "未变化（与已保存的最新一版相同）"
            out.print(f"{escape(path.name)}：{escape(f.unit_type)} {f.year} 年度第 {f.revision} 版{state}，"
                      f"{len(f.indicators)} 个指标，满分 {f.full_marks:g} 分")
    finally:
        store.close()


@framework_app.command("list")
def framework_list(
    region: str | None = typer.Option(None, "--region", help="地区（默认操作人辖区）"),
    unit_type: str | None = typer.Option(None, "--type", help="只看这一类单位"),
    year: int | None = typer.Option(None, "--year", help="只看这一年度"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """列出考核框架的各个版本。

    示例：innodrive kaohe framework list --type 县域
    """
    from rich.table import Table

    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        rows = svc.list_frameworks(store, actor, region=region, unit_type=unit_type, year=year)
    finally:
        store.close()
    t = Table(title="考核框架")
    for col in ("单位类型", "年度", "版本", "名称", "指标数", "满分", "文件", "添加人", "添加时间"):
        t.add_column(col, overflow="fold")
    for f in rows:
        t.add_row(escape(f.unit_type), str(f.year), str(f.revision), escape(f.name), str(len(f.indicators)),
                  f"{f.full_marks:g}", escape(f.file_name), escape(f.added_by), f.added_at.strftime("%Y-%m-%d %H:%M"))
    print_table(t)


@framework_app.command("show")
def framework_show(
    unit_type: str = typer.Argument(..., help="单位类型，如 县域"),
    year: int = typer.Option(..., "--year", help="年度"),
    revision: int | None = typer.Option(None, "--revision", help="第几版（默认最新）"),
    region: str | None = typer.Option(None, "--region", help="地区（默认操作人辖区）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """查看一个考核框架：指标、数据来源、计分规则、加扣分事项。

    示例：innodrive kaohe framework show 县域 --year 2024 --region 乐山市
    """
    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        rows = [f for f in svc.list_frameworks(store, actor, region=region, unit_type=unit_type, year=year)
                if revision is None or f.revision == revision]
    finally:
        store.close()
    if not rows:
        raise InputError(f"没有{unit_type} {year} 年度的考核框架", field="year")
    _print_framework(rows[-1])


@framework_app.command("diff")
def framework_diff(
    unit_type: str = typer.Argument(..., help="单位类型，如 县域"),
    old: int = typer.Option(..., "--from", help="原年度"),
    new: int = typer.Option(..., "--to", help="新年度"),
    region: str | None = typer.Option(None, "--region", help="地区（默认操作人辖区）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """比较同一类单位两个年度的考核框架（动态调整）：新增、删除、调整了什么。

    示例：innodrive kaohe framework diff 县域 --from 2023 --to 2024 --region 乐山市
    """
    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        d = svc.diff_frameworks(store, actor, unit_type=unit_type, old_year=old, new_year=new, region=region)
    finally:
        store.close()
    out.print(f"{escape(unit_type)}考核框架：{old} 年度第 {d.old.revision} 版 → {new} 年度第 {d.new.revision} 版，"
              f"共 {len(d.lines)} 处变化")
    for line in d.lines:
        out.print(f"  [{'green' if line.change == '新增' else 'red' if line.change == '删除' else 'yellow'}]"
                  f"{line.change}[/] {escape(line.text)}")


# -- cycles ------------------------------------------------------------------------


@kaohe_app.command("setup")
def setup_command(
    scheme: Path = typer.Argument(..., help="考核方案 YAML 文件（考核对象、分组、等次规则、资金、申诉期）"),
    replace: bool = typer.Option(False, "--replace", help="替换同一地区同一年度已有的方案（定档前）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """设立年度考核（读入考核方案）。

    示例：innodrive kaohe setup 考核方案-2024.yaml
    """
    from innodrive.safeio import read_input
    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        c = svc.create_cycle(store, actor, read_input(scheme, what="考核方案"), file_name=scheme.name, replace=replace)
    finally:
        store.close()
    out.print(f"年度考核 #{c.id}“{escape(c.name)}”：{len(c.units)} 个考核对象，{len(c.groups)} 个考核组")
    for t, f in c.frameworks.items():
        if f is None:
            warn(f"{t}还没有 {c.year} 年度的考核框架（innodrive kaohe framework add）")
    if c.data_note:
        warn(c.data_note)


@kaohe_app.command("cycles")
def cycles_command(by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """列出年度考核及其状态。

    示例：innodrive kaohe cycles
    """
    from rich.table import Table

    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        rows = svc.list_cycles(store, actor)
    finally:
        store.close()
    t = Table(title="年度考核")
    for col in ("编号", "年度", "名称", "状态", "考核对象", "计分次数", "待处理申诉", "申诉期"):
        t.add_column(col, overflow="fold")
    for c in rows:
        window = f"{c.appeal_opens}—{c.appeal_closes}" if c.appeal_opens else "未设"
        t.add_row(str(c.id), str(c.year), escape(c.name), c.stage_name, str(len(c.units)), str(len(c.runs)),
                  str(c.appeals_pending), window)
    print_table(t)


@kaohe_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="考核数据表（单位、指标、类别[实际/目标]、数值、计量单位、来源、备注）"),
    cycle: int | None = typer.Argument(None, help=CYCLE_HELP),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查并显示会导入什么，不保存"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """导入考核数据（部门自评数据、各单位目标值）；逐行检查，有任何问题则不导入。

    示例：innodrive kaohe import 考核数据-2024.csv --year 2024 --dry-run
    """
    from innodrive.safeio import read_input
    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        cid = _cycle_id(store, actor, cycle, year)
        v = svc.import_values(store, actor, cid, read_input(file, what="考核数据表"), file_name=file.name,
                              dry_run=dry_run)
    finally:
        store.close()
    out.print(f"{'（预览，未保存）' if dry_run else ''}{escape(v.file)}：{v.rows} 行，新增 {v.added}，更新 {v.replaced}，"
              f"未变 {v.unchanged}")


@kaohe_app.command("items")
def items_command(
    file: Path | None = typer.Argument(None, help="加扣分事项表（单位、事项、事由、证据、日期、来源）；不给则列出已有事项"),
    cycle: int | None = typer.Option(None, "--cycle", help=CYCLE_HELP),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查，不保存"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """导入或列出加分、扣分和一票否决事项（每项都要写明依据）。

    示例：innodrive kaohe items 加扣分事项-2024.csv --year 2024
          innodrive kaohe items --year 2024
    """
    from rich.table import Table

    from innodrive.safeio import read_input
    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        cid = _cycle_id(store, actor, cycle, year)
        if file is not None:
            v = svc.import_items(store, actor, cid, read_input(file, what="加扣分事项表"), file_name=file.name,
                                 dry_run=dry_run)
            out.print(f"{'（预览，未保存）' if dry_run else ''}{escape(v.file)}：{v.rows} 行，新增 {v.added}，"
                      f"已有 {v.unchanged}")
            return
        rows = svc.list_items(store, actor, cid)
    finally:
        store.close()
    t = Table(title="加扣分事项")
    for col in ("编号", "单位", "类别", "事项", "事由", "依据", "状态"):
        t.add_column(col, overflow="fold")
    for i in rows:
        t.add_row(str(i.id), escape(i.unit), {"bonus": "加分", "deduction": "扣分", "veto": "否决"}[i.kind],
                  escape(i.name), escape(i.title), escape(i.evidence), escape(i.withdrawn or "有效"))
    print_table(t)


@kaohe_app.command("score")
def score_command(
    cycle: int | None = typer.Argument(None, help=CYCLE_HELP),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    note: str | None = typer.Option(None, "--note", help="本次计分的说明"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """按当前数据计算得分（第一次计分即公布初步结果，进入申诉期）。

    示例：innodrive kaohe score --year 2024
    """
    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        cid = _cycle_id(store, actor, cycle, year)
        run = svc.score(store, actor, cid, note=note)
        view = svc.results(store, actor, cid, run=run.number)
    finally:
        store.close()
    out.print(f"第 {run.number} 次计分（{run.stage_name}）完成，结果校验码 {run.sha256[:16]}…")
    _print_results(view)


def _print_results(view) -> None:
    from rich.table import Table

    r = view.result
    for g in r.groups:
        t = Table(title=escape(f"{g.name}（{r.year} 年度，第 {view.run.number} 次计分：{view.run.stage_name}）"))
        for col in ("排名", "单位", "类型", "总分", "基础分", "加分", "扣分", "等次", "说明"):
            t.add_column(col, justify="right" if col in ("排名", "总分", "基础分", "加分", "扣分") else "left",
                         overflow="fold")
        for name in g.units:
            u = r.unit(name)
            notes = []
            if u.vetoed:
                notes.append("一票否决：" + "、".join(u.veto_reasons))
            if u.unknown:
                notes.append("数据缺失：" + "、".join(u.unknown))
            if u.corrections:
                notes.append("经申诉更正：" + "、".join(f"#{c}" for c in u.corrections))
            t.add_row(str(u.rank), escape(u.unit), escape(u.unit_type), _num(u.total), _num(u.base),
                      _num(u.over_bonus + u.item_bonus), _num(u.deduction), escape(u.grade), escape("；".join(notes)))
        print_table(t)
        out.print(f"[dim]{escape(g.grade_rule)}[/dim]")
    if r.data_note:
        warn(r.data_note)


@kaohe_app.command("results")
def results_command(
    cycle: int | None = typer.Argument(None, help=CYCLE_HELP),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    run: int | None = typer.Option(None, "--run", help="第几次计分（默认最新）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON（含每项得分的计算过程和来源）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """查看考核结果：排名、得分、等次（被考核单位只能看到本单位）。

    示例：innodrive kaohe results --year 2024
    """
    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        view = svc.results(store, actor, _cycle_id(store, actor, cycle, year), run=run)
    finally:
        store.close()
    if as_json:
        out.print_json(json.dumps(view.model_dump(mode="json"), ensure_ascii=False))
        return
    _print_results(view)


@kaohe_app.command("explain")
def explain_command(
    unit: str = typer.Argument(..., help="单位名称，如 金口河区、市科技局"),
    cycle: int | None = typer.Option(None, "--cycle", help=CYCLE_HELP),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    run: int | None = typer.Option(None, "--run", help="第几次计分（默认最新）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """逐项解释一个单位的得分：每一分来自哪个数据、哪条规则。

    示例：innodrive kaohe explain 金口河区 --year 2024
    """
    from rich.table import Table

    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        u = svc.explain(store, actor, _cycle_id(store, actor, cycle, year), unit, run=run)
    finally:
        store.close()
    out.print(f"[bold]{escape(u.unit)}[/bold]（{escape(u.unit_type)}）：总分 {u.total:.2f}，第 {u.rank} 名，"
              f"{escape(u.grade)}（{escape(u.grade_reason)}）")
    t = Table(title="计分明细")
    for col in ("指标", "分值", "得分", "加分", "计算过程", "数据来源"):
        t.add_column(col, overflow="fold")
    for r in u.rules:
        src = r.actual.source.text + (f"；目标：{r.target.source.text}" if r.target else "")
        t.add_row(escape(r.name), f"{r.points:g}", _num(r.base), _num(r.bonus) if r.bonus else "",
                  escape(r.formula), escape(src))
    print_table(t)
    if u.items:
        it = Table(title="加分、扣分和否决事项")
        for col in ("类别", "事项", "事由", "分值", "依据", "说明"):
            it.add_column(col, overflow="fold")
        for i in u.items:
            it.add_row({"bonus": "加分", "deduction": "扣分", "veto": "否决"}[i.kind], escape(i.name), escape(i.title),
                       f"{i.points:+.2f}", escape(i.evidence), escape(i.note or ""))
        print_table(it)
    out.print(f"总分 = 基础分 {u.base:.2f} + 超目标加分 {u.over_bonus:.2f} + 事项加分 {u.item_bonus:.2f} − 扣分 "
              f"{u.deduction:.2f}" + ("；一票否决，总分计为 0" if u.vetoed else "") + f" = {u.total:.2f}")


@kaohe_app.command("finalise")
def finalise_command(
    cycle: int | None = typer.Argument(None, help=CYCLE_HELP),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    today: str | None = typer.Option(None, "--today", help="今天的日期（默认系统日期；申诉期结束后才能定档）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """定档：申诉全部处理完、申诉期结束后，形成最终结果。

    示例：innodrive kaohe finalise --year 2024
    """
    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        run = svc.finalise(store, actor, _cycle_id(store, actor, cycle, year), today=_date(today, "--today"))
    finally:
        store.close()
    out.print(f"已定档：第 {run.number} 次计分为最终结果（校验码 {run.sha256[:16]}…）")


@kaohe_app.command("allocate")
def allocate_command(
    cycle: int | None = typer.Argument(None, help=CYCLE_HELP),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    group: str | None = typer.Option(None, "--group", help="只算这个考核组"),
    pool: float | None = typer.Option(None, "--pool", help="模拟：资金总额"),
    floor: float | None = typer.Option(None, "--floor", help="模拟：分配基准线（分）"),
    method: str | None = typer.Option(None, "--method", help="模拟：above_floor、proportional 或 grade_coefficients"),
    run: int | None = typer.Option(None, "--run", help="第几次计分（默认最新）"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="写出测算表 .xlsx"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """按考核结果和方案中的分配规则测算资金分配（可改总额、基准线、方法做模拟），可导出 XLSX。

    示例：innodrive kaohe allocate --year 2024 --out 资金分配测算.xlsx
          innodrive kaohe allocate --year 2024 --group 县（市、区） --pool 1200 --floor 70
    """
    from rich.table import Table

    from innodrive.services import kaohe as svc

    overrides = {k: v for k, v in (("pool", pool), ("floor", floor), ("method", method)) if v is not None}
    store, actor = _open(by)
    try:
        cid = _cycle_id(store, actor, cycle, year)
        views = svc.allocate(store, actor, cid, run=run, group=group, overrides=overrides or None)
        cyc = svc.get_cycle(store, actor, cid)
    finally:
        store.close()
    for a in views:
        t = Table(title=escape(f"{a.group}：{a.name}（{'模拟' if a.simulated else '按方案'}）"))
        for col in ("排名", "单位", "得分", "等次", "权重", f"金额（{a.unit}）", "计算过程"):
            t.add_column(col, overflow="fold")
        for line in a.lines:
            t.add_row(str(line.rank), escape(line.unit), _num(line.total), escape(line.grade), _num(line.weight),
                      f"{line.amount:.{a.decimals}f}", escape(line.reason))
        print_table(t)
        out.print(f"{escape(a.rule)}；合计 {a.allocated:.{a.decimals}f} {escape(a.unit)}")
    if not views:
        warn("考核方案没有设置资金分配规则（可用 --pool、--floor、--method 做模拟）")
    if out_path is not None:
        from innodrive.reports import write
        from innodrive.reports.kaohe import allocation_workbook
        from innodrive.reports.xlsx import render_xlsx

        on = max((r.created_at.date() for r in cyc.runs), default=dt.date(cyc.year + 1, 1, 1))
        write(render_xlsx(allocation_workbook(cyc, views, on=on)), out_path)
        err.print(f"已写出：{escape(str(out_path))}")


@kaohe_app.command("example")
def example_command(by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """载入内置的乐山市年度考核示例（构造数据：任务清单、进展报送、统计数据、框架、方案、考核数据、加扣分事项）。

    只用于演示和试用：请在单独的数据库中运行（如 INNODRIVE_HOME=示例目录）。
    示例：INNODRIVE_HOME=out/kaohe innodrive init --no-data && INNODRIVE_HOME=out/kaohe innodrive kaohe example
    """
    from innodrive.kaohe.example import load_example

    store, actor = _open(by)
    try:
        loaded = load_example(store, actor)
    finally:
        store.close()
    out.print(f"已载入示例：年度考核 #{loaded.cycle_id}，任务 {loaded.tasks} 项、进展报送 {loaded.reports} 份、统计数据 "
              f"{loaded.observations} 条、考核框架 {loaded.frameworks} 个、考核数据 {loaded.values} 条、加扣分事项 "
              f"{loaded.items} 项")
    warn("以上均为构造数据，不是乐山市的正式考核数据或结果")


# -- appeals -----------------------------------------------------------------------


@appeal_app.command("file")
def appeal_file(
    unit: str = typer.Argument(..., help="提出申诉的单位"),
    subject: str = typer.Option(..., "--subject", help="申诉对象：indicator:指标代码、item:事项编号、task:任务编号 或 other"),
    claim: str = typer.Option(..., "--claim", help="申诉理由"),
    value: float | None = typer.Option(None, "--value", help="请求更正为的数值（指标申诉）"),
    target: bool = typer.Option(False, "--target", help="更正的是目标值而不是实际值"),
    completed_on: str | None = typer.Option(None, "--completed-on", help="请求认定的任务完成日期（任务申诉）"),
    evidence: list[Path] = typer.Option([], "--evidence", "-e", help="证明材料文件（可重复）"),
    cycle: int | None = typer.Option(None, "--cycle", help=CYCLE_HELP),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    today: str | None = typer.Option(None, "--today", help="申诉日期（默认今天）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """对初步结果中的一项提出申诉（申诉期内，附证明材料）。

    示例：innodrive kaohe appeal file 金口河区 --year 2024 --subject indicator:fiscal_sti_expenditure_share
          --value 1.0 --claim "统计数据漏报" --evidence 财政决算表.pdf
    """
    from innodrive.blobs import Upload
    from innodrive.services import kaohe as svc

    files = [Upload.from_path(p, what="证明材料") for p in evidence]
    requested = {"value": value, "kind": "target" if target else None, "completed_on": completed_on}
    store, actor = _open(by)
    try:
        a = svc.file_appeal(store, actor, _cycle_id(store, actor, cycle, year), unit=unit, subject=subject, claim=claim,
                            requested={k: v for k, v in requested.items() if v is not None}, files=files,
                            today=_date(today, "--today"))
    finally:
        store.close()
    out.print(f"申诉 #{a.id} 已提交：{escape(a.unit)}就“{escape(a.subject_label)}”提出申诉，待创新办处理")


@appeal_app.command("list")
def appeal_list(
    cycle: int | None = typer.Argument(None, help=CYCLE_HELP),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    state: str | None = typer.Option(None, "--state", help="pending（待处理）、accepted（已采纳）或 rejected（未采纳）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """列出申诉及处理结果（被考核单位只能看到本单位的申诉）。

    示例：innodrive kaohe appeal list --year 2024 --state pending
    """
    from rich.table import Table

    from innodrive.services import kaohe as svc

    store, actor = _open(by)
    try:
        rows = svc.list_appeals(store, actor, _cycle_id(store, actor, cycle, year), state=state)
    finally:
        store.close()
    t = Table(title="申诉")
    for col in ("编号", "单位", "申诉事项", "理由", "材料", "状态", "处理意见", "得分变化"):
        t.add_column(col, overflow="fold")
    for a in rows:
        change = ""
        if a.effect:
            change = f"{a.effect['before']['total']:.2f} → {a.effect['after']['total']:.2f}"
        t.add_row(str(a.id), escape(a.unit), escape(a.subject_label), escape(a.claim),
                  escape("、".join(f.file_name for f in a.files)), a.state_name, escape(a.decision or ""), change)
    print_table(t)


@appeal_app.command("decide")
def appeal_decide(
    appeal: int = typer.Argument(..., help="申诉编号"),
    accept: bool = typer.Option(False, "--accept", help="采纳"),
    reject: bool = typer.Option(False, "--reject", help="不采纳"),
    reason: str = typer.Option(..., "--reason", help="处理意见"),
    value: float | None = typer.Option(None, "--value", help="采纳时更正为的数值（默认按申诉请求）"),
    completed_on: str | None = typer.Option(None, "--completed-on", help="采纳任务申诉时认定的完成日期"),
    exclude: bool = typer.Option(False, "--exclude", help="采纳任务申诉时，该任务不计入考核"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """处理申诉：采纳则更正数据并重新计分（记入审计日志），不采纳须写明理由。

    示例：innodrive kaohe appeal decide 1 --accept --reason "经核对财政决算报表，数据属实"
    """
    from innodrive.services import kaohe as svc

    if accept == reject:
        raise InputError("请选择 --accept（采纳）或 --reject（不采纳）之一", field="accept")
    fix = {k: v for k, v in (("value", value), ("completed_on", completed_on), ("exclude", exclude or None))
           if v is not None}
    store, actor = _open(by)
    try:
        a = svc.decide_appeal(store, actor, appeal, accept=accept, reason=reason, correction=fix or None)
    finally:
        store.close()
    out.print(f"申诉 #{a.id}：{a.state_name}")
    if a.effect:
        b, f = a.effect["before"], a.effect["after"]
        out.print(f"{escape(a.unit)}：总分 {b['total']:.2f} → {f['total']:.2f}，排名 {b['rank']} → {f['rank']}，"
                  f"等次 {escape(b['grade'])} → {escape(f['grade'])}（第 {a.effect['run']} 次计分）")
