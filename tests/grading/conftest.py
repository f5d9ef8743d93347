"""Fixtures for the grading pipeline: a tiny real nbgrader assignment in a course under tmp_path.

Nothing here writes into the repository's autograde/: every test grades in its own copy of a course.
The two expensive local runs — the tiny batch of hostile submissions and the a3 demo — are session
fixtures, graded once: test_grade and test_a3 check them, test_cluster compares cluster runs with them.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dlcourse.config import REPO_ROOT
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.demo import DEMO_DIR
from dlcourse.grading.grade import grade
from dlcourse.grading.release import release
from dlcourse.grading.report import read_report
from dlcourse.grading.sandbox import sandbox_problem

# A secret in the grader's environment: the sandbox test checks that student code never sees it. Set at
# import, before any grading process (or the server they are forked from) starts.
os.environ.setdefault("DLCOURSE_FAKE_TOKEN", "must-not-reach-student-code")

FILES = Path(__file__).resolve().parent / "files"
SUBMISSIONS = FILES / "submissions"
RELEASE_TINY = FILES / "release_tiny.ipynb"
SANDBOX = sandbox_problem() is None
needs_sandbox = pytest.mark.skipif(not SANDBOX, reason=f"no sandbox here: {sandbox_problem()} (.ci/run installs it)")


def quiet(*_args, **_kwargs) -> None:
    """An ``echo`` that prints nothing."""


def lms_folder(tmp: Path, students: list[str]) -> Path:
    """An LMS-like export folder: one folder per student (a fixture case) holding their notebook."""
    folder = tmp / "lms"
    folder.mkdir(parents=True, exist_ok=True)
    for student in students:
        shutil.copytree(SUBMISSIONS / student, folder / student)
    return folder


def copy_course(course: Course, dest: Path) -> Course:
    shutil.copytree(course.root, dest)
    return Course(dest)


@pytest.fixture(scope="session")
def released_tiny(tmp_path_factory) -> Course:
    """A course with the tiny assignment released (assignments/tiny and the gradebook). Do not modify."""
    course = Course(tmp_path_factory.mktemp("tiny-released"))
    shutil.copytree(FILES / "source", course.solutions)
    release(course=course, echo=quiet)
    return course


@pytest.fixture
def tiny(released_tiny, tmp_path) -> Course:
    """A fresh copy of the released tiny course for one test."""
    return copy_course(released_tiny, tmp_path / "course")


# ── tiny with a manually graded written answer and its rubric (tests/grading/test_rubric.py, test_release.py) ──
EXPLAIN = "explain"  # grade id of the written answer
EXPLAIN_ANSWER = ("(예시 답안) `normalize`는 합으로 나누므로 결과의 합이 1입니다. 모든 값이 0이면 0으로 나누게 되어 "
                  "nan이 나옵니다.")
EXPLAIN_RUBRIC = """**채점 기준 (2점)**: 항목마다 아래 수준 가운데 하나를 골라 더합니다.
- **합이 1인 이유 (1점)**: 1점 — 원소를 모두 더한 값으로 나누기 때문이라고 씀. 0점 — 이유가 없음.
- **합이 0일 때 (1점)**: 1점 — 0으로 나누게 되어 nan이나 inf가 나온다고 씀. 0점 — 빠졌거나 틀림."""


def with_explain(source: nbformat.NotebookNode, *, rubric: bool = True) -> nbformat.NotebookNode:
    """The tiny source with a manually graded markdown answer (2 points) before its last cells; its solution region
    holds an example answer and, with ``rubric``, the rubric between nbgrader's mark-scheme delimiters."""
    body = [EXPLAIN_ANSWER] + (["### BEGIN MARK SCHEME", EXPLAIN_RUBRIC, "### END MARK SCHEME"] if rubric else [])
    cell = nbformat.v4.new_markdown_cell("\n".join(["### BEGIN SOLUTION", *body, "### END SOLUTION"]))
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": EXPLAIN, "locked": False, "points": 2,
                                 "schema_version": 3, "solution": True, "task": False}
    question = nbformat.v4.new_markdown_cell("## 설명 (2점, 수동 채점)\n\n`normalize`의 결과는 왜 합이 1인가요? "
                                             "모든 값이 0이면 어떻게 되나요?")
    nb = copy.deepcopy(source)
    nb.cells[-2:-2] = [question, cell]
    return nb


