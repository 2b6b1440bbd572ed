"""Weighted mean subtractive clustering and its baselines.

Subtractive clustering (Chiu, 1994) finds cluster centres *and how many
there are* in one deterministic pass. Every data point gives off a Gaussian
"hill"; added together the hills form a mountain landscape, and a point's
height is its *potential* (Eq. 1). The tallest peak becomes a centre, the
landscape is carved down around it (Eqs. 2-3) so that its neighbours cannot
win next, and this repeats until what is left is too low (Chiu's
accept / grey-zone / reject rule).

Weighted mean subtractive clustering (WMSC; Chen, Qin & Jia, 2008) keeps the
peak picking but moves each chosen peak to the potential-weighted mean of
the points within ``ra`` of it (Eq. 4), so a centre can lie where there is no
data point (the middle of a ring), and carves the landscape around that new
centre (Eq. 5).

Mountain clustering (Yager & Filev, 1994) is the same search over the nodes
of a grid instead of the data points. Fuzzy c-means (Bezdek) is the paper's
other baseline.

The paper's Eqs. 1-5 were printed as images and are lost from the source
text: Eqs. 1-3 are Chiu's and well documented; Eqs. 4-5 are rebuilt from the
paper's words as the WMSC spec explains (``/work/shared/specs/wmsc.md``,
sections 2 and 5), and the other readings are available as options.

References
----------
J. Chen, Z. Qin and J. Jia, "A weighted mean subtractive clustering
algorithm", Information Technology Journal 7(2):356-360, 2008.
S. L. Chiu, "Fuzzy model identification based on cluster estimation",
J. Intelligent and Fuzzy Systems 2:267-278, 1994.
R. R. Yager and D. P. Filev, "Approximate clustering via the mountain
method", IEEE Trans. SMC 24(8):1279-1284, 1994.
J. C. Bezdek, "Pattern Recognition with Fuzzy Objective Function
Algorithms", Plenum, 1981.
Notebook: ``notebooks/05-wmsc.ipynb``.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.base import ClusterMixin

from ._snapshots import Snapshot, SnapshotEstimator
from ._validation import check_choice, check_fitted_X, check_int, check_n_clusters, check_real, check_rng, check_X
from .distances import squared_distances

#: Memory for one block of the potential computation (Eq. 1), in bytes.
BLOCK_BYTES = 32 * 2**20


# ---------------------------------------------------------------------------
# The landscape: normalisation and Eq. 1
# ---------------------------------------------------------------------------

def unit_hypercube(X, bounds=None):
    """Map ``X`` into the unit hypercube, feature by feature.

    ``x' = (x - min) / (max - min)``, clipped to [0, 1], with the bounds taken
    from ``X`` or given (Chiu; MATLAB ``subclust``). A feature whose span is
    0 gets span 1 (it maps to 0), so that ``x' * span + min`` always gives
    ``x`` back.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    bounds : array-like of shape (2, n_features), default=None
        Row 0 the minimum and row 1 the maximum of every feature; None uses
        the data's own.

    Returns
    -------
    X_unit : ndarray of shape (n_samples, n_features)
    low : ndarray of shape (n_features,)
    span : ndarray of shape (n_features,)
    """
    X = np.asarray(X, dtype=float)
    if bounds is None:
        low, high = X.min(axis=0), X.max(axis=0)
    else:
        bounds = np.asarray(bounds, dtype=float)
        if bounds.shape != (2, X.shape[1]):
            raise ValueError(
                f"bounds must have shape (2, n_features) = (2, {X.shape[1]}), got {bounds.shape}."
            )
        if not np.all(np.isfinite(bounds)):
            raise ValueError("bounds contains NaN or infinite values.")
        low, high = bounds
        if np.any(high < low):
            raise ValueError("bounds must have its minimum (row 0) <= its maximum (row 1).")
    span = high - low
    span = np.where(span > 0, span, 1.0)
    return np.clip((X - low) / span, 0.0, 1.0), low.copy(), span


def potentials(points, X, ra, *, block_bytes=BLOCK_BYTES):
    """Eq. 1: the height of the mountain landscape of ``X`` at each of ``points``.

    ``P(y) = sum_j exp(-alpha ||y - x_j||^2)`` with ``alpha = 4 / ra^2``.
    At a data point the sum includes the point itself, so ``P_i >= 1``.

    The distances are computed a block of rows at a time (about
    ``block_bytes`` per block), so the memory stays bounded however many
    points there are: no ``len(points) x len(X)`` matrix is ever held unless
    it fits in one block.

    Parameters
    ----------
    points : array-like of shape (n_points, n_features)
        Where to evaluate the landscape (the data points themselves for
        subtractive clustering, grid nodes for mountain clustering).
    X : array-like of shape (n_samples, n_features)
        The data raising the landscape (normalised to the unit hypercube).
    ra : float
        The neighbourhood radius ``r_a``.
    block_bytes : int, default=32 MiB
        Memory for one block of squared distances.

    Returns
    -------
    ndarray of shape (n_points,)
    """
    symmetric = points is X  # the potentials of the data points themselves
    points = np.asarray(points, dtype=float)
    X = np.asarray(X, dtype=float)
    alpha = 4.0 / ra**2
    rows = max(1, int(block_bytes) // (8 * max(1, X.shape[0])))
    out = np.zeros(points.shape[0])
    # The loop is over memory blocks, not over the algorithm: each block is
    # one vectorised (rows x n_samples) computation.
    for start in range(0, points.shape[0], rows):
        stop = start + rows
        if symmetric:
            # exp(-alpha d_ij^2) is symmetric in i and j, so each pair is
            # computed once: the block covers columns start.., and the part
            # right of the diagonal block is also added to the columns' sums.
            block = np.exp(-alpha * squared_distances(X[start:stop], X[start:]))
            out[start:stop] += block.sum(axis=1)
            out[stop:] += block[:, stop - start:].sum(axis=0)
        else:
            block = np.exp(-alpha * squared_distances(points[start:stop], X))
            out[start:stop] = block.sum(axis=1)
    return out


def _squared_distances_to(points, centre):
    """Squared distance from every row of ``points`` to one ``centre`` (exact)."""
    return ((points - centre) ** 2).sum(axis=1)


def nearest_centre(X_unit, centres_unit):
    """Label of the nearest centre for each row (ties go to the lower index)."""
    return np.argmin(squared_distances(X_unit, centres_unit), axis=1)


# ---------------------------------------------------------------------------
# The snapshot
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, kw_only=True)
class SubtractiveSnapshot(Snapshot):
    """One candidate of (weighted mean) subtractive or mountain clustering.

    ``iteration`` counts the candidates examined (1, 2, ...), ``centers``
    holds the centres accepted so far in the data's own units and ``labels``
    the nearest of them for each training point. The "normalised" fields
    are in the unit hypercube where the algorithm works.

    Attributes
    ----------
    candidate_set : {"points", "grid"}
        Whether the candidates (and the potentials) are the data points
        (SC, WMSC) or grid nodes (mountain clustering).
    n_centres_before : int
        Centres accepted before this candidate.
    potential_before, potential_after : ndarray of shape (n_candidates,)
        Every candidate's potential before and after this step (separate
        copies: the next snapshot's ``potential_before`` is its own array).
    candidate_index : int
        Which candidate has the largest current potential (lowest index on
        ties).
    candidate, candidate_original : ndarray of shape (n_features,)
        That candidate, normalised and in the data's units.
    candidate_potential : float
        Its current potential ``P_k^*``.
    ratio : float
        ``rho = P_k^* / P_ref``, ``P_ref`` being the first candidate's potential.
    neighbourhood : ndarray of int
        The points averaged by Eq. 4 (``||x_j - c_k|| < ra``); ``[candidate_index]``
        for SC and mountain clustering.
    weights : ndarray of float
        Their weights in Eq. 4 (they sum to 1).
    centre, centre_original : ndarray of shape (n_features,)
        The centre this candidate would add (its weighted mean for WMSC,
        the candidate itself otherwise), normalised and in the data's units.
    centre_height : float or None
        ``H_k``, the height subtracted around the centre (Eq. 5); None unless
        the candidate was accepted.
    centre_raw_potential : float
        Eq. 1 evaluated at the centre on the uncarved landscape.
    d_min_over_ra : float or None
        Distance from the centre to the nearest accepted centre over ``ra``,
        when the ratio fell in the grey zone (None otherwise).
    decision : {"accept", "reject", "stop"}
    reason : str
        ``"ratio>accept"``, ``"grey: rho+d/ra>=1"``, ``"grey: rho+d/ra<1"``,
        ``"ratio<=reject"`` or ``"max_centres"``.
    centres_norm : ndarray of shape (n_centres, n_features)
        The accepted centres after this step, normalised.
    centre_heights : ndarray of shape (n_centres,)
        Their heights ``H_l``: with ``centres_norm`` they give the carved
        landscape anywhere (the view draws it).
    ra, rb, accept_ratio, reject_ratio : float
        The settings, so that a frame can be drawn on its own.
    bounds : ndarray of shape (2, n_features)
        The normalisation: row 0 the minimum, row 1 ``minimum + span``.
    """

    candidate_set: str
    n_centres_before: int
    potential_before: np.ndarray
    potential_after: np.ndarray
    candidate_index: int
    candidate: np.ndarray
    candidate_original: np.ndarray
    candidate_potential: float
    ratio: float
    neighbourhood: np.ndarray
    weights: np.ndarray
    centre: np.ndarray
    centre_original: np.ndarray
    centre_height: float | None
    centre_raw_potential: float
    d_min_over_ra: float | None
    decision: str
    reason: str
    centres_norm: np.ndarray
    centre_heights: np.ndarray
    ra: float
    rb: float
    accept_ratio: float
    reject_ratio: float
    bounds: np.ndarray

    view = "tutorcluster.views.subtractive.SubtractiveView"


# ---------------------------------------------------------------------------
# Subtractive clustering
# ---------------------------------------------------------------------------

class SubtractiveClustering(ClusterMixin, SnapshotEstimator):
    """Chiu's subtractive clustering, recorded candidate by candidate.

    The data are normalised to the unit hypercube; every point's potential
    is Eq. 1; the point with the largest potential is the next candidate
    and Chiu's rule decides:

    * ``rho = P_k^* / P_ref > accept_ratio``: accept it and carve the
      landscape around it (Eqs. 2-3);
    * ``rho <= reject_ratio``: stop;
    * otherwise (grey zone) accept it if ``d_min / ra + rho >= 1``, where
      ``d_min`` is its distance to the nearest accepted centre; if not,
      reject it (its potential becomes 0, nothing is carved) and try the
      next highest point.

    Parameters
    ----------
    ra : float, default=0.5
        Neighbourhood radius ``r_a`` in normalised units.
    squash_factor : float, default=1.5
        ``r_b = squash_factor * r_a``, the radius of the carving (1.5 in Chiu
        and the WMSC paper; MATLAB's default is 1.25).
    accept_ratio : float, default=0.5
        Upper threshold of Chiu's rule.
    reject_ratio : float, default=0.15
        Lower threshold; ``0 < reject_ratio < 1`` and
        ``reject_ratio <= accept_ratio <= 1``.
    bounds : array-like of shape (2, n_features), default=None
        Minimum and maximum of every feature for the normalisation; None
        uses the data's.
    max_centres : int, default=None
        Stop after this many centres (no limit when None).
    record : {"full", "accepted", "none"}, default="full"
        Which candidates yield a snapshot: all of them, the accepted ones,
        or none; the last candidate is always recorded. Use "accepted" or
        "none" for large data (each snapshot holds two potential arrays).
    record_every : int, default=1
        Keep every n-th yielded snapshot in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters_, n_features)
        The centres in the data's own units.
    cluster_centers_norm_ : ndarray of shape (n_clusters_, n_features)
        The centres in the unit hypercube.
    centre_heights_ : ndarray of shape (n_clusters_,)
        The height ``H_k`` subtracted around each centre.
    centre_indices_ : ndarray of shape (n_clusters_,)
        The candidate (data point or grid node) that produced each centre.
    potential0_ : ndarray of shape (n_candidates,)
        Every candidate's potential before any carving (Eq. 1).
    labels_ : ndarray of shape (n_samples,)
        Nearest centre of each training point (normalised space).
    n_clusters_ : int
        The number of centres found.
    n_iter_ : int
        Candidates examined (accepted, rejected, or stopped at).
    bounds_ : ndarray of shape (2, n_features)
        The normalisation used: minimum and ``minimum + span``.
    history_ : tuple of SubtractiveSnapshot

    Examples
    --------
    >>> from tutorcluster.datasets import make_artdata
    >>> from tutorcluster import SubtractiveClustering
    >>> X, y = make_artdata()
    >>> SubtractiveClustering(ra=0.5).fit(X).n_clusters_
    2
    """

    _candidate_set = "points"  # where the potentials live: the data points
    _carve_eq = 3              # the equation of the carving, for the captions

    def __init__(self, ra=0.5, *, squash_factor=1.5, accept_ratio=0.5, reject_ratio=0.15,
                 bounds=None, max_centres=None, record="full", record_every=1):
        self.ra = ra
        self.squash_factor = squash_factor
        self.accept_ratio = accept_ratio
        self.reject_ratio = reject_ratio
        self.bounds = bounds
        self.max_centres = max_centres
        self.record = record
        self.record_every = record_every

    # -- the parts that differ between SC, WMSC and mountain clustering ------

    def _check_params(self):
        """Validate the parameters shared by SC, WMSC and mountain clustering."""
        check_real(self.ra, "ra", low=0, low_inclusive=False)
        check_real(self.squash_factor, "squash_factor", low=0, low_inclusive=False)
        check_real(self.reject_ratio, "reject_ratio", low=0, high=1,
                   low_inclusive=False, high_inclusive=False)
        check_real(self.accept_ratio, "accept_ratio", high=1)
        if self.accept_ratio < self.reject_ratio:
            raise ValueError(
                f"accept_ratio must be >= reject_ratio, got accept_ratio={self.accept_ratio} "
                f"and reject_ratio={self.reject_ratio}."
            )
        if self.max_centres is not None:
            check_int(self.max_centres, "max_centres", minimum=1)
        check_choice(self.record, "record", {"full", "accepted", "none"})

    def _candidates(self, X_unit):
        """The places where potentials live: the data points themselves."""
        return X_unit

    def _centre(self, index, candidates, X_unit, P, P0):
        """Where candidate ``index`` puts its centre: SC keeps the point itself."""
        return np.array([index]), np.ones(1), candidates[index].copy()

    def _height(self, index, centre, P, raw, centres, heights):
        """Eq. 3: SC subtracts the chosen point's current potential PotVal(c_k)."""
        return float(P[index])

    # -- the loop --------------------------------------------------------------

    def _iterate(self, X, y=None):
        X = check_X(self, X)
        self._check_params()
        ra = float(self.ra)
        rb = float(self.squash_factor) * ra
        alpha, beta = 4.0 / ra**2, 4.0 / rb**2
        X_unit, low, span = unit_hypercube(X, self.bounds)
        bounds = np.vstack([low, low + span])
        candidates = self._candidates(X_unit)

        # Step 1 (Eq. 1): the potential of every candidate.
        P0 = potentials(candidates, X_unit, ra)
        P = P0.copy()
        p_ref = float(P0.max())  # the first candidate's potential
        centres, heights, indices = [], [], []
        n_features = X.shape[1]

        def centres_array():
            return np.array(centres).reshape(-1, n_features)

        iteration = 0
        # The search is sequential by nature: each candidate depends on the
        # landscape carved by all the centres before it.
        while True:
            if P.max() <= 0:  # nothing left standing: end without another frame
                break
            iteration += 1
            before = P.copy()
            # Step 2: the candidate is the highest remaining peak.
            i = int(np.argmax(P))
            p_star = float(P[i])
            rho = p_star / p_ref
            nb, w, centre = self._centre(i, candidates, X_unit, P, P0)
            raw = float(potentials(centre[None, :], X_unit, ra)[0])
            n_before = len(centres)
            d_ratio, height = None, None

            # Chiu's stopping rule (the paper cites Li et al. 1999, whose
            # rule could not be found; see the notebook, "Reading the paper").
            if self.max_centres is not None and n_before >= self.max_centres:
                decision, reason = "stop", "max_centres"
            elif rho > self.accept_ratio:
                decision, reason = "accept", "ratio>accept"
            elif rho <= self.reject_ratio:
                decision, reason = "stop", "ratio<=reject"
            else:
                # Grey zone. d_min is measured from the centre that would be
                # added (the weighted mean for WMSC), spec section 5 item 4.
                d_min = (np.sqrt(_squared_distances_to(centres_array(), self._dmin_point(i, centre, candidates)).min())
                         if centres else np.inf)
                d_ratio = float(d_min / ra)
                if d_ratio + rho >= 1:
                    decision, reason = "accept", "grey: rho+d/ra>=1"
                else:
                    decision, reason = "reject", "grey: rho+d/ra<1"

            if decision == "accept":
                # Step 3 (Eqs. 2-3 / Eq. 5): carve a Gaussian of radius r_b
                # around the centre, never below 0 (MATLAB clips; Chiu does not,
                # which never changes the maximum).
                height = self._height(i, centre, P, raw, centres_array(), np.array(heights))
                P = np.maximum(0.0, P - height * np.exp(-beta * _squared_distances_to(candidates, centre)))
                P[i] = 0.0  # the candidate is used up (spec section 5 item 3)
                centres.append(centre)
                heights.append(height)
                indices.append(i)
            elif decision == "reject":
                P[i] = 0.0  # rejected: its potential goes, nothing is carved

            done = decision == "stop" or P.max() <= 0
            if self.record == "full" or (self.record == "accepted" and decision == "accept") or done:
                current = centres_array()
                labels = nearest_centre(X_unit, current) if centres else None
                yield SubtractiveSnapshot(
                    iteration=iteration,
                    centers=current * span + low,
                    labels=labels,
                    caption=self._caption(iteration, i, p_star, rho, d_ratio, decision, reason,
                                          len(nb), len(centres)),
                    candidate_set=self._candidate_set,
                    n_centres_before=n_before,
                    potential_before=before,
                    potential_after=P,
                    candidate_index=i,
                    candidate=candidates[i],
                    candidate_original=candidates[i] * span + low,
                    candidate_potential=p_star,
                    ratio=rho,
                    neighbourhood=nb,
                    weights=w,
                    centre=centre,
                    centre_original=centre * span + low,
                    centre_height=height,
                    centre_raw_potential=raw,
                    d_min_over_ra=d_ratio,
                    decision=decision,
                    reason=reason,
                    centres_norm=current,
                    centre_heights=np.array(heights),
                    ra=ra, rb=rb,
                    accept_ratio=float(self.accept_ratio),
                    reject_ratio=float(self.reject_ratio),
                    bounds=bounds,
                )
            if decision == "stop":
                break

        current = centres_array()
        self.cluster_centers_norm_ = current
        self.cluster_centers_ = current * span + low
        self.centre_heights_ = np.array(heights)
        self.centre_indices_ = np.array(indices, dtype=np.int64)
        self.potential0_ = P0
        self.labels_ = nearest_centre(X_unit, current)
        self.n_clusters_ = len(centres)
        self.n_iter_ = iteration
        self.bounds_ = bounds

    def _dmin_point(self, index, centre, candidates):
        """The point whose distance to the accepted centres enters the grey-zone test."""
        return centre

    def _caption(self, iteration, i, p_star, rho, d_ratio, decision, reason, n_nb, n_centres):
        kind = "grid node" if self._candidate_set == "grid" else "point"
        head = f"Candidate {iteration}: {kind} #{i}, potential {p_star:.3g}, rho = {rho:.2f}"
        if reason == "ratio>accept":
            tail = (f"> accept ratio {self.accept_ratio:g}: ACCEPTED as centre {n_centres}, "
                    f"landscape carved (Eq. {self._carve_eq}).")
        elif reason == "ratio<=reject":
            tail = f"<= reject ratio {self.reject_ratio:g}: STOP with {n_centres} centres."
        elif reason == "max_centres":
            tail = f"but max_centres={self.max_centres} is reached: STOP."
        elif decision == "accept":
            tail = (f"is in the grey zone and rho + d_min/ra = {rho + d_ratio:.2f} >= 1 (far from the "
                    f"other centres): ACCEPTED as centre {n_centres} (Eq. {self._carve_eq}).")
        else:
            tail = (f"is in the grey zone and rho + d_min/ra = {rho + d_ratio:.2f} < 1 (too close to a "
                    f"centre): REJECTED, its potential set to 0, nothing carved.")
        return f"{head} {tail}"

    # -- using the fitted model -----------------------------------------------

    def predict(self, X):
        """Index of the nearest centre for each row of ``X``.

        ``X`` is normalised with the training bounds (and clipped to the unit
        hypercube) and compared with the centres there, as for ``labels_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return nearest_centre(self.normalise(X), self.cluster_centers_norm_)

    def normalise(self, X):
        """Map ``X`` to the unit hypercube with the training bounds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        X = check_fitted_X(self, X)
        return np.clip((X - self.bounds_[0]) / (self.bounds_[1] - self.bounds_[0]), 0.0, 1.0)

    def centre_potentials(self, X):
        """Eq. 1 at each centre over the data ``X`` (the paper's Figs. 2-4).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Usually the training data.

        Returns
        -------
        ndarray of shape (n_clusters_,)
        """
        return potentials(self.cluster_centers_norm_, self.normalise(X), self.ra)


