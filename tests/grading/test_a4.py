"""a4_word2vec_sgns through the real pipeline: the solution scores full automatic marks, the release zero.

The assignment runs KoNLPy's Okt tagger, so this also proves that a JVM starts inside the grading sandbox
(bubblewrap, read-only system) when the sandbox is available here. One temporary course: release, collect the
solution and the released notebook as two students, grade both in one `grade --jobs 2` call.
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

A4 = "a4_word2vec_sgns"
NOTEBOOK = "word2vec_sgns.ipynb"
REPO = Course.default()

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(course, report rows by student) after grading the solution and the release."""
    root = tmp_path_factory.mktemp("a4") / "course"
    course = Course(root)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO.source_dir(A4), course.source_dir(A4))
    release(course=course, assignments=[A4], echo=quiet)
    lms = root.parent / "lms"
    lms.mkdir()
    shutil.copy(course.source_dir(A4) / NOTEBOOK, lms / f"solution_{NOTEBOOK}")
    shutil.copy(course.release_dir(A4) / NOTEBOOK, lms / f"release_{NOTEBOOK}")
    collect(source=lms, assignment=A4, course=course, echo=quiet)
    rows = {r.student: r for r in grade(assignment=A4, course=course, jobs=2, echo=quiet)}
    return course, rows


def _auto(course: Course, student: str) -> tuple[float, float]:
    """(score, what full marks are without the manually graded cell)."""
    s = gradebook.read_scores(url=f"sqlite:///{course.gradebook}", course_id="rnn-to-gan", assignment=A4,
                              student=student)[NOTEBOOK[: -len(".ipynb")]]
    return s.score, s.max_score - s.manual_points


def test_solution_scores_full_automatic_marks(graded):
    course, rows = graded
    row = rows["solution"]
    assert row.status == "graded" and row.flags == [], row.messages
    assert _auto(course, "solution") == (90.0, 90.0), row.messages


def test_release_scores_zero(graded):
    _, rows = graded
    row = rows["release"]
    assert (row.status, row.score) == ("graded", 0.0), row.messages


def test_committed_release_exists():
    assert (REPO.release_dir(A4) / NOTEBOOK).is_file(), (
        f"assignments/{A4} missing: run `dlcourse release {A4}` and commit it")
