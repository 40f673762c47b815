"""The compiled per-epoch metrics equal their plain definitions, for every output head."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from builders import make_spec

from playground.core.dataset import Dataset
from playground.core.network import run_calls
from playground.core.spec import ExperimentSpec, OptimizerSpec
from playground.core.trainer import Trainer

HEADS = [  # (dataset, classes, loss): every output head the engine builds
    ("spiral", 2, "mse"), ("spiral", 2, "bce"), ("spiral", 2, "cross_entropy"),
    ("blobs", 3, "mse"), ("blobs", 3, "bce"), ("blobs", 4, "cross_entropy"),
    ("plane", 0, "mse"),
]


def spec_for(dataset: str, classes: int, loss: str, optimizer: str = "adam", batch: int = 10,
             train_ratio: float = 0.5) -> ExperimentSpec:
    return make_spec(dataset, (5, 4), loss=loss, optimizer=optimizer, lr=0.01, batch=batch, seed=2, points=180,
                     train_ratio=train_ratio, **({"classes": classes} if dataset == "blobs" else {}))


def plain_metrics(t: Trainer, x: np.ndarray, y: np.ndarray) -> tuple[float, float | None]:
    """Loss and accuracy straight from the head's definitions on a fresh forward pass."""
    ws = t.network.workspace(len(x))
    ws.load_inputs(x)
    run_calls(ws.forward_calls())
    targets = t.head.encode(y).T
    loss = t.head.loss_value(ws.z[-1], ws.output, targets)
    return loss, t.head.accuracy(ws.output.T, y)


@pytest.mark.parametrize(("dataset", "classes", "loss"), HEADS)
@pytest.mark.parametrize("train_ratio", [0.5, 0.2, 0.9])  # both sets are evaluated side by side
def test_metrics_match_the_heads_definitions(dataset, classes, loss, train_ratio):
    t = Trainer(spec_for(dataset, classes, loss, train_ratio=train_ratio))
    for _ in range(3):
        t.step_epoch()
        train = plain_metrics(t, t.x_train[:, :-1], t.dataset.y_train)
        test = plain_metrics(t, t.x_test[:, :-1], t.dataset.y_test)
        np.testing.assert_allclose([t.train_loss, t.test_loss], [train[0], test[0]], rtol=1e-12)
        if classes:
            assert (t.train_accuracy, t.test_accuracy) == pytest.approx((train[1], test[1]), abs=1e-12)
        else:
            assert t.train_accuracy is None and t.test_accuracy is None
    h = t.history.view()
    assert h.train_loss[-1] == t.train_loss and h.test_loss[-1] == t.test_loss
    assert np.isnan(h.train_accuracy[-1]) if not classes else h.train_accuracy[-1] == t.train_accuracy


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])  # sgd leaves the summed gradient, adam the mean
@pytest.mark.parametrize("batch", [10, 7, 500])  # 7: a smaller last batch with its own scale
def test_recorded_gradient_norms_are_the_last_batchs(optimizer, batch):
    t = Trainer(spec_for("spiral", 2, "mse", optimizer, batch))
    for _ in range(2):
        t.step_epoch()
        np.testing.assert_allclose(t.history.view().grad_norms[-1], t.grad_norms(), rtol=1e-12)
        expected = [np.linalg.norm(g) for g in t.weight_gradients()]
        np.testing.assert_allclose(t.grad_norms(), expected, rtol=1e-12)


def test_an_epoch_finished_batch_by_batch_records_the_same_row():
    a, b = Trainer(spec_for("spiral", 2, "bce")), Trainer(spec_for("spiral", 2, "bce"))
    a.step_epoch()
    for _ in range(len(b.batch_calls)):
        b.step_batch()
    assert b.epoch == 1
    np.testing.assert_array_equal(a.history.view().grad_norms, b.history.view().grad_norms)
    assert a.metrics() == b.metrics()


@pytest.mark.parametrize(("dataset", "classes", "loss"), HEADS)
@pytest.mark.parametrize("batch", [10, 500])  # 500: a full batch, which shares the evaluation's buffers
def test_no_test_set_gives_nan_loss_and_no_accuracy(dataset, classes, loss, batch):
    spec = spec_for(dataset, classes, loss, batch=batch)
    full = Trainer(spec).dataset
    data = Dataset(full.x_train, full.y_train, np.zeros((0, 2)), full.y_test[:0], full.problem, full.classes)
    t = Trainer(spec, dataset=data)
    t.train(2)
    assert np.isnan(t.test_loss) and t.test_accuracy is None
    assert t.train_loss == pytest.approx(plain_metrics(t, t.x_train[:, :-1], data.y_train)[0], rel=1e-12)
    if classes:
        assert 0.0 <= t.train_accuracy <= 1.0
    assert np.isnan(t.history.view().test_accuracy).all() and np.isnan(t.history.view().test_loss).all()


def test_huge_but_finite_weights_are_not_taken_for_divergence():
    """‖params‖² overflows at |w| ~ 1e155; the finiteness check then looks at every parameter."""
    t = Trainer(spec_for("spiral", 2, "mse", "sgd"))
    t.network.params[0] = 1e200
    t.set_training(dataclasses.replace(t.spec.training, optimizer=OptimizerSpec("sgd", 1e-5)))
    t.step_epoch()  # the tanh saturates: a finite loss, an infinite sum of squares
    assert np.isinf(t.metrics_calc.raw[-1]) and np.isfinite(t.train_loss)
    assert t.metrics_calc.params_finite(t.network.params)
    t.network.params[1] = np.nan
    assert not t.metrics_calc.params_finite(t.network.params)


def test_float32_metrics_match_float64_closely():
    spec = spec_for("spiral", 2, "bce")
    a, b = Trainer(spec), Trainer(spec, dtype=np.float32)
    a.train(2)
    b.train(2)
    np.testing.assert_allclose([b.train_loss, b.test_loss], [a.train_loss, a.test_loss], rtol=1e-4)
