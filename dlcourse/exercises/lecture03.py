"""Self-checks of lecture 03's exercises (LSTM and GRU). Each checker tries the answer on fresh inputs.

None of them holds graded assignment a2's answers (the LSTM cell forward/backward, the ``reset_after=True``
GRU cell, gradient clipping): they ask for parameter counts, bias and weight conversions between conventions,
and the cell-state gradient along the forget gates.
"""

from __future__ import annotations

import numpy as np

from dlcourse.exercises import exercise
from dlcourse.reference.gru import gru_step
from dlcourse.reference.lstm import lstm_step, sigmoid

_SHAPES = [(3, 5), (8, 16), (1, 1), (28, 64)]  # (D, H) pairs the count is tried on


def _keras_counts(D: int, H: int) -> dict[str, int]:
    import keras

    counts = {}
    for kind in ("SimpleRNN", "LSTM", "GRU"):
        layer = getattr(keras.layers, kind)(H)  # Keras defaults: GRU has reset_after=True
        layer.build((None, None, D))
        counts[kind] = int(layer.count_params())
    return counts


@exercise("03-1", explain="LSTM은 블록 4개, GRU는 3개(reset_after=True면 편향이 두 벌), SimpleRNN은 1개입니다.")
def _param_counts(answer):
    for D, H in _SHAPES:
        got, want = answer(D, H), _keras_counts(D, H)
        for kind, n in want.items():
            if kind not in got:
                return f"돌려준 dict에 {kind!r} 키가 없습니다."
            if int(got[kind]) != n:
                hint = {"SimpleRNN": "kernel (D, H), recurrent_kernel (H, H), bias (H,)를 더해 보세요.",
                        "LSTM": "LSTM의 세 가중치는 블록이 4개씩입니다: 4(DH + H² + H).",
                        "GRU": "Keras 기본값 reset_after=True에서는 편향이 (2, 3H)입니다."}[kind]
                return f"D={D}, H={H}에서 {kind}가 {got[kind]}개라고 했지만 Keras는 {n}개입니다. {hint}"
    return None


@exercise("03-2", explain="TF1이 매 단계 더하던 상수를 Keras에서는 편향 안에 넣어 두면 됩니다.")
def _tf1_bias(answer):
    rng = np.random.default_rng(3)
    for H in (1, 4, 7):
        D, N = 3, 2
        Wx, Wh = rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H))
        b_tf1 = rng.normal(size=4 * H)
        x, h, c = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
        b_keras = np.asarray(answer(b_tf1.copy()), dtype=float)
        if b_keras.shape != (4 * H,):
            return f"편향의 모양은 (4H,) = ({4 * H},)여야 합니다. 지금은 {b_keras.shape}입니다."
        a_i, a_f, a_g, a_o = np.split(x @ Wx + h @ Wh + b_tf1, 4, axis=-1)
        c_tf1 = sigmoid(a_f + 1.0) * c + sigmoid(a_i) * np.tanh(a_g)  # TF1 BasicLSTMCell(forget_bias=1.0)
        step = lstm_step(x, h, c, Wx, Wh, b_keras)
        if not np.allclose(step.c, c_tf1, rtol=1e-10, atol=1e-12):
            return ("Keras의 블록 순서는 i, f, g(c), o입니다. forget_bias는 어느 블록에 더해지나요? "
                    "입력으로 받은 배열을 그대로 바꾸지 말고 새 배열을 돌려주세요.")
    return None


@exercise("03-3", explain="σ(−a) = 1 − σ(a)이므로 z 블록의 부호만 바꾸면 됩니다. r과 후보 블록은 그대로입니다.")
def _chung_to_keras(answer):
    rng = np.random.default_rng(5)
    for D, H in [(2, 3), (4, 1), (3, 5)]:
        Wx, Wh, b = rng.normal(size=(D, 3 * H)), rng.normal(size=(H, 3 * H)), rng.normal(size=3 * H)
        x, h = rng.normal(size=(2, D)), rng.normal(size=(2, H))
        # Chung et al. (2014) / 슬라이드 02의 표기: h_t = (1 − z) h_{t−1} + z h̃ (블록 순서 z, r, h)
        xz, xr, xh = np.split(x @ Wx + b, 3, axis=-1)
        Wh_z, Wh_r, Wh_h = np.split(Wh, 3, axis=-1)
        z, r = sigmoid(xz + h @ Wh_z), sigmoid(xr + h @ Wh_r)
        h_chung = (1 - z) * h + z * np.tanh(xh + (r * h) @ Wh_h)
        converted = answer(Wx.copy(), Wh.copy(), b.copy())
        if len(converted) != 3:
            return "(Wx, Wh, b) 세 개를 돌려주세요."
        Wx2, Wh2, b2 = (np.asarray(a, dtype=float) for a in converted)
        if Wx2.shape != Wx.shape or Wh2.shape != Wh.shape or b2.shape != b.shape:
            return "가중치의 모양은 바뀌지 않습니다: (D, 3H), (H, 3H), (3H,)."
        if not np.allclose(gru_step(x, h, Wx2, Wh2, b2).h, h_chung, rtol=1e-10, atol=1e-12):
            return ("gru_step(Cho et al. 표기)에 넣었을 때 Chung 표기의 셀과 같은 h가 나와야 합니다. "
                    "어느 블록의 부호를 바꿔야 할까요?")
    return None


@exercise("03-4", explain="셀 경로의 기울기는 망각 게이트 값의 누적곱이고, 끝에서부터 곱해 나갑니다.")
def _cell_path_gains(answer):
    rng = np.random.default_rng(9)
    for T, H in [(5, 3), (1, 2), (12, 1)]:
        f = rng.uniform(0.2, 1.0, size=(T, H))  # f_1, …, f_T
        want = np.vstack([np.ones(H), np.cumprod(f[::-1], axis=0)])  # row k: ∏_{j=T−k+1}^{T} f_j
        got = np.asarray(answer(f.copy()), dtype=float)
        if got.shape != (T + 1, H):
            return f"결과의 모양은 (T + 1, H) = ({T + 1}, {H})입니다: k = 0 (자기 자신, 모두 1)부터 k = T까지."
        if not np.allclose(got, want, rtol=1e-10):
            if np.allclose(got, np.vstack([np.ones(H), np.cumprod(f, axis=0)]), rtol=1e-10):
                return "∂c_T/∂c_{T−k}는 마지막 k개의 f를 곱합니다. 앞에서부터가 아니라 끝에서부터 곱해 보세요."
            return "k번째 행은 ∂c_T/∂c_{T−k}의 대각 = f_{T−k+1} ⊙ … ⊙ f_T입니다. 0번째 행은 모두 1입니다."
    return None
