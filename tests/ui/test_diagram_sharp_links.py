"""The diagram's link image is made at zoom × device pixel ratio (sharp zoomed in and on high-DPI
screens), up to a size cap beyond which only the part on screen is drawn, again when scrolled away."""

from __future__ import annotations

import numpy as np
import pytest
from diagram_helpers import shown_diagram
from PySide6.QtCore import QPointF

from playground.ui.widgets import link_layer
from playground.ui.widgets.preview import sample_snapshot


@pytest.fixture(scope="module")
def snapshot():
    return sample_snapshot("binary", 5, (8, 8), grid_resolution=20)


def _device_size(w) -> tuple[int, int]:
    pm = w.links.pixmap()
    return pm.width(), pm.height()


def test_the_link_image_follows_zoom_and_device_pixel_ratio(qtbot, snapshot):
    w = shown_diagram(qtbot, snapshot, 600, 400)
    w.finish_drawing()
    dpr = w.view.devicePixelRatioF()
    scene = w.scene.sceneRect()
    for zoom in (1.0, 2.0, 0.5):
        w.set_zoom(zoom)
        assert w.links.scale == pytest.approx(zoom * dpr) and w.links.region == w.scene.sceneRect()
        r = w.links.region
        assert _device_size(w) == (int(np.ceil(r.width() * zoom * dpr)), int(np.ceil(r.height() * zoom * dpr)))
        assert w.links.boundingRect().size().toSize() == r.size().toSize()  # drawn over the scene part it shows
    w.set_zoom(1.5)
    assert w.links.render(2.0)  # a high-DPI screen
    assert w.links.scale == pytest.approx(3.0) and _device_size(w)[0] == int(np.ceil(w.links.region.width() * 3.0))
    assert scene.isValid()


def test_zoomed_far_in_only_the_part_on_screen_is_drawn_and_drawn_again_when_scrolled(qtbot, snapshot, monkeypatch):
    w = shown_diagram(qtbot, snapshot, 600, 400)
    w.finish_drawing()
    w.set_zoom(4.0)
    full_region, full = w.links.region, w.links.pixmap().toImage()  # the whole still fits the cap
    assert full_region == w.scene.sceneRect()
    monkeypatch.setattr(link_layer, "MAX_LINK_PIXELS", full.width() * full.height() // 2)
    w._render_links()
    assert w.links.region != full_region  # a part, from the top left corner shown
    across, down = w.view.horizontalScrollBar(), w.view.verticalScrollBar()
    across.setValue(across.maximum() // 2)
    down.setValue(down.maximum() // 2)
    qtbot.waitUntil(lambda: w.links.covers(w._visible_part()), timeout=3000)  # scrolled: drawn again
    region, scale = w.links.region, w.links.scale
    assert region.left() > full_region.left() and region.top() > full_region.top()
    assert scale == pytest.approx(4.0 * w.view.devicePixelRatioF())  # as sharp, but a part
    assert region.contains(w._visible_part().intersected(w.scene.sceneRect())) and region != full_region
    assert w.links.pixmap().width() * w.links.pixmap().height() <= link_layer.MAX_LINK_PIXELS
    assert w.links.pos() == region.topLeft()
    part = w.links.pixmap().toImage()
    # the part holds the whole image's pixels at the same scene points (where links are drawn)
    background = w.links.background.rgb()
    same = []
    for fx in np.linspace(0.02, 0.98, 40):
        for fy in np.linspace(0.02, 0.98, 40):
            p = QPointF(region.left() + fx * region.width(), region.top() + fy * region.height())
            a = full.pixel(int((p.x() - full_region.left()) * scale), int((p.y() - full_region.top()) * scale))
            b = part.pixel(int((p.x() - region.left()) * scale), int((p.y() - region.top()) * scale))
            if a != background:  # alike: antialiased edges differ a little where the part starts mid-pixel
                same.append(max(abs((a >> k & 255) - (b >> k & 255)) for k in (0, 8, 16)) <= 48)
    assert len(same) > 20 and np.mean(same) > 0.9
    across.setValue(across.maximum())  # far right: the output side, not in the image yet
    assert not w.links.covers(w._visible_part())
    qtbot.waitUntil(lambda: w.links.covers(w._visible_part()), timeout=3000)
    assert w.links.region.right() > region.right()
