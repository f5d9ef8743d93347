"""a1: alternatives (a cache dict with the pre-activation, einsum, logaddexp, in-place SGD, numpy scalars), mutants."""

from tests.grading.variants import Variant

STEP_FORWARD = '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """h_next = tanh(x @ Wx + h_prev @ Wh + b); the cache keeps the pre-activation instead of h_next."""
    a = np.dot(x, Wx) + np.dot(h_prev, Wh) + b[None, :]
    return np.tanh(a), {"x": x, "h_prev": h_prev, "Wx": Wx, "Wh": Wh, "a": a}
'''

STEP_BACKWARD = '''
def rnn_step_backward(dh_next, cache):
    da = dh_next * (1.0 - np.tanh(cache["a"]) ** 2)
    dx = np.einsum("nh,dh->nd", da, cache["Wx"])
    dh_prev = np.einsum("nh,kh->nk", da, cache["Wh"])
    dWx = np.einsum("nd,nh->dh", cache["x"], da)
    dWh = np.einsum("nk,nh->kh", cache["h_prev"], da)
    return dx, dh_prev, dWx, dWh, np.sum(da, axis=0)
'''

FORWARD = '''
def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.empty((N, T, h0.shape[1]))
    steps, prev = {}, h0
    for t in range(T):
        prev, steps[t] = rnn_step_forward(x[:, t, :], prev, Wx, Wh, b)
        h[:, t, :] = prev
    return h, {"steps": steps, "D": D}
'''

BACKWARD = '''
def rnn_backward(dh, cache):
    N, T, H = dh.shape
    dx = np.zeros((N, T, cache["D"]))
    dWx = dWh = db = 0.0
    carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        g = rnn_step_backward(dh[:, t] + carry, cache["steps"][t])
        dx[:, t], carry = g[0], g[1]
        dWx, dWh, db = dWx + g[2], dWh + g[3], db + g[4]
    return dx, carry, dWx, dWh, db
'''

LOSS = '''
def temporal_softmax_loss(scores, y, mask):
    """Flattened over (N, T); log-sum-exp with np.logaddexp; the loss is an np.float64."""
    N, T, V = scores.shape
    flat = scores.reshape(N * T, V)
    yf = np.asarray(y).reshape(N * T)
    mf = np.asarray(mask, dtype=bool).reshape(N * T)
    lse = np.logaddexp.reduce(flat, axis=1)
    rows = np.arange(N * T)
    loss = np.sum((lse - flat[rows, yf])[mf]) / N
    p = np.exp(flat - lse[:, None])
    p[rows, yf] -= 1.0
    p[~mf] = 0.0
    return loss, (p / N).reshape(N, T, V)
'''

SGD = '''
def sgd_train(params, x, y, *, lr, num_iters):
    """Updates params in place (the contract allows it); the losses are np.float64."""
    N, T, V = x.shape
    H = params["Wh"].shape[0]
    mask = np.full((N, T), True)
    losses = []
    for _ in range(num_iters):
        hs, cache = rnn_forward(x, np.zeros((N, H)), params["Wx"], params["Wh"], params["b"])
        scores = np.einsum("nth,hv->ntv", hs, params["W_out"]) + params["b_out"]
        loss, ds = temporal_softmax_loss(scores, y, mask)
        losses.append(loss)
        grads = {"W_out": np.einsum("nth,ntv->hv", hs, ds), "b_out": ds.sum(axis=(0, 1))}
        _, _, grads["Wx"], grads["Wh"], grads["b"] = rnn_backward(np.einsum("ntv,hv->nth", ds, params["W_out"]), cache)
        for k in params:
            params[k] -= lr * grads[k]
    return params, losses


def predict(params, x):
    h, _ = rnn_forward(x, np.zeros((x.shape[0], params["Wh"].shape[0])), params["Wx"], params["Wh"], params["b"])
    return (h @ params["W_out"] + params["b_out"]).argmax(axis=2).astype(np.int32)
'''

UNSTABLE_LOSS = '''
def temporal_softmax_loss(scores, y, mask):
    """Mutant: softmax without subtracting the maximum (overflows at large scores)."""
    N, T, V = scores.shape
    e = np.exp(scores)
    p = e / e.sum(axis=-1, keepdims=True)
    m = np.asarray(mask, dtype=np.float64)
    yi = np.asarray(y, dtype=np.int64)[..., None]
    loss = -float(np.sum(np.log(np.take_along_axis(p, yi, axis=-1)[..., 0]) * m)) / N
    np.put_along_axis(p, yi, np.take_along_axis(p, yi, axis=-1) - 1.0, axis=-1)
    return loss, p * m[..., None] / N
'''

LOSS_AFTER_UPDATE = '''
def sgd_train(params, x, y, *, lr, num_iters):
    """Mutant: records the loss after each update instead of before it."""
    p = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    N, T, V = x.shape
    H = p["Wh"].shape[0]
    mask = np.ones((N, T), dtype=bool)

    def forward(p):
        h, cache = rnn_forward(x, np.zeros((N, H)), p["Wx"], p["Wh"], p["b"])
        loss, ds = temporal_softmax_loss(h @ p["W_out"] + p["b_out"], y, mask)
        return h, cache, loss, ds

    losses = []
    for _ in range(num_iters):
        h, cache, _, ds = forward(p)
        dW_out = h.reshape(N * T, H).T @ ds.reshape(N * T, V)
        db_out = ds.sum(axis=(0, 1))
        _, _, dWx, dWh, db = rnn_backward(ds @ p["W_out"].T, cache)
        for k, g in zip(("Wx", "Wh", "b", "W_out", "b_out"), (dWx, dWh, db, dW_out, db_out)):
            p[k] -= lr * g
        losses.append(float(forward(p)[2]))
    return p, losses


def predict(params, x):
    h, _ = rnn_forward(x, np.zeros((x.shape[0], params["Wh"].shape[0])), params["Wx"], params["Wh"], params["b"])
    return np.argmax(h @ params["W_out"] + params["b_out"], axis=-1)
'''

VARIANTS = {
    "alternatives": Variant({"rnn_step_forward": STEP_FORWARD, "rnn_step_backward": STEP_BACKWARD,
                             "rnn_forward": FORWARD, "rnn_backward": BACKWARD, "temporal_softmax_loss": LOSS,
                             "sgd_train": SGD}),
    "mutants": Variant({"temporal_softmax_loss": UNSTABLE_LOSS, "sgd_train": LOSS_AFTER_UPDATE},
                       loses=frozenset({"test_temporal_softmax_loss", "test_sgd_train"})),
}
