"""Weight and gradient histograms, vanishing/exploding badges in the window, and the layer colours."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from colour_vision import CVD, delta_e
from window_helpers import wait_snapshot

from playground.core.snapshot import Snapshot, frozen_copy
from playground.ui.widgets.gradient_flow import LAYER_COLORS, layer_colors, layer_line_style, output_color
from playground.ui.widgets.gradient_histograms import BINS, GradientHistogramsView, symmetric_histogram
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


def test_histograms_show_each_layers_weights_and_gradients(qtbot, snapshots):
    view = GradientHistogramsView()
    qtbot.addWidget(view)
    s = snapshots["deep"]
    view.show_snapshot(s)
    view.throttle.flush()
    n = len(s.weights)
    assert [len(c) for c in view.curves] == [n, n]
    for i, (w, g) in enumerate(zip(s.weights, s.gradients, strict=True)):
        assert view.counts[0][i].sum() == w.size and view.scales[0][i] == np.abs(w).max()
        assert view.counts[1][i].sum() == g.size and view.scales[1][i] == np.abs(g).max()  # each its own scale
        top = view.curves[1][i].path().boundingRect()  # y grows upwards in the plot: bottom() is the top
        assert i < top.left() < top.right() < i + 1 and top.bottom() == 1.0  # in its slot, scaled to its height
        area = view.areas[1][i].path().boundingRect()
        assert (area.left(), area.right(), area.top()) == (top.left(), top.right(), 0.0)  # filled down to 0
        assert view.scale_labels[1][i].textItem.toPlainText() == f"±{np.abs(g).max():.2g}"
    view.show_snapshot(dataclasses.replace(s, gradients=()))  # e.g. a run that has not stepped
    view.throttle.flush()
    assert all(c.sum() == 0 for c in view.counts[1]) and "no gradients yet" in view.header.text()
    view.clear()
    assert view.curves == view.areas == [[], []]


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
