"""a2: alternatives (np.split, own sigmoid, cache dict, per-block matmuls, early return in clipping) and mutants."""

from tests.grading.variants import Variant

LSTM_FORWARD = '''
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Blocks i, f, g, o by np.split; sigmoid through tanh; keeps the input dtype."""
    a = np.matmul(x, Wx) + np.matmul(prev_h, Wh) + b
    ai, af, ag, ao = np.split(a, 4, axis=1)

    def sig(v):
        return 0.5 * (1.0 + np.tanh(0.5 * v))

    i, f, g, o = sig(ai), sig(af), np.tanh(ag), sig(ao)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, {"x": x, "h": prev_h, "c": prev_c, "Wx": Wx, "Wh": Wh, "gates": (i, f, g, o), "nc": next_c}
'''

LSTM_BACKWARD = '''
def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, g, o = cache["gates"]
    tc = np.tanh(cache["nc"])
    dc = dnext_c + dnext_h * o * (1 - tc * tc)
    da = np.hstack([dc * g * i * (1 - i), dc * cache["c"] * f * (1 - f), dc * i * (1 - g * g),
                    dnext_h * tc * o * (1 - o)])
    return da @ cache["Wx"].T, da @ cache["Wh"].T, dc * f, cache["x"].T @ da, cache["h"].T @ da, da.sum(axis=0)
'''

GRU = '''
def gru_step_forward(x, prev_h, Wx, Wh, b):
    """One matmul per block; the cache is not graded, so there is none."""
    H = prev_h.shape[-1]
    z_, r_, h_ = slice(0, H), slice(H, 2 * H), slice(2 * H, 3 * H)
    z = sigmoid(x @ Wx[:, z_] + b[0, z_] + prev_h @ Wh[:, z_] + b[1, z_])
    r = sigmoid(x @ Wx[:, r_] + b[0, r_] + prev_h @ Wh[:, r_] + b[1, r_])
    candidate = np.tanh(x @ Wx[:, h_] + b[0, h_] + r * (prev_h @ Wh[:, h_] + b[1, h_]))
    return (1.0 - z) * candidate + z * prev_h, None
'''

CLIP = '''
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(np.asarray(g, np.float64) ** 2) for g in grads)))
    if norm <= max_norm:
        return [np.array(g, copy=True) for g in grads], norm
    scale = max_norm / norm
    return [(g * scale).astype(g.dtype) for g in grads], norm
'''

GRU_RESET_BEFORE = '''
def gru_step_forward(x, prev_h, Wx, Wh, b):
    """Mutant: the slide's form (reset before the matmul, reset_after=False) with Keras's weights."""
    H = prev_h.shape[1]
    xp = x @ Wx + b[0]
    z = sigmoid(xp[:, :H] + prev_h @ Wh[:, :H] + b[1, :H])
    r = sigmoid(xp[:, H:2 * H] + prev_h @ Wh[:, H:2 * H] + b[1, H:2 * H])
    h_tilde = np.tanh(xp[:, 2 * H:] + (r * prev_h) @ Wh[:, 2 * H:] + b[1, 2 * H:])
    return z * prev_h + (1.0 - z) * h_tilde, None
'''

CLIP_IN_PLACE = '''
def clip_by_global_norm(grads, max_norm):
    """Mutant: scales the caller's arrays in place."""
    norm = math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))
    scale = max_norm / max(norm, max_norm)
    for g in grads:
        g *= scale
    return list(grads), norm
'''

VARIANTS = {
    "alternatives": Variant({"lstm_step_forward": LSTM_FORWARD, "lstm_step_backward": LSTM_BACKWARD,
                             "gru_step_forward": GRU, "clip_by_global_norm": CLIP}),
    "mutants": Variant({"gru_step_forward": GRU_RESET_BEFORE, "clip_by_global_norm": CLIP_IN_PLACE},
                       loses=frozenset({"test_gru_step_forward", "test_clip_by_global_norm"})),
}
