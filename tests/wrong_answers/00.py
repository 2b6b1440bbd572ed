"""Plausible wrong answers to the exercises of notebooks/00-introduction.ipynb.

Each replaces the text between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` of the
answer cell named by its grade_id; tests/test_exercises.py checks that the notebook's own
check cell rejects every one of them.
"""

WRONG = {
    "00-line-centres": [
        "final_centres = [0.5, 10.5, 20.5]",          # the best clustering, not where k-means stops
        "final_centres = [0.0, 1.0, 10.0]",           # the start
        "final_centres = [0.0, 5.5, 20.5]",           # one pair moved the wrong way
        "final_centres = [0.5, 15.5]",                # two centres
    ],
    "00-inertia": [
        "    return model.inertia_",                                           # a constant
        "    return float(np.sqrt(((X - centers[labels]) ** 2).sum(axis=1)).sum())",  # plain distances
        "    return float(((X - centers[labels]) ** 2).mean())",              # averaged
        "    return float(tc.distances.squared_distances(X, centers).min(axis=1).sum())",  # nearest, not labels
    ],
    "00-assign": [
        "    return ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmax(axis=1)",  # farthest
        "    return np.zeros(len(X), dtype=int)",                                               # a constant
        "    return np.abs(X[:, None, :] - centres[None, :, :]).sum(axis=2).argmin(axis=1)",   # city-block
        "    return ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=1).argmin(axis=1)",  # wrong axis
    ],
    "00-last-change": [
        "last_change = iris_model.n_iter_",          # the iteration that found no change
        "last_change = 0",
        "last_change = 5",
        "last_change = max(s.iteration for s in iris_model.history_ if s.step == 'assign') - 2",  # off by one
    ],
}
