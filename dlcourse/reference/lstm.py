"""The LSTM cell forward pass in numpy (introduced in lecture 03).

Notation: N batch size, T time steps, D input features, H hidden units. Row vectors, as in Keras. The decks
write one weight matrix per gate acting on ``[h_{t-1}, x_t]``; Keras (and this module) concatenates the four
gates' weights side by side, so one matrix product gives all pre-activations at once:

    a = x_t @ Wx + h_{t-1} @ Wh + b                  # (N, 4H), blocks in Keras's order i, f, g, o
    i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
    c_t = f * c_{t-1} + i * g                        # cell state
    h_t = o * tanh(c_t)                              # hidden state (the output)

Keras calls the candidate ``g`` (the decks' ``C̃_t``) "c". Deck 01 lists the gates as (i, f, o, g): the order
of blocks in Keras's kernel is **i, f, g, o**, which matters when weights are copied.

Only the forward pass lives here, returning the gate activations so that lectures can plot them. The LSTM
backward pass is graded assignment a2.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlcourse.reference.rnn import keras_cell_weights

GATE_ORDER = ("i", "f", "g", "o")  # the order of the four H-wide blocks in Keras's kernel, recurrent kernel, bias


class LSTMStep(NamedTuple):
    """What one LSTM step computes; every field has shape (N, H) (or (N, T, H) from :func:`lstm_sequence`)."""

    h: np.ndarray  # hidden state h_t = o * tanh(c_t)
    c: np.ndarray  # cell state c_t = f * c_{t-1} + i * g
    i: np.ndarray  # input gate, in (0, 1)
    f: np.ndarray  # forget gate, in (0, 1)
    g: np.ndarray  # candidate values C̃_t, in (-1, 1)
    o: np.ndarray  # output gate, in (0, 1)


def sigmoid(a):
    """The logistic function 1 / (1 + e^{-a}), without overflow warnings for large |a| (lecture 02/03)."""
    a = np.asarray(a)
    e = np.exp(-np.abs(a))  # in (0, 1]: never overflows
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def lstm_step(x, h_prev, c_prev, Wx, Wh, b) -> LSTMStep:
    """One LSTM step (lecture 03), the same computation as ``keras.layers.LSTMCell`` with its defaults.

    Inputs:
    - x: inputs at this time step, shape (N, D)
    - h_prev: previous hidden state, shape (N, H)
    - c_prev: previous cell state, shape (N, H)
    - Wx: input-to-gates weights, shape (D, 4H), column blocks in the order i, f, g, o
    - Wh: hidden-to-gates weights, shape (H, 4H), same block order
    - b: biases, shape (4H,), same block order
    Returns:
    - :class:`LSTMStep` (h, c, i, f, g, o), each of shape (N, H)
    """
    H = Wh.shape[0]
    if Wx.shape[1] != 4 * H or Wh.shape[1] != 4 * H or np.shape(b) != (4 * H,):
        raise ValueError(f"expected Wx (D, {4 * H}), Wh ({H}, {4 * H}), b ({4 * H},); "
                         f"got {Wx.shape}, {Wh.shape}, {np.shape(b)}")
    a = x @ Wx + h_prev @ Wh + b  # (N, 4H)
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=-1)  # each (N, H), Keras's block order
    i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o)
    g = np.tanh(a_g)
    c = f * c_prev + i * g  # (N, H)
    h = o * np.tanh(c)  # (N, H)
    return LSTMStep(h=h, c=c, i=i, f=f, g=g, o=o)


def lstm_sequence(x, h0, c0, Wx, Wh, b) -> LSTMStep:
    """An LSTM over a whole sequence (lecture 03); the same weights at every step.

    Inputs:
    - x: input sequences, shape (N, T, D)
    - h0, c0: initial hidden and cell states, shape (N, H); Keras starts from zeros
    - Wx, Wh, b: as in :func:`lstm_step`
    Returns:
    - :class:`LSTMStep` whose fields have shape (N, T, H): ``h`` is what
      ``LSTM(return_sequences=True)`` returns, ``h[:, -1]`` and ``c[:, -1]`` are its final states
    """
    x = np.asarray(x)
    steps = []
    h, c = h0, c0
    for t in range(x.shape[1]):
        step = lstm_step(x[:, t, :], h, c, Wx, Wh, b)
        h, c = step.h, step.c
        steps.append(step)
    return LSTMStep(*(np.stack(field, axis=1) for field in zip(*steps, strict=True)))


def from_keras_lstm(layer):
    """A Keras ``LSTM`` layer's (or ``LSTMCell``'s) weights as numpy ``(Wx, Wh, b)`` (lecture 03).

    Keras stores three arrays, each with four H-wide blocks in the gate order **i, f, c (= g), o**:
    - ``cell.kernel``, shape (D, 4H): ``[W_xi | W_xf | W_xg | W_xo]``, our ``Wx``
    - ``cell.recurrent_kernel``, shape (H, 4H): ``[W_hi | W_hf | W_hg | W_ho]``, our ``Wh``
    - ``cell.bias``, shape (4H,): ``[b_i | b_f | b_g | b_o]``, our ``b``; with ``unit_forget_bias=True``
      (the default) ``b_f`` starts at 1 and the rest at 0; zeros if ``use_bias=False``
    The layer must be built and use the default activations (``tanh`` and ``sigmoid``).
    """
    return keras_cell_weights(layer, activations=("tanh", "sigmoid"), computed_by="lstm_step")  # (D,4H) (H,4H) (4H,)
