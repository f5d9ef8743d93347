"""The instructor's view, in a real browser: nbgrader's formgrader, opened from JupyterLab's Nbgrader menu
in the same server the students' tests use, lists the course's assignments and the submissions that
``dlcourse demo``'s pipeline graded.

The demo pipeline (dlcourse.grading.demo.demo: collect → sandboxed grade → feedback) runs for real into
the scratch course's gradebook, on the tiny nbgrader assignment of tests/grading/files (numpy, seconds per
submission) with the same four kinds of sample submission `dlcourse demo` grades for a3 (written by
dlcourse.grading.samples.write_examples): correct, one function wrong, a damaged file, a Colab copy.
The a3 pipeline as a whole is tests/grading/test_a3.py's job.

Manual grading is checked on a3, where it matters (about a minute of grading on 2 cores): two real a3 submissions
(the solved example) are graded into the same gradebook, one whose student saved a loss curve and pasted a plot into
the reflection, one that saved nothing (the control), and formgrader's manual-grading page of each is read: the
student's saved plot and pasted image beside the reflection, marked as the student's, and the rubric above it.
"""

from __future__ import annotations

import base64
import copy
import io
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from jupyterlab_ui import A3, A3_NOTEBOOK, SOLVED, UI_TIMEOUT_MS, open_lab, run_menu
from nbformat.v4 import new_output
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dlcourse.config import settings
from dlcourse.grading import samples
from dlcourse.grading.collect import collect
from dlcourse.grading.demo import demo
from dlcourse.grading.grade import grade
from dlcourse.grading.gradebook import read_scores
from dlcourse.grading.release import release
from dlcourse.grading.repair import grade_id
from dlcourse.grading.rubric import LABEL, rubric_lines, shown_lines
from dlcourse.grading.sandbox import sandbox_problem
from dlcourse.grading.saved import MARKER_TEXT

pytestmark = pytest.mark.slow

TINY = "tiny"
TINY_SOURCE = Path(__file__).resolve().parents[1] / "grading" / "files" / "source" / TINY
# the "one function wrong" sample for tiny, as samples.MISTAKES has it for a3
TINY_MISTAKE = ("answer_normalize", "return x / x.sum()", "return x  # 흔한 실수: 합으로 나누지 않음")


@pytest.fixture(scope="module")
def demo_rows(lab):
    """The demo pipeline's report rows (by student) after it graded the tiny samples in the lab's course."""
    course = lab.course
    shutil.copytree(TINY_SOURCE, course.solutions / TINY)
    release(course=course, assignments=[TINY], echo=lambda *_: None)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(samples.MISTAKES, TINY, TINY_MISTAKE)
        samples.write_examples(course=course, assignment=TINY)
    start = time.perf_counter()
    lines: list[str] = []
    rows = demo(course=course, assignment=TINY, jobs=2, echo=lines.append)
    print(f"demo pipeline on {TINY}: {time.perf_counter() - start:.1f} s\n" + "\n".join(lines[-8:]))
    return {r.student: r for r in rows}


def _score_text(score: float, max_score: float) -> str:
    """How formgrader prints a score (roundToPrecision(x, 2), then 'score / max')."""
    def fmt(x: float) -> str:
        x = round(x, 2)
        return str(int(x)) if x == int(x) else str(x)
    return f"{fmt(score)} / {fmt(max_score)}"


