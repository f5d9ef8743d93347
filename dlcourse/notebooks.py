"""Execute notebooks in a fresh kernel (nbclient): the tests' runner and ``dlcourse execute``.

A failure names the notebook, the cell index and the error. Fast mode (``DLCOURSE_FAST=1``) is passed to
the kernel through its environment, so notebooks shrink their sizes and nothing else changes.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from dlcourse.config import FAST_ENV, REPO_ROOT, settings

# Quiet TensorFlow's C++ start-up logs in executed notebooks; they are noise in committed outputs.
KERNEL_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore::DeprecationWarning"}


class NotebookExecutionError(RuntimeError):
    """A notebook failed; the message names the notebook, the cell and the error in one line."""


@dataclass
class ExecutionResult:
    path: Path
    mode: str  # "fast" or "full"
    seconds: float
    notebook: nbformat.NotebookNode


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def execute_notebook(
    path: str | Path,
    *,
    fast: bool = True,
    cell_timeout: int | None = None,
    kernel_name: str | None = None,
    cwd: str | Path | None = None,
    write: bool = False,
    env: dict[str, str] | None = None,
) -> ExecutionResult:
    """Run every cell of ``path`` in a new kernel started in ``cwd`` (default: the notebook's folder).

    ``env`` adds variables to the kernel's environment (the sweep's seed offset and oneDNN setting).
    With ``write`` the executed notebook replaces the file, marked with the mode it ran in
    (``metadata.dlcourse.executed``). Raises :class:`NotebookExecutionError` on the first failing cell, with
    the error's whole message (an assertion's values included).
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    mode = "fast" if fast else "full"
    env = {**os.environ, **KERNEL_ENV, FAST_ENV: "1" if fast else "0", **(env or {})}
    current = {"index": -1}

    def on_cell_start(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(
        nb,
        timeout=cell_timeout or settings().cell_timeout,
        kernel_name=kernel_name or settings().kernel_name,
        resources={"metadata": {"path": str(Path(cwd or path.parent).resolve())}},
        on_cell_start=on_cell_start,
        record_timing=False,
        # TensorFlow's C++ start-up lines bypass Python's stderr; keep them out of notebook outputs.
        extra_arguments=["--IPKernelApp.capture_fd_output=False"],
    )
    start = time.perf_counter()
    try:
        client.execute(env=env)
    except CellExecutionError as e:
        raise NotebookExecutionError(
            f"{_display(path)}: cell {current['index']} raised {e.ename}: {_whole(e.evalue)}"
        ) from None
    except CellTimeoutError:
        raise NotebookExecutionError(
            f"{_display(path)}: cell {current['index']} timed out after {client.timeout} s"
        ) from None
    except DeadKernelError as e:
        raise NotebookExecutionError(f"{_display(path)}: kernel died in cell {current['index']}: {e}") from None
    seconds = time.perf_counter() - start
    if write:
        nb.metadata["dlcourse"] = {"executed": mode}
        nbformat.write(nb, path)
    return ExecutionResult(path=path, mode=mode, seconds=seconds, notebook=nb)


def _whole(text: str, limit: int = 4000) -> str:
    """An error message kept whole (its lines joined with ' ⏎ '), cut only past ``limit`` characters."""
    joined = " ⏎ ".join(ln.rstrip() for ln in str(text).splitlines() if ln.strip())
    return joined if len(joined) <= limit else joined[:limit] + " …"


def _one_line(text: str) -> str:
    lines = [ln for ln in str(text).splitlines() if ln.strip()]
    return lines[0][:300] if lines else ""


def error_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """'cell N: ename' for every error output (or stderr traceback) stored in a notebook."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {_one_line(out.get('evalue', ''))}")
            elif out.get("name") == "stderr" and "Traceback" in out.get("text", ""):
                found.append(f"cell {i}: traceback on stderr")
    return found


def record_time(json_path: Path, result: ExecutionResult) -> None:
    """Merge one notebook's wall time into ``json_path`` ({notebook: {mode: seconds}})."""
    json_path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(json_path.read_text()) if json_path.exists() else {}
    data.setdefault(_display(result.path), {})[result.mode] = round(result.seconds, 2)
    tmp = json_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(json_path)
