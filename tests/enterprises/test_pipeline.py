"""Screening with the next block read, and the result's lines written, in background threads
(:mod:`innodrive.enterprises.pipeline`) gives the same result as the plain sequential loop,
and leaves no thread behind, whatever ends it: the end of the registry, an error while
reading a block, an error while writing, Ctrl-C (SYNTHETIC and CONSTRUCTED registries)."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import threading

import numpy as np
import pytest

from innodrive.enterprises import stream
from innodrive.enterprises.expr import EPOCH
from innodrive.enterprises.fields import FIELDS
from innodrive.enterprises.pipeline import read_ahead, write_behind
from innodrive.enterprises.stream import screen_stream
from innodrive.errors import InputError

from .ent_helpers import holey_registry, make_code

ON = dt.date(2024, 6, 30)


@pytest.fixture(autouse=True)
def small_slabs(monkeypatch):
    """Blocks of ``chunk_rows`` rows even in a small CSV (the C parser reads at least a
    megabyte at a time otherwise): many blocks flow through the queues."""
    from innodrive import tabular

    monkeypatch.setattr(tabular, "_MIN_SLAB_BYTES", 64)


def _registry_csv(n: int, seed: int, *, problems: bool = False, wide: bool = False, encoding: str = "utf-8-sig") -> bytes:
    """A SYNTHETIC registry as a user's CSV (是/否 flags, dates, amounts with two decimals);
    ``problems``: every 7th row breaks a check (科技人员数 above 职工总数); ``wide``: a few
    rows carry filled cells beyond the header (reported, not read)."""
    frame = holey_registry(n, seed=seed, unknown_rows=3)
    if problems:
        bad = np.arange(n) % 7 == 3
        frame.loc[bad, "employees_total"] = 10.0
        frame.loc[bad, "tech_staff"] = 11.0
    header, columns = [FIELDS["credit_code"].header, FIELDS["name"].header], []
    for name, spec in FIELDS.items():
        if name not in frame or spec.kind == "text":
            continue
        v = frame[name]
        if spec.kind == "flag":
            cells = np.where(v.isna(), "", np.where(v == 1, "是", "否"))
        elif spec.kind == "date":
            days = v.fillna(0).astype("int64").to_numpy()
            cells = np.where(v.isna(), "", (np.datetime64(EPOCH) + days.astype("timedelta64[D]")).astype(str))
        else:
            cells = np.where(v.isna(), "", v.round(2).astype(str))
        header.append(spec.header)
        columns.append(cells.tolist())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for i in range(n):
        row = [make_code(i + 1), f"合成企业{i}，\"甲\"" if i % 11 == 5 else f"合成企业{i}", *(c[i] for c in columns)]
        if wide and i % 13 == 6:
            row += ["多出的值"]
        w.writerow(row)
    return buf.getvalue().encode(encoding)


def _run(data: bytes, fmt: str, background: bool, tmp_path, chunk_rows: int, name: str = "名录.csv"):
    """Screen ``data`` into a real file (the writer thread writes only to a file descriptor)."""
    path = tmp_path / f"out-{background}.{fmt}"
    blocks = []
    with open(path, "wb") as out:
        view = screen_stream(data, name=name, on=ON, out=out, fmt=fmt, chunk_rows=chunk_rows, today=ON,
                             background=background, progress=lambda *a: blocks.append(a))
    assert len(blocks) >= min(view.total_rows // chunk_rows, 5)  # many blocks went through
    return view, path.read_bytes()


def _summary(view) -> tuple:
    return (view.total_rows, view.evaluated_rows, view.bad_rows,
            [(p.file, p.row, p.field, p.message) for p in view.problems],
            [(r.row, r.credit_code, [(c.programme, c.state, c.reasons, c.advice) for c in r.verdicts]) for r in view.rows],
            [(c.programme, c.passed, c.manual_review, c.needs_data, c.failed, c.within_reach) for c in view.counts])


def _xlsx_cells(data: bytes) -> dict[str, list[tuple]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


REGISTRIES = {
    "plain": lambda: _registry_csv(150, 1),
    "problems and wide rows": lambda: _registry_csv(140, 2, problems=True, wide=True),
    "GB18030": lambda: _registry_csv(80, 3, problems=True, encoding="gb18030"),
    "empty": lambda: _registry_csv(0, 4),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("registry", sorted(REGISTRIES))
def test_the_pipeline_writes_what_the_sequential_loop_writes(tmp_path, registry, fmt):
    data = REGISTRIES[registry]()
    threads = threading.active_count()
    for chunk_rows in (9, 40):  # many small blocks: the queues fill and empty many times
        plain_view, plain = _run(data, fmt, False, tmp_path, chunk_rows)
        view, got = _run(data, fmt, True, tmp_path, chunk_rows)
        assert threading.active_count() == threads
        assert _summary(view) == _summary(plain_view)
        if fmt == "csv":
            assert got == plain
        else:  # a workbook's zip carries times: compared cell by cell
            assert _xlsx_cells(got) == _xlsx_cells(plain)
    if registry == "problems and wide rows":
        assert any(p.field == "整行" for p in view.problems) and any(p.field != "整行" for p in view.problems)
    if registry == "empty":
        assert view.total_rows == 0


def test_an_in_memory_result_is_written_by_the_main_thread_and_is_the_same(tmp_path):
    data = _registry_csv(150, 5, problems=True)
    outs = []
    for background in (False, True):
        buf = io.BytesIO()
        screen_stream(data, name="名录.csv", on=ON, out=buf, fmt="csv", chunk_rows=16, today=ON, background=background)
        outs.append(buf.getvalue())
    assert outs[0] == outs[1]


def _failing_blocks(k: int, exc: BaseException):
    """``raw_frames`` that gives the registry's first ``k`` blocks, then raises ``exc``."""
    real = stream.raw_frames

    def frames(*args, **kwargs):
        for i, block in enumerate(real(*args, **kwargs)):
            if i == k:
                raise exc
            yield block

    return frames


