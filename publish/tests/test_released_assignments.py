"""Every assignment as students get it, run top to bottom in fast mode, unanswered: "Run All" reaches the first
unanswered cell without an error, and every public test fails, only because answers are missing.

"Only because answers are missing" means each error is one of: ``NotImplementedError`` (an answer's stub was
called), a ``NameError`` for a name that a failed cell was to define, or an ``AssertionError`` in a test cell after
a failed cell (it checks what that cell did not compute). Anything else — a missing module or file, a wrong
import, a syntax error, a timeout — is a broken assignment. The notebooks run two at a time.
"""

from __future__ import annotations

import ast
import asyncio
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dlcourse.config import ASSIGNMENTS_DIR, REPO_ROOT, settings
from dlcourse.notebooks import KERNEL_ENV

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

RELEASED = sorted(ASSIGNMENTS_DIR.glob("*/*.ipynb"))
AT_ONCE = 2


def _id(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def _role(cell) -> str:
    meta = cell.metadata.get("nbgrader", {})
    return "answer" if meta.get("solution") else "test" if meta.get("grade") else "other"


def _defines(source: str) -> set[str]:
    """Names a cell assigns, defines or imports (a regex guess when the cell is not plain Python)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(re.findall(r"^\s*(\w+)\s*(?:,\s*\w+\s*)*=", source, flags=re.M))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """What is wrong with an executed, unanswered release (see the module doc); [] when nothing is."""
    found: list[str] = []
    failed_before, undefined = False, set()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        role = _role(cell)
        error = next((o for o in cell.get("outputs", []) if o.output_type == "error"), None)
        if error is None:
            if role == "test":
                found.append(f"cell {i}: a public test passes without any answer")
            continue
        name = re.search(r"name '(\w+)' is not defined", error.evalue or "")
        if not failed_before and error.ename != "NotImplementedError":
            found.append(f"cell {i} fails before the first unanswered cell: {error.ename}: {error.evalue[:200]}")
        elif not (error.ename == "NotImplementedError"
                  or (error.ename == "NameError" and name and name[1] in undefined)
                  or (error.ename == "AssertionError" and role == "test" and failed_before)):
            found.append(f"cell {i} ({role}) fails for another reason than a missing answer: "
                         f"{error.ename}: {error.evalue[:200]}")
        failed_before = True
        undefined |= _defines(cell.source)
    if not failed_before:
        found.append("no cell asks for an answer")
    return found


async def _run_all(paths: list[Path]) -> dict[Path, nbformat.NotebookNode | Exception]:
    gate = asyncio.Semaphore(AT_ONCE)
    env = {**os.environ, **KERNEL_ENV, "DLCOURSE_FAST": "1"}

    async def one(path: Path):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=settings().cell_timeout, kernel_name=settings().kernel_name,
                                allow_errors=True, resources={"metadata": {"path": str(path.parent)}},
                                extra_arguments=["--IPKernelApp.capture_fd_output=False"])
        async with gate:
            try:
                await client.async_execute(env=env)
            except Exception as e:  # a timeout or a dead kernel: reported by the test of this notebook
                return path, e
        return path, nb

    return dict(await asyncio.gather(*(one(p) for p in paths)))


@pytest.fixture(scope="module")
def executed():
    return asyncio.run(_run_all(RELEASED))


def test_there_are_assignments():
    assert len(RELEASED) >= 1


@pytest.mark.parametrize("path", RELEASED, ids=_id)
def test_release_runs_to_its_first_answer_and_fails_only_for_missing_answers(executed, path):
    nb = executed[path]
    assert not isinstance(nb, Exception), f"{_id(path)} did not run: {type(nb).__name__}: {nb}"
    found = problems(nb)
    assert found == [], f"{_id(path)}:\n" + "\n".join(found)


def test_the_rule_catches_a_broken_release():
    def cell(source, role, error=None):
        meta = {"nbgrader": {"solution": role == "answer", "grade": role == "test"}}
        c = nbformat.v4.new_code_cell(source, metadata=meta)
        if error:
            c.outputs = [nbformat.v4.new_output("error", ename=error[0], evalue=error[1], traceback=[])]
        return c

    good = [cell("import numpy as np", "other"),
            cell("def f(x):\n    raise NotImplementedError()", "answer"),
            cell("assert f(1) == 2", "test", ("NotImplementedError", "")),
            cell("vocab = f(2)\nlosses = []", "other", ("NotImplementedError", "")),
            cell("assert len(vocab) == 3", "test", ("NameError", "name 'vocab' is not defined")),
            cell("assert losses", "test", ("AssertionError", ""))]
    assert problems(nbformat.v4.new_notebook(cells=good)) == []
    broken = [cell("import no_such_module", "other", ("ModuleNotFoundError", "No module named 'no_such_module'")),
              *good[1:4],
              cell("assert len(vocabulary) == 3", "test", ("NameError", "name 'vocabulary' is not defined")),
              cell("assert True", "test")]
    found = problems(nbformat.v4.new_notebook(cells=broken))
    assert [f.split(" ", 2)[:2] for f in found] == [["cell", "0"], ["cell", "4"], ["cell", "5:"]], found
