"""What the browser tests do in JupyterLab's page, the way a person would: open a notebook, use the menus,
read prompts and outputs. Shared by test_browser_student.py and test_browser_instructor.py.
"""

from __future__ import annotations

import re
import time

LECTURE = "01_sequence_data_and_rnn.ipynb"
A3, A3_NOTEBOOK = "a3_char_rnn", "char_rnn.ipynb"
SOLVED = f"scratch/a3_solved/{A3_NOTEBOOK}"  # the release with the solution's answers, in the scratch course
UI_TIMEOUT_MS = 120_000  # default wait for anything in the page (a busy machine, a server blocked validating)


def open_lab(page, lab, workspace: str, path: str = ""):
    """JupyterLab in a fresh workspace of its own (``path`` opened in it), logged in with the token."""
    tree = f"/tree/{path}" if path else ""
    page.goto(lab.url(f"/lab/workspaces/{workspace}{tree}?reset&token={lab.token}"))
    page.locator("#jp-main-dock-panel").wait_for()
    page.locator(".lm-MenuBar-itemLabel", has_text="Help").wait_for()  # the menu bar is complete


def open_notebook(page, lab, path: str, workspace: str):
    """Open ``path`` in its own JupyterLab workspace; wait until its kernel is connected and idle.

    Returns the notebook panel (a locator).
    """
    open_lab(page, lab, workspace, path)
    name = path.rsplit("/", 1)[-1]
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name).wait_for()
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".jp-Cell").first.wait_for()
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while not any(s["path"] == path and s["kernel"]["connections"] > 0 for s in lab.api("/api/sessions")):
        if time.monotonic() > deadline:
            raise AssertionError(f"no kernel connected to {path}: {lab.api('/api/sessions')}\n{lab.log_tail()}")
        page.wait_for_timeout(500)  # poll interval; the condition above is what is waited for
    wait_kernel_idle(page)
    return panel


def session_kernel(lab, path: str) -> dict:
    """The kernel of ``path``'s session (the REST API's record)."""
    return next(s["kernel"] for s in lab.api("/api/sessions") if s["path"] == path)


def wait_kernel_idle(page, timeout_ms: int = UI_TIMEOUT_MS):
    """The notebook toolbar's kernel indicator says idle."""
    page.wait_for_function(
        """() => {
            const ind = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return ind !== null && ind.getAttribute('data-status') === 'idle';
        }""", timeout=timeout_ms)


def run_menu(page, menu: str, item: str):
    """Click ``menu`` in the menu bar, then ``item`` in it (what a person does)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def error_outputs(panel) -> list[str]:
    """Text of every error-looking output shown (tracebacks and stderr are both rendered as stderr)."""
    return panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()
