"""The batch normalization forward pass in numpy (introduced in lecture 06).

Deck 03's algorithm (Ioffe and Szegedy, 2015) over a mini-batch B = {x_1..m}, for each feature separately:

    μ_B  = (1/m) Σ x_i                      # mini-batch mean
    σ²_B = (1/m) Σ (x_i - μ_B)²             # mini-batch variance (biased: divides by m, as Keras does)
    x̂_i  = (x_i - μ_B) / sqrt(σ²_B + ε)     # normalize
    y_i  = γ x̂_i + β                        # scale and shift (γ, β are learned)

At test time the batch statistics are replaced by running averages kept during training. This module uses
**Keras's convention** for them (``keras.layers.BatchNormalization``, ``momentum=0.99``, ``epsilon=1e-3``):

    moving_mean ← moving_mean * momentum + μ_B  * (1 - momentum)
    moving_var  ← moving_var  * momentum + σ²_B * (1 - momentum)

so ``momentum`` is the weight of the *old* value (close to 1 means a slow average).

The features are the last axis; every other axis (batch, and time for (N, T, D) inputs) is averaged over,
as Keras does with its default ``axis=-1``. Only the forward pass lives here: the backward pass is graded
assignment a5.
"""

from __future__ import annotations

import numpy as np


def batchnorm_forward(x, gamma, beta, *, training: bool, moving_mean, moving_var, momentum: float = 0.99,
                      epsilon: float = 1e-3):
    """Batch normalization over the last axis (lecture 06), the computation of ``keras.layers.BatchNormalization``.

    Inputs:
    - x: inputs of shape (N, D) or (N, ..., D); statistics are taken over all axes but the last
    - gamma: scale γ, shape (D,)
    - beta: shift β, shape (D,)
    - training: True normalizes with the batch's mean and variance and updates the running averages;
      False normalizes with ``moving_mean``/``moving_var`` and leaves them unchanged
    - moving_mean, moving_var: running averages, shape (D,) (Keras starts them at 0 and 1)
    - momentum: weight of the old running average, in [0, 1] (Keras's convention, see the module docstring)
    - epsilon: ε added to the variance before the square root, > 0
    Returns:
    - (out, new_moving_mean, new_moving_var): ``out`` has the shape of ``x``; the running averages have
      shape (D,) and are new arrays (the inputs are never modified)
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must have a batch axis and a feature axis, got shape {x.shape}")
    D = x.shape[-1]
    params = {"gamma": gamma, "beta": beta, "moving_mean": moving_mean, "moving_var": moving_var}
    for name, value in params.items():
        if np.shape(value) != (D,):
            raise ValueError(f"{name} must have shape ({D},) for x of shape {x.shape}, got {np.shape(value)}")
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"momentum must be in [0, 1], got {momentum}")
    if not epsilon > 0.0:
        raise ValueError(f"epsilon must be > 0, got {epsilon}")
    moving_mean, moving_var = np.asarray(moving_mean), np.asarray(moving_var)

    axes = tuple(range(x.ndim - 1))  # every axis but the features
    if training:
        mean = x.mean(axis=axes)  # (D,) μ_B
        var = ((x - mean) ** 2).mean(axis=axes)  # (D,) σ²_B, divided by m (biased)
        new_mean = moving_mean * momentum + mean * (1 - momentum)  # (D,)
        new_var = moving_var * momentum + var * (1 - momentum)  # (D,)
    else:
        mean, var = moving_mean, moving_var
        new_mean, new_var = moving_mean.copy(), moving_var.copy()
    x_hat = (x - mean) / np.sqrt(var + epsilon)  # same shape as x
    out = gamma * x_hat + beta
    return out, new_mean, new_var


def from_keras_batchnorm(layer):
    """A Keras ``BatchNormalization`` layer's arrays as numpy ``(gamma, beta, moving_mean, moving_var)`` (lecture 06).

    The layer must be built, normalize the last axis, and use both ``scale`` and ``center`` (the defaults);
    pass ``layer.momentum`` and ``layer.epsilon`` to :func:`batchnorm_forward` along with these.
    """
    if not layer.built:
        raise ValueError("the BatchNormalization layer is not built yet: call it once or use layer.build(shape)")
    ndim = layer.input_spec.ndim
    if layer.axis not in (-1, ndim - 1):
        raise ValueError(f"batchnorm_forward normalizes the last axis; this layer has axis={layer.axis} "
                         f"for {ndim}-D inputs")
    if not (layer.scale and layer.center):
        raise ValueError("batchnorm_forward needs a layer with scale=True and center=True (the defaults)")
    return tuple(np.asarray(v) for v in (layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance))
