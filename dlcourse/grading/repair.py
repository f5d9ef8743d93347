"""Repair a submitted notebook against the released one: what Colab and other editors do to notebooks.

:data:`REPAIRS` is the pipeline, one small function per concern, run in this order (a test checks it):

1. ``upgrade_format``           nbformat 4.0–4.4 (no cell ids) → 4.5
2. ``drop_colab_metadata``      Colab's own notebook and cell metadata
3. ``match_by_grade_id``        cells that kept their nbgrader metadata
4. ``match_by_cell_id``         cells that kept their cell id
5. ``match_fixed_by_source``    locked, test and plain cells by their text (exact, then similar)
6. ``match_answers_by_names``   answer cells by the functions/classes/names they define
7. ``match_answers_by_position`` remaining answer cells between already matched neighbours
8. ``check_assignment``         too little matched: a different assignment (:class:`NotThisAssignment`)
9. ``rebuild_from_release``     the release's cells in the release's order: locked and test cells from the
                                release, answers and plain cells from the submission, nbgrader metadata
                                from the release; unmatched student cells kept (ungraded) where they were

Each step returns one-line descriptions of what it changed; an empty list means nothing needed repair.
Duplicated answer cells: the last one (the one that wins when the notebook runs top to bottom) carries
the grade; the others stay as ungraded cells in place.
"""

from __future__ import annotations

import ast
import copy
import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat
from nbformat.notebooknode import NotebookNode, from_dict

COLAB_NOTEBOOK_KEYS = ("colab", "accelerator", "gpuClass", "gpuType")
COLAB_CELL_KEYS = ("colab", "id", "outputId", "executionInfo", "cellView", "colab_type")
SIMILAR = 0.8  # difflib ratio above which an edited fixed cell is still "that cell"
MIN_MATCHED_FIXED = 0.5  # below this share of matched fixed cells (and no grade ids) it is another assignment


class NotThisAssignment(ValueError):
    """The notebook does not look like the released notebook it should answer."""


@dataclass
class Alignment:
    """The state the repair steps share: the release, the submission and how their cells correspond."""

    release: NotebookNode
    nb: NotebookNode
    match: dict[int, int] = field(default_factory=dict)  # release cell index → submission cell index
    duplicates: dict[int, list[int]] = field(default_factory=dict)  # release index → earlier copies

    def matched_subs(self) -> set[int]:
        return set(self.match.values()) | {j for js in self.duplicates.values() for j in js}

    def unmatched_release(self, role: str | None = None) -> list[int]:
        return [i for i, c in enumerate(self.release.cells)
                if i not in self.match and (role is None or cell_role(c) == role)]

    def unmatched_subs(self) -> list[int]:
        taken = self.matched_subs()
        return [j for j in range(len(self.nb.cells)) if j not in taken]

    def claim(self, r: int, subs: list[int]) -> None:
        """Release cell ``r`` is answered by the last of ``subs``; earlier ones are duplicates."""
        subs = sorted(subs)
        self.match[r] = subs[-1]
        if subs[:-1]:
            self.duplicates[r] = subs[:-1]


def nbgrader_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def cell_role(cell: NotebookNode) -> str:
    """``answer`` (a solution cell), ``fixed`` (locked, test or task: restored from the release) or ``free``."""
    meta = nbgrader_meta(cell)
    if meta.get("solution"):
        return "answer"
    if meta.get("locked") or meta.get("grade") or meta.get("task"):
        return "fixed"
    return "free"


