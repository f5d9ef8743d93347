"""Due dates, extensions and the late penalty: the policy itself, and end to end through nbgrader's
AssignLatePenalties (timestamps from collect, the report, grades.csv)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import pytest
from traitlets.config import Config

from dlcourse.config import settings
from dlcourse.grading import deadlines
from dlcourse.grading.collect import collect
from dlcourse.grading.deadlines import LatePolicy, late_penalty, read_extensions
from tests.grading.conftest import SANDBOX, lms_folder, quiet

DAY = 86400


@pytest.mark.parametrize("seconds, expected", [
    (0, 0.0), (-5, 0.0), (1, 0.3), (DAY, 0.3), (DAY + 1, 0.6), (6.5 * DAY, 2.1), (7 * DAY, 2.1), (7 * DAY + 1, 3.0)])
def test_a_tenth_per_started_day_and_everything_after_a_week(seconds, expected):
    assert late_penalty(3.0, seconds, per_day=0.1, max_days=7) == pytest.approx(expected)


def test_the_policy_is_an_nbgrader_plugin_configured_by_traitlets():
    c = Config()
    c.LatePolicy.per_day = 0.25
    assert LatePolicy(config=c).late_submission_penalty("s", 2.0, 1.5 * DAY) == 1.0
    from dlcourse.grading.course import Course
    from dlcourse.grading.nbgrader_bridge import course_config

    assert course_config(Course.default()).AssignLatePenalties.plugin_class is LatePolicy


def test_due_dates_are_read_in_the_course_timezone(monkeypatch):
    cfg = dataclasses.replace(settings(), due_dates={"a1": "2026-03-20 23:59", "a2": "2026-03-20T23:59:00Z"})
    monkeypatch.setattr(deadlines, "settings", lambda: cfg)
    assert deadlines.due_date("a1") == dt.datetime(2026, 3, 20, 14, 59)  # Asia/Seoul is UTC+9
    assert deadlines.due_date("a2") == dt.datetime(2026, 3, 20, 23, 59)
    assert deadlines.due_date("a3") is None


@pytest.mark.parametrize("text, message", [
    ("student,assignment,days\n", "header must be student_id,assignment,days"),
    ("student_id,assignment,days\ns1,a1,사흘\n", "line 2: days must be a number"),
    ("student_id,assignment,days\ns1,,2\n", "line 2: need a student_id"),
])
def test_bad_extension_files(tmp_path, text, message):
    (tmp_path / "e.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_extensions(tmp_path / "e.csv")


@pytest.mark.slow
def test_late_penalty_and_extension_end_to_end(tiny, tmp_path, monkeypatch):
    from dlcourse.grading.export import export
    from dlcourse.grading.grade import grade

    cfg = dataclasses.replace(settings(), due_dates={"tiny": "2026-03-10 23:59"})
    monkeypatch.setattr(deadlines, "settings", lambda: cfg)
    stamps = tmp_path / "times.csv"  # solution on time; colab and renamed 1.5 days late, renamed with 2 days more
    stamps.write_text("solution,2026-03-10 23:00\ncolab,2026-03-12 11:59\nrenamed,2026-03-12 11:59\n")
    tiny.extensions.write_text("student_id,assignment,days\nrenamed,tiny,2\n", encoding="utf-8")
    collect(source=lms_folder(tmp_path, ["solution", "colab", "renamed"]), assignment="tiny", course=tiny,
            timestamps=stamps, echo=quiet)
    rows = {r.student: r for r in grade(assignment="tiny", course=tiny, jobs=2, sandbox=SANDBOX, echo=quiet)}
    assert {s: (r.score, r.late_penalty) for s, r in rows.items()} == {
        "solution": (3.0, 0.0), "colab": (3.0, 0.6), "renamed": (3.0, 0.0)}
    assert "submitted 1 d 12 h late: late penalty −0.6 points" in rows["colab"].messages
    export(course=tiny, echo=quiet)
    with open(tiny.grades_csv, newline="", encoding="utf-8") as fh:
        table = {r["student_id"]: r for r in csv.DictReader(fh)}
    colab = table["colab"]
    assert (colab["raw_score"], colab["late_submission_penalty"], colab["score"]) == ("3", "0.6", "2.4")
    assert colab["duedate"] == "2026-03-10 14:59:00" and colab["timestamp"] == "2026-03-12 02:59:00"
    assert table["renamed"]["score"] == "3" and table["solution"]["score"] == "3"
    # the extension is withdrawn: renamed is regraded (its key changed) and loses 0.6 too
    tiny.extensions.write_text("student_id,assignment,days\n", encoding="utf-8")
    lines: list[str] = []
    rows = {r.student: r for r in grade(assignment="tiny", course=tiny, jobs=2, sandbox=SANDBOX, echo=lines.append)}
    assert lines[0].startswith("grading 1 of 3") and rows["renamed"].late_penalty == 0.6
