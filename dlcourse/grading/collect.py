"""``dlcourse collect SOURCE --assignment A``: inbox → submitted.

SOURCE is a folder or a .zip (an LMS export), or nbgrader's own layout SOURCE/<student>/<A>/<notebook>.ipynb.
Each notebook is kept byte for byte in autograde/inbox/, validated, repaired against the release
(:mod:`dlcourse.grading.repair`) and written to autograde/submitted/<student>/<A>/<notebook>.ipynb. A notebook
of another assignment of the course (its locked and test cells are that assignment's) is invalid, never
"repaired" into a copy of A. When a student sent several candidates for one notebook, one is graded (a valid
one before an invalid one, the exact name before a renamed copy, then the newest) and the others are named,
with the reason, in that student's messages. What happened to each file is recorded in the inbox manifest,
which `grade` turns into the report. Collecting the same files again changes nothing.

``--lms moodle|canvas|blackboard`` reads that LMS's export by its naming rules and maps each file to a roster
student (:mod:`dlcourse.grading.lms`); the submission time it gives (or ``--timestamps``) becomes nbgrader's
timestamp. Students who are not on autograde/roster.csv are reported and collected all the same.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import nbformat

from dlcourse.config import settings
from dlcourse.grading import lms as lms_names
from dlcourse.grading.course import Course
from dlcourse.grading.inbox import COLLECTED, INVALID, Entry, keep_original, read_manifest, sha256, write_manifest
from dlcourse.grading.repair import NotThisAssignment, cell_role, repair
from dlcourse.grading.roster import Roster, load_roster, not_on_roster

DEFAULT_PATTERN = r"^(?P<student>[^_]+)_"
SKIP_PARTS = {"__MACOSX", ".ipynb_checkpoints", ".git"}
# How editors and LMSs rename a notebook: "Copy of x (1).ipynb", "x.ipynb의 사본", "x - Copy.ipynb" …
RENAMES = [r"^(copy of\s+|사본\s*-\s*)+", r"(\.ipynb)?의 사본$", r"\s*-\s*copy$", r"\s*\(\d+\)$", r"-checkpoint$",
           r"-\d+$"]  # Canvas appends -1, -2 … to a file submitted again
# A notebook belongs to the assignment whose released locked/test cells it holds the largest share of (by text);
# another assignment wins only with at least this share and more than the one being collected.
OWNER_SHARE = 0.5


@dataclass
class Received:
    """One file as found in SOURCE: whose it is, its name, its bytes and when it was last modified; from an LMS
    export also the submission time, the LMS's late mark and the attempt it gives."""

    student: str
    name: str
    data: bytes
    mtime: float
    timestamp: datetime.datetime | None = None
    late: bool = False
    attempt: str = ""
    receipt: bool = False
    lms_id: str = ""
    lms_prefix: str = ""
    note: str = ""


def student_id(raw: str) -> str:
    """A student id that is safe as a folder name (unicode letters and digits, '.', '-', '_')."""
    sid = re.sub(r"[^\w.-]+", "_", raw.strip()).strip("._")
    if not sid:
        raise ValueError(f"not a usable student id: {raw!r}")
    return sid