class WeightedMeanSubtractiveClustering(SubtractiveClustering):
    """Weighted mean subtractive clustering (Chen, Qin & Jia, 2008).

    Subtractive clustering, except that each candidate's centre moves to the
    potential-weighted mean of the points within ``ra`` of it (Eq. 4), and
    the landscape is carved around that centre (Eq. 5). The candidate itself
    is then used up (its potential set to 0), since the carving, no longer
    centred on it, may leave it standing. The stopping rule is Chiu's, with
    ``d_min`` measured from the new centre.

    Parameters
    ----------
    ra, squash_factor, accept_ratio, reject_ratio, bounds, max_centres, record, record_every
        As for :class:`SubtractiveClustering`.
    centre_potential : {"landscape", "raw", "selected"}, default="landscape"
        The height ``H_k`` subtracted around the new centre in Eq. 5 (lost
        from the paper): the carved landscape's height at the new centre
        (``"landscape"``, the spec's reconstruction), Eq. 1 at the new centre
        (``"raw"``), or the candidate's current potential (``"selected"``).
    weight_potential : {"current", "initial"}, default="current"
        The potentials that weight Eq. 4: the current, carved ones (those
        that picked the candidate) or the uncarved ones of Eq. 1.
    dmin_from : {"centre", "candidate"}, default="centre"
        Where the grey-zone distance ``d_min`` is measured from: the new
        centre (spec) or the candidate data point.

    Attributes
    ----------
    As for :class:`SubtractiveClustering`.

    References
    ----------
    Chen, Qin & Jia (2008), steps 1-4 and Eqs. 4-5; notebook
    ``05-wmsc.ipynb``, sections "The equations" and "Reading the paper".

    Examples
    --------
    >>> from tutorcluster.datasets import make_artdata
    >>> from tutorcluster import WeightedMeanSubtractiveClustering
    >>> X, y = make_artdata()
    >>> model = WeightedMeanSubtractiveClustering(ra=0.5).fit(X)
    >>> model.cluster_centers_.round(2)  # the ring's centre first: inside its hole
    array([[0.67, 0.69],
           [0.21, 0.19]])
    """

    _carve_eq = 5

    def __init__(self, ra=0.5, *, squash_factor=1.5, accept_ratio=0.5, reject_ratio=0.15,
                 bounds=None, max_centres=None, centre_potential="landscape",
                 weight_potential="current", dmin_from="centre", record="full", record_every=1):
        super().__init__(ra=ra, squash_factor=squash_factor, accept_ratio=accept_ratio,
                         reject_ratio=reject_ratio, bounds=bounds, max_centres=max_centres,
                         record=record, record_every=record_every)
        self.centre_potential = centre_potential
        self.weight_potential = weight_potential
        self.dmin_from = dmin_from

    def _check_params(self):
        super()._check_params()
        check_choice(self.centre_potential, "centre_potential", {"landscape", "raw", "selected"})
        check_choice(self.weight_potential, "weight_potential", {"current", "initial"})
        check_choice(self.dmin_from, "dmin_from", {"centre", "candidate"})

    def _centre(self, index, candidates, X_unit, P, P0):
        # Eq. 4: the points strictly within r_a of the candidate ("radius
        # smaller than r_a"; the candidate itself is always one of them),
        # weighted by their potential.
        nb = np.flatnonzero(_squared_distances_to(X_unit, X_unit[index]) < self.ra**2)
        # The spec's fallback "equal weights if every weight is 0" is never
        # needed: the candidate is in its own neighbourhood with the largest
        # current potential (> 0), and every initial potential is >= 1.
        w = (P if self.weight_potential == "current" else P0)[nb]
        w = w / w.sum()
        return nb, w, w @ X_unit[nb]

    def _height(self, index, centre, P, raw, centres, heights):
        # Eq. 5 (reconstructed): how much to subtract around the new centre.
        if self.centre_potential == "selected":
            return float(P[index])
        if self.centre_potential == "raw":
            return raw
        # "landscape": the height of the carved landscape at the new centre,
        # H_k = max(0, P(c~_k) - sum_l H_l exp(-beta ||c~_k - c~_l||^2)).
        beta = 4.0 / (self.squash_factor * self.ra) ** 2
        carved = heights @ np.exp(-beta * _squared_distances_to(centres, centre)) if len(heights) else 0.0
        return float(max(0.0, raw - carved))

    def _dmin_point(self, index, centre, candidates):
        return centre if self.dmin_from == "centre" else candidates[index]


