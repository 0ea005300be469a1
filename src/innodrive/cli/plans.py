"""``innodrive init``, ``innodrive plan add|diff|show``, ``innodrive plans``, ``innodrive link``.

The living plan's commands for setting up the database and keeping plans in it.
Thin: parse, call one library function, print with Rich. Database libraries are
imported inside the commands so that ``innodrive --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.output import err, error, escape, out, warn

plan_app = typer.Typer(help="管理计划文件：添加（新计划或新版本）、比较版本、查看目标。", no_args_is_help=True,
                       rich_markup_mode="rich")
app.add_typer(plan_app, name="plan")

BY_HELP = "操作人（记入审计日志；默认取 INNODRIVE_USER 或登录名）"
KIND_NAMES = {"number": "数值", "multiple": "倍数", "growth": "增速", "relative": "相对", "trend": "趋势",
              "milestone": "里程碑"}
METHOD_NAMES = {"remembered": "人工确认过", "manual": "人工指定", "exact": "名称一致", "alias": "别名",
                "fuzzy": "模糊匹配", "unmatched": "未对应"}


def open_db():
    """The configured store, refusing one that ``innodrive init`` has not prepared."""
    from innodrive.store import open_store

    return open_store()


def actor(by: str | None) -> str:
    from innodrive.store import current_user

    return (by or "").strip() or current_user()


@app.command("init")
def init_command(
    no_data: bool = typer.Option(False, "--no-data", help="不导入内置的四川省创新统计数据"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """创建或升级数据库（默认为 INNODRIVE_HOME 下的 SQLite 文件），载入全国行政区划，并导入内置统计数据。

    可重复运行：已是最新结构的数据库不会改变，已导入的数据不会重复。
    用 INNODRIVE_DATABASE_URL 指向 PostgreSQL（postgresql+pg8000://用户@主机:端口/库名）。

    示例：innodrive init
          INNODRIVE_DATABASE_URL=postgresql+pg8000://postgres@127.0.0.1:5432/innodrive innodrive init --no-data
    """
    from innodrive.store import initialise
    from innodrive.store.engine import describe

    store = initialise()
    try:
        out.print(f"数据库已就绪：{escape(describe(store.url))}（结构版本 {store.schema_revision()}）")
        if not no_data:
            from innodrive.indicators.importer import default_dataset, import_default

            r = import_default(store, actor=actor(by))
            out.print(f"内置统计数据 {default_dataset().name}：新增 {r.added} 个数值，修正 {r.revised} 个，"
                      f"已有 {r.unchanged} 个，派生 {r.derived} 个")
    finally:
        store.close()


@plan_app.command("add")
def plan_add_command(
    files: list[Path] = typer.Argument(..., help="政策文件（.txt/.docx/.pdf/.html），可多个", show_default=False),
    plan: int | None = typer.Option(None, "--plan", help="作为该编号计划的新版本（标题有改动的修订稿）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """抽取政策文件并存为计划：新文件成为新计划；已有计划的修改稿成为其新版本（列出差异）；相同文件不重复保存。

    示例：innodrive plan add examples/documents/*.txt
          innodrive plan add 决定（修订稿）.docx --plan 3
    """
    from innodrive.errors import InnodriveError
    from innodrive.extraction import extract_path
    from innodrive.plans.links import catalogue_linker
    from innodrive.plans.storage import add_plan

    store = open_db()
    linker = catalogue_linker()
    who = actor(by)
    failures = unmatched = 0

    def handle(path: Path) -> None:
        nonlocal failures, unmatched
        try:
            r = add_plan(store, extract_path(path), actor=who, plan_id=plan, linker=linker)
        except InnodriveError as exc:
            failures += 1
            error(str(exc) if exc.file else f"文件 {path}：{exc}")
            return
        title = escape(r.plan_title or r.file)
        if r.outcome == "unchanged":
            out.print(f"[dim]○ {escape(r.file)}：未变化（与计划 #{r.plan_id} 第 {r.version_number} 版相同）[/dim]")
            return
        what = "新增计划" if r.outcome == "new_plan" else "新版本"
        out.print(f"[green]✓[/green] {escape(r.file)}：{what} #{r.plan_id}《{title}》第 {r.version_number} 版，"
                  f"目标 {r.targets} 项（已对应指标 {r.linked_targets} 项），任务新增 {r.tasks.added}、"
                  f"更新 {r.tasks.updated}、撤销 {r.tasks.retired}")
        for line in r.diff_lines:
            out.print(f"    {escape(line)}")
        unmatched += r.unlinked

    try:
        if len(files) > 1:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(TextColumn("添加计划"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          TextColumn("{task.description}"), console=err) as bar:
                job = bar.add_task("", total=len(files))
                for path in files:
                    bar.update(job, description=path.name)
                    handle(path)
                    bar.advance(job)
        else:
            handle(files[0])
    finally:
        store.close()
    if unmatched:
        warn(f"有 {unmatched} 项目标（里程碑除外）尚未对应到指标目录，运行 innodrive link 查看并人工指定")
    if failures:
        raise typer.Exit(2)


@plan_app.command("diff")
def plan_diff_command(
    plan: str = typer.Argument(..., help="计划编号或标题中的一段文字"),
    old: int | None = typer.Option(None, "--from", help="较早的版本号（默认：上一版）"),
    new: int | None = typer.Option(None, "--to", help="较新的版本号（默认：最新版）"),
) -> None:
    """列出计划两个版本之间的差异：目标（新增、删除、数值修改）、提纲标题、重点工程和文件信息。

    示例：innodrive plan diff 3
          innodrive plan diff 创新驱动 --from 1 --to 2
    """
    from innodrive.plans.diff import describe
    from innodrive.plans.storage import diff_versions, find_plan

    store = open_db()
    try:
        p = find_plan(store, plan)
        a, b, d = diff_versions(store, plan_id=p.id, old=old, new=new)
    finally:
        store.close()
    out.print(f"计划 #{p.id}《{escape(p.title or p.versions[-1].file_name)}》第 {a} 版 → 第 {b} 版：")
    for line in describe(d):
        out.print(f"  {escape(line)}")


@plan_app.command("show")
def plan_show_command(
    plan: str = typer.Argument(..., help="计划编号或标题中的一段文字"),
) -> None:
    """显示计划最新版本的目标及其对应的目录指标（含原文位置）。

    示例：innodrive plan show 3
    """
    from rich.table import Table

    from innodrive.plans.storage import find_plan, stored_targets

    store = open_db()
    try:
        p = find_plan(store, plan)
        targets = stored_targets(store, plan_id=p.id)
    finally:
        store.close()
    v = p.versions[-1]
    table = Table(title=f"计划 #{p.id}《{escape(p.title or v.file_name)}》第 {v.number} 版（{escape(v.file_name)}，"
                        f"SHA-256 {v.sha256[:12]}…）")
    for col in ("目标编号", "指标（原文）", "类型", "目标", "年份", "目录指标", "对应方式", "原文位置"):
        table.add_column(col)
    for t in targets:
        x = t.target
        value = "" if x.value is None else f"{x.comparator if x.comparator not in (None, '=') else ''}{x.value:g}{x.unit or ''}"
        table.add_row(str(t.id), escape(x.indicator), KIND_NAMES.get(x.kind, x.kind), escape(value or (x.note or "")),
                      str(x.year or ""), t.indicator_code or "[yellow]未对应[/yellow]",
                      METHOD_NAMES.get(t.link_method or "", t.link_method or ""),
                      f"{x.evidence.span[0]}–{x.evidence.span[1]}")
    out.print(table)


@app.command("plans")
def plans_command() -> None:
    """列出已保存的全部计划及其版本、目标数和任务数。

    示例：innodrive plans
    """
    from rich.table import Table

    from innodrive.plans.storage import list_plans

    store = open_db()
    try:
        plans = list_plans(store)
    finally:
        store.close()
    if not plans:
        out.print("尚无计划。用 innodrive plan add 文件… 添加。")
        return
    table = Table(title="计划")
    for col in ("编号", "标题", "地区", "发文", "版本", "目标", "任务", "最近添加"):
        table.add_column(col)
    for p in plans:
        v = p.latest
        table.add_row(str(p.id), escape(p.title or v.file_name), escape(p.region_name or ""), v.issued or "",
                      str(v.number), str(v.targets), str(p.tasks),
                      f"{v.added_at.astimezone().strftime('%Y-%m-%d %H:%M')} {escape(v.added_by)}")
    out.print(table)


@app.command("link")
def link_command(
    text: str | None = typer.Argument(None, help="目标中的指标名称（原文写法）"),
    code: str | None = typer.Argument(None, help="指标目录中的代码，如 hnte_count"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """把未对应的目标指标人工对应到指标目录，并记住该对应关系（之后的文件和数据导入自动使用）。

    不带参数时列出尚未对应的指标名称及候选指标。

    示例：innodrive link
          innodrive link 高新技术企业数量增长 hnte_count
    """
    from rich.table import Table

    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.plans.links import remember
    from innodrive.plans.storage import stored_targets

    if (text is None) != (code is None):
        from innodrive.errors import InputError

        raise InputError("请同时给出指标名称和目录代码，例如：innodrive link 高企数量 hnte_count")
    store = open_db()
    try:
        if text is not None:
            n = remember(store, text=text, code=code, actor=actor(by))
            name = load_catalogue().require(code).name
            out.print(f"已记住：“{escape(text)}” → {code}（{escape(name)}），更新 {n} 项已存目标")
            return
        targets = [t for t in stored_targets(store) if t.indicator_code is None and t.target.kind != "milestone"]
    finally:
        store.close()
    if not targets:
        out.print("所有数值类目标均已对应到指标目录。")
        return
    cat = load_catalogue()
    table = Table(title="尚未对应到指标目录的目标（里程碑类目标无需对应）")
    for col in ("指标（原文）", "目标编号", "候选指标（代码：名称）"):
        table.add_column(col)
    grouped: dict[str, list] = {}
    for t in targets:
        grouped.setdefault(t.target.indicator, []).append(t)
    for phrase, ts in grouped.items():
        cands = "；".join(f"{c}：{cat.get(c).name}" for c in ts[0].link_candidates[:3] if cat.get(c))
        table.add_row(escape(phrase), "、".join(str(t.id) for t in ts), escape(cands or "—"))
    out.print(table)
    out.print("用 innodrive link 指标名称 代码 指定对应关系。")
