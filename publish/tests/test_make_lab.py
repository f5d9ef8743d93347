"""`make lab` for real: the server answers, lists lectures/ and the course kernel, and nbgrader's Validate (and
nothing else of nbgrader) works on an assignment."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import nbformat
import pytest

from dlcourse.config import ASSIGNMENTS_DIR, LECTURES_DIR, REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")]

TOKEN = "dlcourse-make-lab-test"
START_TIMEOUT = 180  # s: JupyterLab's first start on a busy 2-core machine
INSTRUCTOR_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:assignment-list",
                      "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    def __init__(self, base: str):
        self.base = base

    def request(self, path: str, *, method: str = "GET", timeout: float = 30) -> tuple[str, str]:
        """(the URL answered after redirects, the body)."""
        req = urllib.request.Request(self.base + path, method=method, headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.geturl(), r.read().decode()

    def json(self, path: str, **kw):
        return json.loads(self.request(path, **kw)[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` (after `make setup`, which `make test` has done) on a free port; stopped with its kernels."""
    home = tmp_path_factory.mktemp("make-lab")
    port = _free_port()
    # The student's own ~/.jupyter stays out (an empty config dir); the repository's .jupyter/ is what make adds.
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    args = (f"LAB_ARGS=--no-browser --ServerApp.port={port} --ServerApp.port_retries=0 "
            f"--IdentityProvider.token={TOKEN} --LabApp.news_url= "
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    log = open(home / "lab.log", "w")
    proc = subprocess.Popen(["make", "lab", args], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                server.request("/api/status", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"`make lab` did not serve (exit {proc.poll()}):\n"
                                + (home / "lab.log").read_text(errors="replace")[-3000:])
                time.sleep(0.5)
        yield server
    finally:
        try:
            server.request("/api/shutdown", method="POST", timeout=10)  # the server stops its kernels, then itself
            proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_lab_lists_the_lectures_and_the_course_kernel(lab):
    lectures = {item["name"] for item in lab.json("/api/contents/lectures")["content"]}
    assert {p.name for p in LECTURES_DIR.glob("*.ipynb")} <= lectures
    specs = lab.json("/api/kernelspecs")["kernelspecs"]
    assert "dlcourse" in specs, f"course kernel not registered (make setup does it): {sorted(specs)}"
    argv0 = specs["dlcourse"]["spec"]["argv"][0]
    assert os.path.abspath(argv0).startswith(os.path.abspath(sys.prefix)), argv0  # this environment's Python


def test_lab_opens_lectures_and_keeps_only_validate_of_nbgrader(lab):
    url, page = lab.request("/")  # what a browser opening the server gets
    assert url.endswith("/lab/tree/lectures"), url
    config = json.loads(page.split('id="jupyter-config-data"', 1)[1].split(">", 1)[1].split("</script>", 1)[0])
    disabled = config.get("disabledExtensions", [])
    assert all(p in disabled for p in INSTRUCTOR_PLUGINS), disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    with pytest.raises(urllib.error.HTTPError) as e:
        lab.request("/formgrader")
    assert e.value.code == 404
    assert not list(REPO_ROOT.glob("*.db")), "nbgrader wrote a gradebook here"


def test_validate_runs_an_assignment_and_lists_its_unanswered_tests(lab):
    """Validate on an untouched assignment: every graded cell fails, tests on the stubs, written answers empty."""
    notebook = min(ASSIGNMENTS_DIR.glob("*/*.ipynb"), key=lambda p: p.stat().st_size)  # the quickest to run
    rel = notebook.relative_to(REPO_ROOT).as_posix()
    result = lab.json("/assignments/validate?" + urllib.parse.urlencode({"path": rel}), method="POST", timeout=900)
    assert result["success"], result["value"][-3000:]
    failed = {f["source"]: f["error"] for f in result["value"].get("failed", [])}
    graded = [c for c in nbformat.read(notebook, as_version=4).cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded and set(failed) == {c.source.strip() for c in graded}, f"{rel}: {len(failed)} of {len(graded)}"
    for cell in graded:
        error = failed[cell.source.strip()]
        expected = "NotImplementedError" if cell.cell_type == "code" else "You did not provide a response"
        assert expected in error, f"{rel}: {cell.cell_type} cell {cell.get('id')}: {error[-300:]}"
