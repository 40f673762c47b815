"""A big network's first draw in short turns: the diagram's neurons at once, its editing items and
its links in turns of their own, never two views' steps in one pass of the event loop."""

from __future__ import annotations

import types

import pytest
from diagram_helpers import shown_diagram
from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem

from playground.ui.widgets import draw_steps, network_view
from playground.ui.widgets.draw_steps import STEP_GAP, DrawStep
from playground.ui.widgets.network_edit_items import EditButton
from playground.ui.widgets.plot_style import DrawTurns
from playground.ui.widgets.preview import sample_snapshot


@pytest.fixture(scope="module")
def wide():
    """10 hidden layers of 64 neurons: more drawn neurons than a diagram builds in one turn."""
    return sample_snapshot("binary", 0, (64,) * 10, grid_resolution=10)


def _items(w) -> list[tuple]:
    """Every item of the diagram's scene as plain values: kind, place, size, depth, shown, text, tooltip
    (the keyboard focus frame without its visibility, which follows the window focus)."""
    out = []
    assert w.editor.frame is not None and w.editor.frame.scene() is w.scene
    for item in w.scene.items():
        if item is w.editor.frame:
            out.append(("focus frame", item.rect().getRect()))
            continue
        text = item.text if isinstance(item, EditButton) else item.text() if isinstance(
            item, QGraphicsSimpleTextItem) else ""
        r, p = item.boundingRect(), item.scenePos()
        out.append((type(item).__name__, round(p.x(), 3), round(p.y(), 3), round(r.width(), 3),
                    round(r.height(), 3), item.zValue(), item.isVisible(), text, item.toolTip()))
    return sorted(out)


