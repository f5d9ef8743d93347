"""How JupyterLab renders the course's markdown: particles glued to bold, math and code (the prose check's rules,
tests/prose_rules.py), and a lecture figure linked as figures/<name>.png.

One scratch notebook in the served course's lectures/ folder, next to a copy of lectures/figures/rnn_unrolled.png.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest
from jupyterlab_ui import open_lab
from PIL import Image

from dlcourse.config import LECTURES_DIR

pytestmark = [pytest.mark.slow]

NOTEBOOK = "lectures/rendering_probe.ipynb"
FIGURE = "rnn_unrolled.png"

# (markdown, what it must render as): the patterns the course writes, and two the prose check forbids.
GOOD = [
    ("이번 강의에서는 **시퀀스 데이터**(sequence data)를 다룹니다.", "strong", "시퀀스 데이터"),
    ("요약한 벡터를 은닉 상태 $h_t$라는 이름으로 부릅니다.", "math", None),
    ("`fit`의 인자를 봅니다.", "code", "fit"),
    ("검증 데이터로는 학습 데이터의 **맨 뒤 10%를** 씁니다.", "strong", "맨 뒤 10%를"),
]
BROKEN = [  # a `**` right after punctuation cannot close before a Hangul letter (CommonMark's flanking rule)
    ("**데이터(data)**를 나눕니다.", "**데이터(data)**를"),
    ("학습 데이터의 **맨 뒤 10%**를 씁니다.", "**맨 뒤 10%**를"),
]
IMAGES = [f"![펼친 RNN](figures/{FIGURE})", f'<img src="figures/{FIGURE}" width="400" alt="펼친 RNN">']

CELLS_JS = """cells => cells.map(c => ({
    text: c.innerText,
    strong: Array.from(c.querySelectorAll('strong')).map(e => e.textContent),
    code: Array.from(c.querySelectorAll('code')).map(e => e.textContent),
    math: c.querySelectorAll('mjx-container, .MathJax, .katex').length,
}))"""

IMAGES_LOADED_JS = """() => {
    const imgs = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown img');
    return imgs.length === %d && Array.from(imgs).every(i => i.complete && i.naturalWidth > 0);
}"""


@pytest.fixture(scope="module")
def probe(lab):
    """The scratch notebook (one markdown cell per pattern, then the two image links) in the served course."""
    root = lab.course.root
    (root / "lectures" / "figures").mkdir(parents=True, exist_ok=True)
    shutil.copy(LECTURES_DIR / "figures" / FIGURE, root / "lectures" / "figures" / FIGURE)
    sources = [md for md, *_ in GOOD] + [md for md, _ in BROKEN] + IMAGES
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "dlcourse", "display_name": "딥러닝 실습 (dlcourse)", "language": "python"}
    nbformat.write(nb, root / NOTEBOOK)
    return NOTEBOOK


def test_markdown_particles_and_figure_links_render(page, lab, probe, shots):
    open_lab(page, lab, "rendering", probe)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    rendered = panel.locator(".jp-MarkdownCell .jp-RenderedMarkdown")
    n = len(GOOD) + len(BROKEN) + len(IMAGES)
    page.wait_for_function(
        f"() => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown').length"
        f" === {n}")
    math_cell = rendered.nth([kind for _, kind, _ in GOOD].index("math"))
    math_cell.locator("mjx-container, .MathJax, .katex").first.wait_for()  # MathJax typesets asynchronously
    page.wait_for_function(IMAGES_LOADED_JS % len(IMAGES))
    cells = rendered.evaluate_all(CELLS_JS)
    shots(panel, "08_markdown_particles_and_figure")

    for (md, kind, inner), cell in zip(GOOD, cells, strict=False):
        shown = cell["text"]
        assert "**" not in shown and "$" not in shown and "`" not in shown, (
            f"{md!r} left markup in the rendered text: {shown!r}")
        if kind == "strong":
            assert cell["strong"] == [inner], f"{md!r}: bold {cell['strong']}, expected [{inner!r}]"
        elif kind == "code":
            assert cell["code"] == [inner], f"{md!r}: code {cell['code']}, expected [{inner!r}]"
        else:
            assert cell["math"] >= 1, f"{md!r}: no typeset math in {shown!r}"
            assert "라는" in shown
    for (md, literal), cell in zip(BROKEN, cells[len(GOOD):], strict=False):
        assert cell["strong"] == [] and literal in cell["text"], (
            f"{md!r} was expected to stay literal (the `**` cannot close): bold {cell['strong']}, "
            f"text {cell['text']!r}")

    with Image.open(LECTURES_DIR / "figures" / FIGURE) as im:
        width = im.size[0]
    natural = panel.locator(".jp-RenderedMarkdown img").evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert natural == [width] * len(IMAGES), f"figures/{FIGURE} loaded with natural widths {natural}, not {width}"
