"""`dlcourse grade --cluster`: a real Dask scheduler and two workers on localhost, from the course environment.

The cluster runs are compared with the session's local runs (conftest: the tiny batch, the a3 demo), which
are graded once for both: report rows (all but where and how long) and every gradebook score must be equal.
One worker is killed with SIGKILL while it grades; the batch still completes, every submission graded once,
and the killed job's process tree is gone. Every process started here is stopped at the end, whatever
happened (a process group each, a finalizer).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from dlcourse.grading import proclimit
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.report import read_report
from tests.grading.conftest import A3, SANDBOX, copy_course, lms_folder, quiet

pytestmark = pytest.mark.slow

# a subset of the tiny batch, one of each kind: scores, repair, flags, memory bomb, dead kernel, the sandbox
SUBSET = ["solution", "released", "invalid_json", "colab", "edited_test_wrong", "memory_bomb", "os_exit",
          "suspicious", "reads_secrets"]
TINY_LIMITS = ["--cell-timeout", "120", "--timeout", "300", "--memory", "1.0"]  # conftest.LIMITS
JOB_DIR = re.compile(r"/dlcourse/jobs/(.+?)-[0-9a-f]{8}/")


@dataclass
class DaskProcesses:
    address: str
    folder: Path
    scheduler: subprocess.Popen
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)  # name → the `dask worker` (nanny) process


def start(argv: list[str], log: Path, env: dict) -> subprocess.Popen:
    with open(log, "ab") as fh:  # a session (so a process group) of its own: stopped as a whole
        return subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_for(what: str, check, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def dask(tmp_path_factory, request):
    """A `dask scheduler` and two `dask worker`s (one thread each) on free localhost ports."""
    folder = tmp_path_factory.mktemp("dask")
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "2"}
    started: list[subprocess.Popen] = []
    request.addfinalizer(lambda: [stop(p) for p in reversed(started)])
    scheduler_file = folder / "scheduler.json"
    started.append(start([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                          "--port", "0", "--dashboard-address", "127.0.0.1:0", "--scheduler-file",
                          str(scheduler_file)], folder / "scheduler.log", env))
    address = wait_for("the scheduler", lambda: scheduler_file.exists() and scheduler_file.stat().st_size and
                       json.loads(scheduler_file.read_text())["address"])
    procs = DaskProcesses(address=address, folder=folder, scheduler=started[0])
    for name in ("w1", "w2"):
        procs.workers[name] = start([sys.executable, "-m", "distributed.cli.dask_worker", address, "--name", name,
                                     "--nthreads", "1", "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0",
                                     "--local-directory", str(folder / name)], folder / f"{name}.log", env)
        started.append(procs.workers[name])
    wait_for("two workers", lambda: (folder / "scheduler.log").read_text().count("Register worker") >= 2)
    return procs


def cli_grade(course: Course, assignment: str, *args: str, **popen) -> subprocess.Popen:
    argv = [sys.executable, "-m", "dlcourse.cli", "grade", assignment, *args] + ([] if SANDBOX else ["--no-sandbox"])
    return subprocess.Popen(argv, env={**os.environ, "DLCOURSE_ROOT": str(course.root)}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **popen)


def finish(proc: subprocess.Popen, timeout: float = 900) -> tuple[str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        stop(proc)
    assert proc.returncode == 0, f"{out[-3000:]}\n{err[-3000:]}"
    return out, err


def comparable(rows) -> dict:
    """Report rows without where and how long they took."""
    return {r.student: (r.notebook, r.status, r.score, r.max_score, r.repaired, r.flags, r.messages, r.sha256)
            for r in rows}


def scores(course: Course) -> list[tuple]:
    """Every grade in the gradebook: (student, notebook, cell, auto score, needs manual grading)."""
    with sqlite3.connect(course.gradebook) as db:
        return db.execute("""
            SELECT s.student_id, n.name, c.name, g.auto_score, g.needs_manual_grade
            FROM grade g JOIN base_cell c ON g.cell_id = c.id
            JOIN submitted_notebook sn ON g.notebook_id = sn.id JOIN notebook n ON sn.notebook_id = n.id
            JOIN submitted_assignment s ON sn.assignment_id = s.id ORDER BY 1, 2, 3""").fetchall()


def submissions(course: Course) -> list[str]:
    with sqlite3.connect(course.gradebook) as db:
        return sorted(r[0] for r in db.execute("SELECT student_id FROM submitted_assignment"))


def grading_tree(dask: DaskProcesses):
    """(worker process, its grading process's tree, the student) once a kernel runs under one of the workers."""
    for nanny in dask.workers.values():
        try:
            descendants = psutil.Process(nanny.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        for kernel in descendants:
            try:
                match = "ipykernel" in " ".join(kernel.cmdline()) and JOB_DIR.search(kernel.cwd() + "/")
                if not match:
                    continue
                # kernel ← bwrap ← grading process ← fork server ← worker; the grading process was forked by the
                # fork server, so both show its command line: the fork server is the upper one
                chain = [kernel, *kernel.parents()]
                server = max(i for i, p in enumerate(chain) if "forkserver" in " ".join(p.cmdline()))
                grading, worker = chain[server - 1], chain[server + 1]
                return worker, [grading, *grading.children(recursive=True)], match.group(1)
            except (psutil.Error, ValueError, IndexError):
                continue
    return None


def worker_address(dask: DaskProcesses, proc: psutil.Process) -> str:
    """The address the scheduler knows ``proc`` by (one of its listening ports; another is its dashboard)."""
    ports = {c.laddr.port for c in proc.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}
    log = (dask.folder / "scheduler.log").read_text()
    registered = re.findall(r"Register worker addr: (tcp://127\.0\.0\.1:(\d+))", log)
    [address] = [a for a, port in registered if int(port) in ports]
    return address


def test_tiny_batch_on_a_scheduler_survives_a_killed_worker_and_equals_local(dask, tiny_batch, released_tiny,
                                                                               tmp_path):
    local, local_rows, _ = tiny_batch
    course = copy_course(released_tiny, tmp_path / "course")
    collect(source=lms_folder(tmp_path, SUBSET), assignment="tiny", course=course, echo=quiet)
    proc = cli_grade(course, "tiny", "--cluster", dask.address, *TINY_LIMITS)
    try:
        found = wait_for("a worker grading a submission", lambda: grading_tree(dask) or proc.poll() is not None,
                         timeout=600)
        assert found is not True, "the run ended before a worker was seen grading"
        worker, tree, killed_student = found
        killed_address = worker_address(dask, worker)
        worker.send_signal(signal.SIGKILL)
        gone = wait_for("the killed job's processes to go", lambda: not any(
            p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in tree), timeout=30)
        assert gone
    finally:
        out, err = finish(proc)
    print(f"killed worker {killed_address} (pid {worker.pid}) with SIGKILL while it graded {killed_student}\n{out}")
    for log in ("scheduler", *dask.workers):
        print("".join(line for line in (dask.folder / f"{log}.log").read_text().splitlines(keepends=True)
                      if re.search(r"Register worker|Remove worker|killed|Restarting|died|Lost", line)))
    rows = read_report(course.reports / "tiny.json")
    graded = [s for s in SUBSET if s not in ("invalid_json",)]
    assert sorted(r.student for r in rows) == sorted(SUBSET)  # each once
    progress = [line for line in out.splitlines() if line.startswith("[")]
    assert len(progress) == len(graded) and progress[-1].startswith(f"[{len(graded)}/{len(graded)}] ")
    assert sorted(line.split("]")[1].split(":")[0].strip() for line in progress) == sorted(graded)
    by_student = {r.student: r for r in rows}
    assert by_student[killed_student].worker not in ("", killed_address)  # graded again, elsewhere
    assert all(by_student[s].worker.startswith("tcp://127.0.0.1:") for s in graded)
    assert comparable(rows) == comparable(local_rows[s] for s in SUBSET)
    assert submissions(course) == sorted(graded)
    assert scores(course) == [row for row in scores(local) if row[0] in graded]
    run = json.loads((course.work / "tiny" / "results" / "solution.json").read_text())["run"]
    assert run["bytes_in"] > 1000 and run["bytes_out"] > run["bytes_in"] and run["bundle_bytes"] > 10_000
    hierarchy = proclimit.find_hierarchy()
    if hierarchy is not None:  # the killed worker's job cgroup was swept by the next job
        assert not list(hierarchy.root.glob(f"{proclimit.PREFIX}{worker.pid}-*"))


def test_a3_samples_on_a_scheduler_equal_the_local_demo(dask, a3_demo, tmp_path):
    local, _, demo, local_rows = a3_demo
    assert demo.returncode == 0, demo.stderr[-3000:]
    course = Course(tmp_path / "course")
    shutil.copytree(local.root, course.root, ignore=shutil.ignore_patterns(
        "autograded", "feedback", "reports", ".work", "gradebook.db", "grades.csv"))
    out, _ = finish(cli_grade(course, A3, "--cluster", dask.address))
    print(out)
    rows = read_report(course.reports / f"{A3}.json")
    assert comparable(rows) == comparable(local_rows.values())
    assert scores(course) == scores(local)
    graded = [r for r in rows if r.status != "invalid"]
    assert len(graded) == 4 and all(r.worker.startswith("tcp://") and r.times["cpu"] > 0 for r in graded)


def test_local_cluster(tiny_batch, released_tiny, tmp_path):
    local, local_rows, _ = tiny_batch
    course = copy_course(released_tiny, tmp_path / "course")
    students = ["solution", "released", "os_exit"]
    collect(source=lms_folder(tmp_path, students), assignment="tiny", course=course, echo=quiet)
    out, _ = finish(cli_grade(course, "tiny", "--cluster", "local:2", *TINY_LIMITS))
    assert next(line for line in out.splitlines() if line.startswith("grading ")) == (
        "grading 3 of 3 collected submissions of tiny (0 up to date), on the Dask cluster local:2 (2 workers, 2 at "
        "a time)" + ("" if SANDBOX else ", no sandbox"))
    rows = read_report(course.reports / "tiny.json")
    assert comparable(rows) == comparable(local_rows[s] for s in students)
    assert scores(course) == [row for row in scores(local) if row[0] in students]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_an_unreachable_scheduler_is_one_line_and_writes_nothing(released_tiny, tmp_path):
    course = copy_course(released_tiny, tmp_path / "course")
    collect(source=lms_folder(tmp_path, ["solution"]), assignment="tiny", course=course, echo=quiet)
    (course.root / "pyproject.toml").write_text("[tool.dlcourse]\ncluster_connect_timeout = 3\n")
    before = snapshot(course.root)
    address = f"tcp://127.0.0.1:{free_port()}"
    proc = cli_grade(course, "tiny", "--cluster", address)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err.startswith(f"dlcourse grade: cannot reach the Dask scheduler at {address} (") and \
        err.count("\n") == 1, err
    assert snapshot(course.root) == before
    # and --jobs, which only sizes the local pool, is refused with --cluster
    proc = cli_grade(course, "tiny", "--cluster", address, "--jobs", "2")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and err.startswith("dlcourse grade: --jobs sets the local pool's size") and \
        err.count("\n") == 1, err
    assert snapshot(course.root) == before
