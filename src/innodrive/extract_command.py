"""``innodrive extract``: read documents, print or write their plans (the command's work).

The command's body lives here, outside :mod:`innodrive.cli` (importing that package imports
Typer, which builds every option through pydantic), so that :mod:`innodrive.launch` can run
``extract FILE… --out DIR [--jobs N]`` without either: a script extracting a folder pays
the interpreter and the extraction, not the CLI framework. :mod:`innodrive.cli.extract`
parses the full command line and calls the same :func:`run`; tests compare the two.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from innodrive.console import err, error, escape, out, warn

KIND_NAMES = {"number": "数值", "multiple": "倍数", "growth": "增速", "relative": "相对水平",
              "trend": "趋势", "milestone": "里程碑"}
COMPARATOR_NAMES = {"=": "达到", ">=": "≥（以上）", ">": "＞（超过）", "<=": "≤（以内）", "<": "＜", "~": "≈（左右）"}


def run(files: list[Path], *, as_json: bool = False, out_dir: Path | None = None, verbose: bool = False,
        jobs: int | None = None) -> int:
    """Extract ``files`` and print (or write to ``out_dir``) their plans, as ``innodrive
    extract`` does. Returns the exit status: 0, or 2 when a file could not be read or
    written. An :class:`~innodrive.errors.InnodriveError` (the output folder cannot be
    made, a worker died) is raised for the caller to report."""
    from innodrive.errors import InnodriveError
    from innodrive.extraction.batch import extract_files
    from innodrive.launch import NO_TARGETS, write_json
    from innodrive.safeio import AtomicFiles

    plans = []
    failures = 0
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from innodrive.errors import InputError

            raise InputError(f"无法创建输出目录（{exc.strerror or exc}）", file=str(out_dir)) from exc

    # result files are synced and renamed in batches (one wait for the disk per batch, not per
    # file): every COMMIT_SECONDS, at the end, and at Ctrl-C (the results finished by then are whole)
    files_out = AtomicFiles(what="抽取结果")
    lost: dict[str, InnodriveError] = {}
    last_commit = [time.monotonic()]

    def commit() -> None:
        lost.update((str(path), exc) for path, exc in files_out.commit())
        last_commit[0] = time.monotonic()

    def handle(path: Path, result):
        nonlocal failures
        plan, message, data = result
        if message is None and out_dir is not None:
            try:  # one result file, written whole or not at all (never through a symlink)
                files_out.write(out_dir / f"{path.name}.json", data)
            except InnodriveError as exc:
                message = str(exc)
            if time.monotonic() - last_commit[0] >= COMMIT_SECONDS:
                commit()
        if message is not None:
            failures += 1
            error(message)
            return None
        return plan

    # the workers start here, before the progress bar's thread (see innodrive.extraction.batch)
    with files_out, extract_files(files, explain=verbose, jobs=jobs, contract_json=out_dir is not None) as batch, \
            _commit_on_interrupt(commit):
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
        commit()  # a sync or rename that fails: that file's error, as a failed write
    if lost:
        kept = []
        for p, plan in plans:
            exc = lost.get(str(out_dir / f"{p.name}.json")) if plan is not None else None
            if exc is not None:
                failures += 1
                error(str(exc))
                plan = None
            kept.append((p, plan))
        plans = kept

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
        return 2
    return 0


COMMIT_SECONDS = 0.5  # result files wait at most this long to be synced and renamed


@contextlib.contextmanager
def _commit_on_interrupt(commit):
    """On Ctrl-C, the result files already written (whole) are synced and renamed before the
    interrupt goes on: stopping a long batch keeps what it finished."""
    try:
        yield
    except KeyboardInterrupt:
        commit()
        raise


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
