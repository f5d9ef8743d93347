"""dlcourse.reference.lstm and .gru against Keras cells and layers with copied weights, and by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlcourse.reference.gru import from_keras_gru, gru_sequence, gru_step
from dlcourse.reference.lstm import GATE_ORDER, from_keras_lstm, lstm_sequence, lstm_step, sigmoid

keras = pytest.importorskip("keras")

RTOL, ATOL = 1e-5, 1e-6  # float32 on both sides, different operation order (oneDNN)


def random_weights(rng, D, H, gates):
    return (rng.normal(scale=0.5, size=(D, gates * H)).astype(np.float32),
            rng.normal(scale=0.5, size=(H, gates * H)).astype(np.float32),
            rng.normal(scale=0.5, size=gates * H).astype(np.float32))


@pytest.mark.parametrize(("seed", "N", "T", "D", "H"), [(0, 1, 1, 3, 2), (1, 2, 6, 4, 3), (2, 4, 9, 5, 8)])
def test_lstm_sequence_matches_keras_lstm(seed, N, T, D, H):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, T, D)).astype(np.float32)
    layer = keras.layers.LSTM(H, return_sequences=True, return_state=True)
    layer.build((None, None, D))
    layer.set_weights(list(random_weights(rng, D, H, 4)))
    out, h_last, c_last = (np.asarray(a) for a in layer(x))

    zeros = np.zeros((N, H), np.float32)
    seq = lstm_sequence(x, zeros, zeros, *from_keras_lstm(layer))
    assert all(field.shape == (N, T, H) for field in seq)
    np.testing.assert_allclose(seq.h, out, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(seq.h[:, -1], h_last, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(seq.c[:, -1], c_last, rtol=RTOL, atol=ATOL)


def test_lstm_step_matches_keras_cell_with_nonzero_states():
    rng = np.random.default_rng(3)
    N, D, H = 3, 4, 5
    cell = keras.layers.LSTMCell(H)
    cell.build((None, D))
    cell.set_weights(list(random_weights(rng, D, H, 4)))
    x, h, c = (rng.normal(size=s).astype(np.float32) for s in [(N, D), (N, H), (N, H)])
    h_keras, (h_state, c_keras) = cell(x, [h, c])
    step = lstm_step(x, h, c, *from_keras_lstm(cell))
    np.testing.assert_allclose(step.h, np.asarray(h_keras), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(step.c, np.asarray(c_keras), rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(np.asarray(h_state), np.asarray(h_keras))


def test_lstm_gate_order_is_keras_i_f_g_o():
    # Open exactly one gate block at a time through the bias and see which field moves.
    assert GATE_ORDER == ("i", "f", "g", "o")
    H = 2
    x, h, c = np.zeros((1, 1)), np.zeros((1, H)), np.full((1, H), 0.5)
    Wx, Wh = np.zeros((1, 4 * H)), np.zeros((H, 4 * H))
    for k, name in enumerate(GATE_ORDER):
        b = np.zeros(4 * H)
        b[k * H:(k + 1) * H] = 3.0
        step = lstm_step(x, h, c, Wx, Wh, b)
        expected = math.tanh(3.0) if name == "g" else sigmoid(3.0)
        np.testing.assert_allclose(getattr(step, name), expected, rtol=1e-12)
        for other in set(GATE_ORDER) - {name}:
            np.testing.assert_allclose(getattr(step, other), 0.0 if other == "g" else 0.5, rtol=1e-12)


def test_lstm_by_hand_scalar():
    # D = H = 1, every weight written out
    wx = np.array([[0.5, -0.3, 0.8, 0.2]])
    wh = np.array([[0.1, 0.4, -0.6, 0.7]])
    b = np.array([0.0, 1.0, 0.1, -0.2])
    x, h_prev, c_prev = 0.9, -0.4, 0.3
    a = [wx[0, k] * x + wh[0, k] * h_prev + b[k] for k in range(4)]
    sig = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    i, f, g, o = sig(a[0]), sig(a[1]), math.tanh(a[2]), sig(a[3])
    c = f * c_prev + i * g
    step = lstm_step(np.array([[x]]), np.array([[h_prev]]), np.array([[c_prev]]), wx, wh, b)
    np.testing.assert_allclose([step.c[0, 0], step.h[0, 0]], [c, o * math.tanh(c)], rtol=1e-12)


def test_from_keras_lstm_default_bias_and_checks():
    layer = keras.layers.LSTM(3)
    layer.build((None, None, 2))
    Wx, Wh, b = from_keras_lstm(layer)
    assert Wx.shape == (2, 12) and Wh.shape == (3, 12) and b.shape == (12,)
    np.testing.assert_array_equal(b, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])  # unit_forget_bias: f block = 1
    with pytest.raises(ValueError, match="not built"):
        from_keras_lstm(keras.layers.LSTM(2))
    hard = keras.layers.LSTM(2, recurrent_activation="hard_sigmoid")
    hard.build((None, None, 2))
    with pytest.raises(ValueError, match="hard_sigmoid"):
        from_keras_lstm(hard)
    with pytest.raises(ValueError, match="expected"):
        lstm_step(np.zeros((1, 2)), np.zeros((1, 3)), np.zeros((1, 3)), Wx[:, :9], Wh, b)


def test_sigmoid_is_stable_and_exact():
    a = np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0])
    with np.errstate(over="raise"):
        s = sigmoid(a)
    np.testing.assert_allclose(s, [0.0, 1 / (1 + math.exp(5)), 0.5, 1 / (1 + math.exp(-5)), 1.0], rtol=1e-12)
    np.testing.assert_allclose(sigmoid(-a), 1 - s, atol=1e-15)


@pytest.mark.parametrize(("seed", "N", "T", "D", "H"), [(0, 1, 1, 3, 2), (1, 2, 6, 4, 3), (2, 4, 9, 5, 8)])
def test_gru_sequence_matches_keras_gru_reset_before(seed, N, T, D, H):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, T, D)).astype(np.float32)
    h0 = rng.normal(size=(N, H)).astype(np.float32)
    layer = keras.layers.GRU(H, return_sequences=True, reset_after=False)
    layer.build((None, None, D))
    layer.set_weights(list(random_weights(rng, D, H, 3)))
    seq = gru_sequence(x, h0, *from_keras_gru(layer))
    assert all(field.shape == (N, T, H) for field in seq)
    np.testing.assert_allclose(seq.h, np.asarray(layer(x, initial_state=h0)), rtol=RTOL, atol=ATOL)


def test_gru_step_matches_keras_cell_and_gate_order():
    rng = np.random.default_rng(7)
    N, D, H = 2, 3, 4
    cell = keras.layers.GRUCell(H, reset_after=False)
    cell.build((None, D))
    cell.set_weights(list(random_weights(rng, D, H, 3)))
    x, h = rng.normal(size=(N, D)).astype(np.float32), rng.normal(size=(N, H)).astype(np.float32)
    h_keras, _ = cell(x, h)
    step = gru_step(x, h, *from_keras_gru(cell))
    np.testing.assert_allclose(step.h, np.asarray(h_keras), rtol=RTOL, atol=ATOL)
    # z = 1 keeps the old state exactly: the first block is the update gate
    b = np.zeros(3 * H)
    b[:H] = 1000.0
    kept = gru_step(x, h, np.zeros((D, 3 * H)), np.zeros((H, 3 * H)), b)
    np.testing.assert_allclose(kept.h, h, rtol=1e-12)


def test_gru_reset_gate_acts_before_the_product():
    # r = 0 (second block very negative): the candidate no longer sees h_prev at all
    H = 2
    h_prev = np.array([[0.7, -0.3]])
    Wh = np.ones((H, 3 * H))
    b = np.zeros(3 * H)
    b[H:2 * H] = -1000.0
    step = gru_step(np.zeros((1, 1)), h_prev, np.zeros((1, 3 * H)), Wh, b)
    np.testing.assert_allclose(step.r, 0.0, atol=1e-300)
    np.testing.assert_allclose(step.h_tilde, 0.0, atol=1e-15)


def test_from_keras_gru_refuses_reset_after_true():
    layer = keras.layers.GRU(3)  # Keras's default reset_after=True: bias (2, 3H)
    layer.build((None, None, 2))
    assert tuple(layer.cell.bias.shape) == (2, 9)
    with pytest.raises(ValueError, match="reset_after=True"):
        from_keras_gru(layer)
    with pytest.raises(ValueError, match="not built"):
        from_keras_gru(keras.layers.GRU(2, reset_after=False))


def test_gru_step_is_cho_et_al_and_chung_form_is_z_negated():
    """h = z⊙h₋₁ + (1−z)⊙h̃ (Cho et al. 2014, Keras); Chung et al.'s (1−z)⊙h₋₁ + z⊙h̃ is the same cell with −z weights."""
    rng = np.random.default_rng(11)
    N, D, H = 3, 4, 5
    Wx, Wh, b = (w.astype(np.float64) for w in random_weights(rng, D, H, 3))
    x, h = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    step = gru_step(x, h, Wx, Wh, b)
    np.testing.assert_allclose(step.h, step.z * h + (1 - step.z) * step.h_tilde, rtol=1e-12)

    def chung_step(x, h, Wx, Wh, b):
        xz, xr, xh = np.split(x @ Wx + b, 3, axis=-1)
        Wh_z, Wh_r, Wh_h = np.split(Wh, 3, axis=-1)
        z, r = sigmoid(xz + h @ Wh_z), sigmoid(xr + h @ Wh_r)
        return (1 - z) * h + z * np.tanh(xh + (r * h) @ Wh_h)

    def negate_z(M):
        z_block, *rest = np.split(M, 3, axis=-1)
        return np.concatenate([-z_block, *rest], axis=-1)

    np.testing.assert_allclose(chung_step(x, h, negate_z(Wx), negate_z(Wh), negate_z(b)), step.h, rtol=1e-12)
    assert not np.allclose(chung_step(x, h, Wx, Wh, b), step.h)  # the same weights give another cell
