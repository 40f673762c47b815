"""The live views: each shows binary, K-class and regression snapshots, shallow and deep nets, and hovers."""

from __future__ import annotations

import dataclasses
import gc
from itertools import pairwise

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication

from playground.core.snapshot import GridOutput, History, Snapshot, frozen_copy
from playground.ui import palette
from playground.ui.widgets.boundary_view import BoundaryView, lighten
from playground.ui.widgets.gradient_flow import GradientFlowView, layer_colors, layer_names, sample_rows, smooth_log
from playground.ui.widgets.loss_plot import LossPlot, format_value
from playground.ui.widgets.network_view import NetworkView
from playground.ui.widgets.preview import sample_snapshot
from playground.ui.widgets.weights_view import WeightsView, arrange_layers

VIEWS = (LossPlot, BoundaryView, WeightsView, GradientFlowView, NetworkView)
CASES = {
    "binary": ("binary", (6, 8)),
    "classes": ("classes", (5,)),
    "regression": ("regression", (4, 2)),
    "no_hidden": ("binary", ()),
    "deep": ("classes", (16,) * 8),
}


@pytest.fixture(autouse=True)
def delete_widgets_now():
    """After pytest-qt has closed this test's widgets: delete them and collect garbage here and now.

    Left to chance, Python's cycle collector frees pyqtgraph widgets at any allocation, e.g. in
    the middle of the next test's painting; a rare segfault in GraphicsView.paintEvent was seen so.
    """
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture(scope="module")
def snapshots() -> dict[str, Snapshot]:
    out = {name: sample_snapshot(kind, 6, hidden, grid_resolution=40) for name, (kind, hidden) in CASES.items()}
    out["untrained"] = sample_snapshot("binary", 0, (4, 2), grid_resolution=40)  # epoch 0: empty history
    out["no_grid"] = dataclasses.replace(out["binary"], grid=None)
    return out


def make(qtbot, cls, width: int = 640, height: int = 420, throttled: bool = False):
    """A shown view; unless ``throttled``, one that draws every snapshot at once (no frame-rate cap)."""
    w = cls()
    qtbot.addWidget(w)
    if not throttled and hasattr(w, "throttle"):
        w.throttle.max_fps = None
    w.resize(width, height)
    w.show()
    return w


def pixels(widget) -> np.ndarray:
    """The widget's rendering as (h, w) uint32 RGB."""
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    flat = np.frombuffer(img.constBits(), dtype=np.uint32, count=img.bytesPerLine() // 4 * img.height())
    return flat.reshape(img.height(), -1)[:, : img.width()].copy()


def with_grid(s: Snapshot, output: np.ndarray, predicted: np.ndarray | None = None) -> Snapshot:
    """``s`` with its grid's output replaced (same domain)."""
    g = s.grid
    grid = GridOutput(g.domain, output.shape[0], frozen_copy(output),
                      None if predicted is None else frozen_copy(predicted), g.neurons)
    return dataclasses.replace(s, grid=grid)


# ---------------------------------------------------------------------------- every view


@pytest.mark.parametrize("cls", VIEWS)
@pytest.mark.parametrize("case", [*CASES, "untrained"])
def test_view_draws_every_kind_of_snapshot_and_clears(qtbot, snapshots, cls, case):
    w = make(qtbot, cls, throttled=True)
    for _ in range(30):  # as the main window does at 30 frames per second
        w.show_snapshot(snapshots[case])
    if hasattr(w, "throttle"):
        qtbot.waitUntil(lambda: w.throttle._pending is None, timeout=2000)  # the last one drawn late
    QApplication.processEvents()
    drawn = pixels(w)
    w.clear()
    QApplication.processEvents()
    cleared = pixels(w)
    assert len(np.unique(drawn)) > 20, "the view renders blank"
    assert np.mean(drawn != cleared) > 0.005, "the snapshot's data does not show"
    w.show_snapshot(snapshots[case])  # usable again after clear()


@pytest.mark.parametrize("cls", VIEWS)
def test_view_takes_snapshots_without_grid_or_history(qtbot, snapshots, cls):
    w = make(qtbot, cls)
    w.show_snapshot(snapshots["no_grid"])  # the worker may skip the grid to save time
    w.show_snapshot(snapshots["untrained"])
    w.show_snapshot(snapshots["no_grid"])


@pytest.mark.parametrize("cls", [LossPlot, WeightsView, GradientFlowView])
def test_secondary_views_cap_their_frame_rate_but_draw_the_latest(qtbot, snapshots, cls, view_clock):
    w = make(qtbot, cls, throttled=True)
    w.throttle.max_fps = 20  # 50 ms apart, on the test's clock: the calls below come at one instant
    drawn: list[Snapshot] = []
    w.throttle.draw = lambda s, draw=w.throttle.draw: (drawn.append(s), draw(s))
    first, second, third = snapshots["binary"], snapshots["classes"], snapshots["regression"]
    w.show_snapshot(first)
    w.show_snapshot(second)  # too soon: held, then replaced by the next
    w.show_snapshot(third)
    assert drawn == [first]
    view_clock.advance(0.05)  # its turn has come: the held one is drawn
    qtbot.waitUntil(lambda: len(drawn) == 2, timeout=3000)
    assert drawn[1] is third
    w.show_snapshot(first)  # just after a draw: held
    assert len(drawn) == 2
    w.clear()  # ... and dropped with the rest: nothing is left to draw
    w.throttle.flush()
    assert len(drawn) == 2


# ---------------------------------------------------------------------------- loss plot


def test_loss_plot_curves_follow_the_history(qtbot, snapshots):
    w = make(qtbot, LossPlot)
    s = snapshots["binary"]
    w.show_snapshot(s)
    n = len(s.history.epochs)
    for curve, values in ((w.train_curve, s.history.train_loss), (w.test_curve, s.history.test_loss),
                          (w.train_accuracy_curve, 100 * s.history.train_accuracy)):
        x, y = curve.getOriginalDataset()
        assert len(x) == n
        np.testing.assert_allclose(y, values)
    assert w.accuracy_plot.isVisibleTo(w)
    w.show_snapshot(snapshots["regression"])
    assert not w.accuracy_plot.isVisibleTo(w)
    w.clear()
    assert len(w.train_curve.getOriginalDataset()[0] or []) == 0


def _tick_labels(plot) -> list[str]:
    """The left axis's tick labels that pyqtgraph would draw now (it drops those that stick out)."""
    axis = plot.getAxis("left")
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _, _, text in specs[2]] if specs else []


