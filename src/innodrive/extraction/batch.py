"""Many documents on all cores: :class:`Batch` extracts files (:func:`extract_files`) or
uploads on worker processes and hands the results back in input order.

Extraction is pure Python and single-threaded, so a folder of reports waited for one core.
Documents are independent (nothing carries from one file to the next), so each file is
read and extracted whole in a worker process and the parent prints and writes the results
in the order the files were given: the output is the same bytes as one process's.

Starting workers costs time, so one file, ``jobs == 1`` and small batches stay in this
process (:data:`MIN_POOL_BYTES`). Workers are forked, and only while this process runs
no other thread (forking after Rich's progress thread or a web server's threads started
is unsafe): otherwise the batch, too, stays in this process. A worker that dies (killed,
out of memory) ends the batch with a Chinese :class:`BatchFailed` naming the file it was
reading, never a hang or a traceback; workers ignore Ctrl-C, which the parent handles by
stopping them.

Workers only read files and extract: they never open a database (callers that store
plans do so in the parent, in input order).
"""

from __future__ import annotations

import contextlib
import os
import struct

from innodrive.errors import InnodriveError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ``extract --json`` start-up time
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from innodrive.extraction.records import PlanRecord

# Below this many bytes of input in all, a batch is extracted in this process. Forking two
# workers and collecting their results cost about 35 ms of CPU (two small documents: 17.6 ms
# in one process, 52.7 ms on two workers, best of 5, 2 cores); one core extracts about 120 KB
# in that time (3.5 MB/s), and two cores save half the work: under ~250 KB the pool gains nothing.
MIN_POOL_BYTES = 256 * 1024


_LENGTH = struct.Struct("<i")  # a file number, parent → worker
_SIZE = struct.Struct("<Q")  # a pickled result's length, worker → parent


class BatchFailed(InnodriveError):
    """A worker process ended without a result (killed, out of memory, crashed)."""

    default_status = 1


def default_jobs() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    from innodrive import cores

    return cores.usable()


class Batch:
    """Items of one command (files, uploads) extracted one by one, results in input order;
    on worker processes when that pays.

    ``work(i)`` extracts item ``i`` and returns a picklable result; it must not raise
    (return the error) and must not touch a database. ``size`` is the bytes of input in
    all. Creating the batch forks the workers and sets them to work (do it before starting
    a progress bar's thread, or any other); :meth:`results` yields ``(index, result)`` in
    input order. Use it as a context manager: leaving early (Ctrl-C, an error) stops the
    workers."""

    def __init__(self, work: Callable[[int], object], names: Sequence[str], *, size: int,
                 jobs: int | None = None) -> None:
        self.work = work
        self.names = list(names)
        jobs = default_jobs() if jobs is None else max(1, jobs)
        self.workers = min(jobs, len(self.names))
        if self.workers > 1 and (size < MIN_POOL_BYTES or not _fork_is_safe()):
            self.workers = 1
        self._pool: _ForkPool | None = None
        self._tasks = iter(range(len(self.names)))
        if self.workers > 1:
            self._start()

    def _start(self) -> None:
        """Fork the workers now: each inherits the imported modules and the items, and is
        then handed item numbers one at a time (a fast worker takes more items)."""
        import gc

        _warm()
        gc.collect()
        gc.freeze()  # the inherited objects stay out of the children's collections (no copy-on-write)
        try:
            self._pool = _ForkPool(self.workers, self.work)
        finally:
            gc.unfreeze()
        self._pool.feed(self._tasks)

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._pool is not None:
            self._pool.close(kill=exc_type is not None)

    def results(self, done: Callable[[int, str], None] | None = None):
        """``(index, result)`` in input order; ``done(finished, name)`` each time an item is
        finished (in this process, for a progress bar: with workers, items finish out of order)."""
        if self._pool is None:
            for i, name in enumerate(self.names):
                result = self.work(i)
                if done is not None:
                    done(i + 1, name)
                yield i, result
            return
        ready: dict[int, object] = {}
        next_i = finished = 0
        while next_i < len(self.names):
            for i, result in self._pool.collect(self._tasks, self.names):
                ready[i] = result
                finished += 1
                if done is not None:
                    done(finished, self.names[i])
            while next_i in ready:
                yield next_i, ready.pop(next_i)
                next_i += 1


