"""The network diagram's "show gradients" mode: every link sized by its own weight's gradient."""

from __future__ import annotations

import dataclasses
import gc

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtWidgets import QApplication

from playground.core.snapshot import Snapshot, frozen_copy
from playground.ui.widgets.link_layer import BEZIER_X, BEZIER_Y, LINK_BUDGET, gradient_levels
from playground.ui.widgets.network_view import NetworkView
from playground.ui.widgets.preview import sample_snapshot


@pytest.fixture(autouse=True)
def delete_widgets_now():
    """Delete this test's widgets and collect garbage at a fixed point (as tests/ui/test_views.py)."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture(scope="module")
def snapshots() -> dict[str, Snapshot]:
    return {"binary": sample_snapshot("binary", 6, (6, 8), grid_resolution=20),
            "no_hidden": sample_snapshot("binary", 6, (), grid_resolution=20),
            "deep": sample_snapshot("classes", 2, (16,) * 8, grid_resolution=20)}


def make(qtbot, width: int = 900, height: int = 500) -> NetworkView:
    w = NetworkView()
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    return w


def with_gradients(s: Snapshot, seed: int = 0) -> Snapshot:
    """``s`` with made-up gradients spread over 1e-7 … 10 in magnitude, random signs, unlike the weights."""
    rng = np.random.default_rng(seed)
    grads = tuple(frozen_copy(rng.choice([-1.0, 1.0], w.shape) * 10.0 ** rng.uniform(-7, 1, w.shape))
                  for w in s.weights)
    return dataclasses.replace(s, gradients=grads)


def test_gradient_levels_are_an_absolute_log_scale():
    lv = gradient_levels(np.array([0.0, -1e-6, 1e-5, 1e-3, -0.1, 1.0, 50.0, np.nan]))
    assert lv[0] == lv[1] == lv[2] == lv[7] == 0 and lv[5] == lv[6] == lv.max()
    assert lv[2] < lv[3] < lv[4] < lv[5]


def test_trained_snapshot_link_widths_follow_each_weights_gradient(qtbot, snapshots):
    w = make(qtbot)
    s = snapshots["binary"]
    assert len(s.gradients) == len(s.weights)  # the trainer fills them in
    w.show_snapshot(s)
    w.set_show_gradients(True)
    for layer, g in enumerate(s.gradients):
        widths = w.link_widths(layer).ravel()
        order = np.argsort(np.abs(g).ravel(), kind="stable")
        assert np.all(np.diff(widths[order]) >= 0), f"layer {layer}: widths not monotonic in |gradient|"
        assert widths.min() >= 1.0 and widths.max() <= 6.0
    assert any(np.ptp(w.link_widths(k)) > 0 for k in range(len(s.weights)))
    assert w.grad_labels[1].isVisible() and "‖∇W‖" in w.grad_labels[1].text()  # norms stay under the columns


def test_links_of_one_layer_differ_when_their_gradients_differ(qtbot, snapshots):
    w = make(qtbot)
    s = with_gradients(snapshots["binary"])
    w.show_snapshot(s)
    w.set_show_gradients(True)
    for layer, g in enumerate(s.gradients):
        widths, a = w.link_widths(layer), np.abs(g)
        assert np.all(np.diff(widths.ravel()[np.argsort(a, axis=None)]) >= 0)
        weak, strong = np.unravel_index(np.argmin(a), a.shape), np.unravel_index(np.argmax(a), a.shape)
        assert widths[weak] == 1.0 and widths[strong] == 6.0  # below 1e-5 thinnest, above 1 thickest
        assert np.array_equal(w.links.positive[layer], g <= 0)  # colour: the descent step's direction
    assert not w.links.gradient  # two colours, not the per-layer mode's single one
    w.set_show_gradients(False)  # back to the weights
    order = np.argsort(np.abs(s.weights[1]), axis=None, kind="stable")
    assert np.all(np.diff(w.link_widths(1).ravel()[order]) >= 0)
    assert np.array_equal(w.links.positive[1], s.weights[1] >= 0)


def test_link_colour_is_the_descent_direction(qtbot, snapshots):
    w = make(qtbot, 700, 400)
    base = snapshots["no_hidden"]  # four inputs straight into the output
    w.set_show_gradients(True)
    for sign, blue in ((1.0, False), (-1.0, True)):
        g = np.full(base.weights[0].shape, 1e-6)
        g[0, 1] = sign * 0.5  # one strong link: a positive gradient means descent lowers the weight
        w.show_snapshot(dataclasses.replace(base, gradients=(frozen_copy(g),)))
        w._render_links()
        QApplication.processEvents()
        a, b = w.neurons[0][1].rect, w.neurons[1][0].rect
        x = a.right() + 1 + 0.5 * (b.left() - a.right() - 2)
        y = a.center().y() + (b.center().y() - a.center().y()) * 0.5
        color = w.grab().toImage().pixelColor(w.view.mapFromScene(QPointF(x, y)) + w.view.pos())
        if blue:
            assert color.blue() > color.red() + 40
        else:
            assert color.red() > color.blue() + 40


def test_without_per_weight_gradients_each_layer_is_sized_by_its_norm(qtbot, snapshots):
    w = make(qtbot)
    s = dataclasses.replace(snapshots["binary"], gradients=(),
                            grad_norms=frozen_copy(np.array([1e-5, 1e-3, 1e-1])))
    w.show_snapshot(s)
    w.set_show_gradients(True)
    widths = [w.link_widths(k) for k in range(3)]
    assert all(np.ptp(x) == 0 for x in widths)
    assert widths[0][0, 0] < widths[1][0, 0] < widths[2][0, 0]
    assert w.links.gradient  # the one gradient colour


def test_big_networks_draw_the_links_with_the_strongest_gradients(qtbot, snapshots):
    w = make(qtbot)
    s = with_gradients(snapshots["deep"], seed=3)
    w.show_snapshot(s)
    w.set_show_gradients(True)
    drawn = [w.links.drawn(k) for k in range(len(s.weights))]
    assert sum(int(d.sum()) for d in drawn) <= LINK_BUDGET + 16 * len(drawn)
    for d, g in zip(drawn, s.gradients, strict=True):
        lv = gradient_levels(g)
        assert d.any() and (d.all() or lv[d].min() >= lv[~d].max())
    assert any(not np.array_equal(d, w2) for d, w2 in zip(drawn, _drawn_by_weight(qtbot, s), strict=True))


def _drawn_by_weight(qtbot, s: Snapshot) -> list[np.ndarray]:
    w = make(qtbot)
    w.show_snapshot(s)
    return [w.links.drawn(k) for k in range(len(s.weights))]


def test_hovering_a_link_shows_its_gradient(qtbot, snapshots):
    w = make(qtbot, 700, 400)
    s = with_gradients(snapshots["no_hidden"])
    w.show_snapshot(s)
    a, b = w.neurons[0][0].rect, w.neurons[1][0].rect
    pos = QPointF(a.right() + 1 + 0.5 * (b.left() - a.right() - 2), (a.center().y() + b.center().y()) / 2)
    assert "∂L/∂w" not in w.hover_text_at(pos)
    w.set_show_gradients(True)
    text = w.hover_text_at(pos)
    assert "X₁ → output" in text and f"∂L/∂w = {s.gradients[0][0, 0]:.3g}" in text


def _hover(w: NetworkView, pos: QPointF) -> None:
    """Move the mouse to scene position ``pos`` over the diagram."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QMouseEvent

    ev = QMouseEvent(QEvent.Type.MouseMove, w.view.mapFromScene(pos).toPointF(), QPointF(),
                     Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w.view.viewport(), ev)


