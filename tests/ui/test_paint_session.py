"""Painting through the session: a stroke is one undo step that keeps the run (undo and redo give
the worker back exactly the points before and after it), and a new class is a new run whose undo
puts the previous run back exactly."""

from __future__ import annotations

import numpy as np
from paint_helpers import enter_draw_mode, grow_the_plane, stroke
from window_helpers import wait_snapshot

from playground.core.checkpoint import Checkpoint


def _same_state(a: Checkpoint, b: Checkpoint) -> None:
    """Same spec and points, and weights, optimizer state, counters and history bit for bit."""
    assert a.spec == b.spec and a.dataset.same_points(b.dataset)
    for key in ("epoch", "batches", "init_count"):
        assert a.state[key] == b.state[key], key
    for group in ("weights", "optimizer", "history"):
        assert a.state[group].keys() == b.state[group].keys(), group
        for k in a.state[group]:
            np.testing.assert_array_equal(a.state[group][k], b.state[group][k], err_msg=f"{group}.{k}")


def test_a_stroke_while_training_keeps_the_run_and_is_one_undo_step(qtbot, win):
    w, _ = win
    stack = w.session.undo_stack
    enter_draw_mode(qtbot, w)
    w.play_action.trigger()
    old = wait_snapshot(qtbot, w, lambda s: s.epoch >= 2).dataset
    stroke(w, [(3.0, 3.0), (3.4, 3.0)])
    drawn = w.paint.points.to_dataset()
    s = wait_snapshot(qtbot, w, lambda s: s.dataset.same_points(drawn))
    epoch = s.epoch
    assert stack.count() == 1 and stack.undoText() == "Draw points"
    assert w.spec.data.name == "custom" and len(w.session.runs) == 0  # the same run goes on
    wait_snapshot(qtbot, w, lambda s: s.epoch > epoch)
    stack.undo()
    s = wait_snapshot(qtbot, w, lambda s: s.dataset.same_points(old))
    assert w.paint.points.to_dataset().same_points(old) and w.spec.data.name == "gauss"
    assert w.controller.running and len(w.session.runs) == 0
    stack.redo()
    wait_snapshot(qtbot, w, lambda s: s.dataset.same_points(drawn))
    assert w.paint.points.to_dataset().same_points(drawn) and w.spec.data.name == "custom"
    w.controller.pause()


def test_a_new_class_is_a_new_run_and_undo_puts_the_previous_run_back_exactly(qtbot, win):
    w, _ = win
    enter_draw_mode(qtbot, w)
    w.step_action.trigger()
    w.step_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.epoch == 2)
    before = w.controller.fetch("checkpoint")
    w.paint.bar.class_buttons[2].click()
    stroke(w, [(4.0, -4.0), (4.5, -4.0)])
    s = wait_snapshot(qtbot, w, lambda s: s.layer_sizes[-1] == 3)
    assert s.epoch == 0 and w.spec.data.classes == 3
    assert len(w.session.runs) == 1 and w.session.runs[0].spec == before.spec  # the previous run is kept
    w.session.undo_stack.undo()
    wait_snapshot(qtbot, w, lambda s: s.spec == before.spec)
    _same_state(w.controller.fetch("checkpoint"), before)
    assert w.paint.points.to_dataset().same_points(before.dataset) and w.spec == before.spec
    w.session.undo_stack.redo()
    wait_snapshot(qtbot, w, lambda s: s.layer_sizes[-1] == 3 and s.spec.data.classes == 3)


def test_strokes_that_cannot_train_yet_are_undone_in_the_view_alone(qtbot, win):
    w, _ = win
    s, n = enter_draw_mode(qtbot, w)
    stack = w.session.undo_stack
    w.play_action.trigger()
    qtbot.waitUntil(lambda: w.controller.running)
    w.paint.bar.clear.click()
    assert len(w.paint.points) == 0 and stack.count() == 1
    qtbot.waitUntil(lambda: not w.controller.running)  # training stops: the plane shows no points
    assert w.experiment.data.picker.checkedButton() is None  # the panel shows the drawn (empty) set
    stack.undo()
    assert len(w.paint.points) == n and w.paint.points.to_dataset().same_points(s.dataset)
    assert w.experiment.data.picker.checkedButton() is not None  # the generator's settings again
    assert w.controller.fetch("checkpoint").dataset is s.dataset  # the worker never left its points


def test_an_architecture_edit_keeps_the_plane_that_drawing_grew(qtbot, win):
    from playground.core.architecture_edit import AddNeuron

    w, _ = win
    s = wait_snapshot(qtbot, w, lambda s: True)
    grown = grow_the_plane(qtbot, w)
    assert w.session.apply_architecture_edit(AddNeuron(0))
    after = w.controller.fetch("checkpoint")
    assert after.spec.network.hidden[0] == s.spec.network.hidden[0] + 1 and after.picture_domain == grown
    n = after.spec.network.hidden[0]
    assert wait_snapshot(qtbot, w, lambda s: s.grid is not None and s.layer_sizes[1] == n).grid.domain == grown
