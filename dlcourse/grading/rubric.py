"""Rubrics: written in the source notebook, shown to the grader in formgrader, never to a student.

In solutions/A a manually graded answer cell carries its rubric inside its solution region, between nbgrader's
mark-scheme delimiters::

    ### BEGIN SOLUTION
    (예시 답안) …
    ### BEGIN MARK SCHEME
    **채점 기준 (10점)**: 항목 점수를 더합니다.
    - **데이터셋 (2점)**: 2점 — …; 1점 — …; 0점 — …
    ### END MARK SCHEME
    ### END SOLUTION

Inside the solution region, nbgrader's own ClearSolutions removes it from the release with the example answer, so
the rubric never reaches assignments/ (the leak check also flags its lines and delimiters, :mod:`leakcheck`).
Each item line ``- **name (N점)**`` gives an item's points; they must add up to the cell's points
(:func:`problems`; ``dlcourse release`` refuses a source where they do not).

After grading, :func:`insert_rubrics` puts one markdown cell above each manually graded cell of the autograded
notebook the TA opens in formgrader, headed :data:`LABEL` and tagged ``metadata.dlcourse.rubric``. It carries no
nbgrader metadata: not a grade cell, no checksum, no score (the scores were final before it was inserted).
Feedback drops these cells (:class:`~dlcourse.grading.preprocessors.RemoveRubrics`) and ``dlcourse feedback``
fails when a page still shows a rubric line (:func:`shown_lines`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import ClearMarkScheme

BEGIN = ClearMarkScheme.begin_mark_scheme_delimeter.default_value  # "BEGIN MARK SCHEME": nbgrader's own words
END = ClearMarkScheme.end_mark_scheme_delimeter.default_value
LABEL = "채점 기준 (채점자용, 학생에게 보이지 않음)"
TAG = "rubric"
ITEM = re.compile(r"^\s*[-*] \*\*[^*]*?\((\d+(?:\.\d+)?)점\)\*\*")
MIN_CHARS = 20  # shorter rubric lines ("0점 — 없음") could be anyone's words


def is_manual(cell: NotebookNode) -> bool:
    """A manually graded answer cell (graded and a solution). nbgrader's task cells keep their mark scheme
    nbgrader's way; this course has none."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade") and meta.get("solution"))


def is_rubric_cell(cell: NotebookNode) -> bool:
    return TAG in cell.get("metadata", {}).get("dlcourse", {})


def rubric_text(cell: NotebookNode) -> str | None:
    """The rubric inside ``cell``'s mark-scheme region (without the delimiters), or None when it has none."""
    inside, lines, found = False, [], False
    for line in cell.source.split("\n"):
        if BEGIN in line:
            if inside:
                raise ValueError(f"cell {_grade_id(cell)!r}: nested {BEGIN!r}")
            inside = found = True
        elif END in line:
            if not inside:
                raise ValueError(f"cell {_grade_id(cell)!r}: {END!r} without {BEGIN!r}")
            inside = False
        elif inside:
            lines.append(line)
    if inside:
        raise ValueError(f"cell {_grade_id(cell)!r}: {BEGIN!r} without {END!r}")
    return "\n".join(lines).strip() if found else None


def without_rubric(source: str) -> str:
    """``source`` with its mark-scheme region (delimiters included) removed."""
    out, inside = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def rubrics(source: NotebookNode) -> dict[str, str]:
    """grade id → rubric text, for every manually graded cell of a source notebook that has a rubric."""
    out = {}
    for cell in source.cells:
        text = rubric_text(cell) if is_manual(cell) else None
        if text:
            out[_grade_id(cell)] = text
    return out


def item_points(text: str) -> list[float]:
    """The points of each item line ``- **name (N점)**`` of a rubric."""
    return [float(m[1]) for m in map(ITEM.match, text.split("\n")) if m]


def problems(source: NotebookNode) -> list[str]:
    """What is wrong with the rubrics of a source notebook, one line each: an unclosed or nested region, or item
    points that do not add up to the cell's points."""
    out = []
    for cell in source.cells:
        if not is_manual(cell):
            continue
        try:
            text = rubric_text(cell)
        except ValueError as e:
            out.append(str(e))
            continue
        points, items = float(cell.metadata["nbgrader"].get("points", 0)), item_points(text or "")
        if items and sum(items) != points:
            out.append(f"cell {_grade_id(cell)!r}: rubric items add up to {sum(items):g} points, "
                       f"the cell has {points:g}")
    return out


def rubric_cell(grade_id: str, text: str) -> NotebookNode:
    """The markdown cell shown above the graded cell ``grade_id``; its id is fixed, so regrading changes nothing."""
    return from_dict({
        "cell_type": "markdown", "id": "rubric-" + re.sub(r"[^A-Za-z0-9_-]", "-", grade_id)[:57],
        "metadata": {"dlcourse": {TAG: grade_id}},
        "source": f"#### {LABEL}\n\n{text}",
    })


def insert_rubrics(graded: NotebookNode, found: dict[str, str]) -> list[str]:
    """Put the rubric of each manually graded cell of ``graded`` right above it (in place; rubric cells already
    there are replaced). Returns one line per rubric inserted."""
    cells, done = [], []
    for cell in graded.cells:
        if is_rubric_cell(cell):
            continue
        gid = _grade_id(cell)
        if is_manual(cell) and gid in found:
            cells.append(rubric_cell(gid, found[gid]))
            done.append(f"rubric above {gid}")
        cells.append(cell)
    graded.cells = cells
    return done


def insert_folder(folder: Path, *, source: Path) -> dict[str, list[str]]:
    """Insert the rubrics of the source notebooks in ``source`` into the autograded notebooks in ``folder``."""
    out = {}
    for path in sorted(folder.glob("*.ipynb")):
        src = source / path.name
        found = rubrics(nbformat.read(src, as_version=4)) if src.exists() else {}
        if not found:
            continue
        nb = nbformat.read(path, as_version=4)
        done = insert_rubrics(nb, found)
        if done:
            nbformat.write(nb, path)
            out[path.name] = done
    return out


# ── feedback: no rubric line may show ────────────────────────────────────────────────────────────────

def plain(text: str) -> str:
    """Letters and digits only, one space apart: markdown emphasis, punctuation and TeX markup no longer matter
    (:func:`shown_lines` drops HTML tags first)."""
    return " ".join(re.findall(r"\w+", text))


def rubric_lines(source: Path) -> set[str]:
    """The grader's label and the pieces of every rubric of a source notebook (its lines cut at "—" and after
    "." or ";", so one point level is one piece) that are long enough to be telling, as :func:`plain` text."""
    pieces = {plain(LABEL)}
    for text in rubrics(nbformat.read(source, as_version=4)).values():
        for piece in re.split(r"\n|\s—\s|(?<=[.;])\s", text):
            if len(plain(piece)) >= MIN_CHARS:
                pieces.add(plain(piece))
    return pieces


def shown_lines(page: str, lines: set[str]) -> list[str]:
    """Those of ``lines`` that an HTML page shows (tags dropped, entities decoded)."""
    text = f" {plain(html.unescape(re.sub(r'<[^>]+>', '', page)))} "
    return sorted(ln for ln in lines if f" {ln} " in text)


def _grade_id(cell: NotebookNode) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
