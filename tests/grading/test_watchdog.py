"""The memory watchdog: resident memory of a process tree, killed as a whole when over the limit."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from dlcourse.grading.watchdog import MemoryWatchdog, kill_tree, tree

HOG = "import time\nx = b'x' * 300_000_000\ntime.sleep(60)"


def test_a_child_over_the_limit_is_killed():
    # watch a shell of our own: this test process may have other children (a grading fork server)
    shell = subprocess.Popen(["bash", "-c", f"{sys.executable} -c \"$HOG\"; true"], env={**os.environ, "HOG": HOG})
    start = time.monotonic()
    with MemoryWatchdog(pid=shell.pid, limit_bytes=100 * 2**20, interval=0.05, rescan=0.05) as dog:
        shell.wait(timeout=50)
    assert dog.fired and dog.peak_bytes > 100 * 2**20
    assert time.monotonic() - start < 30  # the hog sleeps 60 s unless it was killed


def test_a_child_under_the_limit_is_left_alone():
    shell = subprocess.Popen(["bash", "-c", f"{sys.executable} -c 'import time; time.sleep(1)'; true"])
    with MemoryWatchdog(pid=shell.pid, limit_bytes=2**30, interval=0.05, rescan=0.05) as dog:
        shell.wait(timeout=30)
    assert not dog.fired and shell.returncode == 0


def test_kill_tree_reaches_grandchildren():
    child = subprocess.Popen(["bash", "-c", "sleep 60 & sleep 60 & wait"])
    time.sleep(0.5)
    pids = [p.pid for p in tree(child.pid)]
    assert len(pids) == 3
    kill_tree(child.pid)
    child.wait(timeout=10)
    assert tree(child.pid) == []


def test_the_trees_cpu_time_is_counted():
    """A child that computes for a while: its CPU time is sampled, also when nobody waits for it here."""
    shell = subprocess.Popen(["bash", "-c", f"{sys.executable} -c 'x = 0\nfor i in range(20_000_000): x += i'; true"])
    with MemoryWatchdog(pid=shell.pid, limit_bytes=2**30, interval=0.05, rescan=0.05) as dog:
        shell.wait(timeout=120)
    assert dog.cpu_seconds > 0.5 and not dog.fired
