"""The grader's rubric: written in solutions/, shown above its manually graded cell in the autograded notebook that
formgrader opens, never in assignments/, the examples or the feedback, and never part of a score."""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbgrader.api import Gradebook
from nbgrader.utils import compute_checksum

from dlcourse.config import settings
from dlcourse.grading import nbgrader_bridge, rubric
from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.feedback import feedback
from dlcourse.grading.grade import grade
from dlcourse.grading.preprocessors import RemoveRubrics
from dlcourse.grading.release import release
from dlcourse.grading.repair import cell_role, grade_id
from dlcourse.grading.samples import answered
from tests.grading.conftest import EXPLAIN, EXPLAIN_ANSWER, EXPLAIN_RUBRIC, SANDBOX, copy_course, quiet

REPO = Course.default()
SOURCES = sorted(REPO.solutions.glob("*/*.ipynb"))


def text_of(path) -> str:
    """The text of a notebook's cells; a damaged notebook (the s03 example) as its raw JSON with line breaks."""
    try:
        return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    except Exception:  # noqa: BLE001 - any unreadable notebook is read as text
        return path.read_bytes().decode("utf-8", "replace").replace("\\n", "\n").replace('\\"', '"')


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_every_manually_graded_cell_in_solutions_has_a_rubric(path):
    nb = nbformat.read(path, as_version=4)
    manual = [c for c in nb.cells if rubric.is_manual(c)]
    assert manual, f"{path.name} has no manually graded cell"
    found = rubric.rubrics(nb)
    for cell in manual:
        gid, src = grade_id(cell), cell.source
        assert found.get(gid), f"{gid} has no rubric"
        # inside the solution region: nbgrader's ClearSolutions removes it with the example answer
        assert src.index("BEGIN SOLUTION") < src.index(rubric.BEGIN) < src.index(rubric.END) < src.index("END SOLUTION")
        items = [ln for ln in found[gid].split("\n") if rubric.ITEM.match(ln)]
        assert len(items) >= 2 and sum(rubric.item_points(found[gid])) == cell.metadata.nbgrader.points, found[gid]
        for line in items:  # what earns the points, at every level from full marks down to 0
            top = int(float(rubric.ITEM.match(line)[1]))
            assert all(f"{k}점 —" in line for k in range(top, -1, -1)), line
    assert rubric.problems(nb) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_no_rubric_in_the_release_or_the_examples(path):
    pieces = rubric.rubric_lines(path)
    assert len(rubric.shown_lines(text_of(path), pieces)) == len(pieces) - 1  # all but the label: the check sees them
    release = REPO.release_dir(path.parent.name)
    examples = sorted((REPO.examples / path.parent.name).glob("*.ipynb"))
    for student_file in [*release.glob("*.ipynb"), *examples]:
        text = text_of(student_file)
        assert rubric.shown_lines(text, pieces) == [] and "MARK SCHEME" not in text, student_file
    for readme in release.glob("*.md"):
        assert rubric.shown_lines(readme.read_text(encoding="utf-8"), pieces) == [], readme


def test_the_rubric_goes_right_above_its_cell_once():
    src = nbformat.read(REPO.source_dir("a3_char_rnn") / "char_rnn.ipynb", as_version=4)
    nb = nbformat.read(REPO.release_dir("a3_char_rnn") / "char_rnn.ipynb", as_version=4)  # stands in for a graded one
    before = copy.deepcopy(nb)
    assert rubric.insert_rubrics(nb, rubric.rubrics(src)) == ["rubric above reflection"]
    i = next(i for i, c in enumerate(nb.cells) if rubric.is_rubric_cell(c))
    cell = nb.cells[i]
    assert grade_id(nb.cells[i + 1]) == "reflection" and rubric.is_manual(nb.cells[i + 1])
    assert cell.cell_type == "markdown" and cell.source.startswith(f"#### {rubric.LABEL}\n")
    assert rubric.rubric_text(src.cells[[grade_id(c) for c in src.cells].index("reflection")]) in cell.source
    assert "nbgrader" not in cell.metadata and cell_role(cell) == "free"  # not graded, no checksum, no points
    again = copy.deepcopy(nb)
    rubric.insert_rubrics(again, rubric.rubrics(src))
    assert again == nb  # grading again changes nothing (fixed cell id)
    nbformat.validate(nb)
    assert [c for c in nb.cells if not rubric.is_rubric_cell(c)] == before.cells


def test_feedback_drops_rubric_cells():
    nb = nbformat.v4.new_notebook(cells=[rubric.rubric_cell("q", "- **a (1점)**: 1점 — 됨. 0점 — 안 됨."),
                                         nbformat.v4.new_markdown_cell("학생의 답")])
    nb, _ = RemoveRubrics().preprocess(nb, {})
    assert [c.source for c in nb.cells] == ["학생의 답"]


