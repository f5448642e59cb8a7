"""Benchmark: what the live plot costs a run of the book's experiment, in a real Jupyter kernel.

Times `fit(features, labels, live=True)` against the same `fit` without it (1,000 rows, two
features, batch 10, 3 epochs; and 30 epochs, where the plot redraws several times), alternating
the two so that a noisy machine slows both alike; reports medians and their ratio. The target
(issue 12): a live-plotted run costs less than twice the plain one.

    uv run python benchmarks/live_plot.py
"""

from __future__ import annotations

import json

import nbformat
from nbclient import NotebookClient

CELL = """
import json, statistics, time, torch, linscratch
g = torch.Generator().manual_seed(0)
true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
features, labels = linscratch.synthetic_data(true_w, true_b, 1000, 0.01, g)
settings = dict(seed=0, true_w=true_w, true_b=true_b)
linscratch.fit(features, labels, live=True, **settings)  # warm: imports, first display
figures = {}
for epochs in (3, 30):
    times = {False: [], True: []}
    for _ in range(REPS):
        for live in (False, True):
            start = time.perf_counter()
            linscratch.fit(features, labels, num_epochs=epochs, live=live, **settings)
            times[live].append(time.perf_counter() - start)
    figures[epochs] = {str(k): statistics.median(v) for k, v in times.items()}
print("RESULT " + json.dumps(figures))
"""


def main(reps: int = 15) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELL.replace("REPS", str(reps)))]
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")
    figures = json.loads(text.split("RESULT ", 1)[1])
    print("| epochs | plain fit (s) | fit(live=True) (s) | ratio |")
    print("|---:|---:|---:|---:|")
    for epochs, t in figures.items():
        plain, live = t["False"], t["True"]
        print(f"| {epochs} | {plain:.4f} | {live:.4f} | {live / plain:.2f} |")


if __name__ == "__main__":
    main()
