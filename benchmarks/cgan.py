"""Benchmark: the conditional GAN of lecture 09, judged by a classifier trained on real digits.

    .venv/bin/python benchmarks/cgan.py [--fast] [--out DIR] [--steps N] [--seeds N] [--eval-every K]

Data: ``dlcourse.data.load_mnist`` (MNIST when Keras has it cached, else scikit-learn's 8×8 digits; the JSON
says which). A digit classifier (``dlcourse.metrics.train_digit_classifier``) is trained on real training
images; then, for the same requested labels as the real test set:
  * real test digits — the reference (the classifier's accuracy on real held-out digits; not a ceiling:
    generated digits can score higher) and the Fréchet-distance floor (real train vs real test);
  * the cGAN (``dlcourse.gan``) with the label joined at the discriminator's input (the course default) and
    with the SNU lab's layout (label joined after the second layer), same generator, steps and seed;
  * the untrained generator, and uniform noise images — what "not conditional at all" scores.
Measured: conditional accuracy (share classified as the requested digit), the lowest per-label accuracy,
Fréchet distance on the classifier's penultimate features, training steps per second.

``--seeds N`` trains both layouts with N seeds (``SEED`` … ``SEED + N − 1``; the classifier stays the same) and
measures every ``--eval-every`` steps: the table then gives, per layout, the worst / median / best seed of the
accuracy after 600 steps (lecture 09's fast-mode budget), the steps until the accuracy first reaches 0.5, and
the final accuracy, lowest per-label accuracy and Fréchet distance. Run it once with
``TF_ENABLE_ONEDNN_OPTS=0`` and once with ``=1`` (the JSON records the setting) to cover both CPU numeric paths.
Writes build/bench/cgan.json.
"""

from __future__ import annotations

import os
import statistics
import time

import common  # noqa: F401  (puts benchmarks/ on sys.path)
import numpy as np
from common import Stopwatch, format_table, parse_args, write_results

from dlcourse.config import size

SEED = 7
LAYOUTS = (("input", "cGAN, label at D's input (course)"), ("hidden", "cGAN, label after 2 layers (lab)"))
FAST_BUDGET = 600  # lecture 09's train_steps in fast mode


def steps_to_reach(steps, accuracies, level: float = 0.5) -> float:
    """The first measured step whose accuracy is ≥ level (inf if none)."""
    return next((s for s, a in zip(steps, accuracies, strict=True) if a >= level), float("inf"))


