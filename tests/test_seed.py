from __future__ import annotations

import random

import numpy as np

from dlcourse.seed import seed_everything


def _draw():
    import keras

    return random.random(), float(np.random.rand()), float(keras.random.uniform((1,))[0])


def test_same_seed_same_numbers_everywhere():
    seed_everything(7)
    first = _draw()
    seed_everything(7)
    assert _draw() == first
    seed_everything(8)
    assert _draw() != first


def test_op_determinism_is_on():
    from tensorflow.python.framework import config as tf_config  # no public getter exists

    seed_everything(1)
    assert tf_config.is_op_determinism_enabled()
