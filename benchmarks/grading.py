"""Benchmark (not a test): grading K copies of an assignment's solution three ways, side by side in one run.

    .venv/bin/python benchmarks/grading.py --assignment a3_char_rnn -k 4
    .venv/bin/python benchmarks/grading.py --assignment tiny -k 8      # the tiny test assignment

1. plain ``nbgrader autograde A`` — serial, nbgrader's own defaults, no sandbox (the reference);
2. ``dlcourse grade A --jobs 1`` — one private course and one sandboxed process per submission;
3. ``dlcourse grade A --jobs 2``;
4. ``dlcourse grade A --cluster local:2`` — the same jobs on a Dask LocalCluster of two single-threaded
   worker processes (full mode only; issue 16), the jobs and their results travelling as data.

Each is a fresh command-line process on the same collected submissions, with the same kernel environment
(fast mode, quiet TensorFlow). ``--repeat R`` runs R rounds of all of them and keeps each one's best time
(a shared machine is noisy); ``--methods plain,jobs1,jobs2,cluster`` picks some. Prints wall times and
ratios; writes build/bench/grading.json (``--out DIR``).
Goals (issue 3): --jobs 1 within 5 % of plain nbgrader; --jobs 2 at least 1.8x faster on 2 cores.
Goal (issue 16): --cluster local:2 within 5 % of --jobs 2. The cluster run also reports, per job, the bytes
sent to the worker (the submission), the bytes that came back (autograded notebook, private gradebook,
log), the assignment bundle sent once per worker, and the seconds spent queued and moving data.

Sizing (issue 16; full mode, ``--no-sizing`` skips it): one copy of each assignment's solution (a1–a6)
graded alone with ``--jobs 1``; its CPU-seconds (grading process and kernel tree) and the kernel tree's peak
resident memory, from the report's ``times`` and ``peak_mb``; writes build/bench/grading_sizing.json.

Per-submission overhead breakdown (issue 6), for plain nbgrader and ``--jobs 1``: the wall time per
submission split into
  * kernel start — a fresh kernel with the grading environment, started and ready (measured alone);
  * TensorFlow import — ``import tensorflow`` as the first thing in that kernel (measured alone);
  * notebook cells — the sum of the graded notebook's cell times (nbclient's ``execution`` timestamps in
    the autograded notebook, iopub.execute_input → shell.execute_reply) minus the TensorFlow import,
    which the notebook's first import cell pays;
  * bookkeeping — the rest: process start-up, nbgrader's conversion and gradebook, copying, the sandbox.
``--fast`` (the smoke test): the tiny test assignment, one submission, one round.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat

from dlcourse.config import BUILD_DIR, REPO_ROOT, is_fast, settings, size
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.execute import kernel_env
from dlcourse.grading.grade import build_template
from dlcourse.grading.release import release
from dlcourse.grading.report import read_report
from dlcourse.grading.samples import answered
from dlcourse.grading.sandbox import sandbox_problem

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import parse_args, write_results  # noqa: E402

SOURCES = {"tiny": REPO_ROOT / "tests" / "grading" / "files" / "source" / "tiny"}
PLAIN_CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.submitted_directory = "autograde/submitted"
c.CourseDirectory.autograded_directory = "autograde/autograded"
c.CourseDirectory.db_url = "sqlite:///{root}/autograde/gradebook.db"
c.CourseDirectory.course_id = {course_id!r}
c.Execute.timeout = {timeout}
"""


