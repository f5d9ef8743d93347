"""dlcourse collect: folders and LMS zips, student ids, originals kept byte for byte, validation, repair."""

from __future__ import annotations

import hashlib
import json
import zipfile

import nbformat
import pytest

from dlcourse.grading.collect import collect, notebook_for, received_files
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
    assert entry.messages == ["also submitted and not graded: tiny.ipynb"]


def test_submitted_copy_is_a_valid_nbformat_45_notebook(tiny, tmp_path):
    collect(source=lms_folder(tmp_path, ["nbformat44"]), assignment="tiny", course=tiny, echo=quiet)
    path = tiny.submission_dir("nbformat44", "tiny") / "tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert json.loads(path.read_text())["nbformat_minor"] == 5
