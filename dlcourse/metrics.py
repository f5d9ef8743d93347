"""Measuring generated digits with a separately trained classifier (introduced in lecture 09, conditional GAN).

A conditional generator is asked for a digit ``y``; a classifier trained on *real* digits then says which digit
it sees. Two numbers come out of that classifier:

- **conditional accuracy** — the fraction of generated images the classifier labels as the requested digit
  (chance is 1/10). The classifier's accuracy on real held-out digits is a *reference*, not a ceiling: a generator
  that draws typical, easy-to-read digits can score above it (lecture 09 measures it: the classifier is also more
  confident on such generated digits than on real test digits, some of which are sloppy or ambiguous);
- **Fréchet distance** on the classifier's penultimate-layer features — the FID formula
  ``‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa Σb)^{1/2})`` with the digit classifier in place of Inception.

``classifier`` arguments accept the Keras model from :func:`train_digit_classifier` or any callable that maps
images ``(n, h, w)`` to class probabilities ``(n, num_classes)``.
"""

from __future__ import annotations

import warnings

import numpy as np

FEATURE_LAYER = "features"  # name of the penultimate layer whose activations feed the Fréchet distance


def train_digit_classifier(images, labels, *, seed: int, epochs: int, num_classes: int = 10,
                           hidden: int = 256, num_features: int = 64, batch_size: int = 64, log_every: int = 0):
    """Train a small MLP digit classifier on real images of any side (8×8, 28×28, …). Lecture 09.

    Args:
        images: (n, h, w) floats in [0, 1].
        labels: (n,) integers in [0, num_classes).
        seed: reseeds Python/NumPy/Keras (``keras.utils.set_random_seed``) so the judge is reproducible.
        epochs: passes over ``images``.
        log_every: print one progress line (epoch, loss, training accuracy) every this many epochs; 0: silent.
    Returns:
        A functional ``keras.Model`` (n, h, w) → (n, num_classes) softmax probabilities whose penultimate
        layer, named ``"features"`` (``num_features`` ReLU units), is what :func:`classifier_features` reads.
    """
    import keras

    images = np.asarray(images, np.float32)
    labels = np.asarray(labels, np.int64)
    if images.ndim != 3 or len(images) != len(labels):
        raise ValueError(f"train_digit_classifier: need (n, h, w) images and n labels, "
                         f"got {images.shape} and {labels.shape}")
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=images.shape[1:], name="image")                         # (batch, h, w)
    h = keras.layers.Flatten()(inputs)                                                  # (batch, h*w)
    h = keras.layers.Dense(hidden, activation="relu")(h)                                # (batch, hidden)
    h = keras.layers.Dropout(0.2)(h)
    features = keras.layers.Dense(num_features, activation="relu", name=FEATURE_LAYER)(h)  # (batch, features)
    probs = keras.layers.Dense(num_classes, activation="softmax")(features)             # (batch, classes)
    model = keras.Model(inputs, probs, name="digit_classifier")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    callbacks = []
    if log_every:
        def report(epoch, logs):
            if (epoch + 1) % log_every == 0 or epoch + 1 == epochs:
                print(f"  분류기 에포크 {epoch + 1}/{epochs}: 손실 {logs['loss']:.3f}, "
                      f"학습 정확도 {logs['accuracy']:.3f}")

        callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=report))
    model.fit(images, labels, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=callbacks)
    return model


def _batched_call(model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """``model(x, training=False)`` in slices: no ``predict`` tracing, so varying sizes never retrace."""
    return np.concatenate([np.asarray(model(x[i:i + batch_size], training=False))
                           for i in range(0, max(len(x), 1), batch_size)])


def predict_proba(classifier, images) -> np.ndarray:
    """Class probabilities (n, num_classes) from a Keras model or any callable images → probabilities."""
    import keras

    images = np.asarray(images, np.float32)
    if isinstance(classifier, keras.Model):
        return _batched_call(classifier, images)
    return np.asarray(classifier(images))


def per_label_accuracy(classifier, images, requested_labels, *, num_classes: int = 10) -> np.ndarray:
    """(num_classes,) fraction of images requested as label c that the classifier labels c; NaN if none. Lecture 09."""
    requested = np.asarray(requested_labels, np.int64)
    predicted = predict_proba(classifier, images).argmax(axis=-1)  # (n,)
    if predicted.shape != requested.shape:
        raise ValueError(f"per_label_accuracy: {predicted.shape[0]} predictions for {requested.shape} labels")
    acc = np.full(num_classes, np.nan)
    for c in range(num_classes):
        mask = requested == c
        if mask.any():
            acc[c] = float(np.mean(predicted[mask] == c))
    return acc


def conditional_accuracy(classifier, images, requested_labels) -> float:
    """Fraction of generated ``images`` (n, h, w) classified as the label requested for them (n,). Lecture 09."""
    requested = np.asarray(requested_labels, np.int64)
    predicted = predict_proba(classifier, images).argmax(axis=-1)  # (n,)
    if predicted.shape != requested.shape:
        raise ValueError(f"conditional_accuracy: {predicted.shape[0]} predictions for {requested.shape} labels")
    return float(np.mean(predicted == requested))


def classifier_features(classifier, images) -> np.ndarray:
    """Activations (n, num_features) of the classifier's penultimate layer ``"features"``. Lecture 09."""
    import keras

    extractor = keras.Model(classifier.input, classifier.get_layer(FEATURE_LAYER).output)
    return _batched_call(extractor, np.asarray(images, np.float32)).astype(np.float64)


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (n_a, d) and (n_b, d). Lecture 09.

    ``‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa Σb)^{1/2})`` with sample covariances (ddof 1) and
    ``scipy.linalg.sqrtm``. As in the reference FID code, a product that is singular (``sqrtm`` not finite)
    is retried with ``1e-6·I`` added to both covariances, the tiny imaginary part that round-off leaves is
    dropped, and a round-off negative result is returned as 0.
    """
    from scipy import linalg

    a = np.asarray(features_a, np.float64)
    b = np.asarray(features_b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise ValueError(f"frechet_distance: need (n, d) arrays with the same d and n ≥ 2, got {a.shape}, {b.shape}")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)                       # (d,)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))                    # (d, d)
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    with warnings.catch_warnings():  # a singular product is expected (dead ReLU features); handled below
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(cov_a @ cov_b)
        if not np.all(np.isfinite(covmean)):
            offset = 1e-6 * np.eye(len(cov_a))
            covmean = linalg.sqrtm((cov_a + offset) @ (cov_b + offset))
    covmean = np.real(covmean)
    diff = mu_a - mu_b
    value = float(diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * np.trace(covmean))
    return max(value, 0.0)
