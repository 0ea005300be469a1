"""The Typer application object shared by every command module.

Command modules (``innodrive.cli.extract`` and friends) attach their commands to
:data:`app`; :mod:`innodrive.cli` imports them all. Commands stay thin: parse the
arguments, call one library function, print with Rich. Heavy libraries are imported
inside the command functions so that start-up stays fast.
"""

from __future__ import annotations

import typer
from typer.core import TyperGroup


class Interrupted(Exception):  # noqa: N818 - it is what happened, not an error of the user's
    """Ctrl-C during a command, carried past Typer to :func:`innodrive.cli.main`.

    Typer turns a ``KeyboardInterrupt`` raised by a command into a silent exit status 130;
    raised as this instead, it reaches ``main``, which says so in one line (exit status 130)."""


class _Group(TyperGroup):
    """The root command group: a Ctrl-C anywhere in any command (sub-groups run inside this
    ``invoke``) leaves as :class:`Interrupted`, so one place reports every interruption."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted() from None


app = typer.Typer(
    cls=_Group,
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
