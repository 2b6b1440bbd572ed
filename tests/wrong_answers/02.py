"""Plausible wrong answers for the exercises of notebooks/02-amsom.ipynb.

Each entry replaces the text between the solution markers of the answer cell
named by its grade_id; the notebook's own check cell must reject every one.
"""

WRONG = {
    "02-first-removal": [
        "first_removal = 30",     # age_max itself: an edge of age 30 is not cut yet
        "first_removal = 1",      # the first epoch
        "first_removal = 60",     # two periods of age_max
    ],
    "02-summed-errors": [
        # squared distances instead of plain ones
        "    best, _ = amsom.best_two_units(X, weights)\n"
        "    distance = np.sum((X - weights[best]) ** 2, axis=1)\n"
        "    return np.bincount(best, weights=distance, minlength=len(weights))",
        # the mean instead of the sum
        "    best, _ = amsom.best_two_units(X, weights)\n"
        "    distance = np.linalg.norm(X - weights[best], axis=1)\n"
        "    counts = np.bincount(best, minlength=len(weights))\n"
        "    return np.bincount(best, weights=distance, minlength=len(weights)) / np.maximum(counts, 1)",
        # the second-best unit's distances
        "    _, second = amsom.best_two_units(X, weights)\n"
        "    distance = np.linalg.norm(X - weights[second], axis=1)\n"
        "    return np.bincount(second, weights=distance, minlength=len(weights))",
        # forgot minlength: one number per winning neuron only
        "    best, _ = amsom.best_two_units(X, weights)\n"
        "    distance = np.linalg.norm(X - weights[best], axis=1)\n"
        "    return np.bincount(best, weights=distance)[:len(weights) - 1]",
    ],
    "02-wide-kernel": [
        # the package's reading, not the wide one
        "    squared = ((weights[:, None, :] - weights[None, :, :]) ** 2).sum(axis=2)\n"
        "    return np.exp(-squared / (gamma * sigma))",
        # plain distance instead of squared
        "    distance = np.sqrt(((weights[:, None, :] - weights[None, :, :]) ** 2).sum(axis=2))\n"
        "    return np.exp(-distance / (2 * gamma ** 2 * sigma ** 2))",
        # gamma not squared
        "    squared = ((weights[:, None, :] - weights[None, :, :]) ** 2).sum(axis=2)\n"
        "    return np.exp(-squared / (2 * gamma * sigma ** 2))",
        # a sign flip
        "    squared = ((weights[:, None, :] - weights[None, :, :]) ** 2).sum(axis=2)\n"
        "    return np.exp(squared / (2 * gamma ** 2 * sigma ** 2))",
    ],
    "02-spread-factor": [
        "c = 1",      # the unchanged data
        "c = 10",     # errors grow: still far above GT
        "c = 0",      # not a positive factor
    ],
}
