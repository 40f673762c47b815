"""The textbook reference network: by hand, against central differences, and as the oracle of the engine.

"Equal within 1e-12 relative" means: the largest difference over a group of arrays (all
parameters, all gradients, one optimizer buffer) is at most 1e-12 times the largest
magnitude in that group, so that an entry that cancels to almost nothing is not held to
a tolerance below the rounding of the terms that made it.
"""

from __future__ import annotations

import dataclasses
import math
from unittest import mock

import numpy as np
import pytest
from builders import make_spec
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from playground.core import epoch_pieces as pieces
from playground.core.activations import ACTIVATIONS
from playground.core.losses import output_head
from playground.core.network import Network
from playground.core.optimizers import OPTIMIZERS
from playground.core.reference_network import Layer, ReferenceNetwork, flatten, step, unflatten
from playground.core.spec import FEATURES
from playground.core.trainer import EPOCHS_PER_RUN, Trainer, TrainingDiverged

RELATIVE = 1e-12

#: (dataset, loss, classes) for every output layer: mse with tanh (2 and K classes) and linear
#: (regression), bce with sigmoid (2 and K), cross-entropy with softmax (2 and K).
PROBLEMS = [
    ("xor", "mse", 2), ("blobs", "mse", 3), ("plane", "mse", 2),
    ("circle", "bce", 2), ("blobs", "bce", 4),
    ("blobs", "cross_entropy", 2), ("spirals", "cross_entropy", 3),
]


def assert_close(got: list[np.ndarray], want: list[np.ndarray], what: str) -> None:
    """Every array in ``got`` equals its partner in ``want`` within RELATIVE of the group's largest magnitude."""
    scale = max((float(np.abs(w).max(initial=0.0)) for w in want), default=0.0)
    worst = max((float(np.abs(g - w).max(initial=0.0)) for g, w in zip(got, want, strict=True)), default=0.0)
    assert worst <= RELATIVE * scale, f"{what}: differs by {worst:.3e}, largest value {scale:.3e}"


@st.composite
def experiments(draw: st.DrawFn) -> tuple:
    """A random small experiment, without shuffling: architecture, activations, problem, optimizer,
    regulariser, batch size, and the weights' seed."""
    hidden = tuple(draw(st.lists(st.integers(1, 6), min_size=0, max_size=3)))
    if draw(st.booleans()):  # one activation everywhere (tanh and sigmoid take the engine's batched path)
        activations = (draw(st.sampled_from(sorted(ACTIVATIONS))),) * len(hidden)
    else:
        activations = tuple(draw(st.sampled_from(sorted(ACTIVATIONS))) for _ in hidden)
    dataset, loss, classes = draw(st.sampled_from(PROBLEMS))
    features = tuple(draw(st.lists(st.sampled_from(FEATURES), min_size=1, max_size=4, unique=True)))
    regularization = draw(st.sampled_from(["none", "l1", "l2"]))
    spec = make_spec(
        dataset, hidden, activations, loss=loss, optimizer=draw(st.sampled_from(sorted(OPTIMIZERS))),
        lr=draw(st.sampled_from([0.001, 0.03, 0.3])), batch=draw(st.integers(1, 12)), shuffle=False,
        features=features, regularization=regularization,
        regularization_rate=0.0 if regularization == "none" else draw(st.sampled_from([0.001, 0.03])),
        points=draw(st.integers(8, 24)), classes=classes, seed=draw(st.integers(0, 2**16)))
    return spec, draw(st.integers(1, 3)), draw(st.integers(0, 2**16))


def random_weights(net: Network, seed: int, scale: float = 1.0) -> dict[str, np.ndarray]:
    """N(0, scale²) weights and biases, so activations reach their non-linear parts."""
    rng = np.random.default_rng(seed)
    return {k: rng.normal(0.0, scale, v.shape) for k, v in net.state_dict().items()}