def extract_files(paths: Sequence[str | os.PathLike], *, explain: bool = False, jobs: int | None = None,
                  contract_json: bool = False) -> Batch:
    """A :class:`Batch` reading and extracting files. Each result is ``(plan, None, data)``,
    or ``(None, message, None)`` for a file that cannot be read (the
    :class:`InnodriveError`'s text, as one process prints it). ``data`` is the plan's
    contract as ``extract --out`` writes it when ``contract_json``, rendered where the plan
    was extracted."""
    paths = [os.fspath(p) for p in paths]
    return Batch(lambda i: _one(paths[i], explain, contract_json), [_name(p) for p in paths],
                 size=_total_bytes(paths), jobs=jobs)


class _ForkPool:
    """Worker processes forked from this one, each with a pipe for file numbers in and a
    pipe for pickled results out. (Not :mod:`concurrent.futures`: importing it costs about
    60 ms, the time of extracting 200 KB, for a pool that needs none of its generality.)"""

    def __init__(self, workers: int, work: Callable[[int], object]) -> None:
        import selectors

        self.selector = selectors.DefaultSelector()
        self.workers: list[list] = []  # [pid, task fd, result fd, item being extracted or None]
        try:
            for _ in range(workers):
                task_r, task_w = os.pipe()
                result_r, result_w = os.pipe()
                pid = os.fork()
                if pid == 0:  # the worker: never returns into the parent's code
                    status = 1
                    try:
                        os.close(task_w)
                        os.close(result_r)
                        for other in self.workers:  # the pipes of workers forked before this one
                            os.close(other[1])
                            os.close(other[2])
                        _serve(task_r, result_w, work)
                        status = 0
                    finally:
                        os._exit(status)
                os.close(task_r)
                os.close(result_w)
                self.workers.append([pid, task_w, result_r, None])
                self.selector.register(result_r, selectors.EVENT_READ, self.workers[-1])
        except BaseException:
            self.close(kill=True)
            raise

    def feed(self, tasks) -> None:
        for worker in self.workers:
            self._give(worker, tasks)

    def _give(self, worker: list, tasks) -> None:
        i = next(tasks, None)
        worker[3] = i
        if i is not None:
            os.write(worker[1], _LENGTH.pack(i))

    def collect(self, tasks, names):
        """The results that have arrived (waiting for at least one), handing each worker
        that finished its next file."""
        for key, _ in self.selector.select():
            worker = key.data
            message = _read_message(worker[2])
            if message is None:  # the worker died without answering
                failed = worker[3]
                self.selector.unregister(worker[2])
                status = self._reap(worker)
                raise BatchFailed(f"抽取工作进程意外退出（{_exit_reason(status)}，可能内存不足或被系统终止），"
                                  "本批未完成；可用 --jobs 1 在单个进程中重试",
                                  file=names[failed] if failed is not None else None)
            i, ok, result = message
            if not ok:  # a bug in innodrive, raised in the worker: raise it here as one process would
                raise result
            self._give(worker, tasks)
            yield i, result

    def _reap(self, worker: list) -> int | None:
        if worker[0] is None:
            return None
        try:
            _, status = os.waitpid(worker[0], 0)
        except ChildProcessError:
            status = None
        worker[0] = None
        return status

    def close(self, *, kill: bool) -> None:
        """Tell the workers to stop (they exit when their pipe closes); ``kill`` ends them now."""
        import signal

        for worker in self.workers:
            for fd in worker[1:3]:
                with contextlib.suppress(OSError):
                    os.close(fd)
            if kill and worker[0] is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker[0], signal.SIGTERM)
        for worker in self.workers:
            self._reap(worker)
        self.selector.close()


