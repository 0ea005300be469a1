"""Where the CLI writes: results to stdout, messages to stderr, both through Rich."""

from __future__ import annotations

from rich.console import Console

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


def warn(message: str) -> None:
    """A warning line. ``message`` is Rich markup: escape user text with :func:`escape`
    (a column named ``[/x]`` must be shown, not read as a closing tag)."""
    err.print(f"[yellow]警告[/yellow]：{message}", markup=True, highlight=False)


def error(message: str) -> None:
    err.print(f"[red]错误[/red]：{escape(message)}")


def escape(text: str) -> str:
    """Escape Rich markup in user-provided text (file names, messages)."""
    from rich.markup import escape as _escape

    return _escape(text)