@pytest.mark.parametrize("edit, expected", [
    (lambda s: s.replace("### END MARK SCHEME\n", ""), "'BEGIN MARK SCHEME' without 'END MARK SCHEME'"),
    (lambda s: s.replace("합이 0일 때 (1점)", "합이 0일 때 (2점)"), "rubric items add up to 3 points, the cell has 2"),
])
def test_a_broken_rubric_stops_the_release(rubric_tiny, edit, expected):
    path = rubric_tiny.source_dir("tiny") / "tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if grade_id(c) == EXPLAIN)
    cell.source = edit(cell.source)
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="^solutions/tiny/tiny.ipynb: cell 'explain': ") as e:
        release(course=rubric_tiny, echo=quiet)
    assert expected in str(e.value) and "\n" not in str(e.value)


def _cells(cells) -> list[tuple]:
    return [(c.cell_type, c.source, c.metadata.get("nbgrader"), c.get("outputs")) for c in cells]


def _grades(course, student) -> list[tuple]:
    with Gradebook(f"sqlite:///{course.gradebook}", settings().course_id) as gb:
        nb = gb.find_submission_notebook("tiny", "tiny", student)
        return sorted((g.name, g.auto_score, g.max_score, g.needs_manual_grade) for g in nb.grades)


@pytest.mark.slow
def test_scores_feedback_and_the_graders_view(rubric_tiny, tmp_path, monkeypatch):
    """The same submission graded with and without a rubric in the source: same release, same scores and grade
    cells; only the grader's notebook gains the rubric, and the feedback shows none of it."""
    bare = copy_course(rubric_tiny, tmp_path / "bare")
    path = bare.source_dir("tiny") / "tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.source = rubric.without_rubric(cell.source)
    nbformat.write(nb, path)
    release(course=bare, echo=quiet)
    assert rubric.rubrics(nb) == {} and (bare.release_dir("tiny") / "tiny.ipynb").read_bytes() == \
        (rubric_tiny.release_dir("tiny") / "tiny.ipynb").read_bytes()

    lms = tmp_path / "lms" / "s01"
    lms.mkdir(parents=True)
    solved = answered(release=nbformat.read(rubric_tiny.release_dir("tiny") / "tiny.ipynb", as_version=4),
                      source=nbformat.read(rubric_tiny.source_dir("tiny") / "tiny.ipynb", as_version=4))
    nbformat.write(solved, lms / "tiny.ipynb")
    rows = {}
    for course in (rubric_tiny, bare):
        collect(source=lms.parent, assignment="tiny", course=course, echo=quiet)
        [rows[course]] = grade(assignment="tiny", course=course, jobs=1, sandbox=SANDBOX, echo=quiet)
    with_rubric, without = rows[rubric_tiny], rows[bare]
    assert (with_rubric.status, with_rubric.score, with_rubric.max_score) == ("graded", 3.0, 5.0)
    assert (without.status, without.score, without.max_score) == ("graded", 3.0, 5.0)
    assert "2 points wait for manual grading" in with_rubric.messages
    assert _grades(rubric_tiny, "s01") == _grades(bare, "s01")
    assert ("explain", None, 2.0, True) in _grades(rubric_tiny, "s01")

    graded = nbformat.read(rubric_tiny.autograded / "s01" / "tiny" / "tiny.ipynb", as_version=4)
    plain = nbformat.read(bare.autograded / "s01" / "tiny" / "tiny.ipynb", as_version=4)
    i = next(i for i, c in enumerate(graded.cells) if rubric.is_rubric_cell(c))
    assert grade_id(graded.cells[i + 1]) == EXPLAIN and EXPLAIN_ANSWER in graded.cells[i + 1].source
    assert EXPLAIN_RUBRIC in graded.cells[i].source and not any(rubric.is_rubric_cell(c) for c in plain.cells)
    rest = [c for c in graded.cells if not rubric.is_rubric_cell(c)]
    assert _cells(rest) == _cells(plain.cells)
    assert [compute_checksum(c) for c in rest if "nbgrader" in c.metadata] == \
        [compute_checksum(c) for c in plain.cells if "nbgrader" in c.metadata]

    pieces = rubric.rubric_lines(rubric_tiny.source_dir("tiny") / "tiny.ipynb")
    shown, _ = HTMLExporter().from_notebook_node(graded)  # formgrader renders the autograded notebook with nbconvert
    assert rubric.shown_lines(shown, pieces) == sorted(pieces)  # the grader sees all of it
    [page] = feedback(assignment="tiny", course=rubric_tiny, echo=quiet)
    text = page.read_text(encoding="utf-8")
    assert rubric.shown_lines(text, pieces) == [] and "MARK SCHEME" not in text
    assert "nan이 나옵니다" in text  # the student's own answer is there

    # the command's own check: with the rubric cells left in, the feedback is refused
    monkeypatch.setattr(nbgrader_bridge, "FEEDBACK_STEPS",
                        [s for s in nbgrader_bridge.FEEDBACK_STEPS if s is not RemoveRubrics])
    with pytest.raises(RuntimeError, match="shows the grader's rubric"):
        feedback(assignment="tiny", course=rubric_tiny, echo=quiet)
