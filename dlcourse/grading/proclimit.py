"""A cap on the number of processes (and threads) of a kernel: a fork bomb stops at the cap, not at the host's
process table.

Three ways, the first that works here:

1. a **pids cgroup** per job (cgroup v1 ``pids`` hierarchy, or cgroup v2 with the ``pids`` controller; needs
   root): ``pids.max`` counts every process and thread of the kernel's tree, whatever uid it runs as. The
   grading parent creates it before the job starts and removes it afterwards (killing what is left), so it
   never outlives the job; one left by a killed ``grade`` is swept on the next start (:func:`sweep_stale`).
2. **RLIMIT_NPROC inside the sandbox's user namespace** (when not root): set by the launcher inside
   bubblewrap, it counts the namespace's own processes, not the user's others. It does not bind uid 0: the
   kernel exempts processes of the host's root user (measured: 400 forks under RLIMIT_NPROC=64).
3. **none** (root without a usable cgroup, e.g. a container without a writable /sys/fs/cgroup): the job
   says so in its messages and flags (``sandbox:no-process-limit``).
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PREFIX = "dlcourse-"
NO_PROCESS_LIMIT = "sandbox:no-process-limit"
_counter = itertools.count()


@dataclass(frozen=True)
class Hierarchy:
    """Where job cgroups are made: the root of a cgroup hierarchy that has the pids controller."""

    version: int  # 1 or 2
    root: Path


def find_hierarchy(mounts: str | None = None) -> Hierarchy | None:
    """The pids hierarchy from ``mounts`` (/proc/self/mounts by default): a v1 ``pids`` mount if there is one
    (the controller can be bound to one hierarchy only), else a cgroup2 mount whose root offers ``pids``."""
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text()
        except OSError:
            return None
    v2 = None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        where, kind, options = Path(parts[1].replace("\\040", " ")), parts[2], parts[3].split(",")
        if kind == "cgroup" and "pids" in options:
            return Hierarchy(1, where)
        if kind == "cgroup2" and v2 is None:
            try:
                if "pids" in (where / "cgroup.controllers").read_text().split():
                    v2 = Hierarchy(2, where)
            except OSError:
                pass
    return v2


@dataclass
class JobCgroup:
    """One job's pids cgroup; :meth:`close` kills whatever is left in it and removes it."""

    path: Path
    version: int

    @property
    def procs(self) -> Path:
        return self.path / "cgroup.procs"

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in self.procs.read_text().split()]
        except (OSError, ValueError):
            return []

    def close(self, *, timeout: float = 10.0) -> None:
        if not self.path.exists():
            return
        kill = self.path / "cgroup.kill"  # cgroup v2, Linux 5.14+: the kernel kills the whole cgroup at once
        if self.version == 2 and kill.exists():
            try:
                kill.write_text("1")
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.pids()
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:  # EBUSY while the killed tasks are still exiting
                time.sleep(0.05)


def create(limit: int, *, hierarchy: Hierarchy | None = None) -> tuple[JobCgroup | None, str]:
    """A new job cgroup with ``pids.max = limit``, or (None, the reason there is none)."""
    hierarchy = hierarchy or find_hierarchy()
    if hierarchy is None:
        return None, "no cgroup hierarchy with the pids controller is mounted"
    if hierarchy.version == 2:
        control = hierarchy.root / "cgroup.subtree_control"
        try:
            if "pids" not in control.read_text().split():
                control.write_text("+pids")
        except OSError as e:
            return None, f"cannot enable the pids controller in {control} ({e.strerror or e})"
    path = hierarchy.root / f"{PREFIX}{os.getpid()}-{next(_counter)}"
    try:
        path.mkdir()
    except OSError as e:
        return None, f"cannot create a cgroup in {hierarchy.root} ({e.strerror or e})"
    group = JobCgroup(path, hierarchy.version)
    try:
        (path / "pids.max").write_text(str(limit))
    except OSError as e:
        group.close()
        return None, f"cannot set pids.max in {path} ({e.strerror or e})"
    return group, ""


@lru_cache(maxsize=1)
def cgroup_problem() -> str | None:
    """None when job cgroups can be made here (tried once: made and removed); else the reason."""
    group, reason = create(64)
    if group is None:
        return reason
    group.close()
    return None


def sweep_stale(hierarchy: Hierarchy | None = None) -> list[Path]:
    """Remove job cgroups whose creator (the pid in their name) is gone: what a SIGKILLed `grade` left."""
    hierarchy = hierarchy or find_hierarchy()
    removed: list[Path] = []
    if hierarchy is None:
        return removed
    try:
        candidates = sorted(hierarchy.root.glob(f"{PREFIX}*"))
    except OSError:
        return removed
    for path in candidates:
        try:
            creator = int(path.name[len(PREFIX):].split("-")[0])
        except ValueError:
            continue
        if creator == os.getpid() or _alive(creator):
            continue
        JobCgroup(path, hierarchy.version).close()
        if not path.exists():
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
