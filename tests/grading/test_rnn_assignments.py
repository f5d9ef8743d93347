"""a1 and a2 through the real pipeline: the solution scores full automatic marks, the release scores zero.

One temporary course holds both assignments; each is released, its solution and its released notebook are
collected as two students, and both are graded in one `grade --jobs 2` call.
"""

from __future__ import annotations

import shutil

import pytest

from dlcourse.config import REPO_ROOT
from dlcourse.grading import gradebook
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.grade import grade
from dlcourse.grading.release import release
from tests.grading.conftest import quiet

REPO = Course.default()
ASSIGNMENTS = {"a1_rnn_from_scratch": "rnn_from_scratch.ipynb", "a2_lstm_gru_cells": "lstm_gru_cells.ipynb"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("rnn") / "course"
    course = Course(root)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    rows = {}
    for assignment, notebook in ASSIGNMENTS.items():
        shutil.copytree(REPO.source_dir(assignment), course.source_dir(assignment))
        release(course=course, assignments=[assignment], echo=quiet)
        lms = root.parent / f"lms-{assignment}"
        lms.mkdir()
        shutil.copy(course.source_dir(assignment) / notebook, lms / f"solution_{notebook}")
        shutil.copy(course.release_dir(assignment) / notebook, lms / f"release_{notebook}")
        collect(source=lms, assignment=assignment, course=course, echo=quiet)
        rows[assignment] = {r.student: r for r in grade(assignment=assignment, course=course, jobs=2, echo=quiet)}
    return course, rows


def _auto(course: Course, assignment: str, student: str) -> tuple[float, float]:
    notebook = ASSIGNMENTS[assignment][: -len(".ipynb")]
    s = gradebook.read_scores(url=f"sqlite:///{course.gradebook}", course_id="rnn-to-gan", assignment=assignment,
                              student=student)[notebook]
    return s.score, s.max_score - s.manual_points


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_automatic_marks(graded, assignment):
    course, rows = graded
    row = rows[assignment]["solution"]
    assert row.status == "graded" and row.flags == [], row.messages
    score, full = _auto(course, assignment, "solution")
    assert score == full > 0, row.messages


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_scores_zero(graded, assignment):
    _, rows = graded
    row = rows[assignment]["release"]
    assert (row.status, row.score) == ("graded", 0.0), row.messages


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_exists(assignment):
    assert (REPO.release_dir(assignment) / ASSIGNMENTS[assignment]).is_file(), (
        f"assignments/{assignment} missing: run `dlcourse release {assignment}` and commit it")
