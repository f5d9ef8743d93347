"""dlcourse.reference.gradcheck: central differences on functions with known gradients."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.reference.gradcheck import numeric_gradient, rel_error


def test_numeric_gradient_of_a_quadratic_and_restores_x():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    x_before = x.copy()
    grad = numeric_gradient(lambda v: 0.5 * v @ A @ v, x)
    np.testing.assert_array_equal(x, x_before)  # restored
    assert rel_error(grad, 0.5 * (A + A.T) @ x) < 1e-8


def test_numeric_gradient_of_a_matrix_through_a_closure():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(3, 2))
    v = rng.normal(size=2)
    grad = numeric_gradient(lambda _: np.sum(np.tanh(W @ v)), W)  # f reads W itself
    assert grad.shape == W.shape
    assert rel_error(grad, np.outer(1 - np.tanh(W @ v) ** 2, v)) < 1e-8


def test_numeric_gradient_needs_floats():
    with pytest.raises(TypeError):
        numeric_gradient(lambda v: float(v.sum()), np.arange(3))


def test_rel_error():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0], [3.0]) == pytest.approx(0.5)
    assert rel_error([0.0], [0.0]) == 0.0  # eps keeps 0/0 away
    assert rel_error(np.zeros((0,)), np.zeros((0,))) == 0.0
    with pytest.raises(ValueError):
        rel_error([1.0, 2.0], [1.0])
