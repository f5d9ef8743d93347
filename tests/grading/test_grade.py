"""dlcourse grade / feedback / export end to end on the tiny assignment, with real nbgrader and kernels.

One batch grades every hostile fixture at once (2 jobs); the tests below read its report. Timeouts,
resuming a killed run, re-grading and the sandbox each get a small course of their own.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import nbformat
import pytest

from dlcourse.config import REPO_ROOT, settings
from dlcourse.grading import proclimit
from dlcourse.grading.collect import collect
from dlcourse.grading.export import export
from dlcourse.grading.feedback import feedback, visible_text
from dlcourse.grading.grade import NO_SANDBOX_WARNING, grade
from dlcourse.grading.report import STATUSES, read_report
from dlcourse.grading.sandbox import GENERATED_ETC, SANDBOX_UID, etc_paths
from dlcourse.grading.suspicious import ALWAYS_EQUAL, BUILTINS, NUMPY
from tests.grading.conftest import BATCH, SANDBOX, SUBMISSIONS, lms_folder, needs_sandbox, quiet

pytestmark = pytest.mark.slow

REPAIRED = ["stripped_metadata", "colab", "reordered", "deleted_test", "duplicated_answer", "edited_locked",
            "nbformat44", "renamed"]

def autograded(course, student) -> nbformat.NotebookNode:
    return nbformat.read(course.autograded / student / "tiny" / "tiny.ipynb", as_version=4)


def cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def gradebook_counts(course) -> tuple[int, int, int]:
    """(submissions, distinct students with one, grades) in the course gradebook."""
    with sqlite3.connect(course.gradebook) as db:
        subs, students = db.execute("SELECT count(*), count(DISTINCT student_id) FROM submitted_assignment").fetchone()
        grades = db.execute("SELECT count(*) FROM grade").fetchone()[0]
    return subs, students, grades


@pytest.fixture(scope="module")
def batch(tiny_batch):
    return tiny_batch


def test_solution_scores_full_marks_and_release_zero(batch):
    _, rows, _ = batch
    assert (rows["solution"].status, rows["solution"].score, rows["solution"].max_score) == ("graded", 3.0, 3.0)
    assert (rows["released"].status, rows["released"].score) == ("graded", 0.0)
    assert rows["solution"].messages == [] and rows["solution"].flags == [] and not rows["solution"].repaired
    assert rows["released"].messages == ["2 test cells lost points: test_add, test_normalize"]


@pytest.mark.parametrize("student", ["invalid_json", "empty", "wrong_assignment"])
def test_invalid_notebooks(batch, student):
    _, rows, _ = batch
    row = rows[student]
    assert (row.status, row.score, row.max_score) == ("invalid", 0.0, 3.0)
    assert len(row.messages) == 1 and row.messages[0]


@pytest.mark.parametrize("student", REPAIRED)
def test_repaired_solutions_score_full_marks(batch, student):
    _, rows, _ = batch
    row = rows[student]
    assert (row.status, row.score, row.repaired) == ("graded", 3.0, True), row
    assert row.messages[-1].startswith("repaired: ")


def test_an_edited_test_is_graded_as_released(batch):
    course, rows, _ = batch
    assert (rows["edited_test_wrong"].status, rows["edited_test_wrong"].score) == ("graded", 1.0)
    assert "1 test cells lost points: test_normalize" in rows["edited_test_wrong"].messages
    assert "HIDDEN_SENTINEL_NORMALIZE" in cell(autograded(course, "edited_test_wrong"), "test_normalize").source


def test_memory_bomb(batch):
    _, rows, _ = batch
    row = rows["memory_bomb"]
    assert (row.status, row.score) == ("memory_limit", 0.0)
    assert row.messages[0].startswith("the kernel used more than 1 GiB of memory in cell ")


def test_os_exit(batch):
    _, rows, _ = batch
    row = rows["os_exit"]
    assert (row.status, row.score) == ("crashed", 0.0)
    assert row.messages[0].startswith("the kernel died in cell 4")


def test_a_million_lines_are_graded_with_output_limited(batch):
    course, rows, _ = batch
    assert (rows["flood"].status, rows["flood"].score) == ("graded", 3.0)
    assert "tiny.ipynb cell 2: output truncated" in rows["flood"].messages
    text = "".join(o.get("text", "") for o in cell(autograded(course, "flood"), "answer_add").outputs)
    assert len(text.splitlines()) <= 1001 and "truncated" in text


def test_suspicious_code_is_flagged_not_scored(batch):
    _, rows, _ = batch
    suspicious = lambda row: [f for f in row.flags if f.startswith("suspicious:")]  # noqa: E731
    assert suspicious(rows["suspicious"]) == [ALWAYS_EQUAL, BUILTINS, NUMPY]
    assert (rows["suspicious"].status, rows["suspicious"].score) == ("graded", 3.0)
    assert all(not suspicious(rows[s]) for s in BATCH if s != "suspicious")


def test_stderr_noise_does_not_zero_a_correct_test(batch):
    course, rows, _ = batch
    assert (rows["stderr_noise"].status, rows["stderr_noise"].score) == ("graded", 3.0)
    outs = cell(autograded(course, "stderr_noise"), "test_normalize").outputs
    assert [o.name for o in outs if o.output_type == "stream"] and all(o.get("name") != "stderr" for o in outs)
    assert "cuda_executor" in "".join(o.get("text", "") for o in outs)


def test_report_format(batch):
    course, rows, lines = batch
    data = json.loads((course.reports / "tiny.json").read_text())
    assert [list(r) for r in data] == [["student", "notebook", "status", "score", "max_score", "repaired", "flags",
                                        "messages", "seconds", "sha256", "worker", "times", "peak_mb",
                                        "late_penalty"]] * len(BATCH)
    assert {r["status"] for r in data} <= set(STATUSES) and len(data) == len(BATCH)
    assert read_report(course.reports / "tiny.json") == sorted(rows.values(), key=lambda r: r.student)
    for r in data:
        original = next((SUBMISSIONS / r["student"]).glob("*.ipynb")).read_bytes()
        assert r["sha256"] == hashlib.sha256(original).hexdigest()
        assert isinstance(r["score"], float) and isinstance(r["seconds"], float)
        if r["status"] != "invalid":  # where and how each job ran (for sizing a cluster)
            assert r["worker"] == "local" and set(r["times"]) == {"queued", "transfer", "grading", "cpu"}
            assert r["times"]["grading"] == r["seconds"] > 0 and r["times"]["cpu"] > 0 and r["peak_mb"] > 0
    summary = (course.reports / "tiny.md").read_text()
    assert "| solution | tiny.ipynb | graded | 3/3 |" in summary
    png = (course.reports / "tiny.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < 60_000
    assert lines[0] == "grading 18 of 18 collected submissions of tiny (0 up to date), 2 at a time" + (
        "" if SANDBOX else ", no sandbox")
    assert any(line.startswith("[18/18] ") for line in lines)


def test_originals_are_unchanged(batch):
    course, rows, _ = batch
    for student in BATCH:
        kept = list((course.inbox / "tiny" / student).rglob("*.ipynb"))
        assert len(kept) == 1
        assert kept[0].read_bytes() == next((SUBMISSIONS / student).glob("*.ipynb")).read_bytes()


def test_gradebook_and_export(batch):
    course, rows, _ = batch
    graded = [s for s, r in rows.items() if r.status != "invalid"]
    assert gradebook_counts(course) == (len(graded), len(graded), 2 * len(graded))
    export(course=course, echo=quiet)
    with open(course.grades_csv, newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                              "email", "raw_score", "late_submission_penalty", "score", "max_score", "status"]
    scores = {r["student_id"]: float(r["score"]) for r in table}
    assert set(scores) == set(BATCH)  # invalid notebooks are exported too, with 0
    assert {s: v for s, v in scores.items()} == {s: rows[s].score for s in BATCH}
    assert {r["student_id"]: r["status"] for r in table} == {s: rows[s].status for s in BATCH}


def test_feedback_redacts_hidden_tests(batch):
    course, rows, _ = batch
    pages = feedback(assignment="tiny", course=course, echo=quiet)
    assert len(pages) == len([r for r in rows.values() if r.status in ("graded", "timeout")])
    text = visible_text((course.feedback / "edited_test_wrong" / "tiny" / "tiny.html").read_text())
    assert "normalize([2, 3, 5]) gave [2.0, 3.0, 5.0]" in text  # the failure message stays
    assert "AssertionError" in text and "out = normalize([1, 1, 2])" in text  # and the public test
    assert "HIDDEN_SENTINEL" not in text and "values = [float(v)" not in text
    assert "hidden test: source not shown" in text


def test_timeouts(tiny, tmp_path):
    limits = dict(cell_timeout=5, timeout=20, sandbox=SANDBOX)
    collect(source=lms_folder(tmp_path / "a", ["infinite_loop"]), assignment="tiny", course=tiny, echo=quiet)
    [loop] = grade(assignment="tiny", course=tiny, jobs=1, echo=quiet, **limits)
    assert (loop.student, loop.status, loop.score) == ("infinite_loop", "timeout", 3.0)
    assert loop.messages[0] == ("tiny.ipynb cell 2 ran longer than 5 s and was interrupted; "
                                "the other cells were graded")
    # a loop that swallows the interrupt: every later cell times out too, so the whole-notebook limit ends it;
    # the cells that completed before keep their scores (test_add's point when the loop comes after it)
    collect(source=lms_folder(tmp_path / "b", ["stubborn_loop", "stubborn_after_add"]), assignment="tiny",
            course=tiny, echo=quiet)
    lines: list[str] = []
    again, after_add, stubborn = grade(assignment="tiny", course=tiny, jobs=2, echo=lines.append, **limits)
    assert lines[0].startswith("grading 2 of 3") and again == loop
    for row, score in ((stubborn, 0.0), (after_add, 1.0)):
        assert (row.status, row.score) == ("timeout", score), row
        stopped = next(m for m in row.messages if "limit for a whole notebook" in m)
        assert stopped.startswith("tiny.ipynb: stopped at the 20 s limit for a whole notebook in cell ")
        assert stopped.endswith("the cells before kept their scores")
        # ended by the deadline inside the job (a message of the job's own), not by the parent's hard kill
        # (which grades nothing); no wall time asserted: a loaded machine stretches any bound
    assert "1 test cells lost points: test_normalize" in after_add.messages
    nb = autograded(tiny, "stubborn_after_add")
    assert not any(o.output_type == "error" for o in cell(nb, "test_add").outputs)
    assert {o.ename for o in cell(nb, "test_normalize").outputs if o.output_type == "error"} <= {
        "CellTimeoutError", "NotebookTimeoutError"}
    assert nb.cells[-1].outputs[0].ename == "NotebookTimeoutError"  # the last cell never ran


def test_grading_again_gives_the_same_scores(tiny, tmp_path):
    collect(source=lms_folder(tmp_path, ["solution", "edited_test_wrong", "colab"]), assignment="tiny", course=tiny,
            echo=quiet)
    view = lambda rows: [(r.student, r.status, r.score, r.flags, r.repaired) for r in rows]  # noqa: E731
    first = grade(assignment="tiny", course=tiny, jobs=2, sandbox=SANDBOX, echo=quiet)
    lines: list[str] = []
    again = grade(assignment="tiny", course=tiny, jobs=2, sandbox=SANDBOX, echo=lines.append)
    assert lines[0].startswith("grading 0 of 3 collected submissions of tiny (3 up to date; --force")
    forced = grade(assignment="tiny", course=tiny, jobs=2, sandbox=SANDBOX, force=True, echo=quiet)
    assert view(first) == view(again) == view(forced)
    assert [r.score for r in first] == [3.0, 1.0, 3.0]
    assert gradebook_counts(tiny) == (3, 3, 6)


def test_a_killed_run_resumes_without_duplicates(tiny, tmp_path):
    students = ["solution", "released", "edited_test_wrong", "stderr_noise"]
    collect(source=lms_folder(tmp_path, students), assignment="tiny", course=tiny, echo=quiet)
    env = {**os.environ, "DLCOURSE_ROOT": str(tiny.root)}
    argv = [sys.executable, "-m", "dlcourse.cli", "grade", "tiny", "--jobs", "1"]
    argv += [] if SANDBOX else ["--no-sandbox"]
    proc = subprocess.Popen(argv, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    results = tiny.work / "tiny" / "results"
    deadline = time.monotonic() + 180
    while not list(results.glob("*.json")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list(results.glob("*.json")))
    assert 1 <= done_before < len(students), "the run should have been killed halfway"
    lines: list[str] = []
    rows = grade(assignment="tiny", course=tiny, jobs=2, sandbox=SANDBOX, echo=lines.append)
    assert lines[0].startswith(f"grading {len(students) - done_before} of {len(students)} ")
    assert [(r.student, r.status, r.score) for r in rows] == [
        ("edited_test_wrong", "graded", 1.0), ("released", "graded", 0.0), ("solution", "graded", 3.0),
        ("stderr_noise", "graded", 3.0)]
    assert gradebook_counts(tiny) == (4, 4, 8)


PROBE = '''import json, os, pathlib, socket
probe = {{"see:" + name: os.path.exists(path) for name, path in {see!r}.items()}}
for name, path in {write!r}.items():
    try:
        pathlib.Path(path).write_text("x")
        os.remove(path)
        probe["write:" + name] = True
    except OSError:
        probe["write:" + name] = False
probe["interfaces"] = [name for _, name in socket.if_nameindex()]
probe["processes"] = len([p for p in os.listdir("/proc") if p.isdigit()])
probe["env"] = sorted(k for k in os.environ if "TOKEN" in k or "SECRET" in k)
print("PROBE " + json.dumps(probe))'''


def probe(course, tmp_path, *, sandbox: bool) -> dict:
    """Grade the solution with a cell that looks around; return what it saw (the solution still scores 3/3)."""
    collect(source=lms_folder(tmp_path, ["solution", "released"]), assignment="tiny", course=course, echo=quiet)
    token = uuid.uuid4().hex[:8]
    see = {"solutions": course.solutions, "gradebook": course.gradebook, "inbox": course.inbox,
           "other submission": course.submission_dir("released", "tiny"), "repo solutions": REPO_ROOT / "solutions",
           "repo tests": REPO_ROOT / "tests", "repo git": REPO_ROOT / ".git",
           "home cache": os.path.expanduser("~/.cache")}
    write = {"package": REPO_ROOT / "dlcourse" / f"pwned-{token}", "course": course.root / f"pwned-{token}",
             "tmp": f"/tmp/pwned-{token}"}
    cell = PROBE.format(see={k: str(v) for k, v in see.items()}, write={k: str(v) for k, v in write.items()})
    path = course.submission_dir("solution", "tiny") / "tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(cell))
    nbformat.write(nb, path)
    lines: list[str] = []
    rows = {r.student: r for r in grade(assignment="tiny", course=course, jobs=2, sandbox=sandbox, echo=lines.append)}
    assert (rows["solution"].status, rows["solution"].score) == ("graded", 3.0)
    assert not any(os.path.exists(p) for p in write.values())
    out = "".join(o.get("text", "") for o in autograded(course, "solution").cells[2].outputs)
    return {**json.loads(out.split("PROBE ", 1)[1]), "lines": lines}


def test_grading_without_a_sandbox_says_so(tiny, tmp_path):
    seen = probe(tiny, tmp_path, sandbox=False)
    assert seen["lines"][0] == NO_SANDBOX_WARNING
    # the probe works: without a sandbox student code sees everything
    assert seen["see:solutions"] and seen["see:gradebook"] and seen["write:course"]
    assert "DLCOURSE_FAKE_TOKEN" in seen["env"]


@needs_sandbox
def test_the_sandbox_isolates_student_code(tiny, tmp_path):
    seen = probe(tiny, tmp_path, sandbox=True)
    assert {k: v for k, v in seen.items() if k.startswith(("see:", "write:")) and v} == {}
    assert seen["interfaces"] == ["lo"] and seen["processes"] < 10 and seen["env"] == []


def printed(course, student, marker: str) -> str:
    nb = autograded(course, student)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    return text.split(marker, 1)[1].splitlines()[0].strip()


@needs_sandbox
def test_the_sandbox_keeps_the_hosts_secrets(batch):
    """A submission that looks for /etc/shadow, SSH host keys and root's files: graded as usual, found nothing."""
    course, rows, _ = batch
    assert (rows["reads_secrets"].status, rows["reads_secrets"].score) == ("graded", 3.0)
    seen = json.loads(printed(course, "reads_secrets", "SECRETS "))
    assert (seen["uid"], seen["gid"], seen["user"]) == (SANDBOX_UID, SANDBOX_UID, "nobody")
    assert all(not isinstance(v, int) for v in seen["read"].values()), seen["read"]  # every read failed
    allowed = {p.split("/")[2] for p in etc_paths()} | set(GENERATED_ETC)
    assert set(seen["etc"]) <= allowed and "shadow" not in seen["etc"], sorted(set(seen["etc"]) - allowed)


