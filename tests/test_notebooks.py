"""Every lecture and solution notebook runs top to bottom in a fresh kernel, in fast mode.

Wall times go to build/notebook-times.json. Static checks: lectures carry outputs from a full run with no
errors and no absolute paths; assignments/ and solutions/ carry no outputs.
"""

from __future__ import annotations

import base64
import json
import re

import nbformat
import pytest

from dlcourse.config import ASSIGNMENTS_DIR, LECTURES_DIR, REPO_ROOT, SOLUTIONS_DIR
from dlcourse.notebooks import NotebookExecutionError, error_outputs, execute_notebook, record_time

LECTURES = sorted(LECTURES_DIR.glob("*.ipynb"))
SOLUTIONS = sorted(SOLUTIONS_DIR.glob("*/*.ipynb"))
RELEASED = sorted(ASSIGNMENTS_DIR.glob("*/*.ipynb"))
MAX_IMAGE_BYTES = 150_000
ABSOLUTE_PATH = re.compile(r"(/work/|/home/|/root/|/tmp/|/Users/|[A-Z]:\\\\Users)")


def _id(path):
    return path.relative_to(REPO_ROOT).as_posix()


def test_course_has_lectures():
    names = [p.name for p in LECTURES]
    assert "00_environment_check.ipynb" in names and "01_sequence_data_and_rnn.ipynb" in names, names


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", LECTURES + SOLUTIONS, ids=_id)
def test_notebook_runs_in_fast_mode(path, build_dir):
    result = execute_notebook(path, fast=True)  # raises NotebookExecutionError naming notebook + cell
    record_time(build_dir / "notebook-times.json", result)


@pytest.mark.parametrize("path", LECTURES, ids=_id)
def test_lecture_outputs_come_from_a_clean_full_run(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("dlcourse", {}).get("executed") == "full", (
        f"{_id(path)} was not saved from a full run: run `make execute`")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code[1:]), f"{_id(path)}: unexecuted code cells"
    assert error_outputs(nb) == [], f"{_id(path)}: {error_outputs(nb)}"
    text = json.dumps([c.get("outputs", []) for c in code])
    assert not ABSOLUTE_PATH.search(text), f"{_id(path)}: absolute path in outputs: {ABSOLUTE_PATH.search(text)[0]}"
    for i, cell in enumerate(code):
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                size = len(base64.b64decode(png))
                assert size < MAX_IMAGE_BYTES, f"{_id(path)}: code cell {i} image is {size} bytes"


@pytest.mark.parametrize("path", SOLUTIONS + RELEASED, ids=_id)
def test_graded_notebooks_have_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert dirty == [], f"{_id(path)}: outputs in cells {dirty}; clear them before committing"


def test_runner_names_notebook_and_cell(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# broken"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("assert x == 2, 'deliberately broken'"),
        nbformat.v4.new_code_cell("print('never reached')"),
    ])
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(NotebookExecutionError) as err:
        execute_notebook(path, fast=True, cell_timeout=60)
    msg = str(err.value)
    assert "broken.ipynb" in msg and "cell 2" in msg and "AssertionError" in msg and "deliberately broken" in msg


def test_runner_passes_fast_mode_and_records_time(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from dlcourse.config import is_fast, REPO_ROOT\nimport os\n"
        "assert is_fast() and os.getcwd() == os.path.dirname(os.path.abspath('x.txt'))\nprint(REPO_ROOT.name)")])
    path = tmp_path / "fast.ipynb"
    nbformat.write(nb, path)
    result = execute_notebook(path, fast=True, cell_timeout=60, write=True)
    assert result.mode == "fast" and result.seconds > 0
    assert nbformat.read(path, as_version=4).metadata["dlcourse"]["executed"] == "fast"
    record_time(tmp_path / "times.json", result)
    record_time(tmp_path / "times.json", result)  # merging twice keeps one entry
    data = json.loads((tmp_path / "times.json").read_text())
    assert len(data) == 1 and list(data.values())[0]["fast"] == round(result.seconds, 2)


def test_runner_keeps_the_whole_assertion_message(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "per_label = [0.9, 0.28]\n"
        "assert min(per_label) > 0.3, f'어떤 레이블은 거의 그리지 못합니다:\\n{per_label}\\nmin {min(per_label)}'")])
    path = tmp_path / "long_message.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(NotebookExecutionError) as err:
        execute_notebook(path, fast=True, cell_timeout=60)
    msg = str(err.value)
    assert "[0.9, 0.28]" in msg and "min 0.28" in msg and "\n" not in msg, msg
