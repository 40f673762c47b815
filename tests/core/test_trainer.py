"""Trainer behaviour: epochs, batches, live changes, divergence, state, history, grid."""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_spec

from playground.core.features import expand_features
from playground.core.network import run_calls
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.core.trainer import Trainer, TrainerError, TrainingDiverged


def test_same_seed_gives_bit_identical_runs():
    a, b = Trainer(make_spec(seed=4)), Trainer(make_spec(seed=4))
    a.train(30)
    b.train(30)
    assert np.array_equal(a.network.params, b.network.params)
    assert a.metrics() == b.metrics()
    c = Trainer(make_spec(seed=5))
    c.train(30)
    assert not np.array_equal(a.network.params, c.network.params)


def test_epoch_counts_and_history_rows():
    t = Trainer(make_spec())
    assert t.epoch == 0 and len(t.history) == 0
    t.train(7)
    assert t.epoch == 7 and len(t.history) == 7
    assert list(t.history.column("epochs")) == list(range(1, 8))
    assert t.batches == 7 * 25  # 250 training points, batch 10


def test_step_batch_completes_an_epoch_after_its_last_batch():
    t = Trainer(make_spec(batch=100))  # 250 rows: batches of 100, 100, 50
    t.step_batch()
    t.step_batch()
    assert (t.epoch, t.batch_index, t.batches) == (0, 2, 2)
    t.step_batch()
    assert (t.epoch, t.batch_index, t.batches) == (1, 0, 3)
    assert len(t.history) == 1


def test_step_epoch_after_step_batch_finishes_the_same_epoch():
    a, b = Trainer(make_spec(batch=100)), Trainer(make_spec(batch=100))
    a.step_batch()
    a.step_epoch()
    b.step_epoch()
    assert a.epoch == b.epoch == 1
    assert np.array_equal(a.network.params, b.network.params)


def test_partial_last_batch_uses_its_own_mean():
    """Batch 100 over 250 rows: the last update averages over 50 rows, not 100."""
    spec = make_spec(batch=100, shuffle=False)
    t = Trainer(spec)
    start = t.network.params.copy()
    head = t.head
    x = t.x_train[:, :-1]
    targets = head.encode(t.dataset.y_train)
    expected = start.copy()
    net = t.network
    for lo, hi in ((0, 100), (100, 200), (200, 250)):
        net.params[...] = expected
        _, g = net.loss_and_gradient(x[lo:hi], targets[lo:hi])
        expected = expected - 0.03 * g
    net.params[...] = start
    t.step_epoch()
    np.testing.assert_allclose(t.network.params, expected, atol=1e-13)


def test_no_shuffle_keeps_stored_order_and_shuffle_changes_it():
    a = Trainer(make_spec(shuffle=False))
    b = Trainer(make_spec(shuffle=True))
    a.train(2)
    b.train(2)
    assert not np.array_equal(a.network.params, b.network.params)


def test_learning_rate_changes_live_without_reset():
    t = Trainer(make_spec())
    t.train(5)
    before = t.network.params.copy()
    t.set_training(TrainingSpec(optimizer=OptimizerSpec("sgd", 0.3)))
    assert t.epoch == 5 and np.array_equal(t.network.params, before)
    t.step_epoch()
    assert t.epoch == 6 and len(t.history) == 6
    assert t.spec.training.optimizer.learning_rate == 0.3


def test_new_learning_rate_is_used_by_the_next_update():
    spec = make_spec(shuffle=False, batch=250)  # one full-batch update per epoch
    t = Trainer(spec)
    x, targets = t.x_train[:, :-1], t.head.encode(t.dataset.y_train)
    t.set_training(TrainingSpec(optimizer=OptimizerSpec("sgd", 0.5), batch_size=250, shuffle=False))
    start = t.network.params.copy()
    _, g = t.network.loss_and_gradient(x, targets)
    t.step_epoch()
    np.testing.assert_allclose(t.network.params, start - 0.5 * g, atol=1e-14)


