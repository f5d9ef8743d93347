"""The course directory: where each step of the grading pipeline reads and writes.

The repository itself is nbgrader's course directory (DESIGN.md, "Layout")::

    solutions/A/        nbgrader source (instructor)          ─ release ─▶  assignments/A/
    autograde/inbox/A/  originals, byte for byte + manifest   ─ collect ─▶  autograde/submitted/<s>/A/
    autograde/submitted ─ grade ─▶ autograde/autograded/<s>/A/ + gradebook.db + reports/A.*
    autograde/autograded ─ feedback ─▶ autograde/feedback/<s>/A/      gradebook.db ─ export ─▶ grades.csv

Every command takes a :class:`Course`; the CLI uses the repository (:meth:`Course.default`), tests use a
copy under ``tmp_path``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dlcourse.config import REPO_ROOT


@dataclass(frozen=True)
class Course:
    """Paths of one nbgrader course directory rooted at ``root``."""

    root: Path

    @classmethod
    def default(cls) -> Course:
        return cls(REPO_ROOT)

    # nbgrader's folders, relative to the root (nbgrader's CourseDirectory wants them relative)
    SOURCE = "solutions"
    RELEASE = "assignments"
    SUBMITTED = "autograde/submitted"
    AUTOGRADED = "autograde/autograded"
    FEEDBACK = "autograde/feedback"

    @property
    def solutions(self) -> Path:
        return self.root / self.SOURCE

    @property
    def assignments(self) -> Path:
        return self.root / self.RELEASE

    @property
    def autograde(self) -> Path:
        return self.root / "autograde"

    @property
    def inbox(self) -> Path:
        return self.autograde / "inbox"

    @property
    def submitted(self) -> Path:
        return self.root / self.SUBMITTED

    @property
    def autograded(self) -> Path:
        return self.root / self.AUTOGRADED

    @property
    def feedback(self) -> Path:
        return self.root / self.FEEDBACK

    @property
    def reports(self) -> Path:
        return self.autograde / "reports"

    @property
    def work(self) -> Path:
        """Scratch space of `grade` (templates, one private course per running submission, results)."""
        return self.autograde / ".work"

    @property
    def examples(self) -> Path:
        return self.autograde / "examples"

    @property
    def gradebook(self) -> Path:
        return self.autograde / "gradebook.db"

    @property
    def roster(self) -> Path:
        return self.autograde / "roster.csv"

    @property
    def extensions(self) -> Path:
        return self.autograde / "extensions.csv"

    @property
    def totals_csv(self) -> Path:
        return self.autograde / "totals.csv"

    @property
    def grades_csv(self) -> Path:
        return self.autograde / "grades.csv"

    def source_dir(self, assignment: str) -> Path:
        return self.solutions / assignment

    def release_dir(self, assignment: str) -> Path:
        return self.assignments / assignment

    def notebook_names(self, assignment: str) -> list[str]:
        """The released notebooks of ``assignment`` (file names); raises if it was never released."""
        release = self.release_dir(assignment)
        names = sorted(p.name for p in release.glob("*.ipynb"))
        if not names:
            raise FileNotFoundError(f"no released notebooks in {release}; run `dlcourse release {assignment}`")
        return names

    def submission_dir(self, student: str, assignment: str) -> Path:
        return self.submitted / student / assignment
