"""The lecture figures (dlcourse.diagrams -> lectures/figures/*.png): drawn by the code, committed as drawn,
small, in the Korean font, and every figure a lecture links exists.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from PIL import Image

from dlcourse import diagrams, plots
from dlcourse.config import LECTURES_DIR, REPO_ROOT
from dlcourse.diagrams import canvas

FIGURES_DIR = LECTURES_DIR / "figures"
# The names the lecture notebooks link (BRIEF.md / issue 12): a rename here breaks their links.
NAMES = ["rnn_unrolled", "computation_graphs", "bptt_flow", "lstm_cell", "gru_cell", "brnn", "cbow_skipgram",
         "gan_architecture", "cgan_architecture"]
MAX_BYTES = 150_000
WIDTH = (700, 1000)    # px: about a notebook's markdown width (~800 px), so labels stay readable
HEIGHT = (300, 900)

# ![alt](figures/x.png), ![alt](figures/x.png "title"), <img src="figures/x.png" ...>
LINK = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|<img\b[^>]*\bsrc\s*=\s*[\"']([^\"']+)[\"']")


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Every figure drawn afresh into a scratch folder: {name: path}."""
    out = tmp_path_factory.mktemp("figures")
    paths = diagrams.draw(out)
    return {p.stem: p for p in paths}


def _pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGBA"))


def test_the_module_draws_exactly_the_linked_names(drawn):
    assert list(diagrams.FIGURES) == NAMES
    assert sorted(drawn) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_drawn_figure_is_a_small_png_without_timestamp(drawn, name):
    path = drawn[name]
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{name}.png is {size / 1000:.0f} kB (limit {MAX_BYTES / 1000:.0f} kB)"
    with Image.open(path) as im:
        assert im.format == "PNG"
        w, h = im.size
        info = dict(im.info)
    assert WIDTH[0] <= w <= WIDTH[1] and HEIGHT[0] <= h <= HEIGHT[1], f"{name}.png is {w}×{h} px"
    # The default metadata (Software: matplotlib version) would change the bytes with every upgrade.
    assert not {"Software", "Creation Time", "date:create"} & set(info), f"{name}.png metadata: {info}"
    pixels = _pixels(path)
    assert (pixels[..., 3] == 255).all(), f"{name}.png has transparent pixels (the background must be white)"
    corners = pixels[[0, 0, -1, -1], [0, -1, 0, -1], :3]
    assert (corners == 255).all(), f"{name}.png corners are not white: {corners.tolist()}"


def test_drawing_is_deterministic(drawn, tmp_path):
    again = diagrams.draw(tmp_path, ["lstm_cell", "cbow_skipgram"])
    for path in again:
        assert path.read_bytes() == drawn[path.stem].read_bytes(), f"{path.name} differs between two runs"


@pytest.mark.parametrize("name", NAMES)
def test_committed_figure_is_what_the_code_draws(drawn, name):
    committed = FIGURES_DIR / f"{name}.png"
    assert committed.is_file(), f"{committed.relative_to(REPO_ROOT)} is missing: run `make figures` and commit"
    size = committed.stat().st_size
    assert size < MAX_BYTES, f"{committed.name} is {size / 1000:.0f} kB"
    new, old = _pixels(drawn[name]), _pixels(committed)
    assert new.shape == old.shape, f"{committed.name}: committed {old.shape[:2]}, code draws {new.shape[:2]}: " \
                                   "run `make figures` and commit"
    differ = np.any(new != old, axis=-1).mean()
    assert differ == 0, f"{committed.name}: {differ:.2%} of the pixels differ from what the code draws: " \
                        "run `make figures` and commit"


def test_no_stray_files_in_the_figures_folder():
    stray = sorted(p.name for p in FIGURES_DIR.iterdir() if p.stem not in NAMES or p.suffix != ".png")
    assert not stray, f"lectures/figures/ holds files no code draws: {stray}"


def _markdown_links():
    """(lecture, cell index, link) for every image a lecture's markdown embeds."""
    for nb_path in sorted(LECTURES_DIR.glob("*.ipynb")):
        cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                src = "".join(cell["source"])
                for m in LINK.finditer(src):
                    yield nb_path.name, i, m.group(1) or m.group(2)