def prepare(*, assignment: str, k: int, folder: Path) -> Course:
    """A course in ``folder`` with ``assignment`` released and K copies of its solution collected."""
    shutil.rmtree(folder, ignore_errors=True)
    course = Course(folder)
    shutil.copytree(SOURCES.get(assignment, REPO_ROOT / "solutions" / assignment), course.source_dir(assignment))
    shutil.copy(REPO_ROOT / "pyproject.toml", folder / "pyproject.toml")
    if (REPO_ROOT / "data").is_dir():
        shutil.copytree(REPO_ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("cache"))
    release(course=course, assignments=[assignment], echo=lambda *_: None)
    name = course.notebook_names(assignment)[0]
    good = answered(release=nbformat.read(course.release_dir(assignment) / name, as_version=4),
                    source=nbformat.read(course.source_dir(assignment) / name, as_version=4))
    inbox = folder.parent / f"{folder.name}-lms"
    shutil.rmtree(inbox, ignore_errors=True)
    for i in range(1, k + 1):
        (inbox / f"s{i:02d}").mkdir(parents=True)
        nbformat.write(good, inbox / f"s{i:02d}" / name)
    collect(source=inbox, assignment=assignment, course=course, echo=lambda *_: None)
    build_template(course=course, assignment=assignment)  # once, outside the timings
    return course


