"""Command-line entry point: ``innodrive``.

Importing this package registers every command module on the shared Typer app.
:func:`main` is the console script: it turns an :class:`~innodrive.errors.InnodriveError`
into one line on stderr and its exit status, and any other exception into a short
"内部错误" line — never a traceback, unless ``INNODRIVE_DEBUG=1``.
"""

from __future__ import annotations

import sys

from innodrive.cli import (  # noqa: F401  (registers commands)
    assess,
    chains,
    data,
    duban,
    enterprises,
    evaluation_sample,
    extract,
    index,
    kaohe,
    market,
    plans,
    projects,
    province,
    publish,
    report,
    serve,
    settings_cmd,
    status,
    talent,
    users,
)
from innodrive.cli.app import app
from innodrive.errors import InnodriveError

_MAX_PROBLEMS = 50


def _print_problems(exc: InnodriveError) -> None:
    """Every located problem of a bulk check (bad rows, bad framework entries), one line
    each. A single problem is already the message itself, so it is not repeated."""
    from innodrive.cli.output import err, escape

    if not exc.problems:
        return
    if len(exc.problems) == 1 and str(exc.problems[0].message) in exc.message:
        return  # the message already is the one problem
    for p in exc.problems[:_MAX_PROBLEMS]:
        err.print(f"  [red]✗[/red] {escape(str(p))}")
    if len(exc.problems) > _MAX_PROBLEMS:
        err.print(f"  …… 其余 {len(exc.problems) - _MAX_PROBLEMS} 处问题未列出")


def main(argv: list[str] | None = None) -> int:
    from innodrive import settings
    from innodrive.cli.output import error

    try:
        app(args=argv, prog_name="innodrive", standalone_mode=True)
    except SystemExit as exc:  # click/typer exit with a status
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if argv is None:
            sys.exit(code)
        return code
    except InnodriveError as exc:
        _print_problems(exc)
        error(str(exc))
        if argv is None:
            sys.exit(exc.status)
        return exc.status
    except KeyboardInterrupt:
        error("已中断（未完成的写入均已撤销）")
        if argv is None:
            sys.exit(130)
        return 130
    except Exception as exc:  # a bug in innodrive, not the user's fault
        if settings.debug():
            raise
        error(f"内部错误（{type(exc).__name__}: {exc}）。请设置 INNODRIVE_DEBUG=1 重试并报告此问题。")
        if argv is None:
            sys.exit(70)
        return 70
    return 0
