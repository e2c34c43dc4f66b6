"""A Kalman filter written as a string diagram, checked against the textbook filter.

The hidden-Markov chain of a linear-Gaussian state-space model is a diagram: a prior state
``p: I -> X``, a transition ``f: X -> X`` (``x |-> F x + N(0, Q)``), an observation
``h: X -> Y`` (``x |-> H x + N(0, R)``) and, for each time step, an exact condition
``y_t: Y -> I`` that the observation equals its measured value (Stein & Staton's ``=:=``).
Interpreting the diagram in the Gaussian semantics (:func:`markov.interpret_gaussian`) *is*
the filter: the output is the filtering distribution of the last state. Every array carries
a leading batch axis, so 256 independent instances run in one call.

Run ``python examples/kalman.py``.
"""

from __future__ import annotations

import numpy as np

from diagrams import Box, Diagram, Ty, trace
from markov import GaussianCondition, GaussianKernel, interpret_gaussian

X, Y = Ty("X"), Ty("Y")
PRIOR, TRANSITION, OBSERVATION = Box("p", Ty(), X), Box("f", X, X), Box("h", X, Y)


def kalman_diagram(steps: int) -> Diagram:
    """The chain ``p >> f >> (copy; h; condition y_0) >> f >> ...`` of ``steps`` steps, whose
    output is the last state; the condition boxes are named ``y0, y1, ...``."""
    measured = [Box(f"y{t}", Y, Ty()) for t in range(steps)]

    @trace()
    def chain():
        x = PRIOR()
        for t in range(steps):
            x = TRANSITION(x)
            measured[t](OBSERVATION(x))
        return x

    return chain


def filter_by_diagram(mu0, P0, F, Q, H, R, ys, steps_at_once: bool = False):
    """Filtering means and covariances ``[*batch, T, n]``, ``[*batch, T, n, n]`` computed by
    interpreting diagrams: one step at a time (the posterior of step ``t`` is the prior box of
    step ``t + 1``), every call batched over all instances. With ``steps_at_once``, only the
    last step is returned, from one call on the whole ``T``-step chain."""
    T = ys.shape[-2]
    transition = GaussianKernel(F, 0 * F[..., 0], Q, dom=X, cod=X, name="f")
    observation = GaussianKernel(H, 0 * H[..., 0], R, dom=X, cod=Y, name="h")
    prior = GaussianKernel.state(mu0, P0, cod=X, name="p")
    ny = {"Y": ys.shape[-1]}
    if steps_at_once:
        mapping = {"p": prior, "f": transition, "h": observation}
        mapping.update({f"y{t}": GaussianCondition.observe(ys[..., t, :], Y, dims=ny)
                        for t in range(T)})
        post = interpret_gaussian(kalman_diagram(T), mapping)
        return post.mean[..., None, :], post.covariance[..., None, :, :]
    step = kalman_diagram(1)
    means, covs = [], []
    for t in range(T):
        prior = interpret_gaussian(step, {
            "p": prior, "f": transition, "h": observation,
            "y0": GaussianCondition.observe(ys[..., t, :], Y, dims=ny)})
        means.append(prior.mean)
        covs.append(prior.covariance)
    stack = np.stack
    if type(ys).__module__.startswith("torch"):  # the same code runs on torch tensors
        import torch

        stack = torch.stack
    return stack(means, -2), stack(covs, -3)


def textbook_filter(mu0, P0, F, Q, H, R, ys):
    """The textbook Kalman filter (predict, then update with the gain ``P H^T S^-1``)."""
    mu, P = mu0, P0
    means, covs = [], []
    Ft, Ht = np.swapaxes(F, -1, -2), np.swapaxes(H, -1, -2)
    for t in range(ys.shape[-2]):
        mu = (F @ mu[..., None])[..., 0]
        P = F @ P @ Ft + Q
        S = H @ P @ Ht + R
        K = P @ Ht @ np.linalg.inv(S)
        mu = mu + (K @ (ys[..., t, :] - (H @ mu[..., None])[..., 0])[..., None])[..., 0]
        P = P - K @ H @ P
        means.append(mu)
        covs.append(P)
    return np.stack(means, -2), np.stack(covs, -3)


def random_instance(batch: int = 256, steps: int = 20, n: int = 3, m: int = 2, seed: int = 0):
    """A random batch of linear-Gaussian state-space models and simulated observations:
    ``(mu0, P0, F, Q, H, R, ys)``."""
    rng = np.random.default_rng(seed)

    def spd(k):
        a = rng.normal(size=(batch, k, k))
        return a @ np.swapaxes(a, -1, -2) / k + 0.1 * np.eye(k)

    F = rng.normal(size=(batch, n, n)) / np.sqrt(n) * 0.9
    H = rng.normal(size=(batch, m, n))
    Q, R, P0 = spd(n), spd(m), spd(n)
    mu0 = rng.normal(size=(batch, n))
    x = mu0 + (np.linalg.cholesky(P0) @ rng.normal(size=(batch, n, 1)))[..., 0]
    ys = []
    for _ in range(steps):
        x = (F @ x[..., None])[..., 0] + (np.linalg.cholesky(Q) @ rng.normal(
            size=(batch, n, 1)))[..., 0]
        ys.append((H @ x[..., None])[..., 0] + (np.linalg.cholesky(R) @ rng.normal(
            size=(batch, m, 1)))[..., 0])
    return mu0, P0, F, Q, H, R, np.stack(ys, -2)


def main() -> None:
    instance = random_instance()
    means, covs = filter_by_diagram(*instance)
    ref_means, ref_covs = textbook_filter(*instance)
    last_mean, last_cov = filter_by_diagram(*instance, steps_at_once=True)
    print(kalman_diagram(3))
    print(f"256 instances x 20 steps; largest difference from the textbook filter: "
          f"means {np.abs(means - ref_means).max():.2e}, "
          f"covariances {np.abs(covs - ref_covs).max():.2e}; "
          f"whole chain in one call: means "
          f"{np.abs(last_mean[..., 0, :] - ref_means[..., -1, :]).max():.2e}, covariances "
          f"{np.abs(last_cov[..., 0, :, :] - ref_covs[..., -1, :, :]).max():.2e}")


if __name__ == "__main__":
    main()
