"""A diagram edit shows its result at once: the new columns and links are drawn from the edit's own
checkpoint before the worker has built the new run, and the neurons' pictures come with the worker's
first snapshot of it; the run before is never drawn under the new architecture."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from window_helpers import wait_snapshot

from playground.core.architecture_edit import AddNeuron
from playground.ui import training_worker


@pytest.fixture
def held_worker(monkeypatch):
    """The worker stops before it builds a restored run until the event is set (set again at the end)."""
    barrier = threading.Event()
    build = training_worker.build_trainer

    def held_build(*args, **kwargs):
        barrier.wait(10)
        return build(*args, **kwargs)

    monkeypatch.setattr(training_worker, "build_trainer", held_build)
    yield barrier
    barrier.set()


def pictures(view, column: int) -> list[bool]:
    """Which neurons of a diagram column show a picture (a blank one is its frame only)."""
    return [not n.pixmap.pixmap().isNull() for n in view.neurons[column]]


def test_an_edit_draws_the_new_columns_and_links_before_the_worker_answers(qtbot, win, held_worker):
    w, _ = win
    view, c = w.network_view, w.controller
    wait_snapshot(qtbot, w, lambda s: True)
    assert all(pictures(view, 1))
    old_generation = c.last_snapshot.generation
    hidden = w.spec.network.hidden
    assert w.session.apply_architecture_edit(AddNeuron(0))
    # The worker is held: no snapshot of the new run exists, and yet the diagram shows it.
    assert c.last_snapshot.generation == old_generation != c.generation
    assert len(view.neurons[1]) == hidden[0] + 1
    assert view.links.shapes[0] == (hidden[0] + 1, len(w.spec.features)) and view.links.shapes[1][1] == hidden[0] + 1
    after = w.undo_stack.steps()[-1].after
    np.testing.assert_array_equal(view._snapshot.weights[0], after.weights["layers.0.weight"])
    assert not any(pictures(view, 1)) and not any(pictures(view, 2))  # blank until the new run's pictures
    assert all(pictures(view, 0))  # the same features over the same plane: their pictures stay
    qtbot.waitUntil(lambda: not view.links.pixmap().isNull())  # the links right after the first paint
    held_worker.set()
    wait_snapshot(qtbot, w, lambda s: s.layer_sizes[1] == hidden[0] + 1)
    qtbot.waitUntil(lambda: all(pictures(view, 1)))


def test_undo_draws_the_run_before_at_once(qtbot, win, held_worker):
    w, _ = win
    view = w.network_view
    held_worker.set()
    hidden = w.spec.network.hidden
    assert w.session.apply_architecture_edit(AddNeuron(0))
    wait_snapshot(qtbot, w, lambda s: s.layer_sizes[1] == hidden[0] + 1)
    held_worker.clear()
    w.undo_stack.undo()
    assert len(view.neurons[1]) == hidden[0] and w.controller.last_snapshot.layer_sizes[1] == hidden[0] + 1
    before = w.undo_stack.steps()[-1].before
    np.testing.assert_array_equal(view._snapshot.weights[0], before.weights["layers.0.weight"])
    held_worker.set()
    wait_snapshot(qtbot, w, lambda s: s.layer_sizes[1] == hidden[0])


def test_a_snapshot_held_for_the_timers_pass_when_an_edit_begins_a_new_run_is_never_shown(qtbot, win, held_worker):
    """A snapshot that came right after a drawing waits for the timers' pass (``snapshot_turn``);
    when an edit begins a new run meanwhile, its turn must not draw the old architecture again."""
    w, _ = win
    view = w.network_view
    old = wait_snapshot(qtbot, w, lambda s: True)
    hidden = w.spec.network.hidden
    w.snapshot_turn._on_drawing_ended()  # a drawing just ended: the next snapshot is held
    w.snapshot_turn.offer(old)
    assert w.snapshot_turn._held is old
    assert w.session.apply_architecture_edit(AddNeuron(0))
    assert len(view.neurons[1]) == hidden[0] + 1  # the new run's preview
    qtbot.waitUntil(lambda: w.snapshot_turn._held is None)  # its turn came, before the new run's first snapshot
    assert w.controller.last_snapshot.generation == old.generation != w.controller.generation
    assert len(view.neurons[1]) == hidden[0] + 1 and view._snapshot.generation == w.controller.generation
    held_worker.set()
    wait_snapshot(qtbot, w, lambda s: s.layer_sizes[1] == hidden[0] + 1)
    qtbot.waitUntil(lambda: all(pictures(view, 1)))  # and the new run goes on
