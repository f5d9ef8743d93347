"""dlcourse.morph (lecture 07): five taggers behind one interface, the tokenisation cache, timings."""

from __future__ import annotations

import pytest

from dlcourse import config, morph


def test_unknown_tagger_is_a_one_line_error():
    with pytest.raises(ValueError, match="unknown tagger 'Mecab'") as info:
        morph.make_tagger("Mecab")
    assert "\n" not in str(info.value) and "Kiwi" in str(info.value)
    with pytest.raises(ValueError, match="unknown tagger"):
        morph.tokenize_corpus(["가방"], tagger="okt", cache=False)


def test_missing_jvm_is_a_one_line_error(monkeypatch):
    import jpype

    def no_jvm():
        raise jpype.JVMNotFoundException("No JVM shared library file (libjvm.so) found.")

    monkeypatch.setattr(jpype, "isJVMStarted", lambda: False)
    monkeypatch.setattr(jpype, "getDefaultJVMPath", no_jvm)
    with pytest.raises(morph.MissingJVMError) as info:
        morph.make_tagger("Komoran")
    msg = str(info.value)
    assert "\n" not in msg and "Java" in msg and "Kiwi" in msg
    assert isinstance(morph.make_tagger("Kiwi"), morph.Tagger)  # Kiwi needs no JVM


@pytest.mark.parametrize("name", morph.TAGGERS)
def test_every_tagger_splits_the_deck_sentence(name):
    tagger = morph.make_tagger(name)
    pos = tagger.pos(morph.DECK_SENTENCE)
    assert pos and all(isinstance(m, str) and isinstance(t, str) for m, t in pos)
    assert pos[0][0] == "가방"
    assert tagger.morphs(morph.DECK_SENTENCE) == [m for m, _ in pos]
    assert tagger.pos("   ") == []


def test_kkma_reproduces_the_deck():
    # deck 05: 가방에 들어가신다 -> 가방/NNG + 에/JKM + 들어가/VV + 시/EPH + ㄴ다/EFN
    assert morph.make_tagger("Kkma").pos(morph.DECK_SENTENCE) == [
        ("가방", "NNG"), ("에", "JKM"), ("들어가", "VV"), ("시", "EPH"), ("ㄴ다", "EFN")]


def test_norm_and_stem_are_okt_options():
    assert morph.make_tagger("Okt").pos("들어가신다", stem=True) == [("들어가다", "Verb")]
    with pytest.raises(ValueError, match="Okt only"):
        morph.make_tagger("Kiwi").pos("가방", norm=True)


def test_tokenize_corpus_filters_and_tags():
    sentences = ["대한민국은 민주공화국이다.", "", "모든 권력은 국민으로부터 나온다."]
    plain = morph.tokenize_corpus(sentences, tagger="Okt", cache=False)
    nouns = morph.tokenize_corpus(sentences, tagger="Okt", pos_filter=("Noun",), cache=False)
    tagged = morph.tokenize_corpus(sentences, tagger="Okt", with_tags=True, cache=False)
    assert len(plain) == len(nouns) == len(tagged) == 3 and plain[1] == []
    assert "국민" in nouns[2] and set(nouns[2]) <= set(plain[2]) and len(nouns[2]) < len(plain[2])
    assert [t.rsplit("/", 1)[0] for t in tagged[2]] == plain[2] and "국민/Noun" in tagged[2]


def test_tokenize_corpus_cache_hit_is_identical_and_skips_the_tagger(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    sentences = ["국회는 법률을 제정한다.", "대통령은 국가의 원수이다."]
    first = morph.tokenize_corpus(sentences, tagger="Kiwi", pos_filter=("NN",))
    files = list((tmp_path / "morph").glob("kiwi-*.json"))
    assert len(files) == 1

    def no_tagging(name):
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(morph, "make_tagger", no_tagging)
    assert morph.tokenize_corpus(sentences, tagger="Kiwi", pos_filter=("NN",)) == first
    # other options or other text: another key, so the tagger is needed again
    with pytest.raises(AssertionError, match="cache should have answered"):
        morph.tokenize_corpus(sentences, tagger="Kiwi", pos_filter=("VV",))
    with pytest.raises(AssertionError, match="cache should have answered"):
        morph.tokenize_corpus(sentences[:1], tagger="Kiwi", pos_filter=("NN",))


def test_time_tagger_measures_load_and_speed():
    text = "대한민국은 민주공화국이다.\n\n대한민국의 주권은 국민에게 있다."
    timing = morph.time_tagger("Kiwi", text)
    assert timing.name == "Kiwi" and timing.chars == len(text.replace("\n", ""))
    assert timing.load_seconds > 0 and timing.seconds > 0 and timing.chars_per_second > 0
    assert timing.morphemes == sum(len(timing.tagger.pos(line)) for line in text.splitlines())
    assert len(timing.passes_seconds) == len(timing.passes_wall_seconds) == 2
    assert timing.seconds == min(timing.passes_seconds[1:])              # CPU seconds of the warm pass
    assert timing.chars_per_second == timing.chars / timing.seconds
    assert timing.cold_chars_per_second == timing.chars / timing.passes_seconds[0]
    assert timing.wall_chars_per_second == timing.chars / timing.passes_wall_seconds[1]
    assert timing.analyses is None
    assert morph.start_jvm() >= 0.0


def test_time_tagger_passes_and_analyses():
    text = "대한민국은 민주공화국이다.\n대한민국의 주권은 국민에게 있다."
    one = morph.time_tagger("Kiwi", text, passes=1, keep_analyses=True)
    assert one.passes_seconds == (one.seconds,) and one.chars_per_second == one.cold_chars_per_second
    assert one.analyses == [one.tagger.pos(line) for line in text.splitlines()]
    three = morph.time_tagger("Kiwi", text, passes=3)
    assert len(three.passes_seconds) == 3 and three.seconds == min(three.passes_seconds[1:])
    warm = 1 + three.passes_seconds[1:].index(three.seconds)
    assert three.wall_chars_per_second == three.chars / three.passes_wall_seconds[warm]
    with pytest.raises(ValueError, match="passes"):
        morph.time_tagger("Kiwi", text, passes=0)
