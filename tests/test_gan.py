"""dlcourse.gan (lecture 09): the SNU-lab conditional GAN in Keras 3 — shapes, parameter counts, training steps."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse.gan import ConditionalGAN, build_conditional_discriminator, build_conditional_generator, generate


def test_generator_and_discriminator_shapes():
    G = build_conditional_generator(16, 10, (8, 8))
    D = build_conditional_discriminator(10, (8, 8))
    z = np.zeros((5, 16), np.float32)
    y = np.eye(10, dtype=np.float32)[[0, 1, 2, 3, 4]]
    x = np.asarray(G([z, y]))
    assert tuple(x.shape) == (5, 8, 8)
    assert float(np.min(x)) >= 0.0 and float(np.max(x)) <= 1.0  # sigmoid output, like the images
    assert tuple(D([x, y]).shape) == (5, 1)
    assert tuple(build_conditional_discriminator(10, (8, 8), label_at="hidden")([x, y]).shape) == (5, 1)
    with pytest.raises(ValueError):
        build_conditional_discriminator(10, (8, 8), label_at="output")


def test_parameter_counts_match_the_snu_lab():
    # The lab (PyTorch, 28×28 MNIST, latent 100) prints 548112 (generator) and 477249 (discriminator).
    assert build_conditional_generator(100, 10, (28, 28)).count_params() == 548_112
    assert build_conditional_discriminator(10, (28, 28), label_at="hidden").count_params() == 477_249
    # label at the input: fc1 sees 784 + 10 inputs, and there is no label_fc / wider fc3
    assert build_conditional_discriminator(10, (28, 28)).count_params() == (
        (794 * 512 + 512) + (512 * 128 + 128) + (128 * 32 + 32) + (32 + 1))


def test_generate_is_seeded_and_follows_labels_length():
    G = build_conditional_generator(8, 10, (8, 8))
    a = generate(G, [3, 3, 7], seed=1)
    assert a.shape == (3, 8, 8)
    np.testing.assert_array_equal(a, generate(G, [3, 3, 7], seed=1))
    assert not np.allclose(a, generate(G, [3, 3, 7], seed=2))
    assert not np.allclose(generate(G, [1], seed=1), generate(G, [2], seed=1))  # the label changes the image


def _trivial_gan(seed: int, *, d_lr: float = 1e-3, g_lr: float = 1e-3):
    """Real images: digit c is an 8×8 image filled with c/9 (a trivial conditional data set)."""
    keras.utils.set_random_seed(seed)
    labels = np.repeat(np.arange(10), 32)
    images = np.broadcast_to((labels / 9.0)[:, None, None], (len(labels), 8, 8)).astype(np.float32)
    G = build_conditional_generator(8, 10, (8, 8), label_units=16, hidden=32)
    D = build_conditional_discriminator(10, (8, 8), hidden=32, label_units=16, top_units=8)
    gan = ConditionalGAN(G, D, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(d_lr), g_optimizer=keras.optimizers.Adam(g_lr))
    data = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(320, seed=seed).batch(32)
    return gan, G, D, data


def _changed(before, model) -> bool:
    return any(not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True))


def test_train_steps_change_both_models():
    gan, G, D, data = _trivial_gan(0)
    g_before, d_before = G.get_weights(), D.get_weights()
    history = gan.fit(data, epochs=2, verbose=0, shuffle=False).history
    assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert _changed(g_before, G) and _changed(d_before, D)
    assert all(np.isfinite(v).all() for v in history.values())


def test_d_steps_lower_d_loss_against_a_fixed_generator():
    # G's optimizer has learning rate 0: only the D step moves anything, so D must learn to tell the trivial
    # real images from the untrained generator's (starting near 2 ln 2 ≈ 1.386, the loss of a coin flip).
    gan, G, D, data = _trivial_gan(1, d_lr=1e-2, g_lr=0.0)
    g_before = G.get_weights()
    history = gan.fit(data, epochs=6, verbose=0, shuffle=False).history
    assert not _changed(g_before, G)
    assert history["d_loss"][-1] < 0.5 * history["d_loss"][0] and history["d_loss"][0] < 1.6, history["d_loss"]
    assert history["d_real"][-1] > 0.7 and history["d_fake"][-1] < 0.3, history


def test_g_steps_lower_g_loss_against_a_fixed_discriminator():
    gan, G, D, data = _trivial_gan(2, d_lr=0.0)
    d_before = D.get_weights()
    history = gan.fit(data, epochs=4, verbose=0, shuffle=False).history
    assert not _changed(d_before, D)
    assert history["g_loss"][-1] < history["g_loss"][0], history["g_loss"]


def test_training_is_repeatable():
    losses = []
    for _ in range(2):
        gan, _, _, data = _trivial_gan(7)
        losses.append(gan.fit(data.take(3), epochs=1, verbose=0, shuffle=False).history["d_loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-6)


def test_lecture09_prints_the_current_train_step():
    """Lecture 09 prints ``ConditionalGAN.train_step`` from the package; its committed output must be today's source."""
    import inspect

    import nbformat

    from dlcourse.config import LECTURES_DIR

    nb = nbformat.read(LECTURES_DIR / "09_conditional_gan.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "getsource(ConditionalGAN.train_step)" in c.source]
    assert len(cells) == 1
    printed = "".join(o.get("text", "") for o in cells[0].outputs if o.output_type == "stream")
    assert printed == inspect.getsource(ConditionalGAN.train_step) + "\n", "re-run lecture 09 (make execute)"
