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


def test_sweep_offset_shifts_the_seed(monkeypatch):
    monkeypatch.setenv("DLCOURSE_SEED_OFFSET", "3")
    assert seed_everything(7) == 10
    shifted = _draw()
    monkeypatch.delenv("DLCOURSE_SEED_OFFSET")
    assert seed_everything(10) == 10 and _draw() == shifted


def test_bad_offset_is_one_clear_error(monkeypatch):
    import pytest

    monkeypatch.setenv("DLCOURSE_SEED_OFFSET", "two")
    with pytest.raises(ValueError, match="DLCOURSE_SEED_OFFSET must be an integer"):
        seed_everything(1)
