"""``innodrive publish …`` (sealed snapshots: the public summary, the 人大 snapshot) and
``innodrive report npc`` (the 专项工作报告 draft). Thin faces over
:mod:`innodrive.services.publication`."""

from __future__ import annotations

from pathlib import Path

import typer

from innodrive.cli.app import app
from innodrive.cli.duban import BY_HELP, _date, acting, write_document
from innodrive.cli.output import err, escape, out
from innodrive.cli.report import report_app

publish_app = typer.Typer(help="发布：冻结并存证（SHA-256）公开摘要、向人大报送的计划执行情况；核验、撤回。",
                          no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(publish_app, name="publish")


def _seal_line(s) -> str:
    state = "完整" if s.intact else "[red]未通过校验：" + escape("；".join(s.problems)) + "[/red]"
    gone = "（已撤回）" if s.withdrawn_at else ""
    return (f"#{s.id} {escape(s.kind_name)}《{escape(s.title)}》截至 {s.as_of.isoformat()}{gone} "
            f"SHA-256 {s.sha256} · {state}")


@publish_app.command("public")
def public_command(as_of: str | None = typer.Option(None, "--as-of", help="截至日期（默认今天）"),
                   region: str | None = typer.Option(None, "--region", help="地区（默认操作人所辖地区）"),
                   title: str = typer.Option("", "--title", help="标题"),
                   by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """冻结并发布本辖区的公开摘要（目标、目标值、最新值、灯色）；公众页面只显示已发布的快照。

    示例：innodrive publish public --as-of 2025-06-30
    """
    import datetime as dt

    from innodrive.services import publication

    with acting(by) as (store, actor):
        s = publication.publish(store, actor, region=region, as_of=_date(as_of, "as_of", default=dt.date.today()),
                                title=title)
    out.print(f"已发布公开摘要 #{s.id}《{escape(s.title)}》：目标 {len(s.targets)} 项；SHA-256 {s.sha256}")


@publish_app.command("npc")
def npc_command(as_of: str | None = typer.Option(None, "--as-of", help="截至日期（默认今天）"),
                region: str | None = typer.Option(None, "--region", help="地区（默认操作人所辖地区）"),
                title: str = typer.Option("", "--title", help="标题"),
                by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """冻结计划执行情况（目标、任务、督办、评估）报送人大常委会；专项工作报告据此起草。

    示例：innodrive publish npc --as-of 2025-06-30
    """
    import datetime as dt

    from innodrive.services import publication

    with acting(by) as (store, actor):
        s = publication.publish_npc(store, actor, as_of=_date(as_of, "as_of", default=dt.date.today()), region=region,
                                    title=title)
    out.print(_seal_line(s))


@publish_app.command("list")
def list_command(kind: str | None = typer.Option(None, "--kind", help="public、npc 或 tongbao"),
                 by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """列出发布的快照，并逐一核验其 SHA-256 与审计日志。"""
    from innodrive.services import publication

    with acting(by) as (store, actor):
        found = publication.snapshots(store, actor, kind=kind)
    if not found:
        out.print("尚无发布的快照")
    for s in found:
        out.print(_seal_line(s))


@publish_app.command("verify")
def verify_command(snapshot: int | None = typer.Argument(None, help="快照编号（不填则核验全部）"),
                   by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """核验快照：内容的 SHA-256 与记录一致、记录与发布时写入审计日志的一致。有不一致则以非零状态退出。"""
    from innodrive.errors import Conflict
    from innodrive.services import publication

    with acting(by) as (store, actor):
        found = [publication.get_snapshot(store, actor, snapshot)] if snapshot else publication.snapshots(store, actor)
    bad = [s for s in found if not s.intact]
    for s in found:
        (err if not s.intact else out).print(_seal_line(s))
    if bad:
        raise Conflict(f"{len(bad)} 个快照未通过完整性校验：" + "、".join(f"#{s.id}" for s in bad))
    out.print(f"全部 {len(found)} 个快照完整")


@publish_app.command("withdraw")
def withdraw_command(snapshot: int = typer.Argument(..., help="快照编号"),
                     by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """撤回一个快照（记录保留；公开摘要撤回后公众不再看到）。"""
    from innodrive.services import publication

    with acting(by) as (store, actor):
        publication.withdraw(store, actor, snapshot)
    out.print(f"已撤回快照 #{snapshot}")


@report_app.command("npc")
def npc_report_command(
    snapshot: int = typer.Argument(..., help="向人大报送的计划执行情况快照编号（innodrive publish npc）"),
    fmt: str = typer.Option("docx", "--format", "-f", help="docx 或 pdf"),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="输出文件或目录（默认当前目录）"),
    issued_on: str | None = typer.Option(None, "--date", help="报告日期（默认快照日期）"),
    template: Path | None = typer.Option(None, "--template", help="使用指定的模板文件（YAML）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """专项工作报告草稿（向人大常委会报告规划实施情况），只依据已冻结存证的快照（Word 或 PDF，另附 XLSX 明细）。

    示例：innodrive report npc 3 --format pdf
    """
    import datetime as dt

    from innodrive.reports.npc import build
    from innodrive.services import publication

    with acting(by) as (store, actor):
        snap = publication.get_snapshot(store, actor, snapshot)
    state = publication.npc_state_of(snap)
    published_on = snap.published_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    files = build(state, snapshot_id=snap.id, sha256=snap.sha256, published_on=published_on,
                  issued_on=_date(issued_on, "date") if issued_on else None,
                  template_path=str(template) if template else None)
    for p in write_document(files, fmt, out_path):
        out.print(f"已写出：{escape(str(p))}")
