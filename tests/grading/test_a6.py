"""a6_conditional_gan through the real pipeline: the solution scores full automatic marks, the release scores zero.

One temporary course: release (+ leak check), collect the solution and the released notebook as two students,
grade both in one `grade --jobs 2` call. The hidden budget cell trains a small cGAN (1,500 steps), so grading
one notebook takes about a minute on an idle 2-core CPU.
"""

from __future__ import annotations

import shutil

import pytest

from dlcourse.config import REPO_ROOT
from dlcourse.grading import gradebook, leakcheck
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.grade import grade, graded_cells
from dlcourse.grading.release import release
from tests.grading.conftest import quiet

A6 = "a6_conditional_gan"
NOTEBOOK = "conditional_gan.ipynb"
REPO = Course.default()

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(course, release output lines, report rows by student)."""
    root = tmp_path_factory.mktemp("a6") / "course"
    course = Course(root)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO.source_dir(A6), course.source_dir(A6))
    lines: list[str] = []
    release(course=course, assignments=[A6], echo=lines.append)
    lms = root.parent / "lms"
    lms.mkdir()
    shutil.copy(course.source_dir(A6) / NOTEBOOK, lms / f"solution_{NOTEBOOK}")
    shutil.copy(course.release_dir(A6) / NOTEBOOK, lms / f"release_{NOTEBOOK}")
    collect(source=lms, assignment=A6, course=course, echo=quiet)
    rows = {r.student: r for r in grade(assignment=A6, course=course, jobs=2, echo=quiet)}
    return course, lines, rows


def _auto(course: Course, student: str) -> tuple[float, float]:
    """(score, full marks without the manually graded cell)."""
    s = gradebook.read_scores(url=f"sqlite:///{course.gradebook}", course_id="rnn-to-gan", assignment=A6,
                              student=student)[NOTEBOOK[: -len(".ipynb")]]
    return s.score, s.max_score - s.manual_points


def test_release_and_leak_check(graded):
    course, lines, _ = graded
    assert lines == [f"released {A6}: solutions/{A6} → assignments/{A6} ({NOTEBOOK}); leak check passed"]
    assert leakcheck.check_release(source=course.source_dir(A6), release=course.release_dir(A6),
                                   instructor_only=("instructor",)) == []


def test_solution_scores_full_automatic_marks(graded):
    course, _, rows = graded
    row = rows["solution"]
    assert row.status == "graded" and row.flags == [], row.messages
    score, full = _auto(course, "solution")
    assert score == full == 90, (score, full, row.messages)


def test_release_scores_zero(graded):
    _, _, rows = graded
    row = rows["release"]
    assert (row.status, row.score) == ("graded", 0.0), row.messages


def test_committed_release_is_up_to_date(graded):
    course, _, _ = graded
    committed = REPO.release_dir(A6) / NOTEBOOK
    assert committed.is_file(), f"assignments/{A6} missing: run `dlcourse release {A6}` and commit it"
    assert graded_cells(committed) == graded_cells(course.release_dir(A6) / NOTEBOOK), (
        f"assignments/{A6} is stale: run `dlcourse release {A6}` and commit it")
