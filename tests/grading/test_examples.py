"""The committed sample submissions (autograde/examples/) against the committed releases, in seconds.

test_a3.py grades them through `dlcourse demo` (minutes); these checks catch the usual way they go wrong first:
the solution or release changed (a reworded comment in an answer cell's stub changes nbgrader's checksum) and the
examples were not regenerated, so the correct example collects as "repaired" instead of as a clean copy.
"""

from __future__ import annotations

import nbformat
import pytest

from dlcourse.grading.course import Course
from dlcourse.grading.repair import repair
from dlcourse.grading.samples import MISTAKES, write_examples

REPO = Course.default()


@pytest.mark.parametrize("assignment", sorted(MISTAKES))
def test_committed_examples_are_made_from_the_committed_release(assignment, tmp_path):
    for path in write_examples(course=REPO, assignment=assignment, dest=tmp_path):
        committed = REPO.examples / assignment / path.name
        assert committed.is_file() and committed.read_bytes() == path.read_bytes(), (
            f"{committed.relative_to(REPO.root)} is stale: run `python -m dlcourse.grading.samples {assignment}`"
            " (after `dlcourse release`) and commit autograde/examples")


@pytest.mark.parametrize("assignment", sorted(MISTAKES))
def test_the_correct_example_needs_no_repair(assignment):
    name = REPO.notebook_names(assignment)[0]
    release = nbformat.read(REPO.release_dir(assignment) / name, as_version=4)
    for example in ("s01", "s02"):
        nb = nbformat.read(REPO.examples / assignment / f"{example}_{name}", as_version=4)
        assert repair(nb, release=release)[1] == [], f"{example} differs from the release outside its answers"
