"""Plausible wrong answers to the exercises of notebooks/01-centnn.ipynb.

Each value replaces the text between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` of the answer cell with that grade_id; the check cell
after it must then raise an AssertionError.
"""

WRONG = {
    "01-centnn-splits": [
        "prediction = 12\n",          # the number of neurons, not of splits
        "prediction = 11\n",          # off by one: as if the run started from one neuron
        "prediction = 9\n",           # off by one the other way
    ],
    "01-centnn-move-gain": [
        # CentNN's own test: the plain difference of squared distances, no factors.
        "    return ((x - w_j) ** 2).sum() - ((x - w_i) ** 2).sum()\n",
        # The two factors swapped.
        "    return N_j / (N_j - 1) * ((x - w_j) ** 2).sum() - N_i / (N_i + 1) * ((x - w_i) ** 2).sum()\n",
        # Plain (unsquared) distances.
        "    return N_j / (N_j + 1) * np.sqrt(((x - w_j) ** 2).sum()) - N_i / (N_i - 1) * np.sqrt(((x - w_i) ** 2).sum())\n",
        # A sign flip.
        "    return N_i / (N_i - 1) * ((x - w_i) ** 2).sum() - N_j / (N_j + 1) * ((x - w_j) ** 2).sum()\n",
    ],
    "01-centnn-no-forgetting": [
        # The unchanged rule: the loser still forgets (Eq. 4).
        "    W[j] += (x - W[j]) / (N[j] + 1)\n    N[j] += 1\n    W[i] -= (x - W[i]) / (N[i] - 1)\n    N[i] -= 1\n",
        # The loser's count is not decremented.
        "    W[j] += (x - W[j]) / (N[j] + 1)\n    N[j] += 1\n",
        # Gain 1/N instead of 1/(N + 1).
        "    W[j] += (x - W[j]) / N[j]\n    N[j] += 1\n    N[i] -= 1\n",
    ],
    "01-centnn-order-spread": [
        # The natural order five times: no spread at all.
        "digits = load_digits().data\n"
        "energies = [tc.CentNN(n_clusters=10, record_every=0).fit(digits).inertia_ for seed in range(5)]\n"
        "spread, lowest = max(energies) - min(energies), min(energies)\n",
        # Seeds 1 to 5 instead of 0 to 4.
        "digits = load_digits().data\n"
        "energies = [tc.CentNN(n_clusters=10, shuffle=True, random_state=seed, record_every=0).fit(digits).inertia_\n"
        "            for seed in range(1, 6)]\n"
        "spread, lowest = max(energies) - min(energies), min(energies)\n",
        # The largest energy reported as the lowest.
        "digits = load_digits().data\n"
        "energies = [tc.CentNN(n_clusters=10, shuffle=True, random_state=seed, record_every=0).fit(digits).inertia_\n"
        "            for seed in range(5)]\n"
        "spread, lowest = max(energies) - min(energies), max(energies)\n",
    ],
}
