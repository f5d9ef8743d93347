"""The drawing kit shared by every lecture figure: a canvas measured in inches, boxes, operator circles, arrows.

One canvas unit is one inch of the saved figure, so font sizes (points) and box sizes keep the same proportion in
every figure. Colours follow lecture 01's convention: red = input, green = hidden state, blue = output.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are written to files; no display is needed (or wanted in a test run)

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from dlcourse import plots  # noqa: E402  (side effect: NanumGothic for Hangul)

DPI = 100               # 8-9 inch figures -> 800-900 px, the width of a notebook's markdown cell
FONT = 11               # points: body labels
SMALL = 9.5             # points: notes, weight labels
TITLE = 12.5            # points: panel titles

INK = "#222222"
MUTED = "#666666"
BACKWARD = "#d84315"    # backward (error) flow: deep orange, dashed
HIGHWAY = "#ef8a17"     # LSTM cell state / GRU state path

# kind -> (face, edge)
STYLES = {
    "input": ("#fde4e1", "#c62828"),
    "hidden": ("#dcefd8", "#2e7d32"),
    "hidden2": ("#d9eef2", "#00838f"),   # a second hidden chain (the backward RNN)
    "output": ("#dde8f8", "#1565c0"),
    "loss": ("#eeeeee", "#555555"),
    "sigmoid": ("#fff2c2", "#b7860b"),   # gates
    "tanh": ("#f1e3f6", "#7b1fa2"),      # candidates and squashing
    "net": ("#e8eaf6", "#3949ab"),       # whole networks (G, D, projection)
    "plain": ("#ffffff", "#444444"),
    "note": ("#f7f7f7", "#bbbbbb"),
}


@dataclass
class Node:
    """A drawn box or circle: its centre and half-sizes, and the patch arrows clip against."""
    patch: object
    x: float
    y: float
    w: float
    h: float

    def side(self, where: str, frac: float = 0.0) -> tuple[float, float]:
        """A point on the box edge: where in top/bottom/left/right; frac in [-1, 1] slides along that edge."""
        if where == "top":
            return self.x + frac * self.w / 2, self.y + self.h / 2
        if where == "bottom":
            return self.x + frac * self.w / 2, self.y - self.h / 2
        if where == "left":
            return self.x - self.w / 2, self.y + frac * self.h / 2
        if where == "right":
            return self.x + self.w / 2, self.y + frac * self.h / 2
        raise ValueError(f"side: unknown edge {where!r}")

    @property
    def centre(self) -> tuple[float, float]:
        return self.x, self.y


Point = tuple[float, float]


class Canvas:
    """A blank figure of ``width`` × ``height`` inches whose data coordinates are inches from the lower left."""

    def __init__(self, width: float, height: float):
        self.fig = plt.figure(figsize=(width, height), facecolor="white")
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, width)
        self.ax.set_ylim(0, height)
        self.ax.set_axis_off()

    # ── shapes ──────────────────────────────────────────────────────────────────────────────────────
    def box(self, x: float, y: float, text: str = "", *, kind: str = "plain", w: float = 0.7, h: float = 0.5,
            size: float = FONT, lw: float = 1.4, bold: bool = False) -> Node:
        """A rounded box centred at (x, y) with ``text`` inside."""
        face, edge = STYLES[kind]
        patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.08",
                               facecolor=face, edgecolor=edge, linewidth=lw, zorder=3)
        self.ax.add_patch(patch)
        if text:
            self.text(x, y, text, size=size, weight="bold" if bold else "normal", zorder=4)
        return Node(patch, x, y, w, h)

    def op(self, x: float, y: float, symbol: str, *, r: float = 0.17, size: float = FONT + 1,
           kind: str = "plain") -> Node:
        """A small circle holding an operator ($\\odot$, $+$, tanh, $1-$)."""
        face, edge = STYLES[kind]
        patch = Circle((x, y), r, facecolor=face, edgecolor=edge, linewidth=1.3, zorder=5)
        self.ax.add_patch(patch)
        self.text(x, y, symbol, size=size, zorder=6)
        return Node(patch, x, y, 2 * r, 2 * r)

    def region(self, x0: float, y0: float, x1: float, y1: float, *, face: str = "#f5f5f5", edge: str = "#999999",
               ls: str = "-", lw: float = 1.2, round_: float = 0.15, z: float = 0) -> None:
        """A background panel (a cell's outline, a time window)."""
        self.ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle=f"round,pad=0,rounding_size={round_}",
                                         facecolor=face, edgecolor=edge, linestyle=ls, linewidth=lw, zorder=z))

    def image(self, x: float, y: float, pixels, *, size: float = 0.6, kind: str = "plain") -> Node:
        """A small grey image (e.g. an 8×8 digit) centred at (x, y), framed in the edge colour of ``kind``."""
        edge = STYLES[kind][1]
        self.ax.imshow(pixels, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest", zorder=3,
                       extent=(x - size / 2, x + size / 2, y - size / 2, y + size / 2))
        frame = Rectangle((x - size / 2, y - size / 2), size, size, fill=False, edgecolor=edge, linewidth=1.4,
                          zorder=4)
        self.ax.add_patch(frame)
        return Node(frame, x, y, size, size)

    # ── text ────────────────────────────────────────────────────────────────────────────────────────
    def text(self, x: float, y: float, s: str, *, size: float = FONT, ha: str = "center", va: str = "center",
             color: str = INK, weight: str = "normal", zorder: float = 6, backdrop: bool = False, **kw):
        """Text at (x, y); ``backdrop`` puts a white patch behind it (a label sitting on a line)."""
        bbox = dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none", alpha=0.9) if backdrop else None
        return self.ax.text(x, y, s, fontsize=size, ha=ha, va=va, color=color, fontweight=weight, zorder=zorder,
                            bbox=bbox, **kw)

    def title(self, x: float, y: float, s: str, *, size: float = TITLE, **kw):
        return self.text(x, y, s, size=size, weight="bold", **kw)

    # ── arrows ──────────────────────────────────────────────────────────────────────────────────────
    def arrow(self, a: Node | Point, b: Node | Point, *, label: str = "", label_at: float = 0.5,
              label_dx: float = 0.0, label_dy: float = 0.0, label_size: float = SMALL, color: str = INK,
              lw: float = 1.4, ls: str = "-", head: bool = True, label_color: str | None = None,
              z: float = 2, shrink: float = 1.5) -> FancyArrowPatch:
        """A straight arrow from a to b (boxes or points), clipped at the boxes' edges; ``label`` sits on it."""
        pa, pb = _point(a), _point(b)
        arrow = FancyArrowPatch(pa, pb, arrowstyle="-|>" if head else "-", mutation_scale=13, color=color, lw=lw,
                                linestyle=ls, zorder=z,
                                patchA=a.patch if isinstance(a, Node) else None,
                                patchB=b.patch if isinstance(b, Node) else None,
                                shrinkA=shrink if isinstance(a, Node) else 0, shrinkB=shrink)
        self.ax.add_patch(arrow)
        if label:  # placed along the visible part, between the boxes' edges
            ea, eb = _edge(a, pb), _edge(b, pa)
            lx = ea[0] + label_at * (eb[0] - ea[0]) + label_dx
            ly = ea[1] + label_at * (eb[1] - ea[1]) + label_dy
            self.text(lx, ly, label, size=label_size, color=label_color or color, backdrop=True, zorder=7)
        return arrow

    def path(self, points: list[Point], *, color: str = INK, lw: float = 1.4, ls: str = "-", head: bool = True,
             z: float = 2, into: Node | None = None) -> FancyArrowPatch:
        """A polyline through ``points`` (right-angled wiring), with an arrow head at the last point.

        With ``into``, the last segment is extended to end on that box's or circle's edge.
        """
        if into is not None:
            points = [*points, _edge(into, points[-1])]
        codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1)
        arrow = FancyArrowPatch(path=MplPath(points, codes), arrowstyle="-|>" if head else "-", mutation_scale=13,
                                color=color, lw=lw, linestyle=ls, zorder=z, shrinkA=0, shrinkB=0,
                                joinstyle="miter", capstyle="butt")
        self.ax.add_patch(arrow)
        return arrow

    def loop(self, node: Node, *, color: str = INK, reach: float = 0.6, lw: float = 1.6) -> Point:
        """A self-loop leaving ``node``'s right edge and coming back to it; returns the loop's rightmost point."""
        x, y = node.side("right")
        pts = [(x, y + 0.12), (x + reach, y + 0.55), (x + reach, y - 0.55), (x, y - 0.12)]
        codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4]
        self.ax.add_patch(FancyArrowPatch(path=MplPath(pts, codes), arrowstyle="-|>", mutation_scale=13, color=color,
                                          lw=lw, zorder=2, shrinkA=0, shrinkB=0))
        return x + 0.75 * reach, y

    def dot(self, x: float, y: float, *, color: str = INK, r: float = 0.035) -> None:
        """A junction dot where one wire splits into several."""
        self.ax.add_patch(Circle((x, y), r, color=color, zorder=5))


