"""dlcourse.reference.rnn against keras.layers.SimpleRNN with copied weights, and against hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlcourse.reference.rnn import from_keras_simple_rnn, one_hot, rnn_forward, rnn_step_forward

keras = pytest.importorskip("keras")

# float32 on both sides; tanh and matmul may be computed in a different order (oneDNN), so allow
# a few float32 ulps of the values (|h| <= 1): rtol 1e-5, atol 1e-6.
RTOL, ATOL = 1e-5, 1e-6


def keras_rnn(units, *, use_bias=True):
    return keras.layers.SimpleRNN(units, return_sequences=True, use_bias=use_bias)


@pytest.mark.parametrize(
    ("seed", "N", "T", "D", "H"),
    [(0, 1, 1, 4, 2), (1, 1, 5, 4, 2), (2, 3, 5, 4, 2), (3, 2, 7, 3, 5), (4, 4, 12, 10, 8)],
)
def test_rnn_forward_matches_keras_simple_rnn(seed, N, T, D, H):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, T, D)).astype(np.float32)
    layer = keras_rnn(H)
    layer.build((None, None, D))
    # random (not Keras-initialised) weights, so that the bias is non-zero too
    Wx0 = rng.normal(scale=0.5, size=(D, H)).astype(np.float32)
    Wh0 = rng.normal(scale=0.5, size=(H, H)).astype(np.float32)
    b0 = rng.normal(scale=0.5, size=H).astype(np.float32)
    layer.set_weights([Wx0, Wh0, b0])

    Wx, Wh, b = from_keras_simple_rnn(layer)
    np.testing.assert_array_equal(Wx, Wx0)
    np.testing.assert_array_equal(Wh, Wh0)
    np.testing.assert_array_equal(b, b0)

    h, cache = rnn_forward(x, np.zeros((N, H), np.float32), Wx, Wh, b)
    assert h.shape == (N, T, H)
    assert len(cache) == T
    np.testing.assert_allclose(h, np.asarray(layer(x)), rtol=RTOL, atol=ATOL)


def test_nonzero_initial_state_matters_and_matches_keras():
    rng = np.random.default_rng(10)
    N, T, D, H = 3, 4, 4, 3
    x = rng.normal(size=(N, T, D)).astype(np.float32)
    h0 = rng.normal(size=(N, H)).astype(np.float32)
    layer = keras_rnn(H)
    layer.build((None, None, D))
    Wx, Wh, b = from_keras_simple_rnn(layer)

    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    np.testing.assert_allclose(h, np.asarray(layer(x, initial_state=h0)), rtol=RTOL, atol=ATOL)
    h_zero, _ = rnn_forward(x, np.zeros_like(h0), Wx, Wh, b)
    # the initial state must reach every step through the recurrence (it fades, but never vanishes here)
    assert np.all(np.abs(h - h_zero).max(axis=(0, 2)) > 1e-4)


def test_recurrence_by_hand_scalar():
    # D = H = 1: h_t = tanh(wx * x_t + wh * h_{t-1} + b), written out step by step
    wx, wh, bias, h_init = 0.7, -1.3, 0.2, 0.4
    xs = [1.0, -2.0, 0.5]
    expected, h_t = [], h_init
    for x_t in xs:
        h_t = math.tanh(wx * x_t + wh * h_t + bias)
        expected.append(h_t)
    x = np.array(xs).reshape(1, 3, 1)  # (N=1, T=3, D=1)
    h, _ = rnn_forward(x, np.array([[h_init]]), np.array([[wx]]), np.array([[wh]]), np.array([bias]))
    np.testing.assert_allclose(h.ravel(), expected, rtol=1e-12)


def test_step_order_of_matrices():
    # a non-symmetric Wh distinguishes h_prev @ Wh (right) from Wh @ h_prev (wrong)
    x = np.zeros((1, 2))
    h_prev = np.array([[1.0, 0.0]])
    Wh = np.array([[0.0, 0.5], [0.0, 0.0]])
    h_next, cache = rnn_step_forward(x, h_prev, np.zeros((2, 2)), Wh, np.zeros(2))
    np.testing.assert_allclose(h_next, [[0.0, math.tanh(0.5)]], rtol=1e-12)
    assert cache[1] is h_prev and cache[-1] is h_next


def test_rnn_forward_equals_looped_steps():
    rng = np.random.default_rng(5)
    x, h0 = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 4))
    Wx, Wh, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    h_t = h0
    for t in range(6):
        h_t, _ = rnn_step_forward(x[:, t], h_t, Wx, Wh, b)
        np.testing.assert_array_equal(h[:, t], h_t)


def test_from_keras_without_bias_gives_zeros():
    layer = keras_rnn(3, use_bias=False)
    layer.build((None, None, 2))
    Wx, Wh, b = from_keras_simple_rnn(layer)
    assert Wx.shape == (2, 3) and Wh.shape == (3, 3)
    np.testing.assert_array_equal(b, np.zeros(3))


def test_from_keras_rejects_unbuilt_and_non_tanh_layers():
    with pytest.raises(ValueError, match="not built"):
        from_keras_simple_rnn(keras_rnn(2))
    relu = keras.layers.SimpleRNN(2, activation="relu")
    relu.build((None, None, 3))
    with pytest.raises(ValueError, match="relu"):
        from_keras_simple_rnn(relu)


def test_one_hot_hello():
    vocab = ["h", "e", "l", "o"]
    X = one_hot([[vocab.index(c) for c in "hello"]], len(vocab))
    assert X.shape == (1, 5, 4) and X.dtype == np.float32
    np.testing.assert_array_equal(
        X[0], [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    )
    np.testing.assert_array_equal(X.sum(axis=-1), 1)
    np.testing.assert_array_equal(X.argmax(axis=-1), [[0, 1, 2, 2, 3]])


def test_one_hot_matches_keras_and_checks_input():
    idx = np.array([[3, 0, 2], [1, 1, 4]])
    np.testing.assert_array_equal(one_hot(idx, 5), np.asarray(keras.ops.one_hot(idx, 5)))
    assert one_hot(np.array([], dtype=int), 3).shape == (0, 3)
    with pytest.raises(ValueError):
        one_hot([0, 4], 4)
    with pytest.raises(ValueError):
        one_hot([-1], 4)
    with pytest.raises(TypeError):
        one_hot([0.0, 1.0], 4)
