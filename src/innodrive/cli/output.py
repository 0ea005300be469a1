"""Where the CLI writes: results to stdout, messages to stderr, both through Rich."""

from __future__ import annotations

from rich.console import Console

from innodrive.console import err, error, escape, out, warn  # noqa: F401 — where they live (see there)


def print_table(table) -> None:
    """A Rich table on the terminal as wide as the terminal; piped to a file or another
    program, at its natural width, so nothing is folded or cropped."""
    if out.is_terminal:
        out.print(table)
        return
    from rich.measure import Measurement

    need = Measurement.get(out, out.options.update_width(10_000), table).maximum
    Console(file=out.file, width=max(out.width, need), highlight=False, soft_wrap=False).print(table)


def year_parser(option: str):
    """A Typer ``parser=`` for a year option, read the way ``data import`` reads years
    (2024, 2024年, 2024年度), refused in Chinese naming the option instead of Click's English
    "not a valid integer"."""

    def parse(text: str) -> int:
        from innodrive.dates import parse_year

        return parse_year(text, what=f"{option} 年份")

    parse.__name__ = "年份"  # shown as the option's metavar in --help
    return parse
