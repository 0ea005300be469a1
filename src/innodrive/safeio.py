"""Files from strangers, and files we hand back: one guard for each direction.

An innovation office receives files from counties, enterprises and the public. Every
reader of a user-supplied file goes through :func:`read_input` (a regular file, read up
to a limit — a FIFO or ``/dev/zero`` behind a symlink is refused instead of read
forever) and every YAML goes through :func:`load_yaml` (bounded size, aliases, depth and
integer length — a 600-byte alias bomb must not take gigabytes). Every text cell written
to XLSX or CSV passes :func:`safe_cell`, so a name such as ``=HYPERLINK(…)`` is shown as
text and never runs as a formula when an official opens the workbook (OWASP's CSV
injection rule). Outputs are written by :func:`atomic_write`: a temporary file in the
target folder renamed over the target, never through a symlink, never half-written.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from functools import cache

from innodrive.errors import InputError

# logging, tempfile, pathlib and typing are imported where they are used: reading one
# document (``innodrive extract FILE --json``, once per file in scripts) needs none of
# them, and importing them would cost it more time than its whole extraction
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import IO, Any


# --- reading ---------------------------------------------------------------------


def read_input(path: str | Path, *, limit: int | None = None, what: str = "文件") -> bytes:
    """The bytes of a user-supplied file, refusing what is not a regular file or too big.

    ``limit`` defaults to ``INNODRIVE_MAX_INPUT_MB``. The size is checked on the file's
    status *and* while reading, so a file that grows (or lies about its size) is cut off.
    """
    from innodrive import settings

    p = os.fspath(path) or "."  # as pathlib reads an empty path
    limit = settings.max_input_bytes() if limit is None else limit
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{what}不存在", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"无法读取{what}：{exc.strerror or exc}", file=str(path)) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"这是一个文件夹，不是{what}", file=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise InputError("不是普通文件（设备、管道或套接字），拒绝读取", file=str(path))
    if st.st_size > limit:
        raise InputError(f"{what}大小 {st.st_size / 1048576:.1f} MB 超过上限 {limit / 1048576:.0f} MB"
                         f"（可用 INNODRIVE_MAX_INPUT_MB 调整）", file=str(path))
    try:
        with open(p, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise InputError(f"无法读取{what}：{exc.strerror or exc}", file=str(path)) from None
    if len(data) > limit:
        raise InputError(f"{what}超过大小上限 {limit / 1048576:.0f} MB", file=str(path))
    return data


# --- YAML ------------------------------------------------------------------------

YAML_MAX_BYTES = 2 * 1024 * 1024
YAML_MAX_NODES = 200_000
YAML_MAX_ALIASES = 1_000
YAML_MAX_DEPTH = 64
YAML_MAX_INT_DIGITS = 30


def load_yaml(text: str, *, name: str, shipped: bool = False) -> Any:
    """Parse YAML safely and within bounds, or raise :class:`InputError` naming ``name``.

    Only plain data (``safe_load``: no ``!!python`` tags). Aliases are counted and
    expanded nodes bounded, so an alias bomb is refused before it is expanded.
    ``shipped=True`` is for files bundled with innodrive itself (the indicator
    catalogue, the rule sets): still safe_load, parsed by libyaml when available —
    these are read on every start and need no bounds against their own authors.
    """
    import yaml

    if shipped:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader

    if len(text) > YAML_MAX_BYTES:
        raise InputError(f"YAML 文件过大（{len(text)} 字符，上限 {YAML_MAX_BYTES}）", file=name)
    try:
        loader = _loader_class()(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except _TooBig as exc:
        raise InputError(f"YAML 文件结构超出限制：{exc}", file=name) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"YAML 格式错误{('（' + where + '）') if where else ''}：{problem}", file=name) from None
    except RecursionError:
        raise InputError(f"YAML 嵌套层数过多（上限 {YAML_MAX_DEPTH}）", file=name) from None
    return data


class _TooBig(Exception):
    pass


def _bounded_loader_class():
    import yaml

    class Loader(yaml.SafeLoader):
        def __init__(self, stream):
            super().__init__(stream)
            self._aliases = 0
            self._nodes = 0
            self._depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self._aliases += 1
                if self._aliases > YAML_MAX_ALIASES:
                    raise _TooBig(f"别名（alias）超过 {YAML_MAX_ALIASES} 个")
            self._nodes += 1
            if self._nodes > YAML_MAX_NODES:
                raise _TooBig(f"节点超过 {YAML_MAX_NODES} 个")
            self._depth += 1
            if self._depth > YAML_MAX_DEPTH:
                raise _TooBig(f"嵌套超过 {YAML_MAX_DEPTH} 层")
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def construct_yaml_int(self, node):
            digits = sum(ch.isdigit() for ch in str(node.value))
            if digits > YAML_MAX_INT_DIGITS:
                raise _TooBig(f"整数位数超过 {YAML_MAX_INT_DIGITS} 位（第 {node.start_mark.line + 1} 行）")
            return super().construct_yaml_int(node)

        def construct_document(self, node):
            # Count the nodes an alias would expand to: a bomb of nested aliases is small
            # as a graph but huge as data.
            _expanded_size(node, {}, budget=[YAML_MAX_NODES])
            return super().construct_document(node)

    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    return Loader


def _expanded_size(node, memo: dict, budget: list[int]) -> int:
    import yaml

    key = id(node)
    if key in memo:
        size = memo[key]
    else:
        memo[key] = 1  # cycles count once
        if isinstance(node, yaml.SequenceNode):
            size = 1 + sum(_expanded_size(n, memo, budget) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            size = 1 + sum(_expanded_size(k, memo, budget) + _expanded_size(v, memo, budget) for k, v in node.value)
        else:
            size = 1
        memo[key] = size
    if size > budget[0]:
        raise _TooBig(f"展开后的节点超过 {YAML_MAX_NODES} 个（别名嵌套过深）")
    return size


@cache
def _loader_class():
    return _bounded_loader_class()


# --- writing ---------------------------------------------------------------------

XLSX_MAX_CELL = 32_767
# Characters XML 1.0 (and so XLSX) cannot hold — a control character in a registry cell or a
# file name would otherwise abort the whole workbook; in CSV they are terminal escapes.
ILLEGAL_CELL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
TRUNCATED_MARK = "…（内容过长已截断）"


def safe_cell(value: Any) -> Any:
    """A value ready for a spreadsheet cell (XLSX or CSV): numbers and dates unchanged,
    text that a spreadsheet would read as a formula prefixed with an apostrophe, control
    characters a workbook cannot hold removed, text longer than Excel's cell limit cut
    with a visible note."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CELL_CHARS.sub("", value)
    if value.startswith(_FORMULA_LEAD):
        value = "'" + value
    if len(value) > XLSX_MAX_CELL:
        # said in the cell and in the log, so a cut never goes unnoticed (the log line
        # gives lengths only, never the content: the cell may hold personal data)
        import logging

        logging.getLogger("innodrive.output").warning(
            "表格单元格内容 %d 个字符，超过 Excel 单元格上限 %d 个字符，已截断并在单元格末尾注明",
            len(value), XLSX_MAX_CELL)
        value = value[: XLSX_MAX_CELL - len(TRUNCATED_MARK)] + TRUNCATED_MARK
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


