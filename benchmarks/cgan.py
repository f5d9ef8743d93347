"""Benchmark: the conditional GAN of lecture 09, judged by a classifier trained on real digits.

    .venv/bin/python benchmarks/cgan.py [--fast] [--out DIR]

Data: ``dlcourse.data.load_mnist`` (MNIST when Keras has it cached, else scikit-learn's 8×8 digits; the JSON
says which). A digit classifier (``dlcourse.metrics.train_digit_classifier``) is trained on real training
images; then, for the same requested labels as the real test set:
  * real test digits — the ceiling (classifier accuracy) and the Fréchet-distance floor (real train vs test);
  * the cGAN (``dlcourse.gan``) with the label joined at the discriminator's input (the course default) and
    with the SNU lab's layout (label joined after the second layer), same generator, steps and seed;
  * the untrained generator, and uniform noise images — what "not conditional at all" scores.
Measured: conditional accuracy (share classified as the requested digit), Fréchet distance on the
classifier's penultimate features, training steps per second. Writes build/bench/cgan.json.
"""

from __future__ import annotations

import time

import common  # noqa: F401  (puts benchmarks/ on sys.path)
import numpy as np
from common import Stopwatch, parse_args, write_results

from dlcourse.config import size

SEED = 7


def main(argv=None) -> None:
    def options(parser):
        parser.add_argument("--steps", type=int, default=None, help="cGAN training steps (default by mode)")

    args = parse_args(__doc__.splitlines()[0], argv, options)
    import keras
    import tensorflow as tf

    from dlcourse.data import load_mnist
    from dlcourse.gan import ConditionalGAN, build_conditional_discriminator, build_conditional_generator, generate
    from dlcourse.metrics import classifier_features, conditional_accuracy, frechet_distance, train_digit_classifier
    from dlcourse.seed import seed_everything

    cfg = {"steps": args.steps or size(full=3000, fast=40), "batch_size": 128, "noise_dim": 100, "lr": 1e-3,
           "beta_1": 0.5, "clf_epochs": size(full=40, fast=2), "max_clf_train": 20_000,
           "max_eval": size(full=2000, fast=200)}
    data = load_mnist()
    seed_everything(SEED)
    image_shape = data.x_train.shape[1:]
    clf_idx = np.random.default_rng(SEED).permutation(len(data.x_train))[: cfg["max_clf_train"]]
    with Stopwatch() as t:
        classifier = train_digit_classifier(data.x_train[clf_idx], data.y_train[clf_idx], seed=SEED,
                                            epochs=cfg["clf_epochs"])
    print(f"{data.source}: {len(data.x_train):,} train / {len(data.x_test):,} test; classifier {t.seconds:.1f} s",
          flush=True)
    n_eval = min(len(data.x_test), cfg["max_eval"])
    x_eval, y_eval = data.x_test[:n_eval], data.y_test[:n_eval]
    f_eval = classifier_features(classifier, x_eval)

    def judge(images) -> dict:
        return {"conditional accuracy": conditional_accuracy(classifier, images, y_eval),
                "Fréchet distance": frechet_distance(classifier_features(classifier, images), f_eval)}

    floor_idx = np.random.default_rng(SEED + 1).choice(len(data.x_train), n_eval, replace=False)
    rows = [{"images": "real test digits (ceiling)", **judge(x_eval),
             "Fréchet distance": frechet_distance(classifier_features(classifier, data.x_train[floor_idx]), f_eval)}]
    variants = (("input", "cGAN, label at D's input (course)"), ("hidden", "cGAN, label after 2 layers (lab)"))
    for label_at, name in variants:
        seed_everything(SEED)
        generator = build_conditional_generator(cfg["noise_dim"], 10, image_shape)
        discriminator = build_conditional_discriminator(10, image_shape, label_at=label_at)
        if label_at == "input":
            rows.append({"images": "untrained generator", **judge(generate(generator, y_eval, seed=SEED))})
        gan = ConditionalGAN(generator, discriminator, seed=SEED)
        gan.compile(d_optimizer=keras.optimizers.Adam(cfg["lr"], beta_1=cfg["beta_1"]),
                    g_optimizer=keras.optimizers.Adam(cfg["lr"], beta_1=cfg["beta_1"]))
        dataset = (tf.data.Dataset.from_tensor_slices((data.x_train, data.y_train))
                   .shuffle(len(data.x_train), seed=SEED).repeat().batch(cfg["batch_size"], drop_remainder=True))
        with Stopwatch() as t:
            history = gan.fit(dataset, epochs=1, steps_per_epoch=cfg["steps"], verbose=0)
        row = {"images": name, **judge(generate(generator, y_eval, seed=SEED)), "train s": t.seconds,
               "steps/s": cfg["steps"] / t.seconds, "final d_real": float(history.history["d_real"][-1]),
               "final d_fake": float(history.history["d_fake"][-1])}
        rows.append(row)
        print(f"  {name}: {t.seconds:.1f} s, accuracy {row['conditional accuracy']:.3f}, "
              f"FD {row['Fréchet distance']:.2f}", flush=True)
    noise = np.random.default_rng(SEED).random((n_eval, *image_shape)).astype(np.float32)
    rows.append({"images": "uniform noise", **judge(noise)})
    write_results("cgan", rows,
                  columns=["images", "conditional accuracy", "Fréchet distance", "train s", "steps/s", "final d_real",
                           "final d_fake"],
                  ratios=[("conditional accuracy", "images", "real test digits (ceiling)")],
                  notes=[f"{data.source}; {cfg['steps']} steps of batch {cfg['batch_size']}; "
                         f"judged on {n_eval} requested labels (the test labels); chance accuracy 0.1"],
                  out_dir=args.out, title="conditional GAN: classifier accuracy and Fréchet distance",
                  extra={"config": cfg, "data_source": data.source, "date_local": time.strftime("%Y-%m-%d %H:%M")})


if __name__ == "__main__":
    main()
