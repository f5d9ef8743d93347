"""The conditional GAN of lecture 09: the SNU ML2019 Lab 3 MLP architecture, ported to Keras 3.

Generator ``G(z, y)``: ``Dense(128)(z) ‖ Dense(128)(y)`` → ReLU → ``Dense(512)`` → ReLU → ``Dense(h·w)`` →
sigmoid, reshaped to an image. Discriminator ``D(x, y)``: ``x`` → ``Dense(512)`` → ReLU → ``Dense(128)`` →
ReLU → ``Dense(32)`` → ReLU → ``Dense(1)``, with the one-hot label ``y`` concatenated either to the input
image (default) or, as in the lab, as ``Dense(128)(y)`` after the second layer. The lab
ends D with a sigmoid and takes ``log(D + 1e-6)``; here D returns the logit and the losses use
``BinaryCrossentropy(from_logits=True)``, which computes the same thing without the epsilon.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf


def build_conditional_generator(noise_dim: int = 100, num_classes: int = 10, image_shape=(28, 28), *,
                                label_units: int = 128, hidden: int = 512) -> keras.Model:
    """G(z, y): inputs ``[z (batch, noise_dim), y one-hot (batch, num_classes)]`` → images in [0, 1].

    Output shape (batch, *image_shape). ``Dense(z) ‖ Dense(y)`` is one Dense layer on ``concat([z, y])`` whose
    kernel is block-diagonal: the lab's way of concatenating the one-hot label to the noise.
    """
    z = keras.Input(shape=(noise_dim,), name="z")
    y = keras.Input(shape=(num_classes,), name="y")
    h_z = keras.layers.Dense(label_units, name="z_fc")(z)                 # (batch, 128)  lab: gen_fc1
    h_y = keras.layers.Dense(label_units, name="label_fc")(y)             # (batch, 128)  lab: label_fc
    h = keras.layers.Concatenate(name="concat_zy")([h_z, h_y])           # (batch, 256)  lab: torch.cat
    h = keras.layers.ReLU()(h)
    h = keras.layers.Dense(hidden, activation="relu", name="fc2")(h)      # (batch, 512)
    x = keras.layers.Dense(math.prod(image_shape), activation="sigmoid", name="fc3")(h)  # (batch, h*w)
    x = keras.layers.Reshape(tuple(image_shape), name="image")(x)        # (batch, h, w)
    return keras.Model([z, y], x, name="generator")


def build_conditional_discriminator(num_classes: int = 10, image_shape=(28, 28), *, label_at: str = "input",
                                    hidden: int = 512, label_units: int = 128, top_units: int = 32) -> keras.Model:
    """D(x, y): inputs ``[x (batch, *image_shape), y one-hot (batch, num_classes)]`` → logit (batch, 1).

    ``sigmoid(logit)`` is the probability that ``x`` is a real image *of digit y*. ``label_at`` says where y
    enters: ``"input"`` concatenates the one-hot y to the flattened image (``tf.concat([x, y], 1)`` of the
    TF1 cGAN examples); ``"hidden"`` is the SNU lab's layout, ``Dense(128)(y)`` joined after the second layer.
    """
    if label_at not in ("input", "hidden"):
        raise ValueError(f"label_at must be 'input' or 'hidden', got {label_at!r}")
    x = keras.Input(shape=tuple(image_shape), name="x")
    y = keras.Input(shape=(num_classes,), name="y")
    h = keras.layers.Flatten()(x)                                               # (batch, h*w)
    if label_at == "input":
        h = keras.layers.Concatenate(name="concat_xy")([h, y])                 # (batch, h*w + classes)
    h = keras.layers.Dense(hidden, activation="relu", name="fc1")(h)            # (batch, 512)
    h = keras.layers.Dense(label_units, activation="relu", name="fc2")(h)       # (batch, 128)
    if label_at == "hidden":
        h_y = keras.layers.Dense(label_units, name="label_fc")(y)               # (batch, 128)  lab: label_fc
        h = keras.layers.Concatenate(name="concat_hy")([h, h_y])               # (batch, 256)  lab: torch.cat
    h = keras.layers.Dense(top_units, activation="relu", name="fc3")(h)         # (batch, 32)
    logit = keras.layers.Dense(1, name="logit")(h)                              # (batch, 1)
    return keras.Model([x, y], logit, name="discriminator")


class ConditionalGAN(keras.Model):
    """Trains G and D alternately, one D step then one G step per batch (Algorithm 1 with k = 1).

    ``fit`` takes batches ``(images (batch, h, w), labels (batch,) int)``. D minimises
    ``-[log D(x, y) + log(1 - D(G(z, y), y))]``; G minimises the non-saturating ``-log D(G(z, y), y)``.
    Each has its own Adam optimizer over its own variables (``compile(d_optimizer=, g_optimizer=)``).
    Reported metrics: ``d_loss``, ``g_loss``, and ``d_real`` / ``d_fake``, the mean D probability on the batch.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, *, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.noise_dim = int(generator.inputs[0].shape[-1])
        self.num_classes = int(generator.inputs[1].shape[-1])
        self.noise_seed = keras.random.SeedGenerator(seed)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "d_real", "d_fake")}

    def compile(self, *, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def train_step(self, data):
        images, labels = data                                                   # (batch, h, w), (batch,)
        batch = tf.shape(images)[0]
        y = tf.one_hot(tf.cast(labels, tf.int32), self.num_classes)             # (batch, classes)
        ones, zeros = tf.ones((batch, 1)), tf.zeros((batch, 1))

        # 1) D step: real (x, y) → 1, fake (G(z, y), y) → 0; only D's variables move.
        z = keras.random.normal((batch, self.noise_dim), seed=self.noise_seed)  # (batch, noise_dim)
        with tf.GradientTape() as tape:
            real_logit = self.discriminator([images, y], training=True)        # (batch, 1)
            fake_logit = self.discriminator([self.generator([z, y], training=True), y], training=True)
            d_loss = self.bce(ones, real_logit) + self.bce(zeros, fake_logit)
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables, strict=True))

        # 2) G step with fresh noise: make D say 1 on (G(z, y), y); only G's variables move.
        z = keras.random.normal((batch, self.noise_dim), seed=self.noise_seed)
        with tf.GradientTape() as tape:
            fake_logit_g = self.discriminator([self.generator([z, y], training=True), y], training=True)
            g_loss = self.bce(ones, fake_logit_g)
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables, strict=True))

        for name, value in (("d_loss", d_loss), ("g_loss", g_loss),
                            ("d_real", tf.reduce_mean(tf.sigmoid(real_logit))),
                            ("d_fake", tf.reduce_mean(tf.sigmoid(fake_logit)))):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def generate(generator: keras.Model, labels, *, seed: int) -> np.ndarray:
    """Images (n, h, w) that ``generator`` makes for the requested ``labels`` (n,), with noise z from ``seed``."""
    labels = np.asarray(labels, np.int64)
    noise_dim = int(generator.inputs[0].shape[-1])
    num_classes = int(generator.inputs[1].shape[-1])
    z = np.random.default_rng(seed).standard_normal((len(labels), noise_dim)).astype(np.float32)
    y = np.eye(num_classes, dtype=np.float32)[labels]                          # (n, classes) one-hot
    return np.concatenate([np.asarray(generator([z[i:i + 1024], y[i:i + 1024]], training=False))
                           for i in range(0, max(len(z), 1), 1024)])
