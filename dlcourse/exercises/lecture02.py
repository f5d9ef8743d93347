"""Self-checks for the exercises (연습 문제) of lecture 02, 시간 역전파(BPTT)와 기울기의 흐름.

The checkers try the student's function on fresh inputs: a derivative against central differences, a rescaled
matrix against its singular values, Jacobian norms against the product of per-step Jacobians.
"""

from __future__ import annotations

import numpy as np

from dlcourse.exercises import exercise

_UNFILLED = "함수 안의 `...`를 답으로 바꾸고 셀을 다시 실행하세요."


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@exercise("02-1", explain="σ'(x) = σ(x)(1 − σ(x)) = p(1 − p)이고, 최댓값은 p = 1/2일 때의 1/4입니다.")
def dsigmoid_from_output(answer) -> str | None:
    x = np.linspace(-6, 6, 49)
    p = _sigmoid(x)
    got = answer(p.copy())
    if got is Ellipsis or got is None:
        return _UNFILLED
    got = np.asarray(got, dtype=float)
    if got.shape != p.shape:
        return f"배열 p(모양 {p.shape})를 받아 같은 모양의 배열을 돌려주세요. 지금은 {got.shape}입니다."
    h = 1e-6
    numeric = (_sigmoid(x + h) - _sigmoid(x - h)) / (2 * h)  # dσ/dx by central differences
    if np.allclose(got, numeric, rtol=1e-6, atol=1e-9):
        return None
    if np.allclose(got, 1 - p**2):
        return "1 − p²은 tanh의 미분을 출력으로 쓴 식입니다. 시그모이드는 다릅니다."
    if np.allclose(got, p):
        return "σ(x) 자체가 아니라 그 미분을 돌려주세요."
    return "x에 대해 미분한 값이어야 합니다. σ(x) = 1/(1 + e^(−x))를 미분해서 σ(x)로 정리해 보세요."


@exercise("02-2", explain="한 단계의 야코비안 diag(σ'(net)) W_hh의 노름은 많아야 (1/4)·σ_max = 0.5이므로 "
                          "10단계면 0.5^10 ≈ 9.8e-4입니다. σ_max < 4인 한 시그모이드 RNN의 기울기는 반드시 사라집니다.")
def sigmoid_bound(answer) -> str | None:
    value = float(answer)
    want = (0.25 * 2.0) ** 10
    if np.isclose(value, want, rtol=1e-3):
        return None
    if np.isclose(value, 0.25**10, rtol=1e-3):
        return "시그모이드 미분의 최댓값만 곱했습니다. 한 단계마다 W_hh도 곱해지므로 σ_max(W_hh)가 들어가야 합니다."
    if np.isclose(value, 2.0**10, rtol=1e-3):
        return "σ_max만 곱했습니다. 한 단계마다 곱해지는 시그모이드 미분은 많아야 얼마인가요?"
    if np.isclose(value, 0.25 * 2.0 * 10, rtol=1e-3) or np.isclose(value, 0.5 * 10, rtol=1e-3):
        return "10단계의 인수는 더해지지 않고 곱해집니다(거듭제곱)."
    return "5절의 상한 (γ·σ_max)^(T−t)에 시그모이드의 γ와 σ_max = 2, T − t = 10을 넣어 보세요."


@exercise("02-3", explain="W에 양수 σ/‖W‖₂를 곱하면 방향은 그대로이고 최대 특잇값만 σ가 됩니다(4절의 "
                          "p['U'] *= target_sigma / np.linalg.norm(p['U'], 2)와 같은 계산).")