class MountainClustering(SubtractiveClustering):
    """Mountain clustering: subtractive clustering over the nodes of a grid.

    The candidates are the ``g^d`` nodes of a regular grid over the unit
    hypercube; each node's potential is Eq. 1 evaluated there, and the
    search, carving and stopping rule are those of subtractive clustering,
    so the two are directly comparable. Yager & Filev's original kernel and
    threshold stop differ in detail (see the notebook, "Reading the paper").

    Parameters
    ----------
    ra, squash_factor, accept_ratio, reject_ratio, bounds, max_centres, record, record_every
        As for :class:`SubtractiveClustering`.
    grid_points : int, default=None
        Nodes per axis ``g``; None takes the largest ``g <= 41`` with
        ``g^d <= max_grid_nodes`` (41 in 2-D, 21 in 4-D).
    max_grid_nodes : int, default=200_000
        Refuse grids with more nodes than this (the cost grows as ``g^d``).

    Attributes
    ----------
    grid_ : ndarray of shape (g^d, n_features)
        The grid nodes, normalised (``potential0_`` is their potential).
    As for :class:`SubtractiveClustering` otherwise.
    """

    _candidate_set = "grid"

    def __init__(self, ra=0.5, *, squash_factor=1.5, accept_ratio=0.5, reject_ratio=0.15,
                 bounds=None, max_centres=None, grid_points=None, max_grid_nodes=200_000,
                 record="full", record_every=1):
        super().__init__(ra=ra, squash_factor=squash_factor, accept_ratio=accept_ratio,
                         reject_ratio=reject_ratio, bounds=bounds, max_centres=max_centres,
                         record=record, record_every=record_every)
        self.grid_points = grid_points
        self.max_grid_nodes = max_grid_nodes

    def _candidates(self, X_unit):
        d = X_unit.shape[1]
        limit = check_int(self.max_grid_nodes, "max_grid_nodes", minimum=2)
        if self.grid_points is None:
            g = min(41, int(np.floor(limit ** (1.0 / d) + 1e-9)))
            if g < 2:
                raise ValueError(
                    f"Mountain clustering in {d} dimensions needs at least 2**{d} = {2**d} grid "
                    f"nodes, more than max_grid_nodes={limit}."
                )
        else:
            g = check_int(self.grid_points, "grid_points", minimum=2)
            if g**d > limit:
                raise ValueError(
                    f"grid_points={g} in {d} dimensions gives {g}**{d} = {g**d} grid nodes, more "
                    f"than max_grid_nodes={limit}."
                )
        axis = np.linspace(0.0, 1.0, g)
        self.grid_ = np.stack(np.meshgrid(*[axis] * d, indexing="ij"), axis=-1).reshape(-1, d)
        return self.grid_


