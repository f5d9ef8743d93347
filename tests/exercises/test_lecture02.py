"""Lecture 02's exercise checkers: a right answer is accepted, typical wrong ones get a hint."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises import verdict


def test_02_1_sigmoid_derivative_from_output():
    assert verdict("02-1", lambda p: p * (1 - p))[0] == "correct"
    kind, message = verdict("02-1", lambda p: 1 - p**2)
    assert kind == "wrong" and "tanh" in message
    kind, message = verdict("02-1", lambda p: float(np.mean(p * (1 - p))))
    assert kind == "wrong" and "모양" in message


def test_02_2_sigmoid_bound():
    assert verdict("02-2", 0.5**10)[0] == "correct"
    kind, message = verdict("02-2", 0.25**10)
    assert kind == "wrong" and "σ_max" in message
    kind, message = verdict("02-2", 2.0**10)
    assert kind == "wrong" and "시그모이드 미분" in message


def test_02_3_scale_to_sigma():
    assert verdict("02-3", lambda W, s: W * s / np.linalg.norm(W, 2))[0] == "correct"
    kind, message = verdict("02-3", lambda W, s: W * s / np.linalg.norm(W))
    assert kind == "wrong" and "프로베니우스" in message
    kind, message = verdict("02-3", lambda W, s: W * s / np.abs(np.linalg.eigvals(W)).max())
    assert kind == "wrong" and "특잇값" in message
    kind, message = verdict("02-3", lambda W, s: np.clip(W, -s, s))
    assert kind == "wrong" and "양수 하나" in message


def _relu_norms(U, V, xs, *, derivative=lambda net, s: (net > 0).astype(float)):
    s, nets, states = np.zeros(U.shape[0]), [], []
    for x in xs:
        net = V @ x + U @ s
        s = np.maximum(net, 0)
        nets.append(net)
        states.append(s)
    J, norms = np.eye(U.shape[0]), [1.0]
    for net, s in zip(reversed(nets), reversed(states), strict=True):
        J = J @ np.diag(derivative(net, s)) @ U
        norms.append(np.linalg.norm(J, 2))
    return np.array(norms)


def test_02_4_relu_jacobian_norms():
    assert verdict("02-4", _relu_norms)[0] == "correct"
    tanh_style = lambda U, V, xs: _relu_norms(U, V, xs, derivative=lambda net, s: 1 - s**2)  # noqa: E731
    assert verdict("02-4", tanh_style)[0] == "wrong"
    kind, message = verdict("02-4", lambda U, V, xs: _relu_norms(U, V, xs)[1:])
    assert kind == "wrong" and "T + 1" in message
    kind, message = verdict("02-4", lambda U, V, xs: _relu_norms(U, V, xs)[::-1])
    assert kind == "wrong" and "거꾸로" in message
