"""The GRU cell forward pass in numpy, in the ``reset_after=False`` form (introduced in lecture 03).

Row vectors, Keras's block order **z, r, h** (update gate, reset gate, candidate):

    z = σ(x_t @ Wx_z + h_{t-1} @ Wh_z + b_z)          # update gate: how much of h_{t-1} to keep
    r = σ(x_t @ Wx_r + h_{t-1} @ Wh_r + b_r)          # reset gate
    h̃ = tanh(x_t @ Wx_h + (r * h_{t-1}) @ Wh_h + b_h) # candidate; r is applied *before* the product
    h_t = z * h_{t-1} + (1 - z) * h̃

The update rule ``h_t = z ⊙ h_{t-1} + (1 - z) ⊙ h̃_t`` is Cho et al. (2014, eq. 7), TF1's ``GRUCell``, Keras's
``GRU`` and deck 03's ``s_t = (1 - z)∘h + z∘s_{t-1}``: z is the share of the *old* state. Chung et al. (2014),
Olah's figure (deck 02, and deck 03's copy of it) and many textbooks write ``h_t = (1 - z) h_{t-1} + z h̃``
instead, where z is the share of the *new* candidate: the same cell with z's weights and bias negated,
because σ(-a) = 1 - σ(a). The reset gate here acts before the product, as in Cho et al. and
``keras.layers.GRU(reset_after=False)``. Keras's default, ``reset_after=True``, applies r *after* the product
and has a second bias; that variant is not implemented here (it is part of graded assignment a2), nor is any
backward pass.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlcourse.reference.lstm import sigmoid
from dlcourse.reference.rnn import keras_cell_weights

GATE_ORDER = ("z", "r", "h")  # the order of the three H-wide blocks in Keras's kernel, recurrent kernel, bias


class GRUStep(NamedTuple):
    """What one GRU step computes; every field has shape (N, H) (or (N, T, H) from :func:`gru_sequence`)."""

    h: np.ndarray  # new hidden state
    z: np.ndarray  # update gate, in (0, 1)
    r: np.ndarray  # reset gate, in (0, 1)
    h_tilde: np.ndarray  # candidate state, in (-1, 1)


def gru_step(x, h_prev, Wx, Wh, b) -> GRUStep:
    """One GRU step (Cho et al. 2014, lecture 03) = ``keras.layers.GRUCell(reset_after=False)``.

    Inputs:
    - x: inputs at this time step, shape (N, D)
    - h_prev: previous hidden state, shape (N, H)
    - Wx: input weights, shape (D, 3H), column blocks in the order z, r, h
    - Wh: recurrent weights, shape (H, 3H), same block order
    - b: biases, shape (3H,), same block order
    Returns:
    - :class:`GRUStep` (h, z, r, h_tilde), each of shape (N, H)
    """
    H = Wh.shape[0]
    if Wx.shape[1] != 3 * H or Wh.shape[1] != 3 * H or np.shape(b) != (3 * H,):
        raise ValueError(f"expected Wx (D, {3 * H}), Wh ({H}, {3 * H}), b ({3 * H},); "
                         f"got {Wx.shape}, {Wh.shape}, {np.shape(b)}")
    xz, xr, xh = np.split(x @ Wx + b, 3, axis=-1)  # each (N, H)
    Wh_z, Wh_r, Wh_h = np.split(Wh, 3, axis=-1)  # each (H, H)
    z = sigmoid(xz + h_prev @ Wh_z)
    r = sigmoid(xr + h_prev @ Wh_r)
    h_tilde = np.tanh(xh + (r * h_prev) @ Wh_h)  # reset before the product: reset_after=False
    h = z * h_prev + (1 - z) * h_tilde
    return GRUStep(h=h, z=z, r=r, h_tilde=h_tilde)


def gru_sequence(x, h0, Wx, Wh, b) -> GRUStep:
    """A GRU (``reset_after=False``) over a whole sequence (lecture 03).

    Inputs:
    - x: input sequences, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx, Wh, b: as in :func:`gru_step`
    Returns:
    - :class:`GRUStep` whose fields have shape (N, T, H); ``h`` is what
      ``GRU(reset_after=False, return_sequences=True)`` returns
    """
    x = np.asarray(x)
    steps = []
    h = h0
    for t in range(x.shape[1]):
        step = gru_step(x[:, t, :], h, Wx, Wh, b)
        h = step.h
        steps.append(step)
    return GRUStep(*(np.stack(field, axis=1) for field in zip(*steps, strict=True)))


def from_keras_gru(layer):
    """A Keras ``GRU``/``GRUCell`` built with ``reset_after=False`` as numpy ``(Wx, Wh, b)`` (lecture 03).

    Keras stores, each in three H-wide blocks in the order **z, r, h**:
    - ``cell.kernel``, shape (D, 3H): our ``Wx``
    - ``cell.recurrent_kernel``, shape (H, 3H): our ``Wh``
    - ``cell.bias``, shape (3H,) when ``reset_after=False``: our ``b``; zeros if ``use_bias=False``.
      With ``reset_after=True`` (Keras's default) the bias has shape (2, 3H), an input and a recurrent bias,
      and this function refuses the layer.
    """
    cell = getattr(layer, "cell", layer)
    if cell.built and cell.reset_after:
        raise ValueError(f"layer {layer.name!r} uses reset_after=True; gru_step is the reset_after=False form")
    return keras_cell_weights(layer, activations=("tanh", "sigmoid"), computed_by="gru_step")  # (D,3H) (H,3H) (3H,)
