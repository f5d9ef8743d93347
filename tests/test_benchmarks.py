"""Smoke tests: every benchmark in benchmarks/ runs in fast mode on a tiny input and writes its JSON.

No times are asserted (benchmarks measure; tests only keep them from rotting). Each runs as a subprocess,
as `make bench` runs it, with DLCOURSE_FAST=1 and its output in a temporary folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from dlcourse.config import REPO_ROOT

BENCH = REPO_ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))
from common import RESULT_KEYS  # noqa: E402


def run_benchmark(script: str, *args: str, out) -> dict:
    env = {**os.environ, "DLCOURSE_FAST": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run([sys.executable, str(BENCH / script), "--fast", "--out", str(out), *args],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{script} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    name = script.removesuffix(".py")
    data = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
    assert set(RESULT_KEYS) <= set(data), sorted(set(RESULT_KEYS) - set(data))
    assert data["name"] == name and data["mode"] == "fast" and data["rows"], data
    machine = data["machine"]
    assert machine["cpu"] and machine["cores"] >= 1 and "python" in machine["versions"]
    return data


@pytest.mark.slow
def test_char_rnn_benchmark(tmp_path):
    data = run_benchmark("char_rnn.py", out=tmp_path)
    for corpus in ("Korean (KoNLPy)", "English (text8 head, stemmed)"):
        models = {r["model"]: r for r in data["rows"] if r["corpus"] == corpus}
        assert {"unigram (add-one)", "Kneser–Ney n=3", "Kneser–Ney n=5", "LSTM (final)",
                "xz -9e (train+held-out − train)", "zstd -22 (held-out alone)"} <= set(models)
        assert all(r["bpc"] > 0 for r in models.values())
        assert models["Kneser–Ney n=3"]["bpc"] < models["unigram (add-one)"]["bpc"]
        assert models["LSTM (final)"]["bpc / LSTM (final)"] == 1.0
        log = data["lstm_log"][corpus]
        assert log["steps"][0] == 0 and len(log["bpc"]) == len(log["steps"]) >= 2


@pytest.mark.slow
def test_tokenizers_benchmark(tmp_path):
    data = run_benchmark("tokenizers.py", "--analysers", "Hannanum,Kiwi", out=tmp_path)
    rows = {r["analyser"]: r for r in data["rows"]}
    assert {"Hannanum", "Kiwi"} <= set(rows)
    for name in ("Hannanum", "Kiwi"):
        assert rows[name]["chars/s"] > 0 and rows[name]["morphemes"] > 0
        assert 0 <= rows[name]["top-10 overlap, seed vs seed"] <= 1
    assert data["nouns"] and "Hannanum vs Kiwi" in data["pair_overlap"]


@pytest.mark.slow
def test_grading_benchmark(tmp_path):
    data = run_benchmark("grading.py", out=tmp_path)  # fast: the tiny assignment, one submission
    phases = {r["phase"]: r for r in data["rows"]}
    assert {"kernel start", "TensorFlow import", "notebook cells (without TF import)", "bookkeeping",
            "total per submission"} <= set(phases)
    assert phases["kernel start"]["dlcourse grade --jobs 1"] > 0
    assert set(data["wall_seconds"]) == {"plain nbgrader autograde (serial)", "dlcourse grade --jobs 1",
                                         "dlcourse grade --jobs 2"}


@pytest.mark.slow
def test_notebooks_benchmark_reports_and_times_cells(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(0.3)"),
                                         nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    times = tmp_path / "times.json"
    data = run_benchmark("notebooks.py", "--run", "fast", "--notebooks", str(tmp_path / "tiny.ipynb"),
                         "--times", str(times), out=tmp_path)
    [row] = data["rows"]
    assert row["notebook"] == str((tmp_path / "tiny.ipynb").resolve()) and row["fast s"] > 0
    assert row["slowest cell"] == 0 and row["its s"] >= 0.3  # the sleep cell
    assert json.loads(times.read_text())[row["notebook"]]["fast"] == row["fast s"]
    # default: only report the recorded times
    data = run_benchmark("notebooks.py", "--times", str(times), out=tmp_path)
    assert any(r["notebook"].endswith("tiny.ipynb") for r in data["rows"]) and data["ran"] is None


@pytest.mark.slow
@pytest.mark.skipif(not (BENCH / "lstm_kernels.py").exists(), reason="benchmarks/lstm_kernels.py is not there yet")
def test_lstm_kernels_benchmark(tmp_path):  # the lead's benchmark: its own JSON layout, the common keys only
    env = {**os.environ, "DLCOURSE_FAST": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run([sys.executable, str(BENCH / "lstm_kernels.py"), "--fast", "--out", str(tmp_path)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"lstm_kernels.py failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    [path] = tmp_path.glob("lstm_kernels*.json")
    data = json.loads(path.read_text())
    assert data["mode"] == "fast" and data["machine"] and data["rows"]


@pytest.mark.slow
def test_word2vec_benchmark(tmp_path):
    data = run_benchmark("word2vec.py", out=tmp_path)
    rows = {r["model"]: r for r in data["rows"]}
    assert {"gensim (1 worker)", "gensim (2 workers)", "dlcourse train_sgns (Keras)"} == set(rows)
    assert all(r["words/s"] > 0 and 0 <= r["analogy accuracy"] <= 1 for r in rows.values())


@pytest.mark.slow
def test_cgan_benchmark(tmp_path):
    data = run_benchmark("cgan.py", out=tmp_path)
    rows = {r["images"]: r for r in data["rows"]}
    assert {"real test digits (reference)", "cGAN, label at D's input (course)", "cGAN, label after 2 layers (lab)",
            "uniform noise"} <= set(rows)
    assert all(0 <= r["conditional accuracy"] <= 1 and r["Fréchet distance"] >= 0 for r in rows.values())


def test_lstm_heldout_bits_equal_one_pass_when_the_burn_in_covers_the_history():
    import math

    import charlm
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    model = charlm.build_model(7, embedding_dim=4, units=5, dropout=0.0)
    ids = np.random.default_rng(0).integers(0, 7, size=60).astype(np.int32)
    logits = model(ids[None, :-1]).numpy().astype(np.float64)[0]                   # (59, 7): one pass
    log_probs = logits - logits.max(-1, keepdims=True)
    log_probs -= np.log(np.exp(log_probs).sum(-1, keepdims=True))
    for start in (1, 3, 40):
        one_pass = -sum(log_probs[t - 1, ids[t]] for t in range(start, 60)) / math.log(2)
        chunked = charlm.heldout_bits(model, ids, start=start, burn_in=100, chunk=7)  # chunks of 7, uneven last
        assert chunked == pytest.approx(one_pass, rel=1e-6)


@pytest.mark.slow
def test_gan_ring_benchmark_runs_lecture_08s_own_trainer(tmp_path):
    data = run_benchmark("gan_ring.py", "--seeds", "1", "--g-steps", "1,5", out=tmp_path)
    rows = {r["setting"]: r for r in data["rows"]}
    assert set(rows) == {"g_steps=1", "g_steps=5"}
    assert rows["g_steps=1"]["min gap to g_steps=1"] is None
    assert isinstance(rows["g_steps=5"]["min gap to g_steps=1"], float)
    runs = data["runs"]
    assert [(r["g_steps"], len(r["curve"])) for r in runs] == [(1, 10), (5, 10)] and data["iters"] == 800
    assert all(0 <= r["modes"] <= 8 and 0 <= r["near"] <= 1 and r["spread"] >= 0 for r in runs)
