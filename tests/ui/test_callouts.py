"""First-start tips: callouts beside a neuron, the links and the output (with the colour scale), shown once,
again from the Help menu."""

from __future__ import annotations

from file_helpers import close_quietly
from PySide6.QtCore import QPoint, QRect, QSettings
from window_helpers import easy_spec, wait_snapshot

from playground.ui import palette
from playground.ui.callouts import SEEN_KEY, colour_scale
from playground.ui.main_window import MainWindow


def _window(qtbot, path) -> MainWindow:
    w = MainWindow(easy_spec(), settings=QSettings(str(path), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    wait_snapshot(qtbot, w, lambda s: True)
    return w


def test_a_first_start_shows_the_tips_beside_what_they_explain_once(qtbot, tmp_path):
    path = tmp_path / "first.ini"
    w = _window(qtbot, path)
    tips = w.tips
    qtbot.waitUntil(lambda: tips.visible() == ["neuron", "links", "colours"], timeout=3000)
    by_name = {c.name: c for c in tips.callouts}
    qtbot.waitUntil(lambda: all(c.pos() != QPoint(0, 0) for c in tips.callouts), timeout=3000)
    assert "output of one neuron" in by_name["neuron"].text and "hover" in by_name["neuron"].text
    assert "Link width shows the weight" in by_name["links"].text
    # each sits over what it explains
    diagram = QRect(w.network_view.mapTo(w, QPoint(0, 0)), w.network_view.size())
    for name in ("neuron", "links"):
        assert diagram.contains(by_name[name].geometry().topLeft()), name
    output = QRect(w.boundary.mapTo(w, QPoint(0, 0)), w.boundary.size())
    assert output.intersects(by_name["colours"].geometry())
    for c in tips.callouts:
        c.button.click()
    assert tips.visible() == [] and w.settings.value(SEEN_KEY, False, type=bool)
    assert not tips._watching  # no Python event filter on the window once the tips are gone
    close_quietly(w, None)
    w2 = _window(qtbot, path)  # not again at the next start ...
    try:
        qtbot.wait(50)  # the first start shows them on the next turn of the event loop: give it that turn
        assert w2.tips.visible() == [] and not w2.tips._watching
        assert w2.tips.action in w2.help_menu.actions()
        w2.tips.action.trigger()  # ... but from the Help menu
        assert w2.tips.visible() == ["neuron", "links", "colours"]
    finally:
        close_quietly(w2, None)


def test_the_colour_scale_runs_from_orange_through_grey_to_blue():
    image = colour_scale(101, 4).toImage()
    left, mid, right = (image.pixelColor(x, 1).name() for x in (0, 50, 100))
    assert (left, mid, right) == (palette.NEGATIVE, palette.NEUTRAL, palette.POSITIVE)


def test_the_tips_never_cover_each_other_in_a_small_window(qtbot, tmp_path):
    w = _window(qtbot, tmp_path / "small.ini")
    tips = w.tips
    qtbot.waitUntil(lambda: tips.visible() == ["neuron", "links", "colours"], timeout=3000)
    w.resize(1024, 700)  # the diagram narrows: the tips' anchors come close together
    boxes = lambda: [c.geometry() for c in tips.callouts]  # noqa: E731
    qtbot.waitUntil(lambda: not any(a.intersects(b) for i, a in enumerate(boxes()) for b in boxes()[i + 1:]),
                    timeout=3000)
    area = w.rect()
    assert all(area.contains(r) for r in boxes())
    close_quietly(w, None)

