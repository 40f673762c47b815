"""The loss surface: the loss at the plane's origin is the training loss, along a direction it is a
direct evaluation, filter normalisation, principal components and the path's projection."""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_trainer

from playground.core.loss_surface import (
    MAX_RESOLUTION,
    axes_for,
    evaluate_rows,
    pca_plane,
    random_plane,
    resolution_for,
    trainer_job,
)
from playground.core.reference_network import ReferenceNetwork, unflatten


def job_for(trainer, plane, resolution=5):
    """A 5 × 5 grid on ``plane`` covering ±1, with (0, 0) at its centre."""
    return trainer_job(trainer, plane, None, resolution)


def weights_of(trainer):
    state = trainer.network.state_dict()
    n = trainer.network.n_layers
    return [state[f"layers.{i}.weight"] for i in range(n)], [state[f"layers.{i}.bias"] for i in range(n)]


@pytest.mark.parametrize("loss,activation", [("mse", "tanh"), ("bce", "relu"), ("cross_entropy", "sigmoid")])
def test_the_origin_is_the_training_loss_and_a_direction_is_a_direct_evaluation(loss, activation):
    trainer = make_trainer("circle", (4, 3), activation, loss=loss, points=80)
    trainer.train(3)
    plane = random_plane(*weights_of(trainer), seed=1)
    job = job_for(trainer, plane)
    assert job.alphas[2] == 0.0 and job.betas[2] == 0.0
    x, t = trainer.x_train[:, :-1], trainer.t_train
    grid = evaluate_rows(job, x, t, trainer.head, 0, 5)
    assert grid[2, 2] == pytest.approx(trainer.train_loss, rel=1e-10)
    shapes = list(job.shapes)
    for i, j in ((2, 4), (0, 2), (4, 1)):  # (β index, α index)
        w, b = unflatten(plane.point(job.alphas[j], job.betas[i]), shapes)
        state = {}
        for k, (wk, bk) in enumerate(zip(w, b, strict=True)):
            state[f"layers.{k}.weight"], state[f"layers.{k}.bias"] = wk, bk
        direct = ReferenceNetwork.from_state(state, trainer.spec.network.activations, trainer.head).loss(x, t)
        assert grid[i, j] == pytest.approx(direct, rel=1e-12)
    assert not np.allclose(grid, grid[2, 2])  # the loss changes across the plane


def test_random_directions_are_filter_normalised_and_leave_biases_alone():
    trainer = make_trainer("xor", (5,), points=40)
    weights, biases = weights_of(trainer)
    plane = random_plane(weights, biases, seed=3)
    shapes = [w.shape for w in weights]
    for d in (plane.d1, plane.d2):
        dw, db = unflatten(d, shapes)
        for w, part in zip(weights, dw, strict=True):
            np.testing.assert_allclose(np.linalg.norm(part, axis=1), np.linalg.norm(w, axis=1), rtol=1e-12)
        assert all(not b.any() for b in db)
    assert not np.allclose(plane.d1, plane.d2)


def test_principal_components_hold_a_path_in_a_plane():
    rng = np.random.default_rng(0)
    origin = rng.normal(size=30)
    u, v = rng.normal(size=30), rng.normal(size=30)
    coords = rng.normal(size=(12, 2)) * [3.0, 1.0]
    path = origin + coords[:, :1] * u + coords[:, 1:] * v
    plane = pca_plane(path, origin)
    back = plane.origin + plane.project(path) @ np.vstack([plane.d1, plane.d2])
    np.testing.assert_allclose(back, path, atol=1e-9)
    assert sum(plane.explained) == pytest.approx(1.0)
    assert plane.explained[0] >= plane.explained[1]
    still = pca_plane(np.tile(origin, (3, 1)), origin)  # no movement: still a plane
    assert abs(float(still.d1 @ still.d2)) < 1e-12 and np.linalg.norm(still.d1) == pytest.approx(1.0)