def timed(argv: list[str], *, env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def plain_nbgrader(course: Course, *, assignment: str, env: dict) -> float:
    shutil.rmtree(course.autograded, ignore_errors=True)
    config = course.root / "plain" / "nbgrader_config.py"
    config.parent.mkdir(exist_ok=True)
    config.write_text(PLAIN_CONFIG.format(root=str(course.root), course_id=settings().course_id,
                                          timeout=settings().grade_cell_timeout))
    bindir = Path(sys.executable).parent
    return timed([str(bindir / "nbgrader"), "autograde", assignment, "--force"], env=env, cwd=config.parent)


def dlcourse_grade(course: Course, *, assignment: str, jobs: int | None = None, cluster: str | None = None,
                   env: dict) -> float:
    argv = [sys.executable, "-m", "dlcourse.cli", "grade", assignment, "--force"]
    argv += ["--cluster", cluster] if cluster else ["--jobs", str(jobs)]
    argv += [] if sandbox_problem() is None else ["--no-sandbox"]
    return timed(argv, env={**env, "DLCOURSE_ROOT": str(course.root)}, cwd=course.root)


def job_runs(course: Course, *, assignment: str) -> list[dict]:
    """Where and how each job of the last run went (the result files' ``run``: worker, seconds queued and
    moving data, bytes in and out) with its grading and CPU seconds."""
    runs = []
    for path in sorted((course.work / assignment / "results").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        runs.append({"student": path.stem, **data.get("run", {}), "grading": data["result"]["seconds"],
                     "cpu": data["result"].get("cpu_seconds", 0.0)})
    return runs


def sizing(*, folder: Path, env: dict, assignments: list[str]) -> list[dict]:
    """One solution of each assignment graded alone (--jobs 1): CPU-seconds and peak memory per submission."""
    rows = []
    for assignment in assignments:
        course = prepare(assignment=assignment, k=1, folder=folder / f"sizing-{assignment}")
        wall = dlcourse_grade(course, assignment=assignment, jobs=1, env=env)
        [row] = [r for r in read_report(course.reports / f"{assignment}.json") if r.status != "invalid"]
        rows.append({"assignment": assignment, "status": row.status, "score": f"{row.score:g}/{row.max_score:g}",
                     "grading s": row.seconds, "CPU s": row.times.get("cpu"), "peak MiB": row.peak_mb,
                     "wall s (CLI)": wall})
        print(f"sizing {assignment}: {rows[-1]}", flush=True)
    return rows


def cell_seconds(course: Course, *, assignment: str) -> list[float]:
    """For each autograded notebook of ``assignment``: the sum of its code cells' execution times (s)."""
    totals = []
    for path in sorted(course.autograded.glob(f"*/{assignment}/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        total = 0.0
        for cell in nb.cells:
            timing = cell.get("metadata", {}).get("execution", {})
            if cell.cell_type == "code" and "iopub.execute_input" in timing and "shell.execute_reply" in timing:
                start, end = (datetime.fromisoformat(timing[k].replace("Z", "+00:00"))
                              for k in ("iopub.execute_input", "shell.execute_reply"))
                total += (end - start).total_seconds()
        totals.append(total)
    return totals


def kernel_phases(*, env: dict, cwd: Path) -> tuple[float, float]:
    """(kernel start until ready, ``import tensorflow`` in it) in seconds, in a fresh kernel."""
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=settings().kernel_name, env=env, cwd=str(cwd), startup_timeout=300)
    started = time.perf_counter() - start
    try:
        start = time.perf_counter()
        reply = kc.execute_interactive("import tensorflow", timeout=300, output_hook=lambda msg: None)
        imported = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"import tensorflow failed in the kernel: {reply['content']}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return started, imported


TF_IMPORT = re.compile(r"^\s*(import|from)\s+(tensorflow|keras)\b", re.MULTILINE)


def imports_tensorflow(course: Course, *, assignment: str) -> bool:
    """Whether the assignment's notebook imports TensorFlow or Keras (then its cells pay the import)."""
    nb = nbformat.read(course.release_dir(assignment) / course.notebook_names(assignment)[0], as_version=4)
    return any(TF_IMPORT.search(c.source) for c in nb.cells if c.cell_type == "code")


def breakdown(*, per_submission: dict[str, float], cells: dict[str, list[float]], kernel_start: float,
              tf_import: float, job_seconds: dict[str, float | None]) -> list[dict]:
    """Rows phase → seconds per submission for each method (see the module docstring). ``tf_import`` is 0
    for a notebook that does not import TensorFlow. ``job_seconds``: the time one grading job reports
    (dlcourse only), which splits bookkeeping into inside the job and outside it (CLI, pool, gradebook)."""
    names = ("kernel start", "TensorFlow import", "notebook cells (without TF import)", "bookkeeping",
             "  of which inside the grading job", "  of which outside (CLI start, pool, gradebook)",
             "total per submission")
    rows = {phase: {"phase": phase} for phase in names}
    for method, wall in per_submission.items():
        cell_time = min(cells[method])
        rows["kernel start"][method] = kernel_start
        rows["TensorFlow import"][method] = tf_import
        rows["notebook cells (without TF import)"][method] = max(cell_time - tf_import, 0.0)
        rows["bookkeeping"][method] = wall - kernel_start - cell_time
        job = job_seconds.get(method)
        rows["  of which inside the grading job"][method] = None if job is None else job - kernel_start - cell_time
        rows["  of which outside (CLI start, pool, gradebook)"][method] = None if job is None else wall - job
        rows["total per submission"][method] = wall
    return list(rows.values())


def compare(args, *, course: Course, env: dict, methods: dict) -> None:
    """Run ``methods`` on the same K submissions (``--repeat`` rounds), print and write the comparison."""
    samples: dict[str, list[float]] = {name: [] for name in methods}
    per_notebook: list[float] = []
    cells: dict[str, list[float]] = {name: [] for name in methods}
    phases: list[tuple[float, float]] = []
    transfers: list[dict] = []
    for _ in range(args.repeat):  # rounds of all methods, so a busy spell on a shared machine hits each alike
        for name, run in methods.items():
            samples[name].append(run())
            cells[name] += cell_seconds(course, assignment=args.assignment)
            if name.endswith("--jobs 1"):
                per_notebook += [r.seconds for r in read_report(course.reports / f"{args.assignment}.json")]
            if name == CLUSTER:
                transfers += job_runs(course, assignment=args.assignment)
        if PLAIN in methods:
            phases.append(kernel_phases(env=env, cwd=course.root))
    statuses = sorted({(r.status, r.score) for r in read_report(course.reports / f"{args.assignment}.json")})
    runs = {name: min(values) for name, values in samples.items()}  # the least disturbed run of each

    sandbox = "in the sandbox" if sandbox_problem() is None else "WITHOUT a sandbox"
    print(f"grading {args.k} × {args.assignment} solution on {os.cpu_count()} CPUs, dlcourse {sandbox}, "
          f"best of {args.repeat}; (status, score): {statuses}; load average {os.getloadavg()}")
    reference = runs.get(PLAIN) or next(iter(runs.values()))
    print(f"{'method':<36} {'wall s':>8} {'s/notebook':>11} {'vs first':>9}   all runs")
    for name, seconds in runs.items():
        print(f"{name:<36} {seconds:8.1f} {seconds / args.k:11.1f} {seconds / reference:9.2f}   "
              + " ".join(f"{v:.1f}" for v in samples[name]))
    ratios: dict[str, float] = {}
    if PLAIN in runs and JOBS1 in runs:
        ratios["jobs1_overhead_vs_plain"] = runs[JOBS1] / runs[PLAIN] - 1
        print(f"--jobs 1 overhead over plain nbgrader: {ratios['jobs1_overhead_vs_plain']:+.1%} (goal ≤ +5%)")
    if JOBS1 in runs and JOBS2 in runs:
        ratios["jobs2_speedup_vs_jobs1"] = runs[JOBS1] / runs[JOBS2]
        print(f"--jobs 2 speed-up over --jobs 1: {ratios['jobs2_speedup_vs_jobs1']:.2f}x (goal ≥ 1.8x on 2 cores)")
    if PLAIN in runs and JOBS2 in runs:
        ratios["jobs2_speedup_vs_plain"] = runs[PLAIN] / runs[JOBS2]
    if CLUSTER in runs and JOBS2 in runs:
        ratios["cluster_overhead_vs_jobs2"] = runs[CLUSTER] / runs[JOBS2] - 1
        print(f"--cluster local:2 overhead over --jobs 2: {ratios['cluster_overhead_vs_jobs2']:+.1%} (goal ≤ +5%)")
    if transfers:
        print("per job on the cluster (bundle of release + template sent once per worker: "
              f"{transfers[0].get('bundle_bytes', 0):,} bytes):")
        for t in transfers:
            print(f"  {t['student']}: {t.get('bytes_in', 0):,} bytes in, {t.get('bytes_out', 0):,} bytes out, "
                  f"queued {t.get('queued', 0):.2f} s, moving data {t.get('transfer', 0):.2f} s, grading "
                  f"{t['grading']:.1f} s, CPU {t['cpu']:.1f} s, on {t.get('worker', '?')}")
    if per_notebook:
        print(f"one notebook in `grade --jobs 1` (report 'seconds'): {min(per_notebook):.1f}–{max(per_notebook):.1f} s")
    rows: list[dict] = []
    columns: list[str] = ["method", "wall s", "s / notebook"]
    notes = ["wall: best of the rounds, a fresh CLI process each (the cluster's includes starting the "
             "LocalCluster)"]
    if PLAIN in runs and JOBS1 in runs and phases:
        kernel_start = min(p[0] for p in phases)
        tf_import = min(p[1] for p in phases)
        compared = (PLAIN, JOBS1)
        uses_tf = imports_tensorflow(course, assignment=args.assignment)
        rows = breakdown(per_submission={m: runs[m] / args.k for m in compared}, cells={m: cells[m] for m in compared},
                         kernel_start=kernel_start, tf_import=tf_import if uses_tf else 0.0,
                         job_seconds={compared[1]: statistics.median(per_notebook)})
        for row in rows:
            plain_s, ours_s = row[compared[0]], row[compared[1]]
            row["--jobs 1 / plain"] = ours_s / plain_s if plain_s and ours_s is not None and plain_s > 0 else None
        columns = ["phase", *compared, "--jobs 1 / plain"]
        notes = [f"kernel start and TensorFlow import: best of {len(phases)} fresh kernels, measured alone"
                 + ("" if uses_tf else f" (this notebook does not import TensorFlow: {tf_import:.1f} s not counted)"),
                 "inside the grading job: the report's 'seconds' (median) − kernel start − cells",
                 "bookkeeping = wall / k − kernel start − notebook cell time (can be negative when the "
                 "best wall and the best cell time come from different rounds)"]
    else:
        rows = [{"method": name, "wall s": seconds, "s / notebook": seconds / args.k} for name, seconds in runs.items()]
    write_results("grading", rows, columns=columns, out_dir=args.out,
                  title=f"grading ({args.assignment}, k = {args.k}, best of {args.repeat})", notes=notes,
                  extra={"assignment": args.assignment, "k": args.k, "cpus": os.cpu_count(),
                         "host": platform.node(), "python": platform.python_version(), "repeat": args.repeat,
                         "wall_seconds": {m: v for m, v in runs.items() if m != CLUSTER},
                         "all_wall_seconds": samples, **ratios,
                         "cluster_wall_seconds": runs.get(CLUSTER), "cluster_jobs": transfers,
                         "notebook_seconds_jobs1": per_notebook, "cell_seconds": cells,
                         "kernel_phases_seconds": phases, "sandbox": sandbox_problem() is None,
                         "results": [list(s) for s in statuses]})


def main(argv=None) -> None:
    def options(parser):
        parser.add_argument("--assignment", default=None, help="default a3_char_rnn (tiny with --fast)")
        parser.add_argument("-k", type=int, default=None, help="submissions (copies of the solution); default 4")
        parser.add_argument("--repeat", type=int, default=None,
                            help="rounds of all methods; the best time of each counts (default 1)")
        parser.add_argument("--methods", default=None,
                            help="comma-separated subset of plain,jobs1,jobs2,cluster, or none (default: all; the "
                                 "cluster only in full mode)")
        parser.add_argument("--no-sizing", action="store_true", help="skip grading one solution of a1–a6")
        parser.add_argument("--sizing", action="store_true", help="grade one solution of a1–a6 also in fast mode")

    args = parse_args(__doc__.splitlines()[0], argv, options)
    args.assignment = args.assignment or size(full="a3_char_rnn", fast="tiny")
    args.k = args.k or size(full=4, fast=1)
    args.repeat = args.repeat or 1
    folder = BUILD_DIR / "bench" / f"course-{args.assignment}"
    chosen = (args.methods or ("plain,jobs1,jobs2" if is_fast() else "plain,jobs1,jobs2,cluster")).split(",")
    course = prepare(assignment=args.assignment, k=args.k, folder=folder) if chosen != ["none"] else None
    home = folder.parent / "home"
    home.mkdir(exist_ok=True)
    # the environment a grading kernel gets, for plain nbgrader too (same notebook, same sizes, same logs)
    env = {**os.environ, **kernel_env(home=home, gpu=None, fast=settings().grade_fast,
                                          threads=len(os.sched_getaffinity(0))), "PATH": os.environ["PATH"],
           "HOME": os.environ.get("HOME", str(home))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    methods = {
        "plain nbgrader autograde (serial)": lambda: plain_nbgrader(course, assignment=args.assignment, env=env),
        "dlcourse grade --jobs 1": lambda: dlcourse_grade(course, assignment=args.assignment, jobs=1, env=env),
        "dlcourse grade --jobs 2": lambda: dlcourse_grade(course, assignment=args.assignment, jobs=2, env=env),
        CLUSTER: lambda: dlcourse_grade(course, assignment=args.assignment, cluster="local:2", env=env),
    }
    methods = {name: run for key, (name, run) in zip(("plain", "jobs1", "jobs2", "cluster"), methods.items(),
                                                       strict=True) if key in chosen}
    if methods:
        compare(args, course=course, env=env, methods=methods)
    if args.sizing or (not is_fast() and not args.no_sizing):
        table = sizing(folder=BUILD_DIR / "bench", env=env, assignments=SIZING)
        write_results("grading_sizing", table, out_dir=args.out,
                      columns=["assignment", "status", "score", "grading s", "CPU s", "peak MiB", "wall s (CLI)"],
                      title="grading one solution of each assignment (--jobs 1): what a submission costs",
                      notes=["CPU s: the grading process and its kernel tree (user + system)",
                             "peak MiB: the kernel tree's resident memory, sampled every 0.2 s by the watchdog"],
                      extra={"load_average": os.getloadavg()})


PLAIN, JOBS1, JOBS2 = "plain nbgrader autograde (serial)", "dlcourse grade --jobs 1", "dlcourse grade --jobs 2"
CLUSTER = "dlcourse grade --cluster local:2"
SIZING = ["a1_rnn_from_scratch", "a2_lstm_gru_cells", "a3_char_rnn", "a4_word2vec_sgns", "a5_batchnorm",
          "a6_conditional_gan"]


if __name__ == "__main__":
    main()
