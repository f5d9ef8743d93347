"""The one bridge to nbgrader: its traitlets configuration, generated from the course settings, and the
nbgrader steps this package runs (generate_assignment, autograde, generate_feedback, the CSV export).

autograde/nbgrader_config.py loads :func:`course_config`, so plain ``nbgrader …`` run in autograde/ sees
the same course as ``dlcourse …``. The pipelines nbgrader runs are the ordered lists below; a test checks
the order.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)
from traitlets.config import Config

from dlcourse.config import settings
from dlcourse.grading.course import Course
from dlcourse.grading.deadline import ExecuteWithDeadline
from dlcourse.grading.deadlines import LatePolicy
from dlcourse.grading.preprocessors import DemoteStderrNoise, ExecuteWithLimits, RedactHiddenTests, RemoveRubrics
from dlcourse.grading.sandbox import SandboxKernelManager

# nbgrader's Autograde.autograde_preprocessors with two changes: Execute carries the grading limits, and
# stderr noise is demoted after execution and before SaveAutoGrades computes the scores.
AUTOGRADE_STEPS = [
    ExecuteWithLimits,
    IgnorePattern,
    ClearMetadataPreprocessor,
    DemoteStderrNoise,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# nbgrader's GenerateFeedback.preprocessors with the grader's rubric cells dropped and hidden tests redacted
# before the HTML is written.
FEEDBACK_STEPS = [GetGrades, RemoveRubrics, RedactHiddenTests, CSSHTMLHeaderPreprocessor]
NBGRADER_IGNORE = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]


@dataclass
class NbgraderRun:
    """What one nbgrader step did: ``ok``, its log, and a one-line ``error`` when it failed."""

    ok: bool
    log: str
    error: str = ""


def course_config(course: Course) -> Config:
    """nbgrader's configuration for the course directory ``course`` (the repository by default)."""
    cfg = settings()
    c = Config()
    c.CourseDirectory.root = str(course.root)
    c.CourseDirectory.source_directory = Course.SOURCE
    c.CourseDirectory.release_directory = Course.RELEASE
    c.CourseDirectory.submitted_directory = Course.SUBMITTED
    c.CourseDirectory.autograded_directory = Course.AUTOGRADED
    c.CourseDirectory.feedback_directory = Course.FEEDBACK
    c.CourseDirectory.db_url = f"sqlite:///{course.gradebook}"
    c.CourseDirectory.course_id = cfg.course_id
    c.CourseDirectory.ignore = [*NBGRADER_IGNORE, *cfg.instructor_only]
    c.Autograde.autograde_preprocessors = AUTOGRADE_STEPS
    c.GenerateFeedback.preprocessors = FEEDBACK_STEPS
    c.ExecuteWithLimits.timeout = cfg.grade_cell_timeout
    # The Validate button (JupyterLab's nbgrader extension) runs cells under plain Execute, 30 s by default:
    # importing TensorFlow on a busy laptop takes longer, and Validate would show a timeout, not the tests.
    c.Execute.timeout = cfg.grade_cell_timeout
    c.LimitOutput.max_lines = cfg.grade_output_lines
    _late_policy(c)
    return c


def _late_policy(c: Config) -> None:
    cfg = settings()
    c.AssignLatePenalties.plugin_class = LatePolicy
    c.LatePolicy.per_day = float(cfg.late_penalty_per_day)
    c.LatePolicy.max_days = float(cfg.late_max_days)


