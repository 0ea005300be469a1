"""Screening a registry in several processes (:mod:`innodrive.enterprises.parallel`) writes
the same result file, byte for byte, and the same summary as one process; an error in the
file is the one a single reading reports; a fault or Ctrl-C leaves no process behind
(SYNTHETIC and CONSTRUCTED registries).

The registries here are small, read in slabs of a few dozen rows, so that every case
crosses many slabs and every worker: a duplicate credit code whose first row another
worker read, a first slab without a single good row (the header then comes with a later
slab), slabs of blank lines only, a quoted line break (a slab read row by row), rows
wider than the header."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from innodrive import tabular
from innodrive.enterprises import parallel, stream
from innodrive.enterprises.stream import screen_stream
from innodrive.errors import InnodriveError, InputError

from .test_pipeline import _registry_csv, _summary

ON = dt.date(2024, 6, 30)


@pytest.fixture(autouse=True)
def forking_allowed(monkeypatch):
    """Small registries in small slabs, and workers allowed in this test process (pytest-xdist
    runs a thread of its own, which would otherwise keep screening in one process)."""
    monkeypatch.setattr(tabular, "_MIN_SLAB_BYTES", 64)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "_alone", lambda: True)
    monkeypatch.setattr(parallel, "MAX_WORKERS", 4)  # three workers too: the protocol is for any number


def _workers(monkeypatch, n: int) -> None:
    monkeypatch.setattr(parallel.cores, "usable", lambda: n)


def _hard_registry(n: int = 900, seed: int = 5, *, encoding: str = "utf-8-sig", crlf: bool = False) -> bytes:
    """CONSTRUCTED from a SYNTHETIC registry: the first 60 rows without a credit code (no good
    row in the first slabs), later rows repeating the codes of rows far before them, a run of
    blank lines, a name with a quoted line break, every 7th row failing a check, wide rows."""
    lines = _registry_csv(n, seed, problems=True, wide=True).decode("utf-8-sig").split("\n")
    head, rows = lines[0], lines[1:-1]
    for i in range(60):
        rows[i] = "," + rows[i].split(",", 1)[1]
    for later, earlier in ((400, 100), (401, 100), (650, 300), (880, 120), (881, 381)):
        if later < len(rows):
            rows[later] = rows[earlier].split(",", 1)[0] + "," + rows[later].split(",", 1)[1]
    if len(rows) > 333:
        rows[333] = rows[333].split(",", 2)[0] + ',"合成\n企业",' + rows[333].split(",", 2)[2]
    width = head.count(",")
    at = min(500, len(rows) // 2)
    rows[at:at] = [""] * 120 + ["," * width] * 150
    text = "\n".join([head, *rows]) + "\n"
    return (text.replace("\n", "\r\n") if crlf else text).encode(encoding)


def _screen(data: bytes, tmp_path, tag: str, chunk_rows: int = 80, **kw):
    path = tmp_path / f"out-{tag}.csv"
    with open(path, "wb") as out:
        view = screen_stream(data, name="名录.csv", on=ON, out=out, fmt="csv", chunk_rows=chunk_rows, today=ON, **kw)
    return view, path.read_bytes()


def _spy_runs(monkeypatch) -> list[int]:
    runs: list[int] = []
    real = parallel.run

    def run(job, n, *a, **kw):
        runs.append(n)
        return real(job, n, *a, **kw)

    monkeypatch.setattr(parallel, "run", run)
    return runs


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_write_what_one_process_writes(tmp_path, monkeypatch, workers):
    data = _hard_registry()
    _workers(monkeypatch, 1)
    one_view, one = _screen(data, tmp_path, "one", background=False)
    _workers(monkeypatch, workers)
    runs = _spy_runs(monkeypatch)
    view, got = _screen(data, tmp_path, f"w{workers}", keep_rows=50)
    assert runs == [workers]  # the workers did the screening
    assert got == one
    one_view = screen_stream(data, name="名录.csv", on=ON, out=None, fmt="csv", chunk_rows=80, today=ON, keep_rows=50,
                             background=False)
    assert _summary(view) == _summary(one_view)
    assert [r.model_dump() for r in view.rows] == [r.model_dump() for r in one_view.rows]
    messages = [p.message for p in view.problems]
    assert any("与第" in m and "重复" in m for m in messages)  # duplicates across slabs were found
    assert any("整行未评价" in m for m in messages)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(("encoding", "crlf"), [("gb18030", False), ("utf-8-sig", True), ("utf-8", False)],
                         ids=["gb18030", "crlf", "no-bom"])
def test_other_encodings_and_line_ends_too(tmp_path, monkeypatch, encoding, crlf):
    data = _hard_registry(500, 6, encoding=encoding, crlf=crlf)
    _workers(monkeypatch, 1)
    one_view, one = _screen(data, tmp_path, "one", background=False)
    _workers(monkeypatch, 2)
    runs = _spy_runs(monkeypatch)
    view, got = _screen(data, tmp_path, "two")
    assert runs == [2]
    assert got == one and _summary(view) == _summary(one_view)


def test_every_slab_of_one_worker_empty_and_a_registry_without_good_rows(tmp_path, monkeypatch):
    data = _hard_registry(300)
    lines = data.decode("utf-8-sig").split("\n")
    no_codes = "\n".join([lines[0], *("," + x.split(",", 1)[1] if x else x for x in lines[1:])]).encode("utf-8-sig")
    for registry in (no_codes, data[:data.index(b"\n") + 1]):
        _workers(monkeypatch, 1)
        one_view, one = _screen(registry, tmp_path, "one", background=False)
        _workers(monkeypatch, 2)
        view, got = _screen(registry, tmp_path, "two")
        assert got == one and _summary(view) == _summary(one_view)


def test_direct_io_refused_writes_the_same_bytes(tmp_path, monkeypatch):
    data = _hard_registry()
    _workers(monkeypatch, 2)
    _, direct = _screen(data, tmp_path, "direct", chunk_rows=120)
    monkeypatch.setattr(parallel, "_own_descriptor", lambda fd: None)
    _, cached = _screen(data, tmp_path, "cached", chunk_rows=120)
    assert direct == cached


def test_a_result_after_earlier_bytes_starts_where_the_file_stood(tmp_path, monkeypatch):
    data = _hard_registry()
    _workers(monkeypatch, 1)
    _, one = _screen(data, tmp_path, "one", background=False)
    _workers(monkeypatch, 2)
    path = tmp_path / "after.csv"
    with open(path, "wb") as out:
        out.write(b"x" * 5000)
        screen_stream(data, name="名录.csv", on=ON, out=out, fmt="csv", chunk_rows=40, today=ON)
        out.write(b"END")
    assert path.read_bytes() == b"x" * 5000 + one + b"END"


def _wide_limit(monkeypatch, columns: int) -> None:
    real = stream._limits

    def limits():
        got = real()
        return tabular.Limits(max_rows=got.max_rows, max_columns=columns, max_cells=got.max_cells,
                              max_decompressed=got.max_decompressed, max_field_chars=got.max_field_chars)

    monkeypatch.setattr(stream, "_limits", limits)


def test_the_first_error_in_the_file_is_the_one_reported(tmp_path, monkeypatch):
    """Rows with more columns than allowed in two slabs of different workers: the error names
    the first, as one reading does, whichever worker found its own first."""
    lines = _hard_registry().split(b"\n")
    width = lines[0].count(b",") + 1
    _wide_limit(monkeypatch, width + 3)
    for at in (185, 150):  # the second in the slab after the first one's
        lines[at] = lines[at] + b",x" * 10
    data = b"\n".join(lines)
    real = tabular._slab_rows

    def slow_first(slab, encoding, delimiter, first_line, *a):  # the later error is found first
        if first_line <= 151 < first_line + slab.count(b"\n"):
            time.sleep(1.0)
        return real(slab, encoding, delimiter, first_line, *a)

    monkeypatch.setattr(tabular, "_slab_rows", slow_first)
    errors = {}
    for n in (1, 2, 3):
        _workers(monkeypatch, n)
        with pytest.raises(InputError) as err:
            _screen(data, tmp_path, f"err{n}", background=False)
        errors[n] = (str(err.value), err.value.row)
    assert errors[1][1] == 151
    assert errors[2] == errors[1] and errors[3] == errors[1]
    assert multiprocessing.active_children() == []


def test_the_limit_on_cells_counts_every_workers_cells(tmp_path, monkeypatch):
    """Rows wider than the header (read row by row) hold more cells than the lines times the
    header's width: each worker's own cells stay below the limit, all of them together do
    not, and the error is the one a single reading raises."""
    lines = _registry_csv(600, 9).split(b"\n")
    width = lines[0].count(b",") + 1
    for at in range(596, 601):  # the last slab (one reading adds the cells of the earlier slabs to its own)
        lines[at] += b",x" * 1850
    data = b"\n".join(lines)
    slabs = [(f.slab, f.cells, f.cells != len(f.frame) * width)
             for f in stream.open_registry(data, name="名录.csv").frames(40)]
    fast = 0  # what one reading counts: the cells of the slabs read whole so far, plus a slab read row by row
    one_reading = 0
    for _, cells, by_rows in slabs:
        one_reading = max(one_reading, fast + cells)
        fast += 0 if by_rows else cells
    per_worker = max(sum(c for k, c, _ in slabs if k % 2 == w) for w in (0, 1))
    lowest = max(per_worker, (data.count(b"\n") + 1) * width)  # below the lines times the width: never split
    assert lowest < one_reading
    monkeypatch.setattr(stream, "REGISTRY_LIMITS_CELLS", lowest)
    errors = {}
    for n in (1, 2):
        _workers(monkeypatch, n)
        runs = _spy_runs(monkeypatch)
        with pytest.raises(InputError) as err:
            _screen(data, tmp_path, f"cells{n}", chunk_rows=40 * n, background=False)  # slabs of 40 rows either way
        errors[n] = (str(err.value), err.value.row)
        assert runs == ([] if n == 1 else [2])
    assert "单元格的上限" in errors[1][0]
    assert errors[2] == errors[1]


def _screening_fails_after(monkeypatch, row: int, fail) -> None:
    """``screen_block`` calls ``fail()`` for a block starting after ``row`` (the workers inherit
    the patch by the fork)."""
    from innodrive.enterprises import screening

    real = screening.screen_block

    def screen_block(good, rows, *a, **kw):
        if int(rows[0]) > row:
            fail()
        return real(good, rows, *a, **kw)

    monkeypatch.setattr(screening, "screen_block", screen_block)


def test_ctrl_c_in_the_parent_ends_the_workers(tmp_path, monkeypatch):
    _workers(monkeypatch, 2)

    def progress(stage, done, total):
        if done > 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _screen(_hard_registry(), tmp_path, "stop", progress=progress)
    assert multiprocessing.active_children() == []


def test_workers_are_used_only_where_they_are_safe(tmp_path, monkeypatch):
    data = _hard_registry(200)
    _workers(monkeypatch, 8)
    monkeypatch.setattr(parallel, "MAX_WORKERS", 2)
    with open(tmp_path / "a.csv", "wb") as f:
        assert parallel.workers_for(data, stream.open_registry(data, name="名录.csv"), f, "csv") == 2  # the cap
    _workers(monkeypatch, 2)
    table = stream.open_registry(data, name="名录.csv")
    with open(tmp_path / "a.csv", "wb") as f:
        assert parallel.workers_for(data, table, f, "csv") == 2
        assert parallel.workers_for(data, table, f, "xlsx") == 1
        monkeypatch.setattr(parallel, "_alone", lambda: False)  # another thread runs: no fork
        assert parallel.workers_for(data, table, f, "csv") == 1
    monkeypatch.setattr(parallel, "_alone", lambda: True)
    assert parallel.workers_for(data, table, io.BytesIO(), "csv") == 1
    with open(tmp_path / "a.csv", "ab") as f:  # buffered, a plain file: appending works by position too
        assert parallel.workers_for(data, table, f, "csv") == 2
    monkeypatch.setattr(parallel, "MIN_BYTES", len(data) + 1)
    with open(tmp_path / "b.csv", "wb") as f:
        assert parallel.workers_for(data, table, f, "csv") == 1
    _workers(monkeypatch, 1)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    with open(tmp_path / "b.csv", "wb") as f:
        assert parallel.workers_for(data, table, f, "csv") == 1
    quoted_cr = data.replace(b"\n", b"\r", 3)  # a lone CR: the whole table is read row by row
    with open(tmp_path / "c.csv", "wb") as f:
        _workers(monkeypatch, 2)
        t = stream.open_registry(quoted_cr, name="名录.csv")
        assert parallel.workers_for(quoted_cr, t, f, "csv") == (2 if t.splittable() else 1)


def test_the_command_screens_in_workers(tmp_path):
    """``innodrive enterprises check`` (its progress display without a thread of its own) lets
    the screening fork: run in a fresh process, with the size threshold lowered."""
    data = _hard_registry()
    (tmp_path / "名录.csv").write_bytes(data)
    script = textwrap.dedent(f"""
        import sys
        from innodrive.enterprises import parallel
        from innodrive import tabular
        parallel.MIN_BYTES = 0
        parallel.cores.usable = lambda: 2
        tabular._MIN_SLAB_BYTES = 64
        runs = []
        real = parallel.run
        def run(job, n, *a, **kw):
            runs.append(n)
            return real(job, n, *a, **kw)
        parallel.run = run
        from innodrive.cli import main
        sys.argv = ["innodrive", "enterprises", "check", {str(tmp_path / "名录.csv")!r}, "--out",
                    {str(tmp_path / "结果.csv")!r}, "--on", "2024-06-30"]
        try:
            main()
        except SystemExit as e:
            assert not e.code, e.code
        print("RUNS", runs)
    """)
    env = {"INNODRIVE_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "RUNS [2]" in done.stdout
    assert (tmp_path / "结果.csv").read_bytes().startswith("\ufeff行号".encode())


class _Unpicklable(Exception):
    def __init__(self, lock):
        super().__init__("a fault carrying a lock")
        self.lock = lock

    def __reduce__(self):
        raise TypeError("cannot pickle this")


def _raise_fault():
    raise ZeroDivisionError("a fault of the screening")


def _kill_worker():  # the out-of-memory killer or a signal
    os.kill(os.getpid(), signal.SIGKILL)


def _raise_unpicklable():
    raise _Unpicklable(threading.Lock())


@pytest.mark.parametrize(("fail", "raised", "match"), [
    (_raise_fault, ZeroDivisionError, "a fault of the screening"),  # innodrive's fault: raised as is
    (_kill_worker, InnodriveError, "筛选子进程意外退出"),  # one Chinese line, not a hang
    (_raise_unpicklable, RuntimeError, "_Unpicklable: a fault carrying a lock"),  # its text reaches the parent
], ids=["fault", "killed", "unpicklable"])
def test_a_failing_worker_reaches_the_parent_and_no_process_is_left(tmp_path, monkeypatch, fail, raised, match):
    """A worker fails in the middle of the registry: the parent ends the others and raises
    (no result is claimed)."""
    _screening_fails_after(monkeypatch, 500, fail)
    _workers(monkeypatch, 2)
    with pytest.raises(raised, match=match):
        _screen(_hard_registry(), tmp_path, "failing")
    assert multiprocessing.active_children() == []


def test_a_title_row_above_the_header_some_programmes_and_no_advice(tmp_path, monkeypatch):
    data = _hard_registry(500, 8)
    data = "某市企业登记表（2024年）\n".encode("utf-8-sig") + data.removeprefix(b"\xef\xbb\xbf")
    kw = {"programmes": ["hnte", "tech_sme"], "with_gaps": False}
    _workers(monkeypatch, 1)
    one_view, one = _screen(data, tmp_path, "one", background=False, **kw)
    _workers(monkeypatch, 2)
    runs = _spy_runs(monkeypatch)
    view, got = _screen(data, tmp_path, "two", **kw)
    assert runs == [2]
    assert got == one and _summary(view) == _summary(one_view)
    assert [c.programme for c in view.counts] == ["hnte", "tech_sme"]
    assert b"\xe5\x9f\xb9\xe8\x82\xb2\xe5\xbb\xba\xe8\xae\xae" not in got.split(b"\n", 1)[0]  # no 培育建议 column
    assert view.problems[0].row > 2  # rows numbered under the title row


def _utf8_at_first(n: int = 400, ascii_rows: int = 200) -> bytes:
    """CONSTRUCTED: a GB18030 registry whose start is also UTF-8 (English headers, the first
    ``ascii_rows`` rows with their Chinese characters replaced by "?")."""
    from innodrive.enterprises.fields import FIELDS

    field_of = {f.header: name for name, f in FIELDS.items()}
    lines = _registry_csv(n, 8, problems=True).decode("utf-8-sig").split("\n")
    lines[0] = ",".join(field_of.get(h, h) for h in lines[0].split(","))
    lines[1:ascii_rows + 1] = [x.encode("ascii", "replace").decode() for x in lines[1:ascii_rows + 1]]
    return "\n".join(lines).encode("gb18030")


def test_the_workers_check_the_encoding_of_their_slabs(tmp_path, monkeypatch):
    """The parent checks only the start of a large registry; each worker checks its slabs.
    A file that is UTF-8 throughout is screened by the workers without a whole-file check;
    one that is not is read again whole, in the encoding a whole-file check finds."""
    monkeypatch.setattr(tabular, "DEFERRED_UTF8_PREFIX", 256)
    checked: list[int] = []
    real = tabular._decodes

    def decodes(data, encoding, final=True):
        checked.append(len(data))
        return real(data, encoding, final)

    monkeypatch.setattr(tabular, "_decodes", decodes)
    real_run, done = parallel.run, []
    monkeypatch.setattr(parallel, "run", lambda *a, **kw: done.append(real_run(*a, **kw)) or done[-1])
    for data in (_hard_registry(400), _utf8_at_first()):
        _workers(monkeypatch, 1)
        one_view, one = _screen(data, tmp_path, "one", background=False)
        _workers(monkeypatch, 2)
        done.clear()
        checked.clear()
        view, got = _screen(data, tmp_path, "two")
        assert got == one and _summary(view) == _summary(one_view)
        if data.startswith(b"\xef\xbb\xbf"):  # UTF-8: the parent checked its first 256 bytes only
            assert checked == [256] and done[0] is not None
        else:  # a worker found a slab that is not UTF-8: the file was read again, as GB18030
            assert done == [None] and max(checked) == len(data)


def test_a_table_opened_with_a_deferred_check_checks_each_slab(monkeypatch):
    monkeypatch.setattr(tabular, "DEFERRED_UTF8_PREFIX", 256)
    data = _utf8_at_first()
    assert tabular.open_table(data, name="名录.csv").encoding == "gb18030"
    table = tabular.open_table(data, name="名录.csv", deferred_utf8=True)
    assert table.encoding == "utf-8-sig" and table.utf8_unverified
    with pytest.raises(InputError, match="UTF-8"):
        for _ in table.frames(80, only=lambda k: True):
            pass
    utf8 = _hard_registry(400)
    table = tabular.open_table(utf8, name="名录.csv", deferred_utf8=True)
    assert table.utf8_unverified
    assert sum(len(f.frame) for f in table.frames(80, only=lambda k: True)) > 0
    small = tabular.open_table(utf8[:200], name="名录.csv", deferred_utf8=True)  # within the prefix: checked whole
    assert not small.utf8_unverified