def main(argv=None) -> None:
    def options(parser):
        parser.add_argument("--steps", type=int, default=None, help="cGAN training steps (default by mode)")
        parser.add_argument("--seeds", type=int, default=1, help="train each layout with this many seeds")
        parser.add_argument("--eval-every", type=int, default=None, help="measure every K steps (default by mode)")

    args = parse_args(__doc__.splitlines()[0], argv, options)
    import keras
    import tensorflow as tf

    from dlcourse.data import load_mnist
    from dlcourse.gan import ConditionalGAN, build_conditional_discriminator, build_conditional_generator, generate
    from dlcourse.metrics import (
        classifier_features,
        conditional_accuracy,
        frechet_distance,
        per_label_accuracy,
        train_digit_classifier,
    )
    from dlcourse.seed import seed_everything

    cfg = {"steps": args.steps or size(full=3000, fast=40), "batch_size": 128, "noise_dim": 100, "lr": 1e-3,
           "beta_1": 0.5, "clf_epochs": size(full=40, fast=2), "max_clf_train": 20_000,
           "max_eval": size(full=2000, fast=200), "seeds": args.seeds,
           "eval_every": args.eval_every or size(full=150, fast=20),
           "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "(TensorFlow default)")}
    if cfg["steps"] % cfg["eval_every"]:
        raise SystemExit(f"--steps {cfg['steps']} must be a multiple of --eval-every {cfg['eval_every']}")
    data = load_mnist()
    seed_everything(SEED)
    image_shape = data.x_train.shape[1:]
    clf_idx = np.random.default_rng(SEED).permutation(len(data.x_train))[: cfg["max_clf_train"]]
    with Stopwatch() as t:
        classifier = train_digit_classifier(data.x_train[clf_idx], data.y_train[clf_idx], seed=SEED,
                                            epochs=cfg["clf_epochs"])
    print(f"{data.source}: {len(data.x_train):,} train / {len(data.x_test):,} test; classifier {t.seconds:.1f} s; "
          f"TF_ENABLE_ONEDNN_OPTS={cfg['onednn']}", flush=True)
    n_eval = min(len(data.x_test), cfg["max_eval"])
    x_eval, y_eval = data.x_test[:n_eval], data.y_test[:n_eval]
    f_eval = classifier_features(classifier, x_eval)

    def judge(images) -> dict:
        return {"conditional accuracy": conditional_accuracy(classifier, images, y_eval),
                "lowest per-label accuracy": float(np.nanmin(per_label_accuracy(classifier, images, y_eval))),
                "Fréchet distance": frechet_distance(classifier_features(classifier, images), f_eval)}

    def train(label_at: str, seed: int):
        """Train one cGAN; returns (generator, fit history, seconds, {"step": […], "acc": […]})."""
        seed_everything(seed)
        generator = build_conditional_generator(cfg["noise_dim"], 10, image_shape)
        discriminator = build_conditional_discriminator(10, image_shape, label_at=label_at)
        untrained = judge(generate(generator, y_eval, seed=seed))
        gan = ConditionalGAN(generator, discriminator, seed=seed)
        gan.compile(d_optimizer=keras.optimizers.Adam(cfg["lr"], beta_1=cfg["beta_1"]),
                    g_optimizer=keras.optimizers.Adam(cfg["lr"], beta_1=cfg["beta_1"]))
        dataset = (tf.data.Dataset.from_tensor_slices((data.x_train, data.y_train))
                   .shuffle(len(data.x_train), seed=seed).repeat().batch(cfg["batch_size"], drop_remainder=True))
        curve = {"step": [0], "acc": [untrained["conditional accuracy"]]}

        class Measure(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                curve["step"].append((epoch + 1) * cfg["eval_every"])
                curve["acc"].append(conditional_accuracy(classifier, generate(generator, y_eval, seed=seed), y_eval))

        with Stopwatch() as t:
            history = gan.fit(dataset, epochs=cfg["steps"] // cfg["eval_every"], steps_per_epoch=cfg["eval_every"],
                              callbacks=[Measure()], verbose=0)
        return generator, untrained, history.history, t.seconds, curve

    floor_idx = np.random.default_rng(SEED + 1).choice(len(data.x_train), n_eval, replace=False)
    rows = [{"images": "real test digits (reference)", **judge(x_eval),
             "Fréchet distance": frechet_distance(classifier_features(classifier, data.x_train[floor_idx]), f_eval)}]
    per_seed = []
    for label_at, name in LAYOUTS:
        for seed in range(SEED, SEED + cfg["seeds"]):
            generator, untrained, history, seconds, curve = train(label_at, seed)
            final = judge(generate(generator, y_eval, seed=seed))
            at_budget = dict(zip(curve["step"], curve["acc"], strict=True)).get(FAST_BUDGET, float("nan"))
            per_seed.append({"layout": name, "seed": seed, f"accuracy at {FAST_BUDGET}": at_budget,
                             "steps to 0.5": steps_to_reach(curve["step"], curve["acc"]), **final,
                             "curve": curve})
            print(f"  {name}, seed {seed}: {seconds:.1f} s, accuracy {final['conditional accuracy']:.3f} "
                  f"(at {FAST_BUDGET} steps {at_budget:.3f}; 0.5 reached at {per_seed[-1]['steps to 0.5']}), "
                  f"lowest per label {final['lowest per-label accuracy']:.2f}, FD {final['Fréchet distance']:.2f}",
                  flush=True)
            if seed == SEED:
                if label_at == "input":
                    rows.append({"images": "untrained generator", **untrained})
                rows.append({"images": name, **final, "train s": seconds, "steps/s": cfg["steps"] / seconds,
                             "final d_real": float(history["d_real"][-1]),
                             "final d_fake": float(history["d_fake"][-1])})
    noise = np.random.default_rng(SEED).random((n_eval, *image_shape)).astype(np.float32)
    rows.append({"images": "uniform noise", **judge(noise)})

    summary = []
    measures = (f"accuracy at {FAST_BUDGET}", "steps to 0.5", "conditional accuracy", "lowest per-label accuracy",
                "Fréchet distance")
    for _, name in LAYOUTS:
        runs = [r for r in per_seed if r["layout"] == name]
        for label, pick in (("worst", 0), ("median", None), ("best", -1)):
            row = {"layout": name, "over seeds": f"{label} of {len(runs)}"}
            for m in measures:
                values = sorted(r[m] for r in runs)
                if m in ("steps to 0.5", "Fréchet distance"):  # smaller is better
                    values = values[::-1]
                row[m] = statistics.median(values) if pick is None else values[pick]
            summary.append(row)
    if cfg["seeds"] > 1:
        print(f"\n== both layouts over seeds {SEED}…{SEED + cfg['seeds'] - 1} ==")
        print(format_table(summary, ["layout", "over seeds", *measures]))
    input_runs = {r["seed"]: r for r in per_seed if r["layout"] == LAYOUTS[0][1]}
    hidden_runs = {r["seed"]: r for r in per_seed if r["layout"] == LAYOUTS[1][1]}
    faster = sum(input_runs[s]["steps to 0.5"] < hidden_runs[s]["steps to 0.5"] for s in input_runs)
    write_results("cgan", rows,
                  columns=["images", "conditional accuracy", "lowest per-label accuracy", "Fréchet distance",
                           "train s", "steps/s", "final d_real", "final d_fake"],
                  ratios=[("conditional accuracy", "images", "real test digits (reference)")],
                  notes=[f"{data.source}; {cfg['steps']} steps of batch {cfg['batch_size']}; "
                         f"judged on {n_eval} requested labels (the test labels); chance accuracy 0.1; "
                         f"TF_ENABLE_ONEDNN_OPTS={cfg['onednn']}",
                         f"label at D's input reached accuracy 0.5 sooner than the lab layout with {faster} of "
                         f"{len(input_runs)} seeds"],
                  out_dir=args.out, title="conditional GAN: classifier accuracy and Fréchet distance",
                  extra={"config": cfg, "data_source": data.source, "per_seed": per_seed, "over_seeds": summary,
                         "date_local": time.strftime("%Y-%m-%d %H:%M")})


if __name__ == "__main__":
    main()
