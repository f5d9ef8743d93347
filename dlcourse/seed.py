"""One call that makes a notebook repeatable (introduced in lecture 00, used at the top of every notebook)."""

from __future__ import annotations

import os
import random

import numpy as np


def seed_everything(seed: int = 42, *, deterministic: bool = True) -> int:
    """Seed Python, NumPy and TensorFlow/Keras; with ``deterministic`` turn on TF op determinism.

    TensorFlow is seeded only if it can be imported, so numpy-only notebooks stay light.
    Returns the seed so a notebook can print it.
    """
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    try:
        import keras
        import tensorflow as tf
    except ImportError:
        return seed
    keras.utils.set_random_seed(seed)  # python, numpy and the TF backend together
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    return seed