def received_files(source: Path, *, pattern: str, assignments: frozenset[str] = frozenset(), lms: str = "folders",
                   roster: Roster | None = None) -> tuple[list[Received], list[str]]:
    """Every file of SOURCE with its student; plus one-line notes on files whose student is unknown.

    ``SOURCE/<student>/<file>`` (any depth: the file's folder) names the student by its folder, except in
    nbgrader's layout ``SOURCE/<student>/<assignment>/<file>``, where the folder is one of ``assignments``
    and the student is the folder above it; a file
    directly in SOURCE by the part of its name that ``pattern`` matches (group ``student``, else group 1).
    A zip whose entries all sit in one wrapper folder (named like the zip, or holding student folders) is
    read as if that folder were the root. ``lms`` other than "folders": the LMS's naming rules
    (:mod:`dlcourse.grading.lms`), students mapped through ``roster``.
    """
    entries = list(_zip_entries(source) if source.suffix.lower() == ".zip" else _folder_entries(source))
    entries = [(p, d, t) for p, d, t in entries
               if not (set(p.parts) & SKIP_PARTS) and not p.name.startswith((".", "~$"))]
    tops = {p.parts[0] for p, _, _ in entries}
    wrapped = all(len(p.parts) >= 3 for p, _, _ in entries) or tops == {source.stem}
    if source.suffix.lower() == ".zip" and len(tops) == 1 and wrapped:
        entries = [(PurePosixPath(*p.parts[1:]), d, t) for p, d, t in entries]
    if lms != "folders":
        return _lms_files(entries, lms=lms, roster=roster)
    regex = re.compile(pattern)
    found, notes = [], []
    for path, data, mtime in entries:
        if len(path.parts) >= 2:
            nbgrader_layout = len(path.parts) >= 3 and path.parent.name in assignments
            owner = path.parent.parent.name if nbgrader_layout else path.parent.name
            found.append(Received(student_id(owner), path.name, data, mtime))
            continue
        m = regex.search(path.name)
        if not m:
            notes.append(f"skipped {path.name}: its name does not match the student pattern {pattern!r}")
            continue
        sid = m.group("student") if "student" in regex.groupindex else (m.group(1) if regex.groups else m.group(0))
        rest = path.name[m.end():] if m.start() == 0 and m.end() < len(path.name) else path.name
        found.append(Received(student_id(sid), rest, data, mtime))
    return found, notes


def _lms_files(entries, *, lms: str, roster: Roster | None) -> tuple[list[Received], list[str]]:
    tz = ZoneInfo(settings().timezone)
    known = {s.lms_id for s in roster.students if s.lms_id} if roster else set()
    named = []
    notes: list[str] = []
    for path, data, mtime in entries:
        n = lms_names.parse(lms, path, known_ids=known, tz=tz)
        if n is None:
            notes.append(f"skipped {path}: not named the way {lms.capitalize()} names submissions")
            continue
        named.append((n, data, mtime))
    names = {(n.lms_id, n.attempt): lms_names.receipt_name(d) for n, d, _ in named if n.receipt}
    found, reported = [], set()
    for n, data, mtime in named:
        n.name = n.name or names.get((n.lms_id, n.attempt), "")
        sid, note = lms_names.identify(roster, lms=lms, named=n)
        if note and note not in reported:
            reported.add(note)
            notes.append(note)
        found.append(Received(sid, n.file, data, mtime, timestamp=n.timestamp, late=n.late, attempt=n.attempt,
                              receipt=n.receipt, lms_id=n.lms_id, lms_prefix=n.prefix, note=note))
    return found, notes


def notebook_for(name: str, notebooks: list[str]) -> tuple[str | None, bool]:
    """Which released notebook a submitted file answers, and whether it had to be recognised by a rename."""
    stem = name[:-6] if name.lower().endswith(".ipynb") else name
    if name in notebooks:
        return name, False
    norm = stem.strip().lower()
    for pat in RENAMES:
        norm = re.sub(pat, "", norm).strip()
    for nb in notebooks:
        if norm.replace(" ", "_").replace("-", "_") == nb[:-6].lower().replace("-", "_"):
            return nb, True
    if len(notebooks) == 1:
        return notebooks[0], True
    return None, False


