"""`dlcourse demo` as the instructor runs it, on the tiny assignment (seconds per submission): the demo course of its
own (roster, extensions, submission times, due date), the roster line, the student who submitted nothing, the late
penalty and the similarity report, each checked against what the run wrote. test_a3.py checks the same on a3's
committed samples (minutes) through :func:`check_demo_run`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys

import pytest
import tomllib

from dlcourse.config import REPO_ROOT, CourseSettings
from dlcourse.grading import samples
from dlcourse.grading.course import Course
from dlcourse.grading.demo import DEMO_DIR, DUE, EXTENSIONS, MARKER, ROSTER, TIMES_SUBMITTED, make_demo_course
from dlcourse.grading.report import read_report
from tests.grading.conftest import SANDBOX, copy_course

# the "one function wrong" sample for tiny, as samples.MISTAKES has it for a3 (also tests/browser)
TINY_MISTAKE = ("answer_normalize", "return x / x.sum()", "return x  # 흔한 실수: 합으로 나누지 않음")


def check_demo_run(course: Course, stdout: str, *, assignment: str) -> dict[str, dict[str, str]]:
    """Assert what the demo shows, each value against the files the run wrote; return grades.csv's rows."""
    with open(course.grades_csv, newline="", encoding="utf-8") as fh:
        grades = {r["student_id"]: r for r in csv.DictReader(fh) if r["assignment"] == assignment}
    rows = {r.student: r for r in read_report(course.reports / f"{assignment}.json")}
    names = dict(ROSTER)
    # the roster, loaded into nbgrader's student table: names there, and the line collect printed
    assert f"roster roster.csv: {len(ROSTER)} students ({len(ROSTER)} new) in gradebook.db" in stdout
    assert {s: (grades[s]["last_name"], grades[s]["first_name"]) for s in names} == {
        s: (n[:2], n[2:]) if n.startswith("남궁") else (n[0], n[1:]) for s, n in names.items()}
    # who submitted nothing: missing, 0 points, named in the summary
    missing = sorted(set(names) - set(rows))
    assert missing and [s for s, g in grades.items() if g["status"] == "missing"] == missing
    assert all(grades[s]["score"] == "0" for s in missing)
    assert f"submitted nothing: {missing[0]} ({names[missing[0]]}) → grades.csv status missing, score 0" in stdout
    # the late submission: nbgrader's penalty from the due date, the submission time and the course's policy
    table = tomllib.loads((course.root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["dlcourse"]
    per_day = table.get("late_penalty_per_day", CourseSettings().late_penalty_per_day)
    late = [s for s, g in grades.items() if float(g["late_submission_penalty"]) > 0]
    assert late == ["s02"], late
    g, row = grades["s02"], rows["s02"]
    hours = (dt.datetime.fromisoformat(TIMES_SUBMITTED["s02"]) - dt.datetime.fromisoformat(DUE)).total_seconds() / 3600
    days = math.ceil(hours / 24)
    assert float(g["raw_score"]) > 0 and float(g["late_submission_penalty"]) == pytest.approx(
        float(g["raw_score"]) * per_day * days)
    assert float(g["score"]) == pytest.approx(float(g["raw_score"]) - float(g["late_submission_penalty"]))
    assert row.late_penalty == pytest.approx(float(g["late_submission_penalty"])) and row.score == float(g["raw_score"])
    said = next(m for m in row.messages if "late penalty" in m)
    assert said.startswith(f"submitted {days - 1} d ") and said.endswith(f"late penalty −{row.late_penalty:g} points")
    assert (f"late: s02 ({names['s02']}) {said} → grades.csv raw_score {g['raw_score']}, late_submission_penalty "
            f"{g['late_submission_penalty']}, score {g['score']}") in stdout
    lines = stdout.splitlines()
    head = max(i for i, line in enumerate(lines) if line.split()[:5] == ["student", "notebook", "status", "score",
                                                                         "late"])
    table_row = next(line.split() for line in lines[head:] if line.startswith("s02 "))
    assert table_row[3:5] == [f"{row.score:g}/{row.max_score:g}", f"−{row.late_penalty:g}"]
    # the extension: late by the clock, no penalty
    for sid, days_ext in EXTENSIONS.items():
        assert grades[sid]["late_submission_penalty"] == "0" and rows[sid].late_penalty == 0
        assert f"extension: {sid} ({names[sid]}) +{days_ext:g} day(s), submitted" in stdout
    # the similarity report: its top pair, and where it is
    pairs = json.loads((course.reports / f"{assignment}-similarity.json").read_text(encoding="utf-8"))
    top = pairs[0]
    assert (course.reports / f"{assignment}-similarity.html").is_file()
    assert (f"similarity: top pair {top['a']} ↔ {top['b']} {top['score']:.2f} (code {top['code']:.2f}, text "
            f"{top['text']:.2f}) in {course.reports / f'{assignment}-similarity.json'} and "
            f"{course.reports / f'{assignment}-similarity.html'}") in stdout
    return grades


def snapshot(root) -> dict:
    """Every file under ``root`` but build/, with its size and modification time."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
            if p.is_file() and p.relative_to(root).parts[0] != "build"}


@pytest.fixture
def repo(released_tiny, tmp_path) -> Course:
    """A repository-like course: tiny released, its samples in autograde/examples, the repository's settings."""
    course = copy_course(released_tiny, tmp_path / "repo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(samples.MISTAKES, "tiny", TINY_MISTAKE)
        samples.write_examples(course=course, assignment="tiny")
    shutil.copy(REPO_ROOT / "pyproject.toml", course.root / "pyproject.toml")
    return course


@pytest.mark.slow
def test_demo_runs_in_its_own_course_and_shows_roster_late_missing_similarity(repo):
    before = snapshot(repo.root)
    argv = [sys.executable, "-m", "dlcourse.cli", "demo", "--assignment", "tiny", "--jobs", "2"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "DLCOURSE_ROOT": str(repo.root)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    demo = Course(repo.root / DEMO_DIR)
    assert proc.stdout.startswith(f"demo course: {demo.root} (")
    assert "4 submissions: 3 graded, 1 invalid" in proc.stdout
    assert ("no sandbox for the demo" in proc.stdout) != SANDBOX
    check_demo_run(demo, proc.stdout, assignment="tiny")
    # the repository itself is as it was: its roster, gradebook, settings … are a real course's
    assert snapshot(repo.root) == before


def test_demo_course_is_made_again_and_never_over_another_folder(repo, tmp_path):
    made = make_demo_course(repo=repo, dest=tmp_path / "demo", assignment="tiny")
    (made.autograde / "gradebook.db").write_text("left by an earlier demo")
    made = make_demo_course(repo=repo, dest=tmp_path / "demo", assignment="tiny")
    assert (made.root / MARKER).is_file() and not (made.autograde / "gradebook.db").exists()
    settings = tomllib.loads((made.root / "pyproject.toml").read_text())["tool"]["dlcourse"]
    repo_settings = tomllib.loads((repo.root / "pyproject.toml").read_text())["tool"]["dlcourse"]
    assert settings == {**repo_settings, "due_dates": {"tiny": DUE}}
    with open(made.roster, newline="", encoding="utf-8") as fh:
        assert [(r["student_id"], r["name"]) for r in csv.DictReader(fh)] == list(ROSTER)
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(RuntimeError, match="exists and is not a demo course"):
        make_demo_course(repo=repo, dest=other, assignment="tiny")
    assert (other / "notes.txt").read_text() == "keep me"
