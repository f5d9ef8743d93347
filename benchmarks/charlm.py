"""A compact Keras character LSTM language model for the char-RNN benchmark.

Re-implemented here (benchmarks never import notebooks) after the a3 solution's functions — a vocabulary
with UNK at index 0, ``encode``, ``make_dataset``, ``build_model`` (Embedding → LSTM → Dense logits) and a
``train`` step with Adam and global-norm clipping — with two changes for a small corpus: dropout around the
LSTM, and overlapping training windows (lecture 05's ``stride``). Held-out text is scored with the context
that precedes it (see :func:`heldout_bits`), as the n-gram models and the compressors are.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from ngram import UNK


def encode(text: str, vocab: list[str]) -> np.ndarray:
    """str → int32 ids, shape (len(text),); characters outside ``vocab`` → 0 (``vocab[0]`` is UNK)."""
    assert vocab[0] == UNK
    index = {ch: i for i, ch in enumerate(vocab)}
    return np.array([index.get(ch, 0) for ch in text], dtype=np.int32)


def make_dataset(ids: np.ndarray, *, seq_length: int, stride: int, batch_size: int, seed: int) -> tf.data.Dataset:
    """Endless shuffled batches of (inputs, targets), both int32 (batch_size, seq_length); targets are the
    inputs shifted by one. Windows of seq_length + 1 start every ``stride`` characters (they overlap)."""
    windows = np.lib.stride_tricks.sliding_window_view(ids, seq_length + 1)[::stride]  # (N, seq_length + 1)
    ds = tf.data.Dataset.from_tensor_slices(np.ascontiguousarray(windows))
    ds = ds.shuffle(len(windows), seed=seed, reshuffle_each_iteration=True).repeat()
    ds = ds.map(lambda w: (w[:-1], w[1:]))
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def build_model(vocab_size: int, *, embedding_dim: int, units: int, dropout: float) -> keras.Model:
    """int ids (batch, time) → logits (batch, time, vocab_size)."""
    inputs = keras.Input(shape=(None,), dtype="int32")                       # (batch, time)
    h = keras.layers.Embedding(vocab_size, embedding_dim)(inputs)            # (batch, time, embedding_dim)
    h = keras.layers.Dropout(dropout)(h)
    h = keras.layers.LSTM(units, return_sequences=True)(h)                   # (batch, time, units)
    h = keras.layers.Dropout(dropout)(h)
    logits = keras.layers.Dense(vocab_size)(h)                               # (batch, time, vocab_size)
    return keras.Model(inputs, logits, name="char_lstm")


def heldout_bits(model: keras.Model, ids: np.ndarray, *, start: int, burn_in: int, chunk: int) -> float:
    """Total −log2 p of ``ids[start:]``, each character given what precedes it.

    The held-out part is cut into chunks of ``chunk`` characters; each chunk is read after the ``burn_in``
    characters before it (from the training text for the first chunk), so the stateless model sees
    context at every scored position. All chunks go through the model in one batch.
    """
    inputs, targets = [], []
    for a in range(start, len(ids), chunk):
        b = min(a + chunk, len(ids))
        lo = max(1, a - burn_in)
        x, y = ids[lo - 1:b - 1], ids[lo:b]                  # predict y[t] from x[:t + 1]
        pad = (burn_in + chunk) - len(x)                     # right-pad (a causal LSTM never sees it); unscored
        inputs.append(np.pad(x, (0, pad)))
        targets.append(np.pad(y, (0, pad), constant_values=-1))
        targets[-1][: a - lo] = -1                           # burn-in positions are context, not scored
    x, y = np.stack(inputs), np.stack(targets)               # (chunks, burn_in + chunk)
    logits = model(x, training=False).numpy().astype(np.float64)   # (chunks, time, V)
    logits -= logits.max(-1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    scored = y >= 0
    assert int(scored.sum()) == len(ids) - start
    picked = np.take_along_axis(log_probs, np.where(scored, y, 0)[..., None], -1)[..., 0]
    return float(-(picked[scored]).sum() / math.log(2))


@dataclass
class TrainLog:
    """Evaluations during training: steps, training wall and CPU seconds (evaluation excluded), held-out bpc.
    CPU seconds (this process, all threads) say how much work was done when the machine is shared."""

    steps: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    bpc: list[float] = field(default_factory=list)

    def first_below(self, bpc: float) -> tuple[int | None, float | None]:
        """(step, training seconds) of the first evaluation whose bpc is below ``bpc``; (None, None) if none."""
        for step, seconds, value in zip(self.steps, self.seconds, self.bpc, strict=True):
            if value < bpc:
                return step, seconds
        return None, None


def train(model: keras.Model, dataset: tf.data.Dataset, *, steps: int, max_seconds: float, lr: float,
          clipnorm: float, evaluate, eval_every: int) -> TrainLog:
    """Adam + global-norm clipping for ``steps`` updates or ``max_seconds`` of training, whichever comes
    first; ``evaluate()`` (→ held-out bpc) runs at step 0, every ``eval_every`` steps and at the end."""
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        grads, _ = tf.clip_by_global_norm(grads, clipnorm)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    log = TrainLog()
    trained = cpu = 0.0

    def record(step):
        log.steps.append(step)
        log.seconds.append(round(trained, 2))
        log.cpu_seconds.append(round(cpu, 2))
        log.bpc.append(evaluate())
        print(f"  step {step:5d}  {trained:7.1f} s ({cpu:7.1f} CPU s)  held-out {log.bpc[-1]:.3f} bpc", flush=True)

    record(0)
    batches = iter(dataset)
    step = 0
    while step < steps and trained < max_seconds:
        x, y = next(batches)
        start, start_cpu = time.perf_counter(), time.process_time()
        float(train_step(x, y))  # float(): wait for the step to finish before reading the clock
        trained += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        step += 1
        if step % eval_every == 0 and step < steps:
            record(step)
    if log.steps[-1] != step:
        record(step)
    return log