def test_formgrader_lists_assignments_and_graded_submissions(page, lab, shots, demo_rows):
    graded = {s: r for s, r in demo_rows.items() if r.status == "graded"}
    assert len(graded) == 3 and demo_rows["s03"].status == "invalid", {s: r.status for s, r in demo_rows.items()}
    url = f"sqlite:///{lab.course.gradebook}"
    scores = {s: read_scores(url=url, course_id=settings().course_id, assignment=TINY, student=s)[TINY] for s in graded}
    assert scores["s01"].score > scores["s02"].score  # the wrong function lost its points

    open_lab(page, lab, workspace="formgrader")
    try:  # extensions add their menus as they activate, in no fixed order
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=30_000)
    except PlaywrightTimeout:
        pass
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert "Nbgrader" in menus, (f"no Nbgrader menu in JupyterLab's menu bar {menus}: "
                                 "is the @jupyter/nbgrader lab extension installed and enabled?")
    run_menu(page, "Nbgrader", "Formgrader")
    page.locator("iframe[src*='formgrader']").wait_for()
    frame = page.frame_locator("iframe[src*='formgrader']")

    # Manage Assignments: both assignments of the gradebook; tiny with its graded submissions
    rows = frame.locator("#main-table tr")
    frame.locator("#main-table tr td.name", has_text=TINY).wait_for(timeout=UI_TIMEOUT_MS)
    names = frame.locator("#main-table tr td.name").all_inner_texts()
    assert {A3, TINY} <= {n.strip() for n in names}, f"formgrader lists {names}"
    tiny_row = rows.filter(has=frame.locator("td.name", has_text=TINY))
    n_sub = tiny_row.locator("td.num-submissions").inner_text().strip()
    assert n_sub == str(len(graded)), f"formgrader shows {n_sub} submissions of {TINY}, the demo graded {len(graded)}"
    shots(page, "08_formgrader_assignments")

    # Manage Submissions of tiny: every graded student, status and score as in the gradebook
    tiny_row.locator("td.num-submissions a").click()
    subs = frame.locator("#main-table tr")
    frame.locator("#main-table tr td.student-id", has_text="s01").wait_for(timeout=UI_TIMEOUT_MS)
    shown = {}
    for i in range(subs.count()):
        row = subs.nth(i)
        shown[row.locator("td.student-id").inner_text().strip()] = (
            row.locator("td.status").inner_text().strip(), row.locator("td.score").inner_text().strip())
    shots(page, "09_formgrader_submissions")
    expected = {s: _score_text(sc.score, sc.max_score) for s, sc in scores.items()}
    assert set(shown) == set(graded), f"formgrader lists {sorted(shown)}, the demo graded {sorted(graded)}"
    for student, (status, score) in shown.items():
        assert status in {"graded", "needs manual grading"}, (student, status)
        assert score == expected[student], f"{student}: formgrader shows {score!r}, the gradebook {expected[student]!r}"
    print(f"formgrader: {shown}")


# ── manual grading of a3: the student's saved plot beside the reflection, the rubric above it ────────────────
LOSS_CELL = "np.cumsum([0.0, *loss_history])"  # the loss-curve cell: the student's own (not locked), so restored
SAVED, CONTROL = "s10", "s11"


def _png(title: str, slope: float) -> str:
    """A small real plot as base64 PNG: what the student's notebook held (differs from the grading run's)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3.2, 2.0), dpi=60)
    ax.plot([6.3 * (1 - slope) ** k + 2.8 for k in range(60)])
    ax.set_title(title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


@pytest.fixture(scope="module")
def a3_manual(lab):
    """Two a3 submissions graded for real into the lab's gradebook: SAVED (the solved example as its student saved
    it: a loss curve in the loss-curve cell, a plot pasted into the reflection) and CONTROL (the same answers,
    nothing saved). Returns (report rows, submission-notebook ids, both PNGs, the reflection's first line, grading
    seconds)."""
    from nbgrader.api import Gradebook

    course = lab.course
    solved = nbformat.read(course.root / SOLVED, as_version=4)
    curve, pasted = _png("my loss (saved)", 0.08), _png("pasted", 0.2)
    mine = copy.deepcopy(solved)
    [loss] = [c for c in mine.cells if LOSS_CELL in c.source]
    loss.outputs = [new_output("stream", name="stdout", text="마지막 손실 2.81 nats\n"),
                    new_output("display_data", data={"image/png": curve, "text/plain": "<Figure size 320x200>"})]
    [reflection] = [c for c in mine.cells if grade_id(c) == "reflection"]
    first_line = reflection.source.split("\n")[0][:30]
    reflection.source += "\n\n![내 손실 곡선](attachment:loss.png)"
    reflection.attachments = {"loss.png": {"image/png": pasted}}
    lms = course.root.parent / "lms-a3"
    for student, nb in ((SAVED, mine), (CONTROL, solved)):
        (lms / student).mkdir(parents=True)
        nbformat.write(nb, lms / student / A3_NOTEBOOK)
    collect(source=lms, assignment=A3, course=course, echo=lambda *_: None)
    start = time.perf_counter()
    rows = grade(assignment=A3, course=course, jobs=2, sandbox=sandbox_problem() is None, echo=lambda *_: None)
    seconds = time.perf_counter() - start
    print(f"graded {len(rows)} a3 submissions in {seconds:.1f} s")
    with Gradebook(f"sqlite:///{course.gradebook}", settings().course_id) as gb:
        ids = {s: gb.find_submission_notebook(A3_NOTEBOOK[:-6], A3, s).id for s in (SAVED, CONTROL)}
    return {r.student: r for r in rows}, ids, (curve, pasted), first_line, seconds


def _formgrader(page, lab):
    """JupyterLab → Nbgrader → Formgrader, as in the test above; returns the formgrader's frame."""
    open_lab(page, lab, workspace="manual-grading")
    try:  # extensions add their menus as they activate, in no fixed order
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=30_000)
    except PlaywrightTimeout:
        pass
    run_menu(page, "Nbgrader", "Formgrader")
    page.locator("iframe[src*='formgrader']").wait_for()
    return page.frame_locator("iframe[src*='formgrader']")


