"""Benchmark: lecture 08's ring of eight Gaussians (§7.4) over many seeds, for each generator-step setting.

    .venv/bin/python benchmarks/gan_ring.py [--fast] [--out DIR] [--seeds N] [--g-steps 1,5,10]

The lecture compares one discriminator step with one generator step (``g_steps=1``) against a setting with more
generator steps, and checks a mode count in every run of its seed sweep. This benchmark says how a setting behaves
across seeds, with the lecture's own code: ``discriminator_loss``, ``generator_loss`` and ``make_gan_trainer`` are
read from lectures/08_gan.ipynb (the cells that define them) and the ring, networks and sizes are §7.4's.
Seeds are ``SEED + i`` for i < N (the ring GAN trained alone, so seed i is not the lecture's sweep seed i).
Per setting: the modes covered at the end (min / median / max over seeds), how many seeds ended with at most two
modes, the most modes covered at any of the ten measurements during training, and the range of the final spread
(RMS distance from the sample mean; the real ring's is 2) and of the share of samples within 0.2 of a centre.
The last column compares each setting with ``g_steps=1`` at the same seed: the smallest, over seeds, of the gap in
modes covered averaged over the ten measurements (the quantity lecture 08 checks in every run of its sweep).
Writes build/bench/gan_ring.json (every seed's record under ``runs``).
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import common  # noqa: F401  (puts benchmarks/ on sys.path)
from common import parse_args, write_results

from dlcourse.config import LECTURES_DIR, size

SEED = 2024
DEFINED_IN_LECTURE = ("def discriminator_loss", "def generator_loss", "def make_gan_trainer")


def lecture_functions():
    """The lecture's GAN functions, loaded from their cells as a module (AutoGraph needs their source file)."""
    cells = json.loads((LECTURES_DIR / "08_gan.ipynb").read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"
               and any(d in "".join(c["source"]) for d in DEFINED_IN_LECTURE)]
    missing = [d for d in DEFINED_IN_LECTURE if not any(d in s for s in sources)]
    if missing:
        raise SystemExit(f"lectures/08_gan.ipynb no longer defines {', '.join(missing)}")
    folder = Path(tempfile.mkdtemp(prefix="gan_ring-"))
    path = folder / "lecture08_gan.py"
    path.write_text("import keras\nimport numpy as np\nimport tensorflow as tf\n\n" + "\n\n".join(sources),
                    encoding="utf-8")
    spec = importlib.util.spec_from_file_location("lecture08_gan", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["lecture08_gan"] = module
    spec.loader.exec_module(module)  # the cells print their own small checks; that output is harmless
    return module


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], add_arguments=lambda p: (
        p.add_argument("--seeds", type=int, default=12, help="seeds per setting (default 12)"),
        p.add_argument("--g-steps", default="1,5,10", help="generator steps per iteration, comma-separated")))
    import keras
    import numpy as np
    import tensorflow as tf

    from dlcourse.seed import seed_everything

    lec = lecture_functions()
    iters = size(full=2000, fast=800)  # lecture 08's ring_iters
    batch, n_modes, radius, sd, z_dim, lr, beta_1 = 256, 8, 2.0, 0.05, 2, 1e-3, 0.5
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    centers = np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1).astype(np.float32)
    C = tf.constant(centers)

    def sample_ring(m):
        idx = tf.random.uniform((m,), 0, n_modes, dtype=tf.int32)
        return tf.gather(C, idx) + sd * tf.random.normal((m, 2))

    def count_modes(x, near=0.2, min_frac=0.01):
        dist = np.linalg.norm(x[:, None, :] - centers[None], axis=-1)
        close = dist.min(axis=1) < near
        counts = np.bincount(dist.argmin(axis=1)[close], minlength=n_modes)
        return int((counts >= min_frac * len(x)).sum()), float(close.mean())

    def spread(x):
        return float(np.sqrt(((x - x.mean(axis=0)) ** 2).sum(axis=1).mean()))

    def mlp(in_dim, out_dim, name):
        layers = [keras.Input((in_dim,))] + [keras.layers.Dense(128, activation="relu") for _ in range(2)]
        return keras.Sequential(layers + [keras.layers.Dense(out_dim)], name=name)

    settings = [int(g) for g in args.g_steps.split(",")]
    runs = []
    for i in range(args.seeds):
        for g_steps in settings:
            seed_everything(SEED + i)
            z = tf.random.normal((2000, z_dim))
            G, D = mlp(z_dim, 2, "G_ring"), mlp(2, 1, "D_ring")
            train = lec.make_gan_trainer(G, D, sample_ring, z_dim=z_dim, batch_size=batch, k=1, g_steps=g_steps,
                                         lr=lr, beta_1=beta_1)
            start, curve = time.perf_counter(), []
            for _ in range(10):
                train(tf.constant(iters // 10))
                curve.append(count_modes(G(z).numpy())[0])
            x = G(z).numpy()
            modes, near = count_modes(x)
            runs.append({"seed": SEED + i, "g_steps": g_steps, "modes": modes, "near": round(near, 3),
                         "spread": round(spread(x), 3), "curve": curve,
                         "seconds": round(time.perf_counter() - start, 1)})
            print(json.dumps(runs[-1]), flush=True)
    report(runs, settings, iters, args.out)


def report(runs: list[dict], settings: list[int], iters: int, out_dir: Path) -> None:
    """The table: one row per setting; the last column compares it with g_steps=1 at the same seed."""
    mean_curve = {(r["seed"], r["g_steps"]): statistics.mean(r["curve"]) for r in runs}
    rows = []
    for g_steps in settings:
        mine = [r for r in runs if r["g_steps"] == g_steps]
        modes = [r["modes"] for r in mine]
        gaps = [mean_curve[(r["seed"], 1)] - mean_curve[(r["seed"], g_steps)] for r in mine
                if (r["seed"], 1) in mean_curve]
        rows.append({"setting": f"g_steps={g_steps}", "seeds": len(mine),
                     "modes min/median/max": f"{min(modes)}/{statistics.median(modes):g}/{max(modes)}",
                     "seeds ending <= 2 modes": sum(m <= 2 for m in modes),
                     "most modes during training": max(max(r["curve"]) for r in mine),
                     "spread min-max": f"{min(r['spread'] for r in mine):.3f}-{max(r['spread'] for r in mine):.3f}",
                     "near share min-max": f"{min(r['near'] for r in mine):.2f}-{max(r['near'] for r in mine):.2f}",
                     "min gap to g_steps=1": round(float(min(gaps)), 2) if gaps and g_steps != 1 else None,
                     "s/run": round(statistics.mean(r["seconds"] for r in mine), 1)})
    seeds = sorted({r["seed"] for r in runs})
    write_results("gan_ring", rows, title="lecture 08 ring GAN over seeds", extra={"runs": runs, "iters": iters},
                  out_dir=out_dir,
                  notes=[f"{iters} iterations, batch 256, Adam lr 0.001, beta_1 0.5, k = 1; "
                         f"seeds {seeds[0]}..{seeds[-1]}",
                         "min gap to g_steps=1: over seeds, the smallest (g_steps=1's mean modes over the ten "
                         "measurements) minus (this setting's), same seed"])


if __name__ == "__main__":
    main()
