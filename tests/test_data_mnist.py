"""load_mnist: MNIST when cached or reachable, the 8×8 digits offline — and never a hang offline."""

from __future__ import annotations

import time

import numpy as np

from dlcourse import config, data


def test_offline_falls_back_to_8x8_digits_quickly(monkeypatch, tmp_path):
    monkeypatch.setenv(config.OFFLINE_ENV, "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))           # an empty Keras cache: no mnist.npz
    monkeypatch.setattr(data, "_host_reachable", lambda *a, **k: (_ for _ in ()).throw(AssertionError("probed")))
    digits_source = data.load_digits().source                 # imports scikit-learn before the clock starts
    start = time.perf_counter()
    d = data.load_mnist()
    assert time.perf_counter() - start < 5.0
    assert d.source == digits_source and "8x8" in d.source
    assert d.x_train.shape[1:] == d.x_test.shape[1:] == (8, 8)
    assert len(d.x_train) + len(d.x_test) == 1797 and len(d.x_test) == 360
    assert d.x_train.dtype == np.float32 and 0.0 <= d.x_train.min() and d.x_train.max() <= 1.0
    assert set(d.y_test.tolist()) == set(range(10))           # stratified: every digit in the test split


def test_unreachable_host_is_not_waited_for(monkeypatch, tmp_path):
    monkeypatch.delenv(config.OFFLINE_ENV, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(data, "MNIST_HOST", ("invalid.invalid", 9))
    data.load_digits()
    start = time.perf_counter()
    d = data.load_mnist(timeout=0.5)
    assert time.perf_counter() - start < 5.0
    assert "8x8" in d.source
