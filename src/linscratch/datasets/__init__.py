"""Real data sets shipped with linscratch, for trying it on a file and for its tests.

`longley`: J. W. Longley (1967), "An appraisal of least squares programs for the electronic
computer from the point of view of the user", JASA 62, 819-841; the US employment series
1947-1962, public domain, as distributed in NIST's Statistical Reference Datasets. Sixteen rows,
target TOTEMP (total employment), six nearly collinear features; the condition number of its
design matrix is about 5e9, the classic test of a least-squares solver.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DATASETS = {"longley": ("longley.csv", "TOTEMP")}


def path(name: str) -> Path:
    """The file of the shipped data set `name`."""
    return Path(str(resources.files(__name__).joinpath(DATASETS[name][0])))


def target(name: str) -> str:
    """The target column of the shipped data set `name`."""
    return DATASETS[name][1]
