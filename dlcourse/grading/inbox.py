"""autograde/inbox/<A>/: every original file byte for byte, and the manifest of what collect made of it.

Layout::

    inbox/<A>/<student>/<sha256[:12]>/<file name as submitted>   originals (never modified)
    inbox/<A>/_archives/<sha256[:12]>/<name>.zip                   LMS archives as received
    inbox/<A>/manifest.json                                        one entry per student and notebook

`grade` reads the manifest: invalid entries go straight into the report, the others are graded.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

COLLECTED = "collected"
INVALID = "invalid"


@dataclass
class Entry:
    """What collect recorded for one student's notebook (``status``: collected | invalid)."""

    student: str
    notebook: str
    status: str
    sha256: str
    original: str  # path of the kept original, relative to inbox/<A>/
    submitted_as: str  # the file's name as submitted
    repaired: bool = False
    repairs: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    timestamp: str = ""  # submission time (ISO, with its zone) from the LMS or --timestamps; "" when unknown
    late: bool = False  # the LMS marked the submission late (Canvas's _LATE_)
    lms_id: str = ""  # what the LMS called the student
    lms_prefix: str = ""  # Canvas: the graded file's name up to its file id, which a feedback bundle reuses

    @property
    def key(self) -> str:
        return f"{self.student}/{self.notebook}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep_original(folder: Path, *, owner: str, name: str, data: bytes) -> Path:
    """Store ``data`` under ``folder/owner/<sha12>/name`` unless that exact file is already there."""
    path = folder / owner / sha256(data)[:12] / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        path.chmod(0o444)
    return path


def manifest_path(inbox: Path, assignment: str) -> Path:
    return inbox / assignment / "manifest.json"


def read_manifest(inbox: Path, assignment: str) -> dict[str, Entry]:
    """Entries by ``student/notebook``; empty when nothing was collected yet."""
    path = manifest_path(inbox, assignment)
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {e["student"] + "/" + e["notebook"]: Entry(**e) for e in data["entries"]}


def write_manifest(inbox: Path, assignment: str, entries: dict[str, Entry]) -> None:
    """Write the manifest atomically (a killed collect leaves the previous one intact)."""
    path = manifest_path(inbox, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"assignment": assignment, "entries": [asdict(entries[k]) for k in sorted(entries)]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
