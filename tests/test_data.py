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


def test_default_korean_corpus_is_unchanged_for_the_assignments():
    """a3 and a4 read load_korean_corpus() as KoNLPy ships it: cleaning is opt-in."""
    raw = data.load_korean_corpus()
    assert raw == "\n\n".join(data.load_korean_documents()) == "\n\n".join([data.load_kolaw(), *data.load_kobill()])
    assert "\x0c" in raw and " " * 50 in raw and "\n- 3 -\n" in raw  # the PDF layout the cleaning removes


def test_cleaned_korean_corpus_has_no_layout_left():
    import re

    raw, text = data.load_korean_corpus(), data.load_korean_corpus(clean=True)
    docs = data.load_korean_documents(clean=True)
    assert text == "\n".join(docs) and len(docs) == 11
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text), "no control character but the line break"
    assert "  " not in text and "\n\n" not in text and " \n" not in text and "\n " not in text
    assert not re.search(r"^-\s*\d+\s*-$", text, re.M), "page footers removed"
    assert "---" not in text
    assert text.count(" ") / len(text) < 0.2 < raw.count(" ") / len(raw)
    assert 0.8 * len(raw) < len(text) < 0.9 * len(raw)
    # the words survive: an article of the Constitution and a bill's sentence, verbatim
    assert "제1조 ① 대한민국은 민주공화국이다.\n②대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 나온다." \
        in text
    assert "이 법은 공포한 날부터 시행한다." in text
    assert data.clean_extracted_text(text) == text  # cleaning twice changes nothing


def test_clean_extracted_text_rules():
    page = "제목\x0c\n\n  첫  줄   입니다 \t\n\n- 12 -\n\n--------------.\n② -------------------------\n끝\n\n\n"
    assert data.clean_extracted_text(page) == "제목\n첫 줄 입니다\n②\n끝"
    assert data.clean_extracted_text("") == ""
    assert data.clean_extracted_text("a\r\nb\x07c") == "a\nb\nc"