def test_optimizer_change_keeps_weights_and_loss_change_reinitialises():
    t = Trainer(make_spec())
    t.train(3)
    w = t.network.params.copy()
    t.set_training(TrainingSpec(optimizer=OptimizerSpec("adam", 0.01)))
    assert np.array_equal(t.network.params, w) and t.epoch == 3
    t.set_training(TrainingSpec(loss="cross_entropy", optimizer=OptimizerSpec("adam", 0.01)))
    assert t.epoch == 0 and t.network.sizes[-1] == 2 and t.head.activation == "softmax"


def test_regression_data_rejects_classification_loss():
    spec = make_spec(dataset="plane")
    t = Trainer(spec)
    with pytest.raises(ValueError, match="regression needs mse"):
        t.set_training(TrainingSpec(loss="bce"))
    classification_spec = make_spec(dataset="xor", loss="bce")
    with pytest.raises(TrainerError, match="regression data needs mse"):
        Trainer(classification_spec, dataset=t.dataset)


def test_divergence_rolls_back_to_last_finite_weights_and_says_what_to_try():
    t = Trainer(make_spec(hidden=(8, 8), activation="relu", lr=10.0, optimizer="sgd", dataset="plane"))
    with pytest.raises(TrainingDiverged) as err:
        t.train(500)
    assert np.isfinite(t.network.params).all()
    assert np.isfinite(t.train_loss)
    msg = str(err.value)
    assert "learning rate 10 is too high for relu" in msg and f"epoch {err.value.epoch}" in msg
    assert t.epoch == err.value.epoch - 1  # the failed epoch did not count


def test_reset_draws_fresh_weights_and_clears_history():
    t = Trainer(make_spec())
    first = t.network.params.copy()
    t.train(3)
    t.reset_weights()
    assert t.epoch == 0 and len(t.history) == 0 and t.batches == 0
    assert not np.array_equal(first, t.network.params)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"])
def test_state_round_trip_continues_bit_identically(optimizer):
    spec = make_spec(optimizer=optimizer, lr=0.01, batch=32)
    a = Trainer(spec)
    a.train(3)
    a.step_batch()  # save mid-epoch, with a shuffled order in flight
    state = a.get_state()
    b = Trainer(spec)
    b.set_state(state)
    a.train(4)
    b.train(4)
    assert np.array_equal(a.network.params, b.network.params)
    assert a.metrics() == b.metrics()
    assert np.array_equal(a.history.column("train_loss"), b.history.column("train_loss"))


def test_restored_state_shows_the_last_gradients_until_the_next_batch():
    spec = make_spec(hidden=(4, 3), batch=32)
    a = Trainer(spec)
    a.train(3)
    a.step_batch()
    b = Trainer(spec)
    b.set_state(a.get_state())
    for ga, gb in zip(a.weight_gradients(), b.weight_gradients(), strict=True):
        np.testing.assert_array_equal(ga, gb)
    np.testing.assert_allclose(b.grad_norms(), a.grad_norms(), rtol=1e-12)
    assert b.get_state()["gradients"].keys() == a.get_state()["gradients"].keys()
    b.step_batch()  # its own batch: its own gradient from now on
    a.step_batch()
    for ga, gb in zip(a.weight_gradients(), b.weight_gradients(), strict=True):
        np.testing.assert_array_equal(ga, gb)
    np.testing.assert_array_equal(a.grad_norms(), b.grad_norms())


def test_imported_weights_drop_the_restored_gradients():
    spec = make_spec(hidden=(4,))
    a = Trainer(spec)
    a.train(2)
    b = Trainer(spec)
    b.set_state(a.get_state())
    assert any(g.any() for g in b.weight_gradients())
    b.load_weights(Trainer(spec).network.state_dict())
    assert not any(g.any() for g in b.weight_gradients())


def test_state_without_gradients_still_opens_and_bad_gradients_are_refused():
    spec = make_spec(hidden=(4,))
    a = Trainer(spec)
    a.train(2)
    state = a.get_state()
    old = {k: v for k, v in state.items() if k != "gradients"}  # saved before gradients were kept
    b = Trainer(spec)
    b.set_state(old)
    assert all(not g.any() for g in b.weight_gradients())
    bad = dict(state, gradients={"layers.0.weight": np.full((4, 2), np.nan), "layers.1.weight": np.zeros((1, 4))})
    before = b.network.params.copy()
    with pytest.raises(ValueError, match="gradients: layers.0.weight contains NaN"):
        b.set_state(bad)
    assert np.array_equal(b.network.params, before)
    with pytest.raises(ValueError, match="gradients: layers.1.weight is missing"):
        b.set_state(dict(state, gradients={"layers.0.weight": np.zeros((4, 2))}))


