"""Plausible wrong answers for the exercises of notebook 04 (FN-means + PNN).

Each entry replaces the text between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` of the answer
cell with that grade_id; the check cell after it must then raise an AssertionError.
"""

WRONG = {
    "04-predict-levels": [
        "predicted_clusters = [4, 2, 1]",   # counts the one-graph top as a level
        "predicted_clusters = [8, 4, 2]",   # every point its own cluster at level 1
        "predicted_clusters = [4, 1]",      # right number of levels, wrong count
        "predicted_clusters = [2, 2]",      # merges each half of the line at once
    ],
    "04-first-neighbours": [
        # no self-exclusion: every row is its own nearest row
        "    D = ((V[:, None, :] - V[None, :, :]) ** 2).sum(axis=2)\n"
        "    return D.argmin(axis=1)",
        # ties to the highest index
        "    D = ((V[:, None, :] - V[None, :, :]) ** 2).sum(axis=2)\n"
        "    np.fill_diagonal(D, np.inf)\n"
        "    return len(V) - 1 - D[:, ::-1].argmin(axis=1)",
        # the farthest row instead of the nearest
        "    D = ((V[:, None, :] - V[None, :, :]) ** 2).sum(axis=2)\n"
        "    np.fill_diagonal(D, -np.inf)\n"
        "    return D.argmax(axis=1)",
        # a constant
        "    return np.zeros(len(V), dtype=int)",
    ],
    "04-cancer-beta": [
        "best_beta = 1",        # the paper's default, unchanged
        "best_beta = 0.05",     # the smallest radius
        "best_beta = 0.5",
        "best_beta = 2",        # not in BETAS_TRY
    ],
    "04-cosine": [
        # Euclidean first neighbours: the unchanged algorithm
        "    kappa, _ = first_neighbours(V)\n"
        "    return kappa",
        # normalised by columns instead of rows
        "    unit = V / np.linalg.norm(V, axis=0, keepdims=True)\n"
        "    kappa, _ = first_neighbours(unit)\n"
        "    return kappa",
        # the most distant direction
        "    unit = V / np.linalg.norm(V, axis=1, keepdims=True)\n"
        "    similarity = unit @ unit.T\n"
        "    np.fill_diagonal(similarity, np.inf)\n"
        "    return similarity.argmin(axis=1)",
    ],
}
