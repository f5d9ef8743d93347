"""Manual grading sees the work: the outputs and pasted images the student saved are restored into the
autograded notebook (marked as the student's), while the tests ran from scratch."""

from __future__ import annotations

import base64
import copy

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_output

from dlcourse.grading.collect import collect
from dlcourse.grading.saved import MARKER_TEXT, TAG, restore_saved
from tests.grading.conftest import SANDBOX, SUBMISSIONS, quiet

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082")).decode()
REFLECTION = "제 샘플과 손실 곡선을 보면 학습이 잘 됐습니다.\n\n![손실 곡선](attachment:loss.png)"


def with_saved_work() -> nbformat.NotebookNode:
    """The solution fixture as the student saved it: outputs in their cells, a reflection with a pasted plot."""
    nb = nbformat.read(next((SUBMISSIONS / "solution").glob("*.ipynb")), as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    by_id["answer_add"].outputs = [new_output("stream", name="stdout", text="내 add 확인: 3\n")]
    by_id["test_add"].outputs = [new_output("stream", name="stdout", text="saved test output\n")]
    done = nb.cells[-1]
    done.outputs = [new_output("stream", name="stdout", text="done\n"),
                    new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    reflection = new_markdown_cell(REFLECTION)
    reflection.attachments = {"loss.png": {"image/png": PNG}}
    nb.cells.insert(len(nb.cells) - 1, reflection)
    return nb


def test_restore_into_answer_and_free_cells_only():
    original = with_saved_work()
    graded = copy.deepcopy(original)  # what autograde leaves: the same cells, fresh outputs, no attachments
    for c in graded.cells:
        if c.cell_type == "code":
            c.outputs = [new_output("stream", name="stdout", text="fresh\n")] if c.source.startswith("print") else []
        c.pop("attachments", None)
    done = restore_saved(graded, original)
    assert len(done) == 3
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
    assert cells["test_add"].outputs == []  # a test cell shows only the grading run
    last = graded.cells[-1]
    assert [o.get("text") for o in last.outputs[:1]] == ["fresh\n"]
    assert MARKER_TEXT in last.outputs[1]["data"]["text/plain"]
    assert last.outputs[3]["data"]["image/png"] == PNG and last.outputs[3]["metadata"]["dlcourse"][TAG]
    reflection = next(c for c in graded.cells if c.source == REFLECTION)
    assert reflection.attachments["loss.png"]["image/png"] == PNG
    assert reflection.metadata["dlcourse"]["student_attachments"] == ["loss.png"]
    nbformat.validate(graded)


@pytest.mark.slow
def test_the_grader_sees_the_saved_plot_beside_the_reflection(tiny, tmp_path):
    from nbconvert import HTMLExporter

    from dlcourse.grading.grade import grade

    folder = tmp_path / "lms" / "s01"
    folder.mkdir(parents=True)
    nbformat.write(with_saved_work(), folder / "tiny.ipynb")
    collect(source=tmp_path / "lms", assignment="tiny", course=tiny, echo=quiet)
    submitted = nbformat.read(tiny.submission_dir("s01", "tiny") / "tiny.ipynb", as_version=4)
    assert not any(c.get("outputs") for c in submitted.cells)  # collect dropped them (the run is fresh)
    [row] = grade(assignment="tiny", course=tiny, jobs=1, sandbox=SANDBOX, echo=quiet)
    assert (row.status, row.score) == ("graded", 3.0)
    nb = nbformat.read(tiny.autograded / "s01" / "tiny" / "tiny.ipynb", as_version=4)
    i = next(i for i, c in enumerate(nb.cells) if c.source == REFLECTION)
    assert nb.cells[i].attachments["loss.png"]["image/png"] == PNG
    after = nb.cells[i + 1]
    assert after.outputs[0]["text"] == "done\n" and MARKER_TEXT in after.outputs[1]["data"]["text/plain"]
    html, _ = HTMLExporter().from_notebook_node(nb)  # formgrader renders the autograded notebook with nbconvert
    assert MARKER_TEXT in html and PNG in html
