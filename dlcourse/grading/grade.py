"""``dlcourse grade A``: submitted → autograded + gradebook.db + reports/A.{json,md,png}.

Steps, in order (each safe to repeat):

1. :func:`build_template` — nbgrader generate_assignment from solutions/A into autograde/.work/A/template
   (its own gradebook), checked against the committed assignments/A; rebuilt only when solutions/A changed.
2. one :class:`~dlcourse.grading.execute.Job` per collected submission that is not up to date
   (:func:`job_key`: the submission's bytes, the template and the limits), run ``jobs`` at a time, each in
   its own process, forked from this one (which has nbgrader imported already) — or, with ``cluster``, on
   the workers of a Dask cluster (:mod:`dlcourse.grading.cluster`), the job and its results travelling as
   data;
3. as each one ends, in this process only: :func:`record` merges its private gradebook into
   autograde/gradebook.db, replaces its autograded copy (adding, for the grader, what the student saved and the
   rubric of each manually graded cell) and writes its result file — the result file last, so a run killed
   halfway redoes exactly the submissions without one and never duplicates rows;
4. the report, from the inbox manifest (invalid notebooks), the result files and the gradebook.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import subprocess
import sys
import time
from collections import deque
from dataclasses import asdict, replace
from pathlib import Path

import nbformat
import nbgrader

from dlcourse.config import settings
from dlcourse.grading import deadlines, gradebook, nbgrader_bridge, proclimit, rubric, saved, suspicious
from dlcourse.grading.course import Course
from dlcourse.grading.execute import (
    CRASHED,
    GRACE_SECONDS,
    GRADED,
    INVALID,
    TIMEOUT,
    Job,
    JobResult,
    job_result,
    run_job,
)
from dlcourse.grading.inbox import COLLECTED, Entry, read_manifest
from dlcourse.grading.report import Row, status_line, write_report
from dlcourse.grading.sandbox import sandbox_problem
from dlcourse.grading.watchdog import kill_tree

NO_SANDBOX_WARNING = ("WARNING: grading WITHOUT a sandbox: student code runs with your permissions, can read "
                      "other submissions, the gradebook and solutions/, and can use the network.")


def build_template(*, course: Course, assignment: str) -> Path:
    """The gradebook (assignment, no students) and the seed of each job's home; cached by solutions/A."""
    folder = course.work / assignment / "template"
    key = _digest([*_files(course.source_dir(assignment)), *_files(course.release_dir(assignment))],
                  extra=f"{nbgrader.__version__} {settings().instructor_only}")
    if (folder / "key").exists() and (folder / "key").read_text() == key:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    config = nbgrader_bridge.with_release_dir(nbgrader_bridge.course_config(course), release=folder / "release",
                                              db=folder / "gradebook.db")
    run = nbgrader_bridge.generate_assignment(config, assignment=assignment)
    if not run.ok:
        raise RuntimeError(f"nbgrader generate_assignment {assignment} failed: {run.error}")
    for nb in course.notebook_names(assignment):
        if graded_cells(folder / "release" / assignment / nb) != graded_cells(course.release_dir(assignment) / nb):
            raise RuntimeError(f"assignments/{assignment}/{nb} is not what solutions/{assignment} generates now; "
                               f"run `dlcourse release {assignment}` first")
    mpl = folder / "home" / ".matplotlib"
    mpl.mkdir(parents=True)
    for cache in (Path.home() / ".cache" / "matplotlib").glob("fontlist-*.json"):
        shutil.copy(cache, mpl)  # saves every kernel from rebuilding matplotlib's font list
    (folder / "key").write_text(key)
    return folder


def job_key(*, job: Job, template: Path) -> str:
    """What a result depends on; an unchanged key means the stored result is still right."""
    cfg = settings()
    return _digest(_files(job.submitted), extra=f"{(template / 'key').read_text()} {job.cell_timeout} "
                                               f"{job.memory_bytes} {job.sandbox} {job.fast} {job.timeout} "
                                               f"{job.max_processes} {job.duedate} {job.extension_days} "
                                               f"{cfg.late_penalty_per_day} {cfg.late_max_days}")


