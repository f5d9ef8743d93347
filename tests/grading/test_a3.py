"""The pipeline on the flagship assignment a3_char_rnn (it trains a model: about a minute per grading on 2 cores).

One repository-like copy of the course under tmp_path: release + leak check, then `dlcourse demo --jobs 2` as a
subprocess. The demo makes its own course (build/demo: roster, extensions, submission times, a due date), collects
the committed examples — plus the released notebook itself, added to them as student s00 — grades them in one call,
writes feedback, the similarity report and grades.csv, and prints what they show (test_demo.check_demo_run).
"""

from __future__ import annotations

import nbformat
import pytest

from dlcourse.grading import gradebook, leakcheck
from dlcourse.grading.course import Course
from dlcourse.grading.grade import graded_cells
from dlcourse.grading.samples import write_examples
from tests.grading.test_demo import check_demo_run

A3 = "a3_char_rnn"
NOTEBOOK = "char_rnn.ipynb"
REPO = Course.default()

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def a3(a3_demo):
    """(course, release output lines, demo process, report rows by student): the session's one a3 demo run."""
    return a3_demo


def full_auto_marks(course: Course, student: str) -> tuple[float, float]:
    """(score, what full marks are without the manually graded cells)."""
    s = gradebook.read_scores(url=f"sqlite:///{course.gradebook}", course_id="rnn-to-gan", assignment=A3,
                              student=student)[NOTEBOOK[:-6]]
    return s.score, s.max_score - s.manual_points


def test_release_and_leak_check(a3):
    course, lines, _, _ = a3
    assert lines == [f"released {A3}: solutions/{A3} → assignments/{A3} ({NOTEBOOK}); leak check passed"]
    assert leakcheck.check_release(source=course.source_dir(A3), release=course.release_dir(A3),
                                   instructor_only=("instructor",)) == []


def test_committed_release_is_up_to_date(a3):
    course, _, _, _ = a3
    committed = REPO.release_dir(A3) / NOTEBOOK
    assert committed.exists(), f"assignments/{A3} is missing: run `dlcourse release {A3}` and commit it"
    assert graded_cells(committed) == graded_cells(course.release_dir(A3) / NOTEBOOK), (
        f"assignments/{A3} is stale: run `dlcourse release {A3}` and commit it")


def test_committed_examples_are_up_to_date(a3, tmp_path):
    course, _, _, _ = a3
    fresh = write_examples(course=course, assignment=A3, dest=tmp_path / "examples")
    for path in fresh:
        committed = REPO.examples / A3 / path.name
        assert committed.exists() and committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run `python -m dlcourse.grading.samples {A3}` and commit autograde/examples")


def test_demo_completes(a3):
    _, _, demo, _ = a3
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert f"feedback for {A3}: 4 HTML files" in demo.stdout
    assert "student  notebook" in demo.stdout and "5 submissions: 4 graded, 1 invalid" in demo.stdout


def test_solution_scores_full_marks(a3):
    course, _, _, rows = a3
    assert rows["s01"].status == "graded" and not rows["s01"].repaired and rows["s01"].flags == []
    score, full = full_auto_marks(course, "s01")
    assert score == full > 0, rows["s01"].messages


def test_released_version_scores_zero(a3):
    course, _, _, rows = a3
    assert (rows["s00"].status, rows["s00"].score) == ("graded", 0.0)


def test_colab_copy_of_the_solution_is_repaired_and_scores_full_marks(a3):
    course, _, _, rows = a3
    assert rows["s04"].repaired and rows["s04"].status == "graded"
    assert "renamed 'Copy of char_rnn (1).ipynb' → char_rnn.ipynb" in rows["s04"].messages[-2]
    assert full_auto_marks(course, "s04") == full_auto_marks(course, "s01")


def test_one_wrong_function_loses_its_points_only(a3):
    course, _, _, rows = a3
    score, full = full_auto_marks(course, "s02")
    assert 0 < score < full
    lost = next(m for m in rows["s02"].messages if "lost points" in m)
    assert "test_sample_from_logits" in lost


def test_damaged_file_is_invalid(a3):
    _, _, _, rows = a3
    assert rows["s03"].status == "invalid" and rows["s03"].messages[0].startswith("not valid JSON")


def test_demo_shows_roster_late_missing_and_similarity(a3):
    course, _, demo, rows = a3
    grades = check_demo_run(course, demo.stdout, assignment=A3)
    assert {s: float(g["raw_score"]) for s, g in grades.items() if s in rows} == {s: r.score for s, r in rows.items()}


def test_export_and_feedback(a3):
    course, _, _, rows = a3
    page = (course.feedback / "s02" / A3 / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    assert "hidden test: source not shown" in page and "BEGIN HIDDEN TESTS" not in page


def test_released_notebook_is_what_students_get(a3):
    course, _, _, _ = a3
    nb = nbformat.read(course.release_dir(A3) / NOTEBOOK, as_version=4)
    assert nb.cells[0].metadata.get("dlcourse_role") == "colab-badge"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