def test_set_state_rejects_wrong_shapes_and_changes_nothing():
    a = Trainer(make_spec(hidden=(4,)))
    state = Trainer(make_spec(hidden=(5,))).get_state()
    before = a.network.params.copy()
    with pytest.raises(ValueError, match="layers.0.weight has shape"):
        a.set_state(state)
    assert np.array_equal(a.network.params, before)


@pytest.mark.parametrize("dataset,loss", [("xor", "mse"), ("blobs", "cross_entropy"), ("plane", "mse"),
                                          ("circle", "bce")])
def test_grid_output_matches_the_network(dataset, loss):
    kw = {"classes": 3} if dataset == "blobs" else {}
    t = Trainer(make_spec(dataset=dataset, loss=loss, hidden=(5, 3), **kw))
    t.train(3)
    g = t.evaluate_grid(20)
    assert g.output.shape == (20, 20)
    x0, x1, y0, y1 = g.domain
    # cell (row 3, col 7) centre
    px = x0 + (7 + 0.5) * (x1 - x0) / 20
    py = y0 + (3 + 0.5) * (y1 - y0) / 20
    out = t.network.forward(np.array([[px, py]]))
    expected = t.head.score(out)[0]
    assert np.isclose(g.output[3, 7], expected, atol=1e-5)
    assert [n.shape for n in g.neurons] == [(2, 20, 20), (5, 20, 20), (3, 20, 20), (t.network.sizes[-1], 20, 20)]
    if t.head.is_classification:
        assert g.predicted[3, 7] == t.head.predict(out)[0]
    else:
        assert g.predicted is None
    # Every neuron's image holds, at (row 3, col 7), that neuron's output at the cell centre.
    ws = t.network.workspace(1)
    ws.load_inputs(expand_features(np.array([[px, py]]), t.spec.features))
    run_calls(ws.forward_calls())
    for image, column in zip(g.neurons, [ws.inputs[:-1]] + ws.acts, strict=True):
        np.testing.assert_allclose(image[:, 3, 7], column[:, 0], atol=1e-5)


def test_snapshot_is_immutable_and_independent():
    t = Trainer(make_spec())
    t.train(2)
    s = t.snapshot(grid_resolution=10)
    w0 = s.weights[0].copy()
    with pytest.raises(ValueError):
        s.weights[0][0, 0] = 1.0
    t.train(2)
    assert np.array_equal(s.weights[0], w0)
    assert s.epoch == 2 and len(s.history.epochs) == 2
    assert s.layer_sizes == (2, 4, 1)


def test_history_view_thins_long_runs_and_keeps_the_last_epoch():
    t = Trainer(make_spec(batch=250))
    t.train(300)
    h = t.history.view(max_points=50)
    assert len(h.epochs) <= 51 and h.epochs[-1] == 300 and h.epochs[0] == 1
    assert h.grad_norms.shape == (len(h.epochs), 2)


@pytest.mark.parametrize("n", [1, 49, 50, 51, 99, 100, 101, 150, 151, 997, 1000])
def test_history_view_rows_are_every_stride_th_and_the_last(n):
    from playground.core.history import MetricHistory

    h = MetricHistory(2)
    for e in range(1, n + 1):
        h.append(e, 1.0 / e, 2.0 / e, None, 0.5, np.array([e, -e]))
    v = h.view(max_points=50)
    stride = max(1, int(np.ceil(n / 50)))
    expected = np.unique(np.append(np.arange(0, n, stride), n - 1)) + 1  # epochs are rows + 1
    assert v.epochs.tolist() == expected.tolist()
    assert v.grad_norms[:, 0].tolist() == expected.tolist()


def test_regression_reports_no_accuracy():
    t = Trainer(make_spec(dataset="plane"))
    t.train(2)
    m = t.metrics()
    assert m["train_accuracy"] is None and m["test_accuracy"] is None
    assert np.isnan(t.history.column("train_accuracy")).all()


