"""``innodrive chains``: import, show, gaps, export and edit 产业链图谱."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer

from innodrive.cli.app import app

chains_app = typer.Typer(help="产业链图谱：导入（YAML 或 XLSX 模板）、查看、缺口（补链/强链）、导出。", no_args_is_help=True)
app.add_typer(chains_app, name="chains")
EXAMPLES = "innodrive.chains.examples"


def example_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files(EXAMPLES).iterdir() if p.name.endswith(".yaml"))


def _session(by: str | None):
    from innodrive.cli.plans import open_db
    from innodrive.services.identity import cli_actor

    store = open_db()
    return store, cli_actor(store, by)


@chains_app.command("import")
def import_command(
    files: list[str] = typer.Argument(None, help="产业链文件（.yaml 或 .xlsx），或 example:名称"),
    examples: bool = typer.Option(False, "--examples", help="导入内置的三条示例产业链（晶硅光伏、动力电池、电子信息；构造数据）"),
    by: str | None = typer.Option(None, "--by", help="操作人（默认取 INNODRIVE_USER 或登录名）"),
) -> None:
    """导入产业链（逐行校验，有任何问题则整条不导入）；同一代码再次导入即替换。

    示例：innodrive chains import 晶硅光伏产业链.xlsx
    示例：innodrive chains import --examples
    """
    from innodrive.cli.output import escape, out
    from innodrive.errors import InputError
    from innodrive.safeio import read_input
    from innodrive.services.chains import import_chain

    sources: list[tuple[bytes, str]] = []
    names = list(files or []) + ([f"example:{n}" for n in example_names()] if examples else [])
    if not names:
        raise InputError("请给出产业链文件，或使用 --examples 导入内置示例", field="files")
    for n in names:
        if n.startswith("example:"):
            key = n.split(":", 1)[1]
            if key not in example_names():
                raise InputError(f"没有名为“{key}”的示例；可用：{'、'.join(example_names())}", field="files")
            sources.append(((resources.files(EXAMPLES) / f"{key}.yaml").read_bytes(), f"{key}.yaml"))
        else:
            sources.append((read_input(n, what="产业链文件"), Path(n).name))
    store, actor = _session(by)
    try:
        for data, name in sources:
            r = import_chain(store, actor, data, file_name=name)
            out.print(f"[green]✓[/green] {'已更新' if r.replaced else '已导入'}产业链“{escape(r.name)}”（{r.key}）："
                      f"环节 {r.nodes} 个，企业 {r.enterprises} 家次，平台 {r.platforms} 个，目标 {r.targets} 项，"
                      f"缺口环节 {r.gaps} 个")
    finally:
        store.close()


@chains_app.command("list")
def list_command(by: str | None = typer.Option(None, "--by", help="操作人")) -> None:
    """列出已导入的产业链。"""
    from innodrive.cli.output import escape, out
    from innodrive.services.chains import list_chains

    store, actor = _session(by)
    try:
        rows = list_chains(store, actor)
    finally:
        store.close()
    if not rows:
        out.print("尚未导入任何产业链（innodrive chains import 文件 或 --examples）")
    for r in rows:
        out.print(f"{r.key}\t{escape(r.name)}" + ("\t[yellow]示例（构造数据）[/yellow]" if r.example else ""))


def _tree(v):
    from rich.tree import Tree

    from innodrive.chains.export import gap_text, verdict_text
    from innodrive.cli.output import escape

    root = Tree(f"[bold]{escape(v.name)}[/bold]" + (f"（{escape(v.region_name)}）" if v.region_name else "")
                + ("  [yellow]示例：企业、平台、目标为构造数据[/yellow]" if v.example else ""))
    segs = {s: root.add(f"[bold]{s}[/bold]") for s in ("上游", "中游", "下游")}
    branch: dict[str, object] = {}
    for n in v.nodes:
        parent = branch.get(n.parent) if n.parent else segs[n.segment]
        gap = gap_text(n)
        label = f"{escape(n.name)}（{n.code}）" + (f"  [red]缺口：{gap}[/red]" if gap else "")
        node = (parent or segs[n.segment]).add(label)
        branch[n.code] = node
        for e in n.enterprises:
            mark = "[magenta]链主[/magenta] " if e["leader"] else ""
            where = "" if e["local"] else "（外地）"
            verdicts = verdict_text(e["verdicts"])
            node.add(f"{mark}{escape(e['name'])} {e['credit_code']}{where}" + (f"  [dim]{escape(verdicts)}[/dim]"
                                                                               if verdicts else ""))
        for p in n.platforms:
            node.add(f"[cyan]平台[/cyan] {escape(p.name)}（{escape(p.level)}）")
        for t in n.targets:
            node.add(f"[green]目标[/green] {escape(t.text)}")
    for t in v.targets:
        root.add(f"[green]目标[/green] {escape(t.text)}" + (f"（{t.year}年）" if t.year else ""))
    return root


@chains_app.command("show")
def show_command(
    key: str = typer.Argument(..., help="产业链代码（见 innodrive chains list）"),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="导出为 .xlsx（导入模板格式，另含资格评价与缺口）"),
    by: str | None = typer.Option(None, "--by", help="操作人"),
) -> None:
    """以树形显示产业链：环节、企业（链主、资格评价）、平台、目标和缺口。

    示例：innodrive chains show pv_crystalline_silicon --out 晶硅光伏.xlsx
    """
    from innodrive.cli.output import escape, out
    from innodrive.services.chains import show_chain

    store, actor = _session(by)
    try:
        v = show_chain(store, actor, key)
    finally:
        store.close()
    if out_file is not None:
        from innodrive.chains.export import write_chain
        from innodrive.errors import InputError

        if out_file.suffix.lower() != ".xlsx":
            raise InputError("导出文件应为 .xlsx", file=out_file.name)
        write_chain(v, out_file)
    out.print(_tree(v))
    if out_file is not None:
        out.print(f"已写入：{escape(str(out_file))}")


@chains_app.command("gaps")
def gaps_command(
    key: str = typer.Argument(..., help="产业链代码"),
    by: str | None = typer.Option(None, "--by", help="操作人"),
) -> None:
    """列出缺口环节：没有本地企业（补链候选）或没有创新平台（强链候选）。"""
    from rich.table import Table

    from innodrive.cli.output import escape, out
    from innodrive.services.chains import show_chain

    store, actor = _session(by)
    try:
        v = show_chain(store, actor, key)
    finally:
        store.close()
    t = Table(title=escape(f"{v.name} · 缺口环节（{len(v.gaps)}/{len(v.nodes)}）"))
    for col in ("链段", "环节", "本地企业", "无本地企业（补链）", "无平台（强链）"):
        t.add_column(col, overflow="fold")
    for n in v.gaps:
        t.add_row(n.segment, escape(f"{n.name}（{n.code}）"), str(n.local_enterprises),
                  "✗" if n.gap_enterprise else "", "✗" if n.gap_platform else "")
    out.print(t)
    if v.example:
        out.print("[yellow]示例产业链：企业、平台为构造数据，缺口仅作演示[/yellow]")


@chains_app.command("detach")
def detach_command(
    key: str = typer.Argument(..., help="产业链代码"),
    credit_code: str = typer.Argument(..., help="统一社会信用代码"),
    node: str | None = typer.Option(None, "--node", help="只从该环节移除"),
    by: str | None = typer.Option(None, "--by", help="操作人"),
) -> None:
    """把一家企业从产业链（或其一个环节）移除（记入审计日志）。"""
    from innodrive.cli.output import out
    from innodrive.services.chains import detach_enterprise

    store, actor = _session(by)
    try:
        n = detach_enterprise(store, actor, key, credit_code, node=node)
    finally:
        store.close()
    out.print(f"[green]✓[/green] 已移除 {n} 处挂接")
