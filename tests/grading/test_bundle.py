"""dlcourse feedback A --bundle: one zip of the feedback pages, named for the LMS's bulk upload (Moodle, Canvas;
Blackboard has none and is refused)."""

from __future__ import annotations

import zipfile

import pytest

from dlcourse.grading.collect import collect
from dlcourse.grading.course import Course
from dlcourse.grading.feedback import bundle
from dlcourse.grading.inbox import Entry, read_manifest, write_manifest
from tests.grading.test_lms import make_zip, nb


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
    with pytest.raises(ValueError, match="no bulk feedback upload format for sakai"):
        bundle(assignment="a1", course=course, lms="sakai")
    with pytest.raises(FileNotFoundError, match="no feedback for a2"):
        bundle(assignment="a2", course=course)


# ── Canvas: "Re-Upload Submissions" reads back the names of "Download Submissions" ──────────────────────────

def canvas_reads(name: str) -> tuple[str, str] | None:
    """(user id, file id) as canvas-lms reads a re-uploaded file's name (AbstractAssignment#
    infer_comment_context_from_filename): pieces between '_' without LATE, the first two all-digit ones; None where
    Canvas ignores the file (a last piece starting with 'link', a name starting with '._')."""
    pieces = [p for p in name.split("/")[-1].split("_") if p != "LATE"]
    ids = [p for p in pieces if p.isdigit()][:2]
    if len(ids) < 2 or pieces[-1].startswith("link") or name.split("/")[-1].startswith("._"):
        return None
    return ids[0], ids[1]


def test_canvas_bundle_names_each_page_after_the_students_own_canvas_file(tiny, tmp_path):
    tiny.roster.write_text("student_id,name,email,lms_id\n2026001,홍길동,,51001\n2026002,김민수,,51002\n"
                           "2026003,김민수,,51003\n2026009,박지성,,51009\n", encoding="utf-8")
    download = {  # as Canvas names them: <lastfirst>[_LATE]_<user id>_<file id>_<file as submitted>
        "홍길동_51001_700001_tiny.ipynb": nb("solution"),
        "김민수_51002_700002_tiny.ipynb": nb("solution"),
        "김민수_LATE_51003_700003_tiny-1.ipynb": nb("colab"),  # the namesake, late, submitted twice ("-1")
        "김민수_LATE_51003_700004_notes.txt": b"my notes",  # another file of the same submission
        "이몽룡_51005_700005_tiny.ipynb": nb("solution"),  # not on the roster: collected as canvas-51005
    }
    collect(source=make_zip(tmp_path / "submissions.zip", download), assignment="tiny", course=tiny, lms="canvas",
            echo=lambda *_: None)
    manifest = {e.student: e for e in read_manifest(tiny.inbox, "tiny").values()}
    students = sorted(manifest) + ["2026009"]  # 2026009 has a page (say, from a folder) but no Canvas file
    for student in students:
        page = tiny.feedback / student / "tiny" / "tiny.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<p>{student}</p>", encoding="utf-8")

    lines: list[str] = []
    out = bundle(assignment="tiny", course=tiny, lms="canvas", echo=lines.append)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        read = {canvas_reads(n): zf.read(n).decode() for n in names}
    # every page is read by Canvas as the user and the notebook file of the student whose page it is
    notebooks = {canvas_reads(n): n for n in download if n.endswith(".ipynb")}
    user_of = {e.lms_id: s for s, e in manifest.items()}
    assert sorted(read) == sorted(notebooks)
    assert read == {key: f"<p>{user_of[key[0]]}</p>" for key in notebooks}
    assert "김민수_LATE_51003_700003_tiny.html" in names  # the late mark kept as Canvas wrote it
    assert manifest["2026003"].lms_prefix == "김민수_LATE_51003_700003" and manifest["2026003"].late
    assert lines == [f"feedback bundle for canvas: 4 files in {out}; left out (no Canvas file names from collect "
                     f"--lms canvas): 2026009"]

    # a correction collected from a folder keeps the Canvas file its feedback goes back to
    fixed = tmp_path / "정정" / "2026002" / "tiny.ipynb"
    fixed.parent.mkdir(parents=True)
    fixed.write_bytes(nb("colab"))
    collect(source=tmp_path / "정정", assignment="tiny", course=tiny, echo=lambda *_: None)
    assert read_manifest(tiny.inbox, "tiny")["2026002/tiny.ipynb"].lms_prefix == "김민수_51002_700002"


def test_canvas_page_names_never_end_in_a_link_piece(tiny):
    page = tiny.feedback / "2026001" / "a1" / "word2vec_links.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>2026001</p>", encoding="utf-8")
    write_manifest(tiny.inbox, "a1", {"2026001/word2vec_links.ipynb": Entry(
        "2026001", "word2vec_links.ipynb", "collected", "", "", "word2vec_links.ipynb", lms_id="51001",
        lms_prefix="hong_51001_700001")})
    with zipfile.ZipFile(bundle(assignment="a1", course=tiny, lms="canvas", echo=lambda *_: None)) as zf:
        assert [canvas_reads(n) for n in zf.namelist()] == [("51001", "700001")]


def test_blackboard_is_refused_with_what_to_do_instead(course):
    with pytest.raises(ValueError) as e:
        bundle(assignment="a1", course=course, lms="blackboard")
    assert "no known bulk upload of feedback files" in str(e.value) and "--lms folders" in str(e.value)
    assert "\n" not in str(e.value)
    assert not list(course.feedback.glob("*.zip"))
