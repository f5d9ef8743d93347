"""a4: alternatives (positional pos() arguments, Counter, numpy ids, vectorised pairs, Bernoulli draws by rng.binomial,
a Gumbel-max sampler, a subclassed Keras model) and mutants, one typical mistake per function."""

from tests.grading.variants import Variant

TOKENIZE = '''
def tokenize(sentences, tagger):
    out = []
    for sentence in sentences:
        pairs = tagger.pos(sentence, True, True)  # norm, stem as positional arguments
        out.append([morph for morph, tag in pairs if tag not in DROP_TAGS])
    return out
'''

VOCAB = '''
from collections import Counter


def build_vocab(tokenized, min_count=1):
    """Counter, numpy ids (np.int64) in word2id."""
    counts = Counter(w for sentence in tokenized for w in sentence)
    id2word = sorted((w for w in counts if counts[w] >= min_count), key=lambda w: (-counts[w], w))
    word2id = dict(zip(id2word, np.arange(len(id2word))))
    return word2id, id2word, np.fromiter((counts[w] for w in id2word), dtype=np.int64, count=len(id2word))
'''

PAIRS = '''
def skipgram_pairs(ids, window):
    """Vectorised: a (n, 2w+1) grid of context positions, masked, read row by row."""
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    n = len(ids)
    offsets = np.array([o for o in range(-window, window + 1) if o != 0])
    ctx = np.arange(n)[:, None] + offsets[None, :]
    keep = (ctx >= 0) & (ctx < n)
    centers = np.broadcast_to(np.arange(n)[:, None], ctx.shape)
    return np.stack([ids[centers[keep]], ids[ctx[keep]]], axis=1).reshape(-1, 2)
'''

SUBSAMPLE = '''
def subsample_keep_prob(counts, t):
    counts = np.asarray(counts, dtype=np.float64)
    return np.clip(np.sqrt(t * counts.sum() / counts), None, 1.0)


def subsample(ids, keep_prob, rng):
    """A Bernoulli draw per token with rng.binomial (another use of the generator than uniform draws)."""
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    return ids[rng.binomial(1, np.asarray(keep_prob, dtype=np.float64)[ids]).astype(bool)]
'''

NEGATIVES = '''
def negative_sampling_table(counts, power=0.75):
    weights = np.power(np.asarray(counts, dtype=np.float64), power)
    return weights / np.sum(weights)


def sample_negatives(probs, n, k, rng):
    """Gumbel-max: argmax(log p + Gumbel noise) is a draw from p (ids of probability 0 have log p = -inf)."""
    p = np.asarray(probs, dtype=np.float64)
    logp = np.full(p.shape, -np.inf)
    logp[p > 0] = np.log(p[p > 0])
    return np.argmax(logp + rng.gumbel(size=(n, k, len(p))), axis=-1).astype(np.int64)
'''

EXAMPLES = '''
def make_sgns_examples(pairs, probs, k, rng):
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    negatives = sample_negatives(probs, len(pairs), k, rng)
    contexts = np.column_stack([pairs[:, 1], negatives]).astype(np.int64)
    labels = np.tile(np.array([1.0] + [0.0] * k, dtype=np.float32), (len(pairs), 1))
    return pairs[:, 0].copy(), contexts, labels
'''

MODEL = '''
class SGNS(keras.Model):
    """Skip-gram with negative sampling as a subclassed model."""

    def __init__(self, vocab_size, embedding_dim):
        super().__init__()
        self.target = keras.layers.Embedding(vocab_size, embedding_dim, name="target_embedding")
        self.context = keras.layers.Embedding(vocab_size, embedding_dim, name="context_embedding")

    def call(self, inputs):
        targets, contexts = inputs
        v = self.target(targets)[:, None, :]                        # (B, 1, d)
        return keras.ops.sigmoid(keras.ops.sum(v * self.context(contexts), axis=-1))  # (B, m)


def build_sgns_model(vocab_size, embedding_dim, *, learning_rate=0.01):
    model = SGNS(vocab_size, embedding_dim)
    model([np.zeros((1,), np.int32), np.zeros((1, 1), np.int32)])  # build: the weights exist from the start
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=keras.losses.BinaryCrossentropy())
    return model
'''

