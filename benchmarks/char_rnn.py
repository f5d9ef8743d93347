"""Benchmark: a character LSTM language model against n-gram models and compressors, in bits per character.

    .venv/bin/python benchmarks/char_rnn.py [--fast] [--out DIR] [--steps N] [--seconds S] [--corpus korean|english]

Two corpora of about the same size: the Korean KoNLPy corpus (dlcourse.data.load_korean_corpus: the
constitution + 10 bills, ~65K characters) and as many characters of gensim's bundled English text
(``head500.noblanks.cor``: the first 500 sentences of text8, stemmed). The last 10 % of each is held out.

Models, all scored on the same held-out characters, each character given everything before it:
  * uniform (log2 V) and add-one unigram;
  * interpolated Kneser–Ney, n = 3 and 5 (dlcourse.ngram);
  * xz (raw LZMA2 stream, preset 9 | PRESET_EXTREME) and zstd (level 22, no checksum or size fields) on
    the held-out text alone, and the fairer "compress(train + held-out) − compress(train)";
  * the LSTM (benchmarks/charlm.py, a compact re-implementation after the a3 solution), evaluated every
    ``eval_every`` steps; "s to beat" is the training time (evaluation excluded) at the first evaluation
    whose held-out bpc is below that baseline's.

Unseen characters: the vocabulary is the training part's characters + UNK; the probabilistic models map
held-out characters outside it to UNK (the count is printed). The compressors code the real text.
Writes build/bench/char_rnn.json.
"""

from __future__ import annotations

import lzma
import math
import time

import common  # noqa: F401  (puts benchmarks/ on sys.path)
import zstandard
from common import Stopwatch, parse_args, write_results

from dlcourse.config import size
from dlcourse.ngram import KneserNey, Unigram, bits, map_unknown, vocabulary

HELDOUT_FRACTION = 0.1
XZ_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]


def xz_bytes(data: bytes) -> int:
    return len(lzma.compress(data, format=lzma.FORMAT_RAW, filters=XZ_FILTERS))


def zstd_bytes(data: bytes) -> int:
    compressor = zstandard.ZstdCompressor(level=22, write_checksum=False, write_content_size=False)
    return len(compressor.compress(data))


def corpora(n_chars: int | None) -> dict[str, str]:
    from gensim.test.utils import datapath

    from dlcourse.data import load_korean_corpus

    korean = load_korean_corpus()
    n = n_chars or len(korean)
    with open(datapath("head500.noblanks.cor"), encoding="utf-8") as f:
        english = f.read(n)
    return {"Korean (KoNLPy)": korean[:n], "English (text8 head, stemmed)": english}


def compressor_rows(train: str, heldout: str) -> list[dict]:
    rows = []
    tb, hb = train.encode("utf-8"), heldout.encode("utf-8")
    for name, fn in (("xz -9e", xz_bytes), ("zstd -22", zstd_bytes)):
        rows.append({"model": f"{name} (held-out alone)", "bpc": 8 * fn(hb) / len(heldout)})
        rows.append({"model": f"{name} (train+held-out − train)", "bpc": 8 * (fn(tb + hb) - fn(tb)) / len(heldout)})
    return rows


def lstm_run(train: str, heldout: str, vocab: list[str], cfg: dict) -> tuple[dict, object]:
    import charlm
    import keras

    from dlcourse.seed import seed_everything

    seed_everything(cfg["seed"])
    ids = charlm.encode(train + heldout, vocab)
    start = len(train)
    dataset = charlm.make_dataset(ids[:start], seq_length=cfg["seq_length"], stride=cfg["stride"],
                                  batch_size=cfg["batch_size"], seed=cfg["seed"])
    model = charlm.build_model(len(vocab), embedding_dim=cfg["embedding_dim"], units=cfg["units"],
                               dropout=cfg["dropout"])

    def evaluate():
        return charlm.heldout_bits(model, ids, start=start, burn_in=cfg["burn_in"], chunk=cfg["chunk"]) / len(heldout)

    log = charlm.train(model, dataset, steps=cfg["steps"], max_seconds=cfg["seconds"], lr=cfg["lr"],
                       clipnorm=cfg["clipnorm"], evaluate=evaluate, eval_every=cfg["eval_every"])
    info = {"params": int(model.count_params()), "keras": keras.__version__}
    return info, log


