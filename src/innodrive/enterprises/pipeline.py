"""Reading ahead and writing behind a stream in background threads.

(A large CSV registry written to a CSV file on more than one core is screened by worker
processes instead, :mod:`innodrive.enterprises.parallel`; each worker writes from a thread
made here. What follows is the one-process path: one core, an XLSX result, the web.)

Why: screening a registry is reading (pandas' C tokenizer), Python work (checks, verdicts,
reasons, CSV lines) and writing (``os.writev`` of gigabytes, mostly the kernel's page
cache). The tokenizer and the write system call release the GIL, so on a machine with a
second core they can run while the main thread does the Python work: the next block is
read (and its rows checked) while this one is screened, and the lines of this one are
written while the next is built. Python work in two threads still takes turns on the GIL,
so the gain is the GIL-free part plus the balance of the two threads' Python work. On one
core the threads only take turns (the same work plus switches: 1-2 s more CPU at 1M
rows), so :func:`~innodrive.enterprises.stream.screen_stream` uses them only when the
process may run on more than one core, except the writer of a result written by direct
I/O, which mostly waits for the disk. Measured at 1M rows: 14.5-15.2 s wall against
18.7-21.6 s sequential with the second core mostly free; but with a CPU-bound process
on one of the two cores the threads lost (24-27 s against 19-22 s): a thread that holds
the GIL when the system preempts it stalls the other.

The rules that keep this safe, for every use of :func:`read_ahead` and :func:`write_behind`:

* the queues are bounded (``depth`` items), so memory stays that of a few blocks;
* every thread is joined before the ``with`` block that started it ends, however it ends
  (a return, an exception, Ctrl-C): innodrive forks worker processes elsewhere only from a
  process that runs no other thread, so no thread may outlive the call that started it;
* an exception raised in a thread is raised again in the caller's thread (the same
  object: its type and message unchanged) at the next item it asks for or hands over;
* Ctrl-C reaches the main thread only (Python delivers signals there); waiting on a queue
  is interruptible, and the ``with`` block then stops and joins its thread;
* the work done in a thread must not touch process-wide state that the main thread uses
  at the same time (``warnings`` filters, locale, the current directory): the table
  reader's slab path was made free of ``warnings.catch_warnings`` for this reason (the
  row-by-row path's ``csv.field_size_limit`` is process-wide too, but it bounds reading
  only, and the main thread reads no CSV while a registry streams).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_END = object()  # no more items
_POLL = 0.05  # seconds between checks of the stop flag while a queue is full


class _Failed:
    """An exception raised in a thread, carried to the caller."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _join(thread: threading.Thread, drain: queue.Queue | None = None) -> None:
    """Join ``thread``, emptying ``drain`` meanwhile so that a thread blocked on a full queue
    sees its stop flag. A second Ctrl-C while joining does not leave the thread behind: the
    join is finished first, then the interrupt raised."""
    interrupted: BaseException | None = None
    while thread.is_alive():
        try:
            if drain is not None:
                while True:
                    try:
                        drain.get_nowait()
                    except queue.Empty:
                        break
            thread.join(_POLL)
        except KeyboardInterrupt as exc:  # pragma: no cover - needs a second Ctrl-C at this instant
            interrupted = exc
    if interrupted is not None:  # pragma: no cover
        raise interrupted


@contextmanager
def read_ahead(items: Iterable[T], depth: int = 1, *, name: str = "innodrive-read-ahead") -> Iterator[Iterator[T]]:
    """The items of ``items``, produced by a background thread up to ``depth`` items ahead of
    the consumer (so at most ``depth`` + 2 items exist at once: one being produced, those
    queued, the one in use). ``items`` is iterated (and at the end closed, if it is a
    generator) only in that thread. An exception it raises is raised by the iterator
    given here, in the consumer's thread, once the items before it were taken."""
    source = iter(items)
    box: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not put(item) or stop.is_set():
                    return
            put(_END)
        except BaseException as exc:  # noqa: BLE001 - carried to the consumer, raised there
            put(_Failed(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def consume() -> Iterator[T]:
        while True:
            item = box.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        yield consume()
    finally:
        stop.set()
        _join(thread, box)


class Writer:
    """What :func:`write_behind` gives: ``submit(item)`` hands an item to the thread."""

    def __init__(self, box: queue.Queue, failed: list[BaseException]) -> None:
        self._box = box
        self._failed = failed

    def submit(self, item) -> None:
        """Queue ``item`` (waits while ``depth`` items are queued); raises the thread's
        exception if writing an earlier item failed."""
        if self._failed:
            raise self._failed[0]
        self._box.put(item)


@contextmanager
def write_behind(write: Callable[[T], None], depth: int = 4, *, name: str = "innodrive-write-behind") -> Iterator[Writer]:
    """A :class:`Writer` whose items ``write`` handles in a background thread, in order, up
    to ``depth`` items behind. Leaving the ``with`` block normally waits until every item is
    written and raises the first exception ``write`` raised; leaving it by an exception
    drops the items not yet written (the output is being abandoned) and joins the thread
    without hiding that exception."""
    box: queue.Queue = queue.Queue(maxsize=max(1, depth))
    failed: list[BaseException] = []
    abandon = threading.Event()

    def drain() -> None:
        while True:
            item = box.get()
            if item is _END:
                return
            if failed or abandon.is_set():
                continue  # after a failure: taken and dropped, so that submit never waits forever
            try:
                write(item)
            except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
                failed.append(exc)

    thread = threading.Thread(target=drain, name=name, daemon=True)
    thread.start()
    ok = False
    try:
        yield Writer(box, failed)
        ok = True
    finally:
        if not ok:
            abandon.set()
        _finish(thread, box)
    if failed:
        raise failed[0]


def _finish(thread: threading.Thread, box: queue.Queue) -> None:
    """Tell the writer thread that no item follows and join it (the end marker waits for
    room in the queue: the thread is taking items, and drops them once abandoned)."""
    interrupted: BaseException | None = None
    sent = False
    while not sent:
        try:
            box.put(_END)
            sent = True
        except KeyboardInterrupt as exc:  # pragma: no cover - a second Ctrl-C at this instant
            interrupted = exc
    try:
        _join(thread)
    finally:
        if interrupted is not None:  # pragma: no cover
            raise interrupted
