"""Screening a large CSV registry in several processes, each writing its part of the result in place.

Why: screening a million rows is mostly Python work (checks, verdicts, reasons, CSV lines),
and Python work in threads takes turns on one GIL: the reader and writer threads of
:mod:`innodrive.enterprises.pipeline` gain 15-25 % on two cores. Processes use every core.

How, so that the result is the same file as one process writes (byte for byte, tested):

* The parent opens the registry (encoding, header) and forks the workers; the registry's
  bytes are shared by the fork, never copied or sent. Worker ``w`` of ``n`` reads slabs
  ``w, w + n, …`` (:meth:`innodrive.tabular.Table.frames` with ``only``): the same slabs,
  row numbers and cells as one reading.
* Two things span slabs, and the workers tell each other about them in slab order, each
  message sent as soon as it is known: the credit codes first seen in a slab (a row that
  repeats the code of *any* earlier row is a problem naming that row, so before checking
  slab ``k`` a worker takes in the new codes of every earlier slab), and the size of each
  slab's lines (slab ``k``'s lines start after the header and the lines of every earlier
  slab). A worker only ever waits for slabs before its own, so no two workers wait for each
  other.
* Each worker writes its slab's lines at their place in the output file: the page-aligned
  inside by direct I/O through a descriptor of its own (:class:`~innodrive.directio.DirectWriter`),
  the two unaligned ends, whose pages neighbouring slabs share, through the page cache with
  ``pwrite``. Where direct I/O is refused, everything goes through ``pwrite``.
* What the summary needs (counts, problems, the first rows for display) comes back to the
  parent per slab, and is added up in slab order.

Used only where it is safe and pays (:func:`workers_for`): a CSV result in a plain file,
a registry CSV read by slabs, more than one usable core, Linux (``fork``, ``pwrite``,
``/proc/self/fd``), and a parent that runs no other thread (a thread holding a lock at the
fork would leave the lock held in the child). Ctrl-C stops the workers (they ignore the
signal; the parent ends them) and the caller's temporary output is removed as before; an
error in a worker (an :class:`~innodrive.errors.InputError` about a row) is raised in the
parent unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import mmap
import os
import pickle
import queue
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from innodrive import cores
from innodrive.directio import ALIGN, BUFFER, DirectWriter

MIN_BYTES = 32 << 20  # a smaller registry is screened in one process: starting workers costs more than it saves
# Workers at most. Each holds its blocks and every credit code read so far (a dict of 1M codes
# is about 140 MB): at 1M rows the command measured 1.83 GB summed over its processes with 2
# workers, 2.06 GB with 3 and 2.27 GB with 4 (forced on a 2-core machine) — more than 2 would
# cross the 2 GB target. Raising it needs the codes passed between workers stored compactly.
MAX_WORKERS = 2
_POLL = 0.5  # seconds between checks, while waiting, that the other side is still alive


@dataclass
class SlabTally:
    """What one slab adds to the summary."""

    slab: int
    rows: int = 0  # rows read (blank rows left out)
    cells: int = 0  # cells read, for the table reader's limit on cells
    evaluated: int = 0
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # programme -> count per state (4)
    reach: dict[str, int] = field(default_factory=dict)
    problems: list = field(default_factory=list)
    shown: list = field(default_factory=list)

    def add(self, block, rule_sets, rows: int) -> None:
        """Count a screened block of ``rows`` rows: its verdicts and the rows within reach, per programme."""
        self.evaluated += rows
        for rs in rule_sets:
            counts = np.bincount(block.states[rs.programme], minlength=4)[:4]
            self.counts[rs.programme] = self.counts.get(rs.programme, 0) + counts
            self.reach[rs.programme] = self.reach.get(rs.programme, 0) + int(block.within_reach[rs.programme].sum())


@dataclass
class Job:
    """Everything a worker needs, set up by the parent before the fork."""

    source: bytes
    name: str
    table: object  # the opened registry (innodrive.tabular.Table), not yet read
    keep: set[str]  # the headers read
    mapping: dict
    today: dt.date | None
    rule_sets: list
    on: dt.date
    with_gaps: bool
    keep_rows: int
    chunk_rows: int
    fd: int  # the output file's descriptor (inherited by the workers)
    base: int  # the output file's offset where the result starts
    batch: int  # rows joined into CSV lines at a time
    view_rows: Callable  # (block, limit) -> the first rows for display


def workers_for(source: bytes, table, out: IO[bytes] | None, fmt: str) -> int:
    """How many processes should screen this registry into ``out`` (1: the usual single process).
    ``table`` ``None``: as many as may, if the opened registry turns out splittable."""
    if fmt != "csv" or out is None or len(source) < MIN_BYTES:
        return 1
    if not sys.platform.startswith("linux") or not hasattr(os, "fork") or not hasattr(os, "pwritev"):
        return 1
    n = min(cores.usable(), MAX_WORKERS)
    if n < 2 or not _alone():
        return 1
    if type(out) is not io.BufferedWriter or not isinstance(out.raw, io.FileIO):
        return 1
    try:
        import stat

        if not stat.S_ISREG(os.fstat(out.fileno()).st_mode):
            return 1
    except (OSError, ValueError):
        return 1
    return n if table is None or table.splittable() else 1


def _alone() -> bool:
    """Whether this process runs no other thread (only then may it fork)."""
    return threading.active_count() == 1


def run(job: Job, n: int, progress: Callable[[int], None] | None = None, *,
        limit: int | None = None) -> tuple[list[SlabTally], int] | None:
    """Screen ``job`` in ``n`` worker processes; the slabs' tallies in slab order and the
    output's end offset (the workers have written every byte of ``[base, end)``).

    ``None`` where a worker found an error in the registry (an :class:`InnodriveError`)
    or the slabs' cells add up to more than ``limit``: one reading of the whole file
    reports the first such error, by row, so the caller reads it again in one process,
    which raises exactly that error (the workers may each have found a later one first)."""
    import multiprocessing

    from innodrive.errors import InnodriveError

    ctx = multiprocessing.get_context("fork")
    inboxes = [ctx.Queue() for _ in range(n)]
    results = ctx.Queue()
    parent = os.getpid()
    procs = [ctx.Process(target=_worker, args=(w, n, job, inboxes, results, parent), daemon=True,
                         name=f"innodrive-screen-{w}") for w in range(n)]
    tallies: dict[int, SlabTally] = {}
    ends: dict[int, int | None] = {}  # worker -> the end offset it reported with "done"
    import gc

    gc.collect()
    gc.freeze()  # the parent's objects stay out of the workers' collections: their pages are never copied
    try:
        for p in procs:
            p.start()
        gc.unfreeze()
        rows = 0
        while len(ends) < n:
            try:
                msg = results.get(timeout=_POLL)
            except queue.Empty:
                # a worker sends everything before it ends, so one that has ended while nothing
                # is waiting, without saying "done", was killed (the out-of-memory killer, a signal)
                dead = [p for w, p in enumerate(procs) if p.exitcode is not None and w not in ends]
                if dead:
                    raise InnodriveError(f"筛选子进程意外退出（退出码 {dead[0].exitcode}，可能是内存不足或被终止），"
                                         "结果文件未写出；可用 taskset -c 0 在单个进程中运行") from None
                continue
            if msg[0] == "slab":
                tallies[msg[1].slab] = msg[1]
                rows += msg[1].rows
                if progress:
                    progress(rows)
            elif msg[0] == "done":
                ends[msg[1]] = msg[2]
            elif isinstance(msg[1], InnodriveError):  # ("error", exception): about the file
                return None
            else:  # a fault of innodrive's own
                raise msg[1]
        for p in procs:
            p.join()
        known = [e for e in ends.values() if e is not None]
    finally:
        gc.unfreeze()
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            if p.pid is not None:
                p.join()
        for q in [*inboxes, results]:
            q.cancel_join_thread()
            q.close()
    slabs = [tallies[k] for k in sorted(tallies)]
    if limit is not None and max(itertools.accumulate(t.cells for t in slabs), default=0) > limit:
        return None
    return slabs, max(known)


# ------------------------------------------------------------------------------- worker


class _Peers:
    """A worker's view of the other workers: the codes and sizes of their slabs, taken from
    its inbox as they arrive."""

    def __init__(self, w: int, n: int, inboxes, parent: int) -> None:
        self.w, self.n = w, n
        self.inbox = inboxes[w]
        self.outboxes = [q for i, q in enumerate(inboxes) if i != w]
        self.parent = parent
        self.codes: dict[int, tuple[str, np.ndarray] | None] = {}
        self.sizes: dict[int, tuple[int, int]] = {}  # slab -> (bytes of its lines, rows)
        self.byes = 0

    def tell(self, msg: tuple) -> None:
        for q in self.outboxes:
            q.put(msg)

    def _receive(self) -> None:
        while True:
            try:
                msg = self.inbox.get(timeout=_POLL)
                break
            except queue.Empty:
                if os.getppid() != self.parent:  # the parent is gone: nobody wants the result
                    os._exit(1)
        if msg[0] == "codes":
            self.codes[msg[1]] = msg[2]
        elif msg[0] == "size":
            self.sizes[msg[1]] = msg[2]
        else:  # "bye": a worker has sent everything it will send
            self.byes += 1

    def codes_of(self, slab: int):
        while slab not in self.codes:
            self._receive()
        return self.codes.pop(slab)

    def size_of(self, slab: int) -> tuple[int, int]:
        while slab not in self.sizes:
            self._receive()
        return self.sizes[slab]

    def finish(self) -> None:
        """Tell the others nothing more comes, and read until they have said the same:
        a worker leaves only once every message sent to it was read, so none is left in a
        pipe whose writer would wait for ever."""
        self.tell(("bye",))
        while self.byes < self.n - 1:
            self._receive()


def _worker(w: int, n: int, job: Job, inboxes, results, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends the workers
    _keep_freed_memory()
    try:
        end = _screen_share(w, n, job, _Peers(w, n, inboxes, parent), results)
        results.put(("done", w, end))
    except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent, which raises it
        try:  # pickled here: the queue pickles in a thread of its own, where a failure would be lost
            pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled: its text
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        results.put(("error", exc))


def _keep_freed_memory() -> None:
    """Let this worker's C allocator keep the memory it frees for its next block.

    Each block allocates the same few hundred megabytes again (pandas' columns, the lines);
    glibc hands large freed blocks back to the system (``munmap``, trimming the heap), and
    every page of the next block's memory is then a fresh page fault, each costly on a
    virtual machine. Measured at 1M rows on 2 cores: 1.11M page faults and 2.85 s of system
    time against 0.81M and 2.4 s with the memory kept; the peak is the same (the next block
    reuses what the last one freed). Only in a worker, which ends when the screening does;
    elsewhere than glibc, nothing changes."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    mallopt(m_trim_threshold, 1 << 30)  # never trim the heap below a gigabyte of free memory
    mallopt(m_top_pad, 64 << 20)  # grow the heap 64 MB at a time
    mallopt(m_mmap_threshold, 32 << 20)  # blocks below 32 MB (glibc's largest) come from the heap


def _screen_share(w: int, n: int, job: Job, peers: _Peers, results) -> int | None:
    """Worker ``w``'s slabs: read, check, screen, write; returns the end offset of the
    result (``None`` from a worker that screened no rows while another did: it does not
    know the header's length)."""
    from innodrive.enterprises.pipeline import write_behind
    from innodrive.enterprises.registry import RowChecker
    from innodrive.enterprises.screening import screen_block
    from innodrive.enterprises.stream import csv_header, csv_lines, raw_frames

    checker = RowChecker(job.mapping, file=job.name, today=job.today)
    seen = checker.first_row
    direct_fd = _own_descriptor(job.fd)
    state = {"taken": 0, "last": -1, "done": -1, "shown": 0, "header": None}

    def take_codes(slab: int) -> None:
        """Take in the codes first seen in every slab before ``slab``, in slab order."""
        for j in range(state["taken"], slab):
            if j % n != w:
                got = peers.codes_of(j)
                if got is not None:
                    text, rows = got
                    seen.update(zip(text.split("\n"), rows.tolist(), strict=True))
        state["taken"] = max(state["taken"], slab)

    def before(k: int) -> tuple[int, int]:
        """The bytes of the lines of the slabs before ``k`` and their rows (header not counted)."""
        sizes = [peers.size_of(j) if j % n != w else own_sizes[j] for j in range(k)]
        return sum(b for b, _ in sizes), sum(r for _, r in sizes)

    def place(slab: int, lines: list[bytes], count: int) -> None:
        """Tell the size of ``slab``'s lines, then write them where they go."""
        size = sum(map(len, lines))
        peers.tell(("size", slab, (size, count)))
        own_sizes[slab] = (size, count)
        if not size:
            return
        offset, earlier_rows = before(slab)
        offset += job.base
        if count and state["header"] is not None:
            if earlier_rows:
                offset += len(state["header"])
            else:  # the first slab with rows carries the header
                lines = [state["header"], *lines]
        writer.submit((lines, offset))

    def finish(slab: int, tally: SlabTally, lines: list[bytes], count: int) -> None:
        if slab % n == w and slab > state["done"]:
            place(slab, lines, count)
            state["done"] = slab
            results.put(("slab", tally))

    def empty_until(k: int) -> None:
        """Own slabs before ``k`` that gave no rows at all (every line blank)."""
        for j in range(state["done"] + 1, k):
            if j % n == w:
                peers.tell(("codes", j, None))
                finish(j, SlabTally(j), [], 0)

    def only(k: int) -> bool:
        state["last"] = max(state["last"], k)
        empty_until(k)
        return k % n == w

    own_sizes: dict[int, tuple[int, int]] = {}
    # the lines of a slab are written by a thread while the next slab is screened: a direct
    # write waits for the disk (about a second per worker at 1M rows) and releases the GIL
    buffer = mmap.mmap(-1, BUFFER) if direct_fd is not None else None  # one aligned buffer for every direct write
    with write_behind(lambda item: _write_at(job.fd, direct_fd, buffer, *item), depth=1,
                      name="innodrive-screen-write") as writer:
        for raw in raw_frames(job.source, name=job.name, chunk_rows=job.chunk_rows, usecols=lambda h: h in job.keep,
                              table=job.table, coded=True, only=only):
            slab = raw.slab
            if slab <= state["done"]:
                raise RuntimeError(f"slab {slab} gave a second block")  # the reader gives one block per slab
            take_codes(slab)
            known = len(seen)
            good, rows, probs = checker.check(raw.frame, raw.numbers, raw.text, wide=raw.wide)
            new = list(itertools.islice(reversed(seen.items()), len(seen) - known))[::-1]
            peers.tell(("codes", slab, ("\n".join(c for c, _ in new),
                                        np.fromiter((r for _, r in new), dtype=np.int64, count=len(new)))
                        if new else None))
            state["taken"] = slab + 1
            tally = SlabTally(slab, rows=len(raw.frame), cells=raw.cells, problems=probs)
            lines: list[bytes] = []
            if len(good):
                block = screen_block(good, rows, job.rule_sets, on=job.on, with_gaps=job.with_gaps)
                tally.add(block, job.rule_sets, len(good))
                if state["shown"] < job.keep_rows:  # rows for display: only while the earlier ones may be too few
                    tally.shown = job.view_rows(block, job.keep_rows)
                    state["shown"] += len(good)
                if state["header"] is None:
                    state["header"] = csv_header(list(block.columns))
                for part in csv_lines(block.columns, list(block.columns), job.batch):
                    lines.extend(part)
                del block
            finish(slab, tally, lines, len(good))
            del lines
        empty_until(state["last"] + 1)
    total, rows_written = before(state["last"] + 1)
    peers.finish()
    if direct_fd is not None:
        os.close(direct_fd)
    if rows_written:  # the header's length is known to a worker that screened rows
        return None if state["header"] is None else job.base + total + len(state["header"])
    return job.base + total


# ------------------------------------------------------------------------------- writing


def _own_descriptor(fd: int) -> int | None:
    """The output file opened again, for this process alone: direct I/O is a flag of the
    open file, which forked processes share, so each worker switches it on its own."""
    try:
        return os.open(f"/proc/self/fd/{fd}", os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None


def _write_at(fd: int, direct_fd: int | None, buffer: mmap.mmap | None, lines: list[bytes], offset: int) -> None:
    """Write ``lines`` at ``offset``: the part from the first page boundary on by direct
    I/O (gathered in ``buffer``) where it can be, the rest (and everything where it
    cannot) with ``pwrite``."""
    size = sum(map(len, lines))
    if not size:
        return
    start = -(-offset // ALIGN) * ALIGN
    if direct_fd is None or start + ALIGN > offset + size:
        _pwrite(fd, lines, offset)
        return
    head, rest = _split(lines, start - offset)
    _pwrite(fd, head, offset)
    os.lseek(direct_fd, start, os.SEEK_SET)
    writer = DirectWriter.start(direct_fd, buffer=buffer)
    if writer is None:
        _pwrite(fd, rest, start)
        return
    ok = False
    try:
        writer.write(rest)
        ok = True
    finally:
        writer.close() if ok else writer.abandon()


def _split(lines: list[bytes], cut: int) -> tuple[list[bytes], list[bytes]]:
    """``lines`` as the pieces before and after byte ``cut``."""
    at = 0
    for i, line in enumerate(lines):
        if at + len(line) > cut:
            inside = cut - at
            return [*lines[:i], line[:inside]], [line[inside:], *lines[i + 1:]]
        at += len(line)
    return list(lines), []


def _pwrite(fd: int, pieces: list[bytes], offset: int) -> None:
    """Write ``pieces`` at ``offset`` (``IOV_MAX`` at a time; a short write finished): the
    positional form of :meth:`~innodrive.enterprises.stream.CsvSink._writev`."""
    from innodrive.enterprises.stream import IOV_MAX

    for start in range(0, len(pieces), IOV_MAX):
        part = [p for p in pieces[start:start + IOV_MAX] if p]
        if not part:
            continue
        whole = sum(map(len, part))
        done = os.pwritev(fd, part, offset)
        if done < whole:
            rest = memoryview(b"".join(part))[done:]
            at = offset + done
            while rest:
                k = os.pwrite(fd, rest, at)
                rest, at = rest[k:], at + k
        offset += whole
