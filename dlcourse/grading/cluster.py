"""``dlcourse grade A --cluster …``: the same grading jobs on a Dask cluster.

Dask's ``distributed`` does the scheduling (futures, retries on lost workers), ``dask-jobqueue`` starts
workers on university clusters. Where the workers come from (:func:`open_cluster`)::

    --cluster local:N          a LocalCluster of N single-threaded worker processes on this machine
    --cluster tcp://HOST:PORT  an existing scheduler (`dask scheduler`; workers: `dask worker tcp://…`)
    --cluster slurm|pbs|sge    batch jobs running workers, shaped by the cluster_* settings (dlcourse.config)

**No shared filesystem.** The coordinator (this process) sends each worker the assignment's *bundle* once —
the release and the grading template, scattered to every worker and unpacked on its disk under its content
hash — and then one small task per submission: the submission's bytes and the limits. What comes back is
data too: the autograded notebooks, the private gradebook, nbgrader's log and the result record. The
coordinator writes them into the job folder a local job would have left and merges them with
:func:`dlcourse.grading.grade.record`: the coordinator alone writes autograde/ and the gradebook, in the
order and with the resume guarantees of local grading.

**On a worker** (:func:`grade_on_worker`) the job runs as today's local job does — private nbgrader course,
bubblewrap sandbox, pids cgroup, memory watchdog, cell and whole-notebook limits, one GPU per job — but the
worker, a threaded process, never forks itself: a fork server (a single-threaded process started fresh,
with nbgrader imported once) forks the grading processes. A grading process dies with the fork server
(PR_SET_PDEATHSIG), the fork server with the worker (it exits when the worker's end of its pipe closes),
the kernel with the grading process (bwrap --die-with-parent, or the launcher's own PDEATHSIG): a killed
worker takes its job's whole process tree with it. A worker without
bubblewrap grades without a sandbox and says so in the job's messages and flags (``sandbox:none``); a
worker whose course environment differs from the coordinator's refuses the job (``crashed``, with what
differs), since its scores could differ.

**Faults.** A worker that dies mid-job (killed, out of memory, node lost): the scheduler starts the job
again on another worker, up to ``cluster_retries`` times for clusters this command starts (an existing
scheduler: its ``distributed.scheduler.allowed-failures``), then it is ``crashed`` with the reason and the
batch goes on. A scheduler that cannot be reached: one line, exit status 1, nothing written.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import multiprocessing
import multiprocessing.forkserver
import os
import platform
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, fields, replace
from pathlib import Path

import dlcourse
from dlcourse.config import settings
from dlcourse.grading import proclimit
from dlcourse.grading.execute import CRASHED, GRACE_SECONDS, Job, JobResult, job_result, run_job
from dlcourse.grading.sandbox import sandbox_problem
from dlcourse.grading.watchdog import kill_tree

JOBQUEUE = {"slurm": ("SLURMCluster", "sbatch"), "pbs": ("PBSCluster", "qsub"), "sge": ("SGECluster", "qsub")}
USAGE = "--cluster takes local:N, tcp://HOST:PORT, slurm, pbs or sge"
PACKAGES = ("nbgrader", "nbclient", "ipykernel", "numpy", "tensorflow", "keras", "konlpy", "distributed")
GPU_LOCKS = Path(tempfile.gettempdir()) / "dlcourse-gpu-locks"


# ── the coordinator ───────────────────────────────────────────────────────────────────────────────────

def parse(spec: str) -> tuple[str, str | int]:
    """``local:N`` → ("local", N); an address → ("address", it); ``slurm|pbs|sge`` → (kind, "")."""
    if spec == "local" or spec.startswith("local:"):
        n = spec.partition(":")[2]
        if n and not (n.isdigit() and int(n) > 0):
            raise ValueError(f"{USAGE}; local:N needs a number of workers N ≥ 1, not {spec!r}")
        return "local", int(n) if n else len(os.sched_getaffinity(0))
    if "://" in spec:
        return "address", spec
    if spec in JOBQUEUE:
        return spec, ""
    raise ValueError(f"{USAGE}, not {spec!r}")


@contextlib.contextmanager
def open_cluster(spec: str, *, gpu: bool = False, echo=print):
    """A :class:`DaskPool` on the cluster ``spec``; clusters started here are stopped on the way out.
    Raises RuntimeError with one line when the scheduler cannot be reached (before anything is written)."""
    import dask
    from distributed import Client

    cfg = settings()
    kind, arg = parse(spec)
    cluster = client = None
    try:
        with dask.config.set({"distributed.scheduler.allowed-failures": cfg.cluster_retries}):
            if kind == "local":
                cluster = _local_cluster(int(arg), gpu=gpu)
            elif kind in JOBQUEUE:
                cluster = jobqueue_cluster(kind, gpu=gpu)
                echo(f"submitted {cfg.cluster_jobs} {kind} batch job(s) for Dask workers; grading starts as they "
                     "come up")
        address = cluster.scheduler_address if cluster is not None else str(arg)
        try:
            client = Client(cluster if cluster is not None else address, timeout=cfg.cluster_connect_timeout,
                            set_as_default=False)
        except (OSError, TimeoutError) as e:
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise RuntimeError(f"cannot reach the Dask scheduler at {address} ({reason}); is `dask scheduler` "
                               "running there, and is the port open?") from None
        pool = DaskPool(client, label=spec if kind != "address" else address, gpu=gpu, echo=echo)
        pool.check()
        yield pool
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
            local_dir = getattr(cluster, "_dlcourse_dir", None)
            if local_dir:
                shutil.rmtree(local_dir, ignore_errors=True)


def _local_cluster(n: int, *, gpu: bool):
    import logging

    from distributed import LocalCluster

    folder = tempfile.mkdtemp(prefix="dlcourse-dask-")
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           memory_limit=0, local_directory=folder, silence_logs=logging.ERROR,
                           resources={"GPU": 1} if gpu else None)
    cluster._dlcourse_dir = folder
    return cluster


class DaskPool:
    """The pool `grade` runs its jobs on (the cluster counterpart of grade.LocalPool)."""

    threads = 0  # decided on each worker: its CPUs shared by the jobs its host runs at once

    def __init__(self, client, *, label: str, gpu: bool, echo=print):
        self.client, self.label, self.gpu, self.echo = client, label, gpu, echo

    def workers(self) -> dict:
        return self.client.scheduler_info(n_workers=-1).get("workers", {})

    def check(self) -> None:
        workers = self.workers()
        if self.gpu and workers and not any(w.get("resources", {}).get("GPU") for w in workers.values()):
            raise RuntimeError(f"--gpu: no worker of {self.label} offers a GPU; start the workers with "
                               "`dask worker … --resources GPU=<GPUs on that machine>`")

    def describe(self) -> str:
        workers = self.workers()
        threads = sum(w.get("nthreads", 0) for w in workers.values())
        return (f"on the Dask cluster {self.label} ({len(workers)} workers, {threads} at a time"
                + (", GPU jobs" if self.gpu else "") + ")")

    def run(self, jobs: list[Job], *, timeout: int, on_done) -> None:
        """Send every job, merge results as they come (``on_done(job, result, n, run)``), in this process."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        from dlcourse.grading.grade import _progress

        if not jobs:
            return
        if not self.workers():
            self.echo(f"waiting for the first worker of {self.label} …")
        bundle = make_bundle(release=jobs[0].release, template=jobs[0].template)
        [bundle_future] = self.client.scatter([bundle], broadcast=True, hash=False)
        common = {"environment": environment(), "host_slots": self.host_slots(), "bundle": bundle["key"]}
        futures = {}
        token = uuid.uuid4().hex[:8]
        for job in jobs:
            spec = job_spec(job, timeout=timeout, gpu=self.gpu, **common)
            future = self.client.submit(grade_on_worker, spec, bundle_future, key=f"grade-{job.student}-{token}",
                                        pure=False, resources={"GPU": 1} if self.gpu else None)
            futures[future] = (job, spec)
        progress = _progress(len(jobs))
        finished = 0
        try:
            for future in as_completed(list(futures), loop=self.client.loop):
                job, spec = futures.pop(future)
                try:
                    out = future.result()
                except KilledWorker as e:
                    out = {"result": asdict(JobResult(CRASHED, [
                        f"the worker grading it died {e.allowed_failures + 1} times (last "
                        f"{e.last_worker.address}); not graded"])), "worker": e.last_worker.address}
                except Exception as e:  # not the submission's doing: leave it for the next run
                    finished += 1
                    progress.clear()
                    self.echo(f"[{finished}/{len(jobs)}] {job.student}: not graded — the cluster failed "
                              f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); run again")
                    progress.update(1)
                    continue
                finally:
                    future.release()
                received = time.time()
                materialize(job, out)
                result = JobResult(**out["result"])
                run = {"worker": out.get("worker", ""), "host": out.get("host", ""),
                       "queued": round(max(0.0, out.get("started", spec["sent"]) - spec["sent"]), 3),
                       "transfer": round(out.get("staging", 0.0) + max(0.0, received - out.get("finished",
                                                                                              received)), 3),
                       "bytes_in": spec_bytes(spec),
                       "bytes_out": out_bytes(out), "bundle_bytes": bundle["bytes"]}
                finished += 1
                progress.clear()
                on_done(job, result, finished, run)
                progress.update(1)
        finally:
            progress.close()
            for future in futures:  # left by an exception here: let the workers stop them
                future.cancel()

    def host_slots(self) -> dict[str, int]:
        """Jobs each host runs at once (the summed threads of its workers)."""
        slots: dict[str, int] = {}
        for w in self.workers().values():
            slots[w.get("host", "")] = slots.get(w.get("host", ""), 0) + int(w.get("nthreads", 1))
        return slots


