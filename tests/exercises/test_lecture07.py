"""Lecture 07's exercise self-checks: a right answer is accepted, typical wrong ones get a hint."""

from __future__ import annotations

import math

import numpy as np

from dlcourse.exercises import verdict


def test_07_1_pair_count():
    assert verdict("07-1", 30)[0] == "correct"
    kind, message = verdict("07-1", 20)          # the slide's way: edge words skipped
    assert kind == "wrong" and "양 끝" in message
    assert verdict("07-1", 36)[0] == "wrong"     # 9 words × 4 contexts, nothing dropped
    assert verdict("07-1", 15)[0] == "wrong"     # unordered pairs
    assert verdict("07-1", "30")[0] == "wrong"
    assert verdict("07-1", ...)[0] == "unanswered"


def test_07_2_word2vec_c_keeps_everything_below_golden_ratio_squared():
    assert verdict("07-2", (3 + math.sqrt(5)) / 2)[0] == "correct"
    assert verdict("07-2", 2.618)[0] == "correct"
    kind, message = verdict("07-2", 1.0)         # the paper's boundary
    assert kind == "wrong" and "논문" in message
    assert verdict("07-2", (1 + math.sqrt(5)) / 2)[0] == "wrong"
    assert verdict("07-2", 2.0)[0] == "wrong"


def _log_uniform(word_id, vocab_size):
    word_id = np.asarray(word_id, np.float64)
    return (np.log(word_id + 2) - np.log(word_id + 1)) / np.log(vocab_size + 1)


def test_07_3_nce_logit_against_tensorflows_sampler():
    def right(score, word_id, k, vocab_size):
        return np.asarray(score) - np.log(k * _log_uniform(word_id, vocab_size))

    def added(score, word_id, k, vocab_size):
        return np.asarray(score) + np.log(k * _log_uniform(word_id, vocab_size))

    def no_k(score, word_id, k, vocab_size):
        return np.asarray(score) - np.log(_log_uniform(word_id, vocab_size))

    def unfinished(score, word_id, k, vocab_size):
        ...

    assert verdict("07-3", right)[0] == "correct"
    kind, message = verdict("07-3", added)
    assert kind == "wrong" and "부호" in message
    kind, message = verdict("07-3", no_k)
    assert kind == "wrong" and "k가 빠졌" in message
    kind, message = verdict("07-3", unfinished)
    assert kind == "wrong" and "None" in message
    assert verdict("07-3", lambda s, w, k, v: np.asarray(s))[0] == "wrong"   # negative sampling's logit


def test_07_4_three_cos_add_against_gensim():
    def right(wv, a, b, c):
        unit = wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
        idx = [wv.key_to_index[w] for w in (a, b, c)]
        scores = unit @ (unit[idx[1]] - unit[idx[0]] + unit[idx[2]])
        scores[idx] = -np.inf
        return wv.index_to_key[int(np.argmax(scores))]

    def keeps_inputs(wv, a, b, c):
        unit = wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
        idx = [wv.key_to_index[w] for w in (a, b, c)]
        return wv.index_to_key[int(np.argmax(unit @ (unit[idx[1]] - unit[idx[0]] + unit[idx[2]])))]

    def raw_dot(wv, a, b, c):
        unit = wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
        idx = [wv.key_to_index[w] for w in (a, b, c)]
        scores = wv.vectors @ (unit[idx[1]] - unit[idx[0]] + unit[idx[2]])
        scores[idx] = -np.inf
        return wv.index_to_key[int(np.argmax(scores))]

    assert verdict("07-4", right)[0] == "correct"
    kind, message = verdict("07-4", keeps_inputs)
    assert kind == "wrong" and "자신" in message
    kind, message = verdict("07-4", raw_dot)
    assert kind == "wrong" and "코사인" in message
    assert verdict("07-4", lambda wv, a, b, c: None)[0] == "wrong"