# ---------------------------------------------------------------------------
# Fuzzy c-means
# ---------------------------------------------------------------------------

def fuzzy_memberships(X, centres, m):
    """Membership of every point in every cluster (fuzzy c-means).

    ``u_ik = 1 / sum_j (d_ik / d_jk)^(2/(m-1))``. A point at distance 0 from
    one or more centres belongs to those centres only, in equal shares.

    Returns
    -------
    ndarray of shape (n_samples, n_clusters)
        Rows sum to 1.
    """
    d2 = squared_distances(X, centres)
    zero = d2 == 0
    with np.errstate(divide="ignore"):
        inverse = d2 ** (-1.0 / (m - 1.0))
    hit = zero.any(axis=1)
    inverse[hit] = zero[hit]
    return inverse / inverse.sum(axis=1, keepdims=True)


@dataclass(frozen=True, eq=False, kw_only=True)
class FuzzyCMeansSnapshot(Snapshot):
    """One iteration of fuzzy c-means.

    Attributes
    ----------
    memberships : ndarray of shape (n_samples, n_clusters)
        ``u_ik`` for the centres of this frame (rows sum to 1); ``labels``
        is their argmax.
    previous_centers : ndarray of shape (n_clusters, n_features)
        The centres of the previous frame (equal to ``centers`` at frame 0).
    change : float
        ``max |U_t - U_(t-1)|``, the stopping criterion (NaN at frame 0).
    objective : float
        ``J_m = sum_ik u_ik^m ||x_k - v_i||^2``.
    """

    memberships: np.ndarray
    previous_centers: np.ndarray
    change: float
    objective: float

    view = "tutorcluster.views.subtractive.FuzzyCMeansView"


