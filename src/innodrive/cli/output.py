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
    """Escape Rich markup in user-provided text (file names, messages), and drop the
    terminal escape sequences and control characters it may carry."""
    from rich.markup import escape as _escape

    from innodrive.terminal import printable

    return _escape(printable(text))


def print_table(table) -> None:
    """A Rich table on the terminal as wide as the terminal; piped to a file or another
    program, at its natural width, so nothing is folded or cropped."""
    if out.is_terminal:
        out.print(table)
        return
    from rich.measure import Measurement

    need = Measurement.get(out, out.options.update_width(10_000), table).maximum
    Console(file=out.file, width=max(out.width, need), highlight=False, soft_wrap=False).print(table)
