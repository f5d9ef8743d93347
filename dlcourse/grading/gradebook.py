"""Merging private gradebooks into autograde/gradebook.db, and reading scores back.

Each submission is graded in a private nbgrader course with its own sqlite gradebook; only the parent
`grade` process writes the one course gradebook, one submission at a time. Merging is an update (nbgrader's
``update_or_create_*``), so merging the same submission again replaces its automatic scores and never
adds rows; manual scores an instructor gave in formgrader are kept.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning


@dataclass
class Scores:
    """One submission's scores: totals, the test cells that lost points, points still to grade by hand."""

    score: float = 0.0
    max_score: float = 0.0
    failed: list[str] = field(default_factory=list)
    manual_points: float = 0.0
    late_penalty: float = 0.0
    seconds_late: float = 0.0
    extension_days: float = 0.0


def sync_assignment(*, src: str, dst: str, course_id: str, assignment: str) -> None:
    """Copy the assignment's structure (notebooks, grade/solution/task/source cells) from ``src`` to ``dst``."""
    with Gradebook(src, course_id) as a, Gradebook(dst, course_id) as b:
        source = a.find_assignment(assignment)
        b.update_or_create_assignment(assignment, duedate=source.duedate)
        for nb in source.notebooks:
            b.update_or_create_notebook(nb.name, assignment, kernelspec=nb.kernelspec)
            for c in nb.grade_cells:
                b.update_or_create_grade_cell(c.name, nb.name, assignment, max_score=c.max_score,
                                              cell_type=c.cell_type)
            for c in nb.solution_cells:
                b.update_or_create_solution_cell(c.name, nb.name, assignment)
            for c in nb.task_cells:
                b.update_or_create_task_cell(c.name, nb.name, assignment, max_score=c.max_score,
                                             cell_type=c.cell_type)
            for c in nb.source_cells:
                b.update_or_create_source_cell(c.name, nb.name, assignment, source=c.source,
                                               checksum=c.checksum, cell_type=c.cell_type, locked=c.locked)


def set_due_date(*, url: str, course_id: str, assignment: str, duedate) -> None:
    """The assignment's due date (UTC, no zone; None for none) in the gradebook at ``url``."""
    with Gradebook(url, course_id) as gb:
        gb.update_or_create_assignment(assignment, duedate=duedate)


def merge_submission(*, src: str | None, dst: str, course_id: str, assignment: str, student: str,
                     zero: bool, extension_days: float = 0.0) -> None:
    """Copy ``student``'s automatic scores and comments from ``src`` into ``dst`` (one commit).

    ``zero``, or no private gradebook (``src`` None): the submission could not be graded (crash, memory,
    total timeout, a grading process that died early); every cell gets 0.
    """
    with warnings.catch_warnings(), Gradebook(dst, course_id) as b:
        # nbgrader's add_submission itself trips SQLAlchemy's autoflush warnings; they are harmless
        warnings.simplefilter("ignore", SAWarning)
        if src is None or zero:
            _merge(None, b, assignment=assignment, student=student)
        else:
            with Gradebook(src, course_id) as a:
                _merge(a, b, assignment=assignment, student=student)
        b.db.commit()
        if extension_days > 0:
            b.grant_extension(assignment, student, days=extension_days)
        else:
            b.grant_extension(assignment, student)  # no arguments: no extension


def _merge(a: Gradebook | None, b: Gradebook, *, assignment: str, student: str) -> None:
    b.update_or_create_student(student)
    try:
        theirs = a.find_submission(assignment, student) if a is not None else None
    except MissingEntry:
        theirs = None
    ours = b.update_or_create_submission(assignment, student)
    if theirs is not None:
        ours.timestamp = theirs.timestamp
    for nb in ours.notebooks:
        src_nb = _notebook(theirs, nb.name)
        for grade in nb.grades:
            src_grade = _by_name(src_nb.grades if src_nb else [], grade.name)
            if src_grade is None:
                grade.auto_score, grade.needs_manual_grade = 0.0, False
            else:
                grade.auto_score = src_grade.auto_score
                grade.needs_manual_grade = src_grade.needs_manual_grade and grade.manual_score is None
        for comment in nb.comments:
            src_comment = _by_name(src_nb.comments if src_nb else [], comment.name)
            comment.auto_comment = None if src_comment is None else src_comment.auto_comment
        nb.late_submission_penalty = src_nb.late_submission_penalty if src_nb else None


def drop_submission(*, url: str, course_id: str, assignment: str, student: str) -> None:
    """``student`` stays in the gradebook (so exports list them) but has no submission of ``assignment``:
    what an invalid notebook amounts to."""
    with Gradebook(url, course_id) as gb:
        gb.update_or_create_student(student)
        try:
            gb.remove_submission(assignment, student)
        except MissingEntry:
            pass


def read_scores(*, url: str, course_id: str, assignment: str, student: str) -> dict[str, Scores]:
    """Scores per notebook name of ``student``'s submission in the gradebook at ``url``."""
    out: dict[str, Scores] = {}
    with Gradebook(url, course_id) as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return out
        for nb in sub.notebooks:
            s = Scores(score=float(nb.score), max_score=float(nb.max_score),
                       late_penalty=float(nb.late_submission_penalty or 0.0), seconds_late=sub.total_seconds_late,
                       extension_days=sub.extension.total_seconds() / 86400 if sub.extension else 0.0)
            for g in sorted(nb.grades, key=lambda g: g.name):
                if g.needs_manual_grade:
                    s.manual_points += float(g.max_score)
                elif g.auto_score is not None and g.manual_score is None and g.auto_score < g.max_score:
                    s.failed.append(g.name)
            out[nb.name] = s
    return out


def has_submission(*, url: str, course_id: str, assignment: str, student: str) -> bool:
    with Gradebook(url, course_id) as gb:
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:
            return False
    return True


def _notebook(submission, name):
    return None if submission is None else _by_name(submission.notebooks, name)


def _by_name(items, name):
    return next((x for x in items if x.name == name), None)