def collect(*, source: Path, assignment: str, course: Course, pattern: str | None = None, lms: str = "folders",
            timestamps: Path | None = None, echo=print) -> list[Entry]:
    """Collect every submission of ``assignment`` in ``source``; return this run's manifest entries.

    ``lms``: the naming rules of that LMS's export (:mod:`dlcourse.grading.lms`); ``timestamps``: a CSV of
    ``student_id,timestamp`` for submission times the export does not give. A student's submission time is
    written where nbgrader reads it (``timestamp.txt`` beside the notebook)."""
    if not source.exists():
        raise FileNotFoundError(f"no such folder or zip: {source}")
    if lms not in lms_names.LMS_CHOICES:
        raise ValueError(f"unknown LMS {lms!r}; one of {', '.join(lms_names.LMS_CHOICES)}")
    if lms != "folders" and pattern:
        raise ValueError("--pattern is for --lms folders; the LMS's own naming rules apply to its exports")
    notebooks = course.notebook_names(assignment)
    releases = {nb: nbformat.read(course.release_dir(assignment) / nb, as_version=4) for nb in notebooks}
    course_releases = released_fixed_cells(course)
    roster = load_roster(course=course, echo=echo) if course.roster.exists() else None
    tz = ZoneInfo(settings().timezone)
    stamps = lms_names.read_timestamps(timestamps, tz=tz) if timestamps else {}
    inbox = course.inbox / assignment
    if source.is_file():
        keep_original(inbox, owner="_archives", name=source.name, data=source.read_bytes())
    files, notes = received_files(source, pattern=pattern or DEFAULT_PATTERN,
                                  assignments=frozenset(course_releases) | {assignment}, lms=lms, roster=roster)
    for note in notes:
        echo(note)

    by_student: dict[str, list[Received]] = {}
    for f in files:
        by_student.setdefault(f.student, []).append(f)
    manifest = read_manifest(course.inbox, assignment)
    entries: list[Entry] = []
    passed_over = 0
    for student in sorted(by_student):
        received = by_student[student]
        for r in (r for r in received if r.receipt):  # the LMS's receipts are kept, not graded
            keep_original(inbox, owner=student, name=r.name, data=r.data)
        received = [r for r in received if not r.receipt]
        if not received:
            continue
        received, earlier = _latest_attempt(received)
        collected, skipped = _collect_student(student, received, assignment=assignment,
                                              notebooks=notebooks, releases=releases,
                                              course_releases=course_releases, course=course)
        passed_over += skipped + len(earlier)
        when = stamps.get(student) or max((r.timestamp for r in received if r.timestamp), default=None)
        for entry in collected:
            entry.lms_id = next((r.lms_id for r in received if r.lms_id), "")
            # the Canvas file a feedback page will be attached to; a correction collected from a folder later
            # keeps the one Canvas knows
            kept = manifest.get(entry.key)
            entry.lms_prefix = next((r.lms_prefix for r in received if r.name == entry.submitted_as
                                     and sha256(r.data) == entry.sha256), "") or (kept.lms_prefix if kept else "")
            entry.late = any(r.late for r in received)
            entry.timestamp = when.isoformat() if when else ""
            entry.messages += sorted({r.note for r in received if r.note})
            if earlier:
                for r in earlier:
                    keep_original(inbox, owner=student, name=r.name, data=r.data)
                attempts = sorted({r.attempt for r in earlier})
                entry.messages.append(f"earlier attempt{'s' if len(attempts) > 1 else ''} not graded: "
                                      + "; ".join(f"{a}: {', '.join(sorted(r.name for r in earlier if r.attempt == a))}"
                                                  for a in attempts))
            entries.append(entry)
            manifest[entry.key] = entry
            detail = "; ".join(entry.messages if entry.status == INVALID else entry.repairs)
            state = f"{entry.status}{' (repaired)' if entry.repaired else ''}"
            echo(f"{entry.student} {entry.notebook}: {state}" + (f" — {detail}" if detail else ""))
        _write_timestamp(course.submission_dir(student, assignment), when)
    write_manifest(course.inbox, assignment, manifest)
    valid = [e for e in entries if e.status == COLLECTED]
    echo(f"collected {len(entries)} notebooks of {assignment} from {source}: {len(valid)} valid "
         f"({sum(e.repaired for e in valid)} repaired), {len(entries) - len(valid)} invalid"
         + (f"; {passed_over} more files not graded (named in their student's messages)" if passed_over else ""))
    strangers = not_on_roster(roster, {e.student for e in entries})
    if strangers:
        echo(f"not on the roster ({len(strangers)}, collected and graded all the same): {', '.join(strangers)}")
    unused = sorted(set(stamps) - set(by_student))
    if unused:
        echo(f"{timestamps}: no submission from {', '.join(unused)}")
    return entries


