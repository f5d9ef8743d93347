"""Grade one submission in its own process and its own private nbgrader course.

:func:`run_job` is what each grading process runs: forked by the local pool (see
:mod:`dlcourse.grading.grade`), or by a Dask worker's fork server (see :mod:`dlcourse.grading.cluster`;
a worker is a threaded process and does not fork itself)::

    <job>/source/<A>/              the release (non-notebook files are copied next to the notebook)
    <job>/submitted/<s>/<A>/       this one submission
    <job>/gradebook.db             a copy of the template gradebook (the assignment, no students)
    <job>/autograded/<s>/<A>/      nbgrader's output (written by nbgrader, outside the sandbox)
    <job>/etc/                     passwd, group, hosts for the sandbox (read-only inside)
    <job>/work/  <job>/home/  /tmp/dlcourse-*/  the only folders the kernel can write (working copy,
                                                HOME/TMPDIR, connection file and sockets)
    <job>/result.json              status, messages, times, read by the parent

The process starts a new session (no controlling terminal for anything it starts), runs nbgrader
autograde with a memory watchdog on its kernel tree and the whole-notebook deadline inside nbgrader's
execution, starts the kernel through :mod:`~dlcourse.grading.launch` (dies with this process, joins the
job's pids cgroup), and classifies the outcome.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dlcourse.grading import proclimit
from dlcourse.grading.sandbox import bwrap_argv, launcher, write_etc
from dlcourse.grading.watchdog import MemoryWatchdog

if TYPE_CHECKING:
    from dlcourse.grading.nbgrader_bridge import NbgraderRun

# nbgrader is imported where a job runs (run_job, classify), not on import: a Dask worker imports this module
# for Job and JobResult only; its fork server imports nbgrader once for all its jobs.

GRADED, TIMEOUT, MEMORY_LIMIT, CRASHED, INVALID = "graded", "timeout", "memory_limit", "crashed", "invalid"
# The whole-notebook limit is kept inside the grading process (deadline.py: completed cells keep their
# scores); its parent kills the process tree only this much later, when the grader itself hangs.
GRACE_SECONDS = 30
PASSED_THROUGH_ENV = ("JAVA_HOME", "DLCOURSE_ROOT", "LD_LIBRARY_PATH")
CELL_STARTED = re.compile(r"dlcourse: cell (\d+) started")


@dataclass(frozen=True)
class Job:
    """Everything one grading process needs (picklable: it crosses into a forked process)."""

    assignment: str
    student: str
    submitted: Path  # autograde/submitted/<student>/<A>
    release: Path  # assignments/<A>
    template: Path  # the template folder holding gradebook.db and home/ (see grade.build_template)
    job_dir: Path
    cell_timeout: int
    memory_bytes: int
    sandbox: bool
    fast: bool
    threads: int = 1  # CPU threads for the kernel's TensorFlow/BLAS: the machine's CPUs shared by the jobs
    gpu: str | None = None
    parent_pid: int = 0  # the `grade` process (or a Dask worker's fork server); this one dies with it
    timeout: int = 0  # the whole-notebook limit (s): execution stops there, completed cells keep their scores
    max_processes: int = 0  # processes and threads the kernel may have (0: no cap; see proclimit)
    cgroup: str = ""  # the job's pids cgroup (made by the parent), or "" when none could be made
    duedate: str = ""  # the assignment's due date (UTC ISO, as nbgrader stores it); "" for none
    extension_days: float = 0.0  # this student's extension (autograde/extensions.csv)


@dataclass
class JobResult:
    status: str
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_bytes: int = 0
    cpu_seconds: float = 0.0  # this process and its kernel tree (nbgrader and the student's code)
    flags: list[str] = field(default_factory=list)  # e.g. sandbox:none, sandbox:no-process-limit


def kernel_env(*, home: Path, gpu: str | None, fast: bool, threads: int) -> dict[str, str]:
    """The kernel's whole environment: quiet, deterministic TensorFlow, its own HOME, no GPU unless given,
    and ``threads`` CPU threads (TensorFlow's spinning thread pools slow each other down when N jobs each
    start one thread per CPU)."""
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",  # set(text) iterates the same way every time: same vocabulary, same score
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",  # oneDNN changes float results between machines
        "TF_DETERMINISTIC_OPS": "1",
        "TF_NUM_INTRAOP_THREADS": str(threads),
        "TF_NUM_INTEROP_THREADS": str(max(2, threads)),  # one inter-op thread can deadlock some graphs
        "OMP_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        "TF_FORCE_GPU_ALLOW_GROWTH": "true",
        "CUDA_VISIBLE_DEVICES": gpu or "",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        "DLCOURSE_FAST": "1" if fast else "0",
        "NBGRADER_EXECUTION": "autograde",
    }
    env.update({k: os.environ[k] for k in PASSED_THROUGH_ENV if k in os.environ})
    return env


def prepare(job: Job) -> None:
    """Build the private course of ``job`` from scratch."""
    root = job.job_dir
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(job.release, root / "source" / job.assignment)
    shutil.copytree(job.submitted, root / "submitted" / job.student / job.assignment)
    shutil.copy(job.template / "gradebook.db", root / "gradebook.db")
    _set_deadline(job, root / "gradebook.db")
    shutil.copytree(job.release, root / "work", ignore=shutil.ignore_patterns("*.ipynb"))
    shutil.copytree(job.template / "home", root / "home")


def kernel_prefix(job: Job, *, env: dict[str, str], runtime: Path) -> tuple[list[str], list[str], list[str]]:
    """(the command prefix of the kernel, flags, messages) for ``job``: launcher → bwrap → launcher with the
    process cap, or the launcher alone without a sandbox."""
    root = job.job_dir
    if not job.sandbox:
        return launcher(pdeathsig=os.getpid()), ["sandbox:none"], []
    etc = write_etc(root / "etc", home=root / "home")
    flags, messages, nproc = [], [], None
    if job.max_processes and job.cgroup:
        outer = launcher(pdeathsig=os.getpid(), cgroup=Path(job.cgroup) / "cgroup.procs")
    elif job.max_processes and os.geteuid() != 0:
        outer, nproc = launcher(pdeathsig=os.getpid()), job.max_processes
    else:
        outer = launcher(pdeathsig=os.getpid())
        why = ("grade_max_processes is 0" if not job.max_processes else
               f"running as root, where RLIMIT_NPROC does not apply, and {proclimit.cgroup_problem()}")
        flags.append(proclimit.NO_PROCESS_LIMIT)
        messages.append(f"no cap on the kernel's number of processes: {why}")
    argv = bwrap_argv(writable=[root / "work", root / "home", runtime], env=env, etc=etc, gpu=job.gpu is not None,
                      nproc=nproc)
    return outer + argv, flags, messages


def _set_deadline(job: Job, db: Path) -> None:
    """The due date and this student's extension into the private gradebook, where nbgrader's
    AssignLatePenalties finds them (with the timestamp collect wrote beside the notebook)."""
    import datetime as dt

    from nbgrader.api import Gradebook

    from dlcourse.config import settings
    from dlcourse.grading import deadlines

    with Gradebook(f"sqlite:///{db}", settings().course_id) as gb:
        deadlines.apply(gb, assignment=job.assignment, student=job.student if job.duedate else None,
                        duedate=dt.datetime.fromisoformat(job.duedate) if job.duedate else None,
                        days=job.extension_days)


def run_job(job: Job) -> None:
    """Grade ``job`` and write ``result.json`` into its folder. Runs in its own (forked) process."""
    from dlcourse.grading import nbgrader_bridge

    _die_with_parent(job.parent_pid)
    try:
        os.setsid()
    except PermissionError:  # already the leader of a session of its own
        pass
    start = time.perf_counter()
    deadline = time.time() + job.timeout if job.timeout else 0.0
    prepare(job)
    root = job.job_dir
    _redirect_output(root / "output.txt")
    # unix socket paths are limited to ~107 bytes, so the sockets live in a short folder of their own
    runtime = Path(tempfile.mkdtemp(prefix="dlcourse-", dir="/tmp" if os.access("/tmp", os.W_OK) else None))
    env = kernel_env(home=root / "home", gpu=job.gpu, fast=job.fast, threads=job.threads)
    argv, flags, notes = kernel_prefix(job, env=env, runtime=runtime)
    if not job.sandbox:
        os.environ.update(env)
    config = nbgrader_bridge.private_config(root=root, cell_timeout=job.cell_timeout, working_dir=root / "work",
                                            runtime_dir=runtime, sandbox_argv=argv, deadline=deadline,
                                            notebook_timeout=job.timeout)
    try:
        with MemoryWatchdog(pid=os.getpid(), limit_bytes=job.memory_bytes) as dog:
            run = nbgrader_bridge.autograde(config, assignment=job.assignment, student=job.student)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    result = classify(run, job=job, memory_fired=dog.fired)
    result.seconds = round(time.perf_counter() - start, 2)
    result.peak_bytes = dog.peak_bytes
    result.cpu_seconds = round(_cpu_seconds(kernel_tree=dog.cpu_seconds), 2)
    result.flags, result.messages = flags, result.messages + notes
    (root / "log.txt").write_text(run.log, encoding="utf-8")
    tmp = root / "result.json.tmp"
    tmp.write_text(json.dumps(asdict(result)), encoding="utf-8")
    tmp.replace(root / "result.json")
    # Leave at once: this forked process has nothing left to clean up, and the interpreter's own exit
    # (joining the threads jupyter_client and zmq leave behind) can take longer than the grading did.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def classify(run: NbgraderRun, *, job: Job, memory_fired: bool) -> JobResult:
    """Status and one-line messages from what nbgrader did and what the watchdog saw."""
    from dlcourse.grading.deadline import NOTEBOOK_TIMEOUT_ENAME
    from dlcourse.grading.preprocessors import TIMEOUT_ENAME

    started = CELL_STARTED.findall(run.log)
    where = f" in cell {started[-1]}" if started else ""
    if memory_fired:
        gib = job.memory_bytes / 2**30
        return JobResult(MEMORY_LIMIT, [f"the kernel used more than {gib:g} GiB of memory{where} and was stopped"])
    if not run.ok:
        if "DeadKernelError" in run.log or "Kernel died" in run.log:
            return JobResult(CRASHED, [f"the kernel died{where} (os._exit, a crash or a kill); nothing was graded"])
        return JobResult(CRASHED, [f"nbgrader could not grade this notebook: {run.error or _last_error(run.log)}"])
    messages, status = [], GRADED
    for path in sorted((job.job_dir / "autograded" / job.student / job.assignment).glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))  # nbgrader just wrote and validated it
        stopped = [i for i, cell in enumerate(nb["cells"])
                   if any(o.get("ename") == NOTEBOOK_TIMEOUT_ENAME for o in cell.get("outputs", []))]
        if stopped:
            status = TIMEOUT
            messages.append(f"{path.name}: stopped at the {job.timeout} s limit for a whole notebook in cell "
                            f"{stopped[0]}; it and the {len(stopped) - 1} code cells after it did not run to the "
                            "end (their tests score 0), the cells before kept their scores")
        for i, cell in enumerate(nb["cells"]):
            outs = cell.get("outputs", [])
            if any(o.get("ename") == TIMEOUT_ENAME for o in outs):
                status = TIMEOUT
                messages.append(f"{path.name} cell {i} ran longer than {job.cell_timeout} s and was interrupted; "
                                "the other cells were graded")
            if any("Output truncated" in str(o.get("text", "")) or "output truncated" in str(o.get("text", ""))
                   for o in outs):
                messages.append(f"{path.name} cell {i}: output truncated")
    return JobResult(status, messages)


def job_result(job: Job, *, exitcode: int | None, overdue: bool, timeout: int) -> JobResult:
    """What a finished grading process left in its folder, or what became of it when it left nothing."""
    if overdue:
        return JobResult(TIMEOUT, [f"stopped after {timeout + GRACE_SECONDS} s: the grading did not end at the "
                                   f"{timeout} s limit for a whole notebook; nothing was graded"],
                         seconds=float(timeout + GRACE_SECONDS))
    path = job.job_dir / "result.json"
    if path.exists():
        return JobResult(**json.loads(path.read_text(encoding="utf-8")))
    return JobResult(CRASHED, [f"the grading process died (exit code {exitcode}); nothing was graded"])


def _cpu_seconds(*, kernel_tree: float) -> float:
    """This process's CPU time plus its kernel tree's: what the children it waited for used, or what the
    watchdog sampled when that is more (a sandboxed kernel's usage never reaches this process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + max(children.ru_utime + children.ru_stime, kernel_tree)


def _die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when its parent dies: a killed `grade` leaves no grading process behind
    (the sandboxed kernel follows through bwrap's --die-with-parent). A parent that died before the
    signal was armed is noticed by its pid."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if parent_pid and os.getppid() != parent_pid:
        os._exit(1)


def _redirect_output(path: Path) -> None:
    """Send this process's stdout/stderr, and so the kernel's, to a file instead of the instructor's terminal."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def _last_error(log: str) -> str:
    errors = [ln for ln in log.splitlines() if ln.startswith("[ERROR]")]
    return errors[-1][8:200] if errors else "unknown error"

