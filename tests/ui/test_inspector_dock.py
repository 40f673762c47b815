"""The backprop inspector dock: the values shown at every stage are the core's, the diagram lights the
layer being computed, Apply performs exactly the previewed step, Step batch says which batch it ran."""

from __future__ import annotations

import numpy as np
import pytest
from builders import easy_spec
from window_helpers import make_window, settle

from playground.core.inspector import fmt, inspect, inspect_next_batch
from playground.core.inspector_text import neuron_equations, stage_column, stages, weight_equations
from playground.core.trainer import Trainer

SPEC = easy_spec(hidden=(3, 2), batch=8, points=60, optimizer="adam")


@pytest.fixture
def window(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, SPEC)
    yield w
    w.close()


def assert_shows(panel, insp):
    """Every stage's table holds the core's numbers (means over the rows), and the diagram lights its layer."""
    view = panel.window().network_view if hasattr(panel.window(), "network_view") else None
    for index, stage in enumerate(stages(insp)):
        panel.set_stage(index)
        kind, layer = stage
        if kind == "forward":
            for j in range(insp.z[layer].shape[1]):
                assert panel.cell(j, 1) == fmt(float(insp.z[layer][:, j].mean()))
                assert panel.cell(j, 2) == fmt(float(insp.a[layer][:, j].mean()))
        elif kind == "error":
            for j in range(insp.target.shape[1]):
                assert panel.cell(j, 1) == fmt(float(insp.a[-1][:, j].mean()))
                assert panel.cell(j, 2) == fmt(float(insp.target[:, j].mean()))
                assert panel.cell(j, 4) == fmt(float(insp.deltas[-1][:, j].mean()))
        elif kind == "backward":
            n_out = insp.deltas[layer].shape[1]
            for j in range(n_out):
                assert panel.cell(j, 1) == fmt(float(insp.deltas[layer][:, j].mean()))
            assert panel.cell(n_out, 3) == fmt(float(insp.grad_w[layer][0, 0]))  # the first link: w 1 → 1
        else:
            assert panel.cell(0, 1) == fmt(float(insp.update.old_w[0][0, 0]))
            assert panel.cell(0, 3) == fmt(float(insp.update.step_w[0][0, 0]))
            assert panel.cell(0, 4) == fmt(float(insp.update.new_w[0][0, 0]))
            assert panel.previews.isVisibleTo(panel)
        if view is not None:
            assert view.marks.column == stage_column(insp, stage)


def test_a_single_example_shows_the_cores_values_and_apply_is_that_step(qtbot, window):
    w = window
    expected = inspect(Trainer(SPEC), [4])
    assert w.inspector.inspect_rows([4])
    panel = w.inspector.panel
    assert w.inspector.dock.isVisible() and not w.controller.running
    assert_shows(panel, expected)
    panel.set_stage(len(stages(expected)) - 2)  # the backward pass of the first layer
    w.network_view.neuron_clicked.emit(2, 1)  # hidden layer 2, neuron 2
    assert panel.equations.text() == "\n".join(neuron_equations(expected, 1, 1))
    panel.select(("link", 0, 2, 1))
    assert panel.equations.text() == "\n".join(weight_equations(expected, 0, 2, 1))
    # Apply: exactly the previewed update, counted
    assert w.inspector.apply()
    wf = w.controller.fetch("weights")
    for layer, new in enumerate(expected.update.new_w):
        np.testing.assert_array_equal(wf.weight(layer), new)
    s = settle(qtbot, w)
    assert s.batches == 1
    assert panel.inspection.batches == 1 and panel.inspection.rows.tolist() == [4]  # the same point, after the step
    assert "loss" in w.status.currentMessage()


def test_the_mini_batch_shows_means_and_marks_its_points(qtbot, window):
    w = window
    expected = inspect_next_batch(Trainer(SPEC))
    assert w.inspector.inspect_batch()
    assert w.inspector.panel.inspection.batch == expected.batch
    np.testing.assert_array_equal(w.inspector.panel.inspection.rows, expected.rows)
    assert_shows(w.inspector.panel, expected)
    assert len(w.inspector.marks.data) == len(expected.rows)


def test_step_batch_says_which_batch_it_ran_and_a_click_picks_a_point(qtbot, window):
    w = window
    w.step_batch_action.trigger()
    qtbot.waitUntil(lambda: "Step batch: ran mini-batch 1 of" in w.status.currentMessage())
    assert len(w.inspector.marks.data) == SPEC.training.batch_size
    # a click on the map picks the nearest training point within a few pixels
    s = w.controller.last_snapshot
    x, y = s.dataset.x_train[7]
    assert w.inspector.pick_at(x + 0.01, y, 0.05) == 7
    assert w.inspector.pick_at(100.0, 100.0, 0.05) is None


def test_next_example_play_slowly_and_training_on_make_it_stale(qtbot, window):
    w = window
    panel = w.inspector.panel
    panel.next_example_button.click()
    assert panel.inspection.rows.tolist() == [0]
    panel.next_example_button.click()
    assert panel.inspection.rows.tolist() == [1]
    panel._timer.setInterval(5)  # play slowly, fast
    panel.play_button.click()
    last = len(panel.stage_list) - 1
    qtbot.waitUntil(lambda: panel.stage == last and not panel.play_button.isChecked())
    assert panel.previews.isVisibleTo(panel) and w.network_view.marks.link_values is not None
    w.play_action.trigger()
    qtbot.waitUntil(lambda: panel.inspection is None)
    assert w.network_view.marks.column is None and w.network_view.marks.link_values is None
    assert "Training went on" in panel.summary.text() or "moved on" in panel.summary.text()
