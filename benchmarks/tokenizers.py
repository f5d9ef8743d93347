"""Benchmark: Korean morphological analysers on the KoNLPy corpus, and what they do to Word2Vec neighbours.

    .venv/bin/python benchmarks/tokenizers.py [--fast] [--out DIR]

Analysers: KoNLPy's Okt (Scala), Komoran, Hannanum and Kkma (Java), all four on the JVM through JPype, and Kiwi
(kiwipiepy, C++). Measured exactly as lecture 07 measures them, with ``dlcourse.morph.time_tagger`` (the JVM's own
start is a separate row): "ready s" = construction + the first sentence (KoNLPy's taggers read their
dictionaries lazily; wall seconds), then two passes over the corpus line by line, timed in CPU seconds of the
calling thread (a KoNLPy call runs its Java code on it), so that other jobs on the machine and the JVM's background
threads do not change the speeds: "cold chars/s" =
the first pass (the JVM's JIT compiler still at work), "chars/s" = the second, warm pass; "wall chars/s" = the
warm pass by the stopwatch; morphemes produced (tokens, distinct). The lecture times the first part of the same
corpus; here it is the whole corpus.
Then one gensim Word2Vec (skip-gram) per analyser's output, and the overlap of the top-10 neighbours of
frequent nouns between analysers. As the yardstick for "how similar is similar", the same analyser's
output trained twice with different seeds (seed-to-seed overlap). Writes build/bench/tokenizers.json.
"""

from __future__ import annotations

import itertools
import statistics
import time

import common  # noqa: F401  (puts benchmarks/ on sys.path)
from common import Stopwatch, parse_args, write_results

from dlcourse.config import size
from dlcourse.morph import make_tagger, start_jvm, time_tagger

KONLPY = ("Okt", "Komoran", "Hannanum", "Kkma")
TOP_K = 10


def measure(name: str, lines: list[str]) -> tuple[dict, list[list[str]]]:
    timing = time_tagger(name, "\n".join(lines), passes=2, keep_analyses=True)
    sentences = [[m for m, _ in analysis] for analysis in timing.analyses]
    tokens = [t for s in sentences for t in s]
    row = {"analyser": name, "ready s": timing.load_seconds, "cold chars/s": timing.cold_chars_per_second,
           "chars/s": timing.chars_per_second, "wall chars/s": timing.wall_chars_per_second,
           "morphemes": len(tokens), "distinct": len(set(tokens))}
    print(f"  {name:<9} ready {timing.load_seconds:6.2f} s, per thread CPU second:"
          f" cold {timing.cold_chars_per_second:9,.0f} chars/s, warm {timing.chars_per_second:9,.0f} chars/s"
          f" (wall {timing.wall_chars_per_second:9,.0f}), {len(tokens):,} morphemes", flush=True)
    return row, sentences


def word2vec(sentences: list[list[str]], *, seed: int, cfg: dict):
    from gensim.models import Word2Vec

    return Word2Vec([s for s in sentences if s], vector_size=cfg["dim"], window=cfg["window"],
                    min_count=cfg["min_count"], sg=1, negative=5, epochs=cfg["epochs"], workers=1, seed=seed)


def neighbours(model, word: str) -> set[str]:
    return {w for w, _ in model.wv.most_similar(word, topn=TOP_K)}


def main(argv=None) -> None:
    def options(parser):
        parser.add_argument("--analysers", default=",".join((*KONLPY, "Kiwi")),
                            help="comma-separated subset (the smoke test uses two); Kiwi is always included")

    args = parse_args(__doc__.splitlines()[0], argv, options)
    chosen = [a.strip() for a in args.analysers.split(",") if a.strip()]
    unknown = set(chosen) - {*KONLPY, "Kiwi"}
    if unknown:
        raise SystemExit(f"unknown analysers: {', '.join(sorted(unknown))}")
    cfg = {"chars": size(full=None, fast=2500), "dim": size(full=100, fast=16), "window": 5,
           "min_count": size(full=3, fast=2), "epochs": size(full=30, fast=5), "n_nouns": size(full=8, fast=3)}
    from dlcourse.data import load_korean_corpus

    text = load_korean_corpus()[: cfg["chars"]]
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    print(f"{len(text):,} characters, {len(lines):,} non-empty lines")

    rows, outputs = [{"analyser": "(JVM start, KoNLPy)", "ready s": start_jvm()}], {}
    jvm_row = rows[0]
    for name in (*(n for n in KONLPY if n in chosen), "Kiwi"):
        row, outputs[name] = measure(name, lines)
        rows.append(row)

    # Word2Vec per analyser; nouns = the most frequent Kiwi nouns (NN*, 2+ characters) every model knows
    with Stopwatch() as t:
        models = {name: word2vec(s, seed=1, cfg=cfg) for name, s in outputs.items()}
        again = {name: word2vec(s, seed=2, cfg=cfg) for name, s in outputs.items()}
    kiwi = make_tagger("Kiwi")
    counts: dict[str, int] = {}
    for line in lines:
        for form, tag in kiwi.pos(line):
            if tag.startswith("NN"):
                counts[form] = counts.get(form, 0) + 1
    frequent = sorted((n for n in counts if len(n) >= 2), key=lambda n: -counts[n])
    nouns = [n for n in frequent if all(n in m.wv.key_to_index for m in models.values())][: cfg["n_nouns"]]
    print(f"Word2Vec ({t.seconds:.1f} s for {2 * len(models)} models); nouns: {', '.join(nouns)}")
    near = {name: {n: neighbours(m, n) for n in nouns} for name, m in models.items()}
    near_again = {name: {n: neighbours(m, n) for n in nouns} for name, m in again.items()}

    def overlap(a: dict, b: dict) -> float:
        return statistics.mean(len(a[n] & b[n]) / TOP_K for n in nouns) if nouns else float("nan")

    for row in (r for r in rows if r is not jvm_row):
        name = row["analyser"]
        row["vocab (w2v)"] = len(models[name].wv)
        row["top-10 overlap, seed vs seed"] = overlap(near[name], near_again[name])
        row["mean top-10 overlap with others"] = statistics.mean(
            overlap(near[name], near[other]) for other in models if other != name)
    pairs = {f"{a} vs {b}": overlap(near[a], near[b]) for a, b in itertools.combinations(models, 2)}
    for pair, value in pairs.items():
        print(f"  top-10 overlap {pair:<22} {value:.2f}")
    examples = {name: {n: sorted(near[name][n]) for n in nouns[:3]} for name in models}
    write_results("tokenizers", rows,
                  columns=["analyser", "ready s", "cold chars/s", "chars/s", "wall chars/s", "morphemes", "distinct",
                           "vocab (w2v)", "top-10 overlap, seed vs seed", "mean top-10 overlap with others"],
                  ratios=[("chars/s", "analyser", "Kiwi")],
                  notes=[f"nouns compared: {', '.join(nouns)}",
                         "overlap = |top-10 ∩ top-10| / 10, averaged over the nouns; 'seed vs seed' is the same "
                         "analyser's output trained twice (the noise floor for this corpus size)"],
                  out_dir=args.out, title="Korean morphological analysers",
                  extra={"config": cfg, "chars": len(text), "lines": len(lines), "nouns": nouns,
                         "pair_overlap": pairs, "neighbour_examples": examples,
                         "date_local": time.strftime("%Y-%m-%d %H:%M")})


if __name__ == "__main__":
    main()