@settings(max_examples=120)
@given(experiments())
def test_trainer_batches_equal_the_reference_steps(experiment):
    spec, steps, weight_seed = experiment
    assume(check_trainer_steps(Trainer(spec), steps, weight_seed))


@settings(max_examples=40)
@given(experiments(), st.sampled_from([1, 100]), st.sampled_from([1, pieces.MANY_BATCHES]))
def test_pieced_and_staged_epochs_equal_the_reference_steps(experiment, piece_work, many_batches):
    """The big-epoch layouts (batches split by rows, one call list shared by a batch size), forced on
    small experiments by making a piece of work tiny."""
    spec, steps, weight_seed = experiment
    with mock.patch.object(pieces, "PIECE_WORK", piece_work), mock.patch.object(pieces, "MANY_BATCHES", many_batches):
        trainer = Trainer(spec)
        assert trainer._pieces is not None  # the pieced epoch is the engine under test
        assume(check_trainer_steps(trainer, steps, weight_seed))


@settings(max_examples=25)
@given(experiments())
def test_full_batch_epoch_runs_equal_the_reference_steps(experiment):
    """Full-batch epochs, each starting from the forward pass the last metrics pass left.

    Over many steps an unstable run (the weights blowing up) amplifies rounding differences without
    bound, so the learning rate is small and runs whose weights grow past 100 are left out."""
    spec, _, weight_seed = experiment
    training = dataclasses.replace(spec.training, batch_size=spec.data.points,
                                   optimizer=dataclasses.replace(spec.training.optimizer, learning_rate=0.001))
    trainer = Trainer(spec.replace(training=training))
    trainer.load_weights(random_weights(trainer.network, weight_seed))
    reference = ReferenceNetwork.from_state(trainer.network.state_dict(), spec.network.activations, trainer.head)
    state = None
    for _ in range(EPOCHS_PER_RUN):
        result = step(reference, trainer.x_train[:, :-1], trainer.t_train, training, state)
        reference, state = result.network, result.optimizer_state
    assume(max(np.abs(p).max() for p in reference.state_dict().values()) < 100.0)
    assert trainer.train(EPOCHS_PER_RUN) == EPOCHS_PER_RUN
    mine, theirs = trainer.network.state_dict(), reference.state_dict()
    assert_close([mine[key] for key in theirs], list(theirs.values()), "parameters after the run")
    assert trainer.train_loss == pytest.approx(reference.loss(trainer.x_train[:, :-1], trainer.t_train),
                                               rel=RELATIVE, abs=0.0)


def check_trainer_steps(trainer: Trainer, steps: int, weight_seed: int) -> bool:
    """Up to ``steps`` of the trainer's mini-batches, each against the reference's step on the same rows;
    False when a step diverged (in both), after checking that the trainer reported it."""
    spec = trainer.spec
    trainer.load_weights(random_weights(trainer.network, weight_seed))
    reference = ReferenceNetwork.from_state(trainer.network.state_dict(), spec.network.activations, trainer.head)
    # The metrics' own fused loss formulas (the compiled epoch) against the reference's loss
    for loss, x, t in ((trainer.train_loss, trainer.x_train, trainer.t_train),
                       (trainer.test_loss, trainer.x_test, trainer.t_test)):
        assert loss == pytest.approx(reference.loss(x[:, :-1], t), rel=RELATIVE, abs=0.0)
    state = trainer.optimizer.get_state()
    rows = min(spec.training.batch_size, len(trainer.x_train))
    for k in range(min(steps, math.ceil(len(trainer.x_train) / rows))):
        batch = slice(k * rows, (k + 1) * rows)  # no shuffling: the batches go through the rows in order
        result = step(reference, trainer.x_train[batch, :-1], trainer.t_train[batch], spec.training, state)
        with np.errstate(all="ignore"):
            finite = all(np.isfinite(result.network.loss(x[:, :-1], t)) for x, t in
                         ((trainer.x_train, trainer.t_train), (trainer.x_test, trainer.t_test)) if len(x))
        if not finite:  # the reference diverged too: the trainer must say so, and there is nothing to compare
            with pytest.raises(TrainingDiverged):
                trainer.step_batch()
            return False
        trainer.step_batch()
        mine, theirs = trainer.network.state_dict(), result.network.state_dict()
        assert_close([mine[key] for key in theirs], list(theirs.values()), f"parameters after step {k + 1}")
        assert_close(trainer.weight_gradients(), list(result.applied_weights), f"weight gradients of step {k + 1}")
        engine_state = trainer.optimizer.get_state()
        assert engine_state.pop("t") == result.optimizer_state["t"]
        for name, buffer in engine_state.items():
            assert_close([buffer], [result.optimizer_state[name]], f"optimizer {name} after step {k + 1}")
        reference, state = result.network, result.optimizer_state
    return True


