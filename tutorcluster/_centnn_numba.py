"""Optional compiled CentNN epochs (used only when numba is installed: ``pip install tutorcluster[fast]``).

The same per-sample rule as :func:`tutorcluster.centnn.centnn_plain`, compiled:
the winner is the lowest index at the smallest squared distance, summed
feature by feature from left to right; a sample moves only if its winner is
strictly closer than its owner and the owner keeps at least one sample;
Eqs. 3 and 4 are applied with the same operations in the same order. NumPy
sums the last axis of fewer than 8 features left to right as well, so for
``n_features < 8`` the results are bit-identical to the NumPy path (a test
checks it); :data:`MAX_FEATURES` makes the package fall back to NumPy above.
"""

import numpy as np
from numba import njit

#: The compiled path is used only below this many features (see the module docstring).
MAX_FEATURES = 8


@njit(cache=True)
def _distances(x, W, d):
    for m in range(W.shape[0]):
        total = 0.0
        for f in range(W.shape[1]):
            diff = x[f] - W[m, f]
            total += diff * diff
        d[m] = total


@njit(cache=True)
def _argmin(d):
    best = 0
    for m in range(1, d.shape[0]):
        if d[m] < d[best]:
            best = m
    return best


@njit(cache=True)
def epoch_zero(X, order, W, N, labels):
    """Epoch 0 (Eqs. 2-3): every sample joins its winner, which moves to the running mean."""
    d = np.empty(W.shape[0])
    for t in order:
        _distances(X[t], W, d)
        j = _argmin(d)
        for f in range(W.shape[1]):
            W[j, f] += (X[t, f] - W[j, f]) / (N[j] + 1)
        N[j] += 1
        labels[t] = j


@njit(cache=True)
def later_epoch(X, order, W, N, labels):
    """One epoch >= 1 (Eqs. 2-4); returns the samples that changed owner, in order."""
    d = np.empty(W.shape[0])
    moved = np.empty(order.shape[0], dtype=np.intp)
    count = 0
    for t in order:
        i = labels[t]
        _distances(X[t], W, d)
        j = _argmin(d)
        if d[j] < d[i] and N[i] > 1:
            for f in range(W.shape[1]):
                W[j, f] += (X[t, f] - W[j, f]) / (N[j] + 1)
            N[j] += 1
            for f in range(W.shape[1]):
                W[i, f] -= (X[t, f] - W[i, f]) / (N[i] - 1)
            N[i] -= 1
            labels[t] = j
            moved[count] = t
            count += 1
    return moved[:count]
