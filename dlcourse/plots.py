"""Plot helpers. Importing this module sets up a Korean font (NanumGothic, bundled by koreanize-matplotlib).

Introduced in lecture 00 (the font check); every lecture with a plot imports it.
"""

from __future__ import annotations

import koreanize_matplotlib  # noqa: F401  (side effect: registers NanumGothic and sets rcParams)
import matplotlib
import matplotlib.pyplot as plt
import numpy as np

matplotlib.rcParams["axes.unicode_minus"] = False  # the minus sign is missing from NanumGothic

KOREAN_FONT = matplotlib.rcParams["font.family"][0]


def font_has_glyphs(text: str, *, family: str | None = None) -> list[str]:
    """Characters of ``text`` (spaces aside) that the font ``family`` cannot draw; [] means all present."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=family or KOREAN_FONT), fallback_to_default=False)
    font = FT2Font(path)
    charmap = font.get_charmap()
    return [ch for ch in dict.fromkeys(text) if not ch.isspace() and ord(ch) not in charmap]


def set_log_scale(ax, axis: str = "y"):
    """Log scale with plain tick labels (0.01, 0.1, 1).

    Matplotlib's default log labels are mathtext (10^{-1}) drawn in the text font, and NanumGothic has no
    U+2212 minus sign: the labels would show a box and log a warning per tick.
    """
    from matplotlib.ticker import FuncFormatter, NullFormatter

    getattr(ax, f"set_{axis}scale")("log")
    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    getattr(ax, f"{axis}axis").set_minor_formatter(NullFormatter())
    return ax


def plot_history(history: dict[str, list[float]], *, title: str = "", ax=None, logy: bool = False):
    """Learning curves: one line per key of ``history`` (e.g. Keras ``History.history``)."""
    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    for name, values in history.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set_xlabel("epoch / step")
    if logy:
        set_log_scale(ax, "y")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def heatmap(matrix, *, xlabels=None, ylabels=None, title: str = "", ax=None, cmap: str = "viridis", fmt=None):
    """A labelled heatmap (e.g. hidden states over time, gate activations); ``fmt`` writes values in cells."""
    matrix = np.asarray(matrix)
    ax = ax or plt.subplots(figsize=(1 + 0.6 * matrix.shape[1], 1 + 0.5 * matrix.shape[0]))[1]
    im = ax.imshow(matrix, cmap=cmap, aspect="auto")
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), labels=list(xlabels))
    if ylabels is not None:
        ax.set_yticks(range(len(ylabels)), labels=list(ylabels))
    if fmt:
        for (i, j), v in np.ndenumerate(matrix):
            ax.text(j, i, format(v, fmt), ha="center", va="center", color="w", fontsize=8)
    ax.set_title(title)
    plt.colorbar(im, ax=ax)
    return ax
