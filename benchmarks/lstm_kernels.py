"""Benchmark (not a test): Keras LSTM training throughput, fused kernel vs the generic recurrent loop.

    .venv/bin/python benchmarks/lstm_kernels.py            # full sizes
    .venv/bin/python benchmarks/lstm_kernels.py --fast     # the smoke size `make test` runs

Three ways to build the same LSTM language-model layer, trained side by side in one run on the same data:

1. ``keras.layers.LSTM(use_cudnn="auto")`` — Keras hands the whole sequence to the backend's fused kernel when
   there is one (cuDNN on a GPU, for the TensorFlow and torch backends); otherwise it falls back to 2.
2. ``keras.layers.LSTM(use_cudnn=False)`` — the layer's own loop: ``backend.rnn`` over time steps.
3. ``keras.layers.RNN(keras.layers.LSTMCell(...))`` — the generic wrapper, the TF2 successor of the decks'
   ``tf.nn.dynamic_rnn(BasicLSTMCell)``.

Whether the fused path is really taken is not guessed: ``LSTM(use_cudnn=True)`` raises when it cannot be,
so the script builds one and reports "fused: yes/no". The three layers are also checked to compute the
same function (copied weights, outputs equal within float32 tolerance) before anything is timed.
Throughput = tokens (batch × time steps) per second of ``train_on_batch``, best of ``--repeat`` rounds after
warm-up steps. The backend is Keras's own choice (``KERAS_BACKEND``): TensorFlow here; on a GPU machine
without TensorFlow the torch backend exercises the same Keras layers with torch's cuDNN LSTM.
Writes build/bench/lstm_kernels.json (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SIZES = {  # (batch, time steps, hidden units, train steps timed)
    "full": [(64, 100, 128, 20), (64, 100, 512, 10)],
    "gpu": [(64, 100, 128, 20), (64, 100, 512, 10), (256, 200, 512, 10)],  # the large one only on a GPU
    "fast": [(8, 12, 16, 3)],
}
VOCAB, EMBED = 64, 32


def machine() -> dict:
    """CPU model, cores, GPU (if any) and the Keras backend, for the JSON and the table header."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import keras

    gpu = None
    if keras.backend.backend() == "torch":
        import torch

        gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    elif keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        gpu = tf.config.experimental.get_device_details(gpus[0]).get("device_name") if gpus else None
    return {"cpu": cpu, "cores": os.cpu_count(), "gpu": gpu, "python": platform.python_version(),
            "keras": keras.__version__, "backend": keras.backend.backend()}


def build(kind: str, *, hidden: int):
    """An embedding → LSTM → softmax language model whose LSTM is built the ``kind`` way."""
    import keras

    if kind == "fused":
        rnn = keras.layers.LSTM(hidden, return_sequences=True, use_cudnn="auto", name="lstm")
    elif kind == "keras-loop":
        rnn = keras.layers.LSTM(hidden, return_sequences=True, use_cudnn=False, name="lstm")
    elif kind == "RNN(LSTMCell)":
        rnn = keras.layers.RNN(keras.layers.LSTMCell(hidden), return_sequences=True, name="lstm")
    else:
        raise ValueError(f"unknown LSTM kind {kind!r}")
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(VOCAB, EMBED), rnn,
                              keras.layers.Dense(VOCAB)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def fused_available(hidden: int) -> bool:
    """True when ``LSTM(use_cudnn=True)`` runs: Keras raises ValueError when the fused kernel cannot be used."""
    import keras

    layer = keras.layers.LSTM(hidden, use_cudnn=True)
    try:
        layer(np.zeros((2, 3, EMBED), "float32"))
    except ValueError:
        return False
    return True


def same_function(models: dict, x: np.ndarray) -> float:
    """Copy the first model's weights into the others; return the largest output difference (must be tiny)."""
    import keras

    names = list(models)
    ref = models[names[0]]
    out = keras.ops.convert_to_numpy(ref(x))
    worst = 0.0
    for name in names[1:]:
        models[name].set_weights(ref.get_weights())
        worst = max(worst, float(np.max(np.abs(keras.ops.convert_to_numpy(models[name](x)) - out))))
    return worst