def _latest_attempt(files: list[Received]) -> tuple[list[Received], list[Received]]:
    """(the files of the latest LMS attempt, those of earlier attempts); files without an attempt all count."""
    attempts = sorted({f.attempt for f in files if f.attempt})
    if len(attempts) < 2:
        return files, []
    return ([f for f in files if f.attempt in ("", attempts[-1])],
            [f for f in files if f.attempt and f.attempt != attempts[-1]])


def _write_timestamp(folder: Path, when: datetime.datetime | None) -> None:
    """nbgrader's timestamp.txt (read by autograde into the submission's timestamp); removed when unknown."""
    path = folder / "timestamp.txt"
    if when is not None and folder.is_dir():
        if not path.exists() or path.read_text() != when.isoformat():
            path.write_text(when.isoformat())
    elif path.exists():
        path.unlink()


def released_fixed_cells(course: Course) -> dict[str, list[set[str]]]:
    """For every released assignment of the course: per notebook, the texts of its locked and test cells."""
    out: dict[str, list[set[str]]] = {}
    for path in sorted(course.assignments.glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        fixed = {c.source.strip() for c in nb.cells if cell_role(c) == "fixed" and c.source.strip()}
        if fixed:
            out.setdefault(path.parent.name, []).append(fixed)
    return out


def owner(nb: nbformat.NotebookNode, *, assignment: str, course_releases: dict[str, list[set[str]]]) -> str:
    """The assignment ``nb`` answers: ``assignment`` unless another released assignment's locked and test
    cells make up a larger share of what ``nb`` holds (at least :data:`OWNER_SHARE` of them, found by text)."""
    texts = {c.source.strip() for c in nb.cells if isinstance(c.get("source"), str)}

    def share(name: str) -> float:
        return max((len(fixed & texts) / len(fixed) for fixed in course_releases.get(name, [])), default=0.0)

    own = share(assignment)
    best = max((name for name in course_releases if name != assignment), key=share, default=None)
    if best is not None and share(best) >= OWNER_SHARE and share(best) > own:
        return best
    return assignment


def _collect_student(student: str, files: list[Received], *, assignment: str, notebooks: list[str],
                     releases: dict, course_releases: dict[str, list[set[str]]], course: Course
                     ) -> tuple[list[Entry], int]:
    """The entries of one student (one per released notebook answered) and how many files were passed over."""
    inbox = course.inbox / assignment
    candidates: dict[str, list[tuple[Entry, nbformat.NotebookNode | None, bool]]] = {}
    ipynbs = [f for f in files if f.name.lower().endswith(".ipynb")]
    others = sorted(f.name for f in files if not f.name.lower().endswith(".ipynb"))
    if not ipynbs:
        data = files[0].data
        original = keep_original(inbox, owner=student, name=files[0].name, data=data)
        names = ", ".join(f.name for f in files)
        return [Entry(student=student, notebook=notebooks[0], status=INVALID, sha256=sha256(data),
                      original=str(original.relative_to(inbox)), submitted_as=files[0].name,
                      messages=[f"no .ipynb file among: {names}"])], 0
    for f in sorted(ipynbs, key=lambda f: (f.mtime, f.name)):
        original = keep_original(inbox, owner=student, name=f.name, data=f.data)
        target, renamed = notebook_for(f.name, notebooks)
        entry = Entry(student=student, notebook=target or f.name, status=INVALID, sha256=sha256(f.data),
                      original=str(original.relative_to(inbox)), submitted_as=f.name)
        nb = None
        if target is None:
            entry.messages.append(f"cannot tell which notebook of {assignment} {f.name!r} is ({', '.join(notebooks)})")
        else:
            nb = _validated(f.data, entry=entry, release=releases[target], assignment=assignment,
                            course_releases=course_releases)
            if nb is not None and renamed:
                entry.repairs.insert(0, f"renamed {f.name!r} → {target}")
        entry.repaired = bool(entry.repairs)
        candidates.setdefault(entry.notebook, []).append((entry, nb, not renamed))

    out, skipped = [], 0
    for name, cands in candidates.items():
        # the notebook graded: a valid one before an invalid one, the exact name before a renamed copy,
        # then the newest (candidates are sorted oldest first)
        chosen, nb, _ = max(cands, key=lambda c: (c[1] is not None, c[2]))
        passed_over = [f"{c[0].submitted_as} ({_why_not(c[0], c[1], chosen)})" for c in cands if c[0] is not chosen]
        if passed_over:
            chosen.messages.append(f"also submitted and not graded: {'; '.join(passed_over)}")
            skipped += len(passed_over)
        dest = course.submission_dir(student, assignment) / name
        if nb is not None:
            chosen.status = COLLECTED
            dest.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, dest)
        elif dest.exists():
            dest.unlink()
        out.append(chosen)
    if others and out:
        out[0].messages.append(f"not notebooks, not graded: {', '.join(others)}")
    if course.submission_dir(student, assignment).exists() and not any(
            course.submission_dir(student, assignment).iterdir()):
        shutil.rmtree(course.submission_dir(student, assignment))
    return out, skipped