@needs_sandbox
def test_a_fork_bomb_stops_at_the_process_cap(batch):
    """A submission that forks until refused: refused below grade_max_processes, graded as usual, and the
    jobs beside it in the batch graded as usual (the other tests of this module)."""
    course, rows, _ = batch
    row = rows["fork_bomb"]
    assert (row.status, row.score) == ("graded", 3.0), row
    forks, refused = printed(course, "fork_bomb", "FORKS ").split()
    cap = settings().grade_max_processes
    if os.geteuid() != 0 or proclimit.cgroup_problem() is None:  # a pids cgroup, or RLIMIT_NPROC in the namespace
        assert refused == "BlockingIOError" and 0 < int(forks) < cap, (forks, refused)
        assert proclimit.NO_PROCESS_LIMIT not in row.flags
    else:  # root without a pids cgroup: no cap, and the report says so
        assert (forks, refused) == ("600", "None")
        assert proclimit.NO_PROCESS_LIMIT in row.flags
        assert any(m.startswith("no cap on the kernel's number of processes") for m in row.messages)
    leftover = list((proclimit.find_hierarchy() or proclimit.Hierarchy(1, course.root / "none")).root.glob(
        f"{proclimit.PREFIX}{os.getpid()}-*"))
    assert leftover == [], leftover  # every job's cgroup was removed
