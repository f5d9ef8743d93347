"""What the student saved, shown to the grader: outputs and attachments from the original in the inbox.

collect rebuilds every cell from the release (:mod:`dlcourse.grading.repair`) without outputs, and autograde runs
the notebook from scratch, so the autograded notebook the TA opens in formgrader holds only the fresh run (fast
mode, default data). :func:`restore_saved` puts back, in the answer cells and the student's own cells (never in
locked or test cells), what the student's notebook held when submitted:

- a code cell keeps its fresh outputs, followed by a marker ("학생이 제출한 노트북에 저장된 출력") and the saved
  outputs, each tagged ``metadata.dlcourse.saved_by_student``;
- a markdown cell gets its pasted images back (``attachments``), listed in ``metadata.dlcourse.student_attachments``.

Cells are paired by type and text (the autograded answer cell holds the student's text); a cell the student
duplicated pairs in order. The scores never depend on any of this: tests ran before it, on the fresh outputs.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict, deque
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode, from_dict

from dlcourse.grading.repair import cell_role

MARKER_TEXT = "학생이 제출한 노트북에 저장된 출력 (the student's saved output; not from the grading run)"
MARKER_HTML = ("<div style='border-top:2px solid #c60;color:#c60;font-weight:bold;margin-top:4px'>"
               f"▼ {MARKER_TEXT}</div>")
TAG = "saved_by_student"


def _key(cell) -> tuple[str, str]:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    return cell.get("cell_type", ""), source.strip()


def marker() -> NotebookNode:
    return from_dict({"output_type": "display_data", "metadata": {"dlcourse": {TAG: True}},
                      "data": {"text/plain": f"[{MARKER_TEXT}]", "text/html": MARKER_HTML}})


def restore_saved(graded: NotebookNode, original: NotebookNode) -> list[str]:
    """Restore ``original``'s outputs and attachments into ``graded`` (in place); one line per cell changed."""
    pool: dict[tuple[str, str], deque] = defaultdict(deque)
    for cell in original.get("cells", []):
        pool[_key(cell)].append(cell)
    done = []
    for i, cell in enumerate(graded.cells):
        if cell_role(cell) == "fixed" or not _key(cell)[1]:
            continue
        queue = pool.get(_key(cell))
        if not queue:
            continue
        saved = queue.popleft()
        if cell.cell_type == "code" and saved.get("outputs"):
            outputs = [copy.deepcopy(o) for o in saved["outputs"]]
            for o in outputs:
                if "metadata" in o or o.get("output_type") in ("display_data", "execute_result"):
                    o.setdefault("metadata", {}).setdefault("dlcourse", {})[TAG] = True
            cell.outputs = list(cell.get("outputs", [])) + [marker()] + [from_dict(o) for o in outputs]
            done.append(f"cell {i}: {len(outputs)} saved outputs")
        if cell.cell_type in ("markdown", "raw") and saved.get("attachments"):
            cell.attachments = from_dict({**copy.deepcopy(saved["attachments"]), **cell.get("attachments", {})})
            cell.metadata.setdefault("dlcourse", {})["student_attachments"] = sorted(saved["attachments"])
            done.append(f"cell {i}: {len(saved['attachments'])} attachments")
    return done


def read_original(path: Path) -> NotebookNode | None:
    """The original notebook as submitted, or None when it does not parse (nothing to restore then)."""
    try:
        nb = nbformat.reads(path.read_bytes().decode("utf-8-sig"), as_version=4, capture_validation_error={})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError, ValueError):
        return None
    return nb if isinstance(nb.get("cells"), list) else None


def restore_folder(folder: Path, originals: dict[str, Path]) -> dict[str, list[str]]:
    """Restore into every autograded notebook in ``folder`` from ``originals`` (notebook name → original)."""
    out = {}
    for path in sorted(folder.glob("*.ipynb")):
        original = originals.get(path.name)
        saved = read_original(original) if original else None
        if saved is None:
            continue
        nb = nbformat.read(path, as_version=4)
        done = restore_saved(nb, saved)
        if done:
            nbformat.write(nb, path)
            out[path.name] = done
    return out
