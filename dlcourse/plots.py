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


def plot_history(history: dict[str, list[float]], *, title: str = "", ax=None, logy: bool = False,
                 xlabel: str = "에포크", ylabel: str = "손실"):
    """Learning curves: one line per key of ``history`` (e.g. Keras ``History.history``), axes labelled in Korean
    (``xlabel="학습 스텝"`` when the points are steps, ``ylabel`` for what the values are)."""
    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    for name, values in history.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        set_log_scale(ax, "y")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def heatmap(matrix, *, xlabels=None, ylabels=None, title: str = "", ax=None, cmap: str = "viridis", fmt=None,
            vmin: float | None = None, vmax: float | None = None):
    """A labelled heatmap (e.g. hidden states over time, gate activations); ``fmt`` writes values in cells.
    Give ``vmin``/``vmax`` (e.g. 0 and 1 for gates) so that heatmaps compared side by side share one scale."""
    matrix = np.asarray(matrix)
    ax = ax or plt.subplots(figsize=(1 + 0.6 * matrix.shape[1], 1 + 0.5 * matrix.shape[0]))[1]
    im = ax.imshow(matrix, cmap=cmap, aspect="auto", vmin=vmin, vmax=vmax)
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


def image_grid(images, *, nrows: int | None = None, row_labels=None, title: str = "", ax=None, cmap: str = "gray"):
    """A grid of grey images (e.g. generated digits) drawn as one picture.

    ``images`` is (n, h, w) or (rows, cols, h, w); values are shown on a fixed [0, 1] scale so that grids
    from different training steps can be compared. ``row_labels`` (one per row) are written on the left.
    Introduced in lecture 08 (GAN samples over training); lecture 09 draws one row per label.
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        n = images.shape[0]
        nrows = nrows or int(np.floor(np.sqrt(n)))
        ncols = int(np.ceil(n / nrows))
        padded = np.zeros((nrows * ncols, *images.shape[1:]), np.float32)
        padded[:n] = images
        images = padded.reshape(nrows, ncols, *images.shape[1:])
    if images.ndim != 4:
        raise ValueError(f"image_grid: expected (n, h, w) or (rows, cols, h, w) images, got shape {images.shape}")
    rows, cols, h, w = images.shape
    canvas = np.ones((rows * (h + 1) - 1, cols * (w + 1) - 1), np.float32)  # 1-pixel white gutters
    for r in range(rows):
        for c in range(cols):
            canvas[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = images[r, c]
    ax = ax or plt.subplots(figsize=(max(2.0, 0.45 * cols), max(2.0, 0.45 * rows)))[1]
    ax.imshow(np.clip(canvas, 0.0, 1.0), cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks([])
    if row_labels is not None:
        if len(row_labels) != rows:
            raise ValueError(f"image_grid: {len(row_labels)} row labels for {rows} rows")
        ax.set_yticks([r * (h + 1) + h / 2 for r in range(rows)], labels=[str(x) for x in row_labels])
    else:
        ax.set_yticks([])
    ax.set_title(title)
    return ax


def embedding_map(points, labels, *, title: str = "", ax=None, fontsize: int = 9):
    """Words (Hangul included) written at their 2-D positions, e.g. word vectors after PCA.

    ``points`` is (n, 2), ``labels`` n strings. Introduced in lecture 07 (Word2Vec map of morphemes).
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(labels) != len(points):
        raise ValueError(f"embedding_map: need (n, 2) points and n labels, got {points.shape} and {len(labels)}")
    ax = ax or plt.subplots(figsize=(6, 5))[1]
    ax.scatter(points[:, 0], points[:, 1], s=8, alpha=0.5)
    for (x, y), label in zip(points, labels, strict=True):
        ax.annotate(str(label), (x, y), fontsize=fontsize, xytext=(2, 2), textcoords="offset points")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return ax
