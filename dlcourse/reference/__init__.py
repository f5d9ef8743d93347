"""Small numpy reference implementations that the lectures show next to Keras (forward passes only).

Each module is named after a concept (``rnn``) and each function's docstring names the lecture that
introduces it. Backward passes are graded assignments and are deliberately not part of this package.
"""

from dlcourse.reference.rnn import from_keras_simple_rnn, one_hot, rnn_forward, rnn_step_forward

__all__ = ["from_keras_simple_rnn", "one_hot", "rnn_forward", "rnn_step_forward"]
