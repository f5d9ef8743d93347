"""``dlcourse demo``: the instructor's embedded default, a semester in miniature on the sample submissions of
autograde/examples/a3_char_rnn/, offline on a CPU (in the sandbox when bubblewrap works here, otherwise without one,
and it says so).

It runs in a course folder of its own, build/demo/ (git-ignored, made again on every run), never in the repository's
autograde/: that is where a real course keeps its roster, extensions and gradebook. :func:`make_demo_course` copies
the assignment's source, release and examples, data/ and nbgrader_config.py there and writes what a real course
keeps out of git — made-up people, no one's personal data:

- pyproject.toml: the repository's ``[tool.dlcourse]`` settings plus a due date for the assignment (:data:`DUE`);
- autograde/roster.csv (:data:`ROSTER`: Korean names, one student who submitted nothing);
- autograde/extensions.csv (:data:`EXTENSIONS`) and submission-times.csv (:data:`TIMES`, what ``--timestamps``
  reads: one submission after the due date, one after it but within its extension).

The course settings are read from the course root's pyproject.toml, so :func:`run_demo` runs the pipeline in a
process whose ``DLCOURSE_ROOT`` is the demo course; there :func:`demo` collects (roster loaded, times given),
grades (nbgrader's late-penalty step), writes feedback, the similarity report and grades.csv, and prints the
grade table and a summary whose values are read back from grades.csv and the similarity report.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import tomllib

from dlcourse.config import tool_table
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.export import export
from dlcourse.grading.feedback import feedback
from dlcourse.grading.grade import grade
from dlcourse.grading.report import Row, table
from dlcourse.grading.sandbox import sandbox_problem
from dlcourse.grading.similarity import similarity

DEMO_ASSIGNMENT = "a3_char_rnn"
DEMO_DIR = Path("build") / "demo"  # relative to the repository
MARKER = "DEMO.md"  # a folder holding it is a demo course (and may be removed by the next demo)
TIMES = "submission-times.csv"
# Made-up students of the sample submissions s01–s04, and s05, who submitted nothing (status `missing`).
ROSTER = (("s01", "김하늘"), ("s02", "이도윤"), ("s03", "박서연"), ("s04", "남궁민"), ("s05", "정하준"))
DUE = "2026-04-10 23:59"  # in the course's timezone, as [tool.dlcourse.due_dates] writes it
TIMES_SUBMITTED = {"s01": "2026-04-10 21:05", "s02": "2026-04-12 09:30", "s03": "2026-04-10 22:40",
                   "s04": "2026-04-11 10:15"}  # s02: a day and a half late; s04: late, but within its extension
EXTENSIONS = {"s04": 1.0}  # days


def is_demo_course(course: Course) -> bool:
    return (course.root / MARKER).is_file()


def make_demo_course(*, repo: Course, dest: Path, assignment: str = DEMO_ASSIGNMENT) -> Course:
    """A fresh demo course at ``dest`` for ``assignment`` of ``repo`` (a previous demo course there is replaced;
    any other folder is refused)."""
    examples = repo.examples / assignment
    if not any(examples.glob("*.ipynb")):
        raise FileNotFoundError(f"no sample submissions in {examples}")
    repo.notebook_names(assignment)  # raises when it was never released
    if dest.exists():
        if not is_demo_course(Course(dest)):
            raise RuntimeError(f"{dest} exists and is not a demo course ({MARKER} missing); move it away")
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    (dest / MARKER).write_text(
        f"# 데모 코스 · Demo course\n\n`dlcourse demo`가 만든 코스 폴더입니다. 다음 실행이 지우고 다시 만듭니다.\n"
        f"Made by `dlcourse demo` from {repo.root}; the next run removes and makes it again. Its roster, extensions "
        f"and submission times are made up.\n", encoding="utf-8")
    course = Course(dest)
    shutil.copytree(repo.source_dir(assignment), course.source_dir(assignment))
    shutil.copytree(repo.release_dir(assignment), course.release_dir(assignment))
    shutil.copytree(examples, course.examples / assignment)
    if (repo.root / "data").is_dir():
        shutil.copytree(repo.root / "data", dest / "data", ignore=shutil.ignore_patterns("cache"))
    if (repo.autograde / "nbgrader_config.py").is_file():
        shutil.copy(repo.autograde / "nbgrader_config.py", course.autograde / "nbgrader_config.py")
    settings = tool_table(repo.root / "pyproject.toml")
    settings["due_dates"] = {**settings.get("due_dates", {}), assignment: DUE}
    text = ("# The demo course of `dlcourse demo` (see DEMO.md): the repository's settings, a due date added.\n"
            "[tool.dlcourse]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in settings.items()))
    if tomllib.loads(text)["tool"]["dlcourse"] != settings:
        raise RuntimeError(f"the settings of {repo.root / 'pyproject.toml'} did not survive the copy into {dest}")
    (dest / "pyproject.toml").write_text(text, encoding="utf-8")
    _write_csv(course.roster, ["student_id", "name", "email", "lms_id"], [[sid, name, "", ""] for sid, name in ROSTER])
    _write_csv(course.extensions, ["student_id", "assignment", "days"],
               [[sid, assignment, f"{days:g}"] for sid, days in EXTENSIONS.items()])
    _write_csv(dest / TIMES, ["student_id", "timestamp"], list(TIMES_SUBMITTED.items()))
    return course


def run_demo(*, repo: Course, assignment: str = DEMO_ASSIGNMENT, jobs: int | None = None, dest: Path | None = None,
             echo=print) -> int:
    """Make the demo course (``dest``, default build/demo/ of ``repo``) and run :func:`demo` in it, in a process
    that reads that course's settings; return its exit status."""
    course = make_demo_course(repo=repo, dest=dest or repo.root / DEMO_DIR, assignment=assignment)
    echo(f"demo course: {course.root} (its own roster, extensions, submission times and due date; "
         f"{repo.autograde} is not touched)")
    sys.stdout.flush()  # before the child's output
    argv = [sys.executable, "-m", "dlcourse.cli", "demo", "--assignment", assignment] + (
        ["--jobs", str(jobs)] if jobs else [])
    return subprocess.call(argv, env={**os.environ, "DLCOURSE_ROOT": str(course.root)})


