"""Self-checks for lecture 06's exercises (연습 문제): TF1's l2_loss in Keras, Adam's first step under an L2 term,
the normalised geometric mean of dropout sub-networks, and the m/(m−1) variance correction. None of them is part
of assignment a5's graded batch-normalization forward and backward passes."""

from __future__ import annotations

import math

import numpy as np

from dlcourse.exercises import exercise

UNFILLED = "함수 안의 `...` 자리에 답을 쓰세요."


@exercise("06-1", explain="tf.nn.l2_loss(W) = ½ΣW², Keras L2(c) = c·ΣW²이므로 c = lam / 2입니다.")
def keras_l2_from_tf1(f) -> str | None:
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(61)
    for lam in (1e-3, 5e-4, 0.2):
        coefficient = f(lam)
        if coefficient is Ellipsis or coefficient is None:
            return UNFILLED
        W = rng.normal(size=(7, 3)).astype(np.float32)
        want = lam * float(tf.nn.l2_loss(W))
        got = float(keras.regularizers.L2(float(coefficient))(W))
        if not math.isclose(got, want, rel_tol=1e-5):
            if math.isclose(got, 2 * want, rel_tol=1e-5):
                return "Keras의 L2에는 ½이 없습니다. 같은 항이 되려면 계수를 어떻게 해야 할까요?"
            if math.isclose(got, 4 * want, rel_tol=1e-5):
                return "방향이 거꾸로입니다: tf.nn.l2_loss는 ½ΣW², Keras L2(c)는 c·ΣW²입니다."
            return f"lam = {lam}일 때 Keras 항이 {got:.4g}, TF1 항이 {want:.4g}입니다."
    return None


def adam_first_step(*, lr: float = 0.01, lam: float = 1e-4, w: float = 3.0) -> float:
    """How far Keras's Adam moves w in its first step when the loss is lam·w² alone."""
    import keras
    import tensorflow as tf

    v = tf.Variable([w])
    with tf.GradientTape() as tape:
        loss = lam * tf.reduce_sum(v ** 2)
    keras.optimizers.Adam(lr).apply_gradients([(tape.gradient(loss, v), v)])
    return abs(float(v.numpy()[0]) - w)


@exercise("06-2", explain="첫 스텝에서 Adam의 m̂/√v̂은 g/|g| = sign(w)이므로 움직임은 학습률 0.01(정확히는 ε 때문에 "
                          "0.01보다 아주 조금 작음)이고, λ나 w의 크기와 상관없습니다. "
                          "λ를 열 배로 키워도 첫 스텝은 같습니다.")
def adam_l2_first_step(answer) -> str | None:
    value = abs(float(answer))
    want = adam_first_step()
    if abs(value - want) < 1e-4:
        return None
    if math.isclose(value, 0.01 * 2 * 1e-4 * 3.0, rel_tol=1e-3):
        return "SGD라면 맞습니다(η·2λw). Adam은 기울기를 √v̂으로 나눠 쓴다는 것을 떠올리세요."
    if math.isclose(value, 2 * 1e-4 * 3.0, rel_tol=1e-3):
        return "그것은 규제 항의 기울기 2λw입니다. Adam의 첫 업데이트는 η·m̂/(√v̂ + ε)입니다."
    return f"{value:g}는 아닙니다. 첫 스텝의 m̂과 v̂이 기울기 g와 어떤 관계인지 적어 보세요."


@exercise("06-3", explain="로그 확률의 평균을 내고 exp한 뒤 합이 1이 되게 나눕니다. 이것은 softmax(logit의 평균)과 "
                          "같습니다(4절).")
def normalized_geometric_mean(f) -> str | None:
    rng = np.random.default_rng(63)
    z = rng.normal(scale=3.0, size=(6, 4, 5))                        # (S, N, K) logits
    p = np.exp(z - z.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    got = f(p)
    if got is Ellipsis or got is None:
        return UNFILLED
    got = np.asarray(got, dtype=np.float64)
    want = np.exp(z.mean(0) - z.mean(0).max(-1, keepdims=True))
    want /= want.sum(-1, keepdims=True)
    if got.shape != want.shape:
        return f"모양이 {got.shape}입니다. (S, N, K)를 받아 (N, K)를 돌려주세요(S 축으로 평균)."
    if not np.allclose(got, want, atol=1e-8):
        if np.allclose(got, p.mean(0), atol=1e-8):
            return "그것은 산술 평균입니다. 확률을 곱한 뒤 S제곱근, 곧 로그의 평균을 쓰세요."
        if np.allclose(got / got.sum(-1, keepdims=True), want, atol=1e-8):
            return "거의 맞습니다. 마지막 축의 합이 1이 되도록 정규화하세요."
        return "softmax(logit의 평균)과 같아야 합니다. 로그 확률의 평균 → exp → 합으로 나누기."
    tiny = np.empty((3, 1, 3))                                       # three sub-networks, tiny probabilities
    tiny[:, 0] = [1e-200, 1e-150, 1.0]
    small = np.asarray(f(tiny), dtype=np.float64)
    if not (np.all(np.isfinite(small)) and np.allclose(small[0], [1e-200, 1e-150, 1.0], rtol=1e-6, atol=0)):
        return "아주 작은 확률(1e-200)에서 0이나 nan이 나옵니다. 곱하지 말고 로그에서 평균을 내세요."
    return None


@exercise("06-4", explain="편향된 배치 분산의 기댓값은 (m−1)/m·σ²이므로 m/(m−1)을 곱하면 σ²의 불편 추정이 됩니다. "
                          "m = 32면 3% 남짓, m = 4면 33%의 차이입니다.")
def unbiased_population_variance(f) -> str | None:
    rng = np.random.default_rng(64)
    for m, sigma2 in ((4, 4.0), (32, 0.25), (2, 9.0)):
        batches = rng.normal(0.0, math.sqrt(sigma2), size=(50_000, m))
        biased_mean = batches.var(axis=1).mean()                      # what a Keras moving variance tends to
        got = f(biased_mean, m)
        if got is Ellipsis or got is None:
            return UNFILLED
        got = float(got)
        if abs(got - sigma2) > 0.03 * sigma2:
            if math.isclose(got, biased_mean * (m - 1) / m, rel_tol=1e-9):
                return "방향이 거꾸로입니다. 편향된 분산은 참값보다 작으므로 보정하면 커져야 합니다."
            if math.isclose(got, biased_mean, rel_tol=1e-9):
                return "아무 보정도 하지 않았습니다. Algorithm 2의 m/(m−1)을 보세요."
            return f"m = {m}, 참 분산 {sigma2}인 데이터에서 {got:.4g}가 나왔습니다."
    return None
