"""Valid alternative implementations and mutants of the graded functions, per assignment.

Each module ``<assignment>.py`` defines ``VARIANTS``: submission name → :class:`Variant`. A variant is the
solution with some answer cells replaced — by another correct implementation written from the student
version's contract (vectorised or with loops, numpy scalar types, other Keras model styles, other samplers,
other RNG call orders), or by a mutant with one typical mistake per function. ``loses`` names the test cells
that must lose their points (a mutant's own function, nothing else); an alternative loses none.
Several answers of one variant live in different functions, so one graded notebook checks many of them at
once: the gradebook's per-cell scores say which test cell lost what.
"""

from __future__ import annotations

import copy
import importlib
from dataclasses import dataclass, field

from nbformat.notebooknode import NotebookNode

from dlcourse.grading.repair import grade_id, nbgrader_meta
from dlcourse.grading.samples import answered


@dataclass(frozen=True)
class Variant:
    """Answer cells (grade id → source) that replace the solution's, and the test cells that must lose points."""

    answers: dict[str, str]
    loses: frozenset[str] = field(default_factory=frozenset)


def variants(assignment: str) -> dict[str, Variant]:
    return importlib.import_module(f"tests.grading.variants.{assignment}").VARIANTS


def submission(*, release: NotebookNode, source: NotebookNode, variant: Variant) -> NotebookNode:
    """The release answered like the solution, except the variant's answer cells."""
    nb = answered(release=release, source=source)
    return _replace(nb, variant)


def with_hidden_tests(*, source: NotebookNode, variant: Variant) -> NotebookNode:
    """The source notebook (hidden tests included) with the variant's answer cells: to run without grading."""
    return _replace(copy.deepcopy(source), variant)


def _replace(nb: NotebookNode, variant: Variant) -> NotebookNode:
    found = set()
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in variant.answers and nbgrader_meta(cell).get("solution"):
            cell.source = variant.answers[gid].strip("\n")
            found.add(gid)
    missing = set(variant.answers) - found
    if missing:
        raise KeyError(f"no answer cells {sorted(missing)}")
    return nb
