"""The backprop inspector's numbers: every stage against the reference network, and an applied step
against the trainer's own training step."""

from __future__ import annotations

import numpy as np
import pytest
from builders import make_trainer

from playground.core.activations import ACTIVATIONS
from playground.core.inspector import (
    InspectError,
    apply_step,
    boundary_before_after,
    inspect,
    inspect_next_batch,
    last_batch,
    next_batch,
    reference_of,
)
from playground.core.inspector_text import neuron_equations, weight_equations
from playground.core.losses import output_head
from playground.core.reference_network import step

CASES = [  # (dataset, hidden, activation, loss, optimizer, regularization)
    ("xor", (3, 2), "tanh", "mse", "sgd", "none"),
    ("circle", (4,), "relu", "bce", "adam", "l2"),
    ("blobs", (3,), "sigmoid", "cross_entropy", "momentum", "l1"),
    ("plane", (2,), "elu", "mse", "rmsprop", "none"),
]


def trained(dataset, hidden, activation, loss, optimizer, regularization, batch=4, shuffle=True):
    extra = {"classes": 3} if dataset == "blobs" else {}
    trainer = make_trainer(dataset, hidden, activation, loss=loss, optimizer=optimizer, batch=batch, shuffle=shuffle,
                           regularization=regularization, regularization_rate=0.01 if regularization != "none" else 0.0,
                           points=40, **extra)
    trainer.train(2)  # a few updates, so that the optimizer state is not zero
    return trainer


