"""The live plot's SVG renderer: round ticks, readable labels, every point it is given (or
every k-th of a long line), nothing it cannot place, and text that cannot break the document."""

import xml.etree.ElementTree as ET

import numpy as np

from linscratch.show import svg

NS = "{http://www.w3.org/2000/svg}"


def test_ticks_are_round_numbers_inside_the_range():
    assert svg.ticks(0.0, 3.0, log=False) == [0.0, 1.0, 2.0, 3.0]
    assert svg.ticks(-3.4, 4.2, log=False) == [-2.0, 0.0, 2.0, 4.0]
    assert svg.ticks(-4.5, 1.2, log=True) == [-4.0, -3.0, -2.0, -1.0, 0.0, 1.0]  # log10 units
    assert svg.ticks(-12.5, 1.2, log=True) == [-12.0, -9.0, -6.0, -3.0, 0.0]  # at most 6
    short = svg.ticks(np.log10(2.0), np.log10(3.0), log=True)  # less than a decade
    assert all(np.log10(2.0) <= t <= np.log10(3.0) for t in short) and len(short) >= 2


def test_labels():
    assert svg.label(-4.0, log=True) == "10⁻⁴" and svg.label(0.0, log=True) == "10⁰"
    assert svg.label(0.5, log=False) == "0.5" and svg.label(np.log10(2), log=True) == "2"


def test_a_long_line_is_thinned_and_unplaceable_points_are_left_out():
    x = np.arange(10_000.0)
    y = np.where(x % 7 == 0, np.nan, x + 1.0)
    y[5] = -1.0  # not on a log axis
    doc = ET.fromstring(svg.figure([svg.Panel("x", "y", log=True, lines=[svg.Line(x, y)])]))
    (line,) = doc.iter(NS + "polyline")
    points = line.get("points").split()
    assert 1000 <= len(points) <= svg.MAX_POINTS
    assert all(np.isfinite(float(c)) for p in points for c in p.split(","))


def test_names_are_escaped_and_empty_panels_draw():
    name = 'a<b & "c"'
    doc = svg.figure(
        [svg.Panel("x", "y", lines=[svg.Line([0, 1], [2, 2], label=name)]), svg.Panel("x", "y")]
    )
    assert name in [t.text for t in ET.fromstring(doc).iter(NS + "text")]