# Job fields the worker sets for itself (paths on its disk, its CPUs, its GPU, its processes); every other
# field of Job travels in the spec as it is, so a field added to Job reaches the workers without a change here.
WORKER_SIDE = ("submitted", "release", "template", "job_dir", "threads", "gpu", "parent_pid", "cgroup")


def job_spec(job: Job, *, timeout: int, gpu: bool, environment: dict, host_slots: dict, bundle: str) -> dict:
    """One job as data: the submission's files and every Job field but the worker's own (paths are the
    coordinator's; not sent). ``gpu``: whether the job wants a GPU (the worker picks which)."""
    files = {str(p.relative_to(job.submitted)): p.read_bytes() for p in sorted(job.submitted.rglob("*"))
             if p.is_file()}
    data = {f.name: getattr(job, f.name) for f in fields(Job) if f.name not in WORKER_SIDE}
    return {**data, "files": files, "bundle": bundle, "timeout": timeout, "gpu": gpu,
            "environment": environment, "host_slots": host_slots, "sent": time.time()}


def job_from_spec(spec: dict, *, folder: Path, root: Path, sandbox: bool, threads: int) -> Job:
    """The worker's Job for ``spec``: the coordinator's fields, with this worker's paths, sandbox and threads."""
    data = {f.name: spec[f.name] for f in fields(Job) if f.name not in WORKER_SIDE}
    data.update(sandbox=sandbox, timeout=spec["timeout"])
    return Job(**data, submitted=folder / "in", release=root / "release", template=root / "template",
               job_dir=folder / "job", threads=threads, parent_pid=os.getpid())


