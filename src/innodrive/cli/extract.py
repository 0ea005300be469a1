"""``innodrive extract`` and ``innodrive evaluate``: read documents into plans, score them."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, error, escape, out, warn

KIND_NAMES = {"number": "数值", "multiple": "倍数", "growth": "增速", "relative": "相对水平",
              "trend": "趋势", "milestone": "里程碑"}
COMPARATOR_NAMES = {"=": "达到", ">=": "≥（以上）", ">": "＞（超过）", "<=": "≤（以内）", "<": "＜", "~": "≈（左右）"}


@app.command("extract")
def extract_command(
    files: list[Path] = typer.Argument(..., help="政策文件：.txt（任意常见编码）、.docx、PDF、HTML", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="输出抽取结果 JSON（字段见 README“读取政策文件、抽取计划”一节；多个文件时为 JSON 数组）"),
    out_dir: Path | None = typer.Option(None, "--out", help="将每个文件的结果写入 DIR/<文件名>.json"),
    verbose: bool = typer.Option(False, "-v", "--verbose",
                                 help="逐条说明每个分句为何被抽取为目标或被跳过（所在章节、回顾内容、触发词等）"),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, show_default=False,
                                    help="同时抽取的进程数（默认为本机可用的 CPU 核数；1 = 逐个文件在一个进程中抽取）。"
                                         "文件较少或较小时总在一个进程中抽取"),
) -> None:
    """抽取政策文件中的计划：目标（含数值、期限、基期）、提纲、重点工程及文件信息。

    示例：innodrive extract examples/documents/*.txt
          innodrive extract 决定.docx --json
          innodrive extract 文件夹/*.txt --out out/ --jobs 4
          innodrive extract 政府工作报告.txt -v
    """
    from innodrive.errors import InnodriveError
    from innodrive.extraction.batch import extract_files
    from innodrive.launch import NO_TARGETS, write_json
    from innodrive.safeio import atomic_write

    plans = []
    failures = 0
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from innodrive.errors import InputError

            raise InputError(f"无法创建输出目录（{exc.strerror or exc}）", file=str(out_dir)) from exc

    def handle(path: Path, result):
        nonlocal failures
        plan, message, data = result
        if message is None and out_dir is not None:
            try:  # one result file, written whole or not at all (never through a symlink)
                atomic_write(out_dir / f"{path.name}.json", data, what="抽取结果")
            except InnodriveError as exc:
                message = str(exc)
        if message is not None:
            failures += 1
            error(message)
            return None
        return plan

    # the workers start here, before the progress bar's thread (see innodrive.extraction.batch)
    with extract_files(files, explain=verbose, jobs=jobs, contract_json=out_dir is not None) as batch:
        if out_dir is not None and len(files) > 1:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(TextColumn("抽取中"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          TextColumn("{task.description}"), console=err, transient=False) as progress:
                task = progress.add_task("", total=len(files))

                def finished(count: int, _name: str) -> None:  # files finish out of order on workers
                    progress.update(task, completed=count)

                for i, result in batch.results(finished):
                    progress.update(task, description=escape(files[i].name))
                    plans.append((files[i], handle(files[i], result)))
        else:
            plans = [(files[i], handle(files[i], result)) for i, result in batch.results()]

    good = [(p, plan) for p, plan in plans if plan is not None]
    if as_json:
        payload = [plan.to_contract() for _, plan in good]
        write_json(payload[0] if len(files) == 1 and payload else payload)
    elif out_dir is not None:
        _print_summary(good, out_dir)
    else:
        for _, plan in good:
            _print_plan(plan)
    if verbose and not as_json:
        for _, plan in good:
            _print_decisions(plan)
    for _, plan in good:
        for w in plan.warnings:
            if w == NO_TARGETS or not as_json:
                warn(escape(f"{plan.source.file}：{w}"))
    if failures:
        raise typer.Exit(2)


def _print_decisions(plan) -> None:
    """Why each clause was taken or dropped (``-v``)."""
    out.print(f"[bold]{escape(plan.source.file)}：逐条说明[/bold]")
    for (a, b), text, reason in plan.decisions:
        clause = text if len(text) <= 60 else text[:57] + "…"
        style = "green" if reason.startswith("抽取") else "dim"
        out.print(f"  [{style}]{escape(reason)}[/{style}]  [{a}-{b}] {escape(clause)}")
    out.print()


def _print_summary(good, out_dir: Path) -> None:
    from rich.table import Table

    table = Table(title=f"已写入 {escape(str(out_dir))}")
    for col in ("文件", "标题", "目标数", "其中量化", "提纲条目", "重点工程"):
        table.add_column(col)
    for path, plan in good:
        quant = sum(1 for t in plan.targets if t.kind in ("number", "multiple", "growth"))
        table.add_row(escape(path.name), escape(plan.document.title or "（未识别）"), str(len(plan.targets)),
                      str(quant), str(len(plan.outline)), str(len(plan.programmes)))
    out.print(table)


def _print_plan(plan) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.tree import Tree

    d = plan.document
    info = "  ".join(f"{k}：{escape(str(v))}" for k, v in (
        ("标题", d.title), ("发文机关", d.issuer), ("地区", d.region), ("文种", d.genre),
        ("日期", d.issued), ("规划期末", d.horizon)) if v)
    src = plan.source
    out.print(Panel(info or "（未识别文件信息）",
                    title=f"{escape(src.file)} · {src.format} · {src.encoding} · {'繁体' if src.script == 'traditional' else '简体'}",
                    expand=False))
    table = Table(title="目标", show_lines=False)
    for col in ("指标", "类型", "目标值", "比较", "年份", "基期", "力度", "范围", "章节"):
        table.add_column(col, overflow="fold")
    for t in plan.targets:
        value = "" if t.value is None else f"{t.value}{t.unit or ''}"
        if t.kind in ("relative", "trend", "milestone"):
            value = t.note or ""
        table.add_row(escape(t.indicator), KIND_NAMES[t.kind], escape(value),
                      COMPARATOR_NAMES.get(t.comparator or "", ""), str(t.year or ""), str(t.baseline_year or ""),
                      t.firmness or "", t.scope or "", t.section or "")
    out.print(table if plan.targets else "[dim]（未找到目标）[/dim]")
    if plan.outline:
        tree = Tree("提纲")
        nodes: dict[str, Tree] = {}
        for n in plan.outline:
            parent_path = n.path.rsplit("/", 1)[0] if "/" in n.path else None
            parent = nodes.get(parent_path, tree) if parent_path else tree
            nodes[n.path] = parent.add(f"{escape(n.label)} {escape(n.title)}")
        out.print(tree)
    if plan.programmes:
        for p in plan.programmes:
            parts = "、".join(p.parts) if p.parts else "（未列出组成部分）"
            out.print(f"重点工程：[bold]{escape(p.name)}[/bold] → {escape(parts)}")
    out.print()


@app.command("evaluate")
def evaluate_command(
    gold: Path = typer.Argument(..., help="金标准 JSON（格式见 tests/data/gold/README.md）", show_default=False),
    pred_dir: Path = typer.Argument(..., help="innodrive extract --out 写出的结果目录", show_default=False),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="逐条列出漏抽（miss）和多抽（extra）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出得分"),
) -> None:
    """按金标准给抽取结果打分：量化目标与提纲的准确率、召回率、F1（分文件及总体）。

    示例：innodrive extract examples/documents/*.txt --out out/
          innodrive evaluate tests/data/gold/seeds.json out/ -v
    """
    from rich.table import Table

    from innodrive.extraction.evaluate import evaluate

    report = evaluate(gold, pred_dir)
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    table = Table(title="抽取评测（量化目标：数值/倍数/增速；提纲：层级+编号+标题）")
    for col in ("文件", "目标 P", "目标 R", "目标 F1", "提纲 P", "提纲 R", "提纲 F1"):
        table.add_column(col, justify="right" if col != "文件" else "left")

    def row(name, t, o, style=None):
        table.add_row(name, f"{t.precision:.3f}", f"{t.recall:.3f}", f"{t.f1:.3f}",
                      f"{o.precision:.3f}", f"{o.recall:.3f}", f"{o.f1:.3f}", style=style)

    for d in report.documents:
        row(escape(d.file) + ("（无预测结果）" if d.missing_prediction else ""), d.targets, d.outline)
    row("总体", report.targets, report.outline, style="bold")
    out.print(table)
    if verbose:
        for d in report.documents:
            for m in d.targets.misses:
                out.print(f"[red]漏抽[/red] {escape(d.file)} 目标：{escape(_fmt_target(m))}")
            for x in d.targets.extras:
                out.print(f"[yellow]多抽[/yellow] {escape(d.file)} 目标：{escape(_fmt_target(x))}")
            for m in d.outline.misses:
                out.print(f"[red]漏抽[/red] {escape(d.file)} 提纲：{m.get('level')} {escape(str(m.get('label')))} {escape(str(m.get('title')))}")
            for x in d.outline.extras:
                out.print(f"[yellow]多抽[/yellow] {escape(d.file)} 提纲：{x.get('level')} {escape(str(x.get('label')))} {escape(str(x.get('title')))}")


def _fmt_target(t: dict) -> str:
    return f"{t.get('indicator')} | {t.get('kind')} | {t.get('value')}{t.get('unit') or ''} | {t.get('year')}"
