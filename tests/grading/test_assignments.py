"""All six assignments through the real pipeline: solutions full, releases zero, valid alternatives full, mutants
lose exactly their function's points.

One temporary course holds them all. Each assignment is released (with the leak check); its solution, its released
notebook and the submissions of tests/grading/variants (the solution with other valid implementations, or with one
typical mistake per function) are collected as students and graded together in one sandboxed `grade --jobs 2` call.
The gradebook's per-cell scores say which test cells lost points. Each assignment is graded when a test first asks
for it, so no single test carries the grading of all six. a3's solution and release are graded by
`dlcourse demo` in test_a3.py, so here a3 brings only its variants. The committed release must equal a fresh one.
"""

from __future__ import annotations

import shutil
from typing import NamedTuple

import nbformat
import pytest

from dlcourse.config import REPO_ROOT
from dlcourse.grading import gradebook
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.grade import grade, graded_cells
from dlcourse.grading.release import release
from dlcourse.grading.repair import grade_id, nbgrader_meta
from tests.grading.conftest import quiet
from tests.grading.variants import submission, variants

REPO = Course.default()


class Expected(NamedTuple):
    notebook: str
    max_score: float
    manual: float
    baseline: bool = True  # grade the solution and the release here (a3: test_a3.py does)


ASSIGNMENTS = {
    "a1_rnn_from_scratch": Expected("rnn_from_scratch.ipynb", 50, 5),
    "a2_lstm_gru_cells": Expected("lstm_gru_cells.ipynb", 50, 8),
    "a3_char_rnn": Expected("char_rnn.ipynb", 100, 10, baseline=False),
    "a4_word2vec_sgns": Expected("word2vec_sgns.ipynb", 100, 10),  # KoNLPy: the JVM starts inside the sandbox
    "a5_batchnorm": Expected("batchnorm.ipynb", 50, 10),
    "a6_conditional_gan": Expected("conditional_gan.ipynb", 100, 10),
}
VARIANTS = [(a, name) for a in ASSIGNMENTS for name in variants(a)]

pytestmark = pytest.mark.slow


class Graded(NamedTuple):
    course: Course
    lines: list[str]  # what `release` printed
    rows: dict  # report rows by student


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """grade(assignment) → :class:`Graded`; each assignment is released, collected and graded on first use, so its
    grading time counts against the first test that asks for it (pytest-timeout is per test)."""
    root = tmp_path_factory.mktemp("assignments") / "course"
    course = Course(root)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    done: dict[str, Graded] = {}

    def grade_assignment(assignment: str) -> Graded:
        if assignment in done:
            return done[assignment]
        expected = ASSIGNMENTS[assignment]
        shutil.copytree(REPO.source_dir(assignment), course.source_dir(assignment))
        lines: list[str] = []
        release(course=course, assignments=[assignment], echo=lines.append)
        lms = root.parent / f"lms-{assignment}"
        lms.mkdir()
        source_path = course.source_dir(assignment) / expected.notebook
        released_path = course.release_dir(assignment) / expected.notebook
        if expected.baseline:
            shutil.copy(source_path, lms / f"solution_{expected.notebook}")
            shutil.copy(released_path, lms / f"release_{expected.notebook}")
        source, released = (nbformat.read(p, as_version=4) for p in (source_path, released_path))
        for name, variant in variants(assignment).items():
            nb = submission(release=released, source=source, variant=variant)
            nbformat.write(nb, lms / f"{name}_{expected.notebook}")
        collect(source=lms, assignment=assignment, course=course, echo=quiet)
        rows = {r.student: r for r in grade(assignment=assignment, course=course, jobs=2, echo=quiet)}
        done[assignment] = Graded(course, lines, rows)
        return done[assignment]

    return grade_assignment


def scores(course: Course, assignment: str, student: str) -> gradebook.Scores:
    return gradebook.read_scores(url=f"sqlite:///{course.gradebook}", course_id="rnn-to-gan", assignment=assignment,
                                 student=student)[ASSIGNMENTS[assignment].notebook.removesuffix(".ipynb")]


def points(assignment: str) -> dict[str, float]:
    """Points of each automatically graded test cell, from the source notebook."""
    nb = nbformat.read(REPO.source_dir(assignment) / ASSIGNMENTS[assignment].notebook, as_version=4)
    return {grade_id(c): float(nbgrader_meta(c)["points"]) for c in nb.cells
            if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_passes_the_leak_check(graded, assignment):
    lines = graded(assignment).lines
    notebook = ASSIGNMENTS[assignment].notebook
    assert lines == [
        f"released {assignment}: solutions/{assignment} → assignments/{assignment} ({notebook}); leak check passed"]


@pytest.mark.parametrize("assignment", [a for a, e in ASSIGNMENTS.items() if e.baseline])
def test_solution_scores_full_automatic_marks(graded, assignment):
    course, _, rows = graded(assignment)
    expected = ASSIGNMENTS[assignment]
    row = rows["solution"]
    assert row.status == "graded" and row.flags == [], row.messages
    s = scores(course, assignment, "solution")
    assert (s.max_score, s.manual_points) == (expected.max_score, expected.manual)
    assert s.score == expected.max_score - expected.manual, row.messages


@pytest.mark.parametrize("assignment", [a for a, e in ASSIGNMENTS.items() if e.baseline])
def test_release_scores_zero(graded, assignment):
    row = graded(assignment).rows["release"]
    assert (row.status, row.score) == ("graded", 0.0), row.messages


@pytest.mark.parametrize("assignment, name", VARIANTS, ids=[f"{a}-{n}" for a, n in VARIANTS])
def test_variant_loses_exactly_its_mutated_functions_points(graded, assignment, name):
    """Alternatives (loses nothing) get full automatic marks; a mutant loses its own test cells' points, no others."""
    course, _, rows = graded(assignment)
    expected, variant = ASSIGNMENTS[assignment], variants(assignment)[name]
    row = rows[name]
    assert row.status == "graded" and row.flags == [], row.messages
    s = scores(course, assignment, name)
    assert set(s.failed) == set(variant.loses), f"lost points: {sorted(s.failed)}, expected {sorted(variant.loses)}"
    lost = sum(points(assignment)[cell] for cell in variant.loses)
    assert s.score == expected.max_score - expected.manual - lost, row.messages


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_is_up_to_date(graded, assignment):
    course = graded(assignment).course
    notebook = ASSIGNMENTS[assignment].notebook
    committed = REPO.release_dir(assignment) / notebook
    assert committed.is_file(), f"assignments/{assignment} missing: run `dlcourse release {assignment}` and commit it"
    assert graded_cells(committed) == graded_cells(course.release_dir(assignment) / notebook), (
        f"assignments/{assignment} is stale: run `dlcourse release {assignment}` and commit it")


def test_every_assignment_has_alternatives_and_mutants():
    for assignment in ASSIGNMENTS:
        kinds = {bool(v.loses) for v in variants(assignment).values()}
        assert kinds == {False, True}, f"{assignment}: needs a valid-alternatives submission and a mutants one"
        tests = set(points(assignment))
        for name, v in variants(assignment).items():
            assert v.loses <= tests, f"{assignment}/{name}: unknown test cells {sorted(v.loses - tests)}"
