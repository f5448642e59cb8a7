"""`linscratch make-data`: a synthetic data set written to a file chunk by chunk, never held in
memory whole: y = Xw + b + noise, X standard normal, w the book's for two features (drawn as
`train` draws it otherwise), b = 4.2. `--corrupt F` adds CORRUPT_SHIFT to the labels of a
fraction F of the rows, each chosen with probability F from the same generator after its
chunk's noise (no draw at all when F is 0, so that files without it are as they were): a few
wrong labels, to show what they do to the squared loss's fit and not to Huber's."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from linscratch import __version__
from linscratch.data import destinations, formats
from linscratch.i18n import Words, counted, tr
from linscratch.spec import SEED_TRUE_B, SYNTHETIC_DEFAULTS, default_true_w

CHUNK_ROWS = 1 << 20
CORRUPT_SHIFT = 20.0  # added to a corrupted label: far outside the book's noise (0.01)


def chunks(n: int, d: int, w: np.ndarray, b: float, noise: float, seed: int, dtype, corrupt=0.0):
    """Blocks of rows [X y] (m, d + 1), from numpy's PCG64 seeded with `seed`; the labels of
    a fraction `corrupt` of the rows moved up by CORRUPT_SHIFT."""
    rng = np.random.default_rng(seed)
    for start in range(0, n, CHUNK_ROWS):
        m = min(CHUNK_ROWS, n - start)
        block = np.empty((m, d + 1), dtype=dtype)
        block[:, :d] = rng.standard_normal((m, d), dtype=np.float32)
        block[:, d] = block[:, :d].astype(np.float64) @ w + b + noise * rng.standard_normal(m)
        if corrupt > 0:
            block[rng.random(m) < corrupt, d] += CORRUPT_SHIFT
        yield block


def run(args) -> int:
    from linscratch.cli.json_report import dumps  # start-up: not every run needs it
    from linscratch.resources import (  # start-up: not every run needs it
        require_disk,
        require_memory,
    )
    from linscratch.train.loop import draw_seed  # start-up: not every run needs it

    options = vars(args)
    out_path, force = options["out"], options.get("force", False)
    destinations.check(out_path, "out", force, tuple(formats.written_suffixes()))
    seed = options.get("seed")
    seed = draw_seed() if seed is None else seed
    n, d = options["num_examples"], options.get("num_features", SYNTHETIC_DEFAULTS["num_features"])
    noise = options.get("noise", SYNTHETIC_DEFAULTS["noise"])
    dtype = np.dtype(options.get("dtype", "float32"))
    corrupt = options.get("corrupt") or 0.0
    rows = min(n, CHUNK_ROWS)  # a chunk: float32 draws, the block, float64 products
    require_memory(
        rows * (d + 1) * (4 + dtype.itemsize + 8),
        Words("rows of {d:,} features", d=d),
        "num_features",
    )
    require_disk(
        Path(out_path).parent,
        n * (d + 1) * dtype.itemsize,
        Words("{n:,} rows x {columns:,} columns", n=n, columns=d + 1),
        "out",
    )
    w = np.asarray(default_true_w(d, seed), dtype=np.float64)
    with destinations.atomic_path(out_path, force, "out") as tmp:
        blocks = chunks(n, d, w, SEED_TRUE_B, noise, seed, dtype, corrupt)
        formats.of(Path(out_path)).write(tmp, blocks, n, d, dtype)
    report = {
        "command": "make-data",
        "version": __version__,
        "out": out_path,
        "rows": n,
        "features": d,
        "seed": seed,
        "true_w": w.tolist(),
        "true_b": SEED_TRUE_B,
        "noise": noise,
        "dtype": str(dtype),
        "corrupt": corrupt,
    }
    if options.get("json"):
        print(dumps(report))
    else:
        line = tr("wrote {rows} x {features} and the target to {path} (seed {seed})")
        rows, features = (
            counted(n, "{n:,} row", "{n:,} rows"),
            counted(d, "{n:,} feature", "{n:,} features"),
        )
        print(line.format(rows=rows, features=features, path=out_path, seed=seed))
    return 0
