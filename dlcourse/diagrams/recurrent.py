"""Figures of plain recurrent networks: the unrolled RNN (01), the five computation graphs (01), the BPTT error
flow (02) and the bidirectional RNN (04). Notation as in the lectures: column vectors, $h_t = \\tanh(W_{hh}h_{t-1} +
W_{xh}x_t)$, $y_t = W_{hy}h_t$.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcourse.diagrams.canvas import BACKWARD, FONT, INK, MUTED, SMALL, STYLES, Canvas, Node

W_COLOURS = {"xh": STYLES["input"][1], "hh": STYLES["hidden"][1], "hy": STYLES["output"][1]}


@dataclass
class Step:
    """One time step of an unrolled chain: its input, hidden and output boxes (None where absent)."""
    x: Node | None
    h: Node
    y: Node | None


def unrolled(c: Canvas, columns: list[float], *, y_x: float, y_h: float, y_y: float, names: list[str] | None = None,
             inputs=None, outputs=None, w: float = 0.62, h: float = 0.46, size: float = FONT,
             weights: bool = False, start: Node | None = None, skip_before: int | None = None) -> list[Step]:
    """Draw an unrolled RNN: one column per time step at the x positions ``columns``.

    ``names[i]`` is the time index written in column i ("1", "t", "T"); without names the boxes stay empty (the
    small computation-graph panels). ``inputs``/``outputs`` are the column indices with an input/output (default:
    all). ``weights`` writes W_xh, W_hh, W_hy on every arrow; ``start`` is a box the first hidden state reads from.
    ``skip_before=i`` leaves out the steps between column i-1 and column i: "⋯" in each row and a broken arrow.
    """
    n = len(columns)
    inputs = range(n) if inputs is None else inputs
    outputs = range(n) if outputs is None else outputs
    steps, prev = [], start
    for i, cx in enumerate(columns):
        t = names[i] if names else None
        xn = c.box(cx, y_x, f"$x_{{{t}}}$" if t else "", kind="input", w=w, h=h, size=size) if i in inputs else None
        hn = c.box(cx, y_h, f"$h_{{{t}}}$" if t else "", kind="hidden", w=w, h=h, size=size)
        yn = c.box(cx, y_y, f"$y_{{{t}}}$" if t else "", kind="output", w=w, h=h, size=size) if i in outputs else None
        if xn:
            c.arrow(xn, hn, **_weight("xh", weights))
        if yn:
            c.arrow(hn, yn, **_weight("hy", weights))
        if prev is not None:
            gap = link(c, prev, hn, skip=i == skip_before, **_weight("hh", weights))
            if gap is not None:
                _dots(c, gap, [y_x, y_y])
        steps.append(Step(xn, hn, yn))
        prev = hn
    return steps


def link(c: Canvas, a: Node, b: Node, *, skip: bool = False, color: str | None = None, **label) -> float | None:
    """A horizontal recurrent arrow a -> b (either direction). With ``skip`` the steps in between are left out:
    the arrow is broken by "⋯"; returns the x of the "⋯" (None without skip).
    """
    kw = {"color": color} if color else {}
    if not skip:
        c.arrow(a, b, **label, **kw)
        return None
    sign = 1 if b.x > a.x else -1
    gap = (a.x + sign * a.w / 2 + b.x - sign * b.w / 2) / 2
    c.arrow(a, (gap - sign * 0.22, a.y), head=False, **kw)
    c.arrow((gap + sign * 0.22, b.y), b, **label, **kw)
    _dots(c, gap, [a.y])
    return gap


def _dots(c: Canvas, x: float, rows: list[float]) -> None:
    """"⋯" at x in each of ``rows``: the time steps left out."""
    for y in rows:
        c.text(x, y, "$\\cdots$", size=FONT + 4, color=MUTED)


def _weight(which: str, show: bool) -> dict:
    """Arrow keywords that write W_which on it (vertical arrows: to the left; horizontal: above)."""
    if not show:
        return {}
    label = {"xh": "$W_{xh}$", "hh": "$W_{hh}$", "hy": "$W_{hy}$"}[which]
    offset = {"label_dy": 0.2} if which == "hh" else {"label_dx": -0.33}
    return dict(label=label, label_color=W_COLOURS[which], **offset)


# ── 01: the unrolled RNN ─────────────────────────────────────────────────────────────────────────────────

def rnn_unrolled():
    """Lecture 01: the folded RNN (one cell and its loop) = the unrolled chain x_1…x_T -> h_1…h_T -> y_1…y_T."""
    c = Canvas(9.0, 4.6)
    y_x, y_h, y_y = 1.35, 2.45, 3.55
    # folded: one cell with its loop
    fx = 0.95
    c.title(fx + 0.2, 4.3, "순환 연결로 그린 RNN", size=FONT)
    xn = c.box(fx, y_x, "$x_t$", kind="input")
    hn = c.box(fx, y_h, "$h_t$", kind="hidden")
    yn = c.box(fx, y_y, "$y_t$", kind="output")
    c.arrow(xn, hn, **_weight("xh", True))
    c.arrow(hn, yn, **_weight("hy", True))
    lx, ly = c.loop(hn, color=W_COLOURS["hh"])
    c.text(lx, ly + 0.55, "$W_{hh}$", size=SMALL, color=W_COLOURS["hh"])
    c.text(lx, ly - 0.55, "$h_{t-1} \\to h_t$", size=SMALL, color=MUTED)
    # unfold
    c.text(2.65, y_h + 0.35, "시간 방향으로\n펼치기(unfold)", size=SMALL, color=MUTED)
    c.arrow((2.25, y_h), (3.05, y_h), lw=2.2, color=MUTED)
    # unrolled chain
    h0 = c.box(3.55, y_h, "$h_0$", kind="hidden", w=0.5, h=0.4, lw=1.0)
    c.text(3.55, y_h - 0.45, "초기 상태\n(보통 0)", size=SMALL, color=MUTED, va="top")
    unrolled(c, [4.55, 5.6, 6.65, 8.55], y_x=y_x, y_h=y_h, y_y=y_y, names=["1", "2", "3", "T"], weights=True,
             start=h0, skip_before=3)
    c.title(6.4, 4.3, "펼친 RNN: 시간 단계 $t = 1, 2, \\dots, T$", size=FONT)
    c.text(4.5, 0.65, "펼친 모든 단계가 같은 가중치 $W_{xh}$, $W_{hh}$, $W_{hy}$를 다시 씁니다"
           "(가중치 공유, weight sharing).", size=FONT)
    c.text(4.5, 0.25, "$h_t = \\tanh(W_{hh}\\,h_{t-1} + W_{xh}\\,x_t), \\qquad y_t = W_{hy}\\,h_t$", size=FONT)
    return c.fig


# ── 01: the five computation graphs ──────────────────────────────────────────────────────────────────────

GRAPH_STEP = 0.62   # column spacing in the small panels
GRAPH_BOX = dict(w=0.42, h=0.34)


def _graph_panel(c: Canvas, cx: float, y0: float, n: int, title: str, example: str, *, inputs=None,
                 outputs=None) -> list[Step]:
    """One small panel of computation_graphs: ``n`` columns centred at ``cx``, input row at ``y0``."""
    columns = [cx + (i - (n - 1) / 2) * GRAPH_STEP for i in range(n)]
    steps = unrolled(c, columns, y_x=y0, y_h=y0 + 0.72, y_y=y0 + 1.44, inputs=inputs, outputs=outputs, **GRAPH_BOX)
    c.title(cx, y0 + 2.05, title, size=FONT)
    c.text(cx, y0 - 0.42, example, size=SMALL, color=MUTED)
    return steps


def computation_graphs():
    """Lecture 01: one-to-one, one-to-many, many-to-one, seq2seq (many-to-many with a delay), synced many-to-many.

    Input only at the first step in one-to-many; the seq2seq decoder starts from the encoder's last state.
    """
    c = Canvas(9.0, 6.4)
    top, bottom = 3.95, 1.05
    _graph_panel(c, 1.05, top, 1, "일대일(one-to-one)", "예: 이미지 분류")
    to = "$\\rightarrow$"
    _graph_panel(c, 4.0, top, 3, "일대다(one-to-many)", f"예: 이미지 캡셔닝(이미지 {to} 단어들)", inputs=[0])
    _graph_panel(c, 7.3, top, 3, "다대일(many-to-one)", f"예: 감정 분류(문장 {to} 긍정/부정)", outputs=[2])
    enc_dec = _graph_panel(c, 2.45, bottom, 6, "다대다(many-to-many): seq2seq",
                           f"예: 기계 번역(한 언어의 문장 {to} 다른 언어의 문장)", inputs=[0, 1, 2], outputs=[3, 4, 5])
    _graph_panel(c, 7.3, bottom, 3, "다대다(many-to-many): 동기(synced)", "예: 품사 태깅, 프레임별 비디오 분류")
    enc, dec = enc_dec[:3], enc_dec[3:]
    c.text((enc[0].h.x + enc[2].h.x) / 2, bottom + 1.44, "인코더(encoder)", size=SMALL, color=MUTED)
    c.text((dec[0].h.x + dec[2].h.x) / 2, bottom, "디코더(decoder)", size=SMALL, color=MUTED)
    c.text((enc[2].h.x + dec[0].h.x) / 2, bottom + 0.47, "요약", size=SMALL - 1, color=MUTED)
    # legend: the colour convention of lecture 01
    for x, kind, name in [(0.5, "input", "입력"), (1.5, "hidden", "은닉 상태(RNN)"), (3.35, "output", "출력")]:
        c.box(x, 0.22, kind=kind, w=0.3, h=0.22)
        c.text(x + 0.22, 0.22, name, size=SMALL, ha="left")
    c.text(8.95, 0.22, "가로 화살표: 같은 가중치로 이어지는 순환 연결", size=SMALL, color=MUTED, ha="right")
    return c.fig


# ── 02: the error flowing back ───────────────────────────────────────────────────────────────────────────

def bptt_flow():
    """Lecture 02: forward pass (solid) and the error flowing back (dashed) through the unrolled RNN, with a loss
    L_t at every step; below, truncated BPTT by chunks (state passed on, gradient stopped at the boundary).
    """
    c = Canvas(9.0, 7.3)
    y_x, y_h, y_y, y_l = 3.6, 4.5, 5.4, 6.3
    cols = [1.75, 3.45, 5.15, 6.85]
    c.title(4.5, 7.0, "시간 역전파(BPTT): 순전파(검은 실선)와 오차의 역전파(주황 점선)", size=FONT + 0.5)
    h0 = c.box(0.55, y_h, "$h_0$", kind="hidden", w=0.5, h=0.4, lw=1.0)
    bw, bh, off = 0.66, 0.46, 0.13
    prev = h0
    for i, cx in enumerate(cols):
        t = str(i + 1)
        xn = c.box(cx, y_x, f"$x_{t}$", kind="input", w=bw, h=bh)
        hn = c.box(cx, y_h, f"$h_{t}$", kind="hidden", w=bw, h=bh)
        yn = c.box(cx, y_y, f"$y_{t}$", kind="output", w=bw, h=bh)
        ln = c.box(cx, y_l, f"$L_{t}$", kind="loss", w=bw, h=bh)
        c.arrow(xn, hn)
        for lo, hi in ((hn, yn), (yn, ln)):  # forward up on the left, error down on the right
            c.arrow((cx - off, lo.y + bh / 2), (cx - off, hi.y - bh / 2))
            c.arrow((cx + off, hi.y - bh / 2), (cx + off, lo.y + bh / 2), color=BACKWARD, ls="--")
        c.arrow((prev.x + prev.w / 2, y_h + 0.09), (cx - bw / 2, y_h + 0.09),
                label="$W_{hh}$" if i else "", label_dy=0.17, label_color=W_COLOURS["hh"])
        if i:
            c.arrow((cx - bw / 2, y_h - 0.09), (prev.x + prev.w / 2, y_h - 0.09), color=BACKWARD, ls="--",
                    label="$W_{hh}^{\\top}$", label_dy=-0.2)
        c.text(cx + off + 0.07, (y_y + y_l) / 2, f"$\\partial L_{t} / \\partial y_{t}$", size=SMALL,
               color=BACKWARD, ha="left")
        c.text(cx + off + 0.07, (y_h + y_y) / 2, "$W_{hy}^{\\top}$", size=SMALL, color=BACKWARD, ha="left")
        c.text(cx + 0.1, (y_x + y_h) / 2, f"$\\partial L / \\partial h_{t}$", size=SMALL, color=BACKWARD,
               ha="left", weight="bold")
        prev = hn
    c.text(7.45, y_l, "$L = L_1 + L_2 + L_3 + L_4$", size=FONT, ha="left")
    c.text(7.45, y_h + 0.25, "$h_4$는 $L_4$에서만,", size=SMALL, ha="left", color=MUTED)
    c.text(7.45, y_h - 0.05, "$h_3$은 $L_3$과 $h_4$에서,", size=SMALL, ha="left", color=MUTED)
    c.text(7.45, y_h - 0.35, "$h_1$은 모든 손실에서", size=SMALL, ha="left", color=MUTED)
    c.text(7.45, y_h - 0.65, "오차를 받습니다.", size=SMALL, ha="left", color=MUTED)
    # the accumulation rule
    big, yf = FONT + 3, 2.85
    c.text(1.3, yf, "$\\dfrac{\\partial L}{\\partial h_t} \\;=$", size=big)
    c.text(1.98, yf, "$\\dfrac{\\partial L_t}{\\partial h_t}$", size=big)
    c.text(2.42, yf, "$+$", size=big)
    c.text(3.4, yf, "$\\left(\\dfrac{\\partial h_{t+1}}{\\partial h_t}\\right)^{\\!\\top}"
           " \\dfrac{\\partial L}{\\partial h_{t+1}}$", size=big)
    c.text(1.98, yf - 0.6, "자기 단계의\n손실에서", size=SMALL, color=BACKWARD)
    c.text(3.4, yf - 0.6, "다음 단계에서\n$W_{hh}$를 거쳐", size=SMALL, color=BACKWARD)
    c.text(5.5, yf, "$\\dfrac{\\partial h_{t+1}}{\\partial h_t} = \\mathrm{diag}(1 - h_{t+1}^2)\\, W_{hh}$",
           size=FONT + 1, ha="left")
    c.text(6.9, yf - 0.5, "(tanh의 미분과 순환 가중치의 곱)", size=SMALL, color=MUTED)
    c.text(4.5, 1.8, "슬라이드 03의 기호로는 $h_t = s(t)$, $W_{hh} = U$, $L = E$입니다. "
           "공유된 $W_{hh}$의 기울기는 모든 단계의 몫을 더한 것입니다.", size=SMALL, color=MUTED)
    _truncated(c, y=0.75)
    return c.fig


def _truncated(c: Canvas, *, y: float, k: int = 4, n: int = 8) -> None:
    """Truncated BPTT by chunks of k steps: forward across the boundary, backward only inside a chunk."""
    step, x0, bw, bh = 0.9, 1.55, 0.5, 0.38
    xs = [x0 + i * step for i in range(n)]
    for j in range(n // k):
        lo, hi = xs[j * k] - 0.42, xs[j * k + k - 1] + 0.42
        c.region(lo, y - 0.42, hi, y + 0.42, face="#fff6ee", edge=BACKWARD, ls=":", lw=1.0)
        c.text((lo + hi) / 2, y - 0.57, f"조각 {j + 1} ($k = {k}$단계): 오차는 조각 안에서만 거꾸로 흐름", size=SMALL,
               color=BACKWARD)
    c.text(0.1, y + 0.66, "생략된 BPTT(truncated BPTT), 조각 단위:", size=FONT, weight="bold", ha="left")
    c.text(3.85, y + 0.66, "순전파는 은닉 상태를 다음 조각으로 넘기고, 역전파는 조각 경계에서 멈춥니다.", size=SMALL,
           ha="left", color=MUTED)
    prev = None
    for i, cx in enumerate(xs):
        hn = c.box(cx, y, f"$h_{{{i + 1}}}$", kind="hidden", w=bw, h=bh, size=SMALL + 0.5)
        if prev is not None:
            c.arrow((prev.x + bw / 2, y + 0.07), (cx - bw / 2, y + 0.07), shrink=0)
            if i % k:
                c.arrow((cx - bw / 2, y - 0.07), (prev.x + bw / 2, y - 0.07), color=BACKWARD, ls="--", shrink=0)
            else:
                c.text((prev.x + cx) / 2, y - 0.16, "$\\times$", size=FONT + 3, color=BACKWARD)
        prev = hn


# ── 04: the bidirectional RNN ────────────────────────────────────────────────────────────────────────────

def brnn():
    """Lecture 04: a forward chain (left to right) and a backward chain (right to left) over x_1…x_T; y_t reads both."""
    c = Canvas(9.0, 5.3)
    y_x, y_f, y_b, y_y = 0.95, 2.1, 3.35, 4.5
    names, cols, skip, shift = ["1", "2", "3", "T"], [1.9, 3.35, 4.8, 7.05], 3, 0.42
    fwd_kind, bwd_kind = STYLES["hidden"][1], STYLES["hidden2"][1]
    f0 = c.box(cols[0] - 1.0 - shift, y_f, "$\\overrightarrow{h}_0$", kind="hidden", w=0.55, h=0.46, lw=1.0)
    bT = c.box(cols[-1] + 1.0 + shift, y_b, "$\\overleftarrow{h}_{T+1}$", kind="hidden2", w=0.75, h=0.46, lw=1.0)
    fwd, bwd = [], []
    for t, cx in zip(names, cols, strict=True):
        xn = c.box(cx, y_x, f"$x_{{{t}}}$", kind="input")
        fn = c.box(cx - shift, y_f, f"$\\overrightarrow{{h}}_{{{t}}}$", kind="hidden", w=0.62, h=0.5)
        bn = c.box(cx + shift, y_b, f"$\\overleftarrow{{h}}_{{{t}}}$", kind="hidden2", w=0.62, h=0.5)
        yn = c.box(cx, y_y, f"$y_{{{t}}}$", kind="output")
        for a, b in ((xn, fn), (xn, bn), (fn, yn), (bn, yn)):
            c.arrow(a, b, color=fwd_kind if a is fn else bwd_kind if a is bn else INK)
        fwd.append(fn)
        bwd.append(bn)
    chain_f, chain_b = [f0, *fwd], [*bwd, bT]
    for i in range(len(cols)):
        gap = link(c, chain_f[i], chain_f[i + 1], skip=i == skip, color=fwd_kind)
        link(c, chain_b[i + 1], chain_b[i], skip=i + 1 == skip, color=bwd_kind)
        if gap is not None:
            _dots(c, gap, [y_x, y_y])
    c.text(f0.x - 0.3, y_f - 0.5, "정방향 은닉층:\n앞에서 뒤로 읽음", size=SMALL, color=fwd_kind, ha="left", va="top")
    c.text(bT.x + 0.4, y_b + 0.5, "역방향 은닉층:\n뒤에서 앞으로 읽음", size=SMALL, color=bwd_kind, ha="right",
           va="bottom")
    c.text(4.5, 5.05, "양방향 RNN: 출력 $y_t$는 $\\overrightarrow{h}_t$(과거 $x_1 \\dots x_t$)와 "
           "$\\overleftarrow{h}_t$(미래 $x_t \\dots x_T$)를 함께 봅니다", size=FONT + 0.5, weight="bold")
    c.text(4.5, 0.3, "두 은닉층은 가중치를 따로 가집니다.  $y_t = W^{\\rightarrow}_{h\\to y}\\,\\overrightarrow{h}_t + "
           "W^{\\leftarrow}_{h\\to y}\\,\\overleftarrow{h}_t + b_y$  (Keras Bidirectional: 두 상태를 이어 붙여 씀)",
           size=SMALL + 0.5)
    return c.fig