def _open_submission(frame, lab, submission_id: str):
    """Manual Grading → a3 → char_rnn → the submission's link: formgrader's manual-grading page of one submission.
    Returns (the loss-curve cell, the reflection cell)."""
    notebook = A3_NOTEBOOK[:-6]
    # each link is found by where it leads, so a click never lands on the page before it
    frame.locator("a[href$='/formgrader/gradebook']", has_text="Manual Grading").first.click()
    frame.locator(f"#main-table a[href$='/formgrader/gradebook/{A3}']").click()
    frame.locator(f"#main-table a[href$='/formgrader/gradebook/{A3}/{notebook}']").click()
    # "Submission #n": names stay hidden, as formgrader shows them by default
    frame.locator(f"#main-table a.name-hidden[href$='/formgrader/submissions/{submission_id}']").click()
    frame.locator("input.score#reflection, #error-500").first.wait_for(state="attached")
    if frame.locator("#error-500").count():  # e.g. a pasted image whose attachment is missing: nbconvert refuses
        pytest.fail(f"formgrader cannot show submission {submission_id}:\n{lab.log_tail()}")
    reflection = frame.locator("div.cell", has=frame.locator("input.score#reflection"))
    loss = frame.locator("div.code_cell", has_text=LOSS_CELL)
    assert loss.count() == 1
    return loss, reflection


def _srcs(locator) -> list[str]:
    return [img.get_attribute("src") or "" for img in locator.locator("img").all()]


def _before(a, b) -> bool:
    """Locator ``a``'s element comes before ``b``'s in the page."""
    return a.evaluate("(x, y) => !!(x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING)",
                      b.element_handle())


def _above(cell):
    """The notebook cell right above ``cell`` in formgrader's page."""
    return cell.locator("xpath=preceding-sibling::div[contains(concat(' ', @class, ' '), ' cell ')][1]")


def test_manual_grading_shows_the_saved_plot_beside_the_reflection(page, lab, shots, a3_manual):
    rows, ids, (curve, pasted), first_line, seconds = a3_manual
    assert rows[SAVED].status == rows[CONTROL].status == "graded", {s: r.messages for s, r in rows.items()}
    assert rows[SAVED].score == rows[CONTROL].score > 0  # what the student saved never changes a score

    frame = _formgrader(page, lab)
    loss, reflection = _open_submission(frame, lab, ids[SAVED])
    # the reflection answer shows this student's text and the plot they pasted, decoded and drawn
    assert first_line in reflection.inner_text()
    pasted_img = reflection.locator(f"img[src$='{pasted[-40:]}']")
    assert pasted_img.count() == 1 and pasted_img.evaluate("i => i.complete && i.naturalWidth > 0")
    # the loss-curve cell, above it on the same page: the grading run's outputs (no figure: kernels grade with
    # matplotlib's Agg backend), then the marker, then the plot the student saved
    srcs = _srcs(loss)
    assert len(srcs) == 1 and srcs[0].endswith(curve), [s[:40] for s in srcs]
    marker = loss.locator(".output_area", has_text=MARKER_TEXT)
    saved_img = loss.locator(f"img[src$='{curve[-40:]}']")
    assert marker.count() == 1 and _before(marker, saved_img) and _before(loss, reflection)
    assert saved_img.evaluate("i => i.complete && i.naturalWidth > 0")
    notebook = frame.locator("#notebook-container").first  # formgrader wraps nbconvert's own container
    assert notebook.inner_text().count(MARKER_TEXT) == 1  # only where the student saved something
    # the rubric of solutions/a3, all of it, labelled for the grader, is the cell right above the reflection
    rubric = rubric_lines(lab.course.source_dir(A3) / A3_NOTEBOOK)
    assert shown_lines(_above(reflection).inner_html(), rubric) == sorted(rubric)
    assert _above(reflection).inner_text().startswith(LABEL)
    shots(_above(reflection), "10_formgrader_rubric")
    shots(reflection, "11_formgrader_reflection")
    shots(loss, "12_formgrader_saved_loss_curve")

    # the control saved nothing: the same cells without the marker and the student's images
    loss, reflection = _open_submission(frame, lab, ids[CONTROL])
    assert _srcs(loss) == []  # the grading run draws no figure: without the restore, s10's cell looks like this
    html = notebook.inner_html()
    assert MARKER_TEXT not in notebook.inner_text() and curve not in html and pasted not in html
    assert reflection.locator("img").count() == 0 and first_line in reflection.inner_text()
    assert shown_lines(_above(reflection).inner_html(), rubric) == sorted(rubric)
    print(f"manual grading pages checked for {SAVED} and {CONTROL}; a3 grading took {seconds:.1f} s")
