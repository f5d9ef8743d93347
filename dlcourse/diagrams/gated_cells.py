"""The gated cells of lecture 03, drawn in the same layout: the state path across the top (LSTM: the cell state
$c$; GRU: the hidden state $h$), the input bus $[h_{t-1}, x_t]$ along the bottom, gates in between.

LSTM (CS231n / slide 01 names; slide 02 writes $C_t$ and $\\tilde C_t$ for $c_t$ and $g_t$):
    $c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$,  $h_t = o_t \\odot \\tanh(c_t)$.
GRU (Cho et al. 2014 and Keras: $z$ keeps the old state):
    $\\tilde h_t = \\tanh(W x_t + U (r_t \\odot h_{t-1}))$,  $h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t$.
"""

from __future__ import annotations

from dlcourse.diagrams.canvas import FONT, HIGHWAY, INK, MUTED, SMALL, Canvas, Node

GATE = dict(w=0.6, h=0.46)
CELL_EDGE = "#8d8d8d"
Y_BUS, Y_GATE, Y_MID, Y_TOP = 2.05, 3.15, 4.05, 4.9   # the rows shared by both cells: bus, layers, ⊙, state
X_OUT = 8.05                                          # where both outputs leave the drawing


def _gate(c: Canvas, x: float, y: float, fn: str) -> Node:
    """A layer box: fn is "sigmoid" (a gate, values in (0, 1)) or "tanh" (a candidate)."""
    return c.box(x, y, "$\\sigma$" if fn == "sigmoid" else "tanh", kind=fn, size=FONT + 1, **GATE)


def _state_path(c: Canvas, y: float, x0: float, x1: float, stops: list[Node]) -> None:
    """The thick state line from x0 to x1 through the operator circles ``stops`` (drawn over it)."""
    xs = [x0, *[s.x for s in stops], x1]
    for a, b in zip(xs, xs[1:], strict=False):
        c.arrow((a, y), (b, y), color=HIGHWAY, lw=4.5, head=False, z=1)
    c.arrow((x1 - 0.3, y), (x1 + 0.05, y), color=HIGHWAY, lw=2.0, z=1)


def _frame(c: Canvas, title: str, caption: str) -> None:
    """The cell's outline, the figure title and the caption over the state path."""
    c.region(0.85, 1.6, 6.9, 5.3, face="#fafafa", edge=CELL_EDGE, round_=0.25)
    c.title(4.5, 6.05, title, size=FONT + 0.5)
    c.text(3.9, 5.5, caption, size=SMALL, color="#b35c00")


def _input_bus(c: Canvas, x_end: float, *, h_from_top: float | None = None) -> None:
    """The bus [h_{t-1}, x_t] along the bottom: h_{t-1} from the left (or dropped from the state path at
    x=h_from_top), x_t rising from below."""
    if h_from_top is None:
        c.text(0.3, Y_BUS + 0.22, "$h_{t-1}$", size=FONT + 1, ha="left")
        c.path([(0.3, Y_BUS), (x_end, Y_BUS)], head=False)
    else:
        c.dot(h_from_top, Y_TOP)
        c.path([(h_from_top, Y_TOP), (h_from_top, Y_BUS), (x_end, Y_BUS)], head=False)
    c.arrow((1.35, 1.25), (1.35, Y_BUS), shrink=0)
    c.dot(1.35, Y_BUS)
    c.text(1.45, 1.3, "$x_t$", ha="left", va="bottom", size=FONT + 1)
    c.text(1.5, Y_BUS - 0.25, "$[h_{t-1}, x_t]$", size=SMALL, color=MUTED, ha="left")


def _tap(c: Canvas, target: Node, label: str) -> None:
    """A wire from the bus up into ``target``, with ``label`` beside it."""
    c.dot(target.x, Y_BUS)
    c.arrow((target.x, Y_BUS), target, shrink=0)
    c.text(target.x + 0.07, (Y_BUS + target.y - target.h / 2) / 2, label, size=SMALL - 0.5, color=MUTED, ha="left")


