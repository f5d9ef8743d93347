"""dlcourse.word2vec (lecture 07): vocabulary, the Keras SGNS model and trainer, test data, analogies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dlcourse import word2vec as w2v


def test_build_vocab_keeps_frequent_words_most_frequent_first():
    vocab = w2v.build_vocab([["b", "a", "b"], ["c", "a", "b", "d"]], min_count=2)
    assert vocab.words == ["b", "a"] and vocab.counts.tolist() == [3, 2] and len(vocab) == 2
    assert vocab.index == {"b": 0, "a": 1}
    np.testing.assert_array_equal(vocab.encode(["a", "x", "b"]), [1, 0])
    assert vocab.encode(["x"]).dtype == np.int32
    with pytest.raises(ValueError, match="no token"):
        w2v.build_vocab([["a"]], min_count=2)


def test_fixed_window_pairs_stay_inside_sentences():
    # deck 03, window 1: (quick, the), (quick, brown), (brown, quick), (brown, fox), ...
    words = "the quick brown fox jumped over the lazy dog".split()
    ids = np.arange(len(words), dtype=np.int32)
    pairs = w2v._window_pairs(ids, np.zeros(len(words), int), window=1)
    got = {(words[c], words[o]) for c, o in pairs}
    assert {("quick", "the"), ("quick", "brown"), ("brown", "quick"), ("brown", "fox")} <= got
    assert len(pairs) == 2 * (len(words) - 1)
    pairs2 = w2v._window_pairs(ids, np.zeros(len(words), int), window=2)
    assert len(pairs2) == 2 * (len(words) - 1) + 2 * (len(words) - 2)
    split = w2v._window_pairs(np.array([0, 1, 2, 3], np.int32), np.array([0, 0, 1, 1]), window=2)
    assert {tuple(p) for p in split} == {(0, 1), (1, 0), (2, 3), (3, 2)}


def test_sgns_model_is_sigmoid_of_dot_products():
    model = w2v.build_sgns_model(7, 4, num_negatives=3, seed=1)
    rng = np.random.default_rng(0)
    v = rng.normal(size=(7, 4)).astype(np.float32)
    u = rng.normal(size=(7, 4)).astype(np.float32)
    model.get_layer("center_embedding").set_weights([v])
    model.get_layer("context_embedding").set_weights([u])
    center = np.array([0, 5], np.int32)
    context = np.array([[1, 2, 3, 4], [6, 0, 0, 1]], np.int32)
    out = np.asarray(model([center, context]))
    assert out.shape == (2, 4)
    scores = np.einsum("bkd,bd->bk", u[context], v[center])
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-scores)), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(model.logits([center, context])), scores, rtol=1e-5, atol=1e-6)
    fresh = w2v.build_sgns_model(7, 4, num_negatives=3)
    assert np.all(fresh.get_layer("context_embedding").get_weights()[0] == 0)
    assert np.abs(fresh.get_layer("center_embedding").get_weights()[0]).max() <= 0.5 / 4


def _two_topic_corpus(seed=0, n=300):
    rng = np.random.default_rng(seed)
    topics = [[f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]]
    return [list(rng.choice(topics[i % 2], size=8)) for i in range(n)]


def test_tiny_sgns_lowers_the_loss_and_groups_cooccurring_words():
    sentences = _two_topic_corpus()
    result = w2v.train_sgns(sentences, vector_size=16, window=2, negative=4, epochs=6, min_count=1,
                            alpha=0.05, batch_size=256, seed=0)
    assert len(result.losses) == 6 and result.losses[-1] < result.losses[0] < np.log(2) + 1e-3
    wv = result.wv
    assert set(wv.index_to_key) == {f"a{i}" for i in range(6)} | {f"b{i}" for i in range(6)}
    same = np.mean([wv.similarity(f"a{i}", f"a{j}") for i in range(6) for j in range(6) if i != j])
    other = np.mean([wv.similarity(f"a{i}", f"b{j}") for i in range(6) for j in range(6)])
    assert same > other + 0.3, (same, other)
    assert result.words_per_second > 0 and result.pairs_per_epoch > 0
    again = w2v.train_sgns(sentences, vector_size=16, window=2, negative=4, epochs=6, min_count=1,
                           alpha=0.05, batch_size=256, seed=0)
    np.testing.assert_allclose(again.wv.vectors, wv.vectors, rtol=1e-5, atol=1e-6)  # same seed, same vectors


def test_train_sgns_progress_lines(capsys):
    w2v.train_sgns(_two_topic_corpus(n=40), vector_size=4, window=1, negative=2, epochs=5, min_count=1,
                   batch_size=64, seed=0, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split(":")[0] for ln in lines] == ["에포크 2/5", "에포크 4/5", "에포크 5/5"]
    w2v.train_sgns(_two_topic_corpus(n=40), vector_size=4, window=1, negative=2, epochs=2, min_count=1,
                   batch_size=64, seed=0)
    assert capsys.readouterr().out == ""


def test_text8_slice_and_questions_ship_with_gensim():
    sentences = w2v.load_text8_slice(max_words=2500)
    assert sum(map(len, sentences)) == 2500 and all(w == w.lower() for s in sentences for w in s)
    assert sentences[0][:3] == ["anarch", "greek", "rule"]          # stemmed, stop words removed
    assert Path(w2v.questions_words_path()).read_text().startswith(": capital-common-countries")


def test_stemmed_questions_match_the_stemmed_corpus(monkeypatch, tmp_path):
    from dlcourse import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    path = w2v.questions_words_path(stemmed=True)
    assert Path(path).parent == tmp_path
    lines = Path(path).read_text().splitlines()
    questions = [line.split() for line in lines if not line.startswith(":")]
    assert ["athen", "greec", "baghdad", "iraq"] in questions
    assert all(len(set(q)) == 4 for q in questions)
    original = [line for line in Path(w2v.questions_words_path()).read_text().splitlines() if not line.startswith(":")]
    assert 0.5 * len(original) < len(questions) < len(original)
    assert w2v.questions_words_path(stemmed=True) == path      # written once, then reused


def test_analogy_accuracy_on_a_known_answer(tmp_path):
    from gensim.models import KeyedVectors

    questions = tmp_path / "questions.txt"
    questions.write_text(": capitals\nathens greece berlin germany\nathens greece paris italy\n"
                         ": other\nathens greece unknown word\n")
    kv = KeyedVectors(3)
    kv.add_vectors(["athens", "greece", "berlin", "germany", "paris", "france", "italy"], np.array([
        [1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1],      # country = capital + (0, 1, 0)
        [1, 0, 1], [1, 1, 1], [-1, 0, 0]], np.float32))
    result = w2v.analogy_accuracy(kv, path=str(questions))
    # berlin + (greece - athens) = germany: right; paris + … = france, not italy: wrong; "unknown" skipped
    assert (result.correct, result.total) == (1, 2) and result.accuracy == 0.5
    assert result.sections == {"capitals": (1, 2), "other": (0, 0)}
    assert w2v.analogy_accuracy(kv, restrict_vocab=2, path=str(questions)).total == 0


def test_analogy_ranks_agree_with_accuracy(tmp_path):
    from gensim.models import KeyedVectors

    questions = tmp_path / "questions.txt"
    questions.write_text(": capitals\nathens greece berlin germany\nathens greece paris italy\n")
    kv = KeyedVectors(3)
    kv.add_vectors(["athens", "greece", "berlin", "germany", "paris", "france", "italy"], np.array([
        [1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1], [-1, 0, 0]], np.float32))
    result = w2v.analogy_accuracy(kv, path=str(questions))
    ranks = w2v.analogy_ranks(kv, result.questions)
    assert ranks.tolist()[0] == 1 and ranks[1] > 1          # germany first; italy below france
    assert int((ranks == 1).sum()) == result.correct
    assert ranks.max() <= len(kv) - 3