def main(argv=None) -> None:
    def options(parser):
        parser.add_argument("--steps", type=int, default=None, help="LSTM update steps (default by mode)")
        parser.add_argument("--seconds", type=float, default=None, help="LSTM training-time cap per corpus")
        parser.add_argument("--corpus", choices=("korean", "english"), default=None, help="only this corpus")
        parser.add_argument("--dropout", type=float, default=0.2, help="dropout before and after the LSTM")

    args = parse_args(__doc__.splitlines()[0], argv, options)
    cfg = {
        "seed": 42,
        "seq_length": size(full=100, fast=20),
        "stride": size(full=7, fast=5),
        "batch_size": size(full=64, fast=8),
        "embedding_dim": size(full=64, fast=8),
        "units": size(full=256, fast=16),
        "dropout": args.dropout,
        "lr": 0.005,
        "clipnorm": 5.0,
        "steps": args.steps or size(full=3000, fast=12),
        "seconds": args.seconds or size(full=480.0, fast=60.0),
        "eval_every": size(full=50, fast=4),
        "burn_in": size(full=100, fast=20),
        "chunk": size(full=400, fast=100),
    }
    n_chars = size(full=None, fast=3000)
    rows, logs, extra = [], {}, {}
    for corpus, text in corpora(n_chars).items():
        if args.corpus and not corpus.lower().startswith(args.corpus):
            continue
        split = int(len(text) * (1 - HELDOUT_FRACTION))
        train, heldout = text[:split], text[split:]
        vocab = vocabulary(train)
        mapped = map_unknown(heldout, vocab)
        n_unk = sum(a != b for a, b in zip(heldout, mapped, strict=True))
        history = train[-8:]
        print(f"\n{corpus}: train {len(train):,} / held-out {len(heldout):,} chars, V = {len(vocab)} "
              f"(UNK included), {n_unk} held-out chars unseen in training → UNK")
        here = [{"model": "uniform (log2 V)", "bpc": math.log2(len(vocab))},
                {"model": "unigram (add-one)", "bpc": bits(Unigram(train, vocab), mapped) / len(heldout)}]
        for n in (3, 5):
            with Stopwatch() as t:
                kn = KneserNey(train, order=n, vocab=vocab)
                value = bits(kn, mapped, history=history) / len(heldout)
            here.append({"model": f"Kneser–Ney n={n}", "bpc": value, "fit+score s": t.seconds})
        with Stopwatch() as t:
            here += compressor_rows(train, heldout)
        print(f"  n-grams and compressors done; LSTM: {cfg['units']} units, ≤ {cfg['steps']} steps, "
              f"≤ {cfg['seconds']:.0f} s", flush=True)
        info, log = lstm_run(train, heldout, vocab, cfg)
        best = min(range(len(log.bpc)), key=log.bpc.__getitem__)
        here.append({"model": "LSTM (final)", "bpc": log.bpc[-1], "fit+score s": log.seconds[-1],
                     "LSTM steps": log.steps[-1], "LSTM CPU s": log.cpu_seconds[-1]})
        here.append({"model": "LSTM (best evaluation)", "bpc": log.bpc[best], "fit+score s": log.seconds[best],
                     "LSTM steps": log.steps[best], "LSTM CPU s": log.cpu_seconds[best]})
        for row in here:
            row["corpus"] = corpus
            if not row["model"].startswith("LSTM"):
                step, seconds = log.first_below(row["bpc"])
                row["LSTM s to beat"], row["LSTM step to beat"] = seconds, step
                row["LSTM CPU s to beat"] = None if step is None else log.cpu_seconds[log.steps.index(step)]
        rows += here
        logs[corpus] = {"steps": log.steps, "train_seconds": log.seconds, "train_cpu_seconds": log.cpu_seconds,
                        "bpc": log.bpc}
        extra[corpus] = {"train_chars": len(train), "heldout_chars": len(heldout), "vocab": len(vocab),
                         "heldout_unk": n_unk, **info}
    beaten = {c: all(r["LSTM s to beat"] is not None for r in rows if r["corpus"] == c and
                     not r["model"].startswith("LSTM")) for c in logs}
    notes = [f"{c}: the LSTM's best held-out bpc beats every baseline: {'yes' if ok else 'NO'}"
             for c, ok in beaten.items()]
    notes.append("bpc / LSTM (final) > 1: the LSTM's final bpc is lower (better) than that row's")
    notes.append("LSTM 'fit+score s' and 's to beat' are training wall seconds (evaluations excluded); "
                 "CPU s = this process's CPU time over the same steps (all threads)")
    write_results("char_rnn", rows,
                  columns=["corpus", "model", "bpc", "fit+score s", "LSTM steps", "LSTM CPU s", "LSTM s to beat",
                           "LSTM CPU s to beat", "LSTM step to beat"],
                  ratios=[("bpc", "model", "LSTM (final)", "corpus")], notes=notes, out_dir=args.out,
                  extra={"config": cfg, "corpora": extra, "lstm_log": logs, "beats_every_baseline": beaten,
                         "date_local": time.strftime("%Y-%m-%d %H:%M")},
                  title="char-RNN held-out bits per character")


if __name__ == "__main__":
    main()