@pytest.mark.parametrize("width", [505, 380])  # the default window's network dock, and a narrower one
def test_link_hover_text_with_its_gradient_is_never_cut_off(qtbot, snapshots, width):
    """The read-out of a link (the longest kind: a named input feature, w and ∂L/∂w) fits in its
    label, and the label shares no pixel with the "show gradients" checkbox."""
    from PySide6.QtCore import QRect, Qt

    w = make(qtbot, width, 520)
    s = with_gradients(snapshots["binary"])
    w.show_snapshot(s)
    w.set_show_gradients(True)
    QApplication.processEvents()
    a, b = w.neurons[0][-1].rect, w.neurons[1][-1].rect  # the last input feature to the last neuron
    x = a.right() + 1 + 0.25 * (b.left() - a.right() - 2)
    _hover(w, QPointF(x, a.center().y() + (b.center().y() - a.center().y()) * np.interp(0.25, BEZIER_X, BEZIER_Y)))
    text = w.header.text()
    assert "sin(X₂) → layer 1 neuron 6" in text and "∂L/∂w" in text
    label = w.header
    area = label.contentsRect()  # inside the label's padding
    needed = label.fontMetrics().boundingRect(QRect(0, 0, area.width(), 10_000),
                                              int(Qt.TextFlag.TextWordWrap), text)
    assert needed.width() <= area.width() and needed.height() <= area.height(), (text, needed, area)
    if not label.wordWrap():
        assert label.fontMetrics().horizontalAdvance(text) <= area.width(), text
    box = w.gradients_box
    label_rect = QRect(label.mapTo(w, label.rect().topLeft()), label.size())
    box_rect = QRect(box.mapTo(w, box.rect().topLeft()), box.size())
    assert not label_rect.intersects(box_rect)
    assert w.rect().contains(label_rect) and w.rect().contains(box_rect)
