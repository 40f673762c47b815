"""A big network's diagram: its links drawn in their own turn of the event loop, and less often when slow."""

from __future__ import annotations

import types

import pytest
from diagram_helpers import shown_diagram

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
    clock = [0.0]  # the UI thread's CPU time, moved on only by the link image's renders
    took = [0.2]

    def render(_ratio: float) -> bool:
        clock[0] += took[0]
        return True

    monkeypatch.setattr(network_view, "time", types.SimpleNamespace(thread_time=lambda: clock[0]))
    monkeypatch.setattr(w.links, "render", render)
    w._render_links()
    assert w.link_throttle.max_fps == pytest.approx(network_view.LINK_SHARE / 0.2)  # 0.2 a second: 4 %
    took[0] = 0.001
    w._render_links()
    assert w.link_throttle.max_fps == network_view.LINK_RENDERS_PER_SECOND


def test_a_picture_of_every_neuron_is_drawn_for_the_drawn_neurons_only(qtbot):
    from builders import make_trainer

    t = make_trainer("xor", (40, 3))
    w = shown_diagram(qtbot, t.snapshot(grid_resolution=30), 600, 400)
    drawn = {}
    set_column = w.thumbnails._set_column
    w.thumbnails._set_column = lambda c, ids, pixmaps: (drawn.update({c: (list(ids), len(pixmaps))}),
                                                         set_column(c, ids, pixmaps))
    w.show_snapshot(t.snapshot(grid_resolution=30))  # every neuron's image (no request): 40 in layer 1
    assert drawn[1] == (list(range(w.shown[1])), w.shown[1]) and w.shown[1] < 40


def test_a_new_neuron_request_is_drawn_at_once_when_paused_and_with_the_next_picture_when_training(monkeypatch):
    from builders import make_spec

    from playground.core.neuron_images import NeuronRequest
    from playground.ui import training_worker

    monkeypatch.setattr(training_worker, "lower_this_thread_priority", lambda: None)  # this is the test's thread
    w = training_worker.TrainingWorker()
    made = []
    w.snapshot_made.connect(lambda s, _eps: made.append(s))
    w.load(make_spec(hidden=(6,)), None, None, "float64", 1)
    w.acknowledge()
    first = NeuronRequest.of([(0,), (2, 3), (0,)], 8)
    w.set_visible_neurons(first)  # paused: a picture with those images at once
    assert len(made) == 2 and [list(ids) for ids in made[-1].grid.neuron_ids] == [[0], [2, 3], [0]]
    w.acknowledge()
    w.play()
    w.set_visible_neurons(NeuronRequest.of([(0,), (4,), (0,)], 8))  # training: no extra picture for it
    assert len(made) == 2
    w.pause()  # the next picture has the new request's images
    assert len(made) == 3 and [list(ids) for ids in made[-1].grid.neuron_ids] == [[0], [4], [0]]