def _point(p: Node | Point) -> Point:
    return p.centre if isinstance(p, Node) else p


def _edge(p: Node | Point, toward: Point) -> Point:
    """Where the line from ``p``'s centre toward ``toward`` leaves its box (``p`` itself for a bare point)."""
    if not isinstance(p, Node):
        return p
    dx, dy = toward[0] - p.x, toward[1] - p.y
    if isinstance(p.patch, Circle):
        r = p.w / 2 / (dx * dx + dy * dy) ** 0.5
        return p.x + dx * r, p.y + dy * r
    scale = min(p.w / 2 / abs(dx) if dx else float("inf"), p.h / 2 / abs(dy) if dy else float("inf"))
    return p.x + dx * scale, p.y + dy * scale


# ── saving ──────────────────────────────────────────────────────────────────────────────────────────────

_MATH = re.compile(r"\$[^$]*\$")


def _plain_text(fig) -> str:
    """Every text of ``fig`` with its math ($…$) removed: what NanumGothic itself draws."""
    return " ".join(_MATH.sub("", t.get_text()) for t in fig.findobj(matplotlib.text.Text))


def missing_glyphs(fig) -> list[str]:
    """Characters outside math ($…$) that the font of their text (NanumGothic unless set otherwise) cannot draw."""
    missing: dict[str, None] = {}
    for t in fig.findobj(matplotlib.text.Text):
        plain = _MATH.sub("", t.get_text())
        if plain.strip():
            missing.update(dict.fromkeys(plots.font_has_glyphs(plain, family=t.get_fontfamily()[0])))
    return list(missing)


