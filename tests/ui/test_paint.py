"""Draw mode with simulated mouse events: add, spray, erase, clear, undo, a new class, a blank
plane, and painting while training (the worker's data changes, the weights stay)."""

from __future__ import annotations

import numpy as np
from file_helpers import same_arrays, weights_of
from paint_helpers import NO_MOD, enter_draw_mode, pixel, stroke
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_helpers import settle, wait_snapshot


def _worker_points(qtbot, w, n: int):
    s = wait_snapshot(qtbot, w, lambda s: s.dataset.n_train + s.dataset.n_test == n)
    return np.concatenate([s.dataset.x_train, s.dataset.x_test]), np.concatenate([s.dataset.y_train, s.dataset.y_test])


def test_a_click_adds_a_point_of_the_chosen_class_and_a_drag_sprays(qtbot, win):
    w, _ = win
    _, n = enter_draw_mode(qtbot, w)
    w.paint.bar.class_buttons[1].click()
    stroke(w, [(2.0, 3.0)])
    assert len(w.paint.points) == n + 1
    x, y = _worker_points(qtbot, w, n + 1)
    i = int(np.argmin(np.hypot(x[:, 0] - 2.0, x[:, 1] - 3.0)))
    assert np.hypot(x[i, 0] - 2.0, x[i, 1] - 3.0) < 0.1 and y[i] == 1
    assert w.spec.data.name == "custom" and w.experiment.data.picker.checkedButton() is None
    assert w.experiment.data.custom_button.isVisible()  # the edited data's own thumbnail
    # A drag sprays points along its path.
    n += 1
    w.paint.bar.density.setValue(5)
    path = [(-4.0, -4.0), (-3.5, -4.0), (-3.0, -4.0), (-2.5, -4.0)]
    stroke(w, path)
    p = w.paint.points
    assert len(p) == n + 1 + 5 * 3
    new = p.x[n:]
    radius = 0.04 * np.diff(w.boundary.plot.getPlotItem().getViewBox().viewRange()[0])[0]
    assert (new[:, 0] > -4.0 - radius - 0.1).all() and (new[:, 0] < -2.5 + radius + 0.1).all()
    assert (np.abs(new[:, 1] + 4.0) < radius + 0.1).all()
    _worker_points(qtbot, w, n + 16)


def test_a_right_drag_or_shift_drag_erases_near_the_cursor(qtbot, win):
    w, _ = win
    _, n = enter_draw_mode(qtbot, w)
    p = w.paint.points
    centre = tuple(p.x[0])
    radius = 0.04 * np.diff(w.boundary.plot.getPlotItem().getViewBox().viewRange()[0])[0]
    near = int(np.sum(np.hypot(p.x[:, 0] - centre[0], p.x[:, 1] - centre[1]) <= radius * 0.9))
    assert near >= 1
    stroke(w, [centre], button=Qt.MouseButton.RightButton)
    left = w.paint.points
    assert len(left) <= n - near
    assert np.hypot(left.x[:, 0] - centre[0], left.x[:, 1] - centre[1]).min() > radius * 0.9
    _worker_points(qtbot, w, len(left))
    # Shift with the left button erases too.
    centre = tuple(left.x[0])
    stroke(w, [centre], modifier=Qt.KeyboardModifier.ShiftModifier)
    assert len(w.paint.points) < len(left)


def test_clear_leaves_nothing_to_train_and_play_says_what_is_missing(qtbot, win):
    w, _ = win
    s, n = enter_draw_mode(qtbot, w)
    assert "\nD:" in "\n" + w.shortcuts_text()  # Draw mode is listed with its key
    w.paint.bar.clear.click()
    assert len(w.paint.points) == 0
    w.play_action.trigger()
    assert not w.controller.running
    assert "Draw at least 2 points in each of 2 classes" in w.banner.text
    w.step_action.trigger()  # nor does Step train the points the plane no longer shows
    assert settle(qtbot, w).epoch == s.epoch
    # The worker kept the last trainable points; nothing was lost.
    assert w.controller.last_snapshot.dataset.n_train + w.controller.last_snapshot.dataset.n_test == n


