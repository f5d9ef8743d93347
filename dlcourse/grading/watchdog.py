"""A memory watchdog on a process tree, and killing a whole tree.

The memory limit is a watchdog on resident memory rather than ``RLIMIT_AS``: TensorFlow reserves far
more virtual address space than it touches, so an address-space limit breaks a correct notebook. The
watchdog also records the tree's peak memory and CPU time (the sandboxed kernel's CPU never reaches the
grader's RUSAGE_CHILDREN: bubblewrap does not pass its children's usage on).
"""

from __future__ import annotations

import os
import threading
import time

import psutil

PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


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


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` so far, from /proc/<pid>/stat (None when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
        fields = data[data.rindex(b")") + 2:].split()  # after the command name, which may hold spaces
        return (int(fields[11]) + int(fields[12])) / TICK  # stat fields 14 and 15: utime, stime
    except (OSError, ValueError, IndexError):
        return None


class MemoryWatchdog:
    """Watch the descendants of ``pid`` (the kernel tree under a grading process); kill them all when
    their summed resident memory exceeds ``limit_bytes``. ``fired`` tells afterwards whether it did.

    >>> with MemoryWatchdog(pid=os.getpid(), limit_bytes=4 << 30) as dog:
    ...     run_the_kernel()
    >>> dog.fired, dog.peak_bytes, dog.cpu_seconds
    """

    def __init__(self, *, pid: int, limit_bytes: int, interval: float = 0.2, rescan: float = 1.0):
        self.pid, self.limit_bytes, self.interval, self.rescan = pid, limit_bytes, interval, rescan
        self.fired = False
        self.peak_bytes = 0
        self._cpu: dict[int, float] = {}  # the last CPU time seen of every process of the tree
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-watchdog", daemon=True)

    def __enter__(self) -> MemoryWatchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds of the watched processes (sampled: at most ``interval`` of a process's last moments
        is missed)."""
        return sum(self._cpu.values())

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
            for pid in pids:
                seen = cpu_seconds(pid)
                if seen is not None:
                    self._cpu[pid] = max(seen, self._cpu.get(pid, 0.0))
            if used > self.limit_bytes:
                self.fired = True
                kill_tree(self.pid, include_root=False)
