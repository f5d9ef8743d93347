"""The student's JupyterLab, in a real browser: a lecture runs clean with plots, Hangul renders, and the
nbgrader Validate button judges an untouched release (fails) and a solved copy (passes).
"""

from __future__ import annotations

import re
import subprocess
import sys

import psutil
import pytest
from jupyterlab_ui import (
    A3,
    A3_NOTEBOOK,
    LECTURE,
    SOLVED,
    error_outputs,
    open_notebook,
    run_menu,
    session_kernel,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.slow, pytest.mark.notebook]

RUN_ALL_TIMEOUT_MS = 600_000   # lecture 01 takes ~20 s in fast mode alone; a shared 2-core CI box is slower
VALIDATE_TIMEOUT_MS = 900_000  # the solved a3 trains its model (fast mode) while the server waits

PROMPTS_JS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')).map(e => e.textContent.trim())"""


# Run All is over: no cell queued or running, the kernel idle, and every code cell ran or an error is shown.
FINISHED_JS = """() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const prompts = Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt'))
                         .map(e => e.textContent.trim());
    if (prompts.some(p => p.includes('*'))) return false;
    const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    if (!ind || ind.getAttribute('data-status') !== 'idle') return false;
    const errors = panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
    return errors.length > 0 || prompts.every(p => /^\\[\\d+\\]:$/.test(p));
}"""


