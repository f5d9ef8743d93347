"""Lecture 04's exercise checkers accept a right answer and reject a typical wrong one."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from dlcourse.exercises import verdict


def test_04_1_windows():
    def right(seq, w):
        return np.array([seq[i:i + w + 1] for i in range(len(seq) - w)])

    def one_short(seq, w):  # windows of w, forgetting the target
        return np.array([seq[i:i + w] for i in range(len(seq) - w)])

    assert verdict("04-1", right)[0] == "correct"
    assert verdict("04-1", one_short)[0] == "wrong"


def test_04_2_window_ceiling():
    def right(seq, w):
        followers = defaultdict(Counter)
        for i in range(len(seq) - w):
            followers[tuple(seq[i:i + w])][seq[i + w]] += 1
        return sum(c.most_common(1)[0][1] for c in followers.values()) / (len(seq) - w)

    def distinct_windows(seq, w):  # counts windows, not the windows' most common followers
        return len({tuple(seq[i:i + w]) for i in range(len(seq) - w)}) / (len(seq) - w)

    assert verdict("04-2", right)[0] == "correct"
    assert verdict("04-2", distinct_windows)[0] == "wrong"


def test_04_3_masked_accuracy():
    def right(y, logits):
        real = y > 0
        return np.mean(logits.argmax(-1)[real] == y[real])

    def with_padding(y, logits):
        return np.mean(logits.argmax(-1) == y)

    assert verdict("04-3", right)[0] == "correct"
    kind, message = verdict("04-3", with_padding)
    assert kind == "wrong" and "패딩" in message


def test_04_4_stateful_order():
    def right(n, b):
        return np.arange(n).reshape(b, n // b).T

    def in_order(n, b):  # consecutive windows side by side in one batch: the state jumps between streams
        return np.arange(n).reshape(n // b, b)

    assert verdict("04-4", right)[0] == "correct"
    assert verdict("04-4", in_order)[0] == "wrong"
