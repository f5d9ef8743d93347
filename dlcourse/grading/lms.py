"""How each LMS names the files of its "download all submissions" archive, and who a file belongs to.

- Moodle: one folder per participant, ``<Full Name>_<participant id>_assignsubmission_file_/<file>``
  (or the same prefix on flat file names when "download submissions in folders" is off).
- Canvas: flat ``<lastfirst>_<user id>_<file id>_<file>``, with ``_LATE`` after the name when late (older
  Canvas wrote it in lower case); ``lastfirst`` is the sortable name in lower case without spaces or punctuation,
  ``file id`` the id Canvas gave the submitted file (its attachment id: canvas-lms ``ContentZipper``). The part
  up to the file id is kept (``Named.prefix``): Canvas's "Re-Upload Submissions" finds the student by it
  (:func:`dlcourse.grading.feedback.bundle`).
- Blackboard: flat ``<Assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>`` plus one receipt
  ``<Assignment>_<username>_attempt_<stamp>.txt`` per attempt (its "Name: …" line gives the full name).

A file is mapped to a roster student by the LMS's id (``lms_id`` in the roster), else by name where exactly
one roster student without an ``lms_id`` has it; anyone else keeps an id derived from the LMS
(``canvas-<user id>``, ``moodle-<participant id>``, the Blackboard username) and is reported, never dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from dlcourse.grading.roster import Roster

LMS_CHOICES = ("folders", "moodle", "canvas", "blackboard")
LABELS = {"moodle": "Moodle participant", "canvas": "Canvas user", "blackboard": "Blackboard user"}

MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$")
MOODLE_FLAT = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)$")
CANVAS = re.compile(r"^(?P<name>[^_]+?)(?P<late>_(?:LATE|late))?_(?P<id>\d+)_(?P<file_id>\d+)_(?P<file>.+)$")
BLACKBOARD = re.compile(r"^(?P<head>.+)_attempt_(?P<stamp>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(?P<file>.+)|\.txt)$")
BLACKBOARD_NAME = re.compile(r"^Name:\s*(?P<name>.+?)\s*\((?P<user>[^()]+)\)\s*$", re.MULTILINE)


@dataclass
class Named:
    """What an LMS file name says: whose file, its name as submitted, and when."""

    lms_id: str
    name: str  # the student's name as the LMS spells it ("" when it gives none)
    file: str
    timestamp: dt.datetime | None = None  # aware
    late: bool = False  # the LMS marked it late (Canvas)
    attempt: str = ""  # Blackboard's attempt stamp (sorts in time order)
    receipt: bool = False  # the LMS's own receipt of an attempt (Blackboard .txt), not a submitted file
    prefix: str = ""  # Canvas: the name up to the file id ("kimminsu_LATE_51003_900003"), for the feedback bundle


def parse(lms: str, path: PurePosixPath, *, known_ids: set[str], tz: ZoneInfo) -> Named | None:
    """``path`` (relative to the archive's root) as ``lms`` names it, or None when it is not named so."""
    if lms == "moodle":
        if len(path.parts) >= 2:
            m = MOODLE_FOLDER.match(path.parts[0])
            if m:
                return Named(m["id"], m["name"].replace("_", " "), path.name)
        m = MOODLE_FLAT.match(path.name) if len(path.parts) == 1 else None
        return Named(m["id"], m["name"].replace("_", " "), m["file"]) if m else None
    if len(path.parts) != 1:
        return None
    if lms == "canvas":
        m = CANVAS.match(path.name)
        return Named(m["id"], m["name"], m["file"], late=bool(m["late"]), prefix=path.name[:m.start("file") - 1]
                     ) if m else None
    if lms == "blackboard":
        m = BLACKBOARD.match(path.name)
        if not m:
            return None
        stamp = dt.datetime.strptime(m["stamp"], "%Y-%m-%d-%H-%M-%S").replace(tzinfo=tz)
        head = m["head"]
        # <Assignment>_<username>: both may hold '_'; a username the roster knows wins, else the last part
        users = [u for u in known_ids if head.endswith("_" + u)]
        user = max(users, key=len) if users else head.rsplit("_", 1)[-1]
        return Named(user, "", m["file"] or path.name, timestamp=stamp, attempt=m["stamp"],
                     receipt=m["file"] is None)
    raise ValueError(f"unknown LMS {lms!r}; one of {', '.join(LMS_CHOICES)}")


def receipt_name(data: bytes) -> str:
    """The full name in a Blackboard receipt ("Name: 홍길동 (hong01)"), or ""."""
    m = BLACKBOARD_NAME.search(data.decode("utf-8-sig", errors="replace"))
    return m["name"] if m else ""


def identify(roster: Roster | None, *, lms: str, named: Named) -> tuple[str, str]:
    """(student id, a one-line note when the roster did not settle who it is)."""
    from dlcourse.grading.collect import student_id

    fallback = student_id(named.lms_id if lms == "blackboard" else f"{lms}-{named.lms_id}")
    who = f"{LABELS[lms]} {named.lms_id}" + (f" ({named.name})" if named.name else "")
    if roster is None:
        return fallback, ""
    found = roster.by_lms_id(named.lms_id)
    if found is not None:
        return found.student_id, ""
    same_name = roster.by_name(named.name) if named.name else []
    free = [s for s in same_name if not s.lms_id]
    if len(free) == 1:
        return free[0].student_id, ""
    if len(free) > 1:
        ids = ", ".join(s.student_id for s in free)
        return fallback, (f"{who}: the name matches {len(free)} roster students ({ids}); collected as {fallback}, "
                          f"put the LMS id into their lms_id in the roster")
    taken = f"; the roster's {', '.join(s.student_id for s in same_name)} of that name has another lms_id" \
        if same_name else ""
    return fallback, f"{who} is not on the roster{taken}; collected as {fallback}"


def read_timestamps(path, *, tz: ZoneInfo) -> dict[str, dt.datetime]:
    """``student_id,timestamp`` rows (a header line is optional); times without a zone are in ``tz``."""
    import dateutil.parser

    out: dict[str, dt.datetime] = {}
    rows = csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")))
    for line, row in enumerate(rows, start=1):
        if not row or not any(c.strip() for c in row) or (line == 1 and row[0].strip() == "student_id"):
            continue
        if len(row) < 2:
            raise ValueError(f"{path}, line {line}: expected student_id,timestamp")
        try:
            ts = dateutil.parser.isoparse(row[1].strip())
        except ValueError:
            raise ValueError(f"{path}, line {line}: not an ISO time: {row[1].strip()!r}") from None
        out[row[0].strip()] = ts if ts.tzinfo else ts.replace(tzinfo=tz)
    return out