def symbols_outside_math(fig) -> list[str]:
    """Characters outside math that are neither Hangul, ASCII nor '·'.

    NanumGothic has arrows and operators (→, ⊙, ⋯), but at 9-11 pt its arrow shafts vanish and its ⊙ is a
    large ringed dot; mathtext draws them clearly ($\\rightarrow$, $\\odot$, $\\cdots$).
    """
    def allowed(ch: str) -> bool:
        return ch.isascii() or ch == "·" or "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"
    return sorted({ch for ch in _plain_text(fig) if not allowed(ch)})


def save(fig, path: Path) -> Path:
    """Write ``fig`` as a PNG without a timestamp or version in its metadata (same code -> same bytes).

    Fails when the Korean font is not the active one or a glyph would be drawn as a box.
    """
    if plots.KOREAN_FONT != "NanumGothic" or matplotlib.rcParams["font.family"][0] != "NanumGothic":
        raise RuntimeError(f"diagrams need NanumGothic, the active font is {matplotlib.rcParams['font.family']}")
    missing = missing_glyphs(fig)
    if missing:
        raise RuntimeError(f"{path.name}: the font has no glyph for {missing}")
    symbols = symbols_outside_math(fig)
    if symbols:
        raise RuntimeError(f"{path.name}: write {symbols} in math ($…$), not in the text font")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")  # a box instead of a letter
        fig.savefig(path, dpi=DPI, facecolor="white", metadata={"Software": None},
                    pil_kwargs={"optimize": True})
    plt.close(fig)
    return path