def _serve(task_r: int, result_w: int, work) -> None:
    """A worker's loop: read a file number, extract, write back ``(index, ok, result)``."""
    import pickle
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        head = _read_exact(task_r, _LENGTH.size)
        if head is None:
            return
        (i,) = _LENGTH.unpack(head)
        try:
            message = (i, True, work(i))
        except Exception as exc:  # noqa: BLE001 — a bug: the parent raises it
            message = (i, False, exc)
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 — an exception that does not pickle
            data = pickle.dumps((i, False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        _write_all(result_w, _SIZE.pack(len(data)) + data)


def _read_message(fd: int):
    import pickle

    head = _read_exact(fd, _SIZE.size)
    if head is None:
        return None
    (size,) = _SIZE.unpack(head)
    data = _read_exact(fd, size)
    return None if data is None else pickle.loads(data)


def _read_exact(fd: int, size: int) -> bytes | None:
    """``size`` bytes from a pipe, or ``None`` when it closes first."""
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _exit_reason(status: int | None) -> str:
    if status is not None and os.WIFSIGNALED(status):
        return f"信号 {os.WTERMSIG(status)}"
    if status is not None and os.WIFEXITED(status):
        return f"退出码 {os.WEXITSTATUS(status)}"
    return "原因不明"


def run_paths(paths: Sequence[str | os.PathLike], *, explain: bool = False, jobs: int | None = None,
              contract_json: bool = False) -> list[tuple[PlanRecord | None, str | None, bytes | None]]:
    """Every file's result (see :func:`extract_files`) in input order."""
    with extract_files(paths, explain=explain, jobs=jobs, contract_json=contract_json) as batch:
        return [result for _, result in batch.results()]


def _one(path: str, explain: bool, contract_json: bool):
    from innodrive.extraction.pipeline import run_path

    try:
        plan = run_path(path, explain=explain)
    except InnodriveError as exc:
        return None, str(exc), None
    return plan, None, (contract_bytes(plan) if contract_json else None)


def contract_bytes(plan) -> bytes:
    """The plan's contract as ``extract --out`` writes it: ``json.dumps(…, ensure_ascii=False,
    indent=1)``, written by :func:`~innodrive.extraction.jsontext.dumps_indented` (the same
    text, twice as fast: json's encoder is pure Python when it indents)."""
    from innodrive.extraction.jsontext import dumps_indented

    return dumps_indented(plan.to_contract(), 1).encode("utf-8")


# a CONSTRUCTED notice, only to run the extraction once before forking (see _warm)
_WARM_TEXT = ("关于印发某市2026年科技创新工作要点的通知\n一、总体目标\n（一）创新能力\n"
              "到2026年，全市高新技术企业达到500家，研发经费投入强度提高到3%左右。\n"
              "二、重点任务\n1. 实施科技创新提升工程。牵头单位：市科技局，2026年底前完成。\n")


def _warm() -> None:
    """Import the pipeline and run it once here, so that the workers inherit the imported
    modules, compiled patterns and loaded tables instead of each building them again
    (about 0.1 s of CPU per worker)."""
    from innodrive.documents import read_document
    from innodrive.extraction.pipeline import run

    run(read_document(_WARM_TEXT.encode("utf-8"), "warm.txt"), explain=True)


def _fork_is_safe() -> bool:
    """Only a process running no other thread may fork: a lock another thread holds (in
    the allocator, logging, Rich's console) would stay locked forever in the child."""
    import sys

    threading = sys.modules.get("threading")
    return hasattr(os, "fork") and (threading is None or threading.active_count() == 1)


def _total_bytes(paths) -> int:
    total = 0
    for p in paths:
        with contextlib.suppress(OSError):  # the worker or this process reports it
            total += os.stat(p).st_size
    return total


def _name(p) -> str:
    return os.path.basename(os.fspath(p))
