"""Regenerate the hostile submissions in submissions/ from the tiny assignment (run by hand, then commit).

    .venv/bin/python tests/grading/files/make_fixtures.py

source/tiny/tiny.ipynb is the nbgrader source of a tiny real assignment (numpy only, grades in seconds):
answers ``add`` (1 point of tests) and ``normalize`` (2 points), each with public and hidden tests.
Every folder in submissions/ is one student; its name says what is wrong with the notebook and
tests/grading/test_grade.py says what must become of it.
"""

from __future__ import annotations

import copy
import json
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from dlcourse.grading import samples  # noqa: E402
from dlcourse.grading.course import Course  # noqa: E402
from dlcourse.grading.release import release  # noqa: E402
from dlcourse.grading.repair import grade_id  # noqa: E402

NORMALIZE_WRONG = 'def normalize(x):\n    return np.asarray(x, dtype=float)'
STDERR_NORMALIZE = '''import sys
import warnings


def normalize(x):
    """벡터 x, 형태 (n,), 를 합이 1이 되도록 나눕니다. 반환: 형태 (n,) float 배열."""
    # what TensorFlow and absl write to stderr while working correctly
    print("W0000 00:00:1700000000.000000   12345 cuda_executor.cc:1] could not open file to read NUMA node",
          file=sys.stderr)
    warnings.warn("this is only a warning")
    x = np.asarray(x, dtype=float)
    return x / x.sum()'''
STUBBORN = '''import time

while True:  # ignores the grader's interrupt: only the whole-notebook limit stops it
    try:
        time.sleep(0.1)
    except KeyboardInterrupt:
        pass'''
# hostile submissions for the sandbox (tests/grading/test_grade.py): what a kernel can read, how far it can fork
READS_SECRETS = '''import json
import os
import pwd

read = {}
for path in ("/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/ssh/ssh_host_ed25519_key",
             "/etc/ssh/ssh_host_rsa_key", "/root/.bash_history", "/root/.ssh/id_rsa"):
    try:
        with open(path, "rb") as fh:
            read[path] = len(fh.read())
    except OSError as e:
        read[path] = type(e).__name__
print("SECRETS " + json.dumps({"uid": os.getuid(), "gid": os.getgid(), "user": pwd.getpwuid(os.getuid()).pw_name,
                               "etc": sorted(os.listdir("/etc")), "read": read}))'''
FORK_BOMB = '''import subprocess

children, refused = [], None
try:
    while len(children) < 600:  # stops at 600 so that a machine without a cap survives the test
        children.append(subprocess.Popen(["sleep", "600"]))
except OSError as e:
    refused = type(e).__name__
for child in children:
    child.kill()
    child.wait()
print(f"FORKS {len(children)} {refused}")'''
SUSPICIOUS = '''import builtins
import numpy.testing

np.testing.assert_allclose = lambda *args, **kwargs: None
builtins.isinstance = isinstance


class AlwaysEqual:
    def __eq__(self, other):
        return True'''


def stripped(nb):
    out = copy.deepcopy(nb)
    for cell in out.cells:
        cell.metadata.pop("nbgrader", None)
    return out


def cells_without(nb, gid):
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if grade_id(c) != gid]
    return out


def with_extra(nb, *, after, source):
    out = copy.deepcopy(nb)
    i = next(i for i, c in enumerate(out.cells) if grade_id(c) == after)
    out.cells.insert(i + 1, nbformat.v4.new_code_cell(source, id=f"extra-{len(out.cells)}"))
    return out


def appended(nb, *, gid, code):
    out = copy.deepcopy(nb)
    cell = next(c for c in out.cells if grade_id(c) == gid)
    cell.source += "\n" + code
    return out


def as_44(nb) -> str:
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 4
    for cell in data["cells"]:
        cell.pop("id", None)
    return json.dumps(data, indent=1, ensure_ascii=False)


