"""Lectures 08-09: the GAN and the conditional GAN, drawn by one function (the cGAN adds the label y).

Notation as in the lectures: $z \\sim p_z$, $x \\sim p_{data}$, $D(\\cdot) \\in (0, 1)$, the discriminator loss
$\\mathcal{L}_D$ and the non-saturating generator loss $\\mathcal{L}_G = -\\log D(G(z))$.
"""

from __future__ import annotations

import numpy as np

from dlcourse.diagrams.canvas import FONT, MUTED, SMALL, Canvas

# an 8×8 "7" (the real sample) and a noisy copy of it (what a half-trained generator might draw)
SEVEN = np.array([
    [0, 1, 1, 1, 1, 1, 1, 0],
    [0, 0, 0, 0, 0, 1, 1, 0],
    [0, 0, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 1, 1, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 0, 0],
    [0, 0, 1, 1, 0, 0, 0, 0],
    [0, 0, 1, 0, 0, 0, 0, 0],
    [0, 0, 1, 0, 0, 0, 0, 0],
], dtype=float)


def _fake(pixels: np.ndarray) -> np.ndarray:
    return np.clip(0.7 * pixels + 0.35 * np.random.default_rng(0).random(pixels.shape), 0, 1)


def _gan(*, conditional: bool):
    """The GAN (conditional=False, lecture 08) or the cGAN (True, lecture 09): data flow and the two losses."""
    c = Canvas(9.0, 5.9 if conditional else 5.3)
    y_real, y_fake = (4.55, 2.75) if conditional else (4.0, 2.2)
    y_d = (y_real + y_fake) / 2
    cy = ", y" if conditional else ""
    title = ("조건부 GAN(cGAN): 레이블 $y$를 생성자와 판별자 모두에 넣습니다" if conditional
             else "GAN: 생성자 $G$는 판별자 $D$를 속이려 하고, $D$는 진짜와 가짜를 가려내려 합니다")
    c.title(4.5, y_real + 0.95, title, size=FONT + 0.5)
    # real samples
    data = c.box(1.0, y_real, "학습 데이터", kind="plain", w=1.3, h=0.5)
    x = c.image(3.55, y_real, SEVEN, kind="input")
    c.arrow(data, x, label="뽑기", label_dy=0.17, label_color=MUTED)
    c.text(3.55, y_real + 0.5, "진짜 $x \\sim p_{data}$", size=SMALL)
    # fake samples
    z = c.box(1.0, y_fake, "잡음 $z \\sim p_z$", kind="plain", w=1.3, h=0.5)
    g = c.box(2.35, y_fake, "$G$", kind="net", w=0.6, h=0.6, size=FONT + 1)
    fake = c.image(3.55, y_fake, _fake(SEVEN), kind="output")
    c.arrow(z, g)
    c.arrow(g, fake)
    c.text(2.35, y_fake + 0.45, "생성자", size=SMALL, color=MUTED)
    c.text(3.55, y_fake - 0.5, f"가짜 $G(z{cy})$", size=SMALL)
    # the discriminator and its output
    d = c.box(5.05, y_d, "$D$", kind="net", w=0.6, h=0.6, size=FONT + 1)
    c.text(5.05, y_d + 0.45, "판별자", size=SMALL, color=MUTED)
    c.arrow(x, d)
    c.arrow(fake, d)
    out = c.box(6.55, y_d, f"$D(\\cdot{cy}) \\in (0, 1)$", kind="plain", w=1.45, h=0.5)
    c.text(6.55, y_d - 0.45, "진짜일 확률", size=SMALL, color=MUTED)
    c.arrow(d, out)
    ld = c.box(8.25, y_real, "$\\mathcal{L}_D$", kind="loss", w=0.7, h=0.5)
    lg = c.box(8.25, y_fake, "$\\mathcal{L}_G$", kind="loss", w=0.7, h=0.5)
    c.arrow(out, ld)
    c.arrow(out, lg)
    if conditional:
        lab = c.box(1.0, 1.55, "레이블 $y$ (원-핫)", kind="sigmoid", w=1.5, h=0.5)
        c.path([lab.side("right"), (g.x, lab.y)], into=g)
        c.path([lab.side("right"), (d.x, lab.y)], into=d)
        c.dot(g.x, lab.y)
        c.text(3.7, lab.y - 0.25, "진짜 $x$에는 그 이미지의 레이블, 가짜에는 $G$에 요청한 레이블", size=SMALL,
               color=MUTED)
    # the losses: what each network minimises, and which weights it moves
    dx, dgz = (f"D(x{cy})", f"D(G(z{cy}){cy})")
    lines = [
        (f"$\\mathcal{{L}}_D = -\\left[\\log {dx} + \\log\\left(1 - {dgz}\\right)\\right]$",
         "진짜는 1, 가짜는 0으로 가려내도록 $D$만 갱신"),
        (f"$\\mathcal{{L}}_G = -\\log {dgz}$  (비포화 손실)",
         "가짜가 진짜로 보이도록 $G$만 갱신(기울기는 $D$를 거쳐 흐름)"),
    ]
    y0 = 0.75 if conditional else 1.0
    for k, (formula, what) in enumerate(lines):
        c.text(0.3, y0 - 0.45 * k, formula, size=FONT, ha="left")
        c.text(4.1 if conditional else 3.7, y0 - 0.45 * k, what, size=SMALL, ha="left")
    return c.fig


def gan_architecture():
    """Lecture 08: z ~ p_z -> G -> G(z); real x and G(z) -> D -> D(·) ∈ (0, 1) -> L_D, L_G."""
    return _gan(conditional=False)


def cgan_architecture():
    """Lecture 09: the GAN with the label y fed to both G(z, y) and D(x, y)."""
    return _gan(conditional=True)
