"""a3: alternatives (numpy types, np.fromiter, a numpy permutation, a subclassed model, compile + train_on_batch with
global_clipnorm, a Gumbel-max sampler, a per-window numpy bpc) and mutants, one mistake per function."""

from tests.grading.variants import Variant

VOCAB = '''
def build_vocab(text):
    """np.unique: the characters come back as np.str_ and the ids as np.int64."""
    rest = text.replace(UNK, "")
    chars = np.unique(np.array(list(rest), dtype=str)) if rest else np.array([], dtype=str)
    idx2char = [UNK] + list(chars)
    return dict(zip(idx2char, np.arange(len(idx2char)))), idx2char
'''

ENCODE_DECODE = '''
def encode(text, char2idx):
    return np.fromiter((char2idx.get(ch, 0) for ch in text), dtype=np.int32, count=len(text))


def decode(ids, idx2char):
    if tf.is_tensor(ids):
        ids = ids.numpy()
    return "".join(str(idx2char[i]) for i in np.ravel(ids).tolist())
'''

DATASET = '''
def make_dataset(ids, seq_length, batch_size, *, shuffle=True, seed=0):
    """Windows in numpy, shuffled by a numpy permutation drawn from seed."""
    ids = np.asarray(ids, dtype=np.int32)
    n = len(ids) // (seq_length + 1)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    windows = ids[: n * (seq_length + 1)].reshape(n, seq_length + 1)[order]
    return tf.data.Dataset.from_tensor_slices((windows[:, :-1], windows[:, 1:])).batch(batch_size, drop_remainder=True)
'''

MODEL = '''
class CharRNN(keras.Model):
    """Embedding → LSTM/GRU → Dense as a subclassed model."""

    def __init__(self, vocab_size, embedding_dim, units, cell):
        super().__init__()
        self.embedding = keras.layers.Embedding(vocab_size, embedding_dim)
        self.rnn = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell](units, return_sequences=True)
        self.head = keras.layers.Dense(vocab_size)

    def call(self, ids, training=False):
        return self.head(self.rnn(self.embedding(ids), training=training))


def build_model(vocab_size, *, embedding_dim, units, cell="lstm"):
    model = CharRNN(vocab_size, embedding_dim, units, cell)
    model(np.zeros((1, 1), dtype=np.int32))  # build the weights now (summary, get_weights)
    return model
'''

TRAIN = '''
def train(model, dataset, *, steps, lr, clipnorm, verbose=False):
    """compile + train_on_batch; Adam's global_clipnorm is tf.clip_by_global_norm."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr, global_clipnorm=clipnorm),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = []
    for step, (x, y) in enumerate(dataset.repeat().take(steps)):
        history.append(float(model.train_on_batch(x, y)))
        if verbose and (step + 1) % 50 == 0:
            print(f"{step + 1}/{steps} loss {history[-1]:.3f}")
    return history
'''

SAMPLER = '''
def sample_from_logits(logits, *, strategy="temperature", temperature=1.0, prev_char=None, rng=None):
    """Gumbel-max: argmax(z / T + Gumbel noise) is a draw from softmax(z / T); returns np.int64."""
    if strategy not in ("argmax", "weighted", "spaces", "temperature"):
        raise ValueError(f"unknown strategy {strategy!r}")
    z = np.asarray(logits, dtype=np.float64).ravel()
    if (strategy == "argmax" or (strategy == "spaces" and prev_char != " ")
            or (strategy == "temperature" and temperature == 0)):
        return np.argmax(z)
    T = temperature if strategy == "temperature" else 1.0
    rng = np.random.default_rng() if rng is None else rng
    return np.argmax(z / T + rng.gumbel(size=z.shape))
'''

SAMPLE = '''
def sample(model, seed_text, length, char2idx, idx2char, *, strategy="temperature", temperature=1.0, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    step = make_next_logits_fn(model)
    text, ids = seed_text, [char2idx.get(ch, 0) for ch in seed_text]
    while len(text) < len(seed_text) + length:
        z = step(tf.constant([ids], dtype=tf.int32)).numpy()
        k = int(sample_from_logits(z, strategy=strategy, temperature=temperature, prev_char=text[-1], rng=rng))
        ids.append(k)
        text += str(idx2char[k])
    return text
'''

BPC = '''
def bits_per_char(model, ids, *, seq_length, batch_size):
    """Window by window in numpy float64; returns an np.float64."""
    ids = np.asarray(ids)
    w = seq_length + 1
    n = len(ids) // w
    total, count = 0.0, 0
    for start in range(0, n, batch_size):
        rows = np.stack([ids[k * w:(k + 1) * w] for k in range(start, min(n, start + batch_size))]).astype(np.int32)
        logits = np.asarray(model(rows[:, :-1], training=False), dtype=np.float64)
        logp = logits - np.logaddexp.reduce(logits, axis=-1, keepdims=True)
        total -= np.take_along_axis(logp, rows[:, 1:, None], axis=-1).sum()
        count += rows[:, 1:].size
    return total / count / np.log(2)
'''

