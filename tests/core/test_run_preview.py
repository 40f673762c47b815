"""The first picture of a run started from a checkpoint, made without the trainer (core.run_preview)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from builders import easy_spec

from playground.core.architecture_edit import AddNeuron, RemoveLayer, ToggleFeature, apply_edit, carry_weights
from playground.core.checkpoint import Checkpoint, take_checkpoint, weights_only
from playground.core.run_preview import preview, same_inputs
from playground.core.trainer import Trainer


@pytest.fixture
def trained():
    t = Trainer(easy_spec((4, 3), points=100))
    t.train(3)
    return t


@pytest.mark.parametrize("edit", [AddNeuron(0), RemoveLayer(1)])
def test_a_preview_holds_the_new_architecture_and_exactly_the_weights_it_starts_from(trained, edit):
    previous = trained.snapshot(1, 50)
    before = take_checkpoint(trained)
    spec = apply_edit(before.spec, edit)
    weights = carry_weights(before.spec, before.weights, edit, np.random.default_rng(0))
    p = preview(weights_only(spec, before.dataset, weights), previous, 2)
    assert p is not None and p.generation == 2 and p.spec == spec and p.epoch == 0
    n = len(spec.network.hidden) + 1
    assert p.layer_sizes == (2, *spec.network.hidden, 1)
    assert len(p.weights) == len(p.biases) == n
    for i in range(n):
        np.testing.assert_array_equal(p.weights[i], weights[f"layers.{i}.weight"])
        np.testing.assert_array_equal(p.biases[i], weights[f"layers.{i}.bias"])
        assert not p.weights[i].flags.writeable
    # Nothing of the run before: no picture, losses, history or gradients.
    assert p.grid is None and p.results is None and p.gradients == () and p.grad_norms.size == 0
    assert np.isnan(p.train_loss) and np.isnan(p.test_loss) and p.train_accuracy is None
    assert len(p.history.epochs) == 0 and p.history.grad_norms.shape == (0, n)
    assert p.dataset is previous.dataset and p.output_activation == previous.output_activation


def test_undoing_previews_the_run_before_at_its_epoch(trained):
    previous = trained.snapshot(1, 50)
    before = take_checkpoint(trained)
    p = preview(before, previous, 3)
    assert p.epoch == trained.epoch == 3 and p.batches == trained.batches
    for w, expected in zip(p.weights, trained.network.weights, strict=True):
        np.testing.assert_array_equal(w, expected)


def test_no_preview_without_weights_or_with_other_points_or_loss(trained):
    previous = trained.snapshot(1, 50)
    cp = take_checkpoint(trained)
    assert preview(Checkpoint(cp.spec, cp.dataset), previous, 2) is None  # Reset: the worker draws them
    other_data = cp.spec.replace(data=dataclasses.replace(cp.spec.data, noise=0.2))
    assert preview(weights_only(other_data, None, cp.weights), previous, 2) is None
    other_loss = cp.spec.replace(training=dataclasses.replace(cp.spec.training, loss="cross_entropy"))
    assert preview(weights_only(other_loss, cp.dataset, cp.weights), previous, 2) is None
    other_points = Trainer(easy_spec((4, 3), points=100)).dataset  # equal, but not the same points
    assert preview(weights_only(cp.spec, other_points, cp.weights), previous, 2) is None


def test_the_inputs_pictures_are_the_same_for_the_same_features_points_and_domain(trained):
    previous = trained.snapshot(1, 50)
    before = take_checkpoint(trained)

    def after(edit):
        spec = apply_edit(before.spec, edit)
        return weights_only(spec, before.dataset, carry_weights(before.spec, before.weights, edit,
                                                                np.random.default_rng(0)))

    assert same_inputs(after(AddNeuron(0)), previous) and same_inputs(before, previous)
    assert not same_inputs(after(ToggleFeature("x1x2")), previous)
    grown = dataclasses.replace(before, picture_domain=(-9.0, 9.0, -9.0, 9.0))  # drawing grew the plane
    assert not same_inputs(grown, previous)
    assert not same_inputs(before, trained.snapshot(1, None))  # nothing drawn to keep


def test_a_preview_shares_a_checkpoints_read_only_weights_and_copies_writable_ones(trained):
    previous = trained.snapshot(1, 50)
    cp = take_checkpoint(trained)  # read-only copies of the trainer's state
    p = preview(cp, previous, 2)
    assert p.weights[0] is cp.weights["layers.0.weight"] and p.biases[1] is cp.weights["layers.1.bias"]
    writable = {k: np.array(v) for k, v in cp.weights.items()}
    q = preview(weights_only(cp.spec, cp.dataset, writable), previous, 2)
    assert not np.shares_memory(q.weights[0], writable["layers.0.weight"]) and not q.weights[0].flags.writeable
    np.testing.assert_array_equal(q.weights[0], writable["layers.0.weight"])
