"""dlcourse collect --lms: each LMS's "download all submissions" archive (Korean names, namesakes, a late
Canvas file, a Blackboard double attempt), mapped to the roster, submission times kept for nbgrader."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from nbgrader.utils import parse_utc

from dlcourse.grading.collect import collect
from dlcourse.grading.inbox import read_manifest
from dlcourse.grading.lms import Named, identify, parse, read_timestamps
from dlcourse.grading.roster import read_roster
from tests.grading.conftest import SUBMISSIONS, lms_folder

SEOUL = dt.timezone(dt.timedelta(hours=9))


def nb(student: str) -> bytes:
    return next((SUBMISSIONS / student).glob("*.ipynb")).read_bytes()


def roster(course, rows: str):
    course.roster.write_text("student_id,name,email,lms_id\n" + rows, encoding="utf-8")


def make_zip(path, files: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def run(course, source, lms, **kw):
    lines: list[str] = []
    entries = collect(source=source, assignment="tiny", course=course, lms=lms, echo=lines.append, **kw)
    return {e.student: e for e in entries}, lines


def test_canvas_namesakes_by_user_id_late_mark_and_a_stranger(tiny, tmp_path):
    roster(tiny, "2026001,홍길동,hong@u.ac.kr,51001\n2026002,김민수,,51002\n2026003,김민수,,51003\n"
                 "2026004,Minsu Kim,,\n")
    archive = make_zip(tmp_path / "submissions.zip", {
        "홍길동_51001_900001_tiny.ipynb": nb("solution"),
        "김민수_51002_900002_tiny.ipynb": nb("solution"),
        "김민수_LATE_51003_900003_tiny-1.ipynb": nb("colab"),  # late, and Canvas's "-1" for a resubmission
        "kimminsu_51004_900004_tiny.ipynb": nb("solution"),  # no lms_id on the roster: found by name
        "이몽룡_51005_900005_tiny.ipynb": nb("solution"),  # not on the roster
    })
    entries, lines = run(tiny, archive, "canvas")
    assert sorted(entries) == ["2026001", "2026002", "2026003", "2026004", "canvas-51005"]
    assert all(e.status == "collected" for e in entries.values())
    assert [s for s, e in entries.items() if e.late] == ["2026003"]
    assert entries["2026003"].lms_id == "51003" and entries["2026003"].submitted_as == "tiny-1.ipynb"
    assert entries["2026002"].sha256 != entries["2026003"].sha256  # namesakes never share a submission
    note = "Canvas user 51005 (이몽룡) is not on the roster; collected as canvas-51005"
    assert note in lines and entries["canvas-51005"].messages == [note]
    assert lines[-1] == "not on the roster (1, collected and graded all the same): canvas-51005"


def test_moodle_namesakes_without_lms_ids_are_reported_not_merged(tiny, tmp_path):
    roster(tiny, "2026001,홍길동,,\n2026002,김민수,,\n2026003,김민수,,\n")
    files = {
        "홍길동_1234501_assignsubmission_file_/tiny.ipynb": nb("solution"),
        "김민수_1234502_assignsubmission_file_/tiny.ipynb": nb("solution"),
        "김민수_1234503_assignsubmission_file_/Copy of tiny.ipynb": nb("colab"),
        "김민수_1234503_assignsubmission_onlinetext_/onlinetext.html": "<p>늦었습니다</p>".encode(),
    }
    entries, lines = run(tiny, make_zip(tmp_path / "DL2026-과제1-98765.zip", files), "moodle")
    assert sorted(entries) == ["2026001", "moodle-1234502", "moodle-1234503"]
    ambiguous = [line for line in lines if "matches 2 roster students (2026002, 2026003)" in line]
    assert len(ambiguous) == 2
    assert "not notebooks, not graded: onlinetext.html" in entries["moodle-1234503"].messages
    # the instructor writes Moodle's participant ids into lms_id; collecting again maps them
    roster(tiny, "2026001,홍길동,,\n2026002,김민수,,1234502\n2026003,김민수,,1234503\n")
    entries, lines = run(tiny, make_zip(tmp_path / "again.zip", files), "moodle")
    assert sorted(entries) == ["2026001", "2026002", "2026003"]
    assert entries["2026003"].submitted_as == "Copy of tiny.ipynb"
    assert not any("roster" in line and "not on" in line for line in lines)


def receipt(name: str, user: str, stamp: str, file: str) -> bytes:
    return (f"Name: {name} ({user})\nAssignment: 과제1_tiny\nDate Submitted: {stamp}\nCurrent Grade: Needs Grading\n"
            f"\nSubmission Field:\nThere is no student submission text data for this assignment.\n\nComments:\n"
            f"There are no student comments for this assignment.\n\nFiles:\n\tOriginal filename: {file}\n"
            f"\tFilename: 과제1_tiny_{user}_attempt_{stamp}_{file}\n").encode()


def test_blackboard_double_attempt_keeps_the_latest_and_its_time(tiny, tmp_path):
    roster(tiny, "2026001,홍길동,,hong01\n2026002,김민수,,kim_ms\n2026005,박지성,,\n")
    files = {}
    for user, name, stamp, student in [("hong01", "홍길동", "2026-03-10-23-10-05", "released"),
                                       ("hong01", "홍길동", "2026-03-11-09-30-00", "solution"),
                                       ("kim_ms", "김민수", "2026-03-10-20-00-00", "solution"),
                                       ("park7", "박지성", "2026-03-10-21-00-00", "colab"),
                                       ("lee99", "이몽룡", "2026-03-10-22-00-00", "solution")]:
        files[f"과제1_tiny_{user}_attempt_{stamp}_tiny.ipynb"] = nb(student)
        files[f"과제1_tiny_{user}_attempt_{stamp}.txt"] = receipt(name, user, stamp, "tiny.ipynb")
    entries, lines = run(tiny, make_zip(tmp_path / "gradebook_DL2026_과제1_2026-03-12-08-00-00.zip", files),
                         "blackboard")
    # kim_ms holds a '_' (found through the roster); park7 by the name in the receipt; lee99 is a stranger
    assert sorted(entries) == ["2026001", "2026002", "2026005", "lee99"]
    hong = entries["2026001"]
    assert hong.sha256 == read_manifest(tiny.inbox, "tiny")["2026001/tiny.ipynb"].sha256
    assert (tiny.inbox / "tiny" / hong.original).read_bytes() == nb("solution")  # the latest attempt
    assert hong.messages == ["earlier attempt not graded: 2026-03-10-23-10-05: tiny.ipynb"]
    assert hong.timestamp == "2026-03-11T09:30:00+09:00"
    stamp = (tiny.submission_dir("2026001", "tiny") / "timestamp.txt").read_text()
    assert parse_utc(stamp) == dt.datetime(2026, 3, 11, 0, 30)  # what nbgrader's autograde will store (UTC)
    kept = {p.name for p in (tiny.inbox / "tiny" / "2026001").rglob("*") if p.is_file()}
    assert kept == {"tiny.ipynb", "과제1_tiny_hong01_attempt_2026-03-10-23-10-05.txt",
                    "과제1_tiny_hong01_attempt_2026-03-11-09-30-00.txt"}  # both attempts' files and receipts
    assert len(list((tiny.inbox / "tiny" / "2026001").rglob("tiny.ipynb"))) == 2
    assert "Blackboard user lee99 (이몽룡) is not on the roster; collected as lee99" in lines
    assert any("1 more files not graded" in line for line in lines)


def test_timestamps_csv_for_exports_without_times(tiny, tmp_path):
    stamps = tmp_path / "times.csv"
    stamps.write_text("student_id,timestamp\nsolution,2026-03-10 23:00\ncolab,2026-03-11T01:00:00Z\n"
                      "nobody,2026-03-10 10:00\n")
    entries, lines = run(tiny, lms_folder(tmp_path, ["solution", "colab", "renamed"]), "folders", timestamps=stamps)
    assert entries["solution"].timestamp == "2026-03-10T23:00:00+09:00"
    assert parse_utc((tiny.submission_dir("colab", "tiny") / "timestamp.txt").read_text()) == dt.datetime(
        2026, 3, 11, 1, 0)
    assert entries["renamed"].timestamp == ""
    assert not (tiny.submission_dir("renamed", "tiny") / "timestamp.txt").exists()
    assert lines[-1] == f"{stamps}: no submission from nobody"


def test_folders_with_a_roster_report_strangers(tiny, tmp_path):
    roster(tiny, "solution,정답학생,,\n")
    entries, lines = run(tiny, lms_folder(tmp_path, ["solution", "colab"]), "folders")
    assert sorted(entries) == ["colab", "solution"]
    assert lines[0].startswith("roster roster.csv: 1 students")
    assert lines[-1] == "not on the roster (1, collected and graded all the same): colab"


@pytest.mark.parametrize("lms, path, expected", [
    ("canvas", "kimminsu_LATE_123_456_a3 char_rnn.ipynb", Named("123", "kimminsu", "a3 char_rnn.ipynb", late=True,
                                                                prefix="kimminsu_LATE_123_456")),
    ("canvas", "kimminsu_late_123_456_x.ipynb", Named("123", "kimminsu", "x.ipynb", late=True,
                                                      prefix="kimminsu_late_123_456")),  # older Canvas: lower case
    ("canvas", "홍길동_7_8_x_y.ipynb", Named("7", "홍길동", "x_y.ipynb", prefix="홍길동_7_8")),
    ("canvas", "tiny.ipynb", None),
    ("moodle", "Kim Minsu_55_assignsubmission_file_/sub/x.ipynb", Named("55", "Kim Minsu", "x.ipynb")),
    ("moodle", "홍길동_55_assignsubmission_file_x.ipynb", Named("55", "홍길동", "x.ipynb")),
    ("moodle", "random/x.ipynb", None),
    ("blackboard", "A_1_u1_attempt_2026-01-02-03-04-05_f_1.ipynb",
     Named("u1", "", "f_1.ipynb", timestamp=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=SEOUL),
           attempt="2026-01-02-03-04-05")),
    ("blackboard", "A_u1_attempt_2026-01-02-03-04-05.txt",
     Named("u1", "", "A_u1_attempt_2026-01-02-03-04-05.txt",
           timestamp=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=SEOUL), attempt="2026-01-02-03-04-05", receipt=True)),
])
def test_naming_rules(lms, path, expected):
    from pathlib import PurePosixPath

    got = parse(lms, PurePosixPath(path), known_ids=set(), tz=SEOUL)
    assert got == expected


def test_a_name_on_the_roster_with_another_lms_id_is_not_a_match(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("student_id,name,email,lms_id\n1,홍길동,,u1\n", encoding="utf-8")
    sid, note = identify(read_roster(path), lms="canvas", named=Named("u2", "홍길동", "x.ipynb"))
    assert sid == "canvas-u2" and "the roster's 1 of that name has another lms_id" in note


def test_bad_timestamps_name_the_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("s1,2026-03-10 23:00\ns2,어제\n")
    with pytest.raises(ValueError, match="line 2: not an ISO time"):
        read_timestamps(path, tz=SEOUL)


def test_pattern_is_only_for_folders(tiny, tmp_path):
    with pytest.raises(ValueError, match="--pattern is for --lms folders"):
        collect(source=tmp_path, assignment="tiny", course=tiny, lms="canvas", pattern="x")