# an abandoned result workbook (openpyxl's write-only generators) complains when collected,
# sequential or not: collected inside the test that abandons it
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_error_reading_block_k_reaches_the_caller_as_is_and_no_thread_is_left(tmp_path, monkeypatch, fmt):
    data = _registry_csv(200, 6)
    threads = threading.active_count()
    error = InputError("第 57 行有 1,200 列，超过 1,000 列的上限", file="名录.csv", row=57)
    monkeypatch.setattr(stream, "raw_frames", _failing_blocks(3, error))
    for background in (True, False):
        with pytest.raises(InputError) as caught:
            _run(data, fmt, background, tmp_path, 10)
        assert caught.value is error and str(caught.value) == str(error)
        assert threading.active_count() == threads
    gc.collect()


def test_a_real_reading_error_deep_in_the_registry_is_the_same_with_threads(tmp_path):
    """A row beyond the column limit well after the first blocks (found by the row path the
    C parser hands its slab to): the same InputError, file and row, either way."""
    from innodrive import tabular

    data = _registry_csv(150, 7)
    lines = data.split(b"\n")
    lines[120] += b"," * (tabular.DEFAULT_LIMITS.max_columns + 5)
    data = b"\n".join(lines)
    threads = threading.active_count()
    messages = []
    for background in (False, True):
        with pytest.raises(InputError) as caught:
            _run(data, "csv", background, tmp_path, 12)
        messages.append((type(caught.value), str(caught.value), caught.value.file, caught.value.row))
        assert threading.active_count() == threads
    assert messages[0] == messages[1] and messages[0][3] == 121


# an abandoned result workbook (openpyxl's write-only generators) complains when collected,
# sequential or not: collected inside the test that abandons it
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ctrl_c_mid_stream_stops_the_threads(tmp_path, fmt):
    data = _registry_csv(300, 8)
    threads = threading.active_count()
    seen = []

    def progress(stage, done, total):
        seen.append(done)
        if len(seen) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), open(tmp_path / f"out.{fmt}", "wb") as out:
        screen_stream(data, name="名录.csv", on=ON, out=out, fmt=fmt, chunk_rows=10, today=ON, progress=progress,
                      background=True)
    assert threading.active_count() == threads and len(seen) == 4
    gc.collect()


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "page-cache"])
@pytest.mark.parametrize("background", [True, False], ids=["threads", "sequential"])
def test_a_write_error_reaches_the_caller_and_no_thread_is_left(tmp_path, monkeypatch, direct, background):
    """A full disk while the result is written (by direct I/O from aligned buffers, or by
    ``os.writev`` through the page cache) is raised to the caller, with no thread left."""
    import os

    from innodrive import directio

    data = _registry_csv(300, 9)
    threads = threading.active_count()
    calls = []
    real_write, real_writev = os.write, os.writev
    if not direct:
        monkeypatch.setattr(directio.DirectWriter, "start", classmethod(lambda cls, fd, size=0: None))
    else:
        monkeypatch.setattr(directio.DirectWriter, "start",
                            classmethod(lambda cls, fd, size=0, _s=directio.DirectWriter.start.__func__:
                                        _s(cls, fd, 64 * 1024)))  # many buffers for 300 rows

    def failing(real):
        def call(fd, data):
            calls.append(fd)
            if len(calls) == 3:
                raise OSError(28, "No space left on device")
            return real(fd, data)
        return call

    monkeypatch.setattr(os, "write", failing(real_write))
    monkeypatch.setattr(os, "writev", failing(real_writev))
    with pytest.raises(OSError, match="No space left"):
        _run(data, "csv", background, tmp_path, 10)
    assert len(calls) == 3 and threading.active_count() == threads


