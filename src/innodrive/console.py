"""Where innodrive's commands write: results to stdout, messages to stderr, both through Rich.

The consoles live outside :mod:`innodrive.cli` (which re-exports them from
:mod:`innodrive.cli.output`): importing that package imports Typer, and the fast paths of
:mod:`innodrive.launch` print through these same consoles without it.
"""

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


def hide_python_warnings() -> None:
    """Python's warnings (a NumPy overflow on an absurd amount, a library's deprecation) are
    for developers and quote source lines; a user gets innodrive's own messages only.
    ``python -W …`` or INNODRIVE_DEBUG shows them again."""
    import sys

    from innodrive import settings

    if not sys.warnoptions and not settings.debug():
        import warnings

        warnings.simplefilter("ignore")


def report(exc) -> int:
    """An :class:`~innodrive.errors.InnodriveError` as every face of the command line
    reports it: its located problems, then its own line; returns its exit status."""
    print_problems(exc)
    error(str(exc))
    return exc.status


def print_problems(exc, limit: int = 50) -> None:
    """Every located problem of a bulk check (bad rows, bad framework entries), one line
    each, before the error's own line. A single problem is already the message itself,
    so it is not repeated."""
    if not exc.problems:
        return
    if len(exc.problems) == 1 and str(exc.problems[0].message) in exc.message:
        return  # the message already is the one problem
    for p in exc.problems[:limit]:
        err.print(f"  [red]✗[/red] {escape(str(p))}")
    if len(exc.problems) > limit:
        err.print(f"  …… 其余 {len(exc.problems) - limit} 处问题未列出")
