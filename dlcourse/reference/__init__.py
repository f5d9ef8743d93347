"""Small numpy reference implementations that the lectures show next to Keras (forward passes only).

- ``rnn`` — vanilla RNN forward (lecture 01)
- ``lstm`` — LSTM cell/sequence forward with gate values, Keras kernel layout (lecture 03)
- ``gru`` — the deck-form GRU (``reset_after=False``) forward (lecture 03)
- ``gradcheck`` — numeric gradients and relative error (lecture 02)
- ``batchnorm`` — batch normalization forward, training and inference mode, Keras's running averages (lecture 06)

Each function's docstring names the lecture that introduces it. Backward passes (batch norm's is
assignment a5), gradient clipping and the Keras-default GRU (``reset_after=True``) are graded assignments and
deliberately not part of this package.
"""

from dlcourse.reference.rnn import from_keras_simple_rnn, one_hot, rnn_forward, rnn_step_forward

__all__ = ["from_keras_simple_rnn", "one_hot", "rnn_forward", "rnn_step_forward"]
