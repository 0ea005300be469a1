"""How many processor cores this process may use.

One answer for every place that sizes its work by the machine: worker processes for a
batch of documents, the web server's workers, background threads of a registry screening.
The process's CPU affinity counts (a container or ``taskset`` may allow fewer cores than
the machine has); elsewhere than Linux, the machine's count.
"""

from __future__ import annotations

import os


def usable() -> int:
    """The cores this process may run on, at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)
