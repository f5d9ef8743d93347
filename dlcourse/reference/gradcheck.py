"""Numeric gradients by central differences and the relative error (introduced in lecture 02).

Lecture 02 checks its hand-written BPTT against :func:`numeric_gradient`; later lectures and the assignments
use the same two functions instead of redefining them. Use float64: in float32 the rounding error of a
central difference (about ``eps * |f| / h``) is far larger than the 1e-6 the checks ask for.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, *, h: float = 1e-5) -> np.ndarray:
    """The gradient of the scalar ``f(x)`` by central differences, one element of ``x`` at a time (lecture 02).

    ``df/dx[i] ≈ (f(x + h e_i) - f(x - h e_i)) / (2h)``; the error is O(h²).

    Inputs:
    - f: function of ``x`` returning a scalar; it may also read ``x`` through a closure
    - x: float array of any shape S, changed in place while evaluating and restored afterwards
    - h: step size
    Returns:
    - array of shape S, the numeric gradient
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"numeric_gradient needs a float array, got dtype {x.dtype}")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old  # restore before the next element
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(x, y, *, eps: float = 1e-8) -> float:
    """Largest elementwise relative error ``|x - y| / max(eps, |x| + |y|)`` (lecture 02).

    With float64 and h = 1e-5, a correct analytic gradient is typically below 1e-7; 1e-2 or more means a bug.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"shapes differ: {x.shape} vs {y.shape}")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(eps, np.abs(x) + np.abs(y))))
