"""dlcourse.grading.repair on the hostile fixtures, without running a kernel."""

from __future__ import annotations

import json

import nbformat
import pytest

from dlcourse.grading import repair as rp
from tests.grading.conftest import RELEASE_TINY, SUBMISSIONS

RELEASE = nbformat.read(RELEASE_TINY, as_version=4)


def load(student: str) -> nbformat.NotebookNode:
    path = next((SUBMISSIONS / student).glob("*.ipynb"))
    return nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)


def graded_view(nb) -> list[tuple]:
    """What nbgrader grades: each cell's type, source and nbgrader metadata, in order."""
    return [(c.cell_type, c.source, json.dumps(rp.nbgrader_meta(c), sort_keys=True)) for c in nb.cells]


SOLUTION, _ = rp.repair(load("solution"), release=RELEASE)


def test_repairs_run_in_this_order():
    assert [f.__name__ for f in rp.REPAIRS] == [
        "upgrade_format",
        "drop_colab_metadata",
        "match_by_grade_id",
        "match_by_cell_id",
        "match_fixed_by_source",
        "match_answers_by_names",
        "match_answers_by_position",
        "check_assignment",
        "rebuild_from_release",
    ]


def test_a_clean_submission_needs_no_repair():
    nb, done = rp.repair(load("solution"), release=RELEASE)
    assert done == []
    assert graded_view(nb) == graded_view(SOLUTION)


@pytest.mark.parametrize("student, expected", [
    ("stripped_metadata", "restored nbgrader metadata of 6 cells"),
    ("colab", "dropped Colab metadata"),
    ("reordered", "put the cells back in the release's order"),
    ("deleted_test", "restored 1 deleted cells from the release: test_normalize"),
    ("edited_locked", "restored 2 edited locked/test cells: imports, test_add"),
    ("nbformat44", "nbformat 4.4 → 4.5"),
])
def test_damaged_notebooks_become_the_solution_again(student, expected):
    nb, done = rp.repair(load(student), release=RELEASE)
    assert any(expected in d for d in done), done
    assert graded_view(nb) == graded_view(SOLUTION)
    nbformat.validate(nb)


def test_colab_notebook_is_fully_restored():
    nb, done = rp.repair(load("colab"), release=RELEASE)
    assert done[:2] == ["nbformat 4.0 → 4.5 (cell ids added)", "dropped Colab metadata (2 notebook keys, 8 cells)"]
    assert "colab" not in nb.metadata and all("colab" not in c.metadata for c in nb.cells)
    assert [c.id for c in nb.cells] == [c.id for c in RELEASE.cells]


def test_duplicated_answer_the_last_copy_is_graded_the_first_kept_in_place():
    nb, done = rp.repair(load("duplicated_answer"), release=RELEASE)
    sources = [c.source for c in nb.cells]
    broken = next(i for i, s in enumerate(sources) if "a - b" in s)
    graded = next(i for i, c in enumerate(nb.cells) if rp.grade_id(c) == "answer_add")
    assert broken < graded and "a + b" in sources[graded]
    assert "nbgrader" not in nb.cells[broken].metadata
    assert any("appears 2 times" in d for d in done)


def test_an_edited_test_is_restored_but_the_wrong_answer_stays():
    nb, done = rp.repair(load("edited_test_wrong"), release=RELEASE)
    test = next(c for c in nb.cells if rp.grade_id(c) == "test_normalize")
    answer = next(c for c in nb.cells if rp.grade_id(c) == "answer_normalize")
    assert test.source == next(c for c in RELEASE.cells if rp.grade_id(c) == "test_normalize").source
    assert "return np.asarray(x, dtype=float)" in answer.source


def test_answers_without_metadata_are_found_by_the_names_they_define():
    nb = load("stripped_metadata")
    nb.cells.insert(6, nbformat.v4.new_code_cell("def helper():\n    return 1"))  # an extra student cell
    out, _ = rp.repair(nb, release=RELEASE)
    assert [rp.grade_id(c) for c in out.cells if "def helper" in c.source] == [None]
    assert graded_view(out)[:6] == graded_view(SOLUTION)[:6]


def test_another_assignment_is_refused():
    with pytest.raises(rp.NotThisAssignment, match="0 of 4 locked/test cells"):
        rp.repair(load("wrong_assignment"), release=RELEASE)


def test_repair_is_deterministic():
    a, _ = rp.repair(load("colab"), release=RELEASE)
    b, _ = rp.repair(load("colab"), release=RELEASE)
    assert nbformat.writes(a) == nbformat.writes(b)
