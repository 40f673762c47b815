"""A big network's diagram: its links drawn in their own turn of the event loop, and less often when slow."""

from __future__ import annotations

import types

from diagram_helpers import shown_diagram
from PySide6.QtWidgets import QApplication

from playground.ui.widgets import network_view
from playground.ui.widgets.preview import sample_snapshot


def test_a_new_diagram_paints_its_neurons_first_and_its_links_in_the_next_turn(qtbot):
    s = sample_snapshot("binary", 0, (12, 12), grid_resolution=20)
    w = shown_diagram(qtbot, s, 600, 400)  # built and drawn in one call: links not yet
    assert w.links.pixmap().isNull() and not w.neurons[1][0].pixmap.pixmap().isNull()
    w.finish_drawing()  # before a picture is taken: at once
    assert not w.links.pixmap().isNull() and not w._links_soon.isActive()
    assert not w._links_soon.isActive()
    w.show_snapshot(sample_snapshot("binary", 5, (12, 12), grid_resolution=20))  # the same network: throttled
    assert not w._links_soon.isActive()


def test_a_slow_link_image_is_redrawn_less_often(qtbot, monkeypatch):
    s = sample_snapshot("binary", 0, (6,), grid_resolution=20)
    w = shown_diagram(qtbot, s, 600, 400)
    QApplication.processEvents()  # its first link image drawn
    clock = iter([0.0, 0.2, 1.0, 1.001])  # a render of 200 ms, then one of 1 ms

    monkeypatch.setattr(network_view, "time", types.SimpleNamespace(thread_time=lambda: next(clock)))
    w._render_links()
    assert w.link_throttle.max_fps == network_view.LINK_SHARE / 0.2  # 0.2 a second: 4 % of the UI thread
    w._render_links()
    assert w.link_throttle.max_fps == network_view.LINK_RENDERS_PER_SECOND