def test_a_big_new_diagram_comes_in_three_turns_and_ends_as_a_one_turn_build(qtbot, wide, monkeypatch):
    w = shown_diagram(qtbot, wide, 700, 460)  # built in the snapshot's turn: neurons, titles, pictures
    assert sum(w.shown) > network_view.SPREAD_NEURONS
    assert all(not n.pixmap.pixmap().isNull() for col in w.neurons for n in col if n.drawn)
    assert not w.editor.columns and not w.editor.add_layer and w.links.pixmap().isNull()
    switched = []
    w.neuron_switch_requested.connect(lambda *a: switched.append(a))
    w.editor.press(w.neurons[1][0].rect.center(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier)
    assert switched == []  # no gesture before the editing items are there
    order = []
    for name, step in (("editor", w._editor_soon), ("links", w._links_soon)):
        run = step.run
        step.run = lambda run=run, name=name: (order.append((name, len(w.editor.columns),
                                                             w.links.pixmap().isNull())), run())
    qtbot.waitUntil(lambda: not w.links.pixmap().isNull())
    assert order == [("editor", 0, True), ("links", 10, True)]  # the editing items, then (later) the links
    w.editor.press(w.neurons[1][0].rect.center(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier)
    assert switched == [(0, 0, True)]

    monkeypatch.setattr(network_view, "SPREAD_NEURONS", 10**6)
    one = shown_diagram(qtbot, wide, 700, 460)  # everything in one turn
    assert one.editor.columns and not one._editor_soon.isActive()
    one.finish_drawing()
    one.editor.press(one.neurons[1][0].rect.center(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier)
    assert _items(w) == _items(one)  # (the same neuron focused in both)
    assert w.links.pixmap().toImage() == one.links.pixmap().toImage()


def test_finishing_a_big_diagram_makes_its_editing_items_and_links_at_once(qtbot, wide):
    w = shown_diagram(qtbot, wide, 700, 460)
    w.finish_drawing()  # before a picture is taken
    assert len(w.editor.columns) == 10 and not w.links.pixmap().isNull()
    assert not w._editor_soon.isActive() and not w._links_soon.isActive()
    w.show_snapshot(wide)  # the same network again: nothing is rebuilt
    assert not w._editor_soon.isActive() and not w._links_soon.isActive()


def test_a_step_waits_until_the_windows_last_step_or_drawing_is_its_gap_old(qtbot, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(draw_steps, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    turns = DrawTurns()
    owner = QObject()
    ran = []

    def step(name: str) -> DrawStep:
        def run() -> None:
            ran.append(name)
            clock[0] += 0.03  # a step of 30 ms

        return DrawStep(run, lambda: turns, owner)

    first, second = step("first"), step("second")
    first.start()
    second.start()  # both due at once
    qtbot.waitUntil(lambda: len(ran) == 1)
    for _ in range(5):
        QApplication.processEvents()
    assert ran == ["first"] and second.isActive()  # not run right after the other: it waits its gap
    assert turns.last == clock[0]  # the window's next drawing counts from the end of the step
    clock[0] += STEP_GAP
    qtbot.waitUntil(lambda: ran == ["first", "second"])
    assert not second.isActive()
    alone = DrawStep(lambda: ran.append("alone"), lambda: None, owner)  # a view on its own: in the next turn
    alone.start()
    qtbot.waitUntil(lambda: ran[-1] == "alone")
    alone.start()
    alone.stop()
    for _ in range(3):
        QApplication.processEvents()
    assert ran.count("alone") == 1


def test_a_link_hovered_in_a_big_diagram_is_named_before_and_after_its_links_are_drawn(qtbot, wide):
    w = shown_diagram(qtbot, wide, 700, 460)
    a, b = w.neurons[1][0].rect, w.neurons[2][0].rect
    pos = QPointF((a.right() + b.left()) / 2, (a.center().y() + b.center().y()) / 2)
    assert w.hover_text_at(pos).startswith("weight layer 1 neuron 1 → layer 2 neuron 1")
    w.finish_drawing()
    assert w.hover_text_at(pos).startswith("weight layer 1 neuron 1 → layer 2 neuron 1")


def test_link_levels_are_the_clipped_quantised_strength_with_nan_at_zero_and_infinities_at_the_top():
    import numpy as np

    from playground.ui.widgets.link_layer import LEVELS, link_levels

    rng = np.random.default_rng(1)
    for dtype in (np.float64, np.float32):
        values = (rng.normal(size=(40, 30)) * 3).astype(dtype)
        values[0, :5] = [np.nan, np.inf, -np.inf, 0.0, -0.0]
        for scale in (1.0, 2.5, 7.0):
            want = np.rint(np.clip(np.abs(np.nan_to_num(values)) / scale, 0.0, 1.0) * (LEVELS - 1)).astype(np.intp)
            got = link_levels(values, scale)
            assert got.dtype == np.intp and np.array_equal(got, want)
            assert list(got[0, :5]) == [0, LEVELS - 1, LEVELS - 1, 0, 0]


def test_a_big_diagram_works_out_the_looks_of_its_drawn_links_only_and_draws_the_same_picture(qtbot, wide):
    import dataclasses

    import numpy as np

    from playground.core.snapshot import frozen_copy
    from playground.ui.widgets.link_layer import link_looks

    w = shown_diagram(qtbot, wide, 700, 460)
    w.finish_drawing()
    shown = w.shown
    assert shown[1] < wide.layer_sizes[1]  # a collapsed layer: most of its links are not drawn
    levels, positive, _ = link_looks(wide, False, shown)
    full_levels, full_positive, _ = link_looks(wide, False)
    for k, (lv, full) in enumerate(zip(levels, full_levels, strict=True)):
        assert lv.shape == (shown[k + 1], shown[k])
        assert np.array_equal(lv, full[:shown[k + 1], :shown[k]])
        assert np.array_equal(positive[k], full_positive[k][:shown[k + 1], :shown[k]])
    picture = w.links.pixmap().toImage()
    w.links.set_links(full_levels, full_positive, False)  # every link's look: the same links drawn alike
    w.links.render()
    assert w.links.pixmap().toImage() == picture
    # the scale is still the largest |w| of all links, drawn or not
    weights = [np.array(a) for a in wide.weights]
    weights[1][-1, -1] = 50.0 * np.abs(weights[1]).max()  # a link behind "+k more"
    strong = dataclasses.replace(wide, weights=tuple(frozen_copy(a) for a in weights))
    assert link_looks(strong, False, shown)[0][1].max() < levels[1].max()
