"""Weight and gradient histograms, vanishing/exploding badges in the window, and the layer colours."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from colour_vision import CVD, delta_e
from PySide6.QtGui import QColor
from window_helpers import wait_snapshot

from playground.core.snapshot import Snapshot, frozen_copy
from playground.ui import theme
from playground.ui.widgets.gradient_flow import LAYER_COLORS, layer_colors, layer_line_style, output_color
from playground.ui.widgets.gradient_histograms import (
    BINS,
    SAMPLE,
    GradientHistogramsView,
    sample_indices,
    symmetric_histogram,
)
from playground.ui.widgets.preview import sample_snapshot


@pytest.fixture(scope="module")
def snapshots() -> dict[str, Snapshot]:
    return {"deep": sample_snapshot("binary", 6, (4, 4, 4, 4), grid_resolution=10),
            "binary": sample_snapshot("binary", 6, (4, 2), grid_resolution=10)}


def test_a_symmetric_histogram_counts_every_finite_value():
    values = np.array([[-2.0, 0.0, 0.5], [1.0, np.nan, np.inf]])
    edges, counts = symmetric_histogram(values)
    assert len(edges) == BINS + 1 and edges[0] == -2.0 and edges[-1] == 2.0
    assert counts.sum() == 4 and counts[BINS // 2] == 1  # 0 falls in the middle bin
    assert symmetric_histogram(np.zeros(3))[1].sum() == 3  # all zeros: a range of ±1


def test_histogram_counts_are_exact_up_to_the_sample_size():
    rng = np.random.default_rng(3)
    for values in (rng.normal(size=(64, 64)), rng.standard_cauchy(size=(8, 3)), rng.normal(size=SAMPLE) ** 3,
                   rng.normal(size=(4, 5)).astype(np.float32), np.array([0.0, 0.0, -1.5])):
        edges, counts = symmetric_histogram(values)
        m = float(np.abs(values).max())
        expected, expected_edges = np.histogram(values.astype(float), bins=BINS, range=(-m, m))
        assert edges == pytest.approx(expected_edges, rel=0, abs=1e-15) and edges[-1] == m
        assert counts.tolist() == expected.tolist()  # every value in its bin, m itself in the last


def test_a_big_layer_is_counted_from_a_fixed_sample_with_its_whole_range():
    rng = np.random.default_rng(4)
    values = rng.normal(size=(256, 256))
    outside = np.setdiff1d(np.arange(values.size), sample_indices(values.size, SAMPLE))[0]
    values.flat[outside] = 40.0  # the largest value, not in the sample
    edges, counts = symmetric_histogram(values)
    assert edges[-1] == 40.0 and counts.sum() == SAMPLE
    exact, _ = np.histogram(values, bins=BINS, range=(-40.0, 40.0))
    assert np.abs(counts / SAMPLE - exact / values.size).max() < 0.01  # the same shape
    assert counts.tolist() == symmetric_histogram(values.copy())[1].tolist()  # the same sample every draw


def test_histograms_show_each_layers_weights_and_gradients(qtbot, snapshots):
    view = GradientHistogramsView()
    qtbot.addWidget(view)
    s = snapshots["deep"]
    view.show_snapshot(s)
    view.throttle.flush()
    n = len(s.weights)
    assert [len(row.polygons) for row in view.rows] == [n, n]
    for i, (w, g) in enumerate(zip(s.weights, s.gradients, strict=True)):
        assert view.counts[0][i].sum() == w.size and view.scales[0][i] == np.abs(w).max()
        assert view.counts[1][i].sum() == g.size and view.scales[1][i] == np.abs(g).max()  # each its own scale
        x, y = view.rows[1].outline(i).T
        assert i < x.min() < x.max() < i + 1 and y.max() == 1.0 and y.min() == 0.0  # in its slot, scaled to it
        tops = y[1:-1:2]  # each bar's height: its count over the largest
        assert tops == pytest.approx(view.counts[1][i] / view.counts[1][i].max())
        assert view.rows[1].labels[i] == f"±{np.abs(g).max():.2g}"
    assert not view.sampled and "sample" not in view.toolTip()
    view.show_snapshot(dataclasses.replace(s, gradients=()))  # e.g. a run that has not stepped
    view.throttle.flush()
    assert all(c.sum() == 0 for c in view.counts[1]) and "no gradients yet" in view.header.text()
    assert view.rows[1].labels == [""] * n
    view.clear()
    assert [row.polygons for row in view.rows] == [[], []]


def test_a_big_layer_s_sample_is_said_in_the_tooltip(qtbot, snapshots):
    view = GradientHistogramsView()
    qtbot.addWidget(view)
    s = snapshots["binary"]
    big = np.ones((SAMPLE + 1, 1)) * 0.5
    view.show_snapshot(dataclasses.replace(s, weights=(frozen_copy(big), *s.weights[1:])))
    view.throttle.flush()
    assert view.sampled and f"sample of {SAMPLE:,}" in view.toolTip()
    assert view.counts[0][0].sum() == SAMPLE and view.scales[0][0] == 0.5
    view.show_snapshot(s)
    view.throttle.flush()
    assert not view.sampled and "sample" not in view.toolTip()


def test_the_histograms_paint(qtbot, snapshots):
    view = GradientHistogramsView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show_snapshot(snapshots["deep"])
    view.throttle.flush()
    image = view.graphics.grab().toImage()
    fill = QColor(LAYER_COLORS[0])  # the first layer's, 150/255 opaque on white
    blend = [round(150 / 255 * c + (1 - 150 / 255) * 255) for c in fill.getRgb()[:3]]
    seen = sum(max(abs(a - b) for a, b in zip(image.pixelColor(x, y).getRgb()[:3], blend, strict=True)) <= 3
               for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))
    assert seen > 20  # its bars are filled in its colour


def test_the_histograms_output_layer_and_labels_follow_the_theme(qtbot, snapshots):
    view = GradientHistogramsView()
    qtbot.addWidget(view)
    view.show_snapshot(snapshots["deep"])
    view.throttle.flush()
    try:
        theme.apply(theme.DARK, view)
        dark = theme.DARK.color("text")
        assert all(row.text_color.name() == dark and row._pens[-1].color().name() == dark for row in view.rows)
        assert len(view.rows[0].polygons) == len(snapshots["deep"].weights)  # still drawn
    finally:
        theme.apply(theme.LIGHT, view)
    assert view.rows[0].text_color.name() == theme.LIGHT.color("text")


def test_the_badges_show_in_both_views(qtbot, snapshots):
    view = GradientHistogramsView()
    qtbot.addWidget(view)
    s = snapshots["binary"]
    m = len(s.history.epochs)
    norms = np.tile([5e3, 1.0, 1.0], (m, 1))
    view.show_snapshot(dataclasses.replace(s, recent_grad_norms=frozen_copy(norms)))
    view.throttle.flush()
    assert [(b.layer, b.kind) for b in view.badges.warnings] == [(0, "exploding")]
    assert "lower learning rate" in view.badges.text()
    # without them (a snapshot from elsewhere): the history's last rows
    view.show_snapshot(dataclasses.replace(s, recent_grad_norms=None,
                                           history=dataclasses.replace(s.history, grad_norms=frozen_copy(norms))))
    view.throttle.flush()
    assert [(b.layer, b.kind) for b in view.badges.warnings] == [(0, "exploding")]


def test_the_window_has_the_histograms_beside_the_gradient_flow(qtbot, win):
    w, _ = win
    assert w.histograms_view in w.views
    assert any(a is w.histograms_dock.toggleViewAction() for m in w.menuBar().actions() if m.menu()
               for a in m.menu().actions())  # View menu
    assert w.histograms_dock in w.tabifiedDockWidgets(w.gradient_dock)
    w.histograms_dock.show()
    w.histograms_dock.raise_()
    w.step_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.epoch >= 1)
    n = len(w.spec.network.hidden) + 1
    qtbot.waitUntil(lambda: len(w.histograms_view.counts[1]) == n and w.histograms_view.counts[1][0].sum() > 0,
                    timeout=3000)


# ---------------------------------------------------------------------------- layer colours

@pytest.mark.parametrize("vision", list(CVD))
def test_consecutive_layers_differ_in_colour_also_with_colour_blindness(vision):
    colors = layer_colors(17)  # the deepest network: 16 hidden layers and the output
    pairs = list(zip(colors[:-1], colors[1:], strict=True))
    pairs += [(LAYER_COLORS[-1], LAYER_COLORS[0])]  # where the colours start again
    pairs += [(c, output_color()) for c in LAYER_COLORS]  # the output beside any hidden layer
    worst = min(delta_e(a, b, vision) for a, b in pairs)
    assert worst >= 20.0  # CIELAB ΔE: 2 is just noticeable, 20 is told apart at a glance


def test_repeated_colours_get_another_line_style():
    n = 17
    styles = [(layer_colors(n)[i], layer_line_style(i, n)) for i in range(n - 1)]
    assert len(set(styles)) == n - 1  # no two hidden layers share colour and style
    assert layer_colors(2) == [LAYER_COLORS[0], output_color()]
