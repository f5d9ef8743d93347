"""One call that makes a notebook repeatable (introduced in lecture 00, used at the top of every notebook).

The seed sweep (``dlcourse execute --sweep``, lecture claims checked over many seeds) sets
``DLCOURSE_SEED_OFFSET``; :func:`seed_everything` adds it to the notebook's own seed, so the same notebook
runs with another seed without editing it. Without the variable nothing changes.
"""

from __future__ import annotations

import os
import random

import numpy as np

SEED_OFFSET_ENV = "DLCOURSE_SEED_OFFSET"


def seed_offset() -> int:
    """The offset from ``DLCOURSE_SEED_OFFSET`` (0 when unset); a non-integer value is an error."""
    raw = os.environ.get(SEED_OFFSET_ENV, "").strip()
    if not raw:
        return 0
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{SEED_OFFSET_ENV} must be an integer, not {raw!r}") from None


def seed_everything(seed: int = 42, *, deterministic: bool = True) -> int:
    """Seed Python, NumPy and TensorFlow/Keras; with ``deterministic`` turn on TF op determinism.

    The seed used is ``seed + DLCOURSE_SEED_OFFSET`` (the sweep's offset; 0 normally), and it is returned so
    that a notebook derives every other random stream from it (``SEED + 1``, ``default_rng(SEED)``).
    TensorFlow is seeded only if it can be imported, so numpy-only notebooks stay light.
    """
    seed = seed + seed_offset()
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
