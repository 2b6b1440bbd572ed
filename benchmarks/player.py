"""Time one frame update of the player's k-means view at 2,000 points.

A frame update is what happens when the slider moves: the view sets its
artists' data, the figure is drawn by Agg and encoded as PNG for the
ipywidgets Image. Target: under 50 ms median on a 2-core machine.

Run: python benchmarks/player.py
"""

import time

import numpy as np
from sklearn.datasets import make_blobs

import tutorcluster as tc


def frame_times(player, repeats):
    """Seconds per frame update, cycling through every frame ``repeats`` times."""
    times = []
    n = player.stage.n_frames
    for r in range(repeats):
        for frame in range(n):
            target = (frame + 1) % n
            start = time.perf_counter()
            player.show(target)
            times.append(time.perf_counter() - start)
    return np.array(times)


def main():
    X, _ = make_blobs(n_samples=2000, centers=6, cluster_std=1.5, random_state=0)
    model = tc.KMeans(n_clusters=6, init="random", random_state=0).fit(X)
    print(f"k-means view, {len(X)} points, {len(model.history_)} frames")
    print(f"{'dpi':>5} {'median ms':>10} {'p95 ms':>8} {'artists only ms':>16}")
    for dpi in (80, 100, 120):
        player = tc.scrub(model, X, dpi=dpi)
        times = frame_times(player, repeats=5) * 1000
        view = player.stage.views[0]
        artist_times = []
        for snapshot in model.history_:
            start = time.perf_counter()
            view.draw(snapshot)
            artist_times.append(time.perf_counter() - start)
        print(f"{dpi:>5} {np.median(times):>10.1f} {np.percentile(times, 95):>8.1f} "
              f"{1000 * np.median(artist_times):>16.2f}")


if __name__ == "__main__":
    main()
