"""The vanilla RNN forward pass in numpy, CS231n style (introduced in lecture 01).

Notation: N batch size, T time steps, D input features, H hidden units. Row vectors throughout, as in
Keras: one step computes ``h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)``. The decks write the same step with
column vectors, ``h_t = tanh(W_hh h_{t-1} + W_xh x_t)``, so ``W_xh = Wx.T`` and ``W_hh = Wh.T``.

Only forward passes live here: the backward passes (BPTT) are the graded assignment a1.
"""

from __future__ import annotations

import numpy as np


def one_hot(indices, depth: int, *, dtype=np.float32) -> np.ndarray:
    """One-hot vectors for integer ``indices`` (lecture 01: 'hello' over the vocabulary [h, e, l, o]).

    Inputs:
    - indices: integers in ``[0, depth)``, any shape S (a list, a list of lists or an array)
    - depth: vocabulary size V
    Returns:
    - array of shape S + (V,) with a single 1 on the last axis at each index
    """
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise TypeError(f"one_hot needs integer indices, got dtype {indices.dtype}")
    if indices.size and (indices.min() < 0 or indices.max() >= depth):
        raise ValueError(f"indices must lie in [0, {depth}), got [{indices.min()}, {indices.max()}]")
    return np.eye(depth, dtype=dtype)[indices]


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """One time step of a vanilla (tanh) RNN (lecture 01): ``h_next = tanh(x @ Wx + h_prev @ Wh + b)``.

    Inputs:
    - x: inputs at this time step, shape (N, D)
    - h_prev: hidden state of the previous step, shape (N, H); zeros before the first step
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: bias, shape (H,)
    Returns a tuple of:
    - h_next: next hidden state, shape (N, H)
    - cache: (x, h_prev, Wx, Wh, h_next), what a backward pass would need
    """
    h_next = np.tanh(x @ Wx + h_prev @ Wh + b)  # (N, H)
    return h_next, (x, h_prev, Wx, Wh, h_next)


def rnn_forward(x, h0, Wx, Wh, b):
    """A vanilla RNN over a whole sequence (lecture 01); the same Wx, Wh, b at every step.

    Inputs:
    - x: input sequences, shape (N, T, D) — (batch, time, features), Keras's layout
    - h0: initial hidden state, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: bias, shape (H,)
    Returns a tuple of:
    - h: hidden states of every step, shape (N, T, H); what ``SimpleRNN(return_sequences=True)`` returns
    - cache: list of the T step caches of :func:`rnn_step_forward`
    """
    x = np.asarray(x)
    N, T, _ = x.shape
    H = Wh.shape[0]
    h = np.empty((N, T, H), dtype=np.result_type(x, h0, Wx, Wh, b))
    cache = []
    h_t = h0
    for t in range(T):
        h_t, step_cache = rnn_step_forward(x[:, t, :], h_t, Wx, Wh, b)  # (N, H)
        h[:, t, :] = h_t
        cache.append(step_cache)
    return h, cache


def from_keras_simple_rnn(layer):
    """A Keras ``SimpleRNN`` layer's (or ``SimpleRNNCell``'s) weights as numpy ``(Wx, Wh, b)`` (lecture 01).

    Keras stores them as row-vector matrices, in this order:
    - ``cell.kernel``, shape (D, H): input-to-hidden, our ``Wx`` (the decks' ``W_xh`` is its transpose)
    - ``cell.recurrent_kernel``, shape (H, H): hidden-to-hidden, our ``Wh`` (the decks' ``W_hh`` transposed)
    - ``cell.bias``, shape (H,): our ``b``; zeros when the layer was built with ``use_bias=False``
    so that Keras computes ``tanh(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``. The layer must be
    built (called once, or given an input shape) and use the default ``activation="tanh"``.
    """
    return keras_cell_weights(layer, activations=("tanh",), computed_by="rnn_forward")


def keras_cell_weights(layer, *, activations: tuple[str, ...], computed_by: str):
    """``(kernel, recurrent_kernel, bias)`` of a built Keras recurrent layer or cell as numpy arrays.

    Shared by ``from_keras_simple_rnn`` (lecture 01), ``from_keras_lstm`` and ``from_keras_gru`` (lecture 03).
    ``activations`` are the names the numpy function ``computed_by`` assumes, in the order
    (``activation``, ``recurrent_activation``); a layer built otherwise is refused. Shapes: kernel (D, kH),
    recurrent kernel (H, kH), bias (kH,) — zeros when the layer was built with ``use_bias=False``.
    """
    cell = getattr(layer, "cell", layer)
    if not cell.built:
        raise ValueError(f"layer {layer.name!r} is not built yet: call it on an input first")
    found = tuple(getattr(getattr(cell, attr), "__name__", str(getattr(cell, attr)))
                  for attr in ("activation", "recurrent_activation")[: len(activations)])
    if found != activations:
        uses = found[0] if len(found) == 1 else found
        raise ValueError(f"{computed_by} computes {'/'.join(activations)}; layer {layer.name!r} uses {uses!r}")
    Wx = np.asarray(cell.kernel)  # (D, kH)
    Wh = np.asarray(cell.recurrent_kernel)  # (H, kH)
    b = np.asarray(cell.bias) if cell.bias is not None else np.zeros(Wh.shape[1], dtype=Wh.dtype)  # (kH,)
    return Wx, Wh, b
