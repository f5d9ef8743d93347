"""dlcourse.reference.batchnorm against keras.layers.BatchNormalization with copied weights, and by hand."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.reference.batchnorm import batchnorm_forward, from_keras_batchnorm

keras = pytest.importorskip("keras")

RTOL, ATOL = 1e-5, 1e-5  # float32 on both sides


def keras_layer(rng, shape, *, momentum=0.99, epsilon=1e-3):
    """A built BatchNormalization layer over the last axis with random γ, β and running statistics."""
    D = shape[-1]
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)
    layer.build((None, *shape[1:]))
    layer.set_weights([rng.normal(1.0, 0.5, D).astype(np.float32),   # gamma
                       rng.normal(0.0, 0.5, D).astype(np.float32),   # beta
                       rng.normal(0.0, 1.0, D).astype(np.float32),   # moving_mean
                       rng.uniform(0.5, 2.0, D).astype(np.float32)])  # moving_variance
    return layer


CASES = [(0, (8, 3), 0.99, 1e-3), (1, (5, 4, 6), 0.9, 1e-5), (2, (32, 10), 0.5, 1e-2), (3, (2, 7, 3), 0.0, 1e-3)]


@pytest.mark.parametrize(("seed", "shape", "momentum", "epsilon"), CASES)
def test_training_mode_matches_keras_output_and_moving_statistics(seed, shape, momentum, epsilon):
    rng = np.random.default_rng(seed)
    x = rng.normal(2.0, 3.0, size=shape).astype(np.float32)
    layer = keras_layer(rng, shape, momentum=momentum, epsilon=epsilon)
    gamma, beta, mm, mv = from_keras_batchnorm(layer)
    assert not np.allclose(mm, x.reshape(-1, shape[-1]).mean(axis=0))  # the update is visible
    out, new_mm, new_mv = batchnorm_forward(x, gamma, beta, training=True, moving_mean=mm, moving_var=mv,
                                            momentum=layer.momentum, epsilon=layer.epsilon)
    keras_out = np.asarray(layer(x, training=True))  # also updates the layer's moving statistics
    assert out.shape == x.shape
    np.testing.assert_allclose(out, keras_out, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(new_mm, np.asarray(layer.moving_mean), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(new_mv, np.asarray(layer.moving_variance), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(("seed", "shape", "momentum", "epsilon"), CASES)
def test_inference_mode_matches_keras_and_keeps_statistics(seed, shape, momentum, epsilon):
    rng = np.random.default_rng(seed + 10)
    x = rng.normal(-1.0, 2.0, size=shape).astype(np.float32)
    layer = keras_layer(rng, shape, momentum=momentum, epsilon=epsilon)
    gamma, beta, mm, mv = from_keras_batchnorm(layer)
    out, new_mm, new_mv = batchnorm_forward(x, gamma, beta, training=False, moving_mean=mm, moving_var=mv,
                                            momentum=layer.momentum, epsilon=layer.epsilon)
    np.testing.assert_allclose(out, np.asarray(layer(x, training=False)), rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(new_mm, mm)
    np.testing.assert_array_equal(new_mv, mv)
    np.testing.assert_array_equal(np.asarray(layer.moving_mean), mm)  # Keras did not update either
    assert new_mm is not mm and new_mv is not mv


def test_running_averages_follow_keras_over_several_steps():
    rng = np.random.default_rng(4)
    layer = keras.layers.BatchNormalization()  # Keras defaults: momentum 0.99, epsilon 1e-3, γ=1, β=0, μ=0, σ²=1
    layer.build((None, 5))
    gamma, beta, mm, mv = from_keras_batchnorm(layer)
    np.testing.assert_array_equal(np.stack([gamma, beta, mm, mv]), [[1] * 5, [0] * 5, [0] * 5, [1] * 5])
    for _ in range(20):
        x = rng.normal(3.0, 2.0, size=(16, 5)).astype(np.float32)
        _, mm, mv = batchnorm_forward(x, gamma, beta, training=True, moving_mean=mm, moving_var=mv)
        layer(x, training=True)
    np.testing.assert_allclose(mm, np.asarray(layer.moving_mean), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mv, np.asarray(layer.moving_variance), rtol=1e-5, atol=1e-6)
    # 20 steps of momentum 0.99 moved the mean 1 - 0.99**20 ≈ 18% of the way from 0 towards 3
    np.testing.assert_allclose(mm, 3.0 * (1 - 0.99**20), rtol=0.15)


def test_by_hand_and_identity_recovery():
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 16.0]])  # means (3, 12), biased variances (8/3, 8)
    out, mm, mv = batchnorm_forward(x, np.ones(2), np.zeros(2), training=True, moving_mean=np.zeros(2),
                                    moving_var=np.ones(2), momentum=0.5, epsilon=1e-12)
    np.testing.assert_allclose(out[:, 0], np.array([-2.0, 0.0, 2.0]) / np.sqrt(8 / 3), rtol=1e-9)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1.0, rtol=1e-9)
    np.testing.assert_allclose(mm, [1.5, 6.0])
    np.testing.assert_allclose(mv, [0.5 + 4 / 3, 4.5])
    # γ = sqrt(Var[x] + ε), β = E[x] undo the normalization (deck 03: "recover the identity mapping")
    eps = 1e-3
    back, _, _ = batchnorm_forward(x, np.sqrt(x.var(axis=0) + eps), x.mean(axis=0), training=True,
                                   moving_mean=mm, moving_var=mv, epsilon=eps)
    np.testing.assert_allclose(back, x, rtol=1e-12)


def test_3d_inputs_share_statistics_over_batch_and_time():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4, 6, 3))
    out3, mm3, mv3 = batchnorm_forward(x, np.ones(3), np.zeros(3), training=True, moving_mean=np.zeros(3),
                                       moving_var=np.ones(3))
    out2, mm2, mv2 = batchnorm_forward(x.reshape(24, 3), np.ones(3), np.zeros(3), training=True,
                                       moving_mean=np.zeros(3), moving_var=np.ones(3))
    np.testing.assert_allclose(out3.reshape(24, 3), out2, rtol=1e-12)
    np.testing.assert_allclose(mm3, mm2, rtol=1e-12)
    np.testing.assert_allclose(mv3, mv2, rtol=1e-12)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(6)
    x, mm, mv = rng.normal(size=(5, 3)), rng.normal(size=3), rng.uniform(1, 2, size=3)
    copies = [a.copy() for a in (x, mm, mv)]
    batchnorm_forward(x, np.ones(3), np.zeros(3), training=True, moving_mean=mm, moving_var=mv)
    for a, c in zip((x, mm, mv), copies, strict=True):
        np.testing.assert_array_equal(a, c)


def test_bad_inputs_raise():
    ones, zeros = np.ones(3), np.zeros(3)
    kw = {"training": True, "moving_mean": zeros, "moving_var": ones}
    with pytest.raises(ValueError, match="batch axis"):
        batchnorm_forward(np.zeros(3), ones, zeros, **kw)
    with pytest.raises(ValueError, match="gamma must have shape"):
        batchnorm_forward(np.zeros((2, 3)), np.ones(4), zeros, **kw)
    with pytest.raises(ValueError, match="moving_var must have shape"):
        batchnorm_forward(np.zeros((2, 3)), ones, zeros, training=False, moving_mean=zeros, moving_var=np.ones(2))
    with pytest.raises(ValueError, match="momentum"):
        batchnorm_forward(np.zeros((2, 3)), ones, zeros, momentum=1.5, **kw)
    with pytest.raises(ValueError, match="epsilon"):
        batchnorm_forward(np.zeros((2, 3)), ones, zeros, epsilon=0.0, **kw)
    with pytest.raises(TypeError):
        batchnorm_forward(np.zeros((2, 3)), ones, zeros, True, zeros, ones)  # training etc. are keyword-only


def test_from_keras_batchnorm_checks():
    with pytest.raises(ValueError, match="not built"):
        from_keras_batchnorm(keras.layers.BatchNormalization())
    first_axis = keras.layers.BatchNormalization(axis=1)
    first_axis.build((None, 4, 3))
    with pytest.raises(ValueError, match="last axis"):
        from_keras_batchnorm(first_axis)
    last_axis = keras.layers.BatchNormalization(axis=2)
    last_axis.build((None, 4, 3))
    assert [a.shape for a in from_keras_batchnorm(last_axis)] == [(3,)] * 4
    no_scale = keras.layers.BatchNormalization(scale=False)
    no_scale.build((None, 3))
    with pytest.raises(ValueError, match="scale=True"):
        from_keras_batchnorm(no_scale)
