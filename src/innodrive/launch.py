"""The ``innodrive`` console script: a fast path for ``extract FILE… --json``, else the full CLI.

Scripts call ``extract --json`` once per document; importing Typer (~0.15 s) and
pydantic (~0.2 s) would cost more than reading and extracting a 10 KB document. When
the command line is exactly that shape (files and ``--json``, nothing else),
:func:`try_run` does the whole job with the plain-record pipeline and returns the exit
status; for anything else (``--help``, other options, other commands) it returns
``None`` and the full Typer application (:func:`innodrive.cli.main`) runs. Both paths
print the same JSON (:func:`write_json`) and the same one-line messages. This module
lives outside ``innodrive.cli`` because importing that package registers every command.
"""

from __future__ import annotations

import json
import sys

from innodrive.terminal import json_for_terminal, printable

NO_TARGETS = "文中未找到量化目标"


def main() -> None:
    args = sys.argv[1:]
    try:
        status = try_run(args)
    except KeyboardInterrupt:
        print_error("已中断")
        sys.exit(130)
    except Exception:  # noqa: BLE001  — a bug on the fast path: the full CLI reports it properly
        status = None
    if status is not None:
        sys.exit(status)
    from innodrive.cli import main as full_cli

    full_cli()


def try_run(args: list[str]) -> int | None:
    """Run ``extract FILE… --json`` when ``args`` have exactly that shape; else ``None``."""
    if len(args) < 3 or args[0] != "extract" or "--json" not in args[1:]:
        return None
    files = [a for a in args[1:] if a != "--json"]
    if not files or any(a.startswith("-") for a in files) or args[1:].count("--json") != 1:
        return None
    from innodrive.errors import InnodriveError
    from innodrive.extraction.pipeline import run_path

    payload = []
    failures = 0
    for f in files:
        try:
            plan = run_path(f)
        except InnodriveError as exc:
            failures += 1
            print_error(str(exc))
            continue
        payload.append(plan.to_contract())
        if NO_TARGETS in plan.warnings:
            print_warning(f"{plan.source.file}：{NO_TARGETS}")
    write_json(payload[0] if len(files) == 1 and payload else payload)
    return 2 if failures else 0


def write_json(data) -> None:
    """JSON to stdout, indented, with nothing a terminal would interpret."""
    text = json_for_terminal(json.dumps(data, ensure_ascii=False, indent=2))
    out = sys.stdout
    out.write(text)
    out.write("\n")
    out.flush()


def print_error(message: str) -> None:
    sys.stderr.write(f"错误：{printable(message)}\n")


def print_warning(message: str) -> None:
    sys.stderr.write(f"警告：{printable(message)}\n")
