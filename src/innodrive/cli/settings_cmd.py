"""``innodrive settings``: list every setting with its current value."""

from __future__ import annotations

from innodrive.cli.app import app


@app.command("settings")
def settings_command() -> None:
    """列出全部配置项（环境变量、默认值、当前值、说明）。

    示例：innodrive settings
    """
    from rich.table import Table

    from innodrive import settings
    from innodrive.cli.output import out

    table = Table(title="innodrive 配置项")
    table.add_column("环境变量", no_wrap=True)  # a name that is cut off cannot be typed
    for col in ("默认值", "当前值", "说明"):
        table.add_column(col, overflow="fold")
    for s in settings.SETTINGS:
        value = settings.get(s.name)
        shown = ("（已设置，不显示）" if value else "（空）") if s.secret else (value or "（空）")
        table.add_row(s.env, s.default or "（空）", shown, s.help)
    out.print(table)
