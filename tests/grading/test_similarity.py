"""dlcourse similarity A: a copied pair (renamed variables, reordered functions, changed comments, a lightly
edited written answer) planted among five independent solutions of the same functions ranks first, far above
every independent pair; the shared scaffold never counts."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dlcourse.grading.course import Course
from dlcourse.grading.similarity import own_lines, similarity
from tests.grading.conftest import FILES

HERE = FILES / "similarity"
INDEPENDENT = ["s1", "s2", "s3", "s4", "s5"]
SCAFFOLD = '''import numpy as np


def softmax(z):
    """행마다 softmax. z: (n, k) → (n, k)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def cross_entropy(p, y):
    """평균 교차 엔트로피."""
    # YOUR CODE HERE
    raise NotImplementedError()


def accuracy(p, y):
    # YOUR CODE HERE
    raise NotImplementedError()
'''


def meta(gid, *, solution=False, grade=False, locked=False):
    return {"nbgrader": {"grade_id": gid, "solution": solution, "grade": grade, "locked": locked,
                         "schema_version": 3, **({"points": 2} if grade else {})}}


def notebook(code: str, text: str) -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("# 소프트맥스 과제", metadata=meta("intro", locked=True)),
        new_code_cell(code, metadata=meta("answer_funcs", solution=True)),
        new_code_cell("assert softmax(np.zeros((1, 2))).shape == (1, 2)", metadata=meta("test", grade=True,
                                                                                            locked=True)),
        new_markdown_cell(text, metadata=meta("answer_why", solution=True, grade=True)),
    ])


def written() -> dict[str, str]:
    lines = (HERE / "written.txt").read_text(encoding="utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


@pytest.fixture
def course(tmp_path) -> Course:
    course = Course(tmp_path / "course")
    (course.release_dir("sim")).mkdir(parents=True)
    nbformat.write(notebook(SCAFFOLD, "YOUR ANSWER HERE"), course.release_dir("sim") / "sim.ipynb")
    texts = written()
    for student in [*INDEPENDENT, "copy_of_s1"]:
        folder = course.submission_dir(student, "sim")
        folder.mkdir(parents=True)
        nbformat.write(notebook((HERE / f"{student}.py.txt").read_text(encoding="utf-8"), texts[student]),
                       folder / "sim.ipynb")
    for student in ["blank1", "blank2"]:  # handed in the release untouched: the same scaffold
        course.submission_dir(student, "sim").mkdir(parents=True)
        nbformat.write(notebook(SCAFFOLD, "YOUR ANSWER HERE"), course.submission_dir(student, "sim") / "sim.ipynb")
    return course


def test_the_planted_pair_ranks_first(course):
    lines: list[str] = []
    pairs = similarity(assignment="sim", course=course, echo=lines.append)
    assert len(pairs) == 28
    top, rest = pairs[0], pairs[1:]
    assert {top.a, top.b} == {"copy_of_s1", "s1"}
    independent = max(p.score for p in rest)
    print(f"planted pair {top.score:.3f} (code {top.code:.3f}, text {top.text:.3f}); "
          f"highest independent pair {independent:.3f}")
    assert top.code > 0.8 and top.text > 0.4
    assert independent < 0.5 * top.score, (top, rest[0])
    blanks = next(p for p in pairs if {p.a, p.b} == {"blank1", "blank2"})
    assert blanks.score == 0.0  # identical templates do not count
    data = json.loads((course.reports / "sim-similarity.json").read_text(encoding="utf-8"))
    assert [d["score"] for d in data] == sorted((d["score"] for d in data), reverse=True)
    assert set(data[0]) == {"a", "b", "score", "code", "text", "cells"}
    assert {c["cell"] for c in data[0]["cells"]} == {"sim/answer_funcs", "sim/answer_why"}
    page = (course.reports / "sim-similarity.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "<span class='hl'>" in page
    assert lines[0].startswith("compared 28 pairs of 8 submissions of sim in ")


def test_scaffold_lines_are_removed():
    assert own_lines("def f(x):\n    # YOUR CODE HERE\n    return x + 1\n", "def f(x):\n    # YOUR CODE HERE\n"
                     "    raise NotImplementedError()\n") == "    return x + 1"


def test_too_few_submissions(course):
    import shutil

    for student in [*INDEPENDENT, "blank1", "blank2"]:
        shutil.rmtree(course.submitted / student)
    with pytest.raises(FileNotFoundError, match="fewer than two collected submissions of sim"):
        similarity(assignment="sim", course=course)