def test_every_stroke_is_one_undo_step(qtbot, win):
    w, _ = win
    stack = w.session.undo_stack
    _, n = enter_draw_mode(qtbot, w)
    stroke(w, [(1.0, 1.0), (1.5, 1.0)])
    added = len(w.paint.points)
    assert stack.count() == 1 and added > n
    _worker_points(qtbot, w, added)
    stack.undo()
    assert len(w.paint.points) == n
    _worker_points(qtbot, w, n)
    stack.redo()
    _worker_points(qtbot, w, added)


def test_a_new_class_grows_k_and_redraws_the_output_layer_only(qtbot, win):
    w, _ = win
    enter_draw_mode(qtbot, w)
    before = weights_of(w)
    assert w.paint.bar.class_buttons[2].isVisible() and not w.paint.bar.class_buttons[3].isVisible()
    w.paint.bar.class_buttons[2].click()
    stroke(w, [(4.0, -4.0), (4.5, -4.0)])
    s = wait_snapshot(qtbot, w, lambda s: s.layer_sizes[-1] == 3)
    assert w.spec.data.classes == 3 and s.epoch == 0
    after = weights_of(w)
    last = len(s.layer_sizes) - 2
    for key in before:
        if not key.startswith(f"layers.{last}."):
            np.testing.assert_array_equal(after[key], before[key])
    assert w.paint.bar.class_buttons[3].isVisible()


def test_a_blank_plane_trains_once_two_classes_have_two_points(qtbot, win):
    w, _ = win
    settle(qtbot, w)
    w.experiment.data.blank_button.click()
    assert w.paint.draw_action.isChecked() and len(w.paint.points) == 0
    assert w.experiment.data.picker.checkedButton() is None
    for k, xs in ((0, (-3.0, -2.0)), (1, (2.0, 3.0))):
        w.paint.bar.class_buttons[k].click()
        for x in xs:
            stroke(w, [(x, 0.0)])
    x, y = _worker_points(qtbot, w, 4)
    assert sorted(y.tolist()) == [0, 0, 1, 1]
    assert w.paint.play_blocked() is None
    w.play_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.epoch >= 3 and s.dataset.n_train + s.dataset.n_test == 4)
    w.controller.pause()


def test_painting_while_paused_keeps_the_weights(qtbot, win):
    w, _ = win
    w.step_action.trigger()
    wait_snapshot(qtbot, w, lambda s: s.epoch == 1)
    _, n = enter_draw_mode(qtbot, w)
    before = weights_of(w)
    stroke(w, [(0.5, 0.5)])
    _worker_points(qtbot, w, n + 1)
    assert same_arrays(weights_of(w), before)
    assert w.controller.last_snapshot.epoch == 1


def test_painting_while_training_changes_the_workers_data_and_the_run_goes_on(qtbot, win):
    w, _ = win
    _, n = enter_draw_mode(qtbot, w)
    w.play_action.trigger()
    before = wait_snapshot(qtbot, w, lambda s: s.epoch >= 3)
    epoch = before.epoch
    w.paint.bar.density.setValue(4)
    stroke(w, [(3.0, 3.0), (3.3, 3.0), (3.6, 3.0)])
    total = len(w.paint.points)
    s = wait_snapshot(qtbot, w, lambda s: s.dataset.n_train + s.dataset.n_test == total and s.epoch > epoch)
    # The same run: its history goes on from the epochs before the stroke.
    k = int(np.searchsorted(before.history.epochs, epoch, side="right"))
    assert w.controller.running and k >= 3
    np.testing.assert_array_equal(s.history.epochs[:k], before.history.epochs[:k])
    np.testing.assert_array_equal(s.history.train_loss[:k], before.history.train_loss[:k])
    w.controller.pause()