def grade_id(cell: NotebookNode) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def defined_names(source: str) -> set[str]:
    """Top-level functions, classes and assigned names of a code cell (IPython magics allowed)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() >= SIMILAR else matcher.quick_ratio()


# ── the steps ─────────────────────────────────────────────────────────────────────────────────────────

def upgrade_format(al: Alignment) -> list[str]:
    """nbformat 4.0–4.4 has no cell ids; nbgrader 0.9 and this module want 4.5."""
    nb = al.nb
    done = []
    if nb.nbformat_minor < 5:
        done.append(f"nbformat 4.{nb.nbformat_minor} → 4.5 (cell ids added)")
        nb.nbformat_minor = 5
    for i, cell in enumerate(nb.cells):
        if not cell.get("id"):
            cell.id = _derived_id("sub", i, cell.source)
    return done


def drop_colab_metadata(al: Alignment) -> list[str]:
    """Colab adds its own keys (cell ids in metadata, execution info, provenance); nbgrader does not need them."""
    nb = al.nb
    top = [k for k in COLAB_NOTEBOOK_KEYS if k in nb.metadata]
    for k in top:
        del nb.metadata[k]
    cells = 0
    for cell in nb.cells:
        keys = [k for k in COLAB_CELL_KEYS if k in cell.metadata]
        for k in keys:
            del cell.metadata[k]
        cells += bool(keys)
    return [f"dropped Colab metadata ({len(top)} notebook keys, {cells} cells)"] if top or cells else []


def match_by_grade_id(al: Alignment) -> list[str]:
    by_id: dict[str, list[int]] = {}
    for j, cell in enumerate(al.nb.cells):
        if grade_id(cell):
            by_id.setdefault(grade_id(cell), []).append(j)
    done = []
    for r, rcell in enumerate(al.release.cells):
        subs = by_id.get(grade_id(rcell) or "", [])
        if subs and r not in al.match:
            al.claim(r, subs)
            if len(subs) > 1:
                done.append(f"cell {grade_id(rcell)} appears {len(subs)} times; the last one is graded")
    return done


def match_by_cell_id(al: Alignment) -> list[str]:
    taken = al.matched_subs()
    by_id: dict[str, list[int]] = {}
    for j, cell in enumerate(al.nb.cells):
        if j not in taken and cell.get("id"):
            by_id.setdefault(cell.id, []).append(j)
    for r in al.unmatched_release():
        subs = by_id.get(al.release.cells[r].get("id") or "", [])
        if subs and al.release.cells[r].cell_type == al.nb.cells[subs[-1]].cell_type:
            al.claim(r, subs)
    return []


def match_fixed_by_source(al: Alignment) -> list[str]:
    """Locked, test and plain cells: the same text first, then the most similar text (an edited cell)."""
    for exact in (True, False):
        for r in al.unmatched_release():
            rcell = al.release.cells[r]
            if cell_role(rcell) == "answer":
                continue
            candidates = []
            for j in al.unmatched_subs():
                scell = al.nb.cells[j]
                if scell.cell_type != rcell.cell_type:
                    continue
                score = (1.0 if scell.source.strip() == rcell.source.strip() else 0.0) if exact else (
                    similarity(scell.source, rcell.source))
                if score >= SIMILAR:
                    candidates.append((score, -_distance(al, r, j), j))
            if candidates:
                al.match[r] = max(candidates)[2]
    return []


def match_answers_by_names(al: Alignment) -> list[str]:
    done = []
    for r in al.unmatched_release("answer"):
        rcell = al.release.cells[r]
        names = defined_names(rcell.source) if rcell.cell_type == "code" else set()
        if not names:
            continue
        subs = [j for j in al.unmatched_subs()
                if al.nb.cells[j].cell_type == "code" and names & defined_names(al.nb.cells[j].source)]
        if subs:
            al.claim(r, subs)
            if len(subs) > 1:
                done.append(f"{len(subs)} cells define {', '.join(sorted(names))}; the last one is graded")
    return done


def match_answers_by_position(al: Alignment) -> list[str]:
    for r in al.unmatched_release("answer"):
        rcell = al.release.cells[r]
        lo = max((al.match[k] for k in al.match if k < r), default=-1)
        hi = min((al.match[k] for k in al.match if k > r), default=len(al.nb.cells))
        subs = [j for j in al.unmatched_subs() if lo < j < hi and al.nb.cells[j].cell_type == rcell.cell_type]
        if subs:
            al.match[r] = max(subs, key=lambda j: (similarity(al.nb.cells[j].source, rcell.source), j))
    return []


def check_assignment(al: Alignment) -> list[str]:
    fixed = [r for r, c in enumerate(al.release.cells) if cell_role(c) == "fixed"]
    ids = {grade_id(c) for c in al.release.cells} - {None}
    kept_ids = any(grade_id(c) in ids for c in al.nb.cells)
    matched = sum(r in al.match for r in fixed)
    if fixed and not kept_ids and matched / len(fixed) < MIN_MATCHED_FIXED:
        raise NotThisAssignment(f"only {matched} of {len(fixed)} locked/test cells of the release were found")
    return []


def rebuild_from_release(al: Alignment) -> list[str]:
    release, nb = al.release, al.nb
    extras_after: dict[int, list[int]] = {}
    order = sorted(al.match.items(), key=lambda kv: kv[1])
    for j in sorted(set(range(len(nb.cells))) - set(al.match.values())):
        before = [r for r, s in order if s < j]
        extras_after.setdefault(before[-1] if before else -1, []).append(j)

    cells, restored, edited, metadata, kept = [], [], [], 0, []
    used_ids = {c.get("id") for c in release.cells}
    for j in extras_after.get(-1, []):
        cells.append(_extra(nb.cells[j], j, used_ids, kept))
    for r, rcell in enumerate(release.cells):
        scell = nb.cells[al.match[r]] if r in al.match else None
        cell = from_dict(_clean(rcell))
        name = grade_id(rcell) or f"cell {r}"
        if scell is None:
            if cell_role(rcell) != "free" or rcell.source.strip():
                restored.append(name)
        elif cell_role(rcell) == "fixed":
            if scell.source.strip() != rcell.source.strip():
                edited.append(name)
        else:
            cell.source = scell.source
        if scell is not None and nbgrader_meta(rcell) and nbgrader_meta(scell) != nbgrader_meta(rcell):
            metadata += 1
        cells.append(cell)
        for j in extras_after.get(r, []):
            cells.append(_extra(nb.cells[j], j, used_ids, kept))

    done = []
    if metadata:
        done.append(f"restored nbgrader metadata of {metadata} cells")
    if restored:
        done.append(f"restored {len(restored)} deleted cells from the release: {', '.join(restored)}")
    if edited:
        done.append(f"restored {len(edited)} edited locked/test cells: {', '.join(edited)}")
    subs_in_release_order = [al.match[r] for r in sorted(al.match)]
    if subs_in_release_order != sorted(subs_in_release_order):
        done.append("put the cells back in the release's order")
    if kept:
        done.append(f"kept {len(kept)} duplicated answer cells as ungraded cells: {', '.join(kept)}")
    al.nb = from_dict({"cells": cells, "metadata": _clean_meta(release.metadata),
                       "nbformat": 4, "nbformat_minor": 5})
    return done


REPAIRS: tuple[Callable[[Alignment], list[str]], ...] = (
    upgrade_format,
    drop_colab_metadata,
    match_by_grade_id,
    match_by_cell_id,
    match_fixed_by_source,
    match_answers_by_names,
    match_answers_by_position,
    check_assignment,
    rebuild_from_release,
)


def repair(nb: NotebookNode, *, release: NotebookNode) -> tuple[NotebookNode, list[str]]:
    """Run :data:`REPAIRS` on a copy of ``nb``; return the repaired notebook and what was repaired.

    Raises :class:`NotThisAssignment` when ``nb`` is not an answer to ``release``.
    """
    al = Alignment(release=release, nb=copy.deepcopy(nb))
    done: list[str] = []
    for step in REPAIRS:
        done += step(al)
    nbformat.validate(al.nb)
    return al.nb, done


# ── helpers ───────────────────────────────────────────────────────────────────────────────────────────

def _derived_id(prefix: str, index: int, source: str) -> str:
    """A cell id that depends only on the cell, so collecting twice writes the same file."""
    return f"{prefix}-{index}-" + hashlib.sha256(source.encode()).hexdigest()[:8]


def _distance(al: Alignment, r: int, j: int) -> float:
    """How far submission cell ``j`` sits from release cell ``r``, as shares of each notebook's length."""
    n, m = max(len(al.release.cells), 1), max(len(al.nb.cells), 1)
    return abs(j / m - r / n)


def _clean(cell: NotebookNode) -> dict:
    data = {k: v for k, v in cell.items() if k not in ("outputs", "execution_count", "attachments")}
    if cell.cell_type == "code":
        data.update(outputs=[], execution_count=None)
    return data


def _clean_meta(meta: NotebookNode) -> dict:
    return {k: v for k, v in meta.items() if k not in COLAB_NOTEBOOK_KEYS}


def _extra(cell: NotebookNode, j: int, used_ids: set, kept: list[str]) -> NotebookNode:
    """A submission cell with no release counterpart: kept, ungraded, with a unique id."""
    out = from_dict(_clean(cell))
    if "nbgrader" in out.metadata:
        kept.append(nbgrader_meta(out).get("grade_id", f"cell {j}"))
        del out.metadata["nbgrader"]
    if not out.get("id") or out.id in used_ids:
        out.id = _derived_id("extra", j, cell.source)
    used_ids.add(out.id)
    return out
