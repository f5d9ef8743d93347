"""Lecture 06's exercise checkers: each accepts a right answer and rejects the typical wrong ones."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises import verdict


def kind(exercise_id, answer):
    return verdict(exercise_id, answer)[0]


def test_06_1_keras_l2_from_tf1():
    assert kind("06-1", lambda lam: lam / 2) == "correct"
    kind_, message = verdict("06-1", lambda lam: lam)
    assert kind_ == "wrong" and "½" in message
    kind_, message = verdict("06-1", lambda lam: 2 * lam)
    assert kind_ == "wrong" and "거꾸로" in message
    assert kind("06-1", lambda lam: ...) == "wrong"


def test_06_2_adam_l2_first_step():
    assert kind("06-2", 0.01) == "correct"
    assert kind("06-2", -0.01) == "correct"  # a signed step is read as its size
    kind_, message = verdict("06-2", 0.01 * 2 * 1e-4 * 3.0)
    assert kind_ == "wrong" and "SGD" in message
    kind_, message = verdict("06-2", 2 * 1e-4 * 3.0)
    assert kind_ == "wrong" and "2λw" in message
    assert kind("06-2", ...) == "unanswered"


def test_06_3_normalized_geometric_mean():
    def right(p):
        logp = np.log(np.asarray(p)).mean(0)
        g = np.exp(logp - logp.max(-1, keepdims=True))
        return g / g.sum(-1, keepdims=True)

    assert kind("06-3", right) == "correct"
    kind_, message = verdict("06-3", lambda p: np.asarray(p).mean(0))
    assert kind_ == "wrong" and "산술" in message
    kind_, message = verdict("06-3", lambda p: np.exp(np.log(p).mean(0)))
    assert kind_ == "wrong" and "정규화" in message

    def by_product(p):  # underflows for tiny probabilities
        g = np.prod(np.asarray(p), axis=0) ** (1 / len(p))
        return g / g.sum(-1, keepdims=True)

    kind_, message = verdict("06-3", by_product)
    assert kind_ == "wrong" and "로그" in message
    assert kind("06-3", lambda p: ...) == "wrong"


def test_06_4_unbiased_population_variance():
    assert kind("06-4", lambda v, m: v * m / (m - 1)) == "correct"
    kind_, message = verdict("06-4", lambda v, m: v * (m - 1) / m)
    assert kind_ == "wrong" and "거꾸로" in message
    kind_, message = verdict("06-4", lambda v, m: v)
    assert kind_ == "wrong" and "m/(m−1)" in message
    assert kind("06-4", lambda v, m: ...) == "wrong"
