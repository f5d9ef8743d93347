"""The nbgrader preprocessors this course adds (nbgrader's own naming: verb-object, one job each).

Where each one sits in nbgrader's pipelines is decided in one place, :mod:`dlcourse.grading.nbgrader_bridge`
(``AUTOGRADE_STEPS``, ``FEEDBACK_STEPS``); a test checks that order.
"""

from __future__ import annotations

import re

from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer, Unicode

from dlcourse.grading.rubric import is_rubric_cell

TRACEBACK = re.compile(r"Traceback \(most recent call last\)")
TIMEOUT_ENAME = "CellTimeoutError"
HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"
HIDDEN_END = "END HIDDEN TESTS"
REDACTED = "# (숨겨진 테스트: 코드는 공개하지 않습니다 / hidden test: source not shown)"


def is_test_cell(cell: NotebookNode) -> bool:
    """An autograded test cell: a code grade cell that is not an answer."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


class ExecuteWithLimits(Execute):
    """nbgrader's Execute plus the two limits grading needs.

    - A cell that runs past ``timeout`` is interrupted (nbgrader's default) and always ends with a
      ``CellTimeoutError`` output, which marks the submission's status as ``timeout``.
    - Stream output of one cell is capped at ``max_output_chars`` while it arrives, so a print flood
      cannot fill the grader's memory; LimitOutput later trims what is kept to a number of lines.
    - With ``working_dir`` set, the kernel starts there instead of next to the notebook, so student code
      never writes in the folder that nbgrader (outside the sandbox) writes to afterwards.
    """

    max_output_chars = Integer(5_000_000, help="stream characters kept per cell while executing").tag(config=True)
    working_dir = Unicode("", help="directory the kernel starts in (default: the notebook's)").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        if self.working_dir:
            resources = resources or {}
            resources.setdefault("metadata", {})["path"] = self.working_dir
        self._timed_out: set[int] = set()
        self._stream_chars: dict[int, int] = {}
        return super().preprocess(nb, resources, km=km)

    def preprocess_cell(self, cell, resources, index):
        self.log.info("dlcourse: cell %d started", index)  # names the cell when the kernel dies
        return super().preprocess_cell(cell, resources, index)

    async def _async_handle_timeout(self, timeout, cell=None):
        if cell is not None:
            self._timed_out.add(id(cell))
        return await super()._async_handle_timeout(timeout, cell)

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        cell = kwargs["cell"]
        if id(cell) in self._timed_out and not any(o.get("ename") == TIMEOUT_ENAME for o in cell.outputs):
            cell.outputs.append(NotebookNode(
                output_type="error", ename=TIMEOUT_ENAME,
                evalue=f"cell ran longer than {self.timeout} s and was interrupted",
                traceback=[f"{TIMEOUT_ENAME}: cell ran longer than {self.timeout} s and was interrupted"],
            ))

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "stream":
            seen = self._stream_chars.get(cell_index, 0)
            self._stream_chars[cell_index] = seen + len(msg["content"].get("text", ""))
            if seen > self.max_output_chars:
                return None
            if seen + len(msg["content"].get("text", "")) > self.max_output_chars:
                msg = {**msg, "content": {**msg["content"], "text": "\n... output truncated while grading ...\n"}}
        return super().output(outs, msg, display_id, cell_index)


class DemoteStderrNoise(NbGraderPreprocessor):
    """Turn stderr text without a traceback in test cells into stdout.

    nbgrader scores a test cell 0 when it has *any* stderr output, and TensorFlow/absl log lines and
    Python warnings land there. Text that carries a traceback stays on stderr, and errors are
    ``error`` outputs anyway, so a failing test still fails.
    """

    def preprocess_cell(self, cell, resources, index):
        if is_test_cell(cell):
            for out in cell.outputs:
                if out.output_type == "stream" and out.name == "stderr" and not TRACEBACK.search(out.text):
                    out.name = "stdout"
        return cell, resources


class RedactHiddenTests(NbGraderPreprocessor):
    """Hide the source of hidden tests in feedback; keep pass/fail and the failure message.

    The lines between BEGIN/END HIDDEN TESTS become one comment, and an error's traceback (which quotes
    the failing source line) is cut down to ``ename: evalue``.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or HIDDEN_BEGIN not in cell.source:
            return cell, resources
        lines, hidden = [], False
        for line in cell.source.split("\n"):
            if HIDDEN_BEGIN in line:
                hidden = True
                lines.append(REDACTED)
            elif HIDDEN_END in line:
                hidden = False
            elif not hidden:
                lines.append(line)
        cell.source = "\n".join(lines)
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                out.traceback = [f"{out.ename}: {out.evalue}"]
        return cell, resources


class RemoveRubrics(NbGraderPreprocessor):
    """Drop the rubric cells that grading put above manually graded cells (:mod:`dlcourse.grading.rubric`):
    they are for the grader in formgrader, never for the student's feedback."""

    def preprocess(self, nb, resources):
        nb.cells = [c for c in nb.cells if not is_rubric_cell(c)]
        return nb, resources