def test_accuracy_axis_labels_its_ends_and_the_loss_plot_leaves_it_the_epochs(qtbot, snapshots):
    w = make(qtbot, LossPlot, 440, 210)  # a loss dock of the default window
    s = snapshots["binary"]
    w.show_snapshot(s)
    low = min(90.0, 10.0 * np.floor(100 * np.nanmin(np.r_[s.history.train_accuracy, s.history.test_accuracy]) / 10))
    # once the plot has laid itself out
    qtbot.waitUntil(lambda: {"100", f"{low:g}"} <= set(_tick_labels(w.accuracy_plot)), timeout=3000)
    assert not w.plot.getAxis("bottom").style["showValues"]  # the accuracy plot below shows the epochs
    w.show_snapshot(snapshots["regression"])
    assert w.plot.getAxis("bottom").style["showValues"]


def test_loss_plot_log_scale_toggle(qtbot, snapshots):
    w = make(qtbot, LossPlot)
    w.show_snapshot(snapshots["binary"])
    w.set_log_scale(True)
    assert w.is_log_scale() and w.plot.getAxis("left").logMode
    w.set_log_scale(False)
    assert not w.plot.getAxis("left").logMode


def test_loss_plot_hover_shows_exact_values(qtbot, snapshots):
    w = make(qtbot, LossPlot)
    s = snapshots["binary"]
    w.show_snapshot(s)
    QApplication.processEvents()
    h = s.history
    i = len(h.epochs) // 2
    vb = w.plot.getPlotItem().getViewBox()
    w.plot.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(float(h.epochs[i]), float(h.train_loss[i]))))
    text = w.hover_text()
    assert f"epoch {int(h.epochs[i]):,}" in text
    assert format_value(h.train_loss[i]) in text and format_value(h.test_loss[i]) in text
    assert w.hover_lines[0].isVisible()
    w.plot.scene().sigMouseMoved.emit(QPointF(-50, -50))  # outside: back to the latest values
    assert f"epoch {s.epoch:,}" in w.hover_text()


def test_losses_keep_significant_digits():
    assert format_value(0.000123456) == "0.0001235"
    assert format_value(2.5e-9) == "2.5e-09"
    assert format_value(float("nan")) == "–"


# ---------------------------------------------------------------------------- boundary