def _remove(path) -> None:
    """Remove a temporary file if it is there (a folder that is not one, or has gone, holds none)."""
    import contextlib

    with contextlib.suppress(OSError):
        os.unlink(path)


class AtomicFiles:
    """Many output files, each written as :func:`atomic_write` writes one, waiting for the
    disk once instead of once per file.

    Why: :func:`atomic_write` syncs each file before renaming it, and each sync commits the
    file system's journal: a batch of 139 extracted documents waited for the disk 139 times
    (about 3.4 ms each here). Here :meth:`write` writes a file's temporary file at once (a
    full disk or a refused folder is an error then, for that file alone), and :meth:`commit`
    syncs every temporary file — the first sync commits the journal that holds all of them,
    so the later ones find their data on the disk — and only then renames each over its
    name. A file is never visible half-written; leaving the ``with`` block by an exception
    (Ctrl-C, an error) removes every temporary file not yet renamed.
    """

    def __init__(self, *, what: str = "输出文件") -> None:
        self.what = what
        self._pending: list[tuple[Path, Path]] = []  # (temporary file, final name)

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        for tmp, _ in self._pending:
            _remove(tmp)
        self._pending.clear()

    def write(self, path: str | Path, data: bytes) -> None:
        """Write ``data`` to a temporary file beside ``path`` (renamed by :meth:`commit`)."""
        from pathlib import Path

        p = Path(path)
        _write_temporary(p, lambda f: f.write(data), self.what, sync=False,
                         then=lambda tmp: self._pending.append((tmp, p)))

    def commit(self) -> list[tuple[Path, InputError]]:
        """Sync every file written, then rename each; the files that failed (their temporary
        file removed) with their error, in the order written."""
        failed: list[tuple[Path, InputError]] = []
        synced = []
        for tmp, p in self._pending:
            try:
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                synced.append((tmp, p))
            except OSError as exc:
                _remove(tmp)
                failed.append((p, InputError(f"无法写入{self.what}：{exc.strerror or exc}", file=str(p))))
        for tmp, p in synced:
            try:
                os.replace(tmp, p)
            except OSError as exc:
                _remove(tmp)
                failed.append((p, InputError(f"无法写入{self.what}：{exc.strerror or exc}", file=str(p))))
        self._pending.clear()
        return failed