def private_config(*, root: Path, cell_timeout: int, working_dir: Path, runtime_dir: Path,
                   sandbox_argv: list[str], deadline: float = 0.0, notebook_timeout: int = 0) -> Config:
    """Configuration of the private course in which one submission is graded.

    ``root`` holds ``source/`` (a copy of the release), ``submitted/``, ``autograded/`` and its own
    ``gradebook.db``; the kernel starts in ``working_dir`` under ``sandbox_argv`` (empty: no sandbox).
    ``deadline`` (``time.time()``; 0: none) is when the whole-notebook limit of ``notebook_timeout`` seconds
    runs out: execution stops there and the cells that completed keep their scores (ExecuteWithDeadline
    takes ExecuteWithLimits' place in the pipeline).
    """
    cfg = settings()
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.source_directory = "source"
    c.CourseDirectory.submitted_directory = "submitted"
    c.CourseDirectory.autograded_directory = "autograded"
    c.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    c.CourseDirectory.course_id = cfg.course_id
    c.CourseDirectory.ignore = [*NBGRADER_IGNORE, *cfg.instructor_only]
    c.Autograde.autograde_preprocessors = [ExecuteWithDeadline if step is ExecuteWithLimits else step
                                           for step in AUTOGRADE_STEPS]
    c.ExecuteWithLimits.timeout = cell_timeout
    c.ExecuteWithDeadline.deadline = deadline
    c.ExecuteWithDeadline.notebook_timeout = notebook_timeout
    c.ExecuteWithLimits.working_dir = str(working_dir)
    c.ExecuteWithLimits.kernel_manager_class = SandboxKernelManager
    c.SandboxKernelManager.runtime_dir = str(runtime_dir)
    c.SandboxKernelManager.sandbox_argv = sandbox_argv
    c.LimitOutput.max_lines = cfg.grade_output_lines
    _late_policy(c)
    return c


def with_release_dir(config: Config, *, release: Path, db: Path) -> Config:
    """``config`` with nbgrader's release folder and gradebook moved (used to build grading templates)."""
    c = Config(config)
    c.CourseDirectory.release_directory = str(release)
    c.CourseDirectory.db_url = f"sqlite:///{db}"
    return c


def generate_assignment(config: Config, *, assignment: str) -> NbgraderRun:
    """nbgrader generate_assignment (force, create): source → release, and the assignment into the gradebook."""
    coursedir = _coursedir(config, assignment=assignment, student=".")
    return _run(GenerateAssignment, coursedir, config, force=True, create_assignment=True)


def autograde(config: Config, *, assignment: str, student: str) -> NbgraderRun:
    """nbgrader autograde (force) of one student's submission."""
    coursedir = _coursedir(config, assignment=assignment, student=student)
    return _run(Autograde, coursedir, config, force=True, create_student=True)


def generate_feedback(config: Config, *, assignment: str) -> NbgraderRun:
    """nbgrader generate_feedback (force) for every autograded submission of ``assignment``."""
    coursedir = _coursedir(config, assignment=assignment, student="*")
    return _run(GenerateFeedback, coursedir, config, force=True)


def export_csv(config: Config, *, to: Path) -> None:
    """nbgrader's CSV export of the whole gradebook to ``to`` (nbgrader's columns)."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    coursedir = CourseDirectory(config=config)
    plugin = CsvExportPlugin(config=config, log=_logger(io.StringIO()))
    plugin.to = str(to)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        plugin.export(gb)


def db_url(config: Config) -> str:
    return CourseDirectory(config=config).db_url


def course_id(config: Config) -> str:
    return CourseDirectory(config=config).course_id


def _coursedir(config: Config, *, assignment: str, student: str) -> CourseDirectory:
    c = Config(config)
    c.CourseDirectory.assignment_id = assignment
    c.CourseDirectory.student_id = student
    return CourseDirectory(config=c)


def _run(converter_class, coursedir: CourseDirectory, config: Config, **traits) -> NbgraderRun:
    """Run one nbgrader converter with its log captured (nbgrader logs every file it touches)."""
    _put_venv_on_path()
    buffer = io.StringIO()
    converter = converter_class(coursedir=coursedir, config=config, log=_logger(buffer))
    for name, value in traits.items():
        setattr(converter, name, value)
    try:
        converter.start()
    except Exception as e:  # nbgrader has already logged the traceback into the buffer
        return NbgraderRun(ok=False, log=buffer.getvalue(), error=f"{type(e).__name__}: {e}".splitlines()[0])
    return NbgraderRun(ok=True, log=buffer.getvalue())


def _logger(buffer: io.StringIO) -> logging.Logger:
    log = logging.getLogger("dlcourse.nbgrader")
    log.handlers[:] = [logging.StreamHandler(buffer)]
    log.handlers[0].setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    log.setLevel(logging.INFO)
    log.propagate = False
    return log


def _put_venv_on_path() -> None:
    """nbgrader runs the ``alembic`` script by name when it creates a gradebook; find the venv's."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
