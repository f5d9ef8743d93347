"""``dlcourse export``: gradebook.db → autograde/grades.csv, one row per student and released assignment.

The roster (autograde/roster.csv) is loaded first, so every roster student has a row for every assignment in
the gradebook, submitted or not. Columns: nbgrader's (assignment, duedate, timestamp, student_id, last_name,
first_name, email, raw_score, late_submission_penalty, score, max_score) and ``status``:

- ``missing``: nothing collected (score 0);
- ``invalid``: only unusable files were collected (score 0; the report says why);
- the grade report's status otherwise (``graded``, ``timeout``, ``memory_limit``, ``crashed``), with
  ``graded`` also for submissions graded before a report existed.

Beside it, autograde/totals.csv: one row per student, each assignment in percent (after late penalties) and the
course total weighted by ``weights`` in the settings (:func:`totals`).

:class:`RosterCsvExportPlugin` is an nbgrader export plugin, so plain ``nbgrader export
--exporter=dlcourse.grading.export.RosterCsvExportPlugin`` writes the same file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

from dlcourse.grading import nbgrader_bridge
from dlcourse.grading.course import Course
from dlcourse.grading.inbox import COLLECTED, read_manifest

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
           "late_submission_penalty", "score", "max_score", "status"]
MISSING, INVALID, GRADED = "missing", "invalid", "graded"


def statuses(course: Course, assignment: str) -> dict[str, str]:
    """Per student who sent anything for ``assignment``: their status (the worst over their notebooks)."""
    out: dict[str, str] = {}
    for e in read_manifest(course.inbox, assignment).values():
        if e.status != COLLECTED:
            out.setdefault(e.student, INVALID)
        else:
            out[e.student] = GRADED if out.get(e.student, INVALID) == INVALID else out[e.student]
    report = course.reports / f"{assignment}.json"
    if report.exists():
        for row in json.loads(report.read_text(encoding="utf-8")):
            if row["status"] != GRADED and out.get(row["student"]) == GRADED:
                out[row["student"]] = row["status"]
    return out


def rows(gb: Gradebook, course: Course) -> list[dict[str, str]]:
    out = []
    for assignment in gb.assignments:
        status = statuses(course, assignment.name)
        for student in gb.students:
            row = {"assignment": assignment.name, "duedate": assignment.duedate or "", "student_id": student.id,
                   "last_name": student.last_name or "", "first_name": student.first_name or "",
                   "email": student.email or "", "max_score": f"{assignment.max_score:g}"}
            try:
                sub = gb.find_submission(assignment.name, student.id)
            except MissingEntry:
                row.update(timestamp="", raw_score="0", late_submission_penalty="0", score="0",
                           status=INVALID if status.get(student.id) == INVALID else MISSING)
            else:
                penalty = float(sub.late_submission_penalty or 0.0)
                row.update(timestamp=sub.timestamp or "", raw_score=f"{sub.score:g}",
                           late_submission_penalty=f"{penalty:g}", score=f"{max(0.0, sub.score - penalty):g}",
                           status=status.get(student.id, GRADED))
            out.append({k: str(row[k]) for k in COLUMNS})
    return out


class RosterCsvExportPlugin(ExportPlugin):
    """nbgrader's CSV export with quoting (names may hold commas) and a ``status`` column."""

    def export(self, gradebook: Gradebook) -> None:
        course = Course(Path(self.parent.coursedir.root)) if getattr(self, "parent", None) else Course.default()
        write(rows(gradebook, course), Path(self.to or "grades.csv"))


def totals(table: list[dict[str, str]], weights: dict[str, float]) -> tuple[list[str], list[dict[str, str]]]:
    """One row per student: each assignment's score (after the late penalty) in percent of its max_score, and the
    weighted course total (``weights`` by assignment; empty: equal weights; an assignment without a weight counts 0
    when others have one)."""
    assignments = sorted({r["assignment"] for r in table})
    unknown = sorted(set(weights) - set(assignments))
    if unknown:
        raise ValueError(f"weights for assignments that are not in the gradebook: {', '.join(unknown)}")
    w = {a: float(weights.get(a, 0.0)) if weights else 1.0 for a in assignments}
    if assignments and sum(w.values()) <= 0:
        raise ValueError("the assignment weights add up to 0")
    students: dict[str, dict[str, str]] = {}
    for r in table:
        row = students.setdefault(r["student_id"], {"student_id": r["student_id"], "last_name": r["last_name"],
                                                    "first_name": r["first_name"], "email": r["email"]})
        top = float(r["max_score"])
        row[r["assignment"]] = f"{100 * float(r['score']) / top:.2f}" if top else "0.00"
    for row in students.values():
        total = sum(w[a] * float(row.get(a, 0.0)) for a in assignments) / sum(w.values()) if assignments else 0.0
        row["total"] = f"{total:.2f}"
    return ["student_id", "last_name", "first_name", "email", *assignments, "total"], list(students.values())


