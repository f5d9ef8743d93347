"""dlcourse.metrics (lecture 09): Fréchet distance against closed forms, conditional accuracy, the digit judge."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.metrics import (
    classifier_features,
    conditional_accuracy,
    frechet_distance,
    per_label_accuracy,
    train_digit_classifier,
)


def _standardised(n: int, d: int, seed: int) -> np.ndarray:
    """(n, d) samples with mean exactly 0 and sample covariance (ddof 1) exactly I."""
    x = np.random.default_rng(seed).standard_normal((n, d))
    x -= x.mean(axis=0)
    chol = np.linalg.cholesky(np.atleast_2d(np.cov(x, rowvar=False)))
    return x @ np.linalg.inv(chol).T


def test_identical_sets_have_zero_distance():
    a = np.random.default_rng(0).standard_normal((500, 8)) @ np.diag(np.arange(1.0, 9.0))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)


def test_one_dimensional_gaussians_match_closed_form():
    z = _standardised(400, 1, seed=1)
    for (mu1, s1), (mu2, s2) in [((0.0, 1.0), (3.0, 1.0)), ((1.0, 2.0), (-1.0, 0.5)), ((5.0, 0.1), (5.0, 3.0))]:
        expected = (mu1 - mu2) ** 2 + (s1 - s2) ** 2
        assert frechet_distance(mu1 + s1 * z, mu2 + s2 * z) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_diagonal_gaussians_match_closed_form():
    z = _standardised(600, 4, seed=2)
    mu_a, mu_b = np.array([0.0, 1.0, -2.0, 0.5]), np.array([1.0, 1.0, 0.0, 0.0])
    sd_a, sd_b = np.array([1.0, 2.0, 0.5, 1.5]), np.array([2.0, 1.0, 0.5, 0.1])
    expected = np.sum((mu_a - mu_b) ** 2) + np.sum((sd_a - sd_b) ** 2)
    assert frechet_distance(mu_a + z * sd_a, mu_b + z * sd_b) == pytest.approx(expected, rel=1e-9)


def test_shifted_set_distance_is_squared_shift_norm():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((300, 6)) @ rng.standard_normal((6, 6))  # correlated features
    shift = rng.standard_normal(6)
    assert frechet_distance(a, a + shift) == pytest.approx(float(shift @ shift), rel=1e-6)


def test_symmetric_and_non_negative():
    rng = np.random.default_rng(4)
    for _ in range(5):
        a = rng.standard_normal((200, 5)) * rng.uniform(0.1, 3.0, 5)
        b = rng.standard_normal((150, 5)) @ rng.standard_normal((5, 5)) + rng.standard_normal(5)
        d_ab, d_ba = frechet_distance(a, b), frechet_distance(b, a)
        assert d_ab >= 0.0 and d_ab == pytest.approx(d_ba, rel=1e-6)


def test_singular_covariance_stays_finite():
    rng = np.random.default_rng(5)
    a = np.zeros((100, 4))
    a[:, :2] = rng.standard_normal((100, 2))  # two dead features, like unused ReLUs
    b = rng.standard_normal((100, 4))
    value = frechet_distance(a, b)
    assert np.isfinite(value) and value > 0.0


def test_frechet_distance_rejects_mismatched_features():
    with pytest.raises(ValueError):
        frechet_distance(np.zeros((10, 3)), np.zeros((10, 4)))


def _hand_made(predicted: list[int], num_classes: int = 10):
    """A stand-in classifier: returns one-hot 'probabilities' for the given predictions, whatever the images."""
    probs = np.eye(num_classes)[predicted]
    return lambda images: probs[: len(images)]


def test_conditional_accuracy_on_hand_made_predictions():
    requested = [0, 0, 1, 1, 2, 2, 3, 3]
    predicted = [0, 5, 1, 1, 2, 9, 3, 3]  # 6 of 8 right
    images = np.zeros((8, 8, 8))
    assert conditional_accuracy(_hand_made(predicted), images, requested) == pytest.approx(6 / 8)
    per_label = per_label_accuracy(_hand_made(predicted), images, requested, num_classes=10)
    np.testing.assert_allclose(per_label[:4], [0.5, 1.0, 0.5, 1.0])
    assert np.all(np.isnan(per_label[4:]))  # labels never requested have no accuracy


def test_conditional_accuracy_rejects_length_mismatch():
    with pytest.raises(ValueError):
        conditional_accuracy(_hand_made([0, 1]), np.zeros((2, 8, 8)), [0, 1, 2])


@pytest.fixture(scope="module")
def digit_split():
    from sklearn.model_selection import train_test_split

    from dlcourse.data import load_digits

    digits = load_digits()
    return train_test_split(digits.images, digits.labels, test_size=0.25, random_state=0, stratify=digits.labels)


def test_classifier_on_real_digits_is_accurate_and_exposes_features(digit_split):
    x_train, x_test, y_train, y_test = digit_split
    clf = train_digit_classifier(x_train, y_train, seed=0, epochs=15)
    acc = conditional_accuracy(clf, x_test, y_test)
    assert acc > 0.93, f"held-out accuracy {acc:.3f}"
    per_label = per_label_accuracy(clf, x_test, y_test)
    assert per_label.shape == (10,) and np.nanmin(per_label) > 0.75, per_label
    feats = classifier_features(clf, x_test)
    assert feats.shape == (len(x_test), 64) and np.all(feats >= 0.0)  # ReLU penultimate layer
    # real train vs real test is much closer in feature space than real vs noise images
    noise = np.random.default_rng(0).uniform(0, 1, x_test.shape).astype(np.float32)
    d_real = frechet_distance(classifier_features(clf, x_train[: len(x_test)]), feats)
    d_noise = frechet_distance(classifier_features(clf, noise), feats)
    assert d_real < 0.1 * d_noise, (d_real, d_noise)


def test_classifier_progress_lines(digit_split, capsys):
    x_train, _, y_train, _ = digit_split
    train_digit_classifier(x_train[:200], y_train[:200], seed=0, epochs=3, log_every=2)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "분류기 에포크" in ln]
    assert [ln.split(":")[0].strip() for ln in lines] == ["분류기 에포크 2/3", "분류기 에포크 3/3"], lines
