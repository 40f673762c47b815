"""Big epochs in pieces: the same numbers as one compiled epoch, stoppable between pieces, within the work budget."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core import epoch_pieces
from playground.core.spec import (
    MAX_POINTS,
    DataSpec,
    ExperimentSpec,
    NetworkSpec,
    OptimizerSpec,
    SpecError,
    TrainingSpec,
)
from playground.core.spec_limits import MAX_WORK, picture_resolution
from playground.core.trainer import Trainer


def make_spec(hidden=(8, 8), points=300, batch=10, optimizer="sgd", loss="mse", dataset="spiral",
              regularization="none", shuffle=True) -> ExperimentSpec:
    return ExperimentSpec(
        data=DataSpec(name=dataset, points=points, classes=3 if dataset == "blobs" else 2),
        network=NetworkSpec.uniform(hidden, "tanh"),
        training=TrainingSpec(loss=loss, optimizer=OptimizerSpec(optimizer), batch_size=batch, shuffle=shuffle,
                              regularization=regularization,
                              regularization_rate=0.001 if regularization != "none" else 0.0))


def pieced_trainer(spec: ExperimentSpec, monkeypatch: pytest.MonkeyPatch, work: int) -> Trainer:
    """A trainer whose epochs are split into pieces of ``work`` parameter·rows (tiny, to have many)."""
    with monkeypatch.context() as m:
        m.setattr(epoch_pieces, "PIECE_WORK", work)
        trainer = Trainer(spec)
    assert trainer._pieces is not None
    return trainer


def every_other() -> object:
    """A keep_going that says no every other time it is asked."""
    asked = [0]

    def keep_going() -> bool:
        asked[0] += 1
        return asked[0] % 2 == 0
    return keep_going


@pytest.mark.parametrize("kw", [
    {"batch": 10},  # whole batches grouped
    {"batch": 150},  # the whole training set in one batch, split by rows
    {"batch": 1, "points": 1400},  # many batches: staged copies into a shared call list
    {"batch": 7, "optimizer": "adam", "loss": "cross_entropy", "dataset": "blobs", "regularization": "l2"},
    {"batch": 40, "shuffle": False, "optimizer": "momentum", "loss": "bce"},
])
def test_an_epoch_in_pieces_stopped_often_equals_the_compiled_epoch(kw, monkeypatch):
    spec = make_spec(**kw)
    whole = Trainer(spec)
    assert whole._pieces is None
    pieced = pieced_trainer(spec, monkeypatch, work=2000)
    whole.train(3)
    done, calls = 0, 0
    keep_going = every_other()
    while done < 3:
        done += pieced.train(3 - done, keep_going)
        calls += 1
    assert calls > 3  # it was stopped inside epochs
    assert (pieced.epoch, pieced.batches) == (whole.epoch, whole.batches)
    # Split batches add their chunks' gradients in another order: equal to rounding.
    np.testing.assert_allclose(pieced.network.params, whole.network.params, rtol=0, atol=1e-12)
    np.testing.assert_allclose(pieced.history.view().train_loss, whole.history.view().train_loss, rtol=1e-12)
    np.testing.assert_allclose(pieced.grad_norms(), whole.grad_norms(), rtol=1e-9)


def test_a_stopped_epoch_goes_on_where_it_stopped_and_saves_between_batches(monkeypatch):
    spec = make_spec(batch=10)
    pieced = pieced_trainer(spec, monkeypatch, work=20_000)  # whole batches in a piece
    assert not pieced.step_epoch(lambda: False)  # one piece ran, then it was told to stop
    assert pieced.epoch == 0 and 0 < pieced.batch_index
    state = pieced.get_state()
    assert state["batch_index"] == pieced.batch_index
    assert pieced.step_epoch() and pieced.epoch == 1


def test_a_state_taken_inside_the_metrics_pass_finishes_the_epoch_first(monkeypatch):
    spec = make_spec(batch=150)
    pieced = pieced_trainer(spec, monkeypatch, work=2000)
    whole = Trainer(spec)
    whole.step_epoch()
    n_batch_pieces = len(pieced._pieces.batch_chunks[0])
    asked = [0]

    def stop_in_metrics() -> bool:
        asked[0] += 1
        return asked[0] < n_batch_pieces  # every batch chunk, then stop inside the metrics pass

    assert not pieced.step_epoch(stop_in_metrics)
    assert pieced._metrics_next is not None and pieced.epoch == 0
    state = pieced.get_state()
    assert state["epoch"] == 1 and state["batch_index"] == 0
    assert pieced.train_loss == pytest.approx(whole.train_loss, rel=1e-12)


def test_pieces_stay_small_at_the_largest_allowed_settings():
    """16 × 256 neurons with as many points as the budget allows, batch size 1: many pieces,
    none bigger than the piece work (only a few are run: the test stays quick)."""
    spec = make_spec(hidden=(256,) * 16, points=1000, batch=1)
    trainer = Trainer(spec)
    pieces = trainer._pieces
    assert pieces is not None
    n = trainer.network.n_params
    assert all(len(c) == 1 for c in pieces.batch_chunks)
    assert len(pieces.groups) >= pieces.n_batches // 2  # a piece holds one or two batches
    assert len(pieces.metric_pieces) >= 1000 * n // epoch_pieces.PIECE_WORK
    asked = [0]

    def three_pieces() -> bool:
        asked[0] += 1
        return asked[0] < 3
    assert not trainer.step_epoch(three_pieces)
    assert 0 < trainer.batch_index <= 6


def test_the_work_budget_refuses_too_much_and_says_what_to_reduce():
    with pytest.raises(SpecError) as err:
        make_spec(hidden=(256,) * 16, points=MAX_POINTS, batch=1)
    text = str(err.value)
    assert "work budget" in text and "points" in text and "hidden layers" in text
    most = int(text.split("use at most ")[1].split(" points")[0].replace(",", ""))
    make_spec(hidden=(256,) * 16, points=most, batch=1)  # what it says fits
    with pytest.raises(SpecError, match="work budget"):
        make_spec(hidden=(256,) * 16, points=most + 1, batch=1)
    make_spec(hidden=(8,) * 6, points=MAX_POINTS)  # the default network fits with the most points


def test_the_work_budget_is_checked_on_custom_points_too():
    spec = ExperimentSpec(data=DataSpec(name="custom", problem="classification"),
                          network=NetworkSpec.uniform((256,) * 16, "tanh"))
    rng = np.random.default_rng(0)
    from playground.core.dataset import Dataset
    x = rng.uniform(-6, 6, (MAX_POINTS, 2))
    y = (x[:, 0] > 0).astype(np.int64)
    data = Dataset(x[:50_000], y[:50_000], x[50_000:], y[50_000:], "classification", 2, "custom")
    with pytest.raises(SpecError, match="work budget"):
        Trainer(spec, data)


def test_pictures_scale_down_to_the_budget_rather_than_refuse():
    assert picture_resolution(400, 400) == 400
    big = picture_resolution(1_000_000, 400)
    assert big < 400 and 1_000_000 * big**2 <= MAX_WORK
    spec = make_spec(hidden=(256,) * 16, points=100)
    grid = Trainer(spec).evaluate_grid(400)
    assert grid.resolution == big and grid.output.shape == (big, big)


def test_neuron_images_are_thumbnails_of_the_grid():
    """A 400² grid's neuron images are sampled down to at most 100² (4,096 neurons at 400² would be
    2.6 GB); the boundary itself keeps every cell."""
    from playground.core.grid import NEURON_RESOLUTION, neuron_stride
    trainer = Trainer(make_spec(hidden=(6, 5)))
    grid = trainer.evaluate_grid(400)
    step = neuron_stride(400)
    assert grid.output.shape == (400, 400)
    assert all(image.shape[1:] == (100, 100) and image.shape[1] <= NEURON_RESOLUTION for image in grid.neurons)
    full = trainer._grid.workspace.acts[0].reshape(6, 400, 400)
    np.testing.assert_array_equal(grid.neurons[1], full[:, ::step, ::step])
    small = trainer.evaluate_grid(60)
    assert all(image.shape[1:] == (60, 60) for image in small.neurons)


def test_batch_steps_in_pieces_equal_compiled_batch_steps_and_can_be_stopped(monkeypatch):
    spec = make_spec(batch=40)
    whole = Trainer(spec)
    pieced = pieced_trainer(spec, monkeypatch, work=20_000)
    n = len(whole.batch_calls)
    for _ in range(n + 1):  # a whole epoch and one batch of the next
        whole.step_batch()
        pieced.step_batch()
        assert (pieced.epoch, pieced.batch_index, pieced.batches) == (whole.epoch, whole.batch_index, whole.batches)
        np.testing.assert_allclose(pieced.network.params, whole.network.params, rtol=0, atol=1e-12)
        assert pieced.train_loss == pytest.approx(whole.train_loss, rel=1e-12)
    before = pieced.train_loss
    pieced.step_batch(lambda: False)  # the update runs; the metrics pass is stopped after its first piece
    assert pieced.batches == whole.batches + 1 and pieced.train_loss == before
