"""a5_batchnorm through the real pipeline: the solution scores full automatic marks, the release scores zero.

The assignment is released into a temporary course, its solution and its released notebook are collected as two
students, and both are graded in one `grade --jobs 2` call.
"""

from __future__ import annotations

import shutil

import pytest

from dlcourse.config import REPO_ROOT
from dlcourse.grading import gradebook
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.grade import grade, graded_cells
from dlcourse.grading.release import release
from tests.grading.conftest import quiet

REPO = Course.default()
A5 = "a5_batchnorm"
NOTEBOOK = "batchnorm.ipynb"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("a5") / "course"
    course = Course(root)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO.source_dir(A5), course.source_dir(A5))
    release(course=course, assignments=[A5], echo=quiet)
    lms = root.parent / "lms"
    lms.mkdir()
    shutil.copy(course.source_dir(A5) / NOTEBOOK, lms / f"solution_{NOTEBOOK}")
    shutil.copy(course.release_dir(A5) / NOTEBOOK, lms / f"release_{NOTEBOOK}")
    collect(source=lms, assignment=A5, course=course, echo=quiet)
    rows = {r.student: r for r in grade(assignment=A5, course=course, jobs=2, echo=quiet)}
    return course, rows


def _scores(course: Course, student: str):
    return gradebook.read_scores(url=f"sqlite:///{course.gradebook}", course_id="rnn-to-gan", assignment=A5,
                                 student=student)[NOTEBOOK[: -len(".ipynb")]]


def test_solution_scores_full_automatic_marks(graded):
    course, rows = graded
    row = rows["solution"]
    assert row.status == "graded" and row.flags == [], row.messages
    s = _scores(course, "solution")
    assert (s.max_score, s.manual_points) == (50.0, 10.0)
    assert s.score == s.max_score - s.manual_points == 40.0, row.messages


def test_release_scores_zero(graded):
    _, rows = graded
    row = rows["release"]
    assert (row.status, row.score) == ("graded", 0.0), row.messages


def test_committed_release_is_up_to_date(graded):
    course, _ = graded
    committed = REPO.release_dir(A5) / NOTEBOOK
    assert committed.is_file(), f"assignments/{A5} missing: run `dlcourse release {A5}` and commit it"
    assert graded_cells(committed) == graded_cells(course.release_dir(A5) / NOTEBOOK), (
        f"assignments/{A5} is stale: run `dlcourse release {A5}` and commit it")