@pytest.mark.parametrize("kind,rate,penalty_gradient", [
    ("l2", 0.5, lambda w: w),  # shrinks weights in proportion
    ("l1", 0.2, np.sign),  # adds the sign of each weight
])
def test_regularisation_acts_on_weights_but_not_biases(kind, rate, penalty_gradient):
    spec = ExperimentSpec(
        data=DataSpec(name="xor"), network=NetworkSpec.uniform((4,)),
        training=TrainingSpec(optimizer=OptimizerSpec("sgd", 0.1), batch_size=250, shuffle=False,
                              regularization=kind, regularization_rate=rate))
    t = Trainer(spec)
    x, targets = t.x_train[:, :-1], t.head.encode(t.dataset.y_train)
    start = t.network.params.copy()
    _, g = t.network.loss_and_gradient(x, targets)
    t.step_epoch()
    expected = start - 0.1 * (g + rate * penalty_gradient(start) * t.network.weight_mask)
    np.testing.assert_allclose(t.network.params, expected, atol=1e-14)


def test_grad_norms_are_of_the_mean_gradient_whatever_the_optimizer():
    for opt in ("sgd", "adam"):
        t = Trainer(make_spec(batch=250, shuffle=False, optimizer=opt))
        x, targets = t.x_train[:, :-1], t.head.encode(t.dataset.y_train)
        _, g = t.network.loss_and_gradient(x, targets)
        t.step_epoch()
        blocks = t.network.block_views(g)
        expected = [np.linalg.norm(b[:, :-1]) for b in blocks]
        np.testing.assert_allclose(t.grad_norms(), expected, rtol=1e-12)


def test_float32_training_runs():
    t = Trainer(make_spec(), dtype=np.float32)
    t.train(20)
    assert t.network.params.dtype == np.float32 and t.train_loss < 0.5


@pytest.mark.parametrize("corrupt,words", [
    (lambda s: s.update(epoch_order=[0] * 250), "not a permutation"),
    (lambda s: s.update(epoch="3"), "whole number"),
    (lambda s: s.update(epoch=2.7), "whole number"),
    (lambda s: s["optimizer"].update(velocity=np.full(17, np.nan)), "NaN"),
    (lambda s: s.update(batch_index=99), "out of range"),
    (lambda s: s.update(shuffle_rng={"bit_generator": "nope"}), "shuffle_rng"),
])
def test_set_state_is_all_or_nothing(corrupt, words):
    spec = make_spec(optimizer="momentum", batch=32)
    donor = Trainer(spec)
    donor.train(2)
    donor.step_batch()
    state = donor.get_state()
    corrupt(state)
    t = Trainer(spec)
    t.train(1)
    before = (t.network.params.copy(), t.epoch, t.shuffle_rng.bit_generator.state, t.optimizer.get_state()["t"])
    with pytest.raises(ValueError, match=words):
        t.set_state(state)
    assert np.array_equal(t.network.params, before[0]) and t.epoch == before[1]
    assert t.shuffle_rng.bit_generator.state == before[2] and t.optimizer.get_state()["t"] == before[3]


def test_ten_hidden_layers_of_64_train_and_check_gradients():
    spec = ExperimentSpec(data=DataSpec(name="circle", points=100),
                          network=NetworkSpec.uniform((64,) * 10, "relu", "he"),
                          training=TrainingSpec(optimizer=OptimizerSpec("adam", 0.001), batch_size=16))
    t = Trainer(spec)
    first = t.train_loss
    t.train(5)
    assert t.network.sizes == (2,) + (64,) * 10 + (1,) and len(t.history) == 5
    assert np.isfinite(t.network.params).all() and t.train_loss < first
    # spot-check the deep backward pass numerically on a few parameters
    x, targets = t.x_train[:8, :-1], t.head.encode(t.dataset.y_train[:8])
    _, g = t.network.loss_and_gradient(x, targets)
    rng = np.random.default_rng(0)
    for k in rng.choice(t.network.n_params, 12, replace=False):
        old = t.network.params[k]
        t.network.params[k] = old + 1e-6
        up, _ = t.network.loss_and_gradient(x, targets)
        t.network.params[k] = old - 1e-6
        down, _ = t.network.loss_and_gradient(x, targets)
        t.network.params[k] = old
        assert abs((up - down) / 2e-6 - g[k]) < 1e-6 + 1e-5 * abs(g[k])


