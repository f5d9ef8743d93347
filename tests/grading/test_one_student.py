"""dlcourse grade A --student ID: grading (and with --force regrading) only some students."""

from __future__ import annotations

import pytest

from dlcourse.grading.collect import collect
from dlcourse.grading.grade import grade
from tests.grading.conftest import SANDBOX, lms_folder, quiet

pytestmark = pytest.mark.slow


def test_only_the_named_students_are_graded_and_regraded(tiny, tmp_path):
    collect(source=lms_folder(tmp_path, ["solution", "released", "edited_test_wrong"]), assignment="tiny",
            course=tiny, echo=quiet)
    opts = dict(assignment="tiny", course=tiny, jobs=2, sandbox=SANDBOX)
    lines: list[str] = []
    rows = {r.student: r for r in grade(students=["released"], echo=lines.append, **opts)}
    assert lines[0].startswith("grading 1 of 1 collected submissions of tiny (only released) (0 up to date)")
    assert (rows["released"].status, rows["released"].score) == ("graded", 0.0)
    assert rows["solution"].status == "crashed" and rows["solution"].messages[0].startswith("not graded yet")
    lines.clear()
    rows = {r.student: r for r in grade(echo=lines.append, **opts)}
    assert lines[0].startswith("grading 2 of 3 collected submissions of tiny (1 up to date")
    assert [rows[s].score for s in ("solution", "released", "edited_test_wrong")] == [3.0, 0.0, 1.0]
    results = tiny.work / "tiny" / "results"
    before = {p.name: p.stat().st_mtime_ns for p in results.glob("*.json")}
    lines.clear()
    again = grade(students=["edited_test_wrong"], force=True, echo=lines.append, **opts)
    assert lines[0].startswith("grading 1 of 1 collected submissions of tiny (only edited_test_wrong) (0 up to date)")
    after = {p.name: p.stat().st_mtime_ns for p in results.glob("*.json")}
    assert [n for n in before if before[n] != after[n]] == ["edited_test_wrong.json"]
    assert [r.score for r in again] == [1.0, 0.0, 3.0]  # the report still covers everyone
    with pytest.raises(ValueError, match="nothing collected for nobody in tiny"):
        grade(students=["nobody"], echo=quiet, **opts)


def test_export_lists_every_roster_student_for_every_assignment(tiny, tmp_path):
    import csv

    from dlcourse.grading.export import export

    tiny.roster.write_text("student_id,name,email,lms_id\nsolution,홍길동,hong@u.ac.kr,\n"
                           "invalid_json,김민수,,\n2026009,\"Kim, Minsu\",,\n", encoding="utf-8")
    collect(source=lms_folder(tmp_path, ["solution", "invalid_json", "released"]), assignment="tiny", course=tiny,
            echo=quiet)
    grade(assignment="tiny", course=tiny, jobs=2, sandbox=SANDBOX, echo=quiet)
    lines: list[str] = []
    export(course=tiny, echo=lines.append)
    with open(tiny.grades_csv, newline="", encoding="utf-8") as fh:
        table = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert {s: (r["status"], r["score"]) for s, r in table.items()} == {
        "solution": ("graded", "3"), "invalid_json": ("invalid", "0"), "2026009": ("missing", "0"),
        "released": ("graded", "0")}  # released: not on the roster, exported all the same
    assert (table["solution"]["last_name"], table["solution"]["first_name"]) == ("홍", "길동")
    assert table["2026009"]["last_name"] == "Kim" and table["2026009"]["max_score"] == "3"
    assert lines[-2].startswith("exported 4 rows (1 assignments × 4 students: 2 graded, 1 invalid, 1 missing)")
    assert lines[-1] == f"course totals (equal weights) for 4 students to {tiny.totals_csv}"
    with open(tiny.totals_csv, newline="", encoding="utf-8") as fh:
        totals = {r["student_id"]: r["total"] for r in csv.DictReader(fh)}
    assert totals == {"solution": "100.00", "invalid_json": "0.00", "2026009": "0.00", "released": "0.00"}
    export(course=tiny, lms="canvas", echo=lines.append)
    assert lines[-1] == f"canvas gradebook import: 4 students × 1 assignments to {tiny.autograde / 'grades-canvas.csv'}"
    with open(tiny.autograde / "grades-canvas.csv", newline="", encoding="utf-8-sig") as fh:
        canvas = list(csv.reader(fh))
    assert canvas[0][-1] == "tiny" and canvas[1] == ["Points Possible", "", "", "", "", "3"]
    assert ["홍, 길동", "", "solution", "", "", "3"] in canvas
