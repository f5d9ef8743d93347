"""The process cap of the sandbox (dlcourse.grading.proclimit) and the kernel's launcher (launch.py).

Finding the pids hierarchy is checked on mount tables of both cgroup versions; creating, enforcing and
removing a job cgroup runs for real where this machine allows it (root with a pids hierarchy), else it
is skipped with the reason. The fork bomb graded in tests/grading/test_grade.py covers the whole path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dlcourse.grading import proclimit
from dlcourse.grading.sandbox import LAUNCH, launcher

V1 = """\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0
cgroup2 {v2} cgroup2 rw,relatime 0 0
"""
FORKS = textwrap.dedent("""\
    import os, sys, time
    children = []
    try:
        while len(children) < 200:
            pid = os.fork()
            if pid == 0:
                time.sleep(30)
                os._exit(0)
            children.append(pid)
    except OSError as e:
        print(len(children), type(e).__name__)
    else:
        print(len(children), "never refused")
    for pid in children:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
""")


def test_find_hierarchy_prefers_cgroup_v1_pids(tmp_path):
    v2 = tmp_path / "unified"
    v2.mkdir()
    (v2 / "cgroup.controllers").write_text("cpu io memory pids\n")
    assert proclimit.find_hierarchy(V1.format(v2=v2)) == proclimit.Hierarchy(1, Path("/sys/fs/cgroup/pids"))


def test_find_hierarchy_uses_cgroup_v2_when_it_offers_pids(tmp_path):
    v2 = tmp_path / "cgroup"
    v2.mkdir()
    mounts = f"cgroup2 {v2} cgroup2 rw,nosuid,nodev,noexec,relatime 0 0\n"
    (v2 / "cgroup.controllers").write_text("cpuset cpu io memory hugetlb\n")
    assert proclimit.find_hierarchy(mounts) is None  # pids bound elsewhere (or not compiled in)
    (v2 / "cgroup.controllers").write_text("cpuset cpu io memory hugetlb pids\n")
    assert proclimit.find_hierarchy(mounts) == proclimit.Hierarchy(2, v2)


def test_a_v2_job_cgroup_enables_pids_and_sets_the_limit(tmp_path):
    """On a fake cgroup2 root (plain files): the controller is enabled for children and pids.max written."""
    (tmp_path / "cgroup.controllers").write_text("memory pids\n")
    (tmp_path / "cgroup.subtree_control").write_text("memory\n")
    group, reason = proclimit.create(77, hierarchy=proclimit.Hierarchy(2, tmp_path))
    assert group is not None, reason
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+pids"
    assert group.path.parent == tmp_path and group.path.name.startswith(f"{proclimit.PREFIX}{os.getpid()}-")
    assert (group.path / "pids.max").read_text() == "77"


def test_no_hierarchy_is_a_reason_not_an_error(tmp_path):
    group, reason = proclimit.create(10, hierarchy=proclimit.Hierarchy(1, tmp_path / "missing"))
    assert group is None and reason.startswith("cannot create a cgroup in ")


needs_cgroups = pytest.mark.skipif(os.geteuid() != 0 or proclimit.cgroup_problem() is not None,
                                   reason=f"no pids cgroup here (uid {os.geteuid()}): {proclimit.cgroup_problem()}")


@needs_cgroups
def test_a_job_cgroup_stops_forks_and_is_removed():
    group, reason = proclimit.create(30)
    assert group is not None, reason
    try:
        argv = [*launcher(cgroup=group.procs), sys.executable, "-c", FORKS]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        forks, refused = done.stdout.split(maxsplit=1)
        assert refused.strip() == "BlockingIOError" and 0 < int(forks) < 30, done.stdout + done.stderr
    finally:
        group.close()
    assert not group.path.exists()


@needs_cgroups
def test_close_kills_what_is_left_and_stale_cgroups_are_swept():
    group, _ = proclimit.create(30)
    sleeper = subprocess.Popen([*launcher(cgroup=group.procs), "sleep", "300"])
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = group.path.with_name(f"{proclimit.PREFIX}{dead.pid}-0")
    try:
        assert group.path not in proclimit.sweep_stale()  # its creator (this process) is alive: kept
        deadline = time.monotonic() + 30
        while not group.pids() and time.monotonic() < deadline:  # the launcher joins, then execs sleep
            time.sleep(0.05)
        assert group.pids() == [sleeper.pid]
        group.path.rename(stale)  # named after a process that is gone: what a killed `grade` leaves
        assert stale in proclimit.sweep_stale()
        assert sleeper.wait(timeout=10) == -9 and not stale.exists()
    finally:
        sleeper.kill()
        for path in (group.path, stale):
            proclimit.JobCgroup(path, group.version).close()


def test_the_launcher_arms_pdeathsig_and_refuses_an_orphan():
    """--pdeathsig PID: a launcher whose parent is not PID (it died already) exits instead of running."""
    done = subprocess.run([sys.executable, "-I", "-S", str(LAUNCH), "--pdeathsig", "1", "--", "echo", "ran"],
                          capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout) == (1, "")
    done = subprocess.run([*launcher(pdeathsig=os.getpid()), "echo", "ran"], capture_output=True, text=True,
                          timeout=30)
    assert (done.returncode, done.stdout) == (0, "ran\n")
