"""The diagram asks for the images of the neurons on screen only, at their size in device pixels, and draws
them one device pixel a cell; zooming and scrolling ask again, and the window's worker makes just those."""

from __future__ import annotations

import pytest
from diagram_helpers import shown_diagram
from PySide6.QtCore import QPointF
from window_helpers import settle, wait_snapshot

from playground.core.neuron_images import NeuronRequest
from playground.ui.widgets.diagram_layout import MAX_SHOWN
from playground.ui.widgets.preview import sample_snapshot


@pytest.fixture(scope="module")
def wide():
    """Six hidden layers of 30 neurons (each shows its first 23 and "+7 more")."""
    return sample_snapshot("binary", 0, (30,) * 6, grid_resolution=60)


def on_screen(w) -> list[list[int]]:
    """Per column the drawn neurons whose square is inside the viewport (seen from the test's side)."""
    seen = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    return [[j for j, n in enumerate(col[:w.shown[c]]) if seen.intersects(n.rect)] for c, col in enumerate(w.neurons)]


def test_fitted_the_diagram_asks_for_every_drawn_neuron_at_its_side_in_device_pixels(qtbot, wide):
    w = shown_diagram(qtbot, wide, 700, 460)
    r = w.thumbnails.request
    assert isinstance(r, NeuronRequest)
    features = len(wide.spec.features)
    assert [len(layer) for layer in r.neurons] == [features] + [MAX_SHOWN - 1] * 6 + [1]  # none behind "+7 more"
    dpr = w.view.devicePixelRatioF()
    assert r.size == round(w.neurons[1][0].rect.width() * w.zoom * dpr) and r.detail is None


def test_zooming_into_one_column_asks_for_the_neurons_on_screen_only(qtbot, wide):
    w = shown_diagram(qtbot, wide, 700, 460)
    asked: list[NeuronRequest] = []
    w.visible_neurons_changed.connect(asked.append)
    fitted = w.thumbnails.request
    column = w.neurons[3]
    w.zoom_by(6, column[10].rect.center())  # ×3.8: one column, some of its neurons
    qtbot.waitUntil(lambda: bool(asked) and asked[-1] == w.thumbnails.wanted())
    r = asked[-1]
    assert r.neurons == tuple(tuple(layer) for layer in on_screen(w))
    assert 10 in r.neurons[3] and 0 < len(r.neurons[3]) < MAX_SHOWN - 1
    assert r.neurons[0] == r.neurons[1] == r.neurons[7] == ()  # columns out of view: nothing
    assert r.size > 3 * fitted.size  # thumbnails grew with the zoom: their images are made bigger
    before = r.neurons[3]
    w.view.verticalScrollBar().setValue(w.view.verticalScrollBar().maximum())  # scrolled down the column
    qtbot.waitUntil(lambda: asked[-1].neurons[3] != before)
    assert asked[-1].neurons == tuple(tuple(layer) for layer in on_screen(w)) and max(asked[-1].neurons[3]) > 10
    w.fit_to_view()
    assert asked[-1] == fitted


def test_thumbnails_made_at_their_side_are_drawn_unscaled(qtbot):
    from builders import make_trainer

    t = make_trainer("xor", (12, 12))
    w = shown_diagram(qtbot, t.snapshot(grid_resolution=100), 700, 460)
    s = t.snapshot(grid_resolution=100, with_neurons=w.thumbnails.request)
    w.show_snapshot(s)
    side = w.thumbnails.request.size
    item = w.neurons[1][4].pixmap
    assert item.pixmap().width() == side == s.grid.neurons[1].shape[-1]
    device = item.sceneTransform().m11() * w.view.transform().m11() * w.view.devicePixelRatioF()
    assert device == pytest.approx(1.0)  # one device pixel a cell: painted as a copy, not scaled


def test_the_enlarged_neuron_under_the_mouse_is_asked_for_at_its_own_size(qtbot, wide):
    w = shown_diagram(qtbot, wide, 700, 460)
    centre = w.neurons[2][5].rect.center()
    w.hover_text_at(centre)
    assert w.thumbnails.request.detail == (2, 5) and w.thumbnails.zoom.isVisible()
    w.hover_text_at(QPointF(1, 1))
    assert w.thumbnails.request.detail is None and not w.thumbnails.zoom.isVisible()


def test_a_new_network_forgets_the_neuron_that_was_under_the_mouse(qtbot, wide):
    w = shown_diagram(qtbot, wide, 700, 460)
    w.hover_text_at(w.neurons[5][20].rect.center())
    assert w.thumbnails.hovered == (5, 20)
    w.show_snapshot(sample_snapshot("binary", 0, (3,), grid_resolution=20))  # no column 5 any more
    assert w.thumbnails.hovered is None and w.thumbnails.request.detail is None


def test_the_window_worker_makes_images_of_the_requested_neurons_only(qtbot, tmp_path):
    from builders import easy_spec
    from file_helpers import close_quietly, file_window

    w, dialogs = file_window(qtbot, tmp_path, easy_spec((30, 30, 30)))
    try:
        nv = w.network_view
        settle(qtbot, w)
        nv.zoom_by(8, nv.neurons[2][3].rect.center())
        r = nv.thumbnails.request
        s = wait_snapshot(qtbot, w, lambda s: [list(ids) for ids in s.grid.neuron_ids] == [list(x) for x in r.neurons])
        assert s.grid.neurons[2].shape[-1] == min(r.size, s.grid.resolution) and 0 < len(r.neurons[2]) < 23
        nv.view.verticalScrollBar().setValue(nv.view.verticalScrollBar().maximum())  # new neurons come in
        r2 = nv.thumbnails.request
        assert r2 != r
        new = [j for j in r2.neurons[2] if j not in r.neurons[2]]
        assert new
        wait_snapshot(qtbot, w, lambda s: [list(ids) for ids in s.grid.neuron_ids] == [list(x) for x in r2.neurons])
        qtbot.waitUntil(lambda: all(not nv.neurons[2][j].pixmap.pixmap().isNull() for j in new))
    finally:
        close_quietly(w, dialogs)
