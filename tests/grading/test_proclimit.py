"""The process cap of the sandbox (dlcourse.grading.proclimit) and the kernel's launcher (launch.py).

Finding the pids hierarchy is checked on mount tables of both cgroup versions; creating, enforcing and
removing a job cgroup runs for real where this machine allows it (root with a pids hierarchy), else it
is skipped with the reason. RLIMIT_NPROC inside a user namespace, the cap of a non-root grader, is checked as
a non-root user (nobody via setpriv when the tests run as root), and shown not to bind root. The fork bomb
graded in tests/grading/test_grade.py covers the whole path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
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


def _as_unprivileged() -> tuple[list[str], str] | None:
    """How to run a command as a non-root user here, with a Python that user can run: (prefix, python).
    Not root: as we are. Root: setpriv to nobody, with the system's Python (ours may sit under /root)."""
    if os.geteuid() != 0:
        return [], sys.executable
    python = next((p for p in ("/usr/bin/python3", "/bin/python3") if os.access(p, os.X_OK)), None)
    if shutil.which("setpriv") is None or python is None:
        return None
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], python


def _forks_in_a_namespace(prefix: list[str], python: str, *, nproc: int, tmp: Path) -> tuple[int, str, str]:
    """The fork loop under ``launch.py --nproc`` inside a bubblewrap user namespace mapped to nobody (what the
    sandbox does when not root), started by ``prefix``: (forks, how it stopped, stderr)."""
    launch = tmp / "launch.py"  # a copy every user can read (a checkout under /root is not readable by nobody)
    shutil.copy(LAUNCH, launch)
    for path in (tmp, launch):
        path.chmod(0o755)
    argv = [*prefix, "bwrap", "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534",
            "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--ro-bind", str(tmp), str(tmp), "--",
            python, "-I", "-S", str(launch), "--nproc", str(nproc), "--", python, "-I", "-S", "-c", FORKS]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or len(done.stdout.split()) < 2:
        pytest.skip(f"bubblewrap cannot make a user namespace for a non-root user here: {done.stderr.strip()[-300:]}")
    forks, how = done.stdout.split(maxsplit=1)
    return int(forks), how.strip(), done.stderr


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed")
def test_rlimit_nproc_caps_a_non_root_grader_inside_the_namespace():
    """The cap when grading as a normal user (no cgroup): RLIMIT_NPROC set by the launcher inside the sandbox's
    user namespace stops the fork loop. Run as nobody (via setpriv) when the tests run as root, as CI does."""
    how = _as_unprivileged()
    if how is None:
        pytest.skip("running as root without setpriv or a system python3: cannot act as a non-root user")
    tmp = Path(tempfile.mkdtemp(prefix="dlcourse-nproc-"))
    try:
        forks, stopped, err = _forks_in_a_namespace(*how, nproc=30, tmp=tmp)
        assert stopped == "BlockingIOError" and 0 < forks < 30, (forks, stopped, err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("bwrap") is None, reason="needs root and bubblewrap")
def test_rlimit_nproc_does_not_bind_root():
    """Why root needs the pids cgroup: the same RLIMIT_NPROC in the same namespace does not stop root's fork loop
    (the kernel exempts the host's uid 0), so proclimit never relies on it there."""
    tmp = Path(tempfile.mkdtemp(prefix="dlcourse-nproc-"))
    try:
        forks, stopped, err = _forks_in_a_namespace([], sys.executable, nproc=30, tmp=tmp)
        assert (forks, stopped) == (200, "never refused"), (forks, stopped, err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
