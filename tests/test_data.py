from __future__ import annotations

import numpy as np
import pytest

from dlcourse import data


def test_korean_corpus_is_constitution_plus_ten_bills():
    law, bills = data.load_kolaw(), data.load_kobill()
    assert "대한민국" in law[:200] and len(bills) == 10
    corpus = data.load_korean_corpus()
    assert corpus.startswith(law) and all(b in corpus for b in bills)
    assert 60_000 < len(corpus) < 70_000


def test_digits_scaled_to_unit_interval():
    d = data.load_digits()
    assert d.images.shape == (1797, 8, 8) and d.images.dtype == np.float32
    assert d.images.min() == 0.0 and d.images.max() == 1.0
    assert sorted(set(d.labels.tolist())) == list(range(10))


def test_load_text_reads_utf8_and_explains_failures(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("가나다\n", encoding="utf-8")
    assert data.load_text(good) == "가나다\n"
    bad = tmp_path / "bad.txt"
    bad.write_bytes("가나다".encode("cp949"))
    with pytest.raises(ValueError, match="not UTF-8"):
        data.load_text(bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(ValueError, match="empty"):
        data.load_text(empty)
    with pytest.raises(FileNotFoundError, match="data/custom|custom"):
        data.load_text(tmp_path / "missing.txt")
