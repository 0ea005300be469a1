"""Peak memory of a process and every process it starts, measured from outside.

``ru_maxrss`` of a child is the largest resident size of *one* process; a command that forks
workers uses the memory of all of them at once. Adding their resident sizes overstates it:
pages the workers inherited by the fork (a registry's bytes read by the parent) are shared and
would count once per process. The proportional set size (PSS, Linux: ``/proc/PID/smaps_rollup``)
charges each shared page to its sharers in equal parts, so the PSS of all processes added is
the physical memory the command holds. :class:`TreeMemory` samples it every ``interval``
seconds and keeps the highest sum (a peak between two samples can be missed: the figure is a
lower bound, within the memory one sampling interval's work allocates).
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_pss_mib(pid: int) -> float:
    """PSS of ``pid`` and all its descendants now, in MiB."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _pss_kib(p)
        todo += _children(p)
    return total / 1024


class TreeMemory:
    """Samples the summed PSS of a process tree in a thread until :meth:`stop`."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak = 0.0
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.supported = os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")

    def __enter__(self) -> TreeMemory:
        if self.supported:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.supported:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, tree_pss_mib(self.pid))
            self.processes = max(self.processes, 1 + len(_children(self.pid)))