def test_link_pattern_finds_both_forms():
    found = [m.group(1) or m.group(2) for m in LINK.finditer(
        '![펼친 RNN: $W_{hh}$](figures/a.png) and <img src="figures/b.png" width=400> '
        '![t](figures/c.png "제목") ![x](https://example.org/d.png)')]
    assert found == ["figures/a.png", "figures/b.png", "figures/c.png", "https://example.org/d.png"]


def test_every_figure_a_lecture_links_exists():
    links = list(_markdown_links())
    local = [(nb, i, link) for nb, i, link in links if not re.match(r"[a-z]+:", link)]
    missing = [f"{nb} cell {i}: {link}" for nb, i, link in local if not (LECTURES_DIR / link).is_file()]
    assert not missing, "linked images that do not exist (the figures are " \
                        f"{', '.join(f'figures/{n}.png' for n in NAMES)}):\n" + "\n".join(missing)
    outside = [f"{nb} cell {i}: {link}" for nb, i, link in local if not link.startswith("figures/")]
    assert not outside, "lecture images must live in lectures/figures/ (relative link figures/…):\n" + \
        "\n".join(outside)


# ── the Korean font ─────────────────────────────────────────────────────────────────────────────────────

def test_figures_are_drawn_in_nanum_gothic():
    assert matplotlib.rcParams["font.family"][0] == plots.KOREAN_FONT == "NanumGothic"
    fig = diagrams.FIGURES["computation_graphs"]()
    try:
        texts = [t for t in fig.findobj(matplotlib.text.Text) if re.search("[가-힣]", t.get_text())]
        assert texts, "the figure has no Hangul label"
        assert {t.get_fontfamily()[0] for t in texts} == {"NanumGothic"}
        assert canvas.missing_glyphs(fig) == []
    finally:
        matplotlib.pyplot.close(fig)


def test_save_refuses_a_label_in_a_font_without_hangul(tmp_path):
    c = canvas.Canvas(2, 1)
    c.text(1, 0.5, "은닉 상태", fontfamily="DejaVu Sans")
    assert canvas.missing_glyphs(c.fig) == ["은", "닉", "상", "태"]
    with pytest.raises(RuntimeError, match="no glyph"):
        canvas.save(c.fig, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_save_refuses_when_nanum_gothic_is_not_the_active_font(tmp_path, monkeypatch):
    c = canvas.Canvas(2, 1)
    c.text(1, 0.5, "t")
    monkeypatch.setitem(matplotlib.rcParams, "font.family", ["DejaVu Sans"])
    with pytest.raises(RuntimeError, match="NanumGothic"):
        canvas.save(c.fig, tmp_path / "x.png")


def test_save_refuses_symbols_outside_math(tmp_path):
    c = canvas.Canvas(2, 1)
    c.text(1, 0.7, "이미지 → 단어")          # NanumGothic's arrow vanishes at small sizes
    c.text(1, 0.3, "이미지 $\\rightarrow$ 단어")  # the way to write it
    assert canvas.symbols_outside_math(c.fig) == ["→"]
    with pytest.raises(RuntimeError, match="math"):
        canvas.save(c.fig, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


# ── the command line and make ───────────────────────────────────────────────────────────────────────────

def test_command_line_writes_the_named_figures(tmp_path):
    out = subprocess.run([sys.executable, "-m", "dlcourse.diagrams", str(tmp_path / "out"), "brnn"],
                         capture_output=True, text=True, cwd=REPO_ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["brnn.png"]
    assert "brnn.png" in out.stdout


def test_unknown_figure_name_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="unknown figure"):
        diagrams.draw(tmp_path, ["lstm"])


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_figures_regenerates_every_figure():
    # CI runs the suite from inside `make test`: a sub-make inherits MAKEFLAGS and prints "Entering directory"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    out = subprocess.run(["make", "--no-print-directory", "-n", "figures"], cwd=REPO_ROOT, capture_output=True,
                         text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert ".venv/bin/python -m dlcourse.diagrams lectures/figures" in out.stdout.strip().splitlines(), out.stdout
