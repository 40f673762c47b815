"""The diagram readable at every size: no text on text, zoom and fit, big layers collapsed behind "+k more"."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from diagram_helpers import shown_diagram
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem

from playground.core.snapshot import frozen_copy
from playground.ui.widgets.diagram_layout import MAX_SHOWN, MIN_PITCH
from playground.ui.widgets.network_edit_items import EditButton
from playground.ui.widgets.network_view import NetworkView
from playground.ui.widgets.preview import sample_snapshot


@pytest.fixture(scope="module")
def deep():
    """16 hidden layers of 64 neurons, with a gradient norm per layer."""
    s = sample_snapshot("binary", 0, (64,) * 16, grid_resolution=10)
    return s


def make_view(qtbot, s, width=700, height=460) -> NetworkView:
    w = shown_diagram(qtbot, s, width, height)
    w.finish_drawing()  # a big diagram's editing items and links come in the next turns: every item now
    return w


def texts(w: NetworkView) -> list:
    """Every visible item that shows text."""
    return [i for i in w.scene.items() if isinstance(i, (QGraphicsSimpleTextItem, EditButton))
            and i.isVisible() and (not isinstance(i, QGraphicsSimpleTextItem) or i.text())]


def overlaps(items) -> list[tuple[str, str]]:
    out = []
    for a, b in combinations(items, 2):
        r = a.sceneBoundingRect().intersected(b.sceneBoundingRect())
        if r.width() > 0.5 and r.height() > 0.5:
            out.append((getattr(a, "text", lambda: "?")() if callable(getattr(a, "text", None)) else a.text,
                        getattr(b, "text", lambda: "?")() if callable(getattr(b, "text", None)) else b.text))
    return out


@pytest.mark.parametrize("size", [(700, 460), (420, 300), (1500, 900)])
def test_no_two_texts_overlap_at_fit_to_view(qtbot, deep, size):
    w = make_view(qtbot, deep, *size)
    w.fit_to_view()
    w.set_show_gradients(True)  # the ‖∇W‖ labels under the columns too
    items = texts(w)
    assert len(items) > 16 * 5  # titles, buttons, chips, "+k more", gradient labels, inputs
    assert sum(1 for i in items if isinstance(i, QGraphicsSimpleTextItem) and "‖∇W‖" in i.text()) == 17
    assert overlaps(items) == []
    visible = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    assert visible.adjusted(-1, -1, 1, 1).contains(w.scene.sceneRect())  # fit: the whole diagram is in view
    assert all(i.sceneBoundingRect().right() <= w.scene.sceneRect().right() + 1 for i in items)


def test_zoom_keeps_texts_apart_and_thumbnails_readable(qtbot, deep):
    w = make_view(qtbot, deep)
    w.fit_to_view()
    fit = w.zoom
    for steps in (1, 1, 1):
        w.zoom_by(steps)
    assert w.zoom == pytest.approx(min(4.0, fit * 1.25**3)) and not w.fitting
    assert overlaps(texts(w)) == []
    assert w.neurons[1][0].rect.width() * w.zoom >= 12 * w.zoom  # never below the minimum in scene px
    assert w.neurons[1][1].rect.top() - w.neurons[1][0].rect.top() >= MIN_PITCH - 1e-9
    before = w.zoom  # Ctrl+wheel zooms; the wheel alone scrolls
    pos = QPointF(w.view.viewport().rect().center())
    for mods, expected in ((Qt.KeyboardModifier.ControlModifier, before * 1.25),
                           (Qt.KeyboardModifier.NoModifier, before * 1.25)):
        ev = QWheelEvent(pos, w.view.viewport().mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
                         mods, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(w.view.viewport(), ev)
        assert w.zoom == pytest.approx(expected)
    w.fit_to_view()
    assert w.zoom == pytest.approx(fit) and w.fitting and w.zoom_label.text() == f"{fit:.0%}"


def test_a_wide_layer_shows_its_first_neurons_and_a_marker_that_expands(qtbot, deep):
    w = make_view(qtbot, deep, 900, 500)
    shown = MAX_SHOWN - 1
    col = w.neurons[3]
    assert len(col) == 64 and w.shown[3] == shown
    assert [n.drawn and n.frame.isVisible() for n in col] == [True] * shown + [False] * (64 - shown)
    assert all(not n.pixmap.pixmap().isNull() for n in col[:shown])
    assert all(n.pixmap is None for n in col[shown:])  # no items, no thumbnail for what is not drawn
    drawn = w.links.drawn(2)  # layer 2 → layer 3: only between drawn neurons
    assert drawn.any() and not drawn[shown:].any() and not drawn[:, shown:].any()
    more = w.editor.more[3]
    assert more.isVisible() and more.text == f"+{64 - shown} more"
    assert w.hover_text_at(col[-1].rect.center()) != w.hover_text_at(col[0].rect.center())
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=w.view.mapFromScene(
        more.sceneBoundingRect().center()))
    qtbot.waitUntil(lambda: w.shown[3] == 64)
    assert w.shown[3] == 64 and all(n.drawn and n.frame.isVisible() for n in w.neurons[3])
    assert not w.editor.more.get(3, more).isVisible()
    tops = [n.rect.top() for n in w.neurons[3]]
    assert np.all(np.diff(tops) >= MIN_PITCH - 1e-9)  # the scene grew: the view scrolls
    w.show_snapshot(deep)
    assert all(not n.pixmap.pixmap().isNull() for n in w.neurons[3])
    assert w.shown[4] == shown and overlaps(texts(w)) == []


def test_gradient_labels_are_elided_to_their_column(qtbot, deep):
    import dataclasses

    s = dataclasses.replace(deep, grad_norms=frozen_copy(np.full(17, 1.234567e-5)))
    w = make_view(qtbot, s, 400, 300)
    w.set_show_gradients(True)
    w.fit_to_view()
    labels = [g for g in w.grad_labels if g.text()]
    assert len(labels) == 17 and all(g.sceneBoundingRect().width() <= w.column_gap for g in labels)
    assert overlaps(texts(w)) == []


def test_layout_settles_at_every_size_fitted_or_zoomed(qtbot):
    """Scroll bars coming and going must not resize and re-lay the diagram out without end."""
    s = sample_snapshot("binary", 0, (64,) * 10, grid_resolution=10)
    w = make_view(qtbot, s, 480, 470)
    calls = []
    real = w._layout
    w._layout = lambda: (calls.append(1), real())[1]
    for zoom in (None, 0.8):
        if zoom is None:
            w.fit_to_view()
        else:
            w.set_zoom(zoom)
        # Fitted, the scene is exactly the viewport: scroll bars are off, so they cannot come and go.
        fitted = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if zoom is None else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        assert w.view.verticalScrollBarPolicy() == w.view.horizontalScrollBarPolicy() == fitted
        for width, height in ((483, 471), (480, 470), (512, 444), (600, 455), (777, 466), (450, 300)):
            w.resize(width, height)
            for _ in range(3):
                QApplication.processEvents()
            calls.clear()
            for _ in range(5):
                QApplication.processEvents()
            assert calls == [], (zoom, width, height)


def test_a_middle_button_drag_pans_a_zoomed_diagram(qtbot, deep):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent

    w = make_view(qtbot, deep, 600, 400)
    w.set_zoom(1.5)
    bars = w.view.horizontalScrollBar(), w.view.verticalScrollBar()
    assert bars[0].maximum() > 0 and bars[1].maximum() > 0  # zoomed in: there is somewhere to pan to
    before = (bars[0].value(), bars[1].value())
    vp = w.view.viewport()
    middle, none = Qt.MouseButton.MiddleButton, Qt.MouseButton.NoButton

    def send(kind, at, button, buttons):
        QApplication.sendEvent(vp, QMouseEvent(kind, QPointF(at), QPointF(vp.mapToGlobal(at)), button, buttons,
                                               Qt.KeyboardModifier.NoModifier))

    got = []
    w.edit_requested.connect(got.append)
    send(QEvent.Type.MouseButtonPress, QPoint(300, 200), middle, middle)
    send(QEvent.Type.MouseMove, QPoint(260, 170), none, middle)
    send(QEvent.Type.MouseButtonRelease, QPoint(260, 170), middle, none)
    assert (bars[0].value(), bars[1].value()) == (before[0] + 40, before[1] + 30) and got == []