# ── mutants ──
VOCAB_FIRST_SEEN = '''
def build_vocab(text):
    """Mutant: characters in order of first appearance instead of sorted()."""
    idx2char = [UNK, *dict.fromkeys(ch for ch in text if ch != UNK)]
    return {ch: i for i, ch in enumerate(idx2char)}, idx2char
'''

DATASET_KEEPS_REMAINDER = '''
def make_dataset(ids, seq_length, batch_size, *, shuffle=True, seed=0):
    """Mutant: keeps the short last batch (drop_remainder=False)."""
    ids = np.asarray(ids, dtype=np.int32)
    n_windows = len(ids) // (seq_length + 1)
    windows = ids[: n_windows * (seq_length + 1)].reshape(n_windows, seq_length + 1)
    ds = tf.data.Dataset.from_tensor_slices(windows)
    if shuffle:
        ds = ds.shuffle(n_windows, seed=seed)
    return ds.map(lambda w: (w[:-1], w[1:])).batch(batch_size)
'''

MODEL_MASK_ZERO = '''
def build_model(vocab_size, *, embedding_dim, units, cell="lstm"):
    """Mutant: mask_zero=True, so id 0 (UNK, a real character) is skipped."""
    inputs = keras.Input(shape=(None,), dtype="int32")
    h = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    h = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell](units, return_sequences=True)(h)
    return keras.Model(inputs, keras.layers.Dense(vocab_size)(h))
'''

TRAIN_LOSS_AFTER = '''
def train(model, dataset, *, steps, lr, clipnorm, verbose=False):
    """Mutant: records each batch's loss after the update instead of before it."""
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads, _ = tf.clip_by_global_norm(tape.gradient(loss, model.trainable_variables), clipnorm)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss_fn(y, model(x, training=True))

    return [float(train_step(x, y)) for x, y in dataset.repeat().take(steps)]
'''

SPACES_AT_ANY_WHITESPACE = '''
def sample_from_logits(logits, *, strategy="temperature", temperature=1.0, prev_char=None, rng=None):
    """Mutant: "spaces" samples after any whitespace (newline, tab), not only after " "."""
    z = np.asarray(logits, dtype=np.float64).reshape(-1)
    if strategy == "argmax":
        return int(np.argmax(z))
    if strategy == "spaces":
        if not (prev_char or "").isspace():
            return int(np.argmax(z))
    elif strategy == "temperature":
        if temperature == 0:
            return int(np.argmax(z))
        z = z / temperature
    elif strategy != "weighted":
        raise ValueError(strategy)
    rng = np.random.default_rng() if rng is None else rng
    p = np.exp(z - z.max())
    p /= p.sum()
    return int(rng.choice(len(p), p=p))
'''

SAMPLE_UNK_SEED_FAILS = '''
def sample(model, seed_text, length, char2idx, idx2char, *, strategy="temperature", temperature=1.0, rng=None):
    """Mutant: a seed character outside the vocabulary raises KeyError."""
    rng = np.random.default_rng() if rng is None else rng
    next_logits = make_next_logits_fn(model)
    ids = [char2idx[ch] for ch in seed_text]
    out = seed_text
    for _ in range(length):
        nxt = sample_from_logits(next_logits(np.array([ids], dtype=np.int32)).numpy(), strategy=strategy,
                                 temperature=temperature, prev_char=out[-1], rng=rng)
        ids.append(nxt)
        out += idx2char[nxt]
    return out
'''

BPC_DROPS_PARTIAL_BATCH = '''
def bits_per_char(model, ids, *, seq_length, batch_size):
    """Mutant: only whole batches are counted (the short last one is dropped)."""
    ids = np.asarray(ids, dtype=np.int32)
    n = (len(ids) // (seq_length + 1)) // batch_size * batch_size
    windows = ids[: n * (seq_length + 1)].reshape(n, seq_length + 1)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(windows[:, 1:], model(windows[:, :-1]))
    return float(loss) / math.log(2)
'''

VARIANTS = {
    "alternatives": Variant({"build_vocab": VOCAB, "encode_decode": ENCODE_DECODE, "make_dataset": DATASET,
                             "build_model": MODEL, "train": TRAIN, "sample_from_logits": SAMPLER, "sample": SAMPLE,
                             "bits_per_char": BPC}),
    "mutants": Variant({"build_vocab": VOCAB_FIRST_SEEN, "make_dataset": DATASET_KEEPS_REMAINDER,
                        "build_model": MODEL_MASK_ZERO, "train": TRAIN_LOSS_AFTER,
                        "sample_from_logits": SPACES_AT_ANY_WHITESPACE, "sample": SAMPLE_UNK_SEED_FAILS,
                        "bits_per_char": BPC_DROPS_PARTIAL_BATCH},
                       loses=frozenset({"test_build_vocab", "test_make_dataset", "test_build_model", "test_train",
                                        "test_sample_from_logits_rules", "test_sample", "test_bits_per_char"})),
}