def _ends(c: Canvas, name_in: str, name_out: str) -> None:
    """Labels at both ends of the state path."""
    c.text(0.3, Y_TOP + 0.25, name_in, size=FONT + 1, ha="left")
    c.text(X_OUT, Y_TOP + 0.25, name_out, size=FONT + 1, ha="right")


def _equations(c: Canvas, lines: list[str], *, width: float, note: str) -> None:
    """The cell's equations under the drawing, filled column by column (two rows), and a note under them."""
    for k, s in enumerate(lines):
        c.text(0.3 + width * (k // 2), 0.95 - 0.4 * (k % 2), s, size=FONT, ha="left")
    c.text(0.3, 0.15, note, size=SMALL, color=MUTED, ha="left")


def lstm_cell():
    """Lecture 03: the LSTM cell, gates f, i, o (σ) and candidate g (tanh), the cell-state highway on top."""
    c = Canvas(9.0, 6.35)
    xf, xi, xg, xo, xout = 2.2, 3.2, 4.2, 5.2, 6.2
    _frame(c, "LSTM 셀: 셀 상태 $c$의 고속도로(위)와 네 개의 층(게이트 $f, i, o$와 후보 $g$)",
           "셀 상태(컨베이어 벨트): $f_t$를 곱하고 $i_t \\odot g_t$를 더할 뿐입니다")
    # the cell-state highway: c_{t-1} -> ⊙ f_t -> + i_t ⊙ g_t -> c_t
    mul_f = c.op(xf, Y_TOP, "$\\odot$")
    add = c.op(xg, Y_TOP, "$+$")
    _state_path(c, Y_TOP, 0.3, X_OUT - 0.05, [mul_f, add])
    _ends(c, "$c_{t-1}$", "$c_t$")
    # the bus [h_{t-1}, x_t] and the four layers reading it
    _input_bus(c, xo)
    gates = {name: _gate(c, x, Y_GATE, fn) for name, x, fn in
             [("f", xf, "sigmoid"), ("i", xi, "sigmoid"), ("g", xg, "tanh"), ("o", xo, "sigmoid")]}
    names = {"f": "망각 게이트", "i": "입력 게이트", "g": "후보 ($\\tilde C_t$)", "o": "출력 게이트"}
    for name, label in names.items():
        _tap(c, gates[name], label)
    # f_t scales the old cell state; i_t ⊙ g_t is added
    c.arrow(gates["f"], mul_f, shrink=0)
    mul_ig = c.op(xg, Y_MID, "$\\odot$")
    c.path([gates["i"].side("top"), (xi, Y_MID)], into=mul_ig)
    c.arrow(gates["g"], mul_ig, shrink=0)
    c.arrow(mul_ig, add, shrink=0)
    # h_t = o_t ⊙ tanh(c_t)
    squash = c.op(xout, Y_MID, "tanh", r=0.24, size=SMALL, kind="tanh")
    mul_o = c.op(xout, Y_GATE, "$\\odot$")
    c.dot(xout, Y_TOP)
    c.arrow((xout, Y_TOP), squash, shrink=0)
    c.arrow(squash, mul_o, shrink=0)
    c.arrow(gates["o"], mul_o, shrink=0)
    c.path([mul_o.side("bottom"), (xout, Y_BUS), (X_OUT, Y_BUS)])
    c.text(X_OUT, Y_BUS + 0.25, "$h_t$", size=FONT + 1, ha="right")
    c.text(X_OUT, Y_BUS - 0.15, "출력이자\n다음 단계의 입력", size=SMALL, color=MUTED, ha="right", va="top")
    for x, y, s in [(xf, 3.8, "$f_t$"), (xi, 3.75, "$i_t$"), (xg, 3.6, "$g_t$"), (xo + 0.42, Y_GATE + 0.2, "$o_t$")]:
        c.text(x + 0.08, y, s, size=FONT, ha="left", color=INK)
    _equations(c, [
        "$f_t = \\sigma(W_f\\,[h_{t-1}, x_t] + b_f)$", "$i_t = \\sigma(W_i\\,[h_{t-1}, x_t] + b_i)$",
        "$g_t = \\tanh(W_C\\,[h_{t-1}, x_t] + b_C)$", "$o_t = \\sigma(W_o\\,[h_{t-1}, x_t] + b_o)$",
        "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$", "$h_t = o_t \\odot \\tanh(c_t)$",
    ], width=3.0, note="슬라이드 02의 표기로는 $c_t$가 $C_t$, 후보 $g_t$가 $\\tilde C_t$입니다.")
    return c.fig


def gru_cell():
    """Lecture 03: the GRU cell (Cho et al. 2014, Keras): reset gate r, update gate z, candidate h̃, and
    h_t = z ⊙ h_{t-1} + (1 - z) ⊙ h̃_t along the top."""
    c = Canvas(9.0, 6.35)
    xz, xr, xmr, xc = 2.4, 3.5, 4.6, 6.2
    _frame(c, "GRU 셀: 게이트 두 개(리셋 $r$, 업데이트 $z$)와 후보 $\\tilde h_t$, 셀 상태 없이 은닉 상태 $h$ 하나",
           "은닉 상태의 경로: 옛 값 $h_{t-1}$을 $z_t$만큼 남기고, $1 - z_t$만큼 후보 $\\tilde h_t$로 채웁니다")
    mul_z = c.op(xz, Y_TOP, "$\\odot$")
    add = c.op(xc, Y_TOP, "$+$")
    _state_path(c, Y_TOP, 0.3, X_OUT - 0.05, [mul_z, add])
    _ends(c, "$h_{t-1}$", "$h_t$")
    c.text(X_OUT, Y_TOP - 0.2, "출력이자\n다음 단계의 입력", size=SMALL, color=MUTED, ha="right", va="top")
    _input_bus(c, xc, h_from_top=0.95)
    gz, gr = _gate(c, xz, Y_GATE, "sigmoid"), _gate(c, xr, Y_GATE, "sigmoid")
    mul_r = c.op(xmr, Y_GATE, "$\\odot$")
    cand = _gate(c, xc, Y_GATE, "tanh")
    _tap(c, gz, "업데이트 게이트")
    _tap(c, gr, "리셋 게이트")
    _tap(c, mul_r, "$h_{t-1}$")
    _tap(c, cand, "$x_t$")
    # update gate: z_t keeps the old state, 1 - z_t lets the candidate in
    c.dot(xz, Y_MID)
    c.arrow(gz, mul_z, shrink=0)
    one_minus = c.op(4.0, Y_MID, "$1-$", r=0.23, size=FONT)
    c.arrow((xz, Y_MID), one_minus, shrink=0)
    mul_c = c.op(xc, Y_MID, "$\\odot$")
    c.arrow(one_minus, mul_c, shrink=0, label="$1 - z_t$", label_dy=0.2, label_size=FONT, label_color=INK)
    c.arrow(mul_c, add, shrink=0)
    # reset gate: the candidate sees r_t ⊙ h_{t-1}
    c.arrow(gr, mul_r, shrink=0, label="$r_t$", label_dy=0.2, label_size=FONT, label_color=INK)
    c.arrow(mul_r, cand, shrink=0)
    c.text((xmr + xc) / 2, Y_GATE + 0.22, "$r_t \\odot h_{t-1}$", size=SMALL)
    c.arrow(cand, mul_c, shrink=0)
    c.text(xz + 0.08, (Y_GATE + Y_MID) / 2 + 0.05, "$z_t$", size=FONT, ha="left")
    c.text(xc + 0.08, (Y_GATE + Y_MID) / 2 + 0.05, "$\\tilde h_t$ (후보)", size=FONT, ha="left")
    _equations(c, [
        "$z_t = \\sigma(W_z\\, x_t + U_z\\, h_{t-1})$", "$r_t = \\sigma(W_r\\, x_t + U_r\\, h_{t-1})$",
        "$\\tilde h_t = \\tanh(W x_t + U\\,(r_t \\odot h_{t-1}))$",
        "$h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t$",
    ], width=4.2, note="편향은 생략했습니다. Cho et al.(2014)와 Keras처럼 $z_t$는 옛 값 $h_{t-1}$을 남기는 비율입니다"
                         "(슬라이드 01·02는 반대).")
    c.text(8.95, 0.95, "$W$: 입력 가중치, $U$: 순환 가중치", size=SMALL, color=MUTED, ha="right")
    return c.fig
