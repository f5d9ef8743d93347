"""Sample submissions made from an assignment's source and release: autograde/examples/ and test fixtures.

``write_examples`` (run by hand, ``python -m dlcourse.grading.samples a3_char_rnn``) writes the committed
examples that ``dlcourse demo`` grades; the hostile test fixtures in tests/grading/files/ are built from
the same functions by tests/grading/files/make_fixtures.py.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from dlcourse.grading.course import Course
from dlcourse.grading.repair import grade_id, nbgrader_meta
from dlcourse.grading.rubric import without_rubric

# The "one function wrong" example: (answer grade id, text in the solution, what a student wrote instead).
# A small edit of the solution rather than answer code kept here.
MISTAKES: dict[str, tuple[str, str, str]] = {
    "a3_char_rnn": ("sample_from_logits", "z = z / temperature", "pass  # 흔한 실수: 온도(temperature)로 나누지 않음"),
}


def solution_code(source_cell: NotebookNode) -> str:
    """What a student who solved the cell would have written: the source without nbgrader's marker lines and
    without the grader's rubric (:mod:`dlcourse.grading.rubric`)."""
    markers = ("BEGIN SOLUTION", "END SOLUTION")
    source = without_rubric(source_cell.source)
    return "\n".join(ln for ln in source.split("\n") if not any(m in ln for m in markers))


def answered(*, release: NotebookNode, source: NotebookNode) -> NotebookNode:
    """The release with every answer cell filled in from the source: a correct submission."""
    solutions = {grade_id(c): c for c in source.cells if nbgrader_meta(c).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution") and grade_id(cell) in solutions:
            cell.source = solution_code(solutions[grade_id(cell)])
    return nb


def with_answer(nb: NotebookNode, *, grade: str, source: str) -> NotebookNode:
    """``nb`` with the answer cell ``grade`` replaced by ``source``."""
    out = copy.deepcopy(nb)
    cells = [c for c in out.cells if grade_id(c) == grade]
    if not cells:
        raise KeyError(f"no cell with grade id {grade!r}")
    cells[0].source = source
    return out


def as_colab(nb: NotebookNode, *, name: str) -> dict:
    """How Colab saves a notebook: nbformat 4.0, no cell ids, its own cell metadata, nbgrader's dropped.

    Returned as a plain dict (nbformat would refuse to write 4.0 without converting it).
    """
    cells = []
    for i, cell in enumerate(nb.cells):
        c = {"cell_type": cell.cell_type, "source": cell.source,
             "metadata": {"id": f"colab{i:04d}x"} | ({"colab": {"base_uri": "https://localhost:8080/"}}
                                                     if cell.cell_type == "code" else {})}
        if cell.cell_type == "code":
            c.update(execution_count=None, outputs=[])
        cells.append(c)
    return {"nbformat": 4, "nbformat_minor": 0, "cells": cells,
            "metadata": {"colab": {"provenance": [], "name": name}, "accelerator": "GPU",
                         "kernelspec": {"name": "python3", "display_name": "Python 3"},
                         "language_info": {"name": "python"}}}


def broken(nb: NotebookNode) -> bytes:
    """A notebook cut off in the middle of its JSON, as an interrupted upload leaves it."""
    data = nbformat.writes(nb).encode()
    return data[: len(data) // 2]


def write_examples(*, course: Course, assignment: str, dest: Path | None = None) -> list[Path]:
    """The sample submissions of ``assignment`` that ``dlcourse demo`` grades, written to ``dest``.

    s01: correct · s02: one function wrong · s03: damaged file · s04: the correct one as Colab saves it,
    renamed the way Colab names a copy.
    """
    dest = dest or course.examples / assignment
    dest.mkdir(parents=True, exist_ok=True)
    name = course.notebook_names(assignment)[0]
    release = nbformat.read(course.release_dir(assignment) / name, as_version=4)
    source = nbformat.read(course.source_dir(assignment) / name, as_version=4)
    good = answered(release=release, source=source)
    grade, text, mistake = MISTAKES[assignment]
    answer = next(c.source for c in good.cells if grade_id(c) == grade)
    if text not in answer:
        raise ValueError(f"the {grade} answer no longer contains {text!r}; update MISTAKES[{assignment!r}]")
    wrong = with_answer(good, grade=grade, source=answer.replace(text, mistake))
    stem = name[:-6]
    colab = json.dumps(as_colab(good, name=name), indent=2, ensure_ascii=False) + "\n"
    files = {
        f"s01_{name}": nbformat.writes(good).encode(),
        f"s02_{name}": nbformat.writes(wrong).encode(),
        f"s03_{name}": broken(good),
        f"s04_Copy of {stem} (1).ipynb": colab.encode(),
    }
    paths = []
    for fname, data in files.items():
        (dest / fname).write_bytes(data)
        paths.append(dest / fname)
    return paths


if __name__ == "__main__":
    for p in write_examples(course=Course.default(), assignment=sys.argv[1]):
        print(f"wrote {p}")
