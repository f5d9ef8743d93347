"""`make lab` runs `dlcourse lab`: start it for real, ask its REST API for kernelspecs and lectures, stop it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from dlcourse.config import LECTURES_DIR


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab_server(tmp_path):
    port, token = _free_port(), "dlcourse-test-token"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dlcourse.cli", "lab", "--port", str(port), "--token", token, "--no-browser"],
        stdout=subprocess.DEVNULL, stderr=open(tmp_path / "lab.log", "w"), env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def get(path):
        req = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get("/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-2000:])
                time.sleep(0.5)
        yield get
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.slow
def test_lab_serves_the_course_kernel_and_lectures(lab_server):
    specs = lab_server("/api/kernelspecs")["kernelspecs"]
    assert "dlcourse" in specs, f"course kernel not registered (make setup does it): {sorted(specs)}"
    argv0 = specs["dlcourse"]["spec"]["argv"][0]
    assert os.path.abspath(argv0).startswith(os.path.abspath(sys.prefix)), argv0  # the venv, not a symlink target
    lectures = {item["name"] for item in lab_server("/api/contents/lectures")["content"]}
    assert {p.name for p in LECTURES_DIR.glob("*.ipynb")} <= lectures
    # The lab app answers too (the page students open).
    assert lab_server("/lab/api/settings/")["settings"] is not None


@pytest.mark.slow
def test_lab_formgrader_reads_the_course_configuration(lab_server):
    # nbgrader reads nbgrader_config.py from the server's working directory (autograde/); without it the
    # formgrader would fall back to nbgrader's defaults and list no assignment of this course.
    names = {a["name"] for a in lab_server("/formgrader/api/assignments")}
    solutions = {p.name for p in (LECTURES_DIR.parent / "solutions").iterdir() if p.is_dir()}
    assert solutions and solutions <= names, f"formgrader lists {sorted(names)}, course has {sorted(solutions)}"