def _why_not(entry: Entry, nb: nbformat.NotebookNode | None, chosen: Entry) -> str:
    if nb is None:
        return entry.messages[0] if entry.messages else "invalid"
    if chosen.submitted_as == entry.submitted_as:
        return "the same name; the newest copy was graded"
    return f"{chosen.submitted_as} was graded instead"


def _validated(data: bytes, *, entry: Entry, release, assignment: str,
               course_releases: dict[str, list[set[str]]]) -> nbformat.NotebookNode | None:
    """The repaired notebook, or None with a one-line reason in ``entry.messages``."""
    if not data.strip():
        entry.messages.append("empty file")
        return None
    try:
        text = data.decode("utf-8-sig")
        json.loads(text)
    except UnicodeDecodeError:
        entry.messages.append("not UTF-8 text, so not a notebook")
        return None
    except json.JSONDecodeError as e:
        entry.messages.append(f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}); the file is damaged")
        return None
    try:
        nb = nbformat.reads(text, as_version=4, capture_validation_error={})
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no cell list")
    except Exception as e:  # nbformat raises many kinds on a JSON that is no notebook
        entry.messages.append(f"not a Jupyter notebook ({type(e).__name__}: {str(e).splitlines()[0][:120]})")
        return None
    belongs = owner(nb, assignment=assignment, course_releases=course_releases)
    if belongs != assignment:
        entry.messages.append(f"notebook of {belongs}, not {assignment}")
        return None
    try:
        repaired, done = repair(nb, release=release)
    except NotThisAssignment as e:
        entry.messages.append(f"not a notebook of {assignment}: {e}")
        return None
    except Exception as e:  # a notebook so damaged that it cannot be rebuilt
        entry.messages.append(f"could not be repaired ({type(e).__name__}: {str(e).splitlines()[0][:120]})")
        return None
    entry.repairs += done
    return repaired


def _folder_entries(source: Path):
    for p in sorted(source.rglob("*")):
        if p.is_file():
            yield PurePosixPath(p.relative_to(source).as_posix()), p.read_bytes(), p.stat().st_mtime


def _zip_entries(source: Path):
    with zipfile.ZipFile(source) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            path = PurePosixPath(_zip_name(info))
            if path.is_absolute() or ".." in path.parts:
                continue  # never trust an archive's paths
            yield path, zf.read(info), datetime.datetime(*info.date_time).timestamp()


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Zips made on Korean Windows store names in cp949 without the UTF-8 flag; Python reads them as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return info.filename