@pytest.mark.parametrize("loss,dataset,kw", [("mse", "xor", {}), ("bce", "circle", {}),
                                             ("cross_entropy", "blobs", {"classes": 4}),
                                             ("mse", "spirals", {"classes": 3})])
def test_reported_accuracy_matches_predictions(loss, dataset, kw):
    t = Trainer(make_spec(dataset=dataset, loss=loss, hidden=(6,), **kw))
    t.train(3)
    for x, y, acc in ((t.dataset.x_train, t.dataset.y_train, t.train_accuracy),
                      (t.dataset.x_test, t.dataset.y_test, t.test_accuracy)):
        predicted = t.head.predict(t.network.forward(x))
        assert acc == pytest.approx(np.mean(predicted == y))


def test_live_learning_rate_change_keeps_the_position_within_the_epoch():
    a, b = Trainer(make_spec(batch=50)), Trainer(make_spec(batch=50))
    for t in (a, b):
        t.step_batch()
        t.step_batch()
    a.set_training(TrainingSpec(optimizer=OptimizerSpec("sgd", 0.1), batch_size=50))
    assert a.batch_index == 2
    a.step_epoch()
    assert a.epoch == 1 and a.batches == 5
    a.set_training(TrainingSpec(optimizer=OptimizerSpec("sgd", 0.1), batch_size=25))
    assert a.batch_index == 0


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize(("activation", "loss"), [
    ("tanh", "mse"),  # hidden pre-activations live in the activation buffers
    ("relu", "bce"),  # ... and are kept apart: the evaluation's copy must carry them too
    ("gelu", "cross_entropy"),
])
def test_full_batch_epochs_match_plain_gradient_steps(shuffle, activation, loss):
    """A full batch starts from the evaluation's forward pass (both sets in one pass, its
    training columns copied into the batch's buffers); every step must still be exact."""
    from playground.core.optimizers import make_optimizer

    spec = make_spec(batch=250, shuffle=shuffle, optimizer="adam", lr=0.01, hidden=(5, 3),
                     activation=activation, loss=loss)
    t = Trainer(spec)
    x, targets = t.x_train[:, :-1], t.head.encode(t.dataset.y_train)
    ref = t.network.params.copy()
    opt = make_optimizer(spec.training.optimizer, t.network.weight_mask)
    probe = Trainer(spec)
    for epoch in range(6):
        if epoch == 3:  # a live change between epochs, and weights loaded from outside
            new = TrainingSpec(loss=loss, optimizer=OptimizerSpec("adam", 0.02), batch_size=250, shuffle=shuffle)
            t.set_training(new)
            opt.spec = new.optimizer
        probe.network.params[...] = ref
        _, g = probe.network.loss_and_gradient(x, targets)
        opt.step(ref, g)
        t.step_epoch()
        np.testing.assert_allclose(t.network.params, ref, rtol=0, atol=1e-12)
    state = {f"layers.{i}.{k}": v for i, (w, b) in enumerate(zip(t.network.weights, t.network.biases, strict=True))
             for k, v in (("weight", w * 0.5), ("bias", b))}
    t.load_weights(state)
    ref = t.network.params.copy()
    opt = make_optimizer(t.spec.training.optimizer, t.network.weight_mask)
    probe.network.params[...] = ref
    _, g = probe.network.loss_and_gradient(x, targets)
    opt.step(ref, g)
    t.step_epoch()
    np.testing.assert_allclose(t.network.params, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("batch", [10, 250])
def test_a_live_setting_change_keeps_the_current_metrics(batch):
    """The weights do not change with the learning rate, so neither do the metrics shown for them."""
    t = Trainer(make_spec(batch=batch, shuffle=False))
    t.train(3)
    before = t.metrics()
    t.set_training(TrainingSpec(optimizer=OptimizerSpec("sgd", 0.5), batch_size=batch, shuffle=False))
    assert t.metrics() == before
    t.step_epoch()
    assert t.metrics()["epoch"] == 4 and t.metrics() != before