@settings(max_examples=80)
@given(experiments(), st.integers(1, 9))
def test_network_loss_and_gradient_equal_the_reference(experiment, rows):
    spec, _, weight_seed = experiment
    trainer = Trainer(spec)
    net = trainer.network
    net.load_state_dict(random_weights(net, weight_seed, scale=1.5))
    x, t = trainer.x_train[:rows, :-1], trainer.t_train[:rows]
    loss, grad = net.loss_and_gradient(x, t)
    reference = ReferenceNetwork.from_state(net.state_dict(), spec.network.activations, trainer.head)
    want = reference.gradients(x, t)
    assert loss == pytest.approx(want.loss, rel=RELATIVE, abs=0.0)
    assert_close([grad], [flatten(want.weights, want.biases)], "gradient")
    assert_close([net.forward(x)], [reference.predict(x)], "outputs")


# ---------------------------------------------------------------- the reference on its own

CENTRAL_CASES = [
    ((4, 3), ("tanh", "tanh"), "classification", "mse", 2),
    ((5,), ("gelu",), "classification", "cross_entropy", 3),
    ((3, 4, 2), ("elu", "swish", "softplus"), "classification", "bce", 3),
    ((4,), ("leaky_relu",), "regression", "mse", 0),
    ((), (), "classification", "bce", 2),
]


@pytest.mark.parametrize("hidden,activations,problem,loss,classes", CENTRAL_CASES)
def test_reference_gradients_match_central_differences(hidden, activations, problem, loss, classes):
    rng = np.random.default_rng(3)
    head = output_head(problem, loss, classes)
    sizes = (3, *hidden, head.n_outputs)
    state = {}
    for i in range(len(sizes) - 1):
        state[f"layers.{i}.weight"] = rng.normal(0.0, 0.8, (sizes[i + 1], sizes[i]))
        state[f"layers.{i}.bias"] = rng.normal(0.0, 0.3, sizes[i + 1])
    net = ReferenceNetwork.from_state(state, activations, head)
    x = rng.normal(0.0, 1.5, (6, 3))
    t = head.encode(rng.integers(0, classes, 6) if classes else rng.normal(0.0, 1.0, 6))
    grads = net.gradients(x, t)
    analytic = flatten(grads.weights, grads.biases)
    params = flatten([lay.weight for lay in net.layers], [lay.bias for lay in net.layers])
    shapes = [lay.weight.shape for lay in net.layers]
    numeric = np.empty_like(params)
    eps = 1e-6
    for k in range(len(params)):
        losses = []
        for sign in (1.0, -1.0):
            moved = params.copy()
            moved[k] += sign * eps
            w, b = unflatten(moved, shapes)
            losses.append(ReferenceNetwork(tuple(Layer(wi, bi, lay.activation)
                                                 for wi, bi, lay in zip(w, b, net.layers, strict=True)),
                                           head).loss(x, t))
        numeric[k] = (losses[0] - losses[1]) / (2 * eps)
    rel = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
    assert rel < 1e-7, f"relative error {rel:.2e}"


