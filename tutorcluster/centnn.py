"""CentNN: the Centroid Neural Network (Park, 2000).

CentNN is k-means written as an *online competitive neural network*. Each
neuron is a weight vector that owns a set of samples, and two ideas set it
apart from classic competitive learning:

1. **No learning-rate schedule.** When a neuron wins a sample it moves by
   ``1/(N + 1)`` of the way towards it (Eq. 3); when a neuron loses a sample
   to another neuron it moves ``1/(N - 1)`` of the way *away* from it (Eq. 4,
   "forgetting"). With these gains a weight is always exactly the mean of the
   samples it owns (Eq. 5), and only samples that change owner cause updates.
2. **No random start.** The network starts from the centroid of the data
   split into two neurons (Eq. 1). Each time an epoch passes without any
   sample changing owner, the neuron with the largest error is split and
   a new neuron is born next to it (Eq. 6). The run stops when ``n_clusters``
   neurons have converged (Eq. 8).

The equations are numbered (1)-(8) as in the notebook, after the steps of the
algorithm box of the paper.

Epoch 0 is inherently sequential (every sample moves a weight), so it is a
Python loop. In later epochs most samples keep their owner, so the pass is
*screened* in chunks: the distances of a whole chunk are computed at once
and only the first sample that changes owner is handled one at a time
(``_screened_pass``). The result equals the plain per-sample loop
(``centnn_plain``, kept here as the reference) to the last bit.

References
----------
D.-C. Park, "Centroid neural network for unsupervised competitive
learning", IEEE Transactions on Neural Networks 11(2):520-528, 2000.
L. A. Tran, "Centroid Neural Network for Clustering with Numpy", Towards AI,
2021 (the tutorial article the notebook follows).
Notebook: ``notebooks/01-centnn.ipynb``.
"""

import warnings
from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn.base import ClusterMixin
from sklearn.exceptions import ConvergenceWarning

from .distances import NearestCentreMixin, row_blocks, squared_distances_exact
from ._snapshots import Snapshot, SnapshotEstimator
from ._validation import check_choice, check_int, check_n_clusters, check_real, check_rng

_SPLIT_CRITERIA = {"sse", "sum_dist"}
_RECORD_MODES = {"epoch", "sample"}

# Largest chunk screened at once in epochs >= 1, and the cap on the size of
# the (rows, neurons, features) temporary that a chunk creates.
_MAX_CHUNK = 4096
_MAX_CHUNK_ELEMENTS = 2_000_000
_MIN_CHUNK = 16

# The optional compiled epochs (numba; the NumPy path below is the reference).
# They are imported by the first fit that can use them, not with the package:
# numba and LLVM add about 125 MB to a process, which one that fits no CentNN
# should not pay.
_compiled = None
_compiled_imported = False


def compiled_epochs():
    """The module of compiled epochs, imported on first use; None without numba."""
    global _compiled, _compiled_imported
    if not _compiled_imported:
        _compiled_imported = True
        try:
            from . import _centnn_numba as module
        except ImportError:  # numba is not installed
            module = None
        _compiled = module
    return _compiled


def neuron_errors(X, labels, weights, criterion="sse"):
    """The error of every neuron over the samples it owns (Eq. 6).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        The neuron that owns each sample.
    weights : ndarray of shape (n_neurons, n_features)
    criterion : {"sse", "sum_dist"}, default="sse"
        ``"sse"`` sums the squared distances (the paper's error);
        ``"sum_dist"`` sums the distances (the article's code).

    Returns
    -------
    ndarray of shape (n_neurons,)
    """
    squared = ((X - weights[labels]) ** 2).sum(axis=1)
    per_sample = squared if criterion == "sse" else np.sqrt(squared)
    return np.bincount(labels, weights=per_sample, minlength=len(weights))


