"""Lecture 07: CBOW beside skip-gram on slide 03's sentence, window 2 (two words on each side of the centre).

Notation as in lecture 07: embedding matrix $E$ (one row per word), input vector $v$, output vector $u$,
centre word $c$ / $w_t$, context word $o$.
"""

from __future__ import annotations

from dlcourse.diagrams.canvas import FONT, MUTED, SMALL, Canvas, Node

SENTENCE = "the quick brown fox jumped over the lazy dog".split()
CENTRE, WINDOW = 2, 2    # "brown", two words on each side
CONTEXT = [i for i in range(CENTRE - WINDOW, CENTRE + WINDOW + 1) if i != CENTRE and 0 <= i < len(SENTENCE)]
OFFSETS = {i: f"$w_{{t{i - CENTRE:+d}}}$" for i in CONTEXT}   # w_{t-2} … w_{t+2}


def _sentence(c: Canvas, y: float) -> None:
    """The example sentence with the centre word and its window marked."""
    widths = [0.22 + 0.085 * len(w) for w in SENTENCE]
    x = 4.5 - (sum(widths) + 0.08 * (len(SENTENCE) - 1)) / 2
    for i, (word, w) in enumerate(zip(SENTENCE, widths, strict=True)):
        cx = x + w / 2
        if i == CENTRE:
            c.box(cx, y, word, kind="sigmoid", w=w, h=0.36, bold=True)
            c.text(cx, y - 0.33, "중심 단어 $w_t$", size=SMALL - 0.5, color=MUTED)
        elif i in CONTEXT:
            c.box(cx, y, word, kind="note", w=w, h=0.36)
            c.text(cx, y - 0.33, OFFSETS[i], size=SMALL - 0.5, color=MUTED)
        else:
            c.text(cx, y, word, color=MUTED)
        x += w + 0.08
    c.text(4.5, y + 0.4, "윈도우 크기 2: 중심 단어의 앞뒤 두 단어가 문맥입니다(슬라이드 03의 예문).", size=SMALL,
           color=MUTED)


def _column(c: Canvas, x: float, words: list[int], kind: str, y_mid: float) -> list[Node]:
    """Word boxes stacked around y_mid."""
    gap = 0.52
    top = y_mid + gap * (len(words) - 1) / 2
    return [c.box(x, top - k * gap, SENTENCE[i], kind=kind, w=0.95, h=0.38) for k, i in enumerate(words)]


def _panel(c: Canvas, x0: float, *, cbow: bool, y_mid: float) -> None:
    """One model: inputs -> projection -> outputs, left to right, starting at x0."""
    xi, xp, xo = x0 + 0.6, x0 + 2.05, x0 + 3.5
    ins = _column(c, xi, CONTEXT if cbow else [CENTRE], "input", y_mid)
    outs = _column(c, xo, [CENTRE] if cbow else CONTEXT, "output", y_mid)
    proj = c.box(xp, y_mid, "$\\bar v$ (평균)" if cbow else "$v_c$", kind="net", w=0.95, h=0.5)
    for n in ins:
        c.arrow(n, proj)
    for n in outs:
        c.arrow(proj, n)
    ins_name, outs_name = ("문맥 단어", "중심 단어") if cbow else ("중심 단어", "문맥 단어")
    heads = [("입력", ins_name), ("투영", "임베딩 $E$의 행"), ("출력", outs_name)]
    for x, (head, sub) in zip((xi, xp, xo), heads, strict=True):
        c.text(x, y_mid + 1.45, head, size=FONT, weight="bold")
        c.text(x, y_mid + 1.18, sub, size=SMALL, color=MUTED)
    name = "CBOW: 문맥 $\\rightarrow$ 중심 단어" if cbow else "skip-gram: 중심 단어 $\\rightarrow$ 문맥"
    c.title(xp, y_mid + 1.95, name)
    if cbow:
        notes = ["문맥 단어 네 개의 벡터 평균 $\\bar v$로 중심 단어를 예측",
                 "(입력, 출력) = ([the, quick, fox, jumped], brown)"]
    else:
        notes = ["중심 단어 벡터 $v_c$로 문맥 단어를 하나씩 예측",
                 "(brown, the), (brown, quick), (brown, fox), (brown, jumped)"]
    for k, s in enumerate(notes):
        c.text(xp, y_mid - 1.4 - 0.32 * k, s, size=SMALL)


def cbow_skipgram():
    """Lecture 07: CBOW (context -> centre word) beside skip-gram (centre word -> context), window 2."""
    c = Canvas(9.0, 6.0)
    _sentence(c, 5.35)
    y_mid = 2.35
    _panel(c, 0.2, cbow=True, y_mid=y_mid)
    _panel(c, 4.7, cbow=False, y_mid=y_mid)
    c.ax.axvline(4.55, ymin=0.12, ymax=0.78, color="#cccccc", lw=1)
    c.text(4.5, 0.2, "출력은 어휘 전체에 대한 소프트맥스 "
           "$p(o \\mid c) = \\exp(u_o^\\top v_c) / \\sum_w \\exp(u_w^\\top v_c)$ 또는 네거티브 샘플링의 이진 분류",
           size=SMALL)
    return c.fig
