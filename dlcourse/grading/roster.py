"""autograde/roster.csv: who takes the course, and how each LMS names them.

UTF-8 (a BOM from Excel is fine), header ``student_id,name,email,lms_id`` (other columns are ignored).
``student_id`` is the id everything else uses (folders, gradebook, grades.csv); ``lms_id`` is what the LMS
export calls the student (Canvas user id, Blackboard username, Moodle participant id), and may be empty.
``dlcourse roster`` loads it into nbgrader's student table (first/last name, email, ``lms_user_id``);
collect and export load it too. Submitters who are not on the roster are reported and still graded.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from dlcourse.grading.course import Course

COLUMNS = ("student_id", "name", "email", "lms_id")
# Korean family names of two syllables; any other Hangul name starts with a one-syllable family name.
TWO_SYLLABLE_FAMILY_NAMES = {"남궁", "제갈", "선우", "황보", "독고", "사공", "서문", "동방", "망절", "어금"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    email: str = ""
    lms_id: str = ""

    @property
    def last_first(self) -> tuple[str, str]:
        """(family name, given name) for nbgrader's last_name/first_name columns.

        Hangul: the family name comes first (one syllable, or two for 남궁, 제갈, …); otherwise the last word
        is the family name ("Minsu Kim" → Kim, Minsu), unless a comma separates it first ("Kim, Minsu")."""
        name = self.name.strip()
        if "," in name:  # "Kim, Minsu": family name first, as the LMSs' sortable names write it
            last, first = name.split(",", 1)
            return last.strip(), first.strip()
        if HANGUL.search(name):
            words = name.split()
            if len(words) > 1:
                return words[0], " ".join(words[1:])
            k = 2 if name[:2] in TWO_SYLLABLE_FAMILY_NAMES and len(name) > 2 else 1
            return name[:k], name[k:]
        words = name.split()
        if len(words) < 2:
            return name, ""
        return words[-1], " ".join(words[:-1])


def name_key(name: str) -> str:
    """A name as LMS file names spell it: NFC, lower case, letters and digits only ('Kim, Min-su' → kimminsu)."""
    return "".join(ch for ch in unicodedata.normalize("NFC", name).lower() if ch.isalnum())


def name_keys(name: str) -> set[str]:
    """Keys of a roster name in both orders (Canvas writes last name first: 'Minsu Kim' → kimminsu)."""
    words = unicodedata.normalize("NFC", name).replace(",", " ").split()
    return {name_key("".join(words)), name_key("".join(reversed(words)))} - {""}


@dataclass
class Roster:
    students: list[Student]
    path: Path | None = None

    def ids(self) -> set[str]:
        return {s.student_id for s in self.students}

    def __contains__(self, student_id: str) -> bool:
        return student_id in self.ids()

    def __len__(self) -> int:
        return len(self.students)

    def by_lms_id(self, lms_id: str) -> Student | None:
        lms_id = lms_id.strip()
        if not lms_id:
            return None
        return next((s for s in self.students if s.lms_id and s.lms_id == lms_id), None)

    def by_name(self, name: str) -> list[Student]:
        key = name_key(name)
        return [s for s in self.students if key and key in name_keys(s.name)]


def read_roster(path: Path) -> Roster:
    """The roster at ``path``; raises ValueError naming the line for a missing column, id or a duplicate."""
    from dlcourse.grading.collect import student_id as safe_id

    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{path}: the header needs {','.join(COLUMNS)}; missing {', '.join(missing)}")
    reader.fieldnames = header
    students, seen, lms_seen = [], {}, {}
    for line, row in enumerate(reader, start=2):
        row = {k: unicodedata.normalize("NFC", (v or "").strip()) for k, v in row.items() if k}
        if not any(row.values()):
            continue
        sid, name = row["student_id"], row["name"]
        if not sid or not name:
            raise ValueError(f"{path}, line {line}: student_id and name are required")
        if safe_id(sid) != sid:
            raise ValueError(f"{path}, line {line}: student_id {sid!r} must be letters, digits, '.', '-', '_'")
        if sid in seen:
            raise ValueError(f"{path}, line {line}: student_id {sid} again (line {seen[sid]})")
        if row["lms_id"] and row["lms_id"] in lms_seen:
            raise ValueError(f"{path}, line {line}: lms_id {row['lms_id']} again (line {lms_seen[row['lms_id']]})")
        seen[sid] = line
        if row["lms_id"]:
            lms_seen[row["lms_id"]] = line
        students.append(Student(sid, name, row["email"], row["lms_id"]))
    return Roster(students, path)


def course_roster(course: Course, path: Path | None = None) -> Roster | None:
    """The course's roster (``path`` or autograde/roster.csv), or None when there is none."""
    path = path or course.roster
    if not path.exists():
        return None
    return read_roster(path)


def load_roster(*, course: Course, path: Path | None = None, echo=print) -> Roster:
    """Read the roster and write it into nbgrader's student table (update or create; nobody is removed)."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    from dlcourse.config import settings
    from dlcourse.grading.nbgrader_bridge import _put_venv_on_path

    path = path or course.roster
    if not path.exists():
        raise FileNotFoundError(f"no roster at {path} (header: {','.join(COLUMNS)})")
    roster = read_roster(path)
    course.gradebook.parent.mkdir(parents=True, exist_ok=True)
    _put_venv_on_path()
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course.gradebook}", settings().course_id) as gb:
        warnings.simplefilter("ignore", SAWarning)
        before = {s.id for s in gb.students}
        for s in roster.students:
            last, first = s.last_first
            gb.update_or_create_student(s.student_id, last_name=last, first_name=first, email=s.email or None,
                                        lms_user_id=s.lms_id or None)
        others = sorted({s.id for s in gb.students} - roster.ids())
    new = len(roster.ids() - before)
    echo(f"roster {path.name}: {len(roster)} students ({new} new) in {course.gradebook.name}"
         + (f"; {len(others)} in the gradebook but not on the roster: {', '.join(others)}" if others else ""))
    return roster


def not_on_roster(roster: Roster | None, students: set[str] | list[str]) -> list[str]:
    """The ids in ``students`` that the roster does not list (none when there is no roster)."""
    if roster is None:
        return []
    return sorted(set(students) - roster.ids())
