"""The ``innodrive`` console script: fast paths for ``extract FILE… --json``, ``extract
FILE… --out DIR [--jobs N]`` and a stored ``status`` board, else the full CLI.

Scripts call ``extract --json`` once per document; importing Typer (~0.15 s) and
pydantic (~0.2 s) would cost more than reading and extracting a 10 KB document. When
the command line is exactly that shape (files and ``--json``, nothing else),
:func:`try_run` does the whole job with the plain-record pipeline and returns the exit
status; for anything else (``--help``, other options, other commands) it returns
``None`` and the full Typer application (:func:`innodrive.cli.main`) runs. Both paths
print the same JSON (:func:`write_json`) and the same one-line messages. ``extract FILE…
--out DIR`` (a script extracting a folder) runs the command's own body
(:func:`innodrive.extract_command.run`) without Typer, which builds its options through
pydantic: about a quarter of the instructions of the process on the development corpus.

``status`` is run every morning and usually finds its board stored
(:mod:`innodrive.status_snapshot`); :func:`try_status` prints that board's stored
rendering when the command line has a shape it reads unambiguously, the operator may
see it (the same :func:`innodrive.services.access.can`), and Rich printed it before
under the same terminal profile — else the full CLI runs, which prints the same bytes.
This module lives outside ``innodrive.cli`` because importing that package imports
Typer and registers commands.
"""

from __future__ import annotations

import json
import sys

from innodrive.terminal import json_for_terminal, printable

NO_TARGETS = "文中未找到量化目标"


def main() -> None:
    """Run the command line. A Ctrl-C at any moment — on the fast path, or while the full
    CLI's modules are still being imported (half a second in which the commands' own
    handler, :class:`innodrive.cli.app._Group`, does not exist yet) — ends with the one
    message and status 130, never a traceback."""
    try:
        _main(sys.argv[1:])
    except KeyboardInterrupt:
        from innodrive.errors import INTERRUPTED

        sys.stderr.write(INTERRUPTED + "\n")
        sys.exit(130)


def _main(args: list[str]) -> None:
    try:
        status = try_run(args)
    except KeyboardInterrupt:
        raise
    except Exception:  # noqa: BLE001  — a bug on the fast path: the full CLI reports it properly
        status = None
    if status is not None:
        sys.exit(status)
    from innodrive.cli import main as full_cli

    full_cli()


def try_run(args: list[str]) -> int | None:
    """Run ``extract FILE… --json`` or ``extract FILE… --out DIR [--jobs N]`` when ``args``
    have exactly that shape, or print a stored ``status`` board (:func:`try_status`); else
    ``None``."""
    if args[:1] == ["status"]:
        return try_status(args[1:])
    if args[:1] == ["extract"] and "--json" not in args:
        shape = _extract_out_shape(args[1:])
        return _extract_out(*shape) if shape is not None else None
    if len(args) < 3 or args[0] != "extract" or "--json" not in args[1:]:
        return None
    files = [a for a in args[1:] if a != "--json"]
    if not files or any(a.startswith("-") for a in files) or args[1:].count("--json") != 1:
        return None
    from innodrive.extraction.batch import BatchFailed, extract_files

    payload = []
    failures = 0
    try:
        with extract_files(files) as batch:  # many files: on all cores, results in input order
            for _, (plan, message, _data) in batch.results():
                if message is not None:
                    failures += 1
                    print_error(message)
                    continue
                payload.append(plan.to_contract())
                if NO_TARGETS in plan.warnings:
                    print_warning(f"{plan.source.file}：{NO_TARGETS}")
    except BatchFailed as exc:
        print_error(str(exc))
        return exc.status
    write_json(payload[0] if len(files) == 1 and payload else payload)
    return 2 if failures else 0



def _extract_out_shape(args: list[str]) -> tuple[list[str], str, int | None] | None:
    """(files, folder, jobs) when ``args`` (after ``extract``) are exactly files, one
    ``--out DIR`` and at most one ``--jobs N`` / ``-j N`` (N a plain positive number), in
    any order; else ``None`` (the full CLI then parses them, and reports what is wrong)."""
    files: list[str] = []
    out_dir: str | None = None
    jobs: int | None = None
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--out", "--jobs", "-j"):
            if i + 1 == len(args) or args[i + 1].startswith("-"):
                return None
            value = args[i + 1]
            if a == "--out":
                if out_dir is not None:
                    return None
                out_dir = value
            else:
                if jobs is not None or not (value.isascii() and value.isdigit()) or value.startswith("0"):
                    return None
                jobs = int(value)
            i += 2
        elif a.startswith("-"):
            return None
        else:
            files.append(a)
            i += 1
    if not files or out_dir is None:
        return None
    return files, out_dir, jobs


def _extract_out(files: list[str], out_dir: str, jobs: int | None) -> int:
    """``innodrive extract FILE… --out DIR [--jobs N]`` without Typer: the command's own
    :func:`innodrive.extract_command.run`, and errors reported as :func:`innodrive.cli.main`
    reports them (the same lines, the same exit status)."""
    from pathlib import Path

    from innodrive.console import hide_python_warnings, report
    from innodrive.errors import InnodriveError
    from innodrive.extract_command import run

    hide_python_warnings()
    try:
        return run([Path(f) for f in files], out_dir=Path(out_dir), jobs=jobs)
    except InnodriveError as exc:
        return report(exc)


# the options of ``innodrive status`` a stored board answers (``--plan`` and ``--out`` never are)
STATUS_OPTIONS = {"--region": "region", "--as-of": "as_of", "--rules": "rules"}


def status_options(args: list[str]) -> dict[str, str] | None:
    """``status``'s options when ``args`` are only ``--region``, ``--as-of`` and ``--rules``,
    each at most once, as ``--opt VALUE`` or ``--opt=VALUE`` with a value that does not
    look like an option; ``None`` for anything else (``--help``, other or unknown options,
    arguments, ``--``), which the full CLI parses."""
    found: dict[str, str] = {}
    i = 0
    while i < len(args):
        opt, eq, value = args[i].partition("=")
        if opt not in STATUS_OPTIONS or STATUS_OPTIONS[opt] in found:
            return None
        if not eq:
            if i + 1 >= len(args):
                return None
            i += 1
            value = args[i]
        if not value or value.startswith("-"):
            return None
        found[STATUS_OPTIONS[opt]] = value
        i += 1
    return found


def try_status(args: list[str]) -> int | None:
    """Print the stored board of ``innodrive status ARGS`` as Rich printed it for this
    terminal profile; ``None`` when there is none or ``args`` are not a shape
    :func:`status_options` reads (the full CLI then runs: it computes, prints, stores, or
    refuses)."""
    options = status_options(args)
    if options is None:
        return None
    from innodrive import status_snapshot as snapshot
    from innodrive.dates import parse_optional_date
    from innodrive.errors import InputError

    rules = options.get("rules")
    if rules is not None and not snapshot.rule_set_name(rules):
        return None
    try:
        day = parse_optional_date(options.get("as_of"), field="as_of", what="--as-of")
    except InputError:
        return None  # the full CLI says what is wrong with the date
    hit = snapshot.stored_screen(day, options.get("region"), rules)
    printed = snapshot.rendering(hit.screen, snapshot.terminal_profile()) if hit is not None else None
    if printed is None:
        return None
    for stream, text in ((sys.stderr, printed["err"]), (sys.stdout, printed["out"])):
        if text:
            try:
                stream.write(text)
                stream.flush()
            except BrokenPipeError:  # as Rich does: nothing more to that pipe, status 1
                import os

                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
                return 1
    return 0


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
