"""dlcourse feedback A --bundle: one zip of the feedback pages, named for the LMS's bulk upload."""

from __future__ import annotations

import zipfile

import pytest

from dlcourse.grading.course import Course
from dlcourse.grading.feedback import bundle
from dlcourse.grading.inbox import Entry, write_manifest


@pytest.fixture
def course(tmp_path) -> Course:
    course = Course(tmp_path / "course")
    for student in ["2026001", "2026002", "moodle-77"]:
        page = course.feedback / student / "a1" / "rnn.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<p>{student}</p>", encoding="utf-8")
    course.autograde.mkdir(exist_ok=True)
    course.roster.write_text("student_id,name,email,lms_id\n2026001,홍길동,,1234501\n2026002,김민수,,\n",
                             encoding="utf-8")
    write_manifest(course.inbox, "a1", {"moodle-77/rnn.ipynb": Entry("moodle-77", "rnn.ipynb", "collected", "", "",
                                                                       "rnn.ipynb", lms_id="77")})
    return course


def test_moodle_names_by_participant_id(course):
    lines: list[str] = []
    out = bundle(assignment="a1", course=course, lms="moodle", echo=lines.append)
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["moodle-77_77_assignsubmission_file_rnn.html",
                                         "홍길동_1234501_assignsubmission_file_rnn.html"]
        assert zf.read("홍길동_1234501_assignsubmission_file_rnn.html") == b"<p>2026001</p>"
    assert lines == [f"feedback bundle for moodle: 2 files in {out}; left out (no moodle id in the manifest or "
                     f"roster): 2026002"]


def test_folders_and_unknown_lms(course):
    with zipfile.ZipFile(bundle(assignment="a1", course=course, echo=lambda *_: None)) as zf:
        assert sorted(zf.namelist()) == ["2026001/rnn.html", "2026002/rnn.html", "moodle-77/rnn.html"]
    with pytest.raises(ValueError, match="no bulk feedback upload format for canvas"):
        bundle(assignment="a1", course=course, lms="canvas")
    with pytest.raises(FileNotFoundError, match="no feedback for a2"):
        bundle(assignment="a2", course=course)
