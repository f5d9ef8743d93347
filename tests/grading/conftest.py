"""Fixtures for the grading pipeline: a tiny real nbgrader assignment in a course under tmp_path.

Nothing here writes into the repository's autograde/: every test grades in its own copy of a course.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dlcourse.grading.course import Course
from dlcourse.grading.release import release
from dlcourse.grading.sandbox import sandbox_problem

# A secret in the grader's environment: the sandbox test checks that student code never sees it. Set at
# import, before any grading process (or the server they are forked from) starts.
os.environ.setdefault("DLCOURSE_FAKE_TOKEN", "must-not-reach-student-code")

FILES = Path(__file__).resolve().parent / "files"
SUBMISSIONS = FILES / "submissions"
RELEASE_TINY = FILES / "release_tiny.ipynb"
SANDBOX = sandbox_problem() is None
needs_sandbox = pytest.mark.skipif(not SANDBOX, reason=f"no sandbox here: {sandbox_problem()} (.ci/run installs it)")


def quiet(*_args, **_kwargs) -> None:
    """An ``echo`` that prints nothing."""


def lms_folder(tmp: Path, students: list[str]) -> Path:
    """An LMS-like export folder: one folder per student (a fixture case) holding their notebook."""
    folder = tmp / "lms"
    folder.mkdir(parents=True, exist_ok=True)
    for student in students:
        shutil.copytree(SUBMISSIONS / student, folder / student)
    return folder


def copy_course(course: Course, dest: Path) -> Course:
    shutil.copytree(course.root, dest)
    return Course(dest)


@pytest.fixture(scope="session")
def released_tiny(tmp_path_factory) -> Course:
    """A course with the tiny assignment released (assignments/tiny and the gradebook). Do not modify."""
    course = Course(tmp_path_factory.mktemp("tiny-released"))
    shutil.copytree(FILES / "source", course.solutions)
    release(course=course, echo=quiet)
    return course


@pytest.fixture
def tiny(released_tiny, tmp_path) -> Course:
    """A fresh copy of the released tiny course for one test."""
    return copy_course(released_tiny, tmp_path / "course")