def test_resolution_adapts_to_the_network():
    assert resolution_for(121, 250) == MAX_RESOLUTION  # 2 × 8
    assert resolution_for(409, 250) == MAX_RESOLUTION  # 6 × 8
    assert resolution_for(20_000, 250) < 20
    assert resolution_for(10**8, 10**4) >= 11


def test_the_axes_hold_the_path_with_the_origin_on_the_grid():
    path = np.array([[0.0, 0.0], [2.0, -1.0], [5.0, 0.5]])
    alphas, betas = axes_for(path, 21, half_width=0.0)
    assert alphas[0] < 0.0 and alphas[-1] > 5.0 and betas[0] < -1.0 and betas[-1] > 0.5
    assert 0.0 in alphas and 0.0 in betas
    np.testing.assert_allclose(np.diff(alphas), alphas[1] - alphas[0])
    assert alphas[-1] < 12.0  # fitted to the path, not symmetric about it
    alphas, betas = axes_for(path * 0.01, 21)  # a small path on a random plane: still ±1 at least
    assert alphas[0] <= -1.0 and alphas[-1] >= 1.0 and 0.0 in betas


def test_a_race_starts_every_optimizer_at_the_same_point_on_one_plane():
    from builders import make_spec

    from playground.core.optimizer_race import race
    spec = make_spec("gauss", (3,), lr=0.03, points=60)
    result = race(spec, epochs=6, resolution=9)
    assert set(result.paths) == {"sgd", "momentum", "adam"}
    for path in result.paths.values():
        assert path.shape == (7, 2)
        np.testing.assert_allclose(path[0], 0.0, atol=1e-9)  # the common start is the plane's origin
    assert not np.allclose(result.paths["sgd"][-1], result.paths["adam"][-1])
    assert result.grid.shape == (9, 9) and np.isfinite(result.grid).all()
    trainer = make_trainer("gauss", (3,), lr=0.03, points=60)
    assert result.final_loss["sgd"] == pytest.approx((trainer.train(6), trainer.train_loss)[1], rel=1e-12)


def test_a_big_experiment_takes_the_loss_over_a_fixed_sample(monkeypatch):
    from playground.core import loss_surface
    trainer = make_trainer("circle", (6,), points=400)
    weights = weights_of(trainer)
    plane = random_plane(*weights)
    assert trainer_job(trainer, plane, None).rows is None  # small: every training point
    monkeypatch.setattr(loss_surface, "MAX_POINT_WORK", 64 * trainer.network.n_params)
    job = trainer_job(trainer, plane, None, 3)
    assert job.rows is not None and len(job.rows) == 64 and len(set(job.rows.tolist())) == 64
    x, t = trainer.x_train[:, :-1], trainer.t_train
    grid = evaluate_rows(job, x, t, trainer.head, 0, 3)
    direct = ReferenceNetwork.from_state(trainer.network.state_dict(), trainer.spec.network.activations,
                                         trainer.head).loss(x[job.rows], t[job.rows])
    assert grid[1, 1] == pytest.approx(direct, rel=1e-12)


def test_a_race_of_learning_rates_and_runs_that_do_not_share_a_start():
    from builders import make_spec

    from playground.core.optimizer_race import race_runs
    runs = {f"lr {lr:g}": make_spec("circle", (3,), lr=lr, points=60) for lr in (0.003, 3.0)}
    result = race_runs(runs, epochs=5, resolution=7)
    lengths = {label: float(np.abs(np.diff(p, axis=0)).sum()) for label, p in result.paths.items()}
    assert lengths["lr 3"] > 50 * lengths["lr 0.003"]  # the big steps cross the map, the small ones creep
    with pytest.raises(ValueError, match="same weights"):
        race_runs({"a": make_spec("circle", (3,), seed=0), "b": make_spec("circle", (3,), seed=1)}, epochs=1)