def demo(*, course: Course, assignment: str = DEMO_ASSIGNMENT, jobs: int | None = None, echo=print) -> list[Row]:
    """collect → grade → feedback → similarity → export on ``course``'s sample submissions of ``assignment``;
    print the grade table and what the run shows (roster, missing, late, extension, similarity)."""
    examples = course.examples / assignment
    if not any(examples.glob("*.ipynb")):
        raise FileNotFoundError(f"no sample submissions in {examples}")
    times = course.root / TIMES
    collect(source=examples, assignment=assignment, course=course, timestamps=times if times.exists() else None,
            echo=echo)
    problem = sandbox_problem()
    if problem:
        echo(f"no sandbox for the demo: {problem}")
    rows = grade(assignment=assignment, course=course, jobs=jobs, sandbox=problem is None, echo=echo)
    feedback(assignment=assignment, course=course, echo=echo)
    pairs = similarity(assignment=assignment, course=course, echo=echo)
    export(course=course, echo=echo)
    echo("")
    echo(table(rows))
    echo("")
    for line in summary(course=course, assignment=assignment, rows=rows, pairs=pairs):
        echo(line)
    return rows


def summary(*, course: Course, assignment: str, rows: list[Row], pairs) -> list[str]:
    """What the run shows, read back from grades.csv, the report rows and the similarity pairs."""
    from dlcourse.grading.deadlines import read_extensions
    from dlcourse.grading.roster import course_roster

    with open(course.grades_csv, newline="", encoding="utf-8") as fh:
        grades = {r["student_id"]: r for r in csv.DictReader(fh) if r["assignment"] == assignment}
    roster = course_roster(course)
    names = {s.student_id: s.name for s in roster.students} if roster else {}

    def who(sid: str) -> str:
        return f"{sid} ({names[sid]})" if sid in names else sid

    lines = []
    if roster:
        missing = [s for s, r in grades.items() if r["status"] == "missing"]
        lines.append(f"roster: {len(roster)} students in {course.roster}; submitted nothing: "
                     + (", ".join(f"{who(s)} → grades.csv status missing, score {grades[s]['score']}"
                                  for s in missing) or "nobody"))
    for row in rows:
        g = grades.get(row.student)
        if row.late_penalty and g:
            said = next((m for m in row.messages if "late penalty" in m), "")
            lines.append(f"late: {who(row.student)} {said} → grades.csv raw_score {g['raw_score']}, "
                         f"late_submission_penalty {g['late_submission_penalty']}, score {g['score']}")
    for (sid, name), days in sorted(read_extensions(course.extensions).items()):
        g = grades.get(sid)
        if name == assignment and g and g["timestamp"] and g["duedate"]:
            after = (dt.datetime.fromisoformat(g["timestamp"]) - dt.datetime.fromisoformat(g["duedate"])
                     ).total_seconds() / 3600
            lines.append(f"extension: {who(sid)} +{days:g} day(s), submitted {after:.1f} h after the due date → "
                         f"grades.csv late_submission_penalty {g['late_submission_penalty']}")
    if pairs:
        top = pairs[0]
        lines.append(f"similarity: top pair {top.a} ↔ {top.b} {top.score:.2f} (code {top.code:.2f}, text "
                     f"{top.text:.2f}) in {course.reports / f'{assignment}-similarity.json'} and "
                     f"{course.reports / f'{assignment}-similarity.html'}")
    return lines


def _toml(value) -> str:
    """A TOML value for the settings' types (JSON's string escapes are TOML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {_toml(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"cannot write {value!r} into the demo course's pyproject.toml")


def _write_csv(path: Path, header: list[str], rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
