"""The whole-notebook limit, kept inside nbgrader's execution so that the cells that completed keep their scores.

:class:`ExecuteWithDeadline` is :class:`~dlcourse.grading.preprocessors.ExecuteWithLimits` with a deadline
(``time.time()`` when the submission's whole-notebook limit runs out):

- a cell still running at the deadline is interrupted there (its timeout is cut to what is left);
- cells after the deadline are not run;
- both get a ``NotebookTimeoutError`` output, so their test cells score 0, and nbgrader goes on to save the
  scores of every cell that completed before. The submission's status is ``timeout``.

An interrupted cell whose kernel never goes idle (code that swallows KeyboardInterrupt) ends with its timeout
error instead of failing the whole notebook (nbclient's "Timeout waiting for IOPub output"); the cells after
it wait behind it in the kernel, time out in turn, and the deadline ends the notebook.

The grading process's parent keeps a hard limit a little later (execute.GRACE_SECONDS) for a grader that
hangs anyway; only then is nothing graded.
"""

from __future__ import annotations

import math
import time

from nbformat.notebooknode import NotebookNode
from traitlets import Float, Integer

from dlcourse.grading.preprocessors import TIMEOUT_ENAME, ExecuteWithLimits

NOTEBOOK_TIMEOUT_ENAME = "NotebookTimeoutError"


class ExecuteWithDeadline(ExecuteWithLimits):
    deadline = Float(0.0, help="time.time() after which no cell runs (the whole-notebook limit); 0: none"
                     ).tag(config=True)
    notebook_timeout = Integer(0, help="the whole-notebook limit in seconds (for the error text)").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._deadline_cells: set[int] = set()
        self._raise_on_iopub_timeout = self.raise_on_iopub_timeout
        return super().preprocess(nb, resources, km=km)

    async def _async_handle_timeout(self, timeout, cell=None):
        self.raise_on_iopub_timeout = False  # for this cell only: its kernel may never report idle
        return await super()._async_handle_timeout(timeout, cell)

    def _past(self) -> bool:
        return bool(self.deadline) and time.time() >= self.deadline

    def _error(self, text: str) -> NotebookNode:
        return NotebookNode(output_type="error", ename=NOTEBOOK_TIMEOUT_ENAME, evalue=text,
                            traceback=[f"{NOTEBOOK_TIMEOUT_ENAME}: {text}"])

    def preprocess_cell(self, cell, resources, index):
        self.raise_on_iopub_timeout = self._raise_on_iopub_timeout
        if cell.cell_type == "code" and cell.source.strip() and self._past():
            self.log.info("dlcourse: cell %d not run: past the whole-notebook limit", index)
            cell.outputs = [self._error(f"not run: the notebook's {self.notebook_timeout} s limit had passed")]
            cell.execution_count = None
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        if not self.deadline or cell is None:
            return timeout
        left = self.deadline - time.time()
        if timeout is None or left < timeout:
            self._deadline_cells.add(id(cell))
            return max(1, math.ceil(left))
        return timeout

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        cell = kwargs["cell"]
        if id(cell) in self._deadline_cells and id(cell) in self._timed_out:
            text = f"interrupted at the notebook's {self.notebook_timeout} s limit"
            cell.outputs = [o for o in cell.outputs if o.get("ename") != TIMEOUT_ENAME] + [self._error(text)]