def test_boundary_image_orientation_and_colours(qtbot, snapshots):
    w = make(qtbot, BoundaryView)
    s = snapshots["binary"]
    w.show_snapshot(s)
    g = s.grid
    img = w.image.image
    assert img.shape == (g.resolution, g.resolution, 4)
    i, j = np.unravel_index(int(np.argmax(g.output)), g.output.shape)
    expected = lighten(palette.diverging_rgba(np.clip(g.output[i, j], -1, 1)))
    np.testing.assert_allclose(img[i, j, :3], expected[:3], atol=2)
    # Row i is drawn at y = ymin + (i + ½)·dy: bottom row first.
    x0, x1, y0, y1 = g.domain
    p = w.image.mapToParent(QPointF(j + 0.5, i + 0.5))
    d = (x1 - x0) / g.resolution
    assert p.x() == pytest.approx(x0 + (j + 0.5) * d) and p.y() == pytest.approx(y0 + (i + 0.5) * d)


def test_a_coarser_boundary_still_covers_the_whole_domain(qtbot, snapshots):
    """While a big network trains its picture is coarser (same domain): the image is scaled to fit it again."""
    w = make(qtbot, BoundaryView)
    s = snapshots["binary"]
    w.show_snapshot(s)
    x0, x1, y0, y1 = s.grid.domain
    for n in (s.grid.resolution // 2, s.grid.resolution):
        w.show_snapshot(with_grid(s, np.asarray(s.grid.output)[::s.grid.resolution // n, ::s.grid.resolution // n]))
        corner = w.image.mapToParent(QPointF(n, n))
        assert w.image.image.shape[0] == n
        assert (corner.x(), corner.y()) == (pytest.approx(x1), pytest.approx(y1))


def test_boundary_regression_clips_and_discretize_thresholds(qtbot, snapshots):
    w = make(qtbot, BoundaryView)
    s = snapshots["regression"]
    out = np.linspace(-3, 3, 16).reshape(4, 4)
    w.show_snapshot(with_grid(s, out))
    blue = lighten(palette.diverging_rgba(1.0))
    np.testing.assert_array_equal(w.image.image[3, 3], blue)  # 3 is shown as 1
    w.set_discretize(True)
    assert len({tuple(c) for c in w.image.image.reshape(-1, 4)}) == 2


def test_boundary_k_classes_shade_by_confidence(qtbot, snapshots):
    w = make(qtbot, BoundaryView)
    s = snapshots["classes"]
    w.show_snapshot(s)
    g = s.grid
    k = s.dataset.classes
    expected = lighten(palette.class_confidence_rgba(g.predicted, g.output, k))
    np.testing.assert_array_equal(w.image.image, expected)
    w.set_discretize(True)
    assert len({tuple(c) for c in w.image.image.reshape(-1, 4)}) <= k
    i, j = 5, 7
    assert f"class {int(g.predicted[i, j])}" in w.hover_text_at(*_cell_centre(g, i, j))


def _cell_centre(g: GridOutput, i: int, j: int) -> tuple[float, float]:
    x0, x1, y0, y1 = g.domain
    return x0 + (j + 0.5) * (x1 - x0) / g.resolution, y0 + (i + 0.5) * (y1 - y0) / g.resolution


def test_boundary_points_and_test_toggle(qtbot, snapshots):
    w = make(qtbot, BoundaryView)
    s = snapshots["binary"]
    w.show_snapshot(s)
    assert len(w.train_points.data) == len(s.dataset.x_train)
    assert len(w.test_points.data) == len(s.dataset.x_test)
    assert not w.test_points.isVisible()
    w.set_show_test(True)
    assert w.test_points.isVisible()
    data = w.train_points.data
    w.show_snapshot(s)  # same dataset object: points are not rebuilt
    assert w.train_points.data is data
    w.show_snapshot(snapshots["regression"])
    assert w.train_points.data is not data
    w.clear()
    assert len(w.train_points.data) == 0 and w.image.image is None


def test_boundary_hover_reads_the_output(qtbot, snapshots):
    w = make(qtbot, BoundaryView)
    s = snapshots["binary"]
    w.show_snapshot(s)
    QApplication.processEvents()
    g = s.grid
    x, y = _cell_centre(g, 10, 30)
    vb = w.plot.getPlotItem().getViewBox()
    w.plot.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(x, y)))
    assert f"{g.output[10, 30]:.4g}" in w.header.text() and f"{x:.2f}" in w.header.text()


# ---------------------------------------------------------------------------- weights


def test_weights_heatmaps_share_a_symmetric_scale(qtbot, snapshots):
    w = make(qtbot, WeightsView, 900)
    s = snapshots["binary"]
    w.show_snapshot(s)
    assert len(w.layers) == len(s.weights)
    vmax = max(float(np.abs(a).max()) for a in (*s.weights, *s.biases))
    assert vmax <= w.vmax <= 1.25 * vmax  # max |w| rounded up to a nice step
    for lp, wt, b in zip(w.layers, s.weights, s.biases, strict=True):
        np.testing.assert_array_equal(lp.weights.image, palette.diverging_rgba(wt, w.vmax))
        np.testing.assert_array_equal(lp.bias.image[:, 0], palette.diverging_rgba(b, w.vmax))
    assert w.colorbar.levels() == pytest.approx((-w.vmax, w.vmax))
    levels = w.layers[0].plot.getAxis("bottom")._tickLevels
    labels = sorted((p, t) for level in levels for p, t in level)
    assert [t for _, t in labels] == ["X₁", "X₂", "sin(X₁)", "sin(X₂)", "b"]
    text = w.hover_text_at(1, 2.0, 3.0)  # layer 2, neuron 4, input neuron 3
    assert "neuron 4" in text and f"{s.weights[1][3, 2]:.4g}" in text
    assert f"{s.biases[0][1]:.4g}" in w.hover_text_at(0, w.layers[0].n_in + 0.35, 1.0)


def test_weights_rebuild_only_for_a_new_architecture(qtbot, snapshots):
    w = make(qtbot, WeightsView)
    w.show_snapshot(snapshots["binary"])
    first = w.layers[0]
    w.show_snapshot(snapshots["binary"])
    assert w.layers[0] is first
    bar = w.colorbar
    w.show_snapshot(snapshots["deep"])
    assert first not in w.layers
    assert w.colorbar is bar and bar.scene() is w.canvas.scene()  # the colour bar is put back, not made again
    qtbot.waitUntil(lambda: len(w.layers) == 9)  # a deep network's plots: one a turn
    assert w.layers[0] is not first
    w.clear()
    assert w.layers == []


def test_a_deep_networks_weight_plots_come_one_a_turn_each_drawn_at_once(qtbot, snapshots):
    from playground.ui.widgets.weights_view import PLOTS_AT_ONCE

    w = make(qtbot, WeightsView)
    s = snapshots["deep"]
    w.show_snapshot(s)
    assert len(w.layers) == 0 and PLOTS_AT_ONCE < len(s.weights)  # the old ones removed: the rest next turns
    counts = []
    while len(w.layers) < len(s.weights):
        QApplication.processEvents()
        counts.append(len(w.layers))
        assert w.canvas.updatesEnabled() == (len(w.layers) == len(s.weights))  # painted once, when complete
    assert counts[0] <= 1 and not w._builder.isActive()
    w.show_snapshot(snapshots["binary"])
    w.show_snapshot(s)
    w.finish_drawing()  # before a picture is taken: every plot at once
    assert len(w.layers) == len(s.weights) and not w._builder.isActive() and w.canvas.updatesEnabled()
    for lp, wt in zip(w.layers, s.weights, strict=True):  # each drawn from the last snapshot as it comes
        np.testing.assert_array_equal(lp.weights.image, palette.diverging_rgba(wt, w.vmax))


def test_weight_plots_wrap_into_rows_that_keep_cells_large():
    sizes = (4, 8, 8, 8, 8, 1)
    assert arrange_layers(sizes, 40, 1400, 200) == [[0, 1, 2, 3, 4]]  # wide and short: one row
    rows = arrange_layers(sizes, 40, 400, 900)  # narrow and tall: several rows, every layer once, in order
    assert len(rows) > 1 and [i for r in rows for i in r] == list(range(5))


def test_weights_view_rewraps_on_resize(qtbot, snapshots):
    w = make(qtbot, WeightsView, 1400, 260)
    w.show_snapshot(snapshots["regression"])
    assert len(w._arrangement) == 1
    w.resize(330, 900)
    QApplication.processEvents()
    assert len(w._arrangement) > 1 and len(w.layers) == 3
    assert w.layers[0].weights.image.shape == snapshots["regression"].weights[0].shape + (4,)


# ---------------------------------------------------------------------------- gradient flow


def test_gradient_flow_lines_per_layer_and_bars(qtbot, snapshots):
    w = make(qtbot, GradientFlowView)
    s = snapshots["deep"]
    w.show_snapshot(s)
    assert len(w.curves) == len(s.weights)
    assert [c.name() for c in w.curves][:1] == ["layer 1"] and w.curves[-1].name() == "output"
    assert all(len(c.getOriginalDataset()[0]) == len(s.history.epochs) for c in w.curves)
    assert w.plot.getAxis("left").logMode
    heights = w.bars.opts["height"]
    order = np.argsort(s.grad_norms)
    assert np.all(np.diff(np.asarray(heights)[order]) >= 0)  # taller bar, larger norm
    assert "vanishing" in w.toolTip()
    h = s.history
    text = w.hover_epoch(float(h.epochs[2]))
    assert f"epoch {int(h.epochs[2])}" in text and f"{h.grad_norms[2, 0]:.3g}" in text
    w.clear()
    assert w.curves == []


def test_gradient_flow_keeps_its_curves_across_a_new_depth(qtbot, snapshots):
    w = make(qtbot, GradientFlowView)
    deep, shallow = snapshots["deep"], snapshots["binary"]
    w.show_snapshot(deep)
    w.throttle.flush()
    before = list(w.curves)
    w.show_snapshot(shallow)
    w.throttle.flush()
    n = len(shallow.weights)
    assert w.curves == before[:n] < before  # the first curves restyled, not made again
    items = w.plot.getPlotItem().listDataItems()
    assert len(items) == n and all(c in items for c in w.curves)  # the others are gone from the plot
    assert [c.name() for c in w.curves] == layer_names(n)
    assert [c.opts["pen"].color().name() for c in w.curves] == layer_colors(n)  # the output's colour moved too
    assert all(len(c.getOriginalDataset()[0]) == len(shallow.history.epochs) for c in w.curves)
    w.show_snapshot(deep)
    w.throttle.flush()
    assert w.curves[:n] == before[:n] and len(w.curves) == len(deep.weights)
    assert [c.name() for c in w.curves] == layer_names(len(deep.weights))


def test_gradient_flow_flags_vanishing_gradients(qtbot, snapshots):
    w = make(qtbot, GradientFlowView)
    s = snapshots["binary"]
    w.show_snapshot(s)
    assert not w.badges.isVisibleTo(w)
    m = len(s.history.epochs)
    norms = np.tile([1e-6, 1e-3, 1.0], (m, 1))  # layer 1 far below the output layer's; layer 2 just at 1e-3
    w.show_snapshot(dataclasses.replace(s, recent_grad_norms=frozen_copy(norms)))
    w.throttle.flush()
    assert w.badges.isVisibleTo(w) and [b.layer for b in w.badges.warnings] == [0]
    assert "Layer 1: vanishing" in w.badges.text() and "ReLU" in w.badges.text()
    w.clear()
    assert not w.badges.isVisibleTo(w)


def test_smoothing_keeps_levels():
    y = np.full(50, 1e-4)
    np.testing.assert_allclose(smooth_log(y, 7), y)
    y[10] = 0.0  # no gradient: a gap, not a dive to 1e-12
    assert np.isnan(smooth_log(y, 7)[10])


def test_smoothing_columns_each_on_their_own():
    rng = np.random.default_rng(0)
    g = 10.0 ** rng.uniform(-6, 0, size=(300, 3))
    g[40, 1] = 0.0
    both = smooth_log(g, 9)
    for i in range(3):
        np.testing.assert_allclose(both[:, i], smooth_log(g[:, i], 9), rtol=1e-12)
    # A geometric mean: the smoothed level of a two-level signal lies between its levels in log space.
    y = np.where(np.arange(100) % 2 == 0, 1e-4, 1e-2)
    np.testing.assert_allclose(smooth_log(y, 10)[10:90], 1e-3, rtol=1e-9)


def test_sampled_rows_cover_the_series_to_its_last_row():
    assert list(sample_rows(10, 1)) == list(range(10))
    rows = sample_rows(1001, 40)
    assert rows[0] == 0 and rows[-1] == 1000
    assert np.all(np.diff(rows) <= 10)
    assert len(sample_rows(0, 5)) == 0


def test_gradient_flow_draws_a_long_history_as_a_few_hundred_points(qtbot, snapshots):
    w = make(qtbot, GradientFlowView)
    s = snapshots["binary"]
    n = len(s.layer_sizes) - 1
    m = 5000
    epochs = np.arange(1, m + 1)
    norms = np.tile(np.logspace(-3, 0, n), (m, 1)) * np.linspace(2.0, 1.0, m)[:, None]
    history = dataclasses.replace(s.history, epochs=frozen_copy(epochs), grad_norms=frozen_copy(norms),
                                  train_loss=frozen_copy(np.ones(m)), test_loss=frozen_copy(np.ones(m)),
                                  train_accuracy=frozen_copy(np.ones(m)), test_accuracy=frozen_copy(np.ones(m)))
    w._draw(dataclasses.replace(s, history=history))
    for i, c in enumerate(w.curves):
        x, y = c.getData()
        assert 100 <= len(x) <= 500
        assert x[0] == 1 and x[-1] == m  # the whole run, to its last epoch
        np.testing.assert_allclose(10.0**y, np.interp(x, epochs, norms[:, i]), rtol=0.02)  # y: log10 (log axis)


# ---------------------------------------------------------------------------- network diagram


def test_network_items_match_the_architecture(qtbot, snapshots):
    w = make(qtbot, NetworkView, 900, 500)
    s = snapshots["binary"]
    w.show_snapshot(s)
    assert [len(c) for c in w.neurons] == list(s.layer_sizes)
    assert [a.shape for a in w.links.levels] == [wt.shape for wt in s.weights]
    assert w.links.shapes == [wt.shape for wt in s.weights]
    first = w.neurons[1][0]
    w.show_snapshot(s)
    assert w.neurons[1][0] is first  # reused, not rebuilt
    pm = w.neurons[0][0].pixmap.pixmap()  # X₁: orange on the left, blue on the right
    img = pm.toImage()
    left, right = img.pixelColor(0, pm.height() // 2), img.pixelColor(pm.width() - 1, pm.height() // 2)
    assert left.red() > left.blue() and right.blue() > right.red()
    w.clear()
    assert w.neurons == [] and not w.scene.items()


def test_network_link_widths_grow_with_weight(qtbot, snapshots):
    w = make(qtbot, NetworkView, 900, 500)
    s = snapshots["binary"]
    w.show_snapshot(s)
    for layer, wt in enumerate(s.weights):
        widths = w.link_widths(layer).ravel()
        order = np.argsort(np.abs(wt).ravel(), kind="stable")
        assert np.all(np.diff(widths[order]) >= 0)
        assert widths.min() >= 1.0 and widths.max() <= 6.0


def test_network_gradient_mode_sizes_links_by_layer_norm(qtbot, snapshots):
    w = make(qtbot, NetworkView, 900, 500)
    s = dataclasses.replace(snapshots["binary"], grad_norms=frozen_copy(np.array([1e-5, 1e-3, 1e-1])),
                            gradients=())  # no per-weight gradients: the per-layer fallback
    w.show_snapshot(s)
    w.set_show_gradients(True)
    widths = [w.link_widths(k) for k in range(3)]
    assert all(np.ptp(x) == 0 for x in widths)  # one width per layer
    assert widths[0][0, 0] < widths[1][0, 0] < widths[2][0, 0]
    assert w.grad_labels[1].isVisible() and "1e-05" in w.grad_labels[1].text()
    w.set_show_gradients(False)
    assert not w.grad_labels[1].isVisible() and np.ptp(w.link_widths(1)) > 0


def test_network_hover_neuron_and_link(qtbot, snapshots):
    w = make(qtbot, NetworkView, 700, 400)
    s = snapshots["no_hidden"]  # four inputs straight into the output
    w.show_snapshot(s)
    QApplication.processEvents()
    centre = w.neurons[1][0].rect.center()
    ev = QMouseEvent(QEvent.Type.MouseMove, w.view.mapFromScene(centre).toPointF(), QPointF(),
                     Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w.view.viewport(), ev)
    assert w.header.text().startswith("output neuron 1") and w.thumbnails.zoom.isVisible()
    a, b = w.neurons[0][0].rect, w.neurons[1][0].rect  # a point on the link X₁ → output
    x = a.right() + 1 + 0.25 * (b.left() - a.right() - 2)
    y = a.center().y() + (b.center().y() - a.center().y()) * np.interp(0.25, *_bezier())
    text = w.hover_text_at(QPointF(x, y))
    assert "X₁ → output" in text and f"{s.weights[0][0, 0]:.4g}" in text
    assert not w.thumbnails.zoom.isVisible()


def _bezier() -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0, 1, 201)
    return 1.5 * t * (1 - t) + t**3, 3 * t**2 - 2 * t**3


def test_network_scales_down_for_big_networks(qtbot, snapshots):
    w = make(qtbot, NetworkView, 900, 500)
    w.show_snapshot(snapshots["binary"])
    small_net_size = w._size
    w.show_snapshot(snapshots["deep"])
    assert sum(len(c) for c in w.neurons) == sum(snapshots["deep"].layer_sizes)
    assert w._size < small_net_size
    assert all(not n.pixmap.pixmap().isNull() for c in w.neurons for n in c)


def test_network_links_are_painted_in_their_sign_colour(qtbot, snapshots):
    w = make(qtbot, NetworkView, 700, 400)
    s = snapshots["no_hidden"]
    w.show_snapshot(s)
    QApplication.processEvents()
    i = int(np.argmax(np.abs(s.weights[0][0])))  # the strongest link into the output
    a, b = w.neurons[0][i].rect, w.neurons[1][0].rect
    x = a.right() + 1 + 0.5 * (b.left() - a.right() - 2)
    y = a.center().y() + (b.center().y() - a.center().y()) * 0.5
    img, at = w.grab().toImage(), w.view.mapFromScene(QPointF(x, y)) + w.view.pos()
    # A thin link at a fractional height is split between two pixel rows: take the deepest of three.
    color = min((img.pixelColor(at.x(), at.y() + dy) for dy in (-1, 0, 1)), key=lambda c: c.lightness())
    if s.weights[0][0, i] > 0:
        assert color.blue() > color.red() + 40
    else:
        assert color.red() > color.blue() + 40


def test_network_big_networks_draw_only_their_strongest_links(qtbot, snapshots):
    from playground.ui.widgets.link_layer import LINK_BUDGET

    w = make(qtbot, NetworkView, 900, 500)
    w.show_snapshot(snapshots["deep"])
    drawn = [w.links.drawn(k) for k in range(len(w.links.levels))]
    assert sum(int(d.sum()) for d in drawn) <= LINK_BUDGET + 16 * len(drawn)
    for d, lv in zip(drawn, w.links.levels, strict=True):
        assert d.any() and (d.all() or lv[d].min() >= lv[~d].max())


def test_network_link_image_follows_changes_without_redrawing_every_frame(qtbot, snapshots):
    w = make(qtbot, NetworkView, 700, 400)
    s = snapshots["binary"]
    w.show_snapshot(s)
    w._render_links()  # just drawn: the next change waits for the timer
    flipped = dataclasses.replace(s, weights=tuple(frozen_copy(-x) for x in s.weights))
    w.show_snapshot(flipped)
    assert w.link_throttle._timer.isActive()
    before = w.links.pixmap().cacheKey()
    qtbot.waitUntil(lambda: not w.link_throttle._timer.isActive(), timeout=2000)
    assert w.links.pixmap().cacheKey() != before
    assert np.array_equal(w.links.positive[0], s.weights[0] < 0)


# ---------------------------------------------------------------------------- ranges in nice steps


def test_nice_ceiling_steps():
    from playground.ui.widgets.plot_style import nice_ceiling

    assert nice_ceiling(300) == 300 and nice_ceiling(301) == 400
    assert nice_ceiling(0.00047) == pytest.approx(0.0005) and nice_ceiling(1.1) == pytest.approx(1.2)
    assert nice_ceiling(0) == 1.0 and nice_ceiling(float("nan")) == 1.0


def test_live_plots_keep_their_range_while_it_still_fits(qtbot, snapshots):
    s = snapshots["binary"]
    h = s.history
    shorter = dataclasses.replace(s, history=History(*(frozen_copy(getattr(h, f.name)[:-1])
                                                       for f in dataclasses.fields(h))))
    for cls in (LossPlot, GradientFlowView):
        w = make(qtbot, cls)
        w.show_snapshot(shorter)
        changes: list = []
        w.plot.getPlotItem().getViewBox().sigRangeChanged.connect(lambda *a, out=changes: out.append(a))
        w.show_snapshot(s)  # one epoch more: an auto-ranged plot would move (and re-tick its axes)
        assert changes == [], f"{cls.__name__} re-ranged for an epoch that still fits"
        x0, x1 = w.plot.getPlotItem().getViewBox().viewRange()[0]
        assert x0 < 0 < h.epochs[-1] <= x1


def test_epoch_axis_grows_with_room_ahead_and_rarely_changes():
    from playground.ui.widgets.plot_style import EpochAxis

    axis = EpochAxis()
    ends = []
    for k in range(1, 201):  # 20 s of a run at 1,000 epochs/s, drawn 10 times a second
        t, epoch = 0.1 * k, 100.0 * k
        end = axis.update(epoch, now=t)
        assert epoch <= end <= 2.5 * (epoch + 1000.0 * EpochAxis.LOOKAHEAD)  # the data fits, little empty room
        ends.append(end)
    changes = sum(a != b for a, b in pairwise(ends))
    assert changes <= 12  # about every two seconds (at every nice step it would be ~20)
    assert axis.rate == pytest.approx(1000.0)


def test_epoch_axis_starts_over_for_a_new_run_and_ignores_pauses():
    from playground.ui.widgets.plot_style import EpochAxis

    axis = EpochAxis()
    for k in range(1, 50):
        axis.update(100.0 * k, now=0.1 * k)
    assert axis.update(30.0, now=5.0) == 30.0  # reset: back to the data's own size (nice 30)
    assert axis.rate == 0.0
    axis.update(60.0, now=5.1)
    assert axis.update(50_060.0, now=60.0) <= 60_000  # a file opened later: no made-up rate from the jump
    assert axis.update(50_060.0, now=61.0) == axis.end  # paused: nothing moves while the data fills it


def test_epoch_axis_of_a_short_run_paused_after_a_fast_start_fits_its_data():
    from playground.ui.widgets.plot_style import EpochAxis

    axis = EpochAxis()
    for k in range(1, 6):  # 25 epochs in 0.1 s: room ahead for hundreds more
        axis.update(5.0 * k, now=0.02 * k)
    assert axis.end >= 100
    assert axis.update(25.0, now=0.2) == 25.0  # paused (the same epoch again): no empty room left


def test_gradient_flow_decades_are_labelled_in_one_style():
    from playground.ui.widgets.plot_style import decade_ticks

    assert decade_ticks(-3.0, 1.0) == [(1.0, "10"), (0.0, "1"), (-1.0, "10⁻¹"), (-2.0, "10⁻²"), (-3.0, "10⁻³")]
    many = decade_ticks(-10.0, 1.0)  # twelve decades: every second one, 1 among them
    assert [d for d, _ in many] == [0.0, -2.0, -4.0, -6.0, -8.0, -10.0]
    assert len(decade_ticks(-30.0, 2.0)) <= 7


def test_log_loss_axis_labels_decades_and_linear_goes_back_to_automatic_ticks(qtbot, snapshots):
    w = make(qtbot, LossPlot)
    w.show_snapshot(snapshots["binary"])
    axis = w.plot.getAxis("left")
    assert axis._tickLevels is None  # linear: pyqtgraph's own ticks
    w.set_log_scale(True)
    labels = [text for _, text in axis._tickLevels[0]]
    assert labels and all(t == "1" or t == "10" or t.startswith("10⁻") for t in labels)
    w.set_log_scale(False)
    assert axis._tickLevels is None


@pytest.mark.parametrize("cls", [LossPlot, GradientFlowView])
def test_chart_legends_never_cover_the_newest_data(qtbot, snapshots, cls):
    """A legend inside the plot sat on the newest points (its top-right corner, where a fresh or a
    rising curve ends). It is a row of text outside the plot instead, naming every curve in its colour."""
    w = make(qtbot, cls, 440, 210)  # a dock of the default window
    s = snapshots["binary"]
    w.show_snapshot(s)
    QApplication.processEvents()
    for plot in (w.plot, getattr(w, "accuracy_plot", w.plot)):
        assert plot.getPlotItem().legend is None  # nothing drawn over the data
    legend = w.legend
    assert legend.isVisible()
    names = ["train", "test"] if cls is LossPlot else layer_names(len(s.layer_sizes) - 1)
    text = legend.text().replace("&nbsp;", " ")
    assert all(name in text for name in names), text
    assert legend.heightForWidth(legend.width()) <= legend.height()  # every name shows
    legend_rect = legend.geometry()
    assert not any(legend_rect.intersects(p.geometry()) for p in (w.plot, getattr(w, "accuracy_plot", w.plot)))


def test_a_big_layers_axis_has_a_tick_every_5th_cell_not_every_cell():
    from playground.ui.widgets.weights_view import _index_ticks

    small = _index_ticks(64)
    assert sorted(k for level in small for k, _ in level) == list(range(64))  # a tick a cell
    big = _index_ticks(256)
    labels = [int(t) for level in big for _, t in level]
    assert sorted(labels) == [1, *range(5, 257, 5)]
    assert [int(t) for _, t in big[0]] == [1, *range(10, 257, 10)] and big[2] == []  # 1 and every 10th first
    assert all(pos == label - 1 for level in big for pos, label in ((p, int(t)) for p, t in level))
