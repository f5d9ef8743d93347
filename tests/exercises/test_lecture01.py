"""Lecture 01's exercise checkers: a right answer is accepted, typical wrong ones get a hint."""

from __future__ import annotations

from collections import Counter

import keras
import numpy as np
import pytest

from dlcourse.exercises import verdict
from dlcourse.exercises.lecture01 import HIHELLO_CHARS


def test_01_1_simple_rnn_params():
    assert verdict("01-1", lambda D, H: D * H + H * H + H)[0] == "correct"
    kind, message = verdict("01-1", lambda D, H: D * H + H * H)
    assert kind == "wrong" and "편향" in message
    assert verdict("01-1", lambda D, H: 4 * (D * H + H * H + H))[0] == "wrong"
    kind, message = verdict("01-1", lambda D, H: ...)
    assert kind == "wrong" and "..." in message


def test_01_2_char_model_params():
    assert verdict("01-2", lambda V, H: 4 * H * (V + H + 1) + H * V + V)[0] == "correct"
    kind, message = verdict("01-2", lambda V, H: H * (V + H + 1) + H * V + V)
    assert kind == "wrong" and "게이트가 4개" in message
    kind, message = verdict("01-2", lambda V, H: 4 * H * (V + H + 1))
    assert kind == "wrong" and "Dense" in message


def _char_model(hidden):
    return keras.Sequential([keras.Input((6, 5)), keras.layers.LSTM(hidden, return_sequences=True),
                             keras.layers.Dense(5)])


def _predict(model):
    X = np.eye(5, dtype=np.float32)[[[HIHELLO_CHARS.index(c) for c in "hihell"]]]
    return "".join(HIHELLO_CHARS[i] for i in np.asarray(model(X)).argmax(-1)[0])


def test_01_3_claim_must_match_the_models_own_prediction():
    keras.utils.set_random_seed(0)
    model = _char_model(2)  # untrained: whatever it predicts, the claim is judged against it
    learned = _predict(model) == "ihello"
    assert verdict("01-3", {"model": model, "ihello": learned})[0] == "correct"
    kind, message = verdict("01-3", {"model": model, "ihello": not learned})
    assert kind == "wrong" and "예측합니다" in message
    kind, message = verdict("01-3", {"model": _char_model(5), "ihello": learned})
    assert kind == "wrong" and "은닉 크기는 5" in message
    assert verdict("01-3", model)[0] == "wrong"  # not the dict the exercise asks for
    assert verdict("01-3", {"model": model, "ihello": ...})[0] == "wrong"


def _bigram_best(text):
    following = {}
    for prev, nxt in zip(text[:-1], text[1:], strict=True):
        following.setdefault(prev, Counter())[nxt] += 1
    return sum(max(c.values()) for c in following.values())


@pytest.mark.parametrize("wrong, hint", [(lambda text: len(text) - 1, "모든 글자를"),
                                         (lambda text: len(set(zip(text[:-1], text[1:], strict=True))), "쌍을")])
def test_01_4_bigram_best(wrong, hint):
    assert verdict("01-4", _bigram_best)[0] == "correct"
    kind, message = verdict("01-4", wrong)
    assert kind == "wrong" and hint in message, message
