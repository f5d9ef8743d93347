"""Lecture 05's exercise checkers: each accepts a right answer and rejects the typical wrong ones."""

from __future__ import annotations

import math

from dlcourse.exercises import verdict


def kind(exercise_id, answer):
    return verdict(exercise_id, answer)[0]


def test_05_1_bpc_and_perplexity():
    assert kind("05-1", lambda loss: (loss / math.log(2), math.exp(loss))) == "correct"
    assert kind("05-1", lambda loss: (loss / math.log(2), 2 ** (loss / math.log(2)))) == "correct"
    kind_, message = verdict("05-1", lambda loss: (loss * math.log(2), math.exp(loss)))
    assert kind_ == "wrong" and "나눕니다" in message
    kind_, message = verdict("05-1", lambda loss: (loss / math.log(2), 2 ** loss))
    assert kind_ == "wrong" and "e^loss" in message
    assert kind("05-1", lambda loss: ...) == "wrong"  # the unfilled scaffold: a hint, not an error
    assert kind("05-1", lambda loss: loss) == "wrong"


def test_05_2_count_windows():
    def right(n, seq_len, stride):
        return max(0, (n - seq_len - 1) // stride + 1) if n > seq_len else 0

    assert kind("05-2", right) == "correct"
    kind_, message = verdict("05-2", lambda n, seq_len, stride: (n - seq_len) // stride + 1)
    assert kind_ == "wrong" and "seq_len + 1" in message
    assert kind("05-2", lambda n, seq_len, stride: n // stride) == "wrong"
    assert kind("05-2", lambda n, seq_len, stride: ...) == "wrong"


def test_05_3_kneser_ney_by_hand():
    p1_a = (3 - 0.5) / 7 + 0.5 * 5 / 7 / 6
    assert kind("05-3", (2 - 0.5) / 2 + 0.5 * 1 / 2 * p1_a) == "correct"
    assert kind("05-3", 0.854) == "correct"
    kind_, message = verdict("05-3", 1.0)
    assert kind_ == "wrong" and "할인" in message
    raw_p1_a = (5 - 0.5) / 11 + 0.5 * 5 / 11 / 6
    kind_, message = verdict("05-3", 0.75 + 0.25 * raw_p1_a)
    assert kind_ == "wrong" and "continuation" in message
    assert kind("05-3", 0.75) == "wrong"
    assert kind("05-3", ...) == "unanswered"


def test_05_4_temperature_for_one_bit():
    assert kind("05-4", 0.69) == "correct"
    kind_, message = verdict("05-4", 1.0)
    assert kind_ == "wrong" and "낮추세요" in message
    kind_, message = verdict("05-4", 0.3)
    assert kind_ == "wrong" and "높이세요" in message
    assert kind("05-4", -1) == "wrong"
    assert kind("05-4", "abc")[0:5] == "error"
