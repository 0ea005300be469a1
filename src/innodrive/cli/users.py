"""``innodrive users add|list|disable|enable|reset-password|token``: accounts of the web workbench.

The first administrator is created from the command line by the local operator (a
person with a shell on the server can do everything anyway); from then on an
operator whose ``--by`` names a registered account acts with that account's rights.
Passwords are read from a hidden prompt, or from ``--password-stdin`` for scripts,
never from the command line (where other users of the machine could see them).
"""

from __future__ import annotations

import sys

import typer

from innodrive.cli.app import app
from innodrive.cli.output import escape, out

users_app = typer.Typer(help="网页工作台账号：新增、列出、停用/启用、重设密码、发放接口令牌。",
                        no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(users_app, name="users")

BY_HELP = "操作人（已注册的账号按其权限执行；默认取 INNODRIVE_USER 或登录名）"
ROLE_HELP = "角色：管理员、创新办、责任单位、区县、第三方评估、评审专家、人大"


def _session(by: str | None):
    from innodrive.services.identity import cli_actor
    from innodrive.store import open_store

    store = open_store()
    return store, cli_actor(store, by)


def _password(stdin: bool, prompt: str = "密码") -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def add_command(
    username: str = typer.Argument(..., help="用户名（登录用，不含空格）"),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    name: str = typer.Option("", "--name", help="姓名或显示名称"),
    region: str | None = typer.Option(None, "--region", help="所辖地区（名称或六位区划代码）；留空为全部地区"),
    unit: str | None = typer.Option(None, "--unit", help="责任单位账号的单位名称，与任务台账中的写法一致，如 市经信局"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取一行作为密码（脚本用）"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """新增网页工作台账号。

    示例：innodrive users add admin --role 管理员 --name 系统管理员
          innodrive users add jxj --role 责任单位 --unit 市经信局 --region 乐山市
          echo 'S3cret-pass1' | innodrive users add ls-office --role 创新办 --region 乐山市 --password-stdin
    """
    from innodrive.services import accounts

    store, actor = _session(by)
    try:
        view = accounts.add_user(store, actor, username=username, password=_password(password_stdin), role=role,
                                 name=name, region=region, unit=unit)
    finally:
        store.close()
    scope = view.region_name or "全部地区"
    out.print(f"已新增账号 {escape(view.username)}（{view.role_name}，{escape(scope)}"
              f"{'，' + escape(view.unit) if view.unit else ''}）")


@users_app.command("list")
def list_command(by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """列出全部账号（角色、地区、单位、状态、有效令牌数）。

    示例：innodrive users list
    """
    from rich.table import Table

    from innodrive.services import accounts

    store, actor = _session(by)
    try:
        users = accounts.list_users(store, actor)
    finally:
        store.close()
    table = Table(title=f"账号（{len(users)} 个）")
    for col in ("用户名", "姓名", "角色", "地区", "单位", "状态", "令牌"):
        table.add_column(col)
    for u in users:
        table.add_row(escape(u.username), escape(u.name), u.role_name, escape(u.region_name or "全部"),
                      escape(u.unit or "—"), "启用" if u.active else "[red]停用[/red]", str(u.tokens))
    out.print(table)


def _set_active(username: str, by: str | None, active: bool) -> None:
    from innodrive.services import accounts

    store, actor = _session(by)
    try:
        accounts.set_active(store, actor, username, active)
    finally:
        store.close()
    out.print(f"已{'启用' if active else '停用'}账号 {escape(username)}")


@users_app.command("disable")
def disable_command(username: str = typer.Argument(..., help="用户名"),
                    by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """停用账号：立即结束其登录会话，令牌失效，历史记录保留。

    示例：innodrive users disable zhangsan
    """
    _set_active(username, by, False)


@users_app.command("enable")
def enable_command(username: str = typer.Argument(..., help="用户名"),
                   by: str | None = typer.Option(None, "--by", help=BY_HELP)) -> None:
    """重新启用已停用的账号。

    示例：innodrive users enable zhangsan
    """
    _set_active(username, by, True)


@users_app.command("reset-password")
def reset_password_command(
    username: str = typer.Argument(..., help="用户名"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读取一行作为新密码"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """重设账号密码（该账号的登录会话随即结束）。

    示例：innodrive users reset-password zhangsan
    """
    from innodrive.services import accounts

    store, actor = _session(by)
    try:
        accounts.reset_password(store, actor, username, _password(password_stdin, "新密码"))
    finally:
        store.close()
    out.print(f"已重设账号 {escape(username)} 的密码")


@users_app.command("token")
def token_command(
    username: str = typer.Argument(..., help="用户名：令牌以该账号的权限访问 /api/v1"),
    label: str = typer.Option("脚本", "--label", help="用途说明，如 统计数据自动导入"),
    days: int = typer.Option(365, "--days", help="有效天数（1–3650）"),
    revoke: bool = typer.Option(False, "--revoke", help="吊销该账号的全部令牌，而不是发放新令牌"),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """发放（或吊销）接口令牌：脚本以 Authorization: Bearer <令牌> 调用 /api/v1。令牌只显示这一次。

    示例：innodrive users token ls-office --label 数据导入脚本 --days 90
          curl -H "Authorization: Bearer idv_…" http://127.0.0.1:8000/api/v1/board
    """
    from innodrive.services import accounts

    store, actor = _session(by)
    try:
        if revoke:
            n = accounts.revoke_tokens(store, actor, username)
            out.print(f"已吊销账号 {escape(username)} 的 {n} 个令牌")
            return
        issued = accounts.issue_token(store, actor, username, label=label, days=days)
    finally:
        store.close()
    until = issued.expires_at.date().isoformat() if issued.expires_at else "长期"
    out.print(f"账号 {escape(username)} 的接口令牌（有效至 {until}，只显示这一次，请妥善保存）：")
    print(issued.token)