class LocalPool:
    """Today's pool: ``workers`` grading processes at a time on this machine, forked from this process."""

    def __init__(self, *, workers: int, gpus: list[str] | None):
        self.workers, self.gpus = workers, gpus
        self.threads = max(1, len(os.sched_getaffinity(0)) // workers)

    def describe(self) -> str:
        return f"{self.workers} at a time" + (f" on GPUs {','.join(self.gpus)}" if self.gpus else "")

    def run(self, jobs: list[Job], *, timeout: int, on_done) -> None:
        run_pool(jobs, workers=self.workers, timeout=timeout, gpus=self.gpus, on_done=on_done)


def grade(*, assignment: str, course: Course, jobs: int | None = None, cell_timeout: int | None = None,
          timeout: int | None = None, memory_gb: float | None = None, sandbox: bool = True, gpu: bool = False,
          force: bool = False, cluster: str | None = None, students: list[str] | None = None,
          echo=print) -> list[Row]:
    """Grade every collected submission of ``assignment`` (or only those of ``students``: ``force`` then grades
    again only theirs); write the report of the whole assignment; return its rows.

    ``cluster`` (``local:N``, ``tcp://HOST:PORT``, ``slurm``, ``pbs``, ``sge``): grade on Dask instead of the
    local pool (see :mod:`dlcourse.grading.cluster`); a scheduler that cannot be reached fails here, before
    anything is written.
    """
    cfg = settings()
    manifest = read_manifest(course.inbox, assignment)
    if not manifest:
        raise FileNotFoundError(f"nothing collected for {assignment}; run `dlcourse collect SOURCE --assignment "
                                f"{assignment}` first")
    only = set(students) if students else None
    if only:
        unknown = sorted(only - {e.student for e in manifest.values()})
        if unknown:
            raise ValueError(f"nothing collected for {', '.join(unknown)} in {assignment}")
    if cluster is not None and jobs:
        raise ValueError("--jobs sets the local pool's size; with --cluster the workers' threads decide how many "
                         "submissions are graded at once")
    if sandbox and cluster is None:  # on a cluster, each worker checks its own sandbox, per job
        problem = sandbox_problem()
        if problem:
            raise RuntimeError(problem)
    elif not sandbox:
        echo(NO_SANDBOX_WARNING)
    limits = dict(limit=timeout or cfg.grade_timeout, cell_timeout=cell_timeout or cfg.grade_cell_timeout,
                  memory_bytes=int((memory_gb or cfg.grade_memory_gb) * 2**30), sandbox=sandbox, force=force,
                  only=only)
    if cluster is not None:
        from dlcourse.grading.cluster import open_cluster

        with open_cluster(cluster, gpu=gpu, echo=echo) as pool, \
                _exclusive(course.work / assignment / "grade.lock", assignment=assignment):
            return _grade(assignment=assignment, course=course, manifest=manifest, pool=pool, echo=echo, **limits)
    gpus = visible_gpus() if gpu else None
    pool = LocalPool(workers=len(gpus) if gpus else max(1, jobs or len(os.sched_getaffinity(0))), gpus=gpus)
    with _exclusive(course.work / assignment / "grade.lock", assignment=assignment):
        return _grade(assignment=assignment, course=course, manifest=manifest, pool=pool, echo=echo, **limits)


def _grade(*, assignment: str, course: Course, manifest: dict[str, Entry], pool, limit: int, cell_timeout: int,
           memory_bytes: int, sandbox: bool, force: bool, only: set[str] | None, echo) -> list[Row]:
    cfg = settings()
    template = build_template(course=course, assignment=assignment)
    main_db = f"sqlite:///{course.gradebook}"
    course.gradebook.parent.mkdir(parents=True, exist_ok=True)
    if not course.gradebook.exists():
        shutil.copy(template / "gradebook.db", course.gradebook)
    gradebook.sync_assignment(src=f"sqlite:///{template / 'gradebook.db'}", dst=main_db, course_id=cfg.course_id,
                              assignment=assignment)
    due = deadlines.due_date(assignment)
    extensions = deadlines.read_extensions(course.extensions)
    gradebook.set_due_date(url=main_db, course_id=cfg.course_id, assignment=assignment, duedate=due)

    everyone = {e.student for e in manifest.values()}
    selected = everyone & only if only is not None else everyone
    students = sorted({e.student for e in manifest.values() if e.status == COLLECTED} & selected)
    results = course.work / assignment / "results"
    for student in sorted(selected - set(students)):  # only invalid notebooks
        gradebook.drop_submission(url=main_db, course_id=cfg.course_id, assignment=assignment, student=student)
        shutil.rmtree(course.autograded / student / assignment, ignore_errors=True)
        (results / f"{student}.json").unlink(missing_ok=True)
    shutil.rmtree(course.work / assignment / "jobs", ignore_errors=True)  # left by a killed run
    todo: list[Job] = []
    for student in students:
        job = Job(assignment=assignment, student=student, submitted=course.submission_dir(student, assignment),
                  release=course.release_dir(assignment), template=template,
                  job_dir=course.work / assignment / "jobs" / student,
                  cell_timeout=cell_timeout, memory_bytes=memory_bytes, sandbox=sandbox, fast=cfg.grade_fast,
                  threads=pool.threads, timeout=limit, max_processes=cfg.grade_max_processes,
                  duedate=due.isoformat() if due else "", extension_days=extensions.get((student, assignment), 0.0))
        stored = _load(results / f"{student}.json")
        if not force and stored and stored.get("key") == job_key(job=job, template=template) and \
                gradebook.has_submission(url=main_db, course_id=cfg.course_id, assignment=assignment, student=student):
            continue
        todo.append(job)
    skipped = len(students) - len(todo)
    echo(f"grading {len(todo)} of {len(students)} collected submissions of {assignment} "
         + (f"(only {', '.join(sorted(only))}) " if only is not None else "")
         + f"({skipped} up to date{'' if not skipped else '; --force grades them again'}), {pool.describe()}"
         + ("" if sandbox else ", no sandbox"))

    def done(job: Job, result: JobResult, n: int, run: dict | None = None) -> None:
        record(job=job, result=result, course=course, template=template, results=results, run=run)
        where = (run or {}).get("worker", "local")
        echo(f"[{n}/{len(todo)}] {job.student}: {result.status} ({result.seconds:.1f} s"
             + ("" if where == "local" else f" on {where}") + ")"
             + (f" — {result.messages[0]}" if result.messages else ""))

    pool.run(todo, timeout=limit, on_done=done)
    rows = report_rows(course=course, assignment=assignment, manifest=manifest, results=results)
    paths = write_report(rows, folder=course.reports, assignment=assignment)
    echo(f"{status_line(rows)}; report: {', '.join(str(p) for p in paths)}")
    return rows


def run_pool(jobs: list[Job], *, workers: int, timeout: int, gpus: list[str] | None, on_done) -> None:
    """Run ``jobs``, ``workers`` at a time, each in a process of its own (forked); a job still running
    ``GRACE_SECONDS`` after its ``timeout`` (the deadline inside it should have ended it) is killed with its
    whole process tree. Each sandboxed job gets a pids cgroup of its own where one can be made (removed
    when the job ends). ``on_done(job, result, n, run)`` runs here."""
    if not jobs:
        return
    ctx = fork_context()
    caps = os.geteuid() == 0 and proclimit.cgroup_problem() is None
    if caps:
        proclimit.sweep_stale()
    pending, running, free = deque(jobs), {}, list(gpus or [])
    progress = _progress(len(jobs))
    finished, begun = 0, time.monotonic()
    while pending or running:
        while pending and len(running) < workers:
            job = replace(pending.popleft(), parent_pid=os.getpid())
            if gpus:
                job = replace(job, gpu=free.pop(0))
            group = None
            if caps and job.sandbox and job.max_processes:
                group, _ = proclimit.create(job.max_processes)
                job = replace(job, cgroup=str(group.path) if group else "")
            proc = ctx.Process(target=run_job, args=(job,), name=f"grade-{job.student}", daemon=False)
            proc.start()
            running[proc.sentinel] = (proc, job, time.monotonic(), group)
        ready = set(multiprocessing.connection.wait(list(running), timeout=0.5))
        for sentinel, (proc, job, started, group) in list(running.items()):
            overdue = time.monotonic() - started > timeout + GRACE_SECONDS
            if sentinel not in ready and not overdue:
                continue
            if sentinel not in ready:
                kill_tree(proc.pid)
            proc.join()
            if group is not None:
                group.close()
            del running[sentinel]
            if job.gpu is not None:
                free.append(job.gpu)
            finished += 1
            progress.clear()  # on a terminal: the bar steps aside for the line on_done prints
            run = {"worker": "local", "queued": round(started - begun, 2), "transfer": 0.0}
            on_done(job, _result(job, proc=proc, overdue=sentinel not in ready, timeout=timeout), finished, run)
            progress.update(1)
    progress.close()


def fork_context():
    """Grading processes are forked from this one: it has nbgrader imported already (seconds per process
    otherwise), and a forked child needs no re-import of the main module. This process starts no threads
    of its own before forking (the progress bar's monitor thread is off)."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    return multiprocessing.get_context("fork")


def record(*, job: Job, result: JobResult, course: Course, template: Path, results: Path,
           run: dict | None = None) -> None:
    """Merge one finished job into the course: gradebook, autograded copy, then its result file (with ``run``:
    where and how it ran — worker, queued and transfer seconds, bytes)."""
    cfg = settings()
    autograded = job.job_dir / "autograded" / job.student / job.assignment
    scored = result.status in (GRADED, TIMEOUT) and any(autograded.glob("*.ipynb"))
    private = job.job_dir / "gradebook.db"
    gradebook.merge_submission(src=f"sqlite:///{private}" if private.exists() else None,
                               dst=f"sqlite:///{course.gradebook}", course_id=cfg.course_id,
                               assignment=job.assignment, student=job.student, zero=not scored,
                               extension_days=job.extension_days)
    dest = course.autograded / job.student / job.assignment
    if dest.exists():
        shutil.rmtree(dest)
    if scored:
        shutil.copytree(autograded, dest, symlinks=True)
        originals = {e.notebook: course.inbox / job.assignment / e.original
                     for e in read_manifest(course.inbox, job.assignment).values()
                     if e.student == job.student and e.status == COLLECTED}
        saved.restore_folder(dest, originals)  # what the student saved, for the grader (scores are final here)
        rubric.insert_folder(dest, source=course.source_dir(job.assignment))  # the rubric, for the grader only
    flags = sorted({f for nb in sorted(job.submitted.glob("*.ipynb"))
                    for f in suspicious.scan_notebook(nbformat.read(nb, as_version=4))})
    results.mkdir(parents=True, exist_ok=True)
    log = job.job_dir / "log.txt"
    if log.exists():
        shutil.copy(log, results / f"{job.student}.log")
    data = {"key": job_key(job=job, template=template), "result": asdict(result), "flags": flags,
            "run": run or {}}
    tmp = results / f"{job.student}.json.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(results / f"{job.student}.json")
    shutil.rmtree(job.job_dir, ignore_errors=True)


def report_rows(*, course: Course, assignment: str, manifest: dict[str, Entry], results: Path) -> list[Row]:
    cfg = settings()
    url = f"sqlite:///{course.gradebook}"
    max_scores = _max_scores(url=url, assignment=assignment)
    rows = []
    for key in sorted(manifest):
        e = manifest[key]
        messages = list(e.messages) + ([f"repaired: {'; '.join(e.repairs)}"] if e.repairs else [])
        row = Row(student=e.student, notebook=e.notebook, status=INVALID, score=0.0,
                  max_score=max_scores.get(e.notebook, 0.0), repaired=e.repaired, sha256=e.sha256)
        stored = _load(results / f"{e.student}.json") if e.status == COLLECTED else None
        if e.status == COLLECTED and stored is None:
            row.status, row.messages = CRASHED, ["not graded yet; run `dlcourse grade` again"] + messages
            rows.append(row)
            continue
        if stored is not None:
            result = JobResult(**stored["result"])
            scores = gradebook.read_scores(url=url, course_id=cfg.course_id, assignment=assignment,
                                           student=e.student).get(e.notebook[:-6])
            row.status, row.seconds = result.status, result.seconds
            row.flags = sorted(set(stored["flags"]) | set(result.flags))
            run = stored.get("run") or {}
            row.worker = run.get("worker", "")
            row.times = {"queued": run.get("queued", 0.0), "transfer": run.get("transfer", 0.0),
                         "grading": result.seconds, "cpu": result.cpu_seconds}
            row.peak_mb = round(result.peak_bytes / 2**20, 1)
            if scores:
                row.score, row.max_score = scores.score, scores.max_score
                if result.status in (GRADED, TIMEOUT) and scores.failed:
                    messages.append(f"{len(scores.failed)} test cells lost points: {', '.join(scores.failed)}")
                if scores.late_penalty or scores.seconds_late:
                    row.late_penalty = scores.late_penalty
                    messages.append(deadlines.describe(scores.seconds_late, scores.late_penalty,
                                                       extension=scores.extension_days))
                if scores.manual_points:
                    messages.append(f"{scores.manual_points:g} points wait for manual grading")
            messages = result.messages + messages
        row.messages = messages
        rows.append(row)
    return rows


@contextlib.contextmanager
def _exclusive(path: Path, *, assignment: str):
    """One `grade` of an assignment at a time (they would share the work folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        try:  # a POSIX record lock: forked grading processes do not inherit it, it dies with this process
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise RuntimeError(f"another `dlcourse grade {assignment}` is running on this course") from None
        yield


def visible_gpus() -> list[str]:
    """GPU indices for --gpu: CUDA_VISIBLE_DEVICES if set, else what nvidia-smi lists."""
    env = os.environ.get("CUDA_VISIBLE_DEVICES", "").strip()
    if env and env != "-1":
        return [g.strip() for g in env.split(",") if g.strip()]
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30).stdout
    except (FileNotFoundError, subprocess.TimeoutExpired):
        out = ""
    gpus = [str(i) for i, line in enumerate(out.splitlines()) if line.startswith("GPU ")]
    if not gpus:
        raise RuntimeError("--gpu: no GPU is visible (nvidia-smi lists none)")
    return gpus


def _result(job: Job, *, proc, overdue: bool, timeout: int) -> JobResult:
    return job_result(job, exitcode=proc.exitcode, overdue=overdue, timeout=timeout)


def _max_scores(*, url: str, assignment: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(url, settings().course_id) as gb:
        return {f"{nb.name}.ipynb": float(nb.max_score) for nb in gb.find_assignment(assignment).notebooks}


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="notebook", desc="grading", disable=not sys.stderr.isatty(),
                bar_format="{desc} {n_fmt}/{total_fmt} |{bar}| {elapsed}<{remaining}")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _digest(paths: list[Path], *, extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    for p in paths:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def graded_cells(path: Path) -> list[tuple]:
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, json.dumps(c.metadata.get("nbgrader", {}), sort_keys=True)) for c in nb.cells]


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
