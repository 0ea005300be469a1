"""``innodrive report …``: the documents the office hands in (通报, reports), and their templates.

Each document kind adds its command to :data:`report_app` (``innodrive report kaohe``,
and the 督查通报, evaluation report and 专项工作报告 alongside). The commands here
serve all of them: ``template`` writes a bundled template for the office to edit and
override, ``check`` checks a PDF with poppler like the tests do. Heavy libraries are
imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, escape, out

report_app = typer.Typer(help="文书：考核结果通报等正式文件（Word/PDF + XLSX 附件）及其可编辑模板。", no_args_is_help=True,
                         rich_markup_mode="rich")
app.add_typer(report_app, name="report")


@report_app.command("template")
def template_command(
    kind: str | None = typer.Argument(None, help="模板名称（不填则列出全部内置模板）"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="写出模板文件（.yaml），供修改后放入 "
                                                                 "INNODRIVE_HOME/templates/<城市>/ 覆盖内置模板"),
) -> None:
    """列出或导出文书模板（措辞、文号、发文机关、日期；数字一律来自数据）。

    示例：innodrive report template
    示例：innodrive report template kaohe_tongbao --out kaohe_tongbao.yaml
    """
    from innodrive.reports.template import bundled_names, load_template, override_paths, template_text

    if kind is None:
        for name in bundled_names():
            t = load_template(name)
            out.print(f"{escape(name)}\t{escape(t.name)}")
        return
    text = template_text(kind)
    if out_path is None:
        out.print(escape(text), end="")
        return
    from innodrive.safeio import atomic_write

    atomic_write(out_path, text.encode("utf-8"), what="模板文件")
    places = "、".join(str(p) for p in override_paths(kind, "<城市>"))
    out.print(f"已写出：{escape(str(out_path))}")
    err.print(f"修改后放在 {escape(places)}（按城市或全局）即可覆盖内置模板；或在生成文书时用 --template 指定。")


@report_app.command("check")
def check_command(
    pdf: Path = typer.Argument(..., help="要检查的 PDF 文件"),
    expect: list[str] = typer.Option([], "--expect", "-e", help="应出现在文本中的字句（可重复）"),
) -> None:
    """用 poppler 检查 PDF：中文文本可提取且字形齐全、没有内容超出版心、页面有笔画。

    示例：innodrive report check 考核结果通报.pdf --expect 优秀
    """
    from innodrive.errors import ValidationFailed
    from innodrive.reports.preflight import check_pdf
    from innodrive.safeio import read_input

    report = check_pdf(read_input(pdf, what="PDF 文件"), expect=list(expect))
    if report.problems:
        from innodrive.errors import Problem

        raise ValidationFailed(f"PDF 检查发现 {len(report.problems)} 处问题：{report.problems[0]}", file=pdf.name,
                               problems=[Problem(p, file=pdf.name) for p in report.problems])
    out.print(f"检查通过：{report.pages} 页，{len(report.words)} 个词，文字齐全，没有内容超出版心")


@report_app.command("kaohe")
def kaohe_command(
    cycle: int | None = typer.Argument(None, help="年度考核编号（innodrive kaohe cycles 可查）；或用 --year"),
    year: int | None = typer.Option(None, "--year", help="年度（代替编号）"),
    fmt: list[str] = typer.Option(["docx", "pdf"], "--format", "-f", help="docx、pdf（可重复；默认两种都生成）"),
    out_dir: Path = typer.Option(Path("."), "--out", "-o", help="输出目录"),
    run: int | None = typer.Option(None, "--run", help="依据第几次计分（默认最新）"),
    template: Path | None = typer.Option(None, "--template", help="文书模板 YAML（覆盖内置或城市模板中给出的键）"),
    date: str | None = typer.Option(None, "--date", help="成文日期（默认为所依据计分的日期）"),
    serial: str | None = typer.Option(None, "--serial", help="发文字号中的序号（不给则留空待填）"),
    by: str | None = typer.Option(None, "--by", help="操作人（默认 INNODRIVE_USER 或系统登录名）"),
) -> None:
    """生成考核结果通报（Word、PDF）及附件“考核得分明细表”（XLSX）。

    示例：innodrive report kaohe --year 2024 --format pdf --out 通报/ --serial 3 --date 2025-02-20
    """
    from innodrive.cli.kaohe import _cycle_id, _date, _open
    from innodrive.errors import InputError
    from innodrive.reports import FORMATS, render, write
    from innodrive.reports.kaohe import appendix, default_issued_on, tongbao
    from innodrive.reports.xlsx import render_xlsx
    from innodrive.services import kaohe as svc

    bad = [f for f in fmt if f not in FORMATS]
    if bad:
        raise InputError(f"不支持的格式：{'、'.join(bad)}；可用：{'、'.join(FORMATS)}", field="--format")
    if not out_dir.is_dir():
        raise InputError("输出目录不存在", file=str(out_dir))
    store, actor = _open(by)
    try:
        data = svc.tongbao_data(store, actor, _cycle_id(store, actor, cycle, year), run=run)
    finally:
        store.close()
    issued = _date(date, "--date") or default_issued_on(data)
    document = tongbao(data, template_path=template, issued_on=issued, serial=serial)
    stem = f"{data.cycle.year}年度创新驱动发展考核结果通报"
    written = [write(render(document, f), out_dir / f"{stem}.{f}") for f in dict.fromkeys(fmt)]
    written.append(write(render_xlsx(appendix(data, issued_on=issued)), out_dir / f"{stem}-附件-考核得分明细表.xlsx"))
    for p in written:
        out.print(f"已写出：{escape(str(p))}")
    if data.run.stage != "final":
        err.print(f"[yellow]注意[/yellow]：依据的是第 {data.run.number} 次计分（{data.run.stage_name}），考核结果尚未定档")