def assert_stages_equal_the_reference(trainer, insp):
    rows = insp.rows
    x, t = trainer.x_train[rows, :-1], trainer.t_train[rows]
    network = reference_of(trainer)
    want = step(network, x, t, trainer.spec.training, trainer.optimizer.get_state())
    grads = want.gradients
    n = len(rows)
    np.testing.assert_array_equal(insp.x, x)
    for layer, p in enumerate(grads.passes):  # forward: z and a per layer, and their means
        np.testing.assert_allclose(insp.z[layer], p.z, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(insp.a[layer], p.a, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(insp.mean_z(layer), p.z.mean(axis=0), rtol=1e-12, atol=1e-15)
    # error: output, target, loss
    np.testing.assert_allclose(insp.output, grads.passes[-1].a.mean(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(insp.mean_target, t.mean(axis=0))
    assert insp.loss == pytest.approx(grads.loss, rel=1e-12)
    for layer in range(len(grads.deltas)):  # backward: δ per neuron (mean = ∂L/∂b), ∂L/∂w per link
        np.testing.assert_allclose(insp.deltas[layer] / n, grads.deltas[layer], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(insp.mean_delta(layer), grads.biases[layer], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(insp.grad_w[layer], grads.weights[layer], rtol=1e-12, atol=1e-15)
        # ∂L/∂w = δ × input, mean over the rows
        by_hand = (insp.deltas[layer].T @ insp.layer_input(layer)) / n
        np.testing.assert_allclose(insp.grad_w[layer], by_hand, rtol=1e-10, atol=1e-14)
    u = insp.update  # update: old, step, new; the optimizer's state after
    for layer, new in enumerate(want.network.layers):
        np.testing.assert_array_equal(u.new_w[layer], new.weight)
        np.testing.assert_array_equal(u.new_b[layer], new.bias)
        np.testing.assert_allclose(u.old_w[layer] + u.step_w[layer], new.weight, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(u.grad_w[layer], want.applied_weights[layer])
    for name, buffer in want.optimizer_state.items():
        if name != "t":
            np.testing.assert_array_equal(u.state[name], buffer)
    assert u.t == want.optimizer_state["t"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[2]}-{c[3]}-{c[4]}")
def test_single_example_stages_equal_the_reference(case):
    trainer = trained(*case)
    insp = inspect(trainer, [7])
    assert insp.batch is None and insp.n_rows == 1
    assert_stages_equal_the_reference(trainer, insp)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[2]}-{c[3]}-{c[4]}")
def test_batch_stages_equal_the_reference(case):
    trainer = trained(*case)
    insp = inspect_next_batch(trainer)
    assert insp.n_rows == 4 and insp.batch is not None
    assert_stages_equal_the_reference(trainer, insp)


def test_inspecting_changes_nothing():
    trainer = trained(*CASES[1])
    params, state = trainer.network.params.copy(), trainer.optimizer.get_state()
    rng_state, batches = trainer.shuffle_rng.bit_generator.state, trainer.batches
    inspect_next_batch(trainer)
    inspect(trainer, [3])
    np.testing.assert_array_equal(trainer.network.params, params)
    for name, value in trainer.optimizer.get_state().items():
        np.testing.assert_array_equal(value, state[name])
    assert trainer.shuffle_rng.bit_generator.state == rng_state and trainer.batches == batches


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[2]}-{c[3]}-{c[4]}")
def test_applying_one_example_is_one_training_step_on_it(case):
    """Batch size 1 without shuffling: the trainer's next step is on row batch_index; the inspected
    step of that row, applied, equals it (weights, optimizer state, count, loss)."""
    live, twin = (trained(*case, batch=1, shuffle=False) for _ in range(2))
    row = live.batch_index
    insp = inspect(live, [row])
    apply_step(live, insp)
    twin.step_batch()
    np.testing.assert_allclose(live.network.params, twin.network.params, rtol=1e-12, atol=1e-15)
    for name, value in twin.optimizer.get_state().items():
        np.testing.assert_allclose(live.optimizer.get_state()[name], value, rtol=1e-12, atol=1e-15)
    assert live.batches == twin.batches
    assert live.train_loss == pytest.approx(twin.train_loss, rel=1e-12)
    for mine, theirs in zip(live.weight_gradients(), twin.weight_gradients(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)


def test_the_next_batch_is_the_one_step_batch_runs_even_before_the_shuffle():
    trainer = make_trainer("xor", (3,), batch=7, points=40)
    trainer.train(1)
    assert trainer.batch_index == 0 and not trainer._epoch_open  # the next epoch's order is not drawn yet
    insp = inspect_next_batch(trainer)
    assert insp.batch == (1, 3)
    apply_step(trainer, insp)  # Step batch itself
    np.testing.assert_allclose(trainer.network.params,
                               np.concatenate([np.column_stack([w, b]).ravel()
                                               for w, b in zip(insp.update.new_w, insp.update.new_b, strict=True)]),
                               rtol=1e-12, atol=1e-15)
    k, n, rows = last_batch(trainer)
    assert (k, n) == (1, 3)
    np.testing.assert_array_equal(rows, insp.rows)
    assert next_batch(trainer)[0] == 2


def test_a_stale_inspection_is_refused():
    trainer = trained(*CASES[0])
    insp = inspect(trainer, [0])
    trainer.step_batch()
    params = trainer.network.params.copy()
    with pytest.raises(InspectError, match="moved on"):
        apply_step(trainer, insp)
    np.testing.assert_array_equal(trainer.network.params, params)


def test_rows_outside_the_training_set_and_too_big_a_batch_are_refused(monkeypatch):
    from playground.core import inspector
    trainer = trained(*CASES[0])
    with pytest.raises(InspectError, match="training points"):
        inspect(trainer, [trainer.dataset.n_train])
    monkeypatch.setattr(inspector, "MAX_INSPECT_WORK", 3 * trainer.network.n_params)
    inspect(trainer, [0, 1, 2])
    with pytest.raises(InspectError, match="too many to follow"):
        inspect(trainer, [0, 1, 2, 3])


def test_equations_carry_this_examples_numbers():
    from playground.core.inspector import fmt
    trainer = trained(*CASES[0])
    insp = inspect(trainer, [5])
    hidden = neuron_equations(insp, 1, 1)
    assert hidden[1].endswith(f"= {fmt(insp.z[1][0, 1])}")
    assert hidden[2].endswith(f"= {fmt(insp.a[1][0, 1])}")
    assert hidden[3].startswith("δ = f′(z) · Σ w δ_next") and hidden[3].endswith(f"= {fmt(insp.deltas[1][0, 1])}")
    # δ = f′(z) · Σ w δ_next, in numbers
    slope = ACTIVATIONS["tanh"].derivative(insp.z[1][:, 1:2])[0, 0]
    assert insp.deltas[1][0, 1] == pytest.approx(slope * insp.update.old_w[2][:, 1] @ insp.deltas[2][0], rel=1e-12)
    out = neuron_equations(insp, 2, 0)
    assert out[3].startswith("δ = ∂L/∂o · f′(z) = (o − t)(1 − o²)")
    link = weight_equations(insp, 0, 2, 1)
    assert link[1].endswith(f"= {fmt(insp.grad_w[0][2, 1])}")
    assert link[-1].endswith(f"= {fmt(insp.update.new_w[0][2, 1])}")


@pytest.mark.parametrize("loss,classes", [("mse", 2), ("bce", 2), ("bce", 3), ("cross_entropy", 3)])
def test_output_gradient_times_the_output_slope_is_the_output_delta(loss, classes):
    """∂L/∂o through the output activation's slope (softmax: its Jacobian) gives the head's δ = ∂L/∂z."""
    from playground.core.reference_network import activate, output_delta
    head = output_head("classification", loss, classes)
    rng = np.random.default_rng(1)
    z = rng.normal(0, 1.5, (5, head.n_outputs))
    o = activate(head.activation, z)
    t = head.encode(rng.integers(0, classes, 5))
    d_o = head.output_gradient(o, t)
    if head.activation == "softmax":
        via_slope = o * (d_o - (d_o * o).sum(axis=1, keepdims=True))
    else:
        via_slope = d_o * ACTIVATIONS[head.activation].derivative(z)
    np.testing.assert_allclose(via_slope, output_delta(head, z, o, t), rtol=1e-10, atol=1e-14)


def test_boundary_after_the_step_is_the_new_weights_picture():
    trainer = trained(*CASES[0])
    insp = inspect(trainer, [2])
    domain = trainer.dataset.domain()
    before, after = boundary_before_after(insp, trainer.spec.features, trainer.head, domain, 20)
    grid = trainer.evaluate_grid(20, with_neurons=False)
    np.testing.assert_allclose(before.output, grid.output, atol=1e-5)  # the picture is float32
    apply_step(trainer, insp)
    after_grid = trainer.evaluate_grid(20, with_neurons=False)
    np.testing.assert_allclose(after.output, after_grid.output, atol=1e-5)
    np.testing.assert_array_equal(after.predicted, after_grid.predicted)
    assert not np.array_equal(before.output, after.output)
