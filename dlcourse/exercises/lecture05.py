"""Self-checks for lecture 05's exercises (연습 문제): bpc and perplexity, counting training windows, Kneser–Ney
by hand, choosing a temperature. None of them is part of assignment a3's graded functions."""

from __future__ import annotations

import math

import numpy as np

from dlcourse.exercises import exercise

UNFILLED = "함수 안의 `...` 자리에 답을 쓰세요."


def _number(answer) -> float:
    value = float(answer)
    if math.isnan(value):
        raise ValueError("NaN")
    return value


@exercise("05-1", explain="bpc = loss / ln 2, perplexity = e^loss = 2^bpc. 손실 1.8 nats는 약 2.60 bpc, "
                          "perplexity 약 6.05입니다.")
def bpc_and_perplexity(f) -> str | None:
    for loss in (1.8, 0.05, 3.2, math.log(557)):
        got = f(loss)
        if got is Ellipsis or got is None:
            return UNFILLED
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "(bpc, perplexity) 두 값을 튜플로 돌려주세요."
        bpc, ppl = (_number(v) for v in got)
        if not math.isclose(bpc, loss / math.log(2), rel_tol=1e-6):
            if math.isclose(bpc, loss * math.log(2), rel_tol=1e-6):
                return "nats를 비트로 바꿀 때는 ln 2로 나눕니다(곱하지 않습니다): log2 x = ln x / ln 2."
            return (f"손실 {loss} nats의 bpc가 {bpc:.4f}로 나왔습니다. "
                    "밑이 e인 로그를 밑이 2인 로그로 바꾸는 식을 떠올리세요.")
        if not math.isclose(ppl, math.exp(loss), rel_tol=1e-6):
            if math.isclose(ppl, 2 ** loss, rel_tol=1e-6):
                return "perplexity는 e^loss(= 2^bpc)입니다. 2^loss는 손실의 단위(nats)와 밑이 맞지 않습니다."
            return f"손실 {loss} nats의 perplexity가 {ppl:.4f}로 나왔습니다. 슬라이드 03의 식 e^loss를 보세요."
    return None


def windows_reference(n_chars: int, seq_len: int, stride: int) -> int:
    """How many windows of seq_len + 1 characters start every ``stride`` characters (drop_remainder=True)."""
    return len(range(0, n_chars - seq_len, stride))


@exercise("05-2", explain="창의 시작 위치는 0, stride, 2·stride, …이고 마지막 창이 텍스트 안에 들어가야 하므로 "
                          "(n_chars − seq_len − 1) // stride + 1개입니다(n_chars > seq_len일 때). stride를 40으로 "
                          "늘리면 전체 조각 수가 약 40분의 1이 됩니다. 한 에포크에 보는 조각 수"
                          "(steps_per_epoch × batch_size)는 그대로이므로, 한 에포크 안에서 같은 조각을 여러 번 봅니다.")
def count_windows(f) -> str | None:
    rng = np.random.default_rng(5)
    cases = [(41, 40, 1), (40, 40, 1), (100, 10, 1), (100, 10, 3), (45_000, 40, 1), (45_000, 40, 40)]
    cases += [tuple(int(v) for v in (rng.integers(50, 5_000), rng.integers(1, 50), rng.integers(1, 60)))
              for _ in range(30)]
    for n, seq_len, stride in cases:
        got = f(n, seq_len, stride)
        if got is Ellipsis or got is None:
            return UNFILLED
        want = windows_reference(n, seq_len, stride)
        if int(got) != got or int(got) != want:
            if int(got) == (n - seq_len) // stride + 1 and n > seq_len:
                return (f"n_chars={n}, seq_len={seq_len}, stride={stride}: {got}개가 아닙니다. 창의 길이는 seq_len이 "
                        "아니라 seq_len + 1입니다(입력 seq_len글자 + 타깃의 마지막 한 글자).")
            if n <= seq_len:
                return f"n_chars={n} ≤ seq_len={seq_len}이면 길이 seq_len + 1의 창은 하나도 나오지 않습니다."
            return (f"n_chars={n}, seq_len={seq_len}, stride={stride}에서 {got}개가 나왔습니다. "
                    "작은 예를 손으로 세어 보세요.")
    return None


def _kneser_ney_abracadabra() -> tuple[float, float]:
    """p(a | r) of the exercise, and the value with raw unigram counts (the typical mistake)."""
    from dlcourse.ngram import KneserNey

    model = KneserNey("abracadabra", order=2, discount=0.5)
    assert len(model.vocab) == 6
    # the same bigram level over a lower order of raw counts: p1(a) = (5 − D)/11 + D·5/11·(1/6)
    raw_p1 = (5 - 0.5) / 11 + 0.5 * 5 / 11 / 6
    return model.prob("a", "r"), (2 - 0.5) / 2 + 0.5 * 1 / 2 * raw_p1


@exercise("05-3", explain="bigram: c(ra) = 2, r 뒤에 오는 서로 다른 글자는 1개이므로 p(a|r) = (2 − 0.5)/2 + "
                          "0.5·1/2·p1(a). p1(a) = (3 − 0.5)/7 + 0.5·5/7·(1/6)이고(a 앞에 온 서로 다른 글자 3개, "
                          "서로 다른 바이그램 7개, continuation count가 양수인 글자 5종), p(a|r) ≈ 0.854입니다.")
def kneser_ney_by_hand(answer) -> str | None:
    value = _number(answer)
    want, with_raw_counts = _kneser_ney_abracadabra()
    if abs(value - want) < 1e-3:
        return None
    if abs(value - 1.0) < 1e-3:
        return "1은 할인하지 않은 최대우도 추정입니다. 횟수에서 D를 덜고, 덜어 낸 몫을 유니그램 확률로 나눠 주세요."
    if abs(value - with_raw_counts) < 1e-3:
        return ("유니그램에 글자가 나온 횟수를 썼습니다. Kneser–Ney의 낮은 차수는 그 글자 앞에 온 서로 다른 글자의 수"
                "(continuation count)로 셉니다.")
    if abs(value - 0.75) < 1e-3:
        return "(2 − D)/2까지는 맞습니다. 덜어 낸 확률 D·N(r)/c(r)에 낮은 차수의 p(a)를 곱한 몫을 더하세요."
    return f"{value:.4f}는 아닙니다. 바이그램 항 (c(ra) − D)/c(r)와 보간 항 D·N(r)/c(r)·p1(a)를 따로 계산해 보세요."


def entropy_bits_at(T: float, z=(2.0, 1.0, 0.0, -1.0)) -> float:
    z = np.asarray(z, dtype=np.float64) / T
    p = np.exp(z - z.max())
    p /= p.sum()
    return float(-(p * np.log2(p)).sum())


@exercise("05-4", explain="T ≈ 0.69에서 엔트로피가 1비트가 됩니다. 엔트로피는 T에 대해 단조 증가하므로 이분법이 "
                          "한 답으로 수렴합니다.")
def temperature_for_one_bit(answer) -> str | None:
    T = _number(answer)
    if T <= 0:
        return "온도는 0보다 커야 합니다."
    H = entropy_bits_at(T)
    if abs(H - 1.0) < 0.01:
        return None
    direction = "낮추세요" if H > 1 else "높이세요"
    return f"T = {T:g}에서 엔트로피는 {H:.3f}비트입니다. 1비트가 되도록 T를 {direction}."
