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
    """The operator's name (``--by``, else ``INNODRIVE_USER``, else the login name)."""
    from innodrive.services.identity import operator_name

    return operator_name(by)


def cli_actor(store, by: str | None):
    """The :class:`~innodrive.services.actor.Actor` of this command on ``store``."""
    from innodrive.services.identity import cli_actor as _cli_actor

    return _cli_actor(store, by)


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
            from innodrive.indicators.importer import default_dataset
            from innodrive.services import data as data_service

            r = data_service.import_shipped(store, cli_actor(store, by))
            kept = f"，保留人工录入或后来导入的 {r.kept} 个（内置数据只补充缺少的数值）" if r.kept else ""
            out.print(f"内置统计数据 {default_dataset().name}：新增 {r.added} 个数值，已有 {r.unchanged} 个{kept}，"
                      f"派生 {r.derived} 个")
    finally:
        store.close()


@plan_app.command("add")
def plan_add_command(
    files: list[Path] = typer.Argument(..., help="政策文件（.txt/.docx/.pdf/.html），可多个", show_default=False),
    plan: int | None = typer.Option(None, "--plan", help="作为该编号计划的新版本（标题有改动的修订稿）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, show_default=False,
                                    help="同时抽取的进程数（默认为本机可用的 CPU 核数；1 = 在一个进程中逐个抽取）"),
) -> None:
    """抽取政策文件并存为计划：新文件成为新计划；已有计划的修改稿成为其新版本（列出差异）；相同文件不重复保存。

    示例：innodrive plan add examples/documents/*.txt
          innodrive plan add 决定（修订稿）.docx --plan 3
    """
    from innodrive.blobs import Upload
    from innodrive.errors import InnodriveError
    from innodrive.services import plans as plan_service

    uploads: list[Upload] = []
    failures = 0
    for path in files:
        try:
            uploads.append(Upload.from_path(path, what="文件"))
        except InnodriveError as exc:
            failures += 1
            error(str(exc) if exc.file else f"文件 {path}：{exc}")
    store = open_db()
    try:
        who = cli_actor(store, by)
        if len(uploads) > 1:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = Progress(TextColumn("添加计划"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           TextColumn("{task.description}"), console=err, transient=True)
            job = bar.add_task("", total=len(uploads))

            def progress(name: str, done: int, total: int) -> None:
                if not bar.live.is_started:  # only now: the extraction workers are forked before its thread
                    bar.start()
                bar.update(job, completed=done, description=name)

            try:
                batch = plan_service.add_documents(store, who, uploads, plan_id=plan, progress=progress, jobs=jobs)
            finally:
                bar.stop()
        else:
            batch = plan_service.add_documents(store, who, uploads, plan_id=plan) if uploads else None
    finally:
        store.close()
    for r in batch.files if batch else []:
        if r.outcome == "failed":
            failures += 1
            error(f"文件 {r.file}：{r.error}")
            continue
        title = escape(r.plan_title or r.file)
        if r.outcome == "unchanged":
            out.print(f"[dim]○ {escape(r.file)}：未变化（与计划 #{r.plan_id} 第 {r.version_number} 版相同）[/dim]")
            continue
        what = "新增计划" if r.outcome == "new_plan" else "新版本"
        out.print(f"[green]✓[/green] {escape(r.file)}：{what} #{r.plan_id}《{title}》第 {r.version_number} 版，"
                  f"目标 {r.targets} 项（已对应指标 {r.linked_targets} 项），任务新增 {r.tasks.added}、"
                  f"更新 {r.tasks.updated}、撤销 {r.tasks.retired}")
        for line in r.diff_lines:
            out.print(f"    {escape(line)}")
        for w in r.warnings:
            warn(escape(w))
    if batch and batch.unlinked:
        warn(f"有 {batch.unlinked} 项目标（里程碑除外）尚未对应到指标目录，运行 innodrive link 查看并人工指定")
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
    from innodrive.services import plans as plan_service

    store = open_db()
    try:
        d = plan_service.diff_plan(store, cli_actor(store, None), plan, old=old, new=new)
    finally:
        store.close()
    out.print(f"计划 #{d.plan.id}《{escape(d.plan.display_title)}》第 {d.old} 版 → 第 {d.new} 版：")
    for line in d.lines:
        out.print(f"  {escape(line)}")


@plan_app.command("show")
def plan_show_command(
    plan: str = typer.Argument(..., help="计划编号，或标题中的词（可多个，如“乐山 决定”）"),
) -> None:
    """显示计划最新版本的目标、对应的目录指标及其在原文中的位置（第几段第几句）。

    示例：innodrive plan show 3
          innodrive plan show "乐山 决定"
    """
    from rich.table import Table

    from innodrive.services import plans as plan_service

    store = open_db()
    try:
        d = plan_service.show_plan(store, cli_actor(store, None), plan)
    finally:
        store.close()
    v = d.version
    table = Table(title=f"计划 #{d.plan.id}《{escape(d.plan.display_title)}》第 {v.number} 版（{escape(v.file_name)}，"
                        f"SHA-256 {v.sha256[:12]}…）")
    for col in ("目标编号", "指标（原文）", "类型", "目标", "年份", "目录指标", "对应方式", "原文位置"):
        table.add_column(col, overflow="fold")
    for t in d.targets:
        value = "" if t.value is None else f"{t.comparator if t.comparator not in (None, '=') else ''}{t.value:g}{t.unit or ''}"
        code = f"{t.indicator_code}（{escape(t.indicator_name or '')}）" if t.indicator_code else "[yellow]未对应[/yellow]"
        table.add_row(str(t.id), escape(t.indicator), KIND_NAMES.get(t.kind, t.kind), escape(value or (t.note or "")),
                      str(t.year or ""), code, METHOD_NAMES.get(t.link_method or "", t.link_method or ""),
                      location_text(t.location))
    out.print(table)


def location_text(loc) -> str:
    """第 12 段第 2 句（二/4） — or the offsets when the text was not kept."""
    section = f"（{loc.section}）" if loc.section else ""
    if loc.paragraph is not None:
        return f"第 {loc.paragraph} 段第 {loc.sentence} 句{section}"
    return f"第 {loc.start}–{loc.end} 字{section}"


@plan_app.command("remove")
def plan_remove_command(
    plan: str = typer.Argument(..., help="计划编号或标题中的词"),
    force: bool = typer.Option(False, "--force", help="即使任务已有进展报送也删除（报送记录仍保留）"),
    reason: str | None = typer.Option(None, "--reason", help="删除理由（记入审计日志）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """删除计划：不再出现在看板和任务清单中，但其全部版本、任务和报送记录都保留，并记入审计日志。

    任务已有进展报送时拒绝删除，除非使用 --force。再次添加同一文件即可恢复。

    示例：innodrive plan remove 3 --reason "重复添加"
    """
    from innodrive.services import plans as plan_service

    store = open_db()
    try:
        r = plan_service.remove_plan(store, cli_actor(store, by), plan, force=force, reason=reason)
    finally:
        store.close()
    kept = f"，保留 {r.reports} 条进展报送记录" if r.reports else ""
    out.print(f"[green]✓[/green] 已删除计划 #{r.plan.id}《{escape(r.plan.display_title)}》{kept}（历史记录均保留）")


@app.command("plans")
def plans_command() -> None:
    """列出已保存的全部计划及其版本、目标数和任务数。

    示例：innodrive plans
    """
    from rich.table import Table

    from innodrive.services import plans as plan_service

    store = open_db()
    try:
        plans = plan_service.list_plans(store, cli_actor(store, None))
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
        table.add_row(str(p.id), escape(p.display_title), escape(p.region_name or ""), v.issued or "",
                      str(v.number), str(v.targets), str(p.tasks),
                      f"{v.added_at.astimezone().strftime('%Y-%m-%d %H:%M')} {escape(v.added_by)}")
    out.print(table)


@app.command("link")
def link_command(
    text: str | None = typer.Argument(None, help="目标中的指标名称（原文写法）"),
    indicator: str | None = typer.Argument(None, help="目录指标：代码（如 hnte_count）或名称（如 高新技术企业数量）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """把未对应的目标指标人工对应到指标目录，并记住该对应关系（之后的文件和数据导入自动使用）。

    不带参数时列出尚未对应的指标名称及候选指标；目录中的全部指标见 innodrive indicators。

    示例：innodrive link
          innodrive link 高新技术企业数量增长 hnte_count
          innodrive link 高企数量增长 高新技术企业数量
    """
    from rich.table import Table

    from innodrive.services import links

    if (text is None) != (indicator is None):
        from innodrive.errors import InputError

        raise InputError("请同时给出指标名称和目录指标（代码或名称），例如：innodrive link 高企数量 hnte_count")
    store = open_db()
    try:
        who = cli_actor(store, by)
        if text is not None:
            r = links.link(store, who, phrase=text, indicator=indicator)
            out.print(f"已记住：“{escape(r.phrase)}” → {r.code}（{escape(r.name)}），更新 {r.updated} 项已存目标")
            if r.warning:
                warn(escape(r.warning))
            return
        groups = links.unlinked(store, who)
    finally:
        store.close()
    if not groups:
        out.print("所有数值类目标均已对应到指标目录。")
        return
    table = Table(title="尚未对应到指标目录的目标（里程碑类目标无需对应）")
    for col in ("指标（原文）", "目标编号", "候选指标（代码：名称）"):
        table.add_column(col, overflow="fold")
    for g in groups:
        cands = "；".join(f"{c.code}：{c.name}" for c in g.candidates)
        table.add_row(escape(g.phrase), "、".join(str(i) for i in g.target_ids), escape(cands or "—"))
    out.print(table)
    out.print("用 innodrive link 指标名称 目录代码或名称 指定对应关系；全部目录指标见 innodrive indicators。")


@app.command("indicators")
def indicators_command(
    query: str | None = typer.Argument(None, help="只列出代码或名称（含别名）包含该文字的指标"),
) -> None:
    """列出指标目录：代码、名称、单位和别名（innodrive link 可用代码或名称指定）。

    示例：innodrive indicators
          innodrive indicators 高新
    """
    from rich.table import Table

    from innodrive.services import links
    from innodrive.services.actor import Actor

    rows = links.indicators(Actor.local_operator(actor(None)), query=query)  # the shipped catalogue: no database
    if not rows:
        out.print(f"指标目录中没有包含“{escape(query or '')}”的指标。")
        return
    table = Table(title=f"指标目录（{len(rows)} 项）")
    for col in ("代码", "名称", "单位", "别名"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r.code, escape(r.name), escape(r.unit), escape("、".join(r.aliases[:6])))
    out.print(table)
