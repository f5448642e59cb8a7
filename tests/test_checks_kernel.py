"""The checking pass (`columns.scan`, with its compiled kernel `data/checks.pyx` for narrow
rows' squared norms): the same largest magnitudes, the same squared norms bit for bit as
numpy's reductions and `einsum` (computed here side by side), and the same first bad cell
named, for float32 and float64 rows of every narrow width and a wide one, strided as a
file's columns are."""

from pathlib import Path

import numpy as np
import pytest

from linscratch.data.checks import SEQUENTIAL, row_squares
from linscratch.data.columns import gathered, scan
from linscratch.errors import UsageError


def numpy_scan(arr):
    """The largest magnitudes and the rows' squared norms as numpy takes them (the reference)."""
    peaks = np.maximum(np.abs(arr.max(axis=0)), np.abs(arr.min(axis=0))).astype(np.float64)
    features = arr[:, :-1]
    return peaks, np.einsum("ij,ij->i", features, features).astype(np.float64)


def table(n, k, dtype, seed=0):
    rng = np.random.default_rng(seed)
    scales = rng.uniform(1e-3, 1e3, k)
    return (rng.standard_normal((n, k)) * scales + rng.normal(size=k) * scales).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 9, 40])
def test_the_numbers_numpy_gives(dtype, k):
    """Blocks of about 1 MiB (several here), a strided view: extremes and squares as numpy's."""
    wide = table(120_000, k + 2, dtype)
    arr = wide[:, 1 : k + 1]  # strided: a file's columns, not contiguous
    found = []
    peaks = scan(arr, [str(j) for j in range(k)], Path("t.npy"), squares=found)
    want_peaks, want_squares = numpy_scan(arr)
    np.testing.assert_array_equal(peaks, want_peaks)
    np.testing.assert_array_equal(gathered(found), want_squares)


def test_sequential_is_einsums_order_up_to_its_width():
    """The premise of `SEQUENTIAL`: at that width einsum sums one feature after the other."""
    for dtype, width in SEQUENTIAL.items():
        for d in range(1, width + 1):
            arr = table(50_000, d + 1, dtype, seed=d)
            squares = np.full(len(arr), np.nan)
            row_squares(arr, d, squares)
            np.testing.assert_array_equal(squares, numpy_scan(arr)[1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_the_first_bad_cell_named(dtype, bad):
    arr = table(200_000, 3, dtype)
    arr[150_001, 2] = bad  # a later cell, then the first one
    arr[150_000, 1] = bad
    with pytest.raises(UsageError) as caught:
        scan(arr, ["a", "b", "c"], Path("t.npy"), offset=10, squares=[])
    text = str(caught.value)
    assert "column 'b', row 150011" in text, text


def test_integers_and_other_byte_orders_through_numpy():
    """Rows the kernel does not read (integers, big-endian floats) give numpy's numbers."""
    for arr in (np.arange(30).reshape(10, 3) - 7, table(1000, 3, ">f4")):
        found = []
        peaks = scan(arr, ["a", "b", "c"], Path("t.npy"), squares=found)
        want_peaks, want_squares = numpy_scan(arr)
        np.testing.assert_array_equal(peaks, want_peaks)
        np.testing.assert_array_equal(gathered(found), want_squares)


def test_no_rows():
    assert scan(np.empty((0, 3), np.float32), ["a", "b", "c"], Path("t.npy")).tolist() == [0] * 3
