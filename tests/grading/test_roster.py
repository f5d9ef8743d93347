"""autograde/roster.csv: reading it (Korean names, Excel's BOM, duplicates) and loading it into nbgrader's
student table."""

from __future__ import annotations

import re

import pytest
from nbgrader.api import Gradebook

from dlcourse.config import settings
from dlcourse.grading.roster import Student, load_roster, name_key, read_roster
from tests.grading.conftest import quiet

ROSTER = """student_id,name,email,lms_id
2026001,홍길동,hong@univ.ac.kr,hong01
2026002,남궁민수,namgung@univ.ac.kr,
2026003,Minsu Kim,kim@univ.ac.kr,kim03
"""


def write(path, text, bom=False):
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_read_a_korean_roster_with_a_bom(tmp_path):
    roster = read_roster(write(tmp_path / "roster.csv", ROSTER, bom=True))
    assert [s.student_id for s in roster.students] == ["2026001", "2026002", "2026003"]
    assert roster.by_lms_id("hong01").name == "홍길동"
    assert roster.by_lms_id("") is None
    assert [s.student_id for s in roster.by_name("kimminsu")] == ["2026003"]  # Canvas: last name first
    assert [s.student_id for s in roster.by_name("홍길동")] == ["2026001"]


@pytest.mark.parametrize("name, last, first", [
    ("홍길동", "홍", "길동"), ("남궁민수", "남궁", "민수"), ("Minsu Kim", "Kim", "Minsu"), ("김 철수", "김", "철수"),
    ("Kim, Min-su", "Kim", "Min-su")])
def test_family_name_first_for_hangul(name, last, first):
    assert Student("x", name).last_first == (last, first)


def test_name_key_ignores_case_spaces_and_punctuation():
    assert name_key("Kim, Min-su") == name_key("kimminsu") == "kimminsu"


@pytest.mark.parametrize("text, message", [
    ("student_id,name,email\n1,a,b\n", "missing lms_id"),
    (ROSTER + "2026001,다른사람,x@y,\n", "line 5: student_id 2026001 again (line 2)"),
    (ROSTER + "2026009,다른사람,x@y,hong01\n", "line 5: lms_id hong01 again (line 2)"),
    (ROSTER + "2026 010,공백,x@y,\n", "student_id '2026 010' must be"),
    (ROSTER + ",이름만,x@y,\n", "line 5: student_id and name are required"),
])
def test_bad_rosters_name_the_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_roster(write(tmp_path / "roster.csv", text))


def test_load_into_nbgraders_student_table(tiny):
    write(tiny.roster, ROSTER)
    lines = []
    load_roster(course=tiny, echo=lines.append)
    assert lines == [f"roster roster.csv: 3 students (3 new) in {tiny.gradebook.name}"]
    with Gradebook(f"sqlite:///{tiny.gradebook}", settings().course_id) as gb:
        hong = gb.find_student("2026001")
        assert (hong.last_name, hong.first_name, hong.email, hong.lms_user_id) == (
            "홍", "길동", "hong@univ.ac.kr", "hong01")
        assert gb.find_student("2026002").lms_user_id is None
        gb.update_or_create_student("walk-in")  # someone who submitted without being on the roster
    # loading again changes nothing and names who is in the gradebook without being on the roster
    load_roster(course=tiny, echo=lines.append)
    assert lines[1].endswith("3 students (0 new) in gradebook.db; 1 in the gradebook but not on the roster: walk-in")


def test_no_roster_is_a_one_line_error(tiny):
    with pytest.raises(FileNotFoundError, match="no roster at .*roster.csv"):
        load_roster(course=tiny, echo=quiet)
