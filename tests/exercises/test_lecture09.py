"""Lecture 09 (conditional GAN) self-checks: each accepts a right answer and rejects a typical wrong one."""

from __future__ import annotations

import numpy as np

from dlcourse.exercises import verdict


def test_09_1_parameter_count_matches_the_package_model():
    from dlcourse.gan import build_conditional_generator

    right = build_conditional_generator(64, 10, (28, 28), label_units=64, hidden=256).count_params()
    assert right == 239_376
    assert verdict("09-1", right)[0] == "correct"
    kind, message = verdict("09-1", 64 * 64 + 10 * 64 + 128 * 256 + 256 * 784)  # no biases
    assert kind == "wrong" and "편향" in message
    assert verdict("09-1", ...)[0] == "unanswered"


def test_09_2_block_weight():
    def right(Wz, Wy):
        return np.block([[Wz, np.zeros((Wz.shape[0], Wy.shape[1]))], [np.zeros((Wy.shape[0], Wz.shape[1])), Wy]])

    assert verdict("09-2", right)[0] == "correct"
    kind, message = verdict("09-2", lambda Wz, Wy: right(Wz, Wy).T)  # transposed: (d_z + d_y, noise + classes)
    assert kind == "wrong" and "모양" in message
    ones = lambda Wz, Wy: np.block([[Wz, np.ones((Wz.shape[0], Wy.shape[1]))],  # noqa: E731
                                    [np.ones((Wy.shape[0], Wz.shape[1])), Wy]])
    kind, message = verdict("09-2", ones)  # off-diagonal blocks not zero
    assert kind == "wrong" and "0입니다" in message


def test_09_3_frechet_1d():
    assert verdict("09-3", lambda m1, s1, m2, s2: (m1 - m2) ** 2 + (s1 - s2) ** 2)[0] == "correct"
    kind, message = verdict("09-3", lambda m1, s1, m2, s2: (m1 - m2) ** 2 + (s1 ** 2 - s2 ** 2) ** 2)  # variances
    assert kind == "wrong" and "표준편차" in message
    assert verdict("09-3", lambda m1, s1, m2, s2: (m1 - m2) ** 2)[0] == "wrong"  # spread ignored


def test_09_4_collapsed_generator():
    from dlcourse.data import load_digits

    digits = load_digits()
    means = np.stack([digits.images[digits.labels == c].mean(0) for c in range(10)])  # (10, 8, 8)
    assert verdict("09-4", lambda labels: means[labels])[0] == "correct"
    rng = np.random.default_rng(0)
    kind, message = verdict("09-4", lambda labels: np.stack([digits.images[digits.labels == c][rng.integers(50)]
                                                            for c in labels]))  # varied: not collapsed
    assert kind == "wrong" and "서로 다른 그림" in message
    kind, message = verdict("09-4", lambda labels: means[(labels + 1) % 10])  # collapsed but the wrong digit
    assert kind == "wrong" and "읽히지 않습니다" in message
