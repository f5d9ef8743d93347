"""a5: alternatives (np.var, a cache dict, the compact backward, a loop over features) and mutants."""

from tests.grading.variants import Variant

FORWARD = '''
def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    if mode not in ("train", "test"):
        raise ValueError(f"unknown mode {mode!r}")
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    D = x.shape[1]
    rm, rv = bn_param.get("running_mean", np.zeros(D)), bn_param.get("running_var", np.ones(D))
    if mode == "test":
        return (x - rm) / np.sqrt(rv + eps) * gamma + beta, {"mode": "test"}
    mu, var = np.mean(x, axis=0), np.var(x, axis=0)
    inv = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv
    bn_param["running_mean"] = momentum * rm + (1.0 - momentum) * mu
    bn_param["running_var"] = momentum * rv + (1.0 - momentum) * var
    return gamma * x_hat + beta, {"x_hat": x_hat, "inv": inv, "gamma": gamma}
'''

BACKWARD = '''
def batchnorm_backward(dout, cache):
    x_hat, inv, gamma = cache["x_hat"], cache["inv"], cache["gamma"]
    N = dout.shape[0]
    dxhat = dout * gamma
    dx = inv / N * (N * dxhat - dxhat.sum(axis=0) - x_hat * np.sum(dxhat * x_hat, axis=0))
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)
'''

BACKWARD_ALT = '''
def batchnorm_backward_alt(dout, x_hat, gamma, std):
    N, D = dout.shape
    dx, dgamma, dbeta = np.empty_like(dout), np.empty(D), np.empty(D)
    for j in range(D):
        dy, xh = dout[:, j], x_hat[:, j]
        dbeta[j], dgamma[j] = dy.sum(), (dy * xh).sum()
        dx[:, j] = gamma[j] / (N * std[j]) * (N * dy - dbeta[j] - xh * dgamma[j])
    return dx, dgamma, dbeta
'''

MOMENTUM_FLIPPED = '''
def batchnorm_forward(x, gamma, beta, bn_param):
    """Mutant: momentum used as the weight of the new batch statistic."""
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.ones(D, dtype=x.dtype))
    if mode == "train":
        mu = x.mean(axis=0)
        xc = x - mu
        var = (xc ** 2).mean(axis=0)
        std = np.sqrt(var + eps)
        x_hat = xc / std
        bn_param["running_mean"] = (1 - momentum) * running_mean + momentum * mu
        bn_param["running_var"] = (1 - momentum) * running_var + momentum * var
        return gamma * x_hat + beta, (xc, std, x_hat, gamma)
    if mode == "test":
        return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, None
    raise ValueError(mode)
'''

DOUT_IN_PLACE = '''
def batchnorm_backward(dout, cache):
    """Mutant: right values, but the caller's dout is scaled in place."""
    xc, std, x_hat, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dout *= gamma
    dxc = dout / std
    dvar = -(dout * xc).sum(axis=0) / std ** 2 / (2 * std)
    dxc = dxc + 2 * xc * dvar / N
    return dxc - dxc.sum(axis=0) / N, dgamma, dbeta
'''

VARIANTS = {
    "alternatives": Variant({"batchnorm_forward": FORWARD, "batchnorm_backward": BACKWARD,
                             "batchnorm_backward_alt": BACKWARD_ALT}),
    "mutants": Variant({"batchnorm_forward": MOMENTUM_FLIPPED, "batchnorm_backward": DOUT_IN_PLACE},
                       loses=frozenset({"test_batchnorm_forward", "test_batchnorm_backward"})),
}
