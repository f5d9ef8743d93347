"""Moved into the package as :mod:`dlcourse.ngram` (lecture 05 uses it); re-exported here for benchmark
scripts that still ``import ngram`` (benchmarks/charlm.py)."""

from dlcourse.ngram import UNK, KneserNey, Unigram, bits, bits_per_char, map_unknown, vocabulary

__all__ = ["UNK", "KneserNey", "Unigram", "bits", "bits_per_char", "map_unknown", "vocabulary"]