def spec_bytes(spec: dict) -> int:
    return sum(len(b) for b in spec["files"].values())


def out_bytes(out: dict) -> int:
    return (sum(len(b) for b in out.get("autograded", {}).values()) + len(out.get("gradebook") or b"")
            + len((out.get("log") or "").encode()))


def make_bundle(*, release: Path, template: Path) -> dict:
    """The assignment's release and grading template as data, named by the hash of their contents."""
    files = {}
    for prefix, folder, names in (("release", release, None), ("template", template, ("gradebook.db", "home", "key"))):
        for p in sorted(folder.rglob("*")):
            rel = p.relative_to(folder)
            if p.is_file() and (names is None or rel.parts[0] in names):
                files[f"{prefix}/{rel}"] = p.read_bytes()
    h = hashlib.sha256()
    for name, data in files.items():
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return {"key": h.hexdigest()[:24], "files": files, "bytes": sum(len(b) for b in files.values())}


def materialize(job: Job, out: dict) -> None:
    """Lay out what a worker sent back as a local job leaves its folder (for grade.record)."""
    root = job.job_dir
    shutil.rmtree(root, ignore_errors=True)
    graded = root / "autograded" / job.student / job.assignment
    root.mkdir(parents=True)
    for rel, data in out.get("autograded", {}).items():
        path = graded / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if out.get("gradebook"):
        (root / "gradebook.db").write_bytes(out["gradebook"])
    if out.get("log"):
        (root / "log.txt").write_text(out["log"], encoding="utf-8")