# ── mutants ──
TOKENIZE_GLOBAL = '''
def tokenize(sentences, tagger):
    """Mutant: uses the global okt instead of the tagger argument."""
    return [[m for m, t in okt.pos(s, norm=True, stem=True) if t not in DROP_TAGS] for s in sentences]
'''

VOCAB_FIRST_SEEN = '''
def build_vocab(tokenized, min_count=1):
    """Mutant: ties in first-appearance order (lecture 07's rule, not this contract's)."""
    counts = {}
    for sentence in tokenized:
        for word in sentence:
            counts[word] = counts.get(word, 0) + 1
    id2word = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: -counts[w])
    return {w: i for i, w in enumerate(id2word)}, id2word, np.array([counts[w] for w in id2word], dtype=np.int64)
'''

PAIRS_DESCENDING = '''
def skipgram_pairs(ids, window):
    """Mutant: context positions from right to left."""
    ids = [int(i) for i in ids]
    pairs = [(ids[i], ids[j]) for i in range(len(ids))
             for j in range(min(len(ids), i + window + 1) - 1, max(0, i - window) - 1, -1) if j != i]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)
'''

SUBSAMPLE_MISTAKES = '''
def subsample_keep_prob(counts, t):
    """Mutant: the word2vec C formula (sqrt(f/t) + 1) t/f instead of the paper's min(1, sqrt(t/f))."""
    counts = np.asarray(counts, dtype=np.float64)
    f = counts / counts.sum()
    return np.minimum(1.0, (np.sqrt(f / t) + 1.0) * t / f)


def subsample(ids, keep_prob, rng):
    """Mutant: one draw per word type, so every occurrence of a word is kept or dropped together."""
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    keep_type = rng.random(len(keep_prob)) < np.asarray(keep_prob)
    return ids[keep_type[ids]]
'''

NEGATIVES_UNIFORM = '''
def negative_sampling_table(counts, power=0.75):
    weights = np.asarray(counts, dtype=np.float64) ** power
    return weights / weights.sum()


def sample_negatives(probs, n, k, rng):
    """Mutant: uniform over the ids that have any probability (ignores the probabilities themselves)."""
    support = np.flatnonzero(np.asarray(probs) > 0)
    return support[rng.integers(0, len(support), size=(n, k))].astype(np.int64)
'''

MODEL_LOGITS = '''
def build_sgns_model(vocab_size, embedding_dim, *, learning_rate=0.01):
    """Mutant: outputs the dot products (logits) and compiles BCE(from_logits=True) - same training, wrong output."""
    targets = keras.Input(shape=(), dtype="int32")
    contexts = keras.Input(shape=(None,), dtype="int32")
    v = keras.layers.Embedding(vocab_size, embedding_dim, name="target_embedding")(targets)
    u = keras.layers.Embedding(vocab_size, embedding_dim, name="context_embedding")(contexts)
    model = keras.Model([targets, contexts], keras.ops.einsum("bd,bmd->bm", v, u))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True))
    return model
'''

VARIANTS = {
    "alternatives": Variant({"tokenize": TOKENIZE, "build_vocab": VOCAB, "skipgram_pairs": PAIRS,
                             "subsample": SUBSAMPLE, "negative_sampling": NEGATIVES, "make_sgns_examples": EXAMPLES,
                             "build_sgns_model": MODEL}),
    # make_sgns_examples and negative_sampling_table stay right: they must keep their points next to broken neighbours
    "mutants": Variant({"tokenize": TOKENIZE_GLOBAL, "build_vocab": VOCAB_FIRST_SEEN,
                        "skipgram_pairs": PAIRS_DESCENDING, "subsample": SUBSAMPLE_MISTAKES,
                        "negative_sampling": NEGATIVES_UNIFORM, "build_sgns_model": MODEL_LOGITS},
                       loses=frozenset({"test_tokenize", "test_build_vocab", "test_skipgram_pairs",
                                        "test_subsample_keep_prob", "test_subsample", "test_sample_negatives",
                                        "test_build_sgns_model"})),
}