class FuzzyCMeans(ClusterMixin, SnapshotEstimator):
    """Fuzzy c-means (Bezdek), the WMSC paper's iterative baseline.

    Alternates the two conditions of a minimum of
    ``J_m = sum_ik u_ik^m ||x_k - v_i||^2``:

    * centres: ``v_i = sum_k u_ik^m x_k / sum_k u_ik^m``;
    * memberships: ``u_ik = 1 / sum_j (d_ik / d_jk)^(2/(m-1))``.

    It starts from random memberships (``U = default_rng(seed).random((c, N))``
    normalised over the clusters, as in the WMSC spec) and stops when no
    membership changes by more than ``tol``. Frame 0 shows the random
    memberships and their weighted means; each later frame is one iteration
    (new centres, then the memberships they give).

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters c.
    m : float, default=2.0
        The fuzzifier (> 1); the larger, the fuzzier.
    tol : float, default=1e-5
        Stop when ``max |U_t - U_(t-1)| < tol``.
    max_iter : int, default=300
        The largest number of iterations.
    random_state : int, Generator or None, default=None
        Seeds the initial memberships.
    record_every : int, default=1
        Keep every n-th snapshot in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    memberships_ : ndarray of shape (n_samples, n_clusters)
        The memberships for the final centres.
    labels_ : ndarray of shape (n_samples,)
        The cluster of largest membership (the same as ``predict``).
    objective_ : float
        ``J_m`` at the end.
    n_iter_ : int
        Iterations run.
    history_ : tuple of FuzzyCMeansSnapshot
    """

    def __init__(self, n_clusters=8, *, m=2.0, tol=1e-5, max_iter=300, random_state=None,
                 record_every=1):
        self.n_clusters = n_clusters
        self.m = m
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state
        self.record_every = record_every

    def _iterate(self, X, y=None):
        X = check_X(self, X)
        c = check_n_clusters(self.n_clusters, X.shape[0])
        m = check_real(self.m, "m", low=1, low_inclusive=False)
        tol = check_real(self.tol, "tol", low=0)
        max_iter = check_int(self.max_iter, "max_iter", minimum=1)
        rng = check_rng(self.random_state)

        def centres_of(U):
            weights = U.T ** m  # (c, N)
            return (weights @ X) / weights.sum(axis=1, keepdims=True)

        def objective(U, V):
            return float(((U ** m) * squared_distances(X, V)).sum())

        # Start: random memberships, normalised over the clusters.
        U = rng.random((c, X.shape[0])).T
        U /= U.sum(axis=1, keepdims=True)
        V = centres_of(U)
        yield FuzzyCMeansSnapshot(
            iteration=0, centers=V, previous_centers=V, labels=np.argmax(U, axis=1),
            memberships=U, change=float("nan"), objective=objective(U, V),
            caption=f"Start: random memberships for {c} clusters; the centres are their "
                    f"weighted means (u^{m:g}).",
        )
        iteration = 0
        for iteration in range(1, max_iter + 1):
            # Step 1: centres are the u^m-weighted means; step 2: new memberships.
            V_old, V = V, centres_of(U)
            U_new = fuzzy_memberships(X, V, m)
            change = float(np.abs(U_new - U).max())
            U = U_new
            yield FuzzyCMeansSnapshot(
                iteration=iteration, centers=V, previous_centers=V_old,
                labels=np.argmax(U, axis=1), memberships=U, change=change,
                objective=objective(U, V),
                caption=f"Iteration {iteration}: centres = u^{m:g}-weighted means, then new "
                        f"memberships; max change {change:.2e}"
                        + (f" < tol {tol:g}: converged." if change < tol else "."),
            )
            if change < tol:
                break

        self.cluster_centers_ = V
        self.memberships_ = U
        self.labels_ = np.argmax(U, axis=1)
        self.objective_ = objective(U, V)
        self.n_iter_ = iteration

    def predict(self, X):
        """The cluster of largest membership for each row of ``X``."""
        X = check_fitted_X(self, X)
        return np.argmax(fuzzy_memberships(X, self.cluster_centers_, self.m), axis=1)

    def predict_memberships(self, X):
        """The memberships of each row of ``X`` (rows sum to 1)."""
        X = check_fitted_X(self, X)
        return fuzzy_memberships(X, self.cluster_centers_, self.m)