@pytest.fixture(scope="session")
def released_rubric(tmp_path_factory) -> Course:
    """A course with tiny + the written answer :data:`EXPLAIN` and its rubric, released. Do not modify."""
    course = Course(tmp_path_factory.mktemp("rubric-released"))
    shutil.copytree(FILES / "source", course.solutions)
    path = course.source_dir("tiny") / "tiny.ipynb"
    nbformat.write(with_explain(nbformat.read(path, as_version=4)), path)
    release(course=course, echo=quiet)
    return course


@pytest.fixture
def rubric_tiny(released_rubric, tmp_path) -> Course:
    """A fresh copy of the released tiny course with a rubric, for one test."""
    return copy_course(released_rubric, tmp_path / "course")


# ── the tiny batch: every hostile submission at once, 2 jobs (tests/grading/test_grade.py) ──────────────
BATCH = ["solution", "released", "invalid_json", "empty", "wrong_assignment", "stripped_metadata", "colab",
         "reordered", "deleted_test", "duplicated_answer", "edited_locked", "edited_test_wrong", "nbformat44",
         "renamed", "memory_bomb", "os_exit", "flood", "suspicious", "stderr_noise", "reads_secrets", "fork_bomb"]
LIMITS = dict(jobs=2, cell_timeout=120, timeout=300, memory_gb=1.0, sandbox=SANDBOX)


@pytest.fixture(scope="session")
def tiny_batch(released_tiny, tmp_path_factory):
    """(course, report rows by student, grade's output lines) of the tiny batch, graded by the local pool."""
    course = copy_course(released_tiny, tmp_path_factory.mktemp("batch") / "course")
    collect(source=lms_folder(course.root.parent, BATCH), assignment="tiny", course=course, echo=quiet)
    lines: list[str] = []
    rows = grade(assignment="tiny", course=course, echo=lines.append, **LIMITS)
    return course, {r.student: r for r in rows}, lines


# ── the a3 demo (tests/grading/test_a3.py): about a minute of training per submission on 2 cores ─────────
A3 = "a3_char_rnn"
A3_NOTEBOOK = "char_rnn.ipynb"


@pytest.fixture(scope="session")
def a3_demo(tmp_path_factory):
    """(demo course, release output lines, demo process, report rows by student) for one run of `dlcourse demo
    --jobs 2` on a repository-like copy of a3 (source, committed examples, settings, data) whose examples also
    hold the released notebook as s00; the demo makes its own course in that copy's build/demo and runs there."""
    repo = Course.default()
    root = tmp_path_factory.mktemp("a3") / "course"
    course = Course(root)
    shutil.copytree(repo.source_dir(A3), course.source_dir(A3))
    shutil.copytree(repo.examples / A3, course.examples / A3)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    if (REPO_ROOT / "data").is_dir():
        shutil.copytree(REPO_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("cache"))
    lines: list[str] = []
    release(course=course, assignments=[A3], echo=lines.append)
    shutil.copy(course.release_dir(A3) / A3_NOTEBOOK, course.examples / A3 / f"s00_{A3_NOTEBOOK}")
    demo = subprocess.run([sys.executable, "-m", "dlcourse.cli", "demo", "--jobs", "2"], capture_output=True,
                          text=True, env={**os.environ, "DLCOURSE_ROOT": str(root)}, timeout=1500)
    demo_course = Course(root / DEMO_DIR)
    rows = {r.student: r for r in read_report(demo_course.reports / f"{A3}.json")} if demo.returncode == 0 else {}
    return demo_course, lines, demo, rows
