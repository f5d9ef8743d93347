"""The instructor's view, in a real browser: nbgrader's formgrader, opened from JupyterLab's Nbgrader menu
in the same server the students' tests use, lists the course's assignments and the submissions that
``dlcourse demo``'s pipeline graded.

The demo pipeline (dlcourse.grading.demo.demo: collect → sandboxed grade → feedback) runs for real into
the scratch course's gradebook, on the tiny nbgrader assignment of tests/grading/files (numpy, seconds per
submission) with the same four kinds of sample submission `dlcourse demo` grades for a3 (written by
dlcourse.grading.samples.write_examples): correct, one function wrong, a damaged file, a Colab copy.
Grading a3 itself takes minutes and is tests/grading/test_a3.py's job.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from jupyterlab_ui import A3, UI_TIMEOUT_MS, open_lab, run_menu
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dlcourse.config import settings
from dlcourse.grading import samples
from dlcourse.grading.demo import demo
from dlcourse.grading.gradebook import read_scores
from dlcourse.grading.release import release

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