def test_lecture_runs_clean_with_plots(page, lab, shots):
    panel = open_notebook(page, lab, f"lectures/{LECTURE}", workspace="lecture")
    kernel = session_kernel(lab, f"lectures/{LECTURE}")
    connection = f"kernel-{kernel['id']}.json"
    procs = [p for p in psutil.process_iter(["cmdline"]) if connection in " ".join(p.info["cmdline"] or [])]
    assert procs, f"kernel {kernel['id']} has no process"
    assert procs[0].info["cmdline"][0].startswith(sys.prefix), (
        f"the lecture's kernel is not the course environment's Python: {procs[0].info['cmdline']}")
    n_code = panel.locator(".jp-CodeCell").count()
    assert n_code > 10, f"only {n_code} code cells rendered"

    run_menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(f"() => ({PROMPTS_JS})().every(p => p === '[ ]:')")
    assert panel.locator(".jp-OutputArea-output").count() == 0
    shots(page, "01_lecture01_opened")

    run_menu(page, "Run", "Run All Cells")
    page.wait_for_function(f"() => ({PROMPTS_JS})().some(p => p !== '[ ]:')")  # it started
    page.wait_for_function(FINISHED_JS, timeout=RUN_ALL_TIMEOUT_MS, polling=1000)
    shots(page, "02_lecture01_ran")

    errors = error_outputs(panel)
    assert not errors, f"lecture {LECTURE} shows {len(errors)} error output(s) in JupyterLab:\n" + \
        "\n---\n".join(e[-1500:] for e in errors)
    counts = [int(re.fullmatch(r"\[(\d+)\]:", p).group(1)) for p in page.evaluate(PROMPTS_JS)]
    assert len(counts) == n_code and counts == sorted(counts) and len(set(counts)) == n_code, (
        f"cells did not all run once in order: {counts}")

    images = panel.locator('.jp-OutputArea-output[data-mime-type="image/png"] img')
    assert images.count() >= 1, "no plot was rendered"
    sizes = images.evaluate_all("imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    assert all(ok and w > 100 and h > 100 for ok, w, h in sizes), f"a plot did not load: {sizes}"
    images.first.scroll_into_view_if_needed()
    shots(images.first, "03_lecture01_plot")


# A Hangul run of the lecture's own markdown next to the same number of code points no font has: with no
# Hangul font both render as identical .notdef boxes (tofu).
HANGUL_PROBE_JS = """(cell) => {
    const text = cell.innerText.match(/[\\uAC00-\\uD7A3]/g).slice(0, 12).join('');
    const probe = document.createElement('p');
    probe.id = 'dlcourse-hangul-probe';
    probe.innerHTML = '<span id="dlcourse-hangul"></span><br><span id="dlcourse-tofu"></span>';
    probe.querySelector('#dlcourse-hangul').textContent = text;
    probe.querySelector('#dlcourse-tofu').textContent = '\\u{10FFFD}'.repeat(text.length);
    cell.appendChild(probe);
    return [text, getComputedStyle(probe).fontFamily];
}"""


def _korean_font_families() -> set[str]:
    out = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True, check=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def test_hangul_renders_in_a_korean_font(page, lab, shots, browser_context):
    panel = open_notebook(page, lab, f"lectures/{LECTURE}", workspace="hangul")
    cell = panel.locator(".jp-MarkdownCell .jp-RenderedMarkdown", has_text=re.compile("[가-힣]")).first
    cell.scroll_into_view_if_needed()
    shots(cell, "04_hangul_markdown")
    text, family = cell.evaluate(HANGUL_PROBE_JS)
    hangul, tofu = page.locator("#dlcourse-hangul"), page.locator("#dlcourse-tofu")
    # Which installed fonts Chromium actually drew the Hangul with (DevTools protocol).
    cdp = browser_context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#dlcourse-hangul"})["nodeId"]
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    korean = _korean_font_families()
    assert korean, "no font with Hangul is installed (fc-list :lang=ko is empty): .ci/run installs fonts-nanum"
    drawn = {f["familyName"]: f["glyphCount"] for f in used}
    assert drawn and set(drawn) <= korean, (
        f"Hangul {text!r} (CSS font-family {family}) was drawn with {drawn}, not a Korean font {sorted(korean)}")
    assert hangul.screenshot() != tofu.screenshot(), f"Hangul {text!r} renders as the same boxes as missing glyphs"
    shots(page.locator("#dlcourse-hangul-probe"), "05_hangul_vs_missing_glyphs")
    print(f"Hangul {text!r}: CSS font-family {family}; drawn with {drawn}")


def _validate(page, lab, shots, path: str, shot: str) -> tuple[str, str]:
    """Open ``path``, press nbgrader's Validate; return the result dialog's (kind, text)."""
    panel = open_notebook(page, lab, path, workspace=shot)
    button = panel.locator(".jp-Toolbar .validate-button")
    try:
        button.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        items = panel.locator(".jp-Toolbar > .jp-Toolbar-item").evaluate_all(
            "els => els.map(e => e.dataset.jpItemName)")
        raise AssertionError(f"no nbgrader Validate button on the toolbar of {path} (toolbar: {items}): "
                             "is the @jupyter/nbgrader lab extension installed and enabled?") from None
    assert button.inner_text().strip() == "Validate"
    shots(page, f"{shot}_opened")
    button.click()
    dialog = page.locator(".jp-Dialog", has=page.locator(".jp-Dialog-header", has_text="Validation Results"))
    dialog.wait_for(timeout=VALIDATE_TIMEOUT_MS)
    shots(page, f"{shot}_result")
    body = dialog.locator(".jp-Dialog-body")  # nbgrader's result node: class validation-<kind>
    classes = (body.get_attribute("class") or "").split()
    kinds = [c for c in classes if c.startswith("validation-")] or ["error"]  # "There was an error running…"
    text = body.inner_text()
    dialog.locator(".jp-Dialog-button", has_text="Ok").click()
    dialog.wait_for(state="detached")
    assert len(kinds) == 1, f"unexpected validation dialog ({kinds}): {text[:2000]}"
    return kinds[0], text


def test_validate_reports_failing_tests_on_the_untouched_release(page, lab, shots):
    kind, text = _validate(page, lab, shots, f"assignments/{A3}/{A3_NOTEBOOK}", "06_a3_release_validate")
    assert kind == "validation-failed", f"the untouched release did not fail validation ({kind}):\n{text[:2000]}"
    failed = text.count("The following cell failed:")
    assert failed >= 1 and "NotImplementedError" in text, text[:2000]
    print(f"untouched release: {failed} test cell(s) reported failing")


def test_validate_passes_on_the_solved_copy(page, lab, shots):
    kind, text = _validate(page, lab, shots, SOLVED, "07_a3_solved_validate")
    assert kind == "validation-success", f"the solved copy did not pass validation ({kind}):\n{text[:3000]}"
    assert "Success! Your notebook passes all the tests." in text
