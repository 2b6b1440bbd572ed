"""Plausible wrong answers for the exercises of notebook 03 (ARK-means).

The shared mutation test swaps each replacement in for the text between the
solution markers and checks that the check cell rejects it.
"""

WRONG = {
    "03-first-survivors": [
        "prediction_survivors = 40\n",          # every start survives
        "prediction_survivors = 4\n",           # one per blob
        "prediction_survivors = 7\n",           # off by one
    ],
    "03-ark-masses": [
        # J * N without the root
        "    J = np.bincount(labels, weights=((X - centroids[labels]) ** 2).sum(axis=1), minlength=len(centroids))\n"
        "    N = np.bincount(labels, minlength=len(centroids))\n"
        "    return J * N\n",
        # the plain norm of Eq. 4 instead of the squared distance
        "    J = np.bincount(labels, weights=np.sqrt(((X - centroids[labels]) ** 2).sum(axis=1)), minlength=len(centroids))\n"
        "    N = np.bincount(labels, minlength=len(centroids))\n"
        "    return np.sqrt(J * N)\n",
        # the root mean error sqrt(J / N) instead of sqrt(J N)
        "    J = np.bincount(labels, weights=((X - centroids[labels]) ** 2).sum(axis=1), minlength=len(centroids))\n"
        "    N = np.bincount(labels, minlength=len(centroids))\n"
        "    return np.sqrt(J / N)\n",
    ],
    "03-equal-masses": [
        # the unchanged force law, masses and all
        "    return repulsion(centroids, masses, C)\n",
        # 1/r^2 instead of 1/r^3 on the difference vector
        "    diff = centroids[:, None, :] - centroids[None, :, :]\n"
        "    r = np.sqrt((diff ** 2).sum(axis=-1))\n"
        "    heavy = masses > 0\n"
        "    weight = np.zeros_like(r)\n"
        "    np.power(r, -2.0, out=weight, where=(r > 0) & heavy[None, :])\n"
        "    D = C * np.einsum(\"kj,kjd->kd\", weight, diff)\n"
        "    D[~heavy] = 0.0\n"
        "    return D\n",
        # attraction instead of repulsion (sign flip)
        "    diff = centroids[None, :, :] - centroids[:, None, :]\n"
        "    r = np.sqrt((diff ** 2).sum(axis=-1))\n"
        "    heavy = masses > 0\n"
        "    weight = np.zeros_like(r)\n"
        "    np.power(r, -3.0, out=weight, where=(r > 0) & heavy[None, :])\n"
        "    D = C * np.einsum(\"kj,kjd->kd\", weight, diff)\n"
        "    D[~heavy] = 0.0\n"
        "    return D\n",
        # forgets that a zero-mass cluster neither pushes nor is pushed
        "    diff = centroids[:, None, :] - centroids[None, :, :]\n"
        "    r = np.sqrt((diff ** 2).sum(axis=-1))\n"
        "    weight = np.zeros_like(r)\n"
        "    np.power(r, -3.0, out=weight, where=r > 0)\n"
        "    return C * np.einsum(\"kj,kjd->kd\", weight, diff)\n",
    ],
    "03-scale-threshold": [
        "first_factor = 1\n",                   # the unchanged default
        "first_factor = 3\n",                   # off by one step
        "first_factor = 0.5\n",                 # the other direction
    ],
    "03-push-ratio": [
        "    return scale ** (-2 / alpha)\n",   # forgets the 1/r^2 and the direction
        "    return scale ** (-3)\n",           # the alpha = 2 value for every alpha
        "    return scale ** (2 / alpha + 2)\n",  # sign flip
    ],
}