def _write_temporary(p: Path, write: Callable[[IO[bytes]], None], what: str, *, sync: bool,
                     then: Callable[[Path], None]) -> None:
    """A new temporary file beside ``p`` holding what ``write`` wrote (synced with ``sync``),
    handed to ``then`` (which renames it, or keeps it for later); removed again if anything
    before or in ``then`` fails."""
    import secrets
    from pathlib import Path

    folder = p.parent if str(p.parent) else Path(".")
    # The temporary file's name is chosen before it is created, and it is created inside the
    # ``try`` that removes it: a Ctrl-C arriving just after the file came into being (inside
    # ``tempfile.mkstemp``, before it returned the name) left it behind.
    tmp = folder / f".{p.name}.{secrets.token_hex(4)}.tmp"
    try:
        while True:
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
                break
            except FileExistsError:  # another writer's name (one in four billion): draw again
                tmp = folder / f".{p.name}.{secrets.token_hex(4)}.tmp"
            except FileNotFoundError:
                raise InputError(f"{what}的目录不存在", file=str(folder)) from None
            except OSError as exc:
                raise InputError(f"无法在该目录写入{what}：{exc.strerror or exc}", file=str(folder)) from None
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            if sync:
                os.fsync(f.fileno())
        then(tmp)
    except OSError as exc:
        _remove(tmp)
        raise InputError(f"无法写入{what}：{exc.strerror or exc}", file=str(p)) from None
    except BaseException:  # a Ctrl-C, an error of ``write``, or the folder refused the file
        _remove(tmp)
        raise


def atomic_write(path: str | Path, data: bytes | Callable[[IO[bytes]], None], *, what: str = "输出文件") -> Path:
    """Write ``data`` (bytes, or a function writing to a binary file) to ``path``
    through a temporary file in the same folder, then rename it over ``path``.

    A rename replaces a symlink at ``path`` instead of writing through it, and a full
    disk or a read-only folder leaves no half-written or empty file behind.
    """
    from pathlib import Path

    p = Path(path)
    _write_temporary(p, data if callable(data) else (lambda f: f.write(data)), what, sync=True,
                     then=lambda tmp: os.replace(tmp, p))
    return p