def test_one_sigmoid_neuron_by_hand():
    """The worked example: one input, one sigmoid output, binary cross-entropy, one SGD step."""
    head = output_head("classification", "bce", 2)
    net = ReferenceNetwork((Layer(np.array([[0.5]]), np.array([0.25]), "sigmoid"),), head)
    x, t = np.array([[2.0]]), np.array([[1.0]])
    z = 0.5 * 2.0 + 0.25
    o = 1.0 / (1.0 + math.exp(-z))
    grads = net.gradients(x, t)
    assert grads.passes[0].z[0, 0] == pytest.approx(z, rel=1e-15)
    assert grads.passes[0].a[0, 0] == pytest.approx(o, rel=1e-15)
    assert grads.loss == pytest.approx(-math.log(o), rel=1e-14)
    assert grads.deltas[0][0, 0] == pytest.approx(o - 1.0, rel=1e-14)  # δ = o − t
    assert grads.weights[0][0, 0] == pytest.approx((o - 1.0) * 2.0, rel=1e-14)  # ∂L/∂w = δ · x
    assert grads.biases[0][0] == pytest.approx(o - 1.0, rel=1e-14)  # ∂L/∂b = δ
    training = make_spec("circle", (), loss="bce", lr=0.1).training
    after = step(net, x, t, training).network.layers[0]
    assert after.weight[0, 0] == pytest.approx(0.5 - 0.1 * (o - 1.0) * 2.0, rel=1e-14)
    assert after.bias[0] == pytest.approx(0.25 - 0.1 * (o - 1.0), rel=1e-14)


def test_hidden_delta_is_the_weighted_delta_above_times_the_slope():
    """δ of a tanh hidden layer = (δ_out W_out) ⊙ (1 − a²), per example."""
    head = output_head("regression", "mse", 0)
    hidden = Layer(np.array([[0.3, -0.2], [0.7, 0.1]]), np.array([0.05, -0.1]), "tanh")
    out = Layer(np.array([[1.5, -0.5]]), np.array([0.2]), "linear")
    net = ReferenceNetwork((hidden, out), head)
    x, t = np.array([[1.0, 2.0], [-0.5, 0.25]]), np.array([[0.5], [-1.0]])
    grads = net.gradients(x, t)
    a = np.tanh(x @ hidden.weight.T + hidden.bias)
    o = a @ out.weight.T + out.bias
    delta_out = (o - t) / 2  # mse + linear: o − t, over the batch's mean
    np.testing.assert_allclose(grads.deltas[1], delta_out, rtol=1e-14)
    np.testing.assert_allclose(grads.deltas[0], (delta_out @ out.weight) * (1.0 - a * a), rtol=1e-13)
    np.testing.assert_allclose(grads.weights[0], grads.deltas[0].T @ x, rtol=1e-14)
    np.testing.assert_allclose(grads.biases[1], delta_out.sum(axis=0), rtol=1e-14)


def test_flatten_lays_parameters_out_like_the_engine():
    head = output_head("classification", "mse", 3)
    net = Network((2, 4, 3), ("relu",), head)
    net.initialize("xavier", np.random.default_rng(0))
    net.params += np.random.default_rng(1).normal(size=net.n_params)  # non-zero biases too
    state = net.state_dict()
    weights = [state["layers.0.weight"], state["layers.1.weight"]]
    biases = [state["layers.0.bias"], state["layers.1.bias"]]
    np.testing.assert_array_equal(flatten(weights, biases), net.params)
    back_w, back_b = unflatten(net.params, [w.shape for w in weights])
    for got, want in zip([*back_w, *back_b], [*weights, *biases], strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_step_that_diverges_is_reported_by_the_engine_as_by_the_reference():
    """A case hypothesis found: linear and ELU layers on x1² (up to 36) with momentum and batch 1
    blow up within three steps; the trainer then says so (TrainingDiverged), it does not compare."""
    spec = make_spec("plane", (5, 2), ("linear", "elu"), loss="mse", optimizer="momentum", lr=0.03, batch=1,
                     shuffle=False, features=("x1_sq",), points=8, seed=2)
    assert not check_trainer_steps(Trainer(spec), 3, 10216)
