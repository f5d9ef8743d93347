"""Self-checks for lecture 08 (GAN) exercises 08-1 … 08-4; 08-5 and 08-6 are open experiments.

Each checker tries the student's answer on fresh inputs and compares with an independent computation
(scipy's Jensen–Shannon distance, scipy's Wasserstein distance, a simulation of the update rule).
"""

from __future__ import annotations

import numpy as np

from dlcourse.exercises import exercise

_NO_RETURN = "함수가 값을 돌려주지 않습니다. `...` 자리를 채우고 `return`으로 값을 돌려주세요."


@exercise("08-1", explain="받침이 겹치지 않는 두 분포의 JSD는 얼마나 떨어져 있든 log 2 ≈ 0.693입니다(7.2절).")
def jsd_discrete(answer) -> str | None:
    from scipy.spatial.distance import jensenshannon

    rng = np.random.default_rng(81)
    cases = [(np.array([0.5, 0.5]), np.array([0.5, 0.5])),                  # 같은 분포: 0
             (np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.5, 0.5])),        # 겹치지 않음: log 2
             (np.array([0.2, 0.3, 0.5, 0.0]), np.array([0.0, 0.1, 0.4, 0.5]))]
    cases += [tuple(rng.dirichlet(np.ones(6), size=2)) for _ in range(3)]
    for p, q in cases:
        got = answer(p.copy(), q.copy())
        if got is None:
            return _NO_RETURN
        got = float(got)
        if not np.isfinite(got):
            return "값이 nan이나 inf입니다. p나 q가 0인 칸에서 0·log 0 = 0으로 계산하세요(예: scipy.special.rel_entr)."
        want = float(jensenshannon(p, q)) ** 2  # scipy gives the square root of the divergence (natural log)
        if abs(got - want) > 1e-8:
            if abs(got - want / np.log(2)) < 1e-8:
                return "밑이 2인 로그로 계산한 것 같습니다. 자연로그(np.log)를 쓰세요."
            if abs(got - 2 * want) < 1e-8:
                return "½ KL(p‖m) + ½ KL(q‖m)에서 ½을 빠뜨리지 않았는지 보세요."
            return (f"p={np.round(p, 3).tolist()}, q={np.round(q, 3).tolist()}에서 {got:.6f}가 나왔는데, "
                    f"{want:.6f}이어야 합니다. m = (p + q) / 2를 기준으로 KL(p‖m)과 KL(q‖m)을 평균하세요.")
    return None


@exercise("08-2", explain="D(G(z)) = 0.02일 때 비포화 손실의 기울기는 포화 손실의 49배입니다.")
def saturating_gradients(answer) -> str | None:
    sat, ns = (float(v) for v in answer)
    d = 0.02
    a = np.log(d / (1 - d))  # the logit with sigmoid(a) = d
    h = 1e-6

    def sigmoid(t):
        return 1 / (1 + np.exp(-t))

    want_sat = (np.log(1 - sigmoid(a + h)) - np.log(1 - sigmoid(a - h))) / (2 * h)   # numeric ∂/∂a log(1 - σ(a))
    want_ns = (-np.log(sigmoid(a + h)) + np.log(sigmoid(a - h))) / (2 * h)           # numeric ∂/∂a (-log σ(a))
    if abs(sat - want_sat) < 1e-4 and abs(ns - want_ns) < 1e-4:
        return None
    if abs(sat + want_sat) < 1e-4 or abs(ns + want_ns) < 1e-4:
        return "부호를 보세요. 두 손실 모두 a가 커질수록(판별자가 가짜를 진짜로 볼수록) 줄어듭니다."
    if abs(sat - want_ns) < 1e-4 and abs(ns - want_sat) < 1e-4:
        return "순서가 바뀌었습니다: (포화 손실의 기울기, 비포화 손실의 기울기)."
    return "4절의 식을 보세요: ∂/∂a log(1 - σ(a)) = -σ(a), ∂/∂a (-log σ(a)) = -(1 - σ(a)), 그리고 σ(a) = D(G(z))."


@exercise("08-3", explain="정렬해 짝짓는 것이 1차원의 최적 운송이라, W1은 두 분위수 함수 차이의 평균입니다.")
def wasserstein_samples(answer) -> str | None:
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(83)
    x = rng.normal(size=200)
    cases = [(x, x + 1.5), (x, rng.permutation(x)), (x, rng.exponential(size=200)),
             (rng.uniform(size=50), rng.normal(size=50))]
    for a, b in cases:
        got = answer(a.copy(), b.copy())
        if got is None:
            return _NO_RETURN
        got, want = float(got), float(wasserstein_distance(a, b))
        if abs(got - want) > 1e-9:
            if abs(got - float(np.mean(np.abs(a - b)))) < 1e-9 and abs(got - want) > 1e-9:
                return "표본을 주어진 순서대로 짝지었습니다. 두 표본을 각각 정렬한 뒤 짝지으세요."
            return (f"x를 1.5만큼 옮긴 표본과의 W1은 1.5여야 합니다. "
                    f"지금 답은 한 경우에 {got:.4f}입니다(기대 {want:.4f}).")
    return None


@exercise("08-4", explain="det A = 1이라 넓이가 보존되고, 고윳값의 크기가 1이라 궤적은 원점에 "
                          "다가가지도 멀어지지도 않습니다.")
def alternating_matrix(answer) -> str | None:
    rng = np.random.default_rng(84)
    for eta in (0.1, 0.3, 0.05):
        A = answer(eta)
        if A is None:
            return _NO_RETURN
        A = np.asarray(A, float)
        if A.shape != (2, 2):
            return f"2×2 행렬을 돌려주세요 (지금 모양 {A.shape})."
        for _ in range(3):
            x, y = rng.normal(size=2)
            x_new = x - eta * y          # x 먼저 (V = xy를 줄이는 쪽)
            y_new = y + eta * x_new      # 그다음 새 x를 보고 y (V를 키우는 쪽)
            if not np.allclose(A @ np.array([x, y]), [x_new, y_new], atol=1e-12):
                simultaneous = np.array([[1.0, -eta], [eta, 1.0]])
                if np.allclose(A, simultaneous):
                    return "동시에 움직이는 경우의 행렬입니다. y는 **새** x′를 보고 움직입니다: y′ = y + η(x - ηy)."
                return "x′ = x - ηy, y′ = y + ηx′를 x, y에 대한 식으로 풀어 쓴 뒤 계수를 행렬에 넣으세요."
    return None