def write(table: list[dict[str, str]], path: Path, columns: list[str] = COLUMNS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        w.writerows(table)
    tmp.replace(path)


LMS_EXPORTS = ("canvas", "moodle")


def lms_table(table: list[dict[str, str]], *, lms: str, lms_ids: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    """Scores (after late penalties) in the layout the LMS's gradebook import reads, one row per student.

    - canvas: ``Student, ID, SIS User ID, SIS Login ID, Section``, one column per assignment, and the
      "Points Possible" row; ``ID`` is the Canvas user id (roster ``lms_id``), ``SIS User ID`` our student_id.
      Canvas offers to create an assignment for a column whose name it does not know.
    - moodle (Grades → Import → CSV file): ``ID number`` (student_id), ``Email address``, ``Full name`` and one
      column per assignment; map ``ID number`` or the email to the user and each column to its grade item.
    """
    if lms not in LMS_EXPORTS:
        raise ValueError(f"no gradebook import format for {lms}; one of {', '.join(LMS_EXPORTS)}")
    assignments = sorted({r["assignment"] for r in table})
    people: dict[str, dict[str, str]] = {}
    for r in table:
        people.setdefault(r["student_id"], dict(r))[f"score:{r['assignment']}"] = r["score"]
    top = {r["assignment"]: r["max_score"] for r in table}
    if lms == "canvas":
        head = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignments]
        body = [["Points Possible", "", "", "", "", *(top[a] for a in assignments)]]
        for sid, p in sorted(people.items()):
            name = ", ".join(x for x in (p["last_name"], p["first_name"]) if x) or sid
            body.append([name, lms_ids.get(sid, ""), sid, "", "", *(p.get(f"score:{a}", "0") for a in assignments)])
        return head, body
    head = ["ID number", "Email address", "Full name", *assignments]
    body = [[sid, p["email"], (p["last_name"] + p["first_name"] if _hangul(p["last_name"] + p["first_name"])
                               else " ".join(x for x in (p["first_name"], p["last_name"]) if x)) or sid,
             *(p.get(f"score:{a}", "0") for a in assignments)] for sid, p in sorted(people.items())]
    return head, body


def _hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def export(*, course: Course, lms: str | None = None, echo=print) -> Path:
    from dlcourse.config import settings
    from dlcourse.grading.roster import load_roster

    if not course.gradebook.exists():
        raise FileNotFoundError(f"no gradebook at {course.gradebook}; run `dlcourse release` and `dlcourse grade`")
    if course.roster.exists():
        load_roster(course=course, echo=echo)
    config = nbgrader_bridge.course_config(course)
    with Gradebook(nbgrader_bridge.db_url(config), settings().course_id) as gb:
        table = rows(gb, course)
        known = {a.name for a in gb.assignments}
    write(table, course.grades_csv)
    columns, total_rows = totals(table, dict(settings().weights))
    write(total_rows, course.totals_csv, columns)
    released = sorted(p.name for p in course.assignments.glob("*") if any(p.glob("*.ipynb")))
    absent = [a for a in released if a not in known]
    if absent:
        echo(f"released but not in the gradebook (no rows): {', '.join(absent)}; run `dlcourse release "
             f"{' '.join(absent)}`")
    counts: dict[str, int] = {}
    for r in table:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    weights = settings().weights
    how = "weights " + ", ".join(f"{a} {v:g}" for a, v in sorted(weights.items())) if weights else "equal weights"
    echo(f"exported {len(table)} rows ({len(known)} assignments × {len(table) // max(1, len(known))} students: "
         + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + f") to {course.grades_csv}")
    echo(f"course totals ({how}) for {len(total_rows)} students to {course.totals_csv}")
    if lms is not None:
        from dlcourse.grading.roster import course_roster

        roster = course_roster(course)
        head, body = lms_table(table, lms=lms, lms_ids={x.student_id: x.lms_id for x in roster.students
                                                         if x.lms_id} if roster else {})
        path = course.autograde / f"grades-{lms}.csv"
        with open(path, "w", encoding="utf-8-sig" if lms == "canvas" else "utf-8", newline="") as fh:
            csv.writer(fh).writerows([head, *body])
        n_students = len(body) - (lms == "canvas")
        echo(f"{lms} gradebook import: {n_students} students × {len({r['assignment'] for r in table})} assignments "
             f"to {path}")
    return course.grades_csv
