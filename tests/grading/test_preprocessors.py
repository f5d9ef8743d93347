"""The nbgrader preprocessors this course adds, and where they sit in nbgrader's pipelines."""

from __future__ import annotations

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import GetGrades, LimitOutput, SaveAutoGrades

from dlcourse.grading.nbgrader_bridge import AUTOGRADE_STEPS, FEEDBACK_STEPS
from dlcourse.grading.preprocessors import (
    REDACTED,
    DemoteStderrNoise,
    ExecuteWithLimits,
    RedactHiddenTests,
    RemoveRubrics,
)

TEST_META = {"nbgrader": {"grade": True, "solution": False, "locked": True, "grade_id": "t", "points": 1,
                          "schema_version": 3}}
NOISE = "W0000 00:00:1700000000.000000 123 cuda_executor.cc:1] could not open file to read NUMA node\n"
TRACEBACK = "Traceback (most recent call last):\n  File \"x\", line 1\nValueError: no\n"


def test_autograde_pipeline_order():
    names = [c.__name__ for c in AUTOGRADE_STEPS]
    assert names == ["ExecuteWithLimits", "IgnorePattern", "ClearMetadataPreprocessor", "DemoteStderrNoise",
                     "LimitOutput", "SaveAutoGrades", "AssignLatePenalties", "CheckCellMetadata"]
    assert names.index("DemoteStderrNoise") < names.index("SaveAutoGrades")  # before scores are computed
    assert AUTOGRADE_STEPS.index(LimitOutput) < AUTOGRADE_STEPS.index(SaveAutoGrades)
    assert AUTOGRADE_STEPS[0] is ExecuteWithLimits


def test_feedback_pipeline_drops_rubrics_and_redacts_before_rendering():
    assert FEEDBACK_STEPS == [GetGrades, RemoveRubrics, RedactHiddenTests, CSSHTMLHeaderPreprocessor]


def test_stderr_noise_in_a_test_cell_becomes_stdout():
    cell = new_code_cell("check()", metadata=TEST_META,
                         outputs=[new_output("stream", name="stderr", text=NOISE)])
    cell, _ = DemoteStderrNoise().preprocess_cell(cell, {}, 0)
    assert [(o.name, o.text) for o in cell.outputs] == [("stdout", NOISE)]


def test_a_traceback_on_stderr_still_fails():
    cell = new_code_cell("check()", metadata=TEST_META,
                         outputs=[new_output("stream", name="stderr", text=TRACEBACK)])
    cell, _ = DemoteStderrNoise().preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].name == "stderr"


def test_answer_cells_are_left_alone():
    meta = {"nbgrader": {**TEST_META["nbgrader"], "solution": True, "grade": False}}
    cell = new_code_cell("x", metadata=meta, outputs=[new_output("stream", name="stderr", text=NOISE)])
    cell, _ = DemoteStderrNoise().preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].name == "stderr"


def test_hidden_tests_are_redacted_and_the_message_kept():
    source = ("assert f(1) == 2\n### BEGIN HIDDEN TESTS\n"
              "assert f(SECRET) == 7, 'f(SECRET) is wrong'\n### END HIDDEN TESTS")
    error = new_output("error", ename="AssertionError", evalue="f(SECRET) is wrong",
                       traceback=["Traceback", "----> 3 assert f(SECRET) == 7", "AssertionError: f(SECRET) is wrong"])
    cell = new_code_cell(source, metadata=TEST_META, outputs=[error])
    cell, _ = RedactHiddenTests().preprocess_cell(cell, {}, 0)
    assert cell.source == f"assert f(1) == 2\n{REDACTED}"
    assert cell.outputs[0].traceback == ["AssertionError: f(SECRET) is wrong"]
