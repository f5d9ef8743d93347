"""dlcourse collect: folders and LMS zips, student ids, originals kept byte for byte, validation, repair."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

import nbformat
import pytest

from dlcourse.grading.collect import collect, notebook_for, received_files
from dlcourse.grading.course import Course
from dlcourse.grading.inbox import read_manifest
from tests.grading.conftest import SUBMISSIONS, lms_folder, quiet


def fixture_bytes(student: str) -> bytes:
    return next((SUBMISSIONS / student).glob("*.ipynb")).read_bytes()


def test_folder_per_student(tiny, tmp_path):
    entries = collect(source=lms_folder(tmp_path, ["solution", "renamed"]), assignment="tiny", course=tiny,
                      echo=quiet)
    assert {(e.student, e.notebook, e.status) for e in entries} == {
        ("solution", "tiny.ipynb", "collected"), ("renamed", "tiny.ipynb", "collected")}
    renamed = next(e for e in entries if e.student == "renamed")
    assert renamed.repaired and renamed.repairs == ["renamed 'Copy of tiny (1).ipynb' → tiny.ipynb"]
    assert (tiny.submission_dir("renamed", "tiny") / "tiny.ipynb").exists()


def test_lms_zip_with_prefixed_names_and_a_custom_pattern(tiny, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("export/2024001-홍길동_tiny.ipynb", fixture_bytes("solution"))
        zf.writestr("export/2024002-Kim_Copy of tiny (1).ipynb", fixture_bytes("colab"))
        zf.writestr("export/__MACOSX/._junk", b"junk")
    entries = collect(source=archive, assignment="tiny", course=tiny, pattern=r"^(\d+)-", echo=quiet)
    assert sorted(e.student for e in entries) == ["2024001", "2024002"]
    assert all(e.status == "collected" for e in entries)
    archived = list((tiny.inbox / "tiny" / "_archives").rglob("export.zip"))
    assert archived and archived[0].read_bytes() == archive.read_bytes()


def test_default_pattern_takes_the_text_before_the_first_underscore(tmp_path):
    (tmp_path / "s07_tiny.ipynb").write_bytes(b"{}")
    (tmp_path / "README").write_bytes(b"x")
    files, notes = received_files(tmp_path, pattern=r"^(?P<student>[^_]+)_")
    assert [(f.student, f.name) for f in files] == [("s07", "tiny.ipynb")]
    assert notes == ["skipped README: its name does not match the student pattern '^(?P<student>[^_]+)_'"]


@pytest.mark.parametrize("name", ["tiny.ipynb", "Copy of tiny (1).ipynb", "tiny (2).ipynb", "tiny.ipynb의 사본.ipynb",
                                  "사본 - tiny.ipynb", "TINY - Copy.ipynb", "whatever.ipynb"])
def test_renamed_notebooks_are_recognised(name):
    assert notebook_for(name, ["tiny.ipynb"])[0] == "tiny.ipynb"


def test_invalid_notebooks_get_a_clear_message(tiny, tmp_path):
    entries = {e.student: e for e in collect(source=lms_folder(tmp_path, ["invalid_json", "empty", "wrong_assignment"]),
                                             assignment="tiny", course=tiny, echo=quiet)}
    assert {e.status for e in entries.values()} == {"invalid"}
    assert entries["empty"].messages == ["empty file"]
    assert entries["invalid_json"].messages[0].startswith("not valid JSON (line ")
    assert entries["wrong_assignment"].messages[0].startswith("not a notebook of tiny: only 0 of 4")
    assert not tiny.submitted.exists() or not any(tiny.submitted.rglob("*.ipynb"))


def test_a_student_without_a_notebook_is_invalid(tiny, tmp_path):
    (tmp_path / "lms" / "s09").mkdir(parents=True)
    (tmp_path / "lms" / "s09" / "answers.py").write_text("print(1)\n")
    [entry] = collect(source=tmp_path / "lms", assignment="tiny", course=tiny, echo=quiet)
    assert entry.status == "invalid" and entry.messages == ["no .ipynb file among: answers.py"]


def test_originals_are_kept_byte_for_byte_and_collecting_again_changes_nothing(tiny, tmp_path):
    students = ["solution", "colab", "invalid_json", "nbformat44"]
    source = lms_folder(tmp_path, students)
    collect(source=source, assignment="tiny", course=tiny, echo=quiet)
    manifest = read_manifest(tiny.inbox, "tiny")
    submitted = {p: p.read_bytes() for p in tiny.submitted.rglob("*.ipynb")}
    for student in students:
        entry = manifest[f"{student}/tiny.ipynb"]
        original = tiny.inbox / "tiny" / entry.original
        assert original.read_bytes() == fixture_bytes(student)
        assert entry.sha256 == hashlib.sha256(fixture_bytes(student)).hexdigest()
    collect(source=source, assignment="tiny", course=tiny, echo=quiet)
    assert read_manifest(tiny.inbox, "tiny") == manifest
    assert {p: p.read_bytes() for p in tiny.submitted.rglob("*.ipynb")} == submitted
    for student in students:  # the fixtures themselves are untouched
        assert next((source / student).glob("*.ipynb")).read_bytes() == fixture_bytes(student)


def test_a_valid_copy_wins_over_a_damaged_one(tiny, tmp_path):
    folder = tmp_path / "lms" / "s01"
    folder.mkdir(parents=True)
    (folder / "tiny.ipynb").write_bytes(b"{broken")
    (folder / "Copy of tiny.ipynb").write_bytes(fixture_bytes("solution"))
    [entry] = collect(source=tmp_path / "lms", assignment="tiny", course=tiny, echo=quiet)
    assert entry.status == "collected" and entry.submitted_as == "Copy of tiny.ipynb"
    assert len(entry.messages) == 1
    assert entry.messages[0].startswith("also submitted and not graded: tiny.ipynb (not valid JSON (line ")


def test_submitted_copy_is_a_valid_nbformat_45_notebook(tiny, tmp_path):
    collect(source=lms_folder(tmp_path, ["nbformat44"]), assignment="tiny", course=tiny, echo=quiet)
    path = tiny.submission_dir("nbformat44", "tiny") / "tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert json.loads(path.read_text())["nbformat_minor"] == 5


def test_nbgraders_own_layout_names_the_student_not_the_assignment(tiny, tmp_path):
    folder = tmp_path / "exchange" / "s01" / "tiny"
    folder.mkdir(parents=True)
    (folder / "tiny.ipynb").write_bytes(fixture_bytes("solution"))
    flat = tmp_path / "exchange" / "s02"
    flat.mkdir()
    (flat / "tiny.ipynb").write_bytes(fixture_bytes("solution"))
    entries = collect(source=tmp_path / "exchange", assignment="tiny", course=tiny, echo=quiet)
    assert sorted((e.student, e.status) for e in entries) == [("s01", "collected"), ("s02", "collected")]
    assert (tiny.submission_dir("s01", "tiny") / "tiny.ipynb").exists()
    assert not (tiny.submitted / "tiny").exists(), "the assignment folder became a student"


@pytest.fixture(scope="module")
def six_released(tmp_path_factory) -> Course:
    """A course whose assignments/ holds the committed releases of a1-a6 (nothing else is needed to collect)."""
    course = Course(tmp_path_factory.mktemp("six") / "course")
    shutil.copytree(Course.default().assignments, course.assignments)
    return course


def test_a_folder_with_every_assignment_collects_only_the_right_notebook(six_released, tmp_path):
    source = tmp_path / "lms" / "s99"
    source.mkdir(parents=True)
    released = sorted(six_released.assignments.glob("*/*.ipynb"))
    assert len(released) == 6
    for path in released:
        shutil.copy(path, source / path.name)
    lines = []
    entries = collect(source=source.parent, assignment="a1_rnn_from_scratch", course=six_released, echo=lines.append)
    [entry] = entries
    assert (entry.student, entry.notebook, entry.status, entry.repaired) == (
        "s99", "rnn_from_scratch.ipynb", "collected", False)
    assert entry.submitted_as == "rnn_from_scratch.ipynb", "the exact name wins"
    [others] = [m for m in entry.messages if m.startswith("also submitted and not graded: ")]
    for path in released:
        if path.parent.name != "a1_rnn_from_scratch":
            assert f"{path.name} (notebook of {path.parent.name}, not a1_rnn_from_scratch)" in others, others
    assert lines[-1].endswith("1 valid (0 repaired), 0 invalid; 5 more files not graded "
                              "(named in their student's messages)"), lines[-1]
    submitted = sorted(p.relative_to(six_released.submitted).as_posix()
                       for p in six_released.submitted.rglob("*.ipynb"))
    assert submitted == ["s99/a1_rnn_from_scratch/rnn_from_scratch.ipynb"]
    kept = sorted(p.name for p in (six_released.inbox / "a1_rnn_from_scratch" / "s99").rglob("*.ipynb"))
    assert kept == sorted(p.name for p in released), "every original is kept"


@pytest.mark.parametrize("layout", ["flat", "nbgrader"])
def test_another_assignments_notebook_alone_is_invalid(six_released, tmp_path, layout):
    a4 = six_released.release_dir("a4_word2vec_sgns") / "word2vec_sgns.ipynb"
    folder = tmp_path / "lms" / "s98" / ("a1_rnn_from_scratch" if layout == "nbgrader" else "")
    folder.mkdir(parents=True)
    shutil.copy(a4, folder / "rnn_from_scratch.ipynb")  # even under the right name
    [entry] = collect(source=tmp_path / "lms", assignment="a1_rnn_from_scratch", course=six_released, echo=quiet)
    assert (entry.student, entry.status) == ("s98", "invalid")
    assert entry.messages == ["notebook of a4_word2vec_sgns, not a1_rnn_from_scratch"]
    assert not (six_released.submitted / "s98").exists()
