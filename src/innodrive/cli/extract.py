"""``innodrive extract`` and ``innodrive evaluate``: read documents into plans, score them."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import escape, out


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
    from innodrive.extract_command import run

    status = run(files, as_json=as_json, out_dir=out_dir, verbose=verbose, jobs=jobs)
    if status:
        raise typer.Exit(status)


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
