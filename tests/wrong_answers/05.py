"""Plausible wrong answers for the exercises of notebooks/05-wmsc.ipynb.

Each replacement stands for the text between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` of the answer cell named by its key; the check cell
after it must reject every one.
"""

WRONG = {
    "05-squash": [
        "n_centres_narrow = 2\n",        # the unchanged default's answer
        "n_centres_narrow = 4\n",        # off by one
    ],
    "05-eq4": [
        # the plain mean, no weights
        "    neighbourhood = np.flatnonzero(np.linalg.norm(Xn - Xn[i], axis=1) < ra)\n"
        "    return neighbourhood, Xn[neighbourhood].mean(axis=0)\n",
        # squared distances compared with ra (not ra**2): a smaller ball
        "    neighbourhood = np.flatnonzero(((Xn - Xn[i]) ** 2).sum(axis=1) < ra / 2)\n"
        "    w = P[neighbourhood] / P[neighbourhood].sum()\n"
        "    return neighbourhood, w @ Xn[neighbourhood]\n",
        # weights squared
        "    neighbourhood = np.flatnonzero(np.linalg.norm(Xn - Xn[i], axis=1) < ra)\n"
        "    w = P[neighbourhood] ** 2 / (P[neighbourhood] ** 2).sum()\n"
        "    return neighbourhood, w @ Xn[neighbourhood]\n",
        # the candidate alone (SC)
        "    return np.array([i]), Xn[i].copy()\n",
    ],
    "05-mean-shift": [
        # always averages around the start: one step, repeated
        "    c = np.asarray(start, dtype=float)\n"
        "    inside = np.linalg.norm(Xn - c, axis=1) < ra\n"
        "    for _ in range(n_steps):\n"
        "        c = P[inside] @ Xn[inside] / P[inside].sum()\n"
        "    return c\n",
        # unweighted mean shift
        "    c = np.asarray(start, dtype=float)\n"
        "    for _ in range(n_steps):\n"
        "        inside = np.linalg.norm(Xn - c, axis=1) < ra\n"
        "        c = Xn[inside].mean(axis=0)\n"
        "    return c\n",
        # one step too few
        "    c = np.asarray(start, dtype=float)\n"
        "    for _ in range(n_steps - 1):\n"
        "        inside = np.linalg.norm(Xn - c, axis=1) < ra\n"
        "        c = P[inside] @ Xn[inside] / P[inside].sum()\n"
        "    return c\n",
    ],
    "05-grid": [
        "smallest_g = 5\n",               # the first grid tried
        "smallest_g = 11\n",              # where k first drops (to 4)
        "smallest_g = 20\n",              # not one of GRIDS
    ],
    "05-purity": [
        # matched accuracy instead of purity
        "    return 100.0 * tc.metrics.clustering_accuracy(y, labels)\n",
        # a fraction, not a percentage
        "    table = tc.metrics.contingency(y, labels)\n"
        "    return table.max(axis=1).sum() / table.sum()\n",
        # majority over the wrong axis (each class takes its majority cluster)
        "    table = tc.metrics.contingency(y, labels)\n"
        "    return 100.0 * table.max(axis=0).sum() / table.sum()\n",
    ],
}
