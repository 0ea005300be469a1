"""The Typer application object shared by every command module.

Command modules (``innodrive.cli.extract`` and friends) attach their commands to
:data:`app`; :mod:`innodrive.cli` imports them all. Commands stay thin: parse the
arguments, call one library function, print with Rich. Heavy libraries are imported
inside the command functions so that start-up stays fast.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="innodrive",
    help="innodrive：创新驱动发展政策文件的计划抽取、目标跟踪、考核评价与企业梯度培育。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def _root() -> None:
    """innodrive：创新驱动发展政策文件的计划抽取、目标跟踪、考核评价与企业梯度培育。"""
