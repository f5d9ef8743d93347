"""Benchmark (not a test): grading K copies of an assignment's solution three ways, side by side in one run.

    .venv/bin/python benchmarks/grading.py --assignment a3_char_rnn -k 4
    .venv/bin/python benchmarks/grading.py --assignment tiny -k 8      # the tiny test assignment

1. plain ``nbgrader autograde A`` — serial, nbgrader's own defaults, no sandbox (the reference);
2. ``dlcourse grade A --jobs 1`` — one private course and one sandboxed process per submission;
3. ``dlcourse grade A --jobs 2``.

Each is a fresh command-line process on the same collected submissions, with the same kernel environment
(fast mode, quiet TensorFlow). ``--repeat R`` runs R rounds of all three and keeps each one's best time
(a shared machine is noisy). Prints wall times and ratios; writes build/bench/grading.json.
Goals (issue 3): --jobs 1 within 5 % of plain nbgrader; --jobs 2 at least 1.8x faster on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from dlcourse.config import BUILD_DIR, REPO_ROOT, settings
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.execute import kernel_env
from dlcourse.grading.grade import build_template
from dlcourse.grading.release import release
from dlcourse.grading.report import read_report
from dlcourse.grading.samples import answered
from dlcourse.grading.sandbox import sandbox_problem

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


def dlcourse_grade(course: Course, *, assignment: str, jobs: int, env: dict) -> float:
    argv = [sys.executable, "-m", "dlcourse.cli", "grade", assignment, "--jobs", str(jobs), "--force"]
    argv += [] if sandbox_problem() is None else ["--no-sandbox"]
    return timed(argv, env={**env, "DLCOURSE_ROOT": str(course.root)}, cwd=course.root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="a3_char_rnn")
    parser.add_argument("-k", type=int, default=4, help="submissions (copies of the solution)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of all three; the best time of each counts")
    args = parser.parse_args()
    folder = BUILD_DIR / "bench" / f"course-{args.assignment}"
    course = prepare(assignment=args.assignment, k=args.k, folder=folder)
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
    }
    samples: dict[str, list[float]] = {name: [] for name in methods}
    per_notebook: list[float] = []
    for _ in range(args.repeat):  # rounds of all three, so a busy spell on a shared machine hits each alike
        for name, run in methods.items():
            samples[name].append(run())
            if name.endswith("--jobs 1"):
                per_notebook += [r.seconds for r in read_report(course.reports / f"{args.assignment}.json")]
    statuses = sorted({(r.status, r.score) for r in read_report(course.reports / f"{args.assignment}.json")})
    runs = {name: min(values) for name, values in samples.items()}  # the least disturbed run of each

    plain = runs["plain nbgrader autograde (serial)"]
    sandbox = "in the sandbox" if sandbox_problem() is None else "WITHOUT a sandbox"
    print(f"grading {args.k} × {args.assignment} solution on {os.cpu_count()} CPUs, dlcourse {sandbox}, "
          f"best of {args.repeat}; (status, score): {statuses}")
    print(f"{'method':<36} {'wall s':>8} {'s/notebook':>11} {'vs plain':>9}   all runs")
    for name, seconds in runs.items():
        print(f"{name:<36} {seconds:8.1f} {seconds / args.k:11.1f} {seconds / plain:9.2f}   "
              + " ".join(f"{v:.1f}" for v in samples[name]))
    overhead = runs["dlcourse grade --jobs 1"] / plain - 1
    speedup = runs["dlcourse grade --jobs 1"] / runs["dlcourse grade --jobs 2"]
    versus_plain = plain / runs["dlcourse grade --jobs 2"]
    print(f"--jobs 1 overhead over plain nbgrader: {overhead:+.1%} (goal ≤ +5%)")
    print(f"--jobs 2 speed-up over --jobs 1: {speedup:.2f}x, over plain nbgrader: {versus_plain:.2f}x "
          "(goal ≥ 1.8x on 2 cores)")
    print(f"one notebook in `grade --jobs 1` (report 'seconds'): {min(per_notebook):.1f}–{max(per_notebook):.1f} s")
    out = BUILD_DIR / "bench" / "grading.json"
    out.write_text(json.dumps({
        "assignment": args.assignment, "k": args.k, "cpus": os.cpu_count(), "host": platform.node(),
        "python": platform.python_version(), "date": time.strftime("%Y-%m-%dT%H:%M:%S"), "repeat": args.repeat,
        "wall_seconds": runs, "all_wall_seconds": samples,
        "jobs1_overhead_vs_plain": overhead, "jobs2_speedup_vs_jobs1": speedup,
        "jobs2_speedup_vs_plain": versus_plain, "notebook_seconds_jobs1": per_notebook,
        "sandbox": sandbox_problem() is None,
        "results": [list(s) for s in statuses],
    }, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