def test_regression_points_take_the_sliders_value(qtbot, tmp_path):
    from builders import make_spec
    from file_helpers import close_quietly, file_window

    w, dialogs = file_window(qtbot, tmp_path, make_spec("plane", (4,), points=60))
    try:
        _, n = enter_draw_mode(qtbot, w)
        assert w.paint.bar.value.isVisible() and not w.paint.bar.class_buttons[0].isVisible()
        w.paint.bar.value.setValue(-40)
        stroke(w, [(1.0, -1.0)])
        x, y = _worker_points(qtbot, w, n + 1)
        i = int(np.argmin(np.hypot(x[:, 0] - 1.0, x[:, 1] + 1.0)))
        assert y[i] == -0.4
    finally:
        close_quietly(w, dialogs)


def test_drawn_points_save_with_the_experiment_and_export_to_csv(qtbot, tmp_path, win):
    from playground.core.io.csv_data import read_csv
    from playground.core.io.project import loads_project
    from playground.ui.dialogs import CSV_FILTER

    w, dialogs = win
    _, n = enter_draw_mode(qtbot, w)
    w.paint.bar.class_buttons[1].click()
    stroke(w, [(5.0, 5.0), (5.2, 5.0)])
    drawn = w.paint.points.to_dataset()
    _worker_points(qtbot, w, len(w.paint.points))
    saved = loads_project(w.controller.fetch("project").text)
    assert saved.dataset.same_points(drawn) and saved.spec.data.name == "custom"
    dialogs.save_answers.append((str(tmp_path / "drawn.csv"), CSV_FILTER))
    assert w.exports.export_data() and not dialogs.errors
    back = read_csv(tmp_path / "drawn.csv")
    assert back.n_train + back.n_test == len(w.paint.points) and back.same_points(drawn)


def test_the_view_never_rescales_during_a_stroke_and_fits_to_the_data_on_request(qtbot, win):
    w, _ = win
    _, n = enter_draw_mode(qtbot, w)
    vb = w.boundary.plot.getPlotItem().getViewBox()
    port = w.boundary.plot.viewport()
    start = vb.viewRange()
    QTest.mousePress(port, Qt.MouseButton.LeftButton, NO_MOD, pixel(w, 5.5, 5.5))
    for x in (5.6, 5.7, 5.8):
        QTest.mouseMove(port, pixel(w, x, 5.5))
        assert vb.viewRange() == start  # under the pen nothing moves
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, NO_MOD, pixel(w, 5.8, 5.5))
    far = w.paint.points.added([[30.0, 0.0]], 0, 0.5)
    w.paint._commit(w.paint.points, far, "Draw points")  # a point far out grows the domain
    s = wait_snapshot(qtbot, w, lambda s: s.grid is not None and s.grid.domain[1] > 30.0)
    w.paint._commit(far, far.erased((30.0, 0.0), 1.0), "Erase points")
    s = wait_snapshot(qtbot, w, lambda s: s.dataset.n_train + s.dataset.n_test == len(far) - 1)
    assert s.grid.domain[1] > 30.0  # erasing did not shrink it
    w.paint.bar.fit.click()
    s = wait_snapshot(qtbot, w, lambda s: s.grid is not None and s.grid.domain[1] < 30.0)
    assert s.grid.domain == s.dataset.domain()


def test_a_blank_plane_after_a_regression_starts_a_classification_run(qtbot, tmp_path):
    from builders import make_spec
    from file_helpers import close_quietly, file_window

    w, dialogs = file_window(qtbot, tmp_path, make_spec("plane", (4,), points=60))
    try:
        settle(qtbot, w)
        w.experiment.data.blank_button.click()
        for k, xs in ((0, (-3.0, -2.0)), (1, (2.0, 3.0))):
            w.paint.bar.class_buttons[k].click()
            for x in xs:
                stroke(w, [(x, 0.0)])
        s = wait_snapshot(qtbot, w, lambda s: s.dataset.problem == "classification")
        assert s.dataset.n_train + s.dataset.n_test == 4 and w.spec.data.problem_type == "classification"
    finally:
        close_quietly(w, dialogs)
