"""Command-line entry point: ``innodrive``.

Every command module attaches its commands to the shared Typer app when imported;
:func:`register` imports all of them, or only the one a start-up-sensitive command needs.
:func:`main` is the console script: it turns an :class:`~innodrive.errors.InnodriveError`
into one line on stderr and its exit status, and any other exception into a short
"内部错误" line — never a traceback, unless ``INNODRIVE_DEBUG=1``.
"""

from __future__ import annotations

import importlib
import sys

import innodrive.cli.app as _app_module  # the shared Typer app: every command needs it
from innodrive.errors import INTERRUPTED, InnodriveError

# ``innodrive.cli.app`` is the Typer application (``from innodrive.cli import app``), not
# the submodule the import above bound to this name: :func:`__getattr__` gives it,
# with every command registered.
globals().pop("app", None)

COMMAND_MODULES = ("assess", "chains", "data", "duban", "enterprises", "evaluation_sample", "extract", "index",
                   "kaohe", "market", "plans", "projects", "province", "publish", "report", "serve", "settings_cmd",
                   "status", "talent", "users")
# Commands whose module (and what it imports) is all they need: ``innodrive status`` is run
# every morning and should not first import the twenty other command modules and their
# services (about half of its start-up). ``extract`` in the forms the fast paths of
# :mod:`innodrive.launch` do not take (``-v``, the tables, ``--out`` with other options) is
# run by scripts over folders: registering every command cost 18 % of the instructions of
# ``extract --out`` on the development corpus through this CLI (2,501 M → 2,044 M), Typer
# building every command's parameters.
# ``enterprises check`` of a large registry waits for its start-up before its worker
# processes can begin: registering every command cost 0.2 s of its serial start here (Typer
# building the parameters of 169 commands).
ALONE = {"status": "status", "tasks": "status", "report-progress": "status", "review": "status",
         "milestone": "status", "audit": "status", "extract": "extract", "evaluate": "extract",
         "enterprises": "enterprises"}


def register(argv: list[str] | None = None) -> None:
    """Attach commands to the shared app: only the module of a command in :data:`ALONE`
    when ``argv`` runs one, else every command module (help, completion, the rest)."""
    first = argv[0] if argv else None
    names = (ALONE[first],) if first in ALONE else COMMAND_MODULES
    for name in names:
        importlib.import_module(f"innodrive.cli.{name}")


def __getattr__(name: str):
    if name == "app":  # ``from innodrive.cli import app``: the whole application
        register()
        return _app_module.app
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    from innodrive import settings
    from innodrive.cli.app import Interrupted, app
    from innodrive.console import err, error, hide_python_warnings, report

    register(sys.argv[1:] if argv is None else argv)
    if argv is None:
        hide_python_warnings()
    try:
        app(args=argv, prog_name="innodrive", standalone_mode=True)
    except SystemExit as exc:  # click/typer exit with a status
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if argv is None:
            sys.exit(code)
        return code
    except InnodriveError as exc:
        status = report(exc)
        if argv is None:
            sys.exit(status)
        return status
    except (KeyboardInterrupt, Interrupted):  # every command's Ctrl-C (see innodrive.cli.app._Group)
        err.print(INTERRUPTED, markup=False, highlight=False)
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
