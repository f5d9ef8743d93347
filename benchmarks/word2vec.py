"""Benchmark: the course's Keras skip-gram with negative sampling against gensim's Word2Vec, side by side.

    .venv/bin/python benchmarks/word2vec.py [--fast] [--out DIR]

Both train skip-gram with negative sampling on the same English text (gensim's bundled text8 slice,
``dlcourse.word2vec.load_text8_slice``) with the same settings: vector size, window, negatives, epochs,
min_count, learning rate alpha → min_alpha. gensim gets ``sample=0`` and ``shrink_windows=False`` so that it
trains on the same pairs as ``dlcourse.word2vec.train_sgns`` (fixed window, no subsampling).
Measured: training time, words per second (raw words × epochs / seconds, gensim's definition), analogy
accuracy on gensim's bundled questions-words.txt (3CosAdd, restricted vocabulary), and how many of the top-10
neighbours of frequent words agree with gensim's (gensim against itself with another seed is the noise
floor). Writes build/bench/word2vec.json.
"""

from __future__ import annotations

import statistics
import time

import common  # noqa: F401  (puts benchmarks/ on sys.path)
from common import Stopwatch, parse_args, write_results

from dlcourse.config import size

TOP_K = 10


def gensim_sgns(sentences, *, cfg: dict, workers: int, seed: int):
    from gensim.models import Word2Vec

    return Word2Vec(sentences, sg=1, hs=0, negative=cfg["negative"], vector_size=cfg["vector_size"],
                    window=cfg["window"], min_count=cfg["min_count"], epochs=cfg["epochs"], alpha=cfg["alpha"],
                    min_alpha=cfg["min_alpha"], sample=0, shrink_windows=False, workers=workers, seed=seed).wv


def main(argv=None) -> None:
    def options(parser):
        parser.add_argument("--words", type=int, default=None, help="words of the text8 slice (default by mode)")

    args = parse_args(__doc__.splitlines()[0], argv, options)
    from dlcourse.word2vec import analogy_accuracy, load_text8_slice, train_sgns

    cfg = {"words": args.words or size(full=150_000, fast=4_000), "vector_size": size(full=100, fast=16), "window": 5,
           "negative": 5, "epochs": size(full=5, fast=1), "min_count": size(full=5, fast=2), "alpha": 0.025,
           "min_alpha": 1e-4, "batch_size": 1024, "probe_words": size(full=50, fast=10)}
    sentences = load_text8_slice(max_words=cfg["words"])
    n_words = sum(len(s) for s in sentences)
    print(f"text8 slice: {n_words:,} words in {len(sentences)} lines; {cfg}")

    vectors, rows = {}, []
    for name, workers in (("gensim (1 worker)", 1), ("gensim (2 workers)", 2)):
        with Stopwatch() as t:
            vectors[name] = gensim_sgns(sentences, cfg=cfg, workers=workers, seed=1)
        rows.append({"model": name, "seconds": t.seconds, "words/s": n_words * cfg["epochs"] / t.seconds})
        print(f"  {name}: {t.seconds:.1f} s", flush=True)
    floor = gensim_sgns(sentences, cfg=cfg, workers=1, seed=2)  # gensim with another seed: the noise floor
    ours = train_sgns(sentences, vector_size=cfg["vector_size"], window=cfg["window"], negative=cfg["negative"],
                      epochs=cfg["epochs"], min_count=cfg["min_count"], alpha=cfg["alpha"],
                      min_alpha=cfg["min_alpha"], batch_size=cfg["batch_size"], seed=1)
    vectors["dlcourse train_sgns (Keras)"] = ours.wv
    rows.append({"model": "dlcourse train_sgns (Keras)", "seconds": ours.seconds, "words/s": ours.words_per_second})
    print(f"  dlcourse train_sgns: {ours.seconds:.1f} s, losses {[round(x, 4) for x in ours.losses]}", flush=True)

    reference = vectors["gensim (1 worker)"]
    # probe words: frequent, but past the stop words (ranks 100 … 100 + probe_words of gensim's vocabulary)
    probes = [w for w in reference.index_to_key[100:100 + cfg["probe_words"]]
              if all(w in v.key_to_index for v in vectors.values())]

    def overlap(a, b) -> float:
        return statistics.mean(len({w for w, _ in a.most_similar(p, topn=TOP_K)}
                                   & {w for w, _ in b.most_similar(p, topn=TOP_K)}) / TOP_K for p in probes)

    for row in rows:
        wv = vectors[row["model"]]
        result = analogy_accuracy(wv, restrict_vocab=30000)
        row["analogy accuracy"], row["analogies asked"] = result.accuracy, result.total
        row["top-10 overlap with gensim (1 worker)"] = overlap(wv, reference) if probes else None
    noise = overlap(floor, reference) if probes else None
    write_results("word2vec", rows,
                  columns=["model", "seconds", "words/s", "analogy accuracy", "analogies asked",
                           "top-10 overlap with gensim (1 worker)"],
                  ratios=[("words/s", "model", "gensim (1 worker)"),
                          ("analogy accuracy", "model", "gensim (1 worker)")],
                  notes=[f"{n_words:,} words × {cfg['epochs']} epochs; same pairs for both (fixed window, no "
                         "subsampling)",
                         f"noise floor: gensim (1 worker) with another seed overlaps "
                         f"{noise if noise is None else round(noise, 3)} with itself on {len(probes)} probe words",
                         "words/s includes vocabulary and pair building for both"],
                  out_dir=args.out, title="Word2Vec SGNS: dlcourse (Keras) vs gensim",
                  extra={"config": cfg, "words": n_words, "probe_words": probes, "seed_noise_overlap": noise,
                         "dlcourse_losses": ours.losses, "pairs_per_epoch": ours.pairs_per_epoch,
                         "date_local": time.strftime("%Y-%m-%d %H:%M")})


if __name__ == "__main__":
    main()
