"""Due dates, extensions and the late penalty, applied by nbgrader's own AssignLatePenalties step.

- the due date of each assignment: ``due_dates`` in the course settings (``[tool.dlcourse.due_dates]``,
  ``a1_numpy_rnn = "2026-03-20 23:59"`` in ``timezone``), stored as the assignment's ``duedate`` in the
  gradebooks;
- per-student extensions: autograde/extensions.csv (``student_id,assignment,days``), stored as nbgrader's
  submission ``extension`` (so nbgrader's ``total_seconds_late`` already counts from the extended date);
- the penalty: :class:`LatePolicy`, registered as ``AssignLatePenalties.plugin_class``: ``late_penalty_per_day``
  of the notebook's score per started day late, the whole score after ``late_max_days``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path
from zoneinfo import ZoneInfo

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

from dlcourse.config import settings
from dlcourse.grading.course import Course

DAY = 86400.0


def late_penalty(score: float, seconds_late: float, *, per_day: float, max_days: float) -> float:
    """Points taken from ``score`` for a notebook ``seconds_late`` seconds after its (extended) due date."""
    if seconds_late <= 0 or per_day <= 0 or score <= 0:
        return 0.0
    if seconds_late > max_days * DAY:
        return score
    return round(min(score, score * per_day * math.ceil(seconds_late / DAY)), 4)


class LatePolicy(LateSubmissionPlugin):
    """nbgrader late-submission plugin: a share of the score per started day late, all of it after a limit."""

    per_day = Float(0.1, help="Share of the notebook's score taken per started day late.").tag(config=True)
    max_days = Float(7.0, help="Days late after which the whole score is taken.").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        return late_penalty(score, total_seconds_late, per_day=self.per_day, max_days=self.max_days)


def due_date(assignment: str) -> dt.datetime | None:
    """The due date of ``assignment`` from the settings, as nbgrader stores it (UTC, no zone); None if unset."""
    import dateutil.parser

    text = settings().due_dates.get(assignment)
    if not text:
        return None
    when = dateutil.parser.isoparse(str(text))
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(settings().timezone))
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None)


def read_extensions(path: Path) -> dict[tuple[str, str], float]:
    """``(student_id, assignment) → days`` from ``student_id,assignment,days``; errors name the line."""
    if not path.exists():
        return {}
    out: dict[tuple[str, str], float] = {}
    reader = csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")))
    if [h.strip() for h in reader.fieldnames or []][:3] != ["student_id", "assignment", "days"]:
        raise ValueError(f"{path}: the header must be student_id,assignment,days")
    for line, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        try:
            days = float(row["days"])
        except ValueError:
            raise ValueError(f"{path}, line {line}: days must be a number, not {row['days']!r}") from None
        if days < 0 or not row["student_id"] or not row["assignment"]:
            raise ValueError(f"{path}, line {line}: need a student_id, an assignment and days ≥ 0")
        out[(row["student_id"], row["assignment"])] = days
    return out


def extension_days(course: Course, *, student: str, assignment: str) -> float:
    return read_extensions(course.extensions).get((student, assignment), 0.0)


def apply(gb, *, assignment: str, student: str | None, duedate: dt.datetime | None, days: float) -> None:
    """Write the due date (and ``student``'s extension) into an open nbgrader Gradebook."""
    gb.update_or_create_assignment(assignment, duedate=duedate)
    if student is not None:
        gb.update_or_create_student(student)
        gb.update_or_create_submission(assignment, student)
        if days > 0:
            gb.grant_extension(assignment, student, days=days)
        else:
            gb.grant_extension(assignment, student)  # no arguments: removes an extension


def describe(seconds_late: float, penalty: float, *, extension: float) -> str:
    """'submitted 1 day 2 h late (after a 2-day extension): −0.3 points'."""
    days, rest = divmod(int(seconds_late), int(DAY))
    hours, rest = divmod(rest, 3600)
    span = " ".join(p for p in (f"{days} d" if days else "", f"{hours} h" if hours else "",
                                f"{rest // 60} min" if not days and not hours else "") if p)
    ext = f" (after a {extension:g}-day extension)" if extension else ""
    return f"submitted {span} late{ext}: late penalty −{penalty:g} points"
