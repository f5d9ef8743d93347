"""A memory watchdog on a process tree, and killing a whole tree.

The memory limit is a watchdog on resident memory rather than ``RLIMIT_AS``: TensorFlow reserves far
more virtual address space than it touches, so an address-space limit breaks a correct notebook.
"""

from __future__ import annotations

import os
import threading
import time

import psutil

PAGE = os.sysconf("SC_PAGE_SIZE")


def tree(pid: int) -> list[psutil.Process]:
    """The process ``pid`` and all its descendants that still exist."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def kill_tree(pid: int, *, include_root: bool = True) -> None:
    """SIGKILL every descendant of ``pid`` (and ``pid`` itself unless ``include_root`` is False)."""
    procs = tree(pid)
    if not include_root:
        procs = procs[1:]
    for p in reversed(procs):
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


def resident_bytes(pids: list[int]) -> int:
    """Summed resident memory of ``pids`` (from /proc/<pid>/statm; vanished processes count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


class MemoryWatchdog:
    """Watch the descendants of ``pid`` (the kernel tree under a grading process); kill them all when
    their summed resident memory exceeds ``limit_bytes``. ``fired`` tells afterwards whether it did.

    >>> with MemoryWatchdog(pid=os.getpid(), limit_bytes=4 << 30) as dog:
    ...     run_the_kernel()
    >>> dog.fired, dog.peak_bytes
    """

    def __init__(self, *, pid: int, limit_bytes: int, interval: float = 0.2, rescan: float = 1.0):
        self.pid, self.limit_bytes, self.interval, self.rescan = pid, limit_bytes, interval, rescan
        self.fired = False
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-watchdog", daemon=True)

    def __enter__(self) -> MemoryWatchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        # Finding the tree scans every process on the machine (~5 ms); reading the memory of known
        # processes is cheap. So: memory every `interval`, the tree every `rescan` seconds.
        pids: list[int] = []
        last_scan = 0.0
        while not self._stop.wait(self.interval):
            now = time.monotonic()
            if now - last_scan >= self.rescan:
                pids, last_scan = [p.pid for p in tree(self.pid)[1:]], now
            used = resident_bytes(pids)
            self.peak_bytes = max(self.peak_bytes, used)
            if used > self.limit_bytes:
                self.fired = True
                kill_tree(self.pid, include_root=False)
