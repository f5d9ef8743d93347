"""dlcourse.data.load_custom_text: a student's own text for a3, cleaned and checked before training."""

from __future__ import annotations

import unicodedata

import pytest

from dlcourse import data

HANGUL = "한국어 문장입니다. 다람쥐 헌 쳇바퀴에 타고파.\n"


def write(tmp_path, name, raw: bytes):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def test_reads_utf8_as_is(tmp_path):
    assert data.load_custom_text(write(tmp_path, "a.txt", HANGUL.encode())) == HANGUL


def test_byte_order_marks_are_removed(tmp_path):
    text = data.load_custom_text(write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + HANGUL.encode()))
    assert text == HANGUL and "\ufeff" not in text
    # a second file pasted after the first brings its own BOM into the middle
    text = data.load_custom_text(write(tmp_path, "two.txt", ("\ufeff가나\n\ufeff다라\n").encode()))
    assert text == "가나\n다라\n"


def test_macos_nfd_hangul_becomes_nfc_syllables(tmp_path):
    nfd = unicodedata.normalize("NFD", HANGUL)
    assert nfd != HANGUL and len(nfd) > len(HANGUL)  # the fixture really is decomposed jamo
    text = data.load_custom_text(write(tmp_path, "mac.txt", nfd.encode()))
    assert text == HANGUL
    assert not any("\u1100" <= ch <= "\u11ff" for ch in text), "conjoining jamo left in the text"


def test_windows_line_endings_become_newlines(tmp_path):
    text = data.load_custom_text(write(tmp_path, "crlf.txt", "가\r\n나\r다\n".encode()))
    assert text == "가\n나\n다\n" and "\r" not in text


def test_too_short_text_is_refused_up_front_with_the_minimum(tmp_path):
    path = write(tmp_path, "short.txt", ("가" * 500).encode())
    with pytest.raises(ValueError) as err:
        data.load_custom_text(path, min_chars=1_813)
    message = str(err.value)
    assert "500자" in message and "1,813자" in message and "짧습니다" in message
    assert data.load_custom_text(path, min_chars=500) == "가" * 500


def test_max_chars_cuts_before_the_size_check(tmp_path):
    path = write(tmp_path, "long.txt", ("가나다라" * 1000).encode())
    assert len(data.load_custom_text(path, max_chars=1000)) == 1000
    with pytest.raises(ValueError, match="1,000자"):
        data.load_custom_text(path, max_chars=1000, min_chars=2000)


def test_other_encodings_are_explained_and_can_be_asked_for(tmp_path):
    path = write(tmp_path, "cp949.txt", HANGUL.encode("cp949"))
    with pytest.raises(ValueError, match="UTF-8"):
        data.load_custom_text(path)
    assert data.load_custom_text(path, encoding="cp949") == HANGUL


def test_missing_and_empty_files_are_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="data/custom|custom"):
        data.load_custom_text(tmp_path / "missing.txt")
    with pytest.raises(ValueError, match="글자가 없습니다"):
        data.load_custom_text(write(tmp_path, "blank.txt", "\ufeff \r\n".encode()))


def test_a_bare_name_is_looked_up_in_data_custom(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "CUSTOM_DATA_DIR", tmp_path)
    write(tmp_path, "mine.txt", HANGUL.encode())
    assert data.load_custom_text("mine.txt") == HANGUL