def build(release_nb, source_nb) -> dict[str, tuple[str, bytes]]:
    good = samples.answered(release=release_nb, source=source_nb)
    w = lambda nb: nbformat.writes(nb).encode()  # noqa: E731
    add_code = next(c.source for c in good.cells if grade_id(c) == "answer_add")
    reordered = copy.deepcopy(good)
    reordered.cells = [reordered.cells[i] for i in (0, 1, 4, 5, 2, 3, 6, 7)]
    duplicated = copy.deepcopy(good)
    broken_add = copy.deepcopy(next(c for c in good.cells if grade_id(c) == "answer_add"))
    broken_add.source, broken_add.id = add_code.replace("a + b", "a - b"), "copy-of-add"
    duplicated.cells.insert(2, broken_add)
    edited = copy.deepcopy(good)
    for cell in edited.cells:
        if grade_id(cell) == "imports":
            cell.source = "import numpy as np\nnp = None  # edited a locked cell"
        if grade_id(cell) == "test_add":
            cell.source = "pass  # a student 'fixed' the test"
    cheat = samples.with_answer(good, grade="answer_normalize", source=NORMALIZE_WRONG)
    for cell in cheat.cells:
        if grade_id(cell) == "test_normalize":
            cell.source = "pass"
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 다른 과제 (another assignment)"),
                                            nbformat.v4.new_code_cell("x = 1\nprint(x)")])
    return {
        "solution": ("tiny.ipynb", w(good)),
        "released": ("tiny.ipynb", w(release_nb)),
        "invalid_json": ("tiny.ipynb", w(good)[:300]),
        "empty": ("tiny.ipynb", b""),
        "wrong_assignment": ("tiny.ipynb", w(other)),
        "stripped_metadata": ("tiny.ipynb", w(stripped(good))),
        "colab": ("tiny.ipynb", json.dumps(samples.as_colab(good, name="tiny.ipynb"), indent=2,
                                           ensure_ascii=False).encode()),
        "reordered": ("tiny.ipynb", w(reordered)),
        "deleted_test": ("tiny.ipynb", w(cells_without(good, "test_normalize"))),
        "duplicated_answer": ("tiny.ipynb", w(duplicated)),
        "edited_locked": ("tiny.ipynb", w(edited)),
        "edited_test_wrong": ("tiny.ipynb", w(cheat)),
        "nbformat44": ("tiny.ipynb", as_44(good).encode()),
        "renamed": ("Copy of tiny (1).ipynb", w(good)),
        "infinite_loop": ("tiny.ipynb", w(appended(good, gid="answer_add", code="while True:\n    pass"))),
        "memory_bomb": ("tiny.ipynb", w(with_extra(good, after="imports", source=(
            "chunks = []\nwhile True:\n    chunks.append(b'x' * 50_000_000)")))),
        "os_exit": ("tiny.ipynb", w(with_extra(good, after="test_add", source="import os\nos._exit(1)"))),
        "flood": ("tiny.ipynb", w(appended(good, gid="answer_add", code="for i in range(1_000_000):\n    print(i)"))),
        "suspicious": ("tiny.ipynb", w(with_extra(good, after="imports", source=SUSPICIOUS))),
        "stderr_noise": ("tiny.ipynb", w(samples.with_answer(good, grade="answer_normalize", source=STDERR_NORMALIZE))),
        "stubborn_loop": ("tiny.ipynb", w(with_extra(good, after="imports", source=STUBBORN))),
        "stubborn_after_add": ("tiny.ipynb", w(with_extra(good, after="test_add", source=STUBBORN))),
        "reads_secrets": ("tiny.ipynb", w(with_extra(good, after="imports", source=READS_SECRETS))),
        "fork_bomb": ("tiny.ipynb", w(with_extra(good, after="imports", source=FORK_BOMB))),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        course = Course(Path(tmp))
        shutil.copytree(HERE / "source", course.solutions)
        release(course=course, assignments=["tiny"], echo=lambda *_: None)
        release_nb = nbformat.read(course.release_dir("tiny") / "tiny.ipynb", as_version=4)
        shutil.copy(course.release_dir("tiny") / "tiny.ipynb", HERE / "release_tiny.ipynb")
    source_nb = nbformat.read(HERE / "source" / "tiny" / "tiny.ipynb", as_version=4)
    out = HERE / "submissions"
    shutil.rmtree(out, ignore_errors=True)
    for student, (name, data) in build(release_nb, source_nb).items():
        (out / student).mkdir(parents=True)
        (out / student / name).write_bytes(data)
        print(f"wrote {out.name}/{student}/{name}")


if __name__ == "__main__":
    main()
