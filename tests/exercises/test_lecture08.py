"""Lecture 08 (GAN) self-checks: each accepts a right answer and rejects a typical wrong one."""

from __future__ import annotations

import numpy as np
from scipy.special import rel_entr

from dlcourse.exercises import verdict


def _jsd(p, q):
    m = 0.5 * (p + q)
    return 0.5 * float(np.sum(rel_entr(p, m) + rel_entr(q, m)))


def test_08_1_jsd():
    assert verdict("08-1", _jsd)[0] == "correct"
    kind, message = verdict("08-1", lambda p, q: _jsd(p, q) / np.log(2))  # base-2 logarithm
    assert kind == "wrong" and "밑이 2" in message
    naive = lambda p, q: 0.5 * float(np.sum(p * np.log(p / (0.5 * (p + q))) + q * np.log(q / (0.5 * (p + q)))))  # noqa: E731
    kind, message = verdict("08-1", naive)  # 0·log 0 not handled: nan
    assert kind == "wrong" and "0·log 0" in message
    kind, message = verdict("08-1", lambda p, q: None)  # the `...` body
    assert kind == "wrong" and "return" in message


def test_08_2_saturating_gradients():
    assert verdict("08-2", (-0.02, -0.98))[0] == "correct"
    assert verdict("08-2", (0.02, 0.98))[0] == "wrong"            # signs
    assert "순서" in verdict("08-2", (-0.98, -0.02))[1]           # swapped
    assert verdict("08-2", ...)[0] == "unanswered"


def test_08_3_wasserstein_samples():
    assert verdict("08-3", lambda x, y: float(np.mean(np.abs(np.sort(x) - np.sort(y)))))[0] == "correct"
    kind, message = verdict("08-3", lambda x, y: float(np.mean(np.abs(x - y))))  # pairs in the given order
    assert kind == "wrong" and "정렬" in message
    assert verdict("08-3", lambda x, y: abs(float(np.mean(x) - np.mean(y))))[0] == "wrong"  # difference of means


def test_08_4_alternating_matrix():
    assert verdict("08-4", lambda eta: np.array([[1, -eta], [eta, 1 - eta ** 2]]))[0] == "correct"
    kind, message = verdict("08-4", lambda eta: np.array([[1, -eta], [eta, 1]]))  # simultaneous updates
    assert kind == "wrong" and "동시에" in message
    assert verdict("08-4", lambda eta: np.eye(3))[0] == "wrong"