@pytest.mark.parametrize("background", [True, False], ids=["threads", "sequential"])
def test_direct_io_and_the_page_cache_write_the_same_result(tmp_path, monkeypatch, background):
    """The result file is the same bytes whether it goes to the disk by direct I/O (small
    buffers here, so that lines straddle many of them) or through the page cache."""
    from innodrive import directio

    data = _registry_csv(400, 12)
    expected = directio.supported(tmp_path)
    started = []
    real = directio.DirectWriter.start.__func__

    def small(cls, fd, size=0):
        w = real(cls, fd, 8192)
        started.append(w is not None)
        return w

    monkeypatch.setattr(directio.DirectWriter, "start", classmethod(small))
    view_d, direct = _run(data, "csv", background, tmp_path, 25)
    monkeypatch.setattr(directio.DirectWriter, "start", classmethod(lambda cls, fd, size=0: None))
    view_p, cached = _run(data, "csv", background, tmp_path, 25)
    assert started == [expected]
    assert direct == cached and len(direct) > 16 * 8192
    assert _summary(view_d) == _summary(view_p)


def test_progress_is_reported_per_block_as_before(tmp_path):
    data = _registry_csv(100, 10)
    reports = {}
    for background in (False, True):
        got = []
        with open(tmp_path / "o.csv", "wb") as out:
            screen_stream(data, name="名录.csv", on=ON, out=out, fmt="csv", chunk_rows=9, today=ON,
                          progress=lambda *a, _got=got: _got.append(a), background=background)
        reports[background] = got
    assert reports[True] == reports[False] and len(reports[True]) > 5


# ------------------------------------------------------------------ the two helpers alone


def test_read_ahead_keeps_order_and_stays_within_its_depth():
    made, taken = [], []

    def items():
        for i in range(50):
            made.append(i)
            yield i

    with read_ahead(items(), depth=2) as it:
        for x in it:
            taken.append(x)
            assert len(made) - len(taken) <= 3  # the queued ones and the one being made
    assert taken == list(range(50))


def test_read_ahead_left_early_closes_the_source_in_its_thread_and_joins():
    closed = []
    threads = threading.active_count()

    def items():
        try:
            yield from range(1000)
        finally:
            closed.append(threading.current_thread().name)

    with read_ahead(items()) as it:
        assert next(it) == 0
    assert threading.active_count() == threads
    assert closed == ["innodrive-read-ahead"]


def test_write_behind_writes_in_order_and_raises_the_first_error_once_joined():
    written = []
    with write_behind(written.append, depth=2) as w:
        for i in range(100):
            w.submit(i)
    assert written == list(range(100))

    threads = threading.active_count()

    def write(item):
        if item == 5:
            raise ValueError("fifth")
        written.append(item)

    written.clear()
    with pytest.raises(ValueError, match="fifth"), write_behind(write, depth=1) as w:
        for i in range(100):
            w.submit(i)
    assert written == [0, 1, 2, 3, 4] and threading.active_count() == threads


def test_write_behind_left_by_an_exception_drops_the_rest_and_keeps_that_exception():
    threads = threading.active_count()
    release = threading.Event()
    written = []

    def write(item):
        release.wait(5)
        written.append(item)

    with pytest.raises(KeyboardInterrupt), write_behind(write, depth=2) as w:
        for i in range(3):
            w.submit(i)
        release.set()
        raise KeyboardInterrupt
    assert threading.active_count() == threads and len(written) <= 3


def test_a_wide_row_starting_a_slab_is_reported_while_the_main_thread_ignores_warnings(tmp_path):
    """The reader thread finds a wide first line without the process's warning filters (which
    the main thread may change at any moment, as pandas does inside some operations): with
    the main thread ignoring every warning between blocks, every wide row is still reported
    as the sequential loop reports it. (With the slab reader of before, which caught pandas'
    warning by ``warnings.catch_warnings``, this lost a wide row in one run of two: its
    extra cells dropped and the row screened.)"""
    import time
    import warnings

    data = _registry_csv(90, 11, wide=True)
    got = {}
    for background in (False, True):
        def progress(stage, done, total, _spin=0.02 if background else 0):
            end = time.perf_counter() + _spin
            while time.perf_counter() < end:  # the reader parses the next slab meanwhile
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")

        with open(tmp_path / "o.csv", "wb") as out:
            view = screen_stream(data, name="名录.csv", on=ON, out=out, fmt="csv", chunk_rows=1, today=ON,
                                 progress=progress, background=background)
        got[background] = [(p.row, p.field, p.message) for p in view.problems if p.field == "整行"]
    assert got[True] == got[False] and len(got[True]) == len(range(6, 90, 13))
