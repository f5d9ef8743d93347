"""``dlcourse export``: gradebook.db → autograde/grades.csv with nbgrader's CSV exporter (nbgrader's columns:
assignment, duedate, timestamp, student_id, last_name, first_name, email, raw_score,
late_submission_penalty, score, max_score)."""

from __future__ import annotations

from pathlib import Path

from dlcourse.grading import nbgrader_bridge
from dlcourse.grading.course import Course


def export(*, course: Course, echo=print) -> Path:
    if not course.gradebook.exists():
        raise FileNotFoundError(f"no gradebook at {course.gradebook}; run `dlcourse grade` first")
    nbgrader_bridge.export_csv(nbgrader_bridge.course_config(course), to=course.grades_csv)
    rows = len(course.grades_csv.read_text(encoding="utf-8").splitlines()) - 1
    echo(f"exported {rows} rows to {course.grades_csv}")
    return course.grades_csv
