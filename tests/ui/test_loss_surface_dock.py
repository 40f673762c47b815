"""The loss surface dock: its grid arrives in pieces from the worker and equals the core's, the run's
path is drawn on it, and the optimizer comparison draws three paths from one start."""

from __future__ import annotations

import numpy as np
import pytest
from builders import easy_spec
from window_helpers import make_window

from playground.core.loss_surface import evaluate_rows
from playground.core.trainer import Trainer

SPEC = easy_spec(hidden=(3,), points=60)


def test_the_surface_is_the_cores_grid_and_shows_the_path(qtbot, tmp_path, monkeypatch):
    from playground.ui import loss_surface
    monkeypatch.setattr(loss_surface, "RACE_EPOCHS", 5)
    w = make_window(qtbot, tmp_path, SPEC)
    try:
        surface = w.loss_surface
        w.controller.step_epoch()
        w.controller.step_epoch()
        qtbot.waitUntil(lambda: w.controller.last_snapshot.epoch == 2)
        assert len(surface.path) >= 2
        surface.dock.show()
        qtbot.waitUntil(lambda: surface.setup is not None and surface.done, timeout=10_000)
        setup = surface.setup
        assert setup.job.plane.kind == "pca"
        trainer = Trainer(SPEC)
        trainer.train(2)
        want = evaluate_rows(setup.job, trainer.x_train[:, :-1], trainer.t_train, trainer.head, 0,
                             setup.job.resolution)
        np.testing.assert_allclose(surface.view.grid, want, rtol=1e-12)
        np.testing.assert_allclose(setup.path[-1], 0.0, atol=1e-9)  # the current weights are the origin
        assert setup.train_loss == pytest.approx(trainer.train_loss, rel=1e-12)  # the app may train on the kernel
        assert list(surface.view.paths) == ["this run"]
        surface.plane_box.setCurrentIndex(surface.plane_box.findData("random"))  # asks for a new surface
        qtbot.waitUntil(lambda: surface.setup.job.plane.kind == "random" and surface.done, timeout=10_000)
        job = surface.setup.job  # (0, 0), a grid point, is the current weights
        i, j = int(np.flatnonzero(job.betas == 0.0)[0]), int(np.flatnonzero(job.alphas == 0.0)[0])
        assert surface.view.grid[i, j] == pytest.approx(trainer.train_loss, rel=1e-10)
        # the comparison: three paths from one start on a shared plane
        assert surface.compare()
        assert len(surface.view.paths) == 3
        starts = [p[0] for p in surface.race.paths.values()]
        np.testing.assert_allclose(starts, 0.0, atol=1e-9)
    finally:
        w.close()


def test_follow_training_makes_the_surface_again_while_training_runs(qtbot, tmp_path, monkeypatch):
    from playground.ui import loss_surface
    monkeypatch.setattr(loss_surface, "FOLLOW_MS", 50)
    w = make_window(qtbot, tmp_path, SPEC)
    try:
        surface = w.loss_surface
        surface.dock.show()
        surface.follow_box.setChecked(True)  # asks for a surface now, and again while training runs
        qtbot.waitUntil(lambda: surface.setup is not None and surface.done, timeout=10_000)
        first = surface.setup.batches
        w.controller.play()
        qtbot.waitUntil(lambda: surface.done and surface.setup.batches > first, timeout=20_000)
        assert list(surface.view.paths) == ["this run"]  # the path is drawn on the new surface
    finally:
        w.close()


def test_a_hidden_dock_keeps_the_path_without_flattening_a_snapshots_weights(qtbot, tmp_path, monkeypatch):
    from playground.core import reference_network, weight_path
    from playground.ui import loss_surface
    flattened = []
    for module in (weight_path, loss_surface):  # wherever the dock's code might flatten
        monkeypatch.setattr(module, "flatten", lambda w, b: flattened.append(1) or reference_network.flatten(w, b),
                            raising=False)
    w = make_window(qtbot, tmp_path, SPEC)
    try:
        surface = w.loss_surface
        assert not surface.dock.isVisible()
        for epoch in (1, 2):
            w.controller.step_epoch()
            qtbot.waitUntil(lambda e=epoch: w.controller.last_snapshot.epoch == e)
        assert len(surface.path) >= 3 and not flattened  # kept, not flattened
        surface.dock.show()  # the surface is made on the path: flattened now
        qtbot.waitUntil(lambda: surface.setup is not None and surface.done, timeout=10_000)
        assert flattened
        surface.dock.hide()
        flattened.clear()
        w.controller.step_epoch()
        qtbot.waitUntil(lambda: w.controller.last_snapshot.epoch == 3)
        assert len(surface.path) >= 4 and not flattened  # a surface made, its dock hidden: nothing drawn
        line, _dots = surface.view.paths["this run"]
        assert len(line.xData) == len(surface.setup.path)
        surface.dock.show()  # shown again: the newest point is drawn on the surface
        qtbot.waitUntil(lambda: len(surface.view.paths["this run"][0].xData) == len(surface.setup.path) + 1)
    finally:
        w.close()
