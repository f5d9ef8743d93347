"""Word2Vec for lecture 07: vocabulary, a Keras skip-gram-with-negative-sampling (SGNS) model, a fast CPU
trainer that returns gensim ``KeyedVectors``, gensim's bundled English test data and analogy accuracy.

The pieces, in the order lecture 07 uses them:

- :func:`build_vocab` — words kept by ``min_count``, sorted by frequency (index 0 = most frequent).
- :func:`build_sgns_model` — two ``Embedding`` tables (center ``v``, context ``u``), a dot product and a
  sigmoid: for a center word and ``1 + k`` context candidates (1 true context, ``k`` noise words) it outputs
  ``σ(u·v)`` of shape (batch, 1 + k), trained with binary cross-entropy against labels ``[1, 0, …, 0]``.
- :func:`train_sgns` — trains that model on token lists. Pairs come from a FIXED window (every word within
  ``window`` positions, no random shrinking, no subsampling), built with numpy for the whole corpus at once;
  noise words are drawn from the unigram distribution raised to 0.75; updates are plain SGD on the summed loss
  with word2vec's linear learning-rate decay (``alpha`` → ``min_alpha``) and sparse row updates. Returns the
  center vectors as gensim ``KeyedVectors`` and the measured words/second.
- :func:`load_text8_slice`, :func:`questions_words_path` — gensim's bundled test data (no download); the
  text8 slice is Porter-stemmed, so the questions can be stemmed the same way.
- :func:`analogy_accuracy` — gensim's ``evaluate_word_analogies`` (3CosAdd) on a restricted vocabulary;
  :func:`analogy_ranks` — where the right answer ranks, to compare short runs with chance.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

NOISE_POWER = 0.75  # Mikolov et al. (2013): unigram counts ** 0.75


@dataclass(frozen=True)
class Vocab:
    """Words with at least ``min_count`` occurrences, most frequent first.

    ``words[i]`` is the word with id ``i``; ``counts`` is (V,) int64; ``index`` maps word → id.
    """

    words: list[str]
    counts: np.ndarray
    index: dict[str, int] = field(repr=False)

    def __len__(self) -> int:
        return len(self.words)

    def encode(self, sentence: Iterable[str]) -> np.ndarray:
        """Token list → (n,) int32 ids; words outside the vocabulary are dropped."""
        return np.array([self.index[w] for w in sentence if w in self.index], dtype=np.int32)


def build_vocab(sentences: Iterable[Sequence[str]], *, min_count: int = 5) -> Vocab:
    """Count tokens over ``sentences`` (lists of tokens) and keep those seen ``min_count`` times or more.

    Ties in count are broken by first appearance, so the order is deterministic.
    """
    counter = Counter(w for s in sentences for w in s)
    kept = [(w, c) for w, c in counter.items() if c >= min_count]  # Counter keeps insertion order
    kept.sort(key=lambda wc: -wc[1])  # stable: ties stay in first-seen order
    if not kept:
        raise ValueError(f"build_vocab: no token occurs {min_count} times or more")
    words = [w for w, _ in kept]
    return Vocab(words=words, counts=np.array([c for _, c in kept], np.int64),
                 index={w: i for i, w in enumerate(words)})


def build_sgns_model(vocab_size: int, vector_size: int, *, num_negatives: int, seed: int = 0):
    """The SGNS network as a Keras model: inputs ``center`` (batch,) and ``context`` (batch, 1 + k) int ids.

    Output: ``σ(u_c · v_w)`` of shape (batch, 1 + k), column 0 for the true context word, columns 1…k for
    noise words. Layers ``center_embedding`` (v, word2vec's input vectors, initialised uniformly in
    ±0.5/vector_size) and ``context_embedding`` (u, output vectors, initialised to zero) as in word2vec.c.
    ``model.logits`` (an attribute) is the same network without the sigmoid.
    """
    import keras

    center = keras.Input(shape=(), dtype="int32", name="center")                      # (batch,)
    context = keras.Input(shape=(1 + num_negatives,), dtype="int32", name="context")  # (batch, 1+k)
    init = keras.initializers.RandomUniform(-0.5 / vector_size, 0.5 / vector_size, seed=seed)
    v = keras.layers.Embedding(vocab_size, vector_size, embeddings_initializer=init,
                               name="center_embedding")(center)                        # (batch, d)
    u = keras.layers.Embedding(vocab_size, vector_size, embeddings_initializer="zeros",
                               name="context_embedding")(context)                      # (batch, 1+k, d)
    scores = keras.layers.Dot(axes=(2, 1), name="dot")([u, v])                         # (batch, 1+k)
    probs = keras.layers.Activation("sigmoid", name="sigmoid")(scores)                 # (batch, 1+k)
    model = keras.Model([center, context], probs, name="sgns")
    model.logits = keras.Model([center, context], scores, name="sgns_logits")
    return model


def _window_pairs(ids: np.ndarray, sentence_ids: np.ndarray, *, window: int) -> np.ndarray:
    """All (center, context) id pairs within ``window`` positions inside one sentence, shape (P, 2) int32.

    ``ids`` (n,) is the encoded corpus in one array, ``sentence_ids`` (n,) says which sentence each token
    came from. Vectorised: one shifted comparison per offset 1…window (both directions), no Python loop over
    tokens. Pairs are grouped by offset, not in text order.
    """
    ids = np.asarray(ids, np.int32)
    sentence_ids = np.asarray(sentence_ids)
    chunks = []
    for offset in range(1, window + 1):
        same = sentence_ids[:-offset] == sentence_ids[offset:]                    # (n - offset,)
        left, right = ids[:-offset][same], ids[offset:][same]
        chunks.append(np.stack([left, right], axis=1))   # center left, context right
        chunks.append(np.stack([right, left], axis=1))   # and the other way round
    if not chunks:
        return np.zeros((0, 2), np.int32)
    return np.concatenate(chunks, axis=0).astype(np.int32)


def _noise_cdf(counts: np.ndarray) -> np.ndarray:
    p = np.asarray(counts, np.float64) ** NOISE_POWER
    return np.cumsum(p / p.sum())


def _encode_corpus(sentences: Sequence[Sequence[str]], vocab: Vocab) -> tuple[np.ndarray, np.ndarray, int]:
    encoded = [vocab.encode(s) for s in sentences]
    ids = np.concatenate(encoded) if encoded else np.zeros(0, np.int32)
    sentence_ids = np.repeat(np.arange(len(encoded)), [len(e) for e in encoded])
    raw_words = sum(len(s) for s in sentences)
    return ids, sentence_ids, raw_words


@dataclass
class SGNSResult:
    """What :func:`train_sgns` returns.

    ``wv``: gensim ``KeyedVectors`` of the center vectors (vocabulary order = :class:`Vocab` order);
    ``model``: the Keras SGNS model; ``losses``: mean binary cross-entropy per epoch; ``seconds``: training
    time (pair building included); ``words_per_second``: raw corpus words × epochs / seconds (gensim's
    definition, words dropped by ``min_count`` included); ``pairs_per_epoch``: positive pairs per epoch.
    """

    wv: object
    model: object
    vocab: Vocab
    losses: list[float]
    seconds: float
    words_per_second: float
    pairs_per_epoch: int


def train_sgns(sentences: Sequence[Sequence[str]], *, vector_size: int = 100, window: int = 5,
               negative: int = 5, epochs: int = 5, min_count: int = 5, alpha: float = 0.025,
               min_alpha: float = 1e-4, batch_size: int = 4096, seed: int = 0, verbose: int = 0) -> SGNSResult:
    """Train skip-gram with negative sampling in Keras on token lists (lecture 07).

    The arguments mean what gensim's ``Word2Vec(sg=1, hs=0, …)`` arguments of the same names mean, except
    that the window is fixed (gensim shrinks it at random per word) and nothing is subsampled.
    Each step takes ``batch_size`` positive pairs, draws ``negative`` noise words per pair from
    unigram^0.75, and applies ``v -= lr * ∂L/∂v`` to the rows it touched, ``L`` the SUM of the binary
    cross-entropies (as word2vec.c applies one update per pair); ``lr`` falls linearly from ``alpha`` to
    ``min_alpha`` over all steps. ``verbose=n`` prints one line (epoch, mean loss, seconds so far) every
    ``n`` epochs and after the last one; 0 prints nothing. Returns :class:`SGNSResult`.
    """
    import tensorflow as tf
    from gensim.models import KeyedVectors

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    vocab = build_vocab(sentences, min_count=min_count)
    ids, sentence_ids, raw_words = _encode_corpus(sentences, vocab)
    pairs = _window_pairs(ids, sentence_ids, window=window)                     # (P, 2)
    if len(pairs) == 0:
        raise ValueError("train_sgns: no training pairs (corpus too small for min_count/window)")
    cdf = _noise_cdf(vocab.counts)
    model = build_sgns_model(len(vocab), vector_size, num_negatives=negative, seed=seed)
    logits_model = model.logits
    tables = [model.get_layer("center_embedding").embeddings, model.get_layer("context_embedding").embeddings]
    labels = tf.constant(np.eye(1, 1 + negative, dtype=np.float32).repeat(batch_size, 0))  # (batch, 1+k)

    @tf.function(reduce_retracing=True)
    def step(center, context, lr):
        with tf.GradientTape() as tape:
            logits = logits_model([center, context], training=True)                  # (b, 1+k)
            bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels[:tf.shape(center)[0]], logits=logits)
            loss = tf.reduce_sum(bce)
        grads = tape.gradient(loss, [t.value for t in tables])
        for table, g in zip(tables, grads, strict=True):
            # an Embedding's gradient is IndexedSlices: update only the rows this batch touched
            table.value.scatter_sub(tf.IndexedSlices(g.values * lr, g.indices, g.dense_shape))
        return loss

    steps_per_epoch = -(-len(pairs) // batch_size)
    total_steps = steps_per_epoch * epochs
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(len(pairs))
        noise = np.searchsorted(cdf, rng.random((len(pairs), negative))).astype(np.int32)  # (P, k)
        noise = np.minimum(noise, len(vocab) - 1)
        total = 0.0
        for s in range(steps_per_epoch):
            idx = order[s * batch_size:(s + 1) * batch_size]
            center = pairs[idx, 0]                                                     # (b,)
            context = np.concatenate([pairs[idx, 1:2], noise[idx]], axis=1)            # (b, 1+k)
            done = (epoch * steps_per_epoch + s) / total_steps
            lr = max(min_alpha, alpha - (alpha - min_alpha) * done)
            total += float(step(center, context, tf.constant(lr, tf.float32)))
        losses.append(total / (len(pairs) * (1 + negative)))
        if verbose and ((epoch + 1) % int(verbose) == 0 or epoch + 1 == epochs):
            print(f"에포크 {epoch + 1}/{epochs}: 평균 손실 {losses[-1]:.4f} ({time.perf_counter() - start:.0f}초)",
                  flush=True)
    seconds = time.perf_counter() - start
    wv = KeyedVectors(vector_size)
    wv.add_vectors(vocab.words, np.asarray(tables[0].numpy(), np.float32))
    return SGNSResult(wv=wv, model=model, vocab=vocab, losses=losses, seconds=seconds,
                      words_per_second=raw_words * epochs / seconds, pairs_per_epoch=len(pairs))


def load_text8_slice(*, max_words: int | None = None) -> list[list[str]]:
    """gensim's bundled ``head500.noblanks.cor`` (the start of text8, 331,339 tokens), as token lists.

    The file is preprocessed: lowercase, stop words removed, Porter-stemmed ("anarch greek rule stem …"), so
    analogy questions must be stemmed too (:func:`questions_words_path` with ``stemmed=True``). Each line is
    one "sentence" of about 1,300 tokens; ``max_words`` keeps only the first that many tokens (the last
    sentence cut short). No download: the file ships with gensim.
    """
    from gensim.test.utils import datapath

    sentences, n = [], 0
    with open(datapath("head500.noblanks.cor"), encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if max_words is not None:
                words = words[:max_words - n]
            if words:
                sentences.append(words)
                n += len(words)
            if max_words is not None and n >= max_words:
                break
    return sentences


def questions_words_path(*, stemmed: bool = False) -> str:
    """Path of gensim's bundled ``questions-words.txt`` (Mikolov et al.'s 19,544 analogy questions).

    The text8 slice (:func:`load_text8_slice`) is Porter-stemmed, so with ``stemmed=True`` this returns a
    copy whose words are stemmed the same way (gensim's ``PorterStemmer``), written once to
    ``data/cache/questions-words.stemmed.txt``; questions whose four stems are not all different
    ("car : cars" → "car : car") are dropped, because they no longer test anything.
    """
    from gensim.test.utils import datapath

    source = datapath("questions-words.txt")
    if not stemmed:
        return source
    from gensim.parsing.porter import PorterStemmer

    from dlcourse import config

    target = config.CACHE_DIR / "questions-words.stemmed.txt"
    if not target.is_file():
        stem = PorterStemmer().stem
        lines = []
        with open(source, encoding="utf-8") as f:
            for line in f:
                if line.startswith(":"):
                    lines.append(line.strip())
                    continue
                words = [stem(w.lower()) for w in line.split()]
                if len(words) == 4 and len(set(words)) == 4:
                    lines.append(" ".join(words))
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(target)
    return str(target)


@dataclass(frozen=True)
class AnalogyResult:
    """Accuracy over the questions whose four words are all in the restricted vocabulary."""

    accuracy: float
    correct: int
    total: int
    sections: dict[str, tuple[int, int]]  # section name → (correct, total), "Total accuracy" left out
    questions: list[tuple[str, str, str, str]]  # the evaluated questions (a, b, c, expected), upper-cased


def analogy_accuracy(wv, *, restrict_vocab: int = 30000, path: str | None = None,
                     stemmed: bool = False) -> AnalogyResult:
    """gensim ``KeyedVectors.evaluate_word_analogies`` (a : b = c : ?, 3CosAdd) on the ``restrict_vocab``
    most frequent words of ``wv`` (its first keys); questions with any word outside them are skipped.
    ``path`` defaults to :func:`questions_words_path` (``stemmed`` for vectors trained on the stemmed text8
    slice). Lecture 07 compares the Keras and gensim models with it.
    """
    _, sections = wv.evaluate_word_analogies(path or questions_words_path(stemmed=stemmed),
                                             restrict_vocab=restrict_vocab, case_insensitive=True)
    per = {s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
           for s in sections if s["section"] != "Total accuracy"}
    correct = sum(c for c, _ in per.values())
    total = sum(t for _, t in per.values())
    questions = [tuple(q) for s in sections if s["section"] != "Total accuracy" for q in s["correct"] + s["incorrect"]]
    return AnalogyResult(accuracy=correct / total if total else 0.0, correct=correct, total=total, sections=per,
                         questions=questions)


def analogy_ranks(wv, questions: Sequence[tuple[str, str, str, str]], *, restrict_vocab: int = 30000) -> np.ndarray:
    """Rank (1 = top) of the expected word d for each question a : b = c : d under 3CosAdd, among the
    ``restrict_vocab`` first words of ``wv`` without a, b and c — the score gensim's accuracy takes the top of.

    Accuracy only counts rank 1; the ranks also show how far above chance (median rank ≈ vocabulary / 2)
    vectors are when few questions are answered exactly, e.g. after a short training run (lecture 07).
    Words are matched case-insensitively. Returns (len(questions),) int64.
    """
    keys = wv.index_to_key[:restrict_vocab]
    upper = {k.upper(): i for i, k in reversed(list(enumerate(keys)))}  # first (most frequent) wins
    unit = wv.vectors[:len(keys)] / np.maximum(np.linalg.norm(wv.vectors[:len(keys)], axis=1, keepdims=True), 1e-12)
    q = np.array([[upper[w.upper()] for w in question] for question in questions], np.int64).reshape(-1, 4)
    target = unit[q[:, 1]] - unit[q[:, 0]] + unit[q[:, 2]]                        # (Q, d)
    scores = target @ unit.T                                                       # (Q, V)
    rows = np.arange(len(q))
    expected = scores[rows, q[:, 3]].copy()
    for col in range(3):
        scores[rows, q[:, col]] = -np.inf                                         # a, b, c never count
    return 1 + (scores > expected[:, None]).sum(axis=1)