def environment() -> dict[str, str]:
    """What must be the same on the coordinator and every worker for the same scores: the dlcourse code, the
    course settings a grading job reads, Python and the grading stack's versions. (data/ holds no graded data:
    the corpora come from packages.)"""
    cfg = settings()
    pkg = Path(dlcourse.__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*.py")):
        h.update(str(p.relative_to(pkg)).encode() + b"\0" + p.read_bytes())
    env = {"dlcourse code": h.hexdigest()[:16], "python": platform.python_version(),
           "settings": f"course_id={cfg.course_id} grade_output_lines={cfg.grade_output_lines} "
                       f"instructor_only={','.join(cfg.instructor_only)} "
                       f"late_penalty_per_day={cfg.late_penalty_per_day} late_max_days={cfg.late_max_days}"}
    for name in PACKAGES:
        try:
            env[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            env[name] = "missing"
    return env


# ── the jobqueue clusters (Slurm, PBS, SGE) ────────────────────────────────────────────────────────────

def jobqueue_kwargs(kind: str, *, cfg=None) -> dict:
    """dask-jobqueue arguments from the cluster_* settings. One batch job has ``cluster_cores`` cores, each
    grading one submission at a time (a Dask worker thread each), shared by ``cluster_processes`` worker
    processes; each submission needs ``grade_memory_gb`` + 1 GiB of the job's memory."""
    cfg = cfg or settings()
    processes = cfg.cluster_processes or cfg.cluster_cores
    if processes > cfg.cluster_cores:
        raise ValueError(f"cluster_processes = {processes} is more than cluster_cores = {cfg.cluster_cores}")
    per_job = _gib(cfg.cluster_memory) / cfg.cluster_cores
    if per_job < cfg.grade_memory_gb + 1:
        raise ValueError(f"cluster_memory = {cfg.cluster_memory} gives each of the {cfg.cluster_cores} submissions a "
                         f"batch job grades at once {per_job:.1f} GiB; grading needs grade_memory_gb "
                         f"({cfg.grade_memory_gb:g}) + 1 GiB: raise cluster_memory or lower cluster_cores")
    extra = list(cfg.cluster_job_extra)
    worker_args: list[str] = []
    if cfg.cluster_gpus:
        if processes > cfg.cluster_gpus:
            raise ValueError(f"cluster_gpus = {cfg.cluster_gpus}: use cluster_processes ≤ {cfg.cluster_gpus} "
                             "(one GPU job per worker process)")
        if kind == "slurm":
            extra.append(f"--gres=gpu:{cfg.cluster_gpus}")
        worker_args = ["--resources", f"GPU={cfg.cluster_gpus // processes}"]
    kwargs = {"cores": cfg.cluster_cores, "processes": processes, "memory": cfg.cluster_memory,
              "walltime": cfg.cluster_walltime, "job_name": "dlcourse-grade", "job_extra_directives": extra,
              "job_script_prologue": list(cfg.cluster_prologue), "worker_extra_args": worker_args,
              "python": cfg.cluster_python or ("python" if cfg.cluster_prologue else sys.executable)}
    if cfg.cluster_queue:
        kwargs["queue"] = cfg.cluster_queue
    if cfg.cluster_account:
        kwargs["project" if kind == "sge" else "account"] = cfg.cluster_account
    if cfg.cluster_local_directory:
        kwargs["local_directory"] = cfg.cluster_local_directory
    if cfg.cluster_interface:
        kwargs["interface"] = cfg.cluster_interface
    return kwargs


def _jobqueue_class(kind: str):
    import dask_jobqueue

    return getattr(dask_jobqueue, JOBQUEUE[kind][0])


def job_script(kind: str, *, cfg=None, scheduler: str = "tcp://SCHEDULER:8786") -> str:
    """The batch script dask-jobqueue would submit for ``kind`` (rendered without a scheduler or a queue)."""
    return _jobqueue_class(kind).job_cls(scheduler=scheduler, name="dlcourse-worker",
                                         **jobqueue_kwargs(kind, cfg=cfg)).job_script()


def jobqueue_cluster(kind: str, *, gpu: bool = False):
    cfg = settings()
    submit = JOBQUEUE[kind][1]
    if shutil.which(submit) is None:
        raise RuntimeError(f"--cluster {kind}: `{submit}` is not on PATH; run `dlcourse grade` on the cluster's "
                           "login node")
    if gpu and not cfg.cluster_gpus:
        raise RuntimeError(f"--gpu with --cluster {kind}: set cluster_gpus (GPUs per batch job) in [tool.dlcourse]")
    cluster = _jobqueue_class(kind)(**jobqueue_kwargs(kind, cfg=cfg))
    cluster.scale(jobs=cfg.cluster_jobs)
    return cluster


def _gib(text: str) -> float:
    from dask.utils import parse_bytes

    return parse_bytes(text) / 2**30


# ── the worker ────────────────────────────────────────────────────────────────────────────────────────

_unpack_lock = threading.Lock()
_forkserver = None


def grade_on_worker(spec: dict, bundle: dict) -> dict:
    """Grade one submission on this Dask worker; returns the results as data (see the module docstring)."""
    from distributed import get_worker

    worker = get_worker()
    started, t0 = time.time(), time.perf_counter()
    here = {"worker": worker.address, "host": socket.gethostname(), "started": started}
    mine = environment()
    differs = [f"{k} {mine.get(k)} ≠ {v}" for k, v in spec["environment"].items() if mine.get(k) != v]
    if differs:
        return {**here, "finished": time.time(), "result": asdict(JobResult(CRASHED, [
            f"worker {worker.address} runs another course environment ({'; '.join(differs)}): not graded; "
            "give the workers the coordinator's commit and requirements.txt"]))}
    base = Path(worker.local_directory) / "dlcourse"
    root = unpack_bundle(bundle, base / "bundles")
    folder = base / "jobs" / f"{spec['student']}-{uuid.uuid4().hex[:8]}"
    try:
        for rel, data in spec["files"].items():
            path = folder / "in" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        flags, notes = [], []
        sandbox = spec["sandbox"]
        if sandbox and sandbox_problem():
            sandbox = False
            flags.append("sandbox:none")
            notes.append(f"graded WITHOUT a sandbox on worker {worker.address}: {sandbox_problem()}")
        cpus = len(os.sched_getaffinity(0))
        slots = spec["host_slots"].get(worker.ip, 0) or _host_slots(worker)
        job = job_from_spec(spec, folder=folder, root=root, sandbox=sandbox, threads=max(1, cpus // max(1, slots)))
        staging = time.perf_counter() - t0
        with gpu_slot(spec["gpu"]) as gpu:
            result = run_forked(replace(job, gpu=gpu), timeout=spec["timeout"], key=worker.get_current_task())
        t1 = time.perf_counter()
        result.flags = sorted(set(result.flags) | set(flags))
        result.messages = result.messages + notes
        graded = job.job_dir / "autograded" / job.student / job.assignment
        out = {**here, "result": asdict(result),
               "autograded": {str(p.relative_to(graded)): p.read_bytes() for p in sorted(graded.rglob("*"))
                              if p.is_file()} if graded.is_dir() else {},
               "gradebook": (job.job_dir / "gradebook.db").read_bytes() if (job.job_dir / "gradebook.db").exists()
               else None,
               "log": (job.job_dir / "log.txt").read_text(encoding="utf-8") if (job.job_dir / "log.txt").exists()
               else ""}
        out["staging"] = round(staging + time.perf_counter() - t1, 3)
        out["finished"] = time.time()
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _host_slots(worker) -> int:
    """Jobs this worker's host runs at once (all its workers' threads), asked of the scheduler: for workers
    that joined after the coordinator looked (batch jobs)."""
    try:
        from distributed import get_client

        workers = get_client().scheduler_info(n_workers=-1)["workers"].values()
        return sum(w["nthreads"] for w in workers if w.get("host") == worker.ip) or worker.state.nthreads
    except Exception:  # no answer: this worker's own threads
        return worker.state.nthreads


def unpack_bundle(bundle: dict, folder: Path) -> Path:
    """The bundle's files under ``folder/<key>`` (unpacked once per worker process and key)."""
    dest = folder / bundle["key"]
    with _unpack_lock:
        if (dest / ".complete").exists():
            return dest
        tmp = folder / f".{bundle['key']}-{uuid.uuid4().hex[:8]}"
        for name, data in bundle["files"].items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (tmp / ".complete").write_text("")
        shutil.rmtree(dest, ignore_errors=True)
        tmp.rename(dest)
    return dest


def forkserver():
    """This worker's fork server: a single-threaded process with nbgrader and the grading code imported,
    which forks one grading process per job (cheap, like the local pool), although the worker itself is a
    threaded process that must not fork."""
    global _forkserver
    with _unpack_lock:
        if _forkserver is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["dlcourse.grading.execute", "dlcourse.grading.nbgrader_bridge",
                                        "dlcourse.grading.deadline"])
            _forkserver = ctx
    return _forkserver


def run_forked(job: Job, *, timeout: int, key=None) -> JobResult:
    """Run ``job`` in a grading process forked by :func:`forkserver` (a session of its own that dies with
    the fork server, which dies with this worker), with the same pids cgroup and hard limit as the local
    pool; kill it when the task is cancelled."""
    group = None
    if job.sandbox and job.max_processes and os.geteuid() == 0 and proclimit.cgroup_problem() is None:
        proclimit.sweep_stale()  # what a killed worker left (its pid is in the name)
        group, _ = proclimit.create(job.max_processes)
        job = replace(job, cgroup=str(group.path) if group else "")
    ctx = forkserver()
    overdue = False
    try:
        multiprocessing.forkserver.ensure_running()  # (re)started if needed; its pid is the job's parent
        server = getattr(multiprocessing.forkserver._forkserver, "_forkserver_pid", None) or 0
        proc = ctx.Process(target=run_job, args=(replace(job, parent_pid=server),), name=f"grade-{job.student}")
        with _unpack_lock, _not_daemonic():
            proc.start()
        limit = time.monotonic() + timeout + GRACE_SECONDS
        while proc.exitcode is None:
            proc.join(0.5)
            if proc.exitcode is None and (time.monotonic() > limit or _cancelled(key)):
                overdue = time.monotonic() > limit
                kill_tree(proc.pid)
                proc.join()
    finally:
        if group is not None:
            group.close()
    return job_result(job, exitcode=proc.exitcode, overdue=overdue, timeout=timeout)


@contextlib.contextmanager
def _not_daemonic():
    """Dask runs workers as daemonic processes, which multiprocessing forbids to start children (it would
    terminate them at exit). The grading process is the fork server's child, not this one's, and dies with
    it through PR_SET_PDEATHSIG; so lift the flag for the start, under the lock."""
    config = multiprocessing.current_process()._config
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        yield
    finally:
        if daemon is not None:
            config["daemon"] = daemon


def _cancelled(key) -> bool:
    """Whether the scheduler no longer wants the task ``key`` (the coordinator stopped or released it)."""
    if key is None:
        return False
    try:
        from distributed import get_worker

        ts = get_worker().state.tasks.get(key)
    except (ValueError, AttributeError):
        return False
    return ts is None or ts.state in ("cancelled", "released", "forgotten")


@contextlib.contextmanager
def gpu_slot(wanted: bool, *, gpus: list[str] | None = None, locks: Path = GPU_LOCKS, poll: float = 0.5):
    """One GPU of this host for the job's duration (None when ``wanted`` is False): a lock file per GPU,
    so that worker processes sharing a host never put two jobs on one GPU. Waits while all are busy."""
    if not wanted:
        yield None
        return
    from dlcourse.grading.grade import visible_gpus

    gpus = gpus if gpus is not None else visible_gpus()
    locks.mkdir(parents=True, exist_ok=True)
    while True:
        for gpu in gpus:
            fh = open(locks / f"gpu-{gpu}.lock", "w")
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                continue
            try:
                yield gpu
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
                fh.close()
            return
        time.sleep(poll)
