"""The n-gram language models (dlcourse.ngram: lecture 05 and the char-RNN benchmark): proper distributions,
the unseen-character rule, and hand-computed Kneser–Ney values."""

from __future__ import annotations

import math

import pytest

from dlcourse.ngram import UNK, KneserNey, Unigram, bits, bits_per_char, map_unknown, vocabulary

TEXT = "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 나온다. " * 3
TEXT += "the cat sat."


@pytest.mark.parametrize("order", [1, 2, 3, 5])
@pytest.mark.parametrize("history", ["", "대한", "국민에게 있", "xyz 없는 문맥", "고, 모든", UNK * 4])
def test_kneser_ney_sums_to_one_over_the_vocabulary(order, history):
    model = KneserNey(TEXT, order=order)
    probs = [model.prob(w, history) for w in model.vocab]
    assert all(p > 0 for p in probs)
    assert math.fsum(probs) == pytest.approx(1.0, abs=1e-12)


def test_unigram_sums_to_one_and_matches_add_one():
    vocab = vocabulary(TEXT)
    model = Unigram(TEXT, vocab)
    assert math.fsum(model.prob(w) for w in vocab) == pytest.approx(1.0, abs=1e-12)
    assert model.prob("국") == (TEXT.count("국") + 1) / (len(TEXT) + len(vocab))


def test_hand_computed_bigram_values():
    # text "aab", V = {UNK, a, b}, D = 0.5.  Continuation counts: N1+(•a) = 1, N1+(•b) = 1 → T1 = 2, N1 = 2.
    # p1(a) = (1 − .5)/2 + .5·2/2·(1/3) = 1/4 + 1/6;  p1(UNK) = 1/6.
    # context "a": c(aa) = c(ab) = 1 → p2(a|a) = .5/2 + .5·2/2·p1(a);  p2(UNK|a) = .5·p1(UNK).
    model = KneserNey("aab", order=2, discount=0.5)
    assert model.vocab == [UNK, "a", "b"]
    p1_a, p1_unk = 1 / 4 + 1 / 6, 1 / 6
    assert model.prob("a", "b") == pytest.approx(p1_a)  # context "b" never seen: all mass to the lower order
    assert model.prob(UNK, "") == pytest.approx(p1_unk)
    assert model.prob("a", "a") == pytest.approx(0.25 + 0.5 * p1_a)
    assert model.prob("b", "a") == pytest.approx(0.25 + 0.5 * p1_a)
    assert model.prob(UNK, "a") == pytest.approx(0.5 * p1_unk)


def test_unseen_characters_are_unk_with_small_positive_probability():
    model = KneserNey(TEXT, order=3)
    assert "쀍" not in model.vocab and "Q" not in model.vocab
    p = model.prob("쀍", "대한")
    assert p == model.prob(UNK, "대한") == model.prob("Q", "대한")  # stated rule: unseen → UNK
    assert 0 < p < 1 / model.V  # positive, and less than a uniform share: UNK never occurred
    assert model.prob("민", "대한쀍") == model.prob("민", "대한" + UNK)  # unseen history characters too
    assert map_unknown("a쀍b", ["a", "b", UNK]) == f"a{UNK}b"


def test_discount_is_estimated_from_counts_of_counts():
    model = KneserNey(TEXT, order=3)
    for k, D in model.D.items():
        assert 0 < D < 1, (k, D)


def test_higher_orders_predict_a_repetitive_text_better():
    sentence = "the cat sat on the mat. the rat ate the hat. "  # "at" alone is ambiguous, "e mat" is not
    train, heldout = sentence * 20, sentence * 2  # the same text, continued
    vocab = vocabulary(train)
    bpc = {n: bits_per_char(KneserNey(train, order=n), heldout, history=train[-10:]) for n in (1, 3, 5)}
    unigram = bits_per_char(Unigram(train, vocab), heldout)
    assert bpc[5] < bpc[3] < bpc[1] <= unigram + 0.1, (bpc, unigram)
    assert bpc[5] < 1.0 < math.log2(len(vocab))


def test_bits_add_up_character_by_character():
    model = KneserNey(TEXT, order=3)
    history, text = "대한민", "국은 민주"
    by_hand = -sum(math.log2(model.prob(text[i], (history + text)[: len(history) + i])) for i in range(len(text)))
    assert bits(model, text, history=history) == pytest.approx(by_hand)


def test_the_benchmark_shim_reexports_the_package_module():
    import sys

    from dlcourse import ngram
    from dlcourse.config import REPO_ROOT

    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    try:
        import ngram as shim  # benchmarks/ngram.py, still imported by benchmarks/charlm.py
    finally:
        sys.path.remove(str(REPO_ROOT / "benchmarks"))
    assert shim.KneserNey is ngram.KneserNey and shim.UNK == ngram.UNK
