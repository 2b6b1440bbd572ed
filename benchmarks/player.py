"""How fast the player draws a frame, and how soon a kernel-free player is ready.

For every view, at 2,000 points (d = 2), the time to draw one frame as the
player does it: the view updates its artists, the figure is drawn (by
blitting: the cached background plus the artists the view updates; or in
full, as before blitting) and encoded as PNG. Goal: 16 ms (one 60 Hz frame).

Then the time from ``scrub(...)`` being called to the widget being ready
for a 100-frame history: the kernel-free player renders all its frames
then (goal: under 1 s), the kernel-driven one only the first.

Run: python benchmarks/player.py (BENCH_QUICK=1 for 300 points).
"""

import re
import time
import warnings

import numpy as np
from sklearn.datasets import make_blobs

import tutorcluster as tc
from tutorcluster.views.centnn import CentNNProgressView
from tutorcluster.views.subtractive import LandscapeView
from tutorcluster.widgets import Stage

from _timing import RESULTS, machine, quick, write_section

N = 300 if quick() else 2000
MAX_FRAMES = 30  # frames timed per view (spread over the history)


def cases():
    return {
        "KMeans (KMeansView)": (tc.KMeans(6, init="random", random_state=0), None),
        "CentNN (CentNNView)": (tc.CentNN(6), None),
        "CentNN (CentNNProgressView)": (tc.CentNN(6), CentNNProgressView),
        "BatchSOM (SOMView)": (tc.BatchSOM(max_epochs=20, decay_epochs=10, random_state=0), None),
        "AMSOM (SOMView)": (tc.AMSOM(max_epochs=20, decay_epochs=10, t_add=5, age_max=5,
                                     phase3_max_epochs=5, random_state=0), None),
        "ARKMeans (RepulsionView)": (tc.ARKMeans(10, random_state=0), None),
        "KPrimeMeans (KPrimeView)": (tc.KPrimeMeans(10, random_state=0), None),
        "FNMeans (FNMeansView)": (tc.FNMeans(), None),
        "WMSC (SubtractiveView)": (tc.WeightedMeanSubtractiveClustering(0.5), None),
        "SC (LandscapeView)": (tc.SubtractiveClustering(0.5), LandscapeView),
        "FuzzyCMeans (FuzzyCMeansView)": (tc.FuzzyCMeans(6, random_state=0), None),
    }


def frame_ms(stage, frames):
    """Median milliseconds of draw + render + PNG over ``frames`` (interleaved caller)."""
    times = []
    for frame in frames:
        start = time.perf_counter()
        stage.draw(int(frame))
        stage.render_png()
        times.append(time.perf_counter() - start)
    return 1000 * np.median(times)


def main():
    warnings.simplefilter("ignore")
    X, y = make_blobs(n_samples=N, centers=6, cluster_std=1.5, random_state=0)
    rows = ["| view | frames | blitted artists | blitted ms | full draw ms | speed-up |",
            "|---|---:|---:|---:|---:|---:|"]
    for name, (model, view) in cases().items():
        model.fit(X)
        blit = Stage([model], X, y, view=view)
        full = Stage([model], X, y, view=view, blit=False)
        frames = np.unique(np.linspace(0, blit.n_frames - 1, min(MAX_FRAMES, blit.n_frames)).astype(int))
        b, f = [], []
        for _ in range(3):  # interleaved rounds
            b.append(frame_ms(blit, frames))
            f.append(frame_ms(full, frames))
        b, f = np.median(b), np.median(f)
        rows.append(f"| {name} | {blit.n_frames} | {len(blit.animated)} | {b:.1f} | {f:.1f} | "
                    f"{f / b:.1f}x |")
        print(rows[-1])

    # Time to a ready player for a 100-frame history (k-means snapshots cycled).
    model = tc.KMeans(6, init="random", random_state=0).fit(X)
    frames = [model.history_[i % len(model.history_)] for i in range(100)]
    ready = {"kernel-free (renders 100 frames)": [], "kernel-driven (renders 1 frame)": []}
    for _ in range(3):
        for label, prerender in zip(ready, ("auto", False)):
            start = time.perf_counter()
            player = tc.scrub(frames, X, prerender=prerender)
            ready[label].append(time.perf_counter() - start)
            assert player.kernel_free == (prerender == "auto")
    png_bytes = sum(len(image.value) for image in tc.scrub(frames, X).images.children)
    ready_rows = ["| player | median s to ready |", "|---|---:|"]
    ready_rows += [f"| {label} | {np.median(t):.2f} |" for label, t in ready.items()]

    text = (f"Machine: {machine()}; loaded (2 cores shared by 8 helpers), so absolute times are "
            f"inflated; the ratios come from interleaved rounds.\n\n"
            f"### Time per frame at {N} points (draw + render + PNG, dpi 100, median over "
            f"up to {MAX_FRAMES} frames, 3 interleaved rounds). Goal: 16 ms.\n\n"
            + "\n".join(rows)
            + f"\n\n### Time to a ready player, 100-frame k-means history at {N} points "
            f"(goal under 1 s)\n\n" + "\n".join(ready_rows)
            + f"\n\nThe 100 pre-rendered frames weigh {png_bytes / 2**20:.1f} MB of PNG "
            f"(budget 40 MB, 300 frames).\n")
    previous = (RESULTS / "player.md").read_text() if (RESULTS / "player.md").exists() else ""
    browser = re.search(r"<!-- browser -->.*<!-- /browser -->", previous, flags=re.S)
    if browser:  # the browser test's section (tests/browser) is kept
        text += "\n" + browser.group(0) + "\n"
    write_section("player", "Player: frame drawing and time to first frame", text)


if __name__ == "__main__":
    main()