class LabelLog:
    """The labels of a slow-motion run, stored as the list of updates.

    A CentNN update changes the owner of one sample, so a per-update
    snapshot does not copy all ``n`` labels: it stores its update number,
    and this log (shared by every snapshot of the run) keeps the sample and
    the winner of each update, plus a full copy of the labels every
    ``n_samples`` updates. :meth:`labels_after` rebuilds the labels of any
    update from the nearest copy before it, in O(n). Memory: 8 bytes per
    update plus 4 bytes per update for the copies, instead of 4 n bytes.
    Entries are only ever appended, so a snapshot's labels never change.
    """

    def __init__(self, n_samples):
        self.n_samples = n_samples
        self.every = max(1, n_samples)
        self.samples = np.empty(max(16, n_samples), dtype=np.int32)
        self.winners = np.empty_like(self.samples)
        self.size = 0
        start = np.full(n_samples, -1, dtype=np.int32)   # -1: not presented yet
        start.setflags(write=False)
        self.copies = [start]      # copies[c]: the labels after c * every updates

    def append(self, sample, winner, labels):
        """Log one update (``labels`` is the array after it)."""
        if self.size == len(self.samples):
            self.samples = np.concatenate([self.samples, np.empty_like(self.samples)])
            self.winners = np.concatenate([self.winners, np.empty_like(self.winners)])
        self.samples[self.size] = sample
        self.winners[self.size] = winner
        self.size += 1
        if self.size % self.every == 0:
            copy = labels.copy()
            copy.setflags(write=False)
            self.copies.append(copy)

    def labels_after(self, update):
        """The labels right after update number ``update`` (0 is the first)."""
        done = update + 1
        base = (done // self.every) * self.every
        labels = self.copies[done // self.every].copy()
        # Replay the updates since that copy; a sample moved twice keeps its last owner.
        samples = self.samples[base:done][::-1]
        winners = self.winners[base:done][::-1]
        moved, last = np.unique(samples, return_index=True)
        labels[moved] = winners[last]
        return labels

    @property
    def nbytes(self):
        return self.samples.nbytes + self.winners.nbytes + sum(c.nbytes for c in self.copies)

    def __eq__(self, other):
        # Two logs are equal when they record the same updates (two fits of
        # the same data give equal, not identical, logs).
        if not isinstance(other, LabelLog):
            return NotImplemented
        n = self.size
        return (self.n_samples == other.n_samples and n == other.size
                and np.array_equal(self.samples[:n], other.samples[:n])
                and np.array_equal(self.winners[:n], other.winners[:n]))

    __hash__ = None

    def __repr__(self):
        return f"LabelLog({self.size} updates of {self.n_samples} samples)"


class _NeuronNames:
    """The network's names for two snapshot fields: ``epoch`` and ``weights``."""

    @property
    def epoch(self):
        """The epoch (the same as ``iteration``)."""
        return self.iteration

    @property
    def weights(self):
        """The neurons' weights (the same array as ``centers``)."""
        return self.centers


@dataclass(frozen=True, eq=False, kw_only=True)
class CentNNEpochSnapshot(_NeuronNames, Snapshot):
    """The network at the end of one epoch (one pass over the data).

    ``iteration`` is the epoch (0 is the initial pass of winners only) and
    ``centers`` the weights at the end of the pass, *before* any split or
    repair that the epoch triggers; ``event`` says what happens next.
    ``labels`` are the owners at the end of the pass in ``history_``; the
    per-epoch record ``events_`` leaves them out (``None``) so that it
    stays small whatever ``n`` is.

    Attributes
    ----------
    n_neurons : int
        The number of neurons k during the pass.
    counts : ndarray of shape (n_neurons,)
        How many samples each neuron owns.
    n_changes : int
        Samples that changed owner in this pass (every sample in epoch 0).
    changed : ndarray of shape (n_changes,)
        Indices (into X) of the samples that changed owner, in the order
        they were presented.
    inertia : float
        The energy J: the summed squared distance of every sample to its
        neuron (Eq. 7).
    event : {None, "split", "repair", "stop"}
        What the epoch triggers: nothing (samples moved, so another epoch
        runs), a split (Eq. 6), the repair of a dead neuron, or the end.
    split_index : int
        The neuron that is split (-1 unless ``event == "split"``).
    repaired_index : int
        The dead neuron that is moved (-1 unless ``event == "repair"``).
    new_weight : ndarray of shape (n_features,) or None
        Where the new neuron is born (split) or where the dead neuron is
        moved (repair).
    errors : ndarray of shape (n_neurons,) or None
        The error of every neuron (Eq. 6), for a split or a repair.
    """

    n_neurons: int
    counts: np.ndarray
    n_changes: int
    changed: np.ndarray
    inertia: float
    event: str | None = None
    split_index: int = -1
    repaired_index: int = -1
    new_weight: np.ndarray | None = None
    errors: np.ndarray | None = None

    view = "tutorcluster.views.centnn.CentNNView"


@dataclass(frozen=True, eq=False, kw_only=True)
class CentNNSampleSnapshot(_NeuronNames, Snapshot):
    """The network right after one update: the slow-motion view.

    One snapshot per *applied* update: every sample of epoch 0, and every
    sample that changes owner in later epochs. ``iteration`` is the epoch,
    ``centers`` and ``counts`` are taken after the update.

    An update changes one label, so the snapshot stores only what changed
    (the sample, the winner, the loser and their two weights before the
    update) and ``labels`` is ``None``; :meth:`rebuild_labels` returns the
    owners after the update (in epoch 0 the samples not presented yet have
    label -1), rebuilt from the run's shared :class:`LabelLog`.

    Attributes
    ----------
    step : int
        Position of the sample in the presentation order of the epoch.
    sample : int
        Index (into X) of the presented sample.
    winner : int
        The neuron that wins the sample (moved by Eq. 3).
    loser : int
        The neuron that loses it (moved by Eq. 4), -1 in epoch 0.
    winner_before : ndarray of shape (n_features,)
        The winner's weight before the update.
    loser_before : ndarray of shape (n_features,) or None
        The loser's weight before the update (None in epoch 0).
    counts : ndarray of shape (n_neurons,)
        Samples owned by each neuron after the update.
    update : int
        The number of this update in the whole run (0 is the first).
    log : LabelLog
        The run's list of updates, from which the labels are rebuilt.
    """

    step: int
    sample: int
    winner: int
    loser: int
    winner_before: np.ndarray
    loser_before: np.ndarray | None
    counts: np.ndarray
    update: int
    log: LabelLog

    view = "tutorcluster.views.centnn.CentNNSampleView"

    def rebuild_labels(self):
        """The owner of every sample right after this update (-1: not presented yet)."""
        return self.log.labels_after(self.update)


def _winner_update(W, N, j, x):
    """Eq. (3): the winner moves 1/(N_j + 1) of the way to x, then N_j grows."""
    W[j] += (x - W[j]) / (N[j] + 1)
    N[j] += 1


def _loser_update(W, N, i, x):
    """Eq. (4): the loser moves 1/(N_i - 1) of the way away from x, then N_i shrinks."""
    W[i] -= (x - W[i]) / (N[i] - 1)
    N[i] -= 1


def _screened_pass(X, order, W, N, labels):
    """One epoch >= 1, screened in chunks; yields each applied update.

    The rule is sequential (a weight moves whenever a sample changes owner),
    but most samples keep their owner. So the distances of a chunk of the
    remaining presentation order are computed at once with the current
    weights, and the first row whose winner is strictly closer than its
    owner is found; every earlier row is confirmed unchanged, since no weight
    moved. That one update is applied, then screening resumes at the next
    row with the new weights. The chunk doubles (up to ``_MAX_CHUNK`` rows)
    while nothing moves and shrinks after a move.

    Yields ``(step, t, i, j, w_i_before, w_j_before)`` after each update.
    """
    n_samples, n_features = X.shape
    cap = max(_MIN_CHUNK, min(_MAX_CHUNK, _MAX_CHUNK_ELEMENTS // max(1, len(W) * n_features)))
    chunk = _MIN_CHUNK
    position = 0
    while position < n_samples:
        rows = order[position:position + chunk]
        D = squared_distances_exact(X[rows], W)
        winners = D.argmin(axis=1)  # lowest index on ties
        owners = labels[rows]
        reach = np.arange(len(rows))
        # Move only if strictly closer, and never take a neuron's last sample.
        moving = (D[reach, winners] < D[reach, owners]) & (N[owners] > 1)
        hits = np.flatnonzero(moving)
        if hits.size == 0:
            position += len(rows)
            chunk = min(2 * chunk, cap)
            continue
        r = hits[0]
        step = position + r
        t = order[step]
        # Confirm with the per-sample distance (the same expression, so the
        # same bits) and apply the update exactly as the plain loop does.
        d = squared_distances_exact(X[t:t + 1], W)[0]
        i, j = labels[t], int(d.argmin())
        if d[j] < d[i] and N[i] > 1:
            w_i_before, w_j_before = W[i].copy(), W[j].copy()
            _winner_update(W, N, j, X[t])
            _loser_update(W, N, i, X[t])
            labels[t] = j
            yield step, t, i, j, w_i_before, w_j_before
        position = step + 1
        chunk = max(_MIN_CHUNK, chunk // 4)


def centnn_plain(X, n_clusters, *, epsilon=0.05, max_epochs=1000, split_criterion="sse", order=None):
    """The plain per-sample CentNN loop: the reference the estimator is tested against.

    The whole algorithm as the paper's box states it, one sample at a time,
    with no screening and no snapshots. ``CentNN`` gives the same result to
    the last bit, only faster; ``tests/test_centnn.py`` and
    ``benchmarks/centnn.py`` compare the two. No input checks: pass a
    float64 array with at least ``n_clusters`` distinct rows.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_clusters : int
    epsilon : float, default=0.05
    max_epochs : int, default=1000
    split_criterion : {"sse", "sum_dist"}, default="sse"
    order : ndarray of shape (n_samples,) or None
        The presentation order (default: the given order).

    Returns
    -------
    weights : ndarray of shape (n_neurons, n_features)
    labels : ndarray of shape (n_samples,)
    counts : ndarray of shape (n_neurons,)
    n_epochs : int
        The index of the last epoch.
    """
    X = np.asarray(X, dtype=np.float64)
    order = np.arange(len(X)) if order is None else np.asarray(order)
    labels = np.zeros(len(X), dtype=np.int32)
    if n_clusters == 1:
        return X.mean(axis=0)[None, :], labels, np.array([len(X)]), 0
    c = X.mean(axis=0)
    W = np.array([c + epsilon, c - epsilon])       # Eq. (1)
    N = np.zeros(2, dtype=np.int64)
    for t in order:                                # epoch 0: winners only
        d = ((X[t] - W) ** 2).sum(axis=1)          # Eq. (2)
        j = int(d.argmin())
        W[j] += (X[t] - W[j]) / (N[j] + 1)         # Eq. (3)
        N[j] += 1
        labels[t] = j
    epoch = 0
    while epoch < max_epochs:
        epoch += 1
        changes = 0
        for t in order:
            i = labels[t]
            d = ((X[t] - W) ** 2).sum(axis=1)
            j = int(d.argmin())
            if d[j] < d[i] and N[i] > 1:           # strictly closer; never the last sample
                W[j] += (X[t] - W[j]) / (N[j] + 1)  # Eq. (3)
                N[j] += 1
                W[i] -= (X[t] - W[i]) / (N[i] - 1)  # Eq. (4)
                N[i] -= 1
                labels[t] = j
                changes += 1
        if changes or epoch == max_epochs:
            continue
        squared = ((X - W[labels]) ** 2).sum(axis=1)
        per_sample = squared if split_criterion == "sse" else np.sqrt(squared)
        E = np.bincount(labels, weights=per_sample, minlength=len(W))
        if (N == 0).any():                         # repair a dead neuron
            dead = int(np.flatnonzero(N == 0)[0])
            members = np.flatnonzero(labels == int(E.argmax()))
            W[dead] = X[members[squared[members].argmax()]]
            continue
        if len(W) < n_clusters:                    # Eq. (6): split
            W = np.vstack([W, W[int(E.argmax())] + epsilon])
            N = np.append(N, 0)
            continue
        break                                      # Eq. (8): converged
    return W, labels, N, epoch


class CentNN(ClusterMixin, NearestCentreMixin, SnapshotEstimator):
    """Centroid Neural Network: online k-means that grows one neuron at a time.

    Starts from the centroid of the data split in two (Eq. 1); presents the
    samples one by one; a sample that changes owner pulls its new neuron
    towards it by ``1/(N + 1)`` (Eq. 3) and pushes its old neuron away by
    ``1/(N - 1)`` (Eq. 4), which keeps every weight the exact mean of its
    samples (Eq. 5). After an epoch without changes, the neuron with the
    largest error is split (Eq. 6); the run stops when ``n_clusters`` neurons
    have converged (Eq. 8). See ``notebooks/01-centnn.ipynb``.

    Parameters
    ----------
    n_clusters : int
        The number of neurons M to grow (>= 1, at most the number of
        distinct samples).
    epsilon : float, default=0.05
        The offset added to every coordinate at the initial split and when a
        neuron is born. It is absolute, so standardise features that are on
        very different scales.
    max_epochs : int, default=1000
        Cap on the epochs after epoch 0, over all stages together (the paper
        has no cap). Hitting it stops the run with a ``ConvergenceWarning``
        and possibly fewer than ``n_clusters`` neurons.
    split_criterion : {"sse", "sum_dist"}, default="sse"
        The error that picks the neuron to split: the sum of squared
        distances (the paper) or of distances (the article's code).
    shuffle : bool, default=False
        Present the samples in one random order, drawn once for the whole
        fit, instead of the given order.
    random_state : int, Generator or None, default=None
        Seeds the order when ``shuffle`` is true (unused otherwise).
    record : {"epoch", "sample"}, default="epoch"
        One snapshot per epoch, or one per applied update (slow motion: an
        update snapshot stores only what changed and rebuilds its labels
        when asked, see :class:`CentNNSampleSnapshot`).
    record_every : int, default=1
        Keep every n-th snapshot in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters_, n_features)
        The weights of the neurons, in the order they were created.
    labels_ : ndarray of shape (n_samples,)
        The neuron that owns each training sample.
    counts_ : ndarray of shape (n_clusters_,)
        Samples owned by each neuron.
    inertia_ : float
        Sum of squared distances of the samples to their neurons (J, Eq. 7).
    n_clusters_ : int
        Neurons at the end (``n_clusters`` unless ``max_epochs`` was hit).
    n_epochs_ : int
        The index of the last epoch (epoch 0 is the initial pass).
    stop_reason_ : {"converged", "max_epochs"}
        Why the run stopped.
    history_ : tuple of CentNNEpochSnapshot or CentNNSampleSnapshot
        The recorded snapshots (see ``record`` and ``record_every``).
    events_ : tuple of CentNNEpochSnapshot
        One small record per epoch whatever ``record`` and ``record_every``
        are: the weights, counts, changed samples, the energy J and the
        split/repair/stop events, without the labels (``labels`` is None),
        so it costs O(epochs * k * d + changes), not O(epochs * n).

    References
    ----------
    D.-C. Park, "Centroid neural network for unsupervised competitive
    learning", IEEE Trans. Neural Networks 11(2):520-528, 2000.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from tutorcluster import CentNN
    >>> X, _ = make_blobs(n_samples=300, centers=3, random_state=0)
    >>> model = CentNN(n_clusters=3).fit(X)
    >>> model.stop_reason_, model.n_clusters_
    ('converged', 3)
    """

    def __init__(self, n_clusters, *, epsilon=0.05, max_epochs=1000, split_criterion="sse",
                 shuffle=False, random_state=None, record="epoch", record_every=1):
        self.n_clusters = n_clusters
        self.epsilon = epsilon
        self.max_epochs = max_epochs
        self.split_criterion = split_criterion
        self.shuffle = shuffle
        self.random_state = random_state
        self.record = record
        self.record_every = record_every

    def _check_params(self, X):
        M = check_n_clusters(self.n_clusters, X.shape[0])
        n_distinct = len(np.unique(X, axis=0))
        if M > n_distinct:
            raise ValueError(
                f"n_clusters={M} is larger than the number of distinct samples "
                f"({n_distinct}): every neuron must own at least one distinct point."
            )
        check_real(self.epsilon, "epsilon", low=0, low_inclusive=False)
        check_int(self.max_epochs, "max_epochs", minimum=0)
        check_choice(self.split_criterion, "split_criterion", _SPLIT_CRITERIA)
        check_choice(self.record, "record", _RECORD_MODES)
        if not isinstance(self.shuffle, (bool, np.bool_)):
            raise ValueError(f"shuffle must be True or False, got {self.shuffle!r}.")
        return M

    def _iterate(self, X, y=None):
        M = self._check_params(X)
        rng = check_rng(self.random_state)
        n_samples = X.shape[0]
        order = rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
        slow = self.record == "sample"
        log = LabelLog(n_samples) if slow else None
        events = []   # one small record per epoch (no labels), for events_

        if M == 1:
            # One neuron: its weight is the mean of all the data, and nothing moves.
            W = X.mean(axis=0)[None, :]
            N = np.array([n_samples])
            labels = np.zeros(n_samples, dtype=np.int32)
            fields = self._epoch_fields(
                X, 0, W, N, labels, order, event="stop", stop_reason="converged",
                note="one neuron is the centroid of all the data; nothing to learn (Eq. 1)")
            events.append(CentNNEpochSnapshot(**fields))
            yield partial(CentNNEpochSnapshot, labels=labels, **fields)
            return self._fitted(X, W, N, labels, 0, "converged", events)

        # Step 1 (Eq. 1): the centroid c of the data, split into c + eps and c - eps.
        # The paper writes "a small epsilon"; we add it to every coordinate, as
        # the article's code does (notebook, "Reading the paper").
        c = X.mean(axis=0)
        W = np.array([c + self.epsilon, c - self.epsilon])
        N = np.zeros(2, dtype=np.int64)
        labels = np.full(n_samples, -1, dtype=np.int32)  # -1: not presented yet

        # Step 2, epoch 0 (Eqs. 2-3): every sample joins its winner, which moves
        # to the running mean. Sequential by nature: every sample moves a weight.
        compiled = self._compiled_kernel(X, slow)
        if compiled is not None:
            compiled.epoch_zero(X, order, W, N, labels)   # the same loop, compiled
        for step, t in enumerate(order if compiled is None else ()):
            x = X[t]
            j = int(squared_distances_exact(X[t:t + 1], W)[0].argmin())  # Eq. (2)
            w_j_before = W[j].copy() if slow else None
            _winner_update(W, N, j, x)  # Eq. (3)
            labels[t] = j
            if slow:
                log.append(t, j, labels)
                yield self._sample_frame(0, step, t, j, -1, w_j_before, None, W, N, log)
        epoch = 0
        changed = order
        unseen = False  # sample mode: has a split or repair happened since the last update?

        while True:
            event, extra = self._decide(X, W, N, labels, epoch, len(changed), M)
            stop_reason = extra.pop("stop_reason", None)
            fields = self._epoch_fields(X, epoch, W, N, labels, changed, event=event,
                                        stop_reason=stop_reason, **extra)
            events.append(CentNNEpochSnapshot(**fields))
            if not slow:
                # Built only if the history keeps it (record_every).
                yield partial(CentNNEpochSnapshot, labels=labels, **fields)
            if event == "stop":
                if slow and unseen:
                    # The cap fell right after a split or repair, which no
                    # update snapshot shows: end on the epoch snapshot.
                    yield partial(CentNNEpochSnapshot, labels=labels, **fields)
                break
            # The frame above holds W, N and labels: from here on work on new
            # arrays, so that a frame built later still shows this epoch.
            W, N, labels = W.copy(), N.copy(), labels.copy()
            unseen = event is not None
            if event == "repair":
                # A package addition (the paper never meets a dead neuron): the
                # dead neuron jumps onto the farthest member of the neuron with
                # the largest error, keeps N = 0, and the next epoch lets that
                # member (and its neighbours) move to it.
                W[extra["repaired_index"]] = extra["new_weight"]
            elif event == "split":
                # Step 4 (Eq. 6): a new neuron at w_s + eps owning nothing; w_s
                # itself stays where it is, so every weight is still the mean
                # of its samples.
                W = np.vstack([W, extra["new_weight"]])
                N = np.append(N, 0)

            # Step 3 (Eqs. 2-4): another pass; only samples that change owner
            # cause updates, so the pass is screened in chunks.
            epoch += 1
            if compiled is not None:
                changed = compiled.later_epoch(X, order, W, N, labels)
                continue
            moved = []
            for step, t, i, j, w_i_before, w_j_before in _screened_pass(X, order, W, N, labels):
                moved.append(t)
                if slow:
                    log.append(t, j, labels)
                    yield self._sample_frame(epoch, step, t, j, i, w_j_before, w_i_before, W, N, log)
                    unseen = False
            changed = np.array(moved, dtype=np.intp)

        if stop_reason == "max_epochs":
            warnings.warn(
                f"CentNN stopped at max_epochs={self.max_epochs} with {len(W)} neurons "
                f"(n_clusters={M}) before converging; raise max_epochs.",
                ConvergenceWarning, stacklevel=3,
            )
        return self._fitted(X, W, N, labels, epoch, stop_reason, events)

    @staticmethod
    def _compiled_kernel(X, slow):
        """The compiled epochs when numba is installed and they give the same bits, else None."""
        compiled = compiled_epochs()
        if compiled is None or slow or X.shape[1] >= compiled.MAX_FEATURES or not X.flags.c_contiguous:
            return None
        return compiled

    def _decide(self, X, W, N, labels, epoch, n_changes, M):
        """What the end of an epoch triggers: (event, snapshot fields)."""
        if n_changes == 0 and len(W) == M and N.all():
            return "stop", {"stop_reason": "converged"}  # Eq. (8): no change with M neurons
        if epoch >= self.max_epochs:
            # The paper has no cap; at ours we stop (and warn), with no split
            # or repair after the last epoch.
            return "stop", {"stop_reason": "max_epochs"}
        if n_changes > 0:
            return None, {}
        errors = neuron_errors(X, labels, W, self.split_criterion)
        dead = np.flatnonzero(N == 0)
        if dead.size:
            # A neuron that ends a stage owning nothing (lowest index first)
            # goes to the farthest member of the neuron with the largest error,
            # measured as for splitting (the SSE by default).
            s = int(errors.argmax())
            members = np.flatnonzero(labels == s)
            farthest = members[((X[members] - W[s]) ** 2).sum(axis=1).argmax()]
            return "repair", {"repaired_index": int(dead[0]), "split_index": s,
                              "new_weight": X[farthest].copy(), "errors": errors}
        # Here len(W) < M, so (Eq. 6) split. The paper's algorithm box prints
        # "min_i E_i" under the words "split the group with the most error";
        # we take the argmax (notebook, "Reading the paper"), lowest index on ties.
        s = int(errors.argmax())
        return "split", {"split_index": s, "new_weight": W[s] + self.epsilon, "errors": errors}

    def _epoch_fields(self, X, epoch, W, N, labels, changed, *, event=None, note=None,
                      stop_reason=None, split_index=-1, repaired_index=-1, new_weight=None,
                      errors=None):
        """The fields of an epoch snapshot, without the labels."""
        inertia = float(((X - W[labels]) ** 2).sum())
        k, n_changes = len(W), len(changed)
        if note is None:
            if epoch == 0:
                sizes = "/".join(str(int(v)) for v in N)
                note = (f"every sample joined its nearest neuron, which moved to the running "
                        f"mean (Eqs. 2-3); sizes {sizes}")
            elif n_changes == 0:
                note = "no sample changed neuron"
            else:
                note = f"{n_changes} sample{'s' if n_changes != 1 else ''} changed neuron (Eqs. 3-4)"
        then = {
            None: "",
            "split": f"; no change, so neuron {split_index} (largest error) is split (Eq. 6)",
            "repair": f"; neuron {repaired_index} owns nothing and jumps onto a far sample (repair)",
            "stop": "; stop" + (" (Eq. 8)" if stop_reason == "converged" else
                                f" (max_epochs={self.max_epochs} reached)"),
        }[event]
        caption = f"Epoch {epoch}, k = {k}: {note}; J = {inertia:.1f}{then}."
        return dict(
            iteration=epoch, centers=W, caption=caption, n_neurons=k,
            counts=N, n_changes=n_changes, changed=np.asarray(changed, dtype=np.intp),
            inertia=inertia, event=event, split_index=split_index,
            repaired_index=repaired_index, new_weight=new_weight, errors=errors,
        )

    @staticmethod
    def _sample_frame(epoch, step, t, j, i, w_j_before, w_i_before, W, N, log):
        """A pending update snapshot (built only if the history keeps it)."""
        if i < 0:
            caption = (f"Epoch 0, step {step}: sample {t} joins neuron {j}, which moves "
                       f"1/{N[j]} of the way to it (Eq. 3).")
        else:
            caption = (f"Epoch {epoch}, step {step}: sample {t} moves from neuron {i} to {j}; "
                       f"{j} is pulled by 1/{N[j]} (Eq. 3), {i} pushed by 1/{N[i]} (Eq. 4).")
        # W and N change in place at the next update: the frame gets copies
        # (k x d numbers; the n labels stay in the log).
        return partial(
            CentNNSampleSnapshot,
            iteration=epoch, centers=W.copy(), caption=caption, step=step, sample=int(t),
            winner=int(j), loser=int(i), winner_before=w_j_before, loser_before=w_i_before,
            counts=N.copy(), update=log.size - 1, log=log,
        )

    @staticmethod
    def _fitted(X, W, N, labels, epoch, stop_reason, events):
        return {
            "cluster_centers_": W.copy(),
            "labels_": labels.copy(),
            "counts_": N.copy(),
            "inertia_": float(((X - W[labels]) ** 2).sum()),
            "n_clusters_": len(W),
            "n_epochs_": epoch,
            "stop_reason_": stop_reason,
            "events_": tuple(events),
        }

    def predict(self, X):
        """Index of the nearest neuron for each row of ``X`` (lowest index on ties).

        Distances are taken term by term (as in training), so ``predict`` on
        the training data gives back ``labels_`` exactly, near-ties included.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        X, W = self._centres(X)
        labels = np.empty(len(X), dtype=np.int32)
        for rows in row_blocks(len(X), 8 * W.size):
            labels[rows] = squared_distances_exact(X[rows], W).argmin(axis=1)
        return labels
