"""a1, a2, a4, a5, a6 through the real pipeline: each solution scores full automatic marks, each release zero.

One temporary course holds them all: each assignment is released (with the leak check), its solution and its
released notebook are collected as two students, and both are graded in one sandboxed `grade --jobs 2` call.
The committed release in assignments/ must equal a fresh one. (a3 is graded by `dlcourse demo` in test_a3.py.)
"""

from __future__ import annotations

import shutil
from typing import NamedTuple

import pytest

from dlcourse.config import REPO_ROOT
from dlcourse.grading import gradebook
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.grade import grade, graded_cells
from dlcourse.grading.release import release
from tests.grading.conftest import quiet

REPO = Course.default()


class Expected(NamedTuple):
    notebook: str
    max_score: float
    manual: float


ASSIGNMENTS = {
    "a1_rnn_from_scratch": Expected("rnn_from_scratch.ipynb", 50, 5),
    "a2_lstm_gru_cells": Expected("lstm_gru_cells.ipynb", 50, 8),
    "a4_word2vec_sgns": Expected("word2vec_sgns.ipynb", 100, 10),  # KoNLPy: the JVM starts inside the sandbox
    "a5_batchnorm": Expected("batchnorm.ipynb", 50, 10),
    "a6_conditional_gan": Expected("conditional_gan.ipynb", 100, 10),
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(course, release output lines by assignment, report rows by assignment and student)."""
    root = tmp_path_factory.mktemp("assignments") / "course"
    course = Course(root)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    lines, rows = {}, {}
    for assignment, expected in ASSIGNMENTS.items():
        shutil.copytree(REPO.source_dir(assignment), course.source_dir(assignment))
        lines[assignment] = []
        release(course=course, assignments=[assignment], echo=lines[assignment].append)
        lms = root.parent / f"lms-{assignment}"
        lms.mkdir()
        shutil.copy(course.source_dir(assignment) / expected.notebook, lms / f"solution_{expected.notebook}")
        shutil.copy(course.release_dir(assignment) / expected.notebook, lms / f"release_{expected.notebook}")
        collect(source=lms, assignment=assignment, course=course, echo=quiet)
        rows[assignment] = {r.student: r for r in grade(assignment=assignment, course=course, jobs=2, echo=quiet)}
    return course, lines, rows


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_passes_the_leak_check(graded, assignment):
    _, lines, _ = graded
    notebook = ASSIGNMENTS[assignment].notebook
    assert lines[assignment] == [
        f"released {assignment}: solutions/{assignment} → assignments/{assignment} ({notebook}); leak check passed"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_automatic_marks(graded, assignment):
    course, _, rows = graded
    expected = ASSIGNMENTS[assignment]
    row = rows[assignment]["solution"]
    assert row.status == "graded" and row.flags == [], row.messages
    s = gradebook.read_scores(url=f"sqlite:///{course.gradebook}", course_id="rnn-to-gan", assignment=assignment,
                              student="solution")[expected.notebook.removesuffix(".ipynb")]
    assert (s.max_score, s.manual_points) == (expected.max_score, expected.manual)
    assert s.score == expected.max_score - expected.manual, row.messages


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_scores_zero(graded, assignment):
    _, _, rows = graded
    row = rows[assignment]["release"]
    assert (row.status, row.score) == ("graded", 0.0), row.messages


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_is_up_to_date(graded, assignment):
    course, _, _ = graded
    notebook = ASSIGNMENTS[assignment].notebook
    committed = REPO.release_dir(assignment) / notebook
    assert committed.is_file(), f"assignments/{assignment} missing: run `dlcourse release {assignment}` and commit it"
    assert graded_cells(committed) == graded_cells(course.release_dir(assignment) / notebook), (
        f"assignments/{assignment} is stale: run `dlcourse release {assignment}` and commit it")
