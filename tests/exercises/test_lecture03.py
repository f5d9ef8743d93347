"""Lecture 03's exercise checkers accept a right answer and reject a typical wrong one."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.exercises import verdict

pytest.importorskip("keras")


def test_03_1_param_counts():
    def right(D, H):
        return {"SimpleRNN": D * H + H * H + H, "LSTM": 4 * (D * H + H * H + H), "GRU": 3 * (D * H + H * H + 2 * H)}

    def reset_before(D, H):  # forgets that Keras's default GRU has two biases
        return {**right(D, H), "GRU": 3 * (D * H + H * H + H)}

    assert verdict("03-1", right)[0] == "correct"
    kind, message = verdict("03-1", reset_before)
    assert kind == "wrong" and "GRU" in message


def test_03_2_tf1_bias():
    def right(b):
        H = len(b) // 4
        return b + np.concatenate([np.zeros(H), np.ones(H), np.zeros(2 * H)])

    def forget_block_first(b):  # adds the 1 to the first block, as if f came first (the slides' step order)
        H = len(b) // 4
        return b + np.concatenate([np.ones(H), np.zeros(3 * H)])

    assert verdict("03-2", right)[0] == "correct"
    assert verdict("03-2", forget_block_first)[0] == "wrong"
    assert verdict("03-2", lambda b: b)[0] == "wrong"


def test_03_3_chung_to_keras():
    def right(Wx, Wh, b):
        def neg_z(M):
            z, *rest = np.split(M, 3, axis=-1)
            return np.concatenate([-z, *rest], axis=-1)
        return neg_z(Wx), neg_z(Wh), neg_z(b)

    def negate_everything(Wx, Wh, b):
        return -Wx, -Wh, -b

    assert verdict("03-3", right)[0] == "correct"
    assert verdict("03-3", negate_everything)[0] == "wrong"
    assert verdict("03-3", lambda Wx, Wh, b: (Wx, Wh, b))[0] == "wrong"


def test_03_4_cell_path_gains():
    def right(f):
        return np.vstack([np.ones(f.shape[1]), np.cumprod(f[::-1], axis=0)])

    def from_the_front(f):
        return np.vstack([np.ones(f.shape[1]), np.cumprod(f, axis=0)])

    assert verdict("03-4", right)[0] == "correct"
    kind, message = verdict("03-4", from_the_front)
    assert kind == "wrong" and "끝에서부터" in message
    assert verdict("03-4", lambda f: np.cumprod(f[::-1], axis=0))[0] == "wrong"   # forgets the row of ones
