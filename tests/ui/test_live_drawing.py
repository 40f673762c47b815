"""Per-frame drawing while training: what does not change between two snapshots is not drawn again."""

from __future__ import annotations

import time

from builders import make_trainer
from diagram_helpers import shown_diagram
from PySide6.QtCore import QEvent, QObject

from playground.ui import theme
from playground.ui.widgets.gradient_histograms import GradientHistogramsView
from playground.ui.widgets.network_edit_items import EditButton
from playground.ui.widgets.plot_style import DrawTurns, Throttle


class PaintCounter(QObject):
    """Counts the paint events of the widgets it is installed on."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_diagrams_buttons_are_not_painted_again_when_the_pictures_under_them_change(qtbot, monkeypatch):
    painted = []
    original = EditButton.paint

    def counting_paint(self, painter, option, widget=None):
        painted.append(self)
        original(self, painter, option, widget)

    monkeypatch.setattr(EditButton, "paint", counting_paint)
    trainer = make_trainer("spiral", (6, 6))
    first = trainer.snapshot(1, 50)
    trainer.train(20)
    later = trainer.snapshot(1, 50)
    view = shown_diagram(qtbot, first, 700, 500)
    frames = PaintCounter()
    view.view.viewport().installEventFilter(frames)
    qtbot.waitUntil(lambda: frames.count > 0 and bool(painted))  # the first frame paints every button once
    frames.count, before = 0, len(painted)
    view.show_snapshot(later)  # new thumbnails,
    view.refresh_links()  # and a new link image under the whole diagram: every item is repainted
    qtbot.waitUntil(lambda: frames.count > 0)
    assert len(painted) == before


def test_the_next_views_turn_counts_from_the_end_of_a_long_draw(qtbot):
    """A slow draw (a link image, a busy machine) still leaves the other views' draws a gap after it,
    so that two never follow each other in one stretch of the event loop."""
    parent = QObject()
    turns = DrawTurns(gap=0.05)
    spans: dict[str, tuple[float, float]] = {}

    def slow(name: str, seconds: float):
        def draw(_value) -> None:
            start = time.monotonic()
            time.sleep(seconds)  # stands for a draw that keeps the UI thread this long
            spans[name] = (start, time.monotonic())
        return draw

    a, b = Throttle(slow("a", 0.08), 100, parent), Throttle(slow("b", 0.0), 100, parent)
    a.turns = b.turns = turns
    a("x")
    b("x")
    qtbot.waitUntil(lambda: "b" in spans, timeout=2000)
    assert spans["b"][0] - spans["a"][1] >= 0.045


def test_histograms_not_built_yet_take_a_theme_change(qtbot):
    view = GradientHistogramsView()
    qtbot.addWidget(view)
    try:
        theme.apply(theme.DARK, view)  # no snapshot yet: nothing to recolour
        assert [row.polygons for row in view.rows] == [[], []]
    finally:
        theme.apply(theme.LIGHT, view)
