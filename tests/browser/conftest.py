"""Browser tests: what students and instructors see in JupyterLab, in a real headless Chromium.

One JupyterLab server per session, started from the course environment on a scratch copy of the course
(nothing a test does, autosave included, can touch the repository's notebooks):

    <tmp>/course/                         the server's root (DLCOURSE_ROOT for the server and its kernels)
        lectures/01_….ipynb               copy of the committed lecture
        assignments/a3_char_rnn/…         the committed release, untouched (what students download)
        scratch/a3_solved/char_rnn.ipynb  the release with the solution's answers (autograde/examples s01)
        solutions/, autograde/            nbgrader's course directory; autograde/nbgrader_config.py is the
                                          committed one, loaded because the server runs in autograde/

The server runs with DLCOURSE_FAST=1 (notebooks shrink their sizes, as in tests/test_notebooks.py) and
DLCOURSE_OFFLINE=1. Chromium is Debian's /usr/bin/chromium driven by Playwright (no browser download).
Screenshots go to build/browser/ (git-ignored).
"""

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
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from jupyterlab_ui import A3, A3_NOTEBOOK, LECTURE, SOLVED, UI_TIMEOUT_MS

from dlcourse.config import BUILD_DIR, LECTURES_DIR, REPO_ROOT
from dlcourse.grading.course import Course
from dlcourse.grading.release import release

CHROMIUM = Path(os.environ.get("DLCOURSE_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
SHOTS = BUILD_DIR / "browser"
TOKEN = "dlcourse-browser-test"
START_TIMEOUT = 180  # s: JupyterLab's first start on a busy 2-core machine
STOP_TIMEOUT = 30    # s: graceful shutdown before SIGKILL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ── the course the server serves ─────────────────────────────────────────────────────────────────────

def _build_course(root: Path) -> Path:
    """A scratch course: the student's files and an nbgrader course directory with a3 released."""
    root.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    if (REPO_ROOT / "data").is_dir():
        shutil.copytree(REPO_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("cache"))
    (root / "lectures").mkdir()
    shutil.copy(LECTURES_DIR / LECTURE, root / "lectures" / LECTURE)
    (root / "autograde").mkdir()
    shutil.copy(REPO_ROOT / "autograde" / "nbgrader_config.py", root / "autograde" / "nbgrader_config.py")
    shutil.copytree(REPO_ROOT / "solutions" / A3, root / "solutions" / A3)
    # nbgrader's state for a3: the release step puts the assignment into the course's gradebook; the
    # student then gets the committed release (identical in every graded cell: tests/grading/test_a3.py).
    release(course=Course(root), assignments=[A3], echo=lambda *_: None)
    shutil.copy(REPO_ROOT / "assignments" / A3 / A3_NOTEBOOK, root / "assignments" / A3 / A3_NOTEBOOK)
    solved = root / SOLVED
    solved.parent.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "autograde" / "examples" / A3 / f"s01_{A3_NOTEBOOK}", solved)
    return root


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Course:
    return Course(_build_course(tmp_path_factory.mktemp("browser") / "course"))


# ── the JupyterLab server ────────────────────────────────────────────────────────────────────────────

@dataclass
class Lab:
    base: str          # http://127.0.0.1:PORT
    token: str
    course: Course
    log: Path

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def api(self, path: str, method: str = "GET", timeout: float = 30):
        req = urllib.request.Request(self.url(path), method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def log_tail(self, n: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-n:]


def _settings_dir(path: Path) -> Path:
    """JupyterLab user settings for the test: every cell stays in the DOM (no windowing), no autosave.

    JupyterLab 4 virtualises long notebooks (cells out of view are detached); the tests read every
    cell's prompt and outputs, so the notebook renders in full, as JupyterLab 3 did.
    """
    nb = path / "@jupyterlab" / "notebook-extension"
    nb.mkdir(parents=True)
    (nb / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    dm = path / "@jupyterlab" / "docmanager-extension"
    dm.mkdir(parents=True)
    (dm / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    ap = path / "@jupyterlab" / "apputils-extension"
    ap.mkdir(parents=True)
    (ap / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))  # no pop-up
    return path


def _stop(proc: subprocess.Popen, lab: Lab | None, runtime: Path) -> list[str]:
    """Stop the server and every kernel it started, whatever state they are in. Returns what had to be killed."""
    try:
        family = [proc.pid] + [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    if lab is not None and proc.poll() is None:
        try:  # the polite way: the server shuts its kernels down, then itself
            lab.api("/api/shutdown", method="POST", timeout=10)
        except (OSError, urllib.error.URLError):
            pass
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # Kernels live in their own sessions: find them by the server's process tree and by their connection
    # files (in this server's private runtime dir), and kill any survivor.
    killed = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        cmd = " ".join(p.info["cmdline"] or [])
        if p.info["pid"] in family[1:] or str(runtime) in cmd:
            try:
                p.kill()
                killed.append(cmd[:120])
            except psutil.NoSuchProcess:
                pass
    return killed


@pytest.fixture(scope="session")
def lab(course, tmp_path_factory):
    """JupyterLab on the scratch course: a free port, a token; stopped with its kernels afterwards."""
    home = tmp_path_factory.mktemp("lab-home")
    runtime = home / "runtime"
    port = _free_port()
    env = {
        **os.environ,
        "DLCOURSE_ROOT": str(course.root),      # nbgrader_config.py and the kernels see the scratch course
        "DLCOURSE_FAST": "1",
        "DLCOURSE_OFFLINE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTERLAB_SETTINGS_DIR": str(_settings_dir(home / "settings")),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    # The user's ~/.jupyter stays out; JUPYTER_CONFIG_PATH, when set, still applies (a scratch config that
    # disables an extension is how the negative check of the nbgrader extension is run).
    env["JUPYTER_CONFIG_DIR"] = str(home / "config")  # empty: the course config in autograde/ applies
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser",
            f"--ServerApp.root_dir={course.root}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={TOKEN}",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    log = home / "lab.log"
    log_file = open(log, "w")
    proc = subprocess.Popen(argv, cwd=course.autograde, env=env, stdout=subprocess.DEVNULL,
                            stderr=log_file, start_new_session=True)
    server = Lab(base=f"http://127.0.0.1:{port}", token=TOKEN, course=course, log=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                server.api("/api/status", timeout=5)
                break
            except (OSError, urllib.error.URLError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start (exit {proc.poll()}):\n{server.log_tail()}")
                time.sleep(0.5)
        yield server
    finally:
        killed = _stop(proc, server, runtime)
        log_file.close()
        if killed:
            print(f"browser tests: killed {len(killed)} leftover process(es): {killed}")


# ── the browser ──────────────────────────────────────────────────────────────────────────────────────

@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():  # a clear failure instead of Playwright looking for its own browser download
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does; or set DLCOURSE_CHROMIUM)")
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data dir
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS,
            viewport={"width": 1400, "height": 900}, locale="ko-KR")
        ctx.set_default_timeout(UI_TIMEOUT_MS)
        try:
            yield ctx
        finally:
            ctx.close()


@pytest.fixture
def page(browser_context, lab):
    """A fresh tab (the jupyterlab_ui helpers open JupyterLab in it with the server's token)."""
    p = browser_context.new_page()
    try:
        yield p
    finally:
        p.close()


@pytest.fixture(scope="session")
def shots():
    """save(page_or_locator, name): a PNG under build/browser/; returns its path."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()

    def save(target, name: str) -> Path:
        path = SHOTS / f"{name}.png"
        target.screenshot(path=str(path))
        assert path.stat().st_size > 0
        return path

    return save
