"""Character n-gram language models: add-one unigram and interpolated Kneser–Ney (lecture 05's baselines).

Lecture 05 compares its LSTM with these on the same held-out characters; the char-RNN benchmark
(benchmarks/char_rnn.py) does the same at a larger budget. Pure Python, no TensorFlow.

Interpolated Kneser–Ney (Chen & Goodman 1998, §3.5 and §4.1.6), one absolute discount ``D_k`` per order::

    p_k(w | h) = max(A_k(h w) − D_k, 0) / T_k(h)  +  D_k · N_k(h) / T_k(h) · p_{k−1}(w | h[1:])
    p_0(w)     = 1 / V                                           (uniform over the vocabulary)

where ``h`` is the last k−1 characters, ``A_n`` are raw counts at the highest order n and ``A_k`` (k < n)
are continuation counts ``N1+(• h w)`` (in how many different left contexts ``h w`` was seen),
``T_k(h) = Σ_w A_k(h w)`` and ``N_k(h)`` = how many different ``w`` have ``A_k(h w) > 0``. A context never
seen (``T_k(h) = 0``) passes all its mass to the lower order. ``D_k = n1 / (n1 + 2 n2)`` from the counts of
counts of ``A_k`` (0.75 when n1 or n2 is 0). Each level sums to one over the vocabulary because every
positive count is ≥ 1 > D_k, so the discounted mass is exactly what the lower order receives.

Unseen characters: the vocabulary is the training text's characters plus :data:`UNK`; every character
not in it (in a context or as the predicted symbol) is mapped to :data:`UNK` first, exactly as the LSTM's
vocabulary does. :data:`UNK` never occurs in training, so its probability is what the uniform floor
``p_0 = 1/V`` passes up through the interpolation weights: small, positive and finite.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

UNK = "\ufffd"  # the unknown-character symbol (same as the a3 assignment's vocabulary)


def vocabulary(text: str) -> list[str]:
    """``[UNK, *sorted(distinct characters of text)]``: index 0 is UNK."""
    return [UNK, *sorted(set(text) - {UNK})]


def map_unknown(text: str, vocab: Iterable[str]) -> str:
    """``text`` with every character outside ``vocab`` replaced by :data:`UNK`."""
    known = set(vocab)
    return "".join(ch if ch in known else UNK for ch in text)


class Unigram:
    """Add-one (Laplace) unigram: ``p(w) = (c(w) + 1) / (N + V)``, lecture 05's context-free baseline."""

    order = 1

    def __init__(self, text: str, vocab: Sequence[str]):
        self.vocab = list(vocab)
        self.counts = Counter(map_unknown(text, self.vocab))
        self.total = sum(self.counts.values()) + len(self.vocab)

    def prob(self, w: str, history: str = "") -> float:
        return (self.counts.get(w, 0) + 1) / self.total


class KneserNey:
    """Interpolated Kneser–Ney character model of ``order`` n (n ≥ 1), fitted on ``text``.

    Args:
        text: the training text (characters outside ``vocab`` become UNK).
        vocab: the vocabulary, UNK included (default: :func:`vocabulary` of ``text``).
        order: n; the model conditions on the last n − 1 characters.
        discount: a fixed D for every order instead of the n1 / (n1 + 2 n2) estimate.
    """

    def __init__(self, text: str, *, order: int, vocab: Sequence[str] | None = None,
                 discount: float | None = None):
        if order < 1:
            raise ValueError(f"order must be ≥ 1, got {order}")
        self.order = order
        self.vocab = list(vocab) if vocab is not None else vocabulary(text)
        if UNK not in self.vocab:
            raise ValueError("the vocabulary must contain UNK")
        text = map_unknown(text, self.vocab)
        grams = {k: Counter(text[i:i + k] for i in range(len(text) - k + 1)) for k in range(1, order + 1)}
        # A[k]: k-gram → raw count (k = order) or continuation count N1+(• g) (k < order)
        self.A: dict[int, Counter] = {order: grams[order]}
        for k in range(1, order):
            cont: Counter = Counter()
            for gram in grams[k + 1]:  # each distinct (k+1)-gram x·g adds one left context to g
                cont[gram[1:]] += 1
            self.A[k] = cont
        self.total: dict[int, dict[str, int]] = {}
        self.types: dict[int, dict[str, int]] = {}
        self.D: dict[int, float] = {}
        for k, table in self.A.items():
            total, types = defaultdict(int), defaultdict(int)
            for gram, c in table.items():
                total[gram[:-1]] += c
                types[gram[:-1]] += 1
            self.total[k], self.types[k] = dict(total), dict(types)
            self.D[k] = discount if discount is not None else self._estimate_discount(table)
        self.V = len(self.vocab)
        self._known = set(self.vocab)

    @staticmethod
    def _estimate_discount(table: Counter) -> float:
        of = Counter(table.values())
        n1, n2 = of.get(1, 0), of.get(2, 0)
        return n1 / (n1 + 2 * n2) if n1 > 0 and n2 > 0 else 0.75

    def prob(self, w: str, history: str = "") -> float:
        """p(w | the last order − 1 characters of history); characters outside the vocabulary are UNK.
        A history shorter than order − 1 (only at the very start of a text) uses the orders it has."""
        w = w if w in self._known else UNK
        h = history[len(history) - (self.order - 1):] if self.order > 1 else ""
        h = "".join(ch if ch in self._known else UNK for ch in h)
        return self._p(len(h) + 1, h, w)

    def _p(self, k: int, h: str, w: str) -> float:
        if k == 0:
            return 1.0 / self.V
        lower = self._p(k - 1, h[1:], w)
        total = self.total[k].get(h, 0)
        if total == 0:
            return lower
        D = self.D[k]
        return max(self.A[k].get(h + w, 0) - D, 0.0) / total + D * self.types[k][h] / total * lower


def bits(model, text: str, *, history: str = "") -> float:
    """Total −log2 p of every character of ``text`` under ``model``, each conditioned on what precedes it
    (``history`` first, e.g. the end of the training text)."""
    stream = history + text
    start = len(history)
    context = model.order - 1
    return -sum(math.log2(model.prob(stream[i], stream[max(0, i - context):i])) for i in range(start, len(stream)))


def bits_per_char(model, text: str, *, history: str = "") -> float:
    """:func:`bits` per character of ``text``."""
    return bits(model, text, history=history) / len(text)