def throughput(model, x: np.ndarray, y: np.ndarray, *, steps: int, warmup: int = 2) -> float:
    """Tokens per second of ``train_on_batch`` over ``steps`` steps after ``warmup`` untimed ones."""
    for _ in range(warmup):
        model.train_on_batch(x, y)
    start = time.perf_counter()
    for _ in range(steps):
        loss = model.train_on_batch(x, y)
    float(np.asarray(loss))  # waits for the device
    return x.size * steps / (time.perf_counter() - start)


def run(*, fast: bool, repeat: int) -> dict:
    import keras

    keras.utils.set_random_seed(0)
    kinds = ["fused", "keras-loop", "RNN(LSTMCell)"]
    rows = []
    sizes = SIZES["fast"] if fast else SIZES["gpu"] if machine()["gpu"] else SIZES["full"]
    for batch, steps_t, hidden, steps in sizes:
        rng = np.random.default_rng(0)
        x = rng.integers(0, VOCAB, size=(batch, steps_t)).astype("int32")
        y = np.roll(x, -1, axis=1)
        models = {k: build(k, hidden=hidden) for k in kinds}
        diff = same_function(models, x[:4])
        if diff > 1e-4:
            raise AssertionError(f"the three LSTM builds disagree by {diff:.2e}: they are not the same model")
        best = {k: 0.0 for k in kinds}
        for _ in range(repeat):
            for k in kinds:  # interleaved, so that load on a shared machine hits all three alike
                best[k] = max(best[k], throughput(models[k], x, y, steps=steps))
        rows.append({"batch": batch, "time_steps": steps_t, "hidden": hidden, "fused_taken": fused_available(hidden),
                     "max_output_diff": diff, "tokens_per_s": best,
                     "fused_vs_generic": best["fused"] / best["RNN(LSTMCell)"],
                     "fused_vs_keras_loop": best["fused"] / best["keras-loop"]})
    return {"name": "lstm_kernels", "mode": "fast" if fast else "full", "machine": machine(),
            "date": time.strftime("%Y-%m-%d"), "rows": rows,
            "notes": ["tokens/s of train_on_batch, best of the rounds; fused_taken: LSTM(use_cudnn=True) ran"]}


def table(result: dict) -> str:
    m = result["machine"]
    lines = [f"LSTM training throughput — Keras {m['keras']} ({m['backend']}), {m['cpu']}, {m['cores']} cores, "
             f"GPU: {m['gpu'] or 'none'}",
             "| batch × T, hidden | fused taken | fused tok/s | keras loop tok/s | RNN(LSTMCell) tok/s "
             "| fused / RNN(LSTMCell) | fused / keras loop |",
             "|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        t = r["tokens_per_s"]
        lines.append(f"| {r['batch']}×{r['time_steps']}, {r['hidden']} | {'yes' if r['fused_taken'] else 'no'} "
                     f"| {t['fused']:,.0f} | {t['keras-loop']:,.0f} | {t['RNN(LSTMCell)']:,.0f} "
                     f"| {r['fused_vs_generic']:.2f}× | {r['fused_vs_keras_loop']:.2f}× |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fast", action="store_true", help="tiny sizes (the smoke run of `make test`)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best of each is kept (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench", help="folder for the JSON")
    args = parser.parse_args(argv)
    fast = args.fast or os.environ.get("DLCOURSE_FAST") == "1"
    result = run(fast=fast, repeat=1 if fast else args.repeat)
    print(table(result))
    args.out.mkdir(parents=True, exist_ok=True)
    name = "lstm_kernels" + ("-gpu" if result["machine"]["gpu"] else "") + ".json"
    (args.out / name).write_text(json.dumps(result, indent=2))
    print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