def scale_to_sigma(answer) -> str | None:
    rng = np.random.default_rng(2)
    for n, sigma in [(5, 0.5), (8, 1.0), (16, 1.5), (3, 4.0)]:
        W = rng.normal(size=(n, n))
        got = answer(W.copy(), sigma)
        if got is Ellipsis or got is None:
            return _UNFILLED
        got = np.asarray(got, dtype=float)
        if got.shape != W.shape:
            return f"모양 {W.shape}인 행렬을 돌려주세요. 지금은 {got.shape}입니다."
        top = np.linalg.svd(got, compute_uv=False)[0]
        ratio = got / W
        if not np.allclose(ratio, ratio.flat[0]) or ratio.flat[0] <= 0:
            return "W에 양수 하나를 곱하기만 하세요. 원소마다 다른 배율을 쓰면 방향이 바뀝니다."
        if not np.isclose(top, sigma, rtol=1e-9):
            if np.isclose(top, sigma * np.linalg.norm(W, 2) / np.linalg.norm(W), rtol=1e-6):
                return ("프로베니우스 노름(np.linalg.norm의 기본값)으로 나눴습니다. "
                        "최대 특잇값은 스펙트럼 노름, np.linalg.norm(W, 2)입니다.")
            if np.isclose(top, sigma * np.linalg.norm(W, 2) / np.abs(np.linalg.eigvals(W)).max(), rtol=1e-6):
                return "고윳값의 절댓값(스펙트럼 반경)으로 나눴습니다. 고윳값이 아니라 특잇값을 쓰세요."
            return f"σ = {sigma}을 주었는데 결과의 최대 특잇값이 {top:.4g}입니다."
    return None


def _relu_jacobian_norms_reference(U, V, xs):
    states, nets = [np.zeros(U.shape[0])], []
    for x in xs:
        nets.append(V @ x + U @ states[-1])
        states.append(np.maximum(nets[-1], 0.0))
    J, norms = np.eye(U.shape[0]), [1.0]
    for net in reversed(nets):  # ∂s(T)/∂s(k−1) = ∂s(T)/∂s(k) · diag(relu'(net(k))) U
        J = J @ np.diag((net > 0).astype(float)) @ U
        norms.append(np.linalg.norm(J, 2))
    return np.array(norms)


@exercise("02-4", explain="ReLU의 미분은 켜진 유닛에서 1, 꺼진 유닛에서 0입니다. 포화는 없지만 꺼진 유닛이 흐름을 "
                          "끊으므로 σ_max가 1을 조금 넘어도 줄어들 수 있고, 더 크면 폭주할 수 있습니다. 편향이 없으면 "
                          "입력의 크기를 바꿔도 그림이 그대로인 이유도 생각해 보세요.")
def relu_jacobian_norms(answer) -> str | None:
    rng = np.random.default_rng(3)
    H, D, T = 6, 3, 12
    for sigma in (0.9, 1.3):
        Q, _ = np.linalg.qr(rng.normal(size=(H, H)))
        U, V, xs = sigma * Q, rng.normal(size=(H, D)), rng.normal(size=(T, D))
        got = answer(U.copy(), V.copy(), xs.copy())
        if got is Ellipsis or got is None:
            return _UNFILLED
        got = np.asarray(got, dtype=float)
        want = _relu_jacobian_norms_reference(U, V, xs)
        if got.shape == (T,):
            return f"T − t = 0(단위 행렬, 노름 1)부터 T까지 T + 1 = {T + 1}개를 돌려주세요."
        if got.shape != want.shape:
            return f"모양 ({T + 1},)인 배열을 돌려주세요. 지금은 {got.shape}입니다."
        if np.allclose(got, want, rtol=1e-8, atol=1e-12):
            continue
        if np.allclose(got, want[::-1], rtol=1e-8, atol=1e-12):
            return "순서가 거꾸로입니다. 0번째 원소가 T − t = 0, 곧 ∂s(T)/∂s(T) = I의 노름 1이어야 합니다."
        return ("s(k) = relu(V x_k + U s(k−1)), s(0) = 0으로 순전파한 뒤, ∂s(k)/∂s(k−1) = diag(net(k) > 0) U를 "
                "뒤에서부터 곱하고 스펙트럼 노름(ord=2)을 재세요.")
    return None
